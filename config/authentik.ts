import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  cookieDomainProblem,
  MANAGED_SCOPES,
  REDIRECT_RULES,
  redirectUriProblem,
  reservedSlugProblem,
  type ManagedScope,
} from "../lib/authentik";
import { dnsName, httpsUrl, secretString, stackReference, stackProgramProblem, validity } from "./fields";
import { didYouMean, type CheckContext, type ConfigSpec } from "./loader";
import type { AccessRule } from "../lib/authentik-access";

/**
 * Config of the `authentik` program: which Authentik (the hetzner stack's, or a URL and token),
 * GitHub login, forward auth, the infra OIDC apps and the services stack's account. Keys are
 * `homelab:<section>` in `Pulumi.authentik.yaml`.
 */

const SLUG = /^[a-z0-9][a-z0-9-]*$/;
const slug = z
  .string()
  .regex(SLUG, { error: (i) => `must be a slug (lowercase letters, digits, -) like grafana, got ${JSON.stringify(i.input)}` });

const SCOPES = Object.keys(MANAGED_SCOPES) as [ManagedScope, ...ManagedScope[]];
/** The scope this stack once made itself: Authentik's profile scope now carries the groups claim. */
const GROUPS = "groups";

const authentik = z
  .strictObject({
    stack: stackReference
      .optional()
      .describe(
        "The hetzner stack whose `authentikUrl` and `authentikToken` outputs reach Authentik. Default `hetzner`, or `hetzner-<env>`.",
      ),
    url: httpsUrl
      .optional()
      .describe("Authentik's URL, for an Authentik this repo did not build (with `token`, instead of `stack`)."),
    token: secretString()
      .optional()
      .describe("An Authentik API token (secret), with `url`. Else the provider reads AUTHENTIK_TOKEN."),
  })
  .prefault({});

const github = z.strictObject({
  clientId: z.string().min(1).describe("The GitHub OAuth app's client id."),
  clientSecret: secretString().describe("The GitHub OAuth app's client secret (secret)."),
  slug: slug.default("github").describe("The source's slug: its callback URL ends in `/source/oauth/callback/<slug>/`."),
  userMatchingMode: z
    .enum(["identifier", "email_link", "email_deny", "username_link", "username_deny"])
    .default("identifier")
    .describe("How a GitHub login finds an existing user; `identifier` never links by email (no account takeover)."),
  identificationStage: z
    .string()
    .min(1)
    .default("default-authentication-identification")
    .describe("The login flow's identification stage the GitHub button is added to (adopt it once with pulumi import)."),
});

const githubLogin = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, {
  error: (i) => `must be a GitHub login like octocat, got ${JSON.stringify(i.input)}`,
});
const githubTeam = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*\/[a-z0-9][a-z0-9_.-]*$/, {
  error: (i) => `must be a GitHub team as org/team-slug like my-org/admins, got ${JSON.stringify(i.input)}`,
});
const groupName = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, {
  error: (i) => `must be a group name like homelab-users (lowercase letters, digits, . _ -), got ${JSON.stringify(i.input)}`,
});

const accessGroup = z.strictObject({
  users: z.array(githubLogin).default([]).describe("GitHub logins in this group (case-insensitive)."),
  orgs: z.array(githubLogin).default([]).describe("GitHub organisations whose members are in this group."),
  teams: z.array(githubTeam).default([]).describe("GitHub teams (`org/team-slug`) whose members are in this group."),
});

const access = z.strictObject({
  groups: z
    .record(groupName, accessGroup)
    .describe(
      "Authentik groups by name, each with the GitHub accounts in it. A GitHub account in no group can neither enroll nor sign in.",
    ),
  defaultGroup: groupName
    .default("homelab-users")
    .describe("The lab-wide group: the apps without their own `allow` admit it (and only it)."),
});

/** Which access groups may use an app: names from homelab:access.groups. */
const allow = z
  .array(groupName)
  .min(1, { error: "must name at least one group (an app nobody may use has no place here)" })
  .optional()
  .describe("The access groups allowed to use it. Default: homelab:access.defaultGroup.");

const forwardAuth = z
  .strictObject({
    mode: z
      .enum(["domain", "single"])
      .default("domain")
      .describe("`domain`: one login for every host under `domain`; `single`: protect `externalHost` only."),
    externalHost: httpsUrl.optional().describe("Single mode: the protected app's URL."),
    slug: slug.default("forward-auth"),
    name: z.string().min(1).default("Forward auth"),
    accessTokenValidity: validity.default("hours=24").describe("How long a login lasts."),
    allow,
    servicesStack: z
      .unknown()
      .optional()
      .describe("No longer used: the services stack attaches its own forward-auth providers to the outpost."),
  })
  .prefault({});

const app = z.strictObject({
  name: z.string().min(1).describe("The application's name on the Authentik dashboard."),
  slug: slug.describe("Its slug; the issuer is `<authentik>/application/o/<slug>/`."),
  redirectUris: z
    .array(
      z.union([
        z.string().min(1),
        z.strictObject({ url: z.string().min(1), matching: z.enum(["strict", "regex"]).default("strict") }),
      ]),
    )
    .min(1)
    .describe(`Where Authentik may send users back: a URL (strict), or \`{url, matching: regex}\`: ${REDIRECT_RULES}`),
  clientType: z.enum(["confidential", "public"]).default("confidential"),
  clientId: z.string().min(1).optional().describe("The OAuth client id. Default: the slug."),
  scopes: z
    .array(z.enum([...SCOPES, GROUPS]))
    .default(["openid", "email", "profile"])
    .describe(`Scopes the client may ask for: ${SCOPES.join(", ")}.`),
  accessTokenValidity: validity.default("minutes=10"),
  refreshTokenValidity: validity.default("days=30"),
  launchUrl: httpsUrl.optional().describe("The app's URL on the dashboard."),
  group: z.string().min(1).optional().describe("Dashboard group heading."),
  allow,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const uuid = z.string().regex(UUID, {
  error: (i) =>
    `must be a UUID like 0b4b6f5c-5a4e-4c3b-9f4e-2a1d3c4b5a6f (from Authentik's admin UI), got ${JSON.stringify(i.input)}`,
});

const adopt = z.strictObject({
  embeddedOutpost: uuid.describe(
    "The UUID of `authentik Embedded Outpost` (Admin → Applications → Outposts; in the page URL): Traefik calls this outpost, so forward auth is bound to it.",
  ),
  identificationStage: uuid.describe(
    "The UUID of the login flow's identification stage (Admin → Flows and Stages → Stages → default-authentication-identification): GitHub is added to it.",
  ),
});

const serviceAccount = z
  .strictObject({
    username: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, {
        error: (i) =>
          `must be a user name like homelab-services (lowercase letters, digits, . _ -), got ${JSON.stringify(i.input)}`,
      })
      .default("homelab-services")
      .describe("The services stack's account."),
    group: z.string().min(1).default("homelab-automation").describe("Its group, which holds its role (never a superuser group)."),
    role: z
      .string()
      .min(1)
      .default("homelab-services")
      .describe("The RBAC role with only the permissions the services stack needs."),
    tokenGeneration: z
      .int()
      .min(1)
      .default(1)
      .describe(
        "Raise it by one to rotate the token: a new token (identifier `<username>-<generation>`) replaces the old, which is deleted.",
      ),
  })
  .prefault({});

/** The zod schema of each `homelab:` key of the authentik program. */
export const authentikSections = {
  authentik: authentik.describe("Which Authentik: the hetzner stack's (default) or a URL and token."),
  domain: dnsName.describe("The public domain: forward auth's login cookie covers it."),
  github: github.describe("Log in with GitHub: the OAuth app's credentials."),
  access: access.describe("Who may sign in through GitHub, in which Authentik groups; apps admit groups."),
  forwardAuth: forwardAuth.describe("Forward auth for Traefik: the proxy provider bound to the embedded outpost."),
  adopt: adopt.describe(
    "Objects Authentik creates on its first start that this stack takes over (imported on the first pulumi up, then updated).",
  ),
  apps: z.array(app).default([]).describe("Infra apps that log in with OIDC (Argo CD, Grafana, NetBird, ...)."),
  serviceAccount: serviceAccount.describe("The account (and API token) the services stack uses."),
};

type Sections = typeof authentikSections;
type Parsed = { [K in keyof Sections]: z.output<Sections[K]> };

/** One OIDC app, resolved. */
export type AuthentikApp = Omit<Parsed["apps"][number], "redirectUris" | "allow"> & {
  readonly allow: readonly string[];
  readonly redirectUris: readonly { readonly url: string; readonly matching: "strict" | "regex" }[];
};

/** The authentik program's validated config. */
export interface AuthentikConfig {
  /** `url` (+ `token`) when given, else `stack` (unset: the sibling hetzner stack). */
  readonly authentik: { readonly stack?: string; readonly url?: string; readonly token?: pulumi.Output<string> };
  readonly domain: string;
  readonly github: Omit<Parsed["github"], "clientSecret"> & { readonly clientSecret: pulumi.Output<string> };
  /** Access groups by name, in config order; `defaultGroup` is one of them. */
  readonly access: { readonly groups: readonly AccessRule[]; readonly defaultGroup: string };
  /** `allow` resolved: the default group when unset. */
  readonly forwardAuth: Omit<Parsed["forwardAuth"], "allow" | "servicesStack"> & { readonly allow: readonly string[] };
  readonly adopt: Parsed["adopt"];
  readonly apps: readonly AuthentikApp[];
  readonly serviceAccount: Parsed["serviceAccount"];
}

type Ctx = CheckContext<Sections>;

export const authentikConfigSpec: ConfigSpec<Sections, AuthentikConfig> = {
  sections: authentikSections,
  check(ctx) {
    checkAuthentik(ctx);
    checkForwardAuth(ctx);
    checkApps(ctx);
    checkClientIds(ctx);
    checkAccess(ctx);
  },
  resolve(parsed) {
    return {
      authentik: parsed.authentik,
      domain: parsed.domain,
      github: parsed.github,
      access: {
        groups: Object.entries(parsed.access.groups).map(([group, g]) => ({ group, ...g })),
        defaultGroup: parsed.access.defaultGroup,
      },
      forwardAuth: (({ servicesStack: _gone, ...fa }) => ({ ...fa, allow: fa.allow ?? [parsed.access.defaultGroup] }))(
        parsed.forwardAuth,
      ),
      adopt: parsed.adopt,
      apps: parsed.apps.map((a) => ({
        ...a,
        allow: a.allow ?? [parsed.access.defaultGroup],
        redirectUris: a.redirectUris.map((r) => (typeof r === "string" ? { url: r, matching: "strict" as const } : r)),
      })),
      serviceAccount: parsed.serviceAccount,
    };
  },
};

function checkAuthentik(ctx: Ctx): void {
  const given = (key: string) => ctx.given(["authentik", key]);
  if (given("stack") && (given("url") || given("token"))) {
    ctx.report(["authentik"], "set stack (the hetzner stack's outputs) or url and token, not both");
  }
  if (given("token") && !given("url")) ctx.report(["authentik", "url"], "is required with token");
  if (given("url") && !given("token")) ctx.report(["authentik", "token"], "is required with url (an API token of an admin)");
  if (ctx.given(["forwardAuth", "servicesStack"])) {
    ctx.report(
      ["forwardAuth", "servicesStack"],
      "is no longer used: the services stack attaches its own forward-auth providers to the embedded outpost; remove it",
    );
  }
  const stack = ctx.valid.authentik?.stack;
  const problem =
    stack === undefined ? undefined : stackProgramProblem(stack, "hetzner", "authentikUrl and authentikToken outputs");
  if (problem) ctx.report(["authentik", "stack"], problem);
}

function checkForwardAuth(ctx: Ctx): void {
  const fa = ctx.valid.forwardAuth;
  if (fa?.mode === "single" && !ctx.given(["forwardAuth", "externalHost"])) {
    ctx.report(["forwardAuth", "externalHost"], "is required in single mode (the URL of the one app it protects)");
  }
  if (fa?.mode === "domain" && ctx.given(["forwardAuth", "externalHost"])) {
    ctx.report(["forwardAuth", "externalHost"], "is only for single mode; domain mode uses Authentik's own URL");
  }
  const { url } = ctx.valid.authentik ?? {};
  const cookie = fa?.mode === "domain" && url !== undefined && ctx.valid.domain !== undefined;
  const cookieProblem = cookie ? cookieDomainProblem(url, ctx.valid.domain) : undefined;
  if (cookieProblem) ctx.report(["authentik", "url"], cookieProblem);
  const reserved = fa?.slug === undefined ? undefined : reservedSlugProblem(fa.slug);
  if (reserved) ctx.report(["forwardAuth", "slug"], `${reserved}; choose another slug`);
}

/** Client ids are unique in Authentik: an explicit `clientId`, else the slug. */
function checkClientIds(ctx: Ctx): void {
  const seen = new Map<string, number>();
  ctx.valid.apps?.forEach((a, i) => {
    const id = a?.clientId ?? a?.slug;
    if (a === undefined || id === undefined || ctx.invalid(["apps", i, "clientId"])) return;
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, i);
      return;
    }
    // Two slugs alike are reported as such.
    if (a.clientId === undefined && ctx.valid.apps?.[first]?.clientId === undefined) return;
    const whose = (j: number) => (ctx.valid.apps?.[j]?.clientId === undefined ? `apps[${j}]'s slug` : `apps[${j}]'s clientId`);
    const own = a.clientId === undefined ? `${id} (the default: the slug)` : id;
    ctx.report(
      ["apps", i, "clientId"],
      `${own} is also the client id of apps[${first}] (${whose(first)}); client ids are unique in Authentik: give each app its own clientId`,
    );
  });
}

function checkApps(ctx: Ctx): void {
  const slugs = new Map<string, number>();
  ctx.valid.apps?.forEach((a, i) => {
    if (!a) return;
    if (a.slug !== undefined) {
      const first = slugs.get(a.slug);
      if (first !== undefined) ctx.report(["apps", i, "slug"], `${a.slug} is also apps[${first}]'s slug`);
      else slugs.set(a.slug, i);
      if (a.slug === ctx.valid.forwardAuth?.slug) ctx.report(["apps", i, "slug"], `${a.slug} is forward auth's slug`);
      const reserved = reservedSlugProblem(a.slug);
      if (reserved) ctx.report(["apps", i, "slug"], `${reserved}; choose another slug`);
    }
    a.redirectUris?.forEach((r, j) => {
      if (r === undefined) return;
      const { url, matching } = typeof r === "string" ? { url: r, matching: "strict" as const } : r;
      if (url === undefined || matching === undefined) return;
      const path = ["apps", i, "redirectUris", j];
      const problem = redirectUriProblem(url, matching);
      if (problem) ctx.report(path, problem);
    });
    const groups = a.scopes?.indexOf(GROUPS) ?? -1;
    if (groups >= 0) {
      ctx.report(
        ["apps", i, "scopes", groups],
        "groups is not a scope of its own: Authentik's profile scope carries the groups claim; drop it and keep profile",
      );
    }
    if (a.scopes !== undefined && !a.scopes.includes("openid")) {
      ctx.report(["apps", i, "scopes"], "must include openid (an OIDC client without it gets no ID token)");
    }
  });
}

function checkAccess(ctx: Ctx): void {
  const access = ctx.valid.access;
  if (!access?.groups) return;
  const names = Object.keys(access.groups);
  if (names.length === 0) {
    ctx.report(["access", "groups"], "must name at least one group (else nobody can sign in)");
    return;
  }
  for (const [name, g] of Object.entries(access.groups)) {
    if (g && g.users?.length === 0 && g.orgs?.length === 0 && g.teams?.length === 0) {
      ctx.report(["access", "groups", name], "names nobody: give it users, orgs or teams");
    }
  }
  const known = (path: (string | number)[], group: string) => {
    if (!names.includes(group)) ctx.report(path, `${group} is not a group of homelab:access.groups${didYouMean(group, names)}`);
  };
  if (access.defaultGroup !== undefined) known(["access", "defaultGroup"], access.defaultGroup);
  ctx.valid.forwardAuth?.allow?.forEach((g, i) => g !== undefined && known(["forwardAuth", "allow", i], g));
  ctx.valid.apps?.forEach((a, i) => a?.allow?.forEach((g, j) => g !== undefined && known(["apps", i, "allow", j], g)));
}
