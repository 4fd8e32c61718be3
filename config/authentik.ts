import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { GROUPS_SCOPE, isPlainHttpRedirect, MANAGED_SCOPES, redirectUriProblem, type ManagedScope } from "../lib/authentik";
import { dnsName, httpsUrl, secretString, stackReference, stackProgramProblem } from "./fields";
import type { CheckContext, ConfigSpec } from "./loader";

/**
 * Config of the `authentik` program: which Authentik (the hetzner stack's, or a URL and token),
 * GitHub login, forward auth, the infra OIDC apps and the services stack's account. Keys are
 * `homelab:<section>` in `Pulumi.authentik.yaml`.
 */

const SLUG = /^[a-z0-9][a-z0-9-]*$/;
const slug = z
  .string()
  .regex(SLUG, { error: (i) => `must be a slug (lowercase letters, digits, -) like grafana, got ${JSON.stringify(i.input)}` });

/** Authentik's duration format: `hours=1;minutes=30`. */
const validity = z.string().regex(/^(weeks|days|hours|minutes|seconds)=\d+(;(weeks|days|hours|minutes|seconds)=\d+)*$/, {
  error: (i) => `must be a duration like minutes=10 or hours=1;minutes=30, got ${JSON.stringify(i.input)}`,
});

const SCOPES = [...(Object.keys(MANAGED_SCOPES) as ManagedScope[]), GROUPS_SCOPE.scopeName] as const;

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
    servicesStack: stackReference
      .optional()
      .describe(
        "A services stack whose forward-auth providers (its `forwardAuthProviders` output) the embedded outpost also serves. Set it once that stack exists.",
      ),
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
    .describe("Where Authentik may send users back: a URL (strict), or `{url, matching: regex}`."),
  clientType: z.enum(["confidential", "public"]).default("confidential"),
  clientId: z.string().min(1).optional().describe("The OAuth client id. Default: the slug."),
  scopes: z
    .array(z.enum(SCOPES))
    .default(["openid", "email", "profile"])
    .describe(`Scopes the client may ask for: ${SCOPES.join(", ")}.`),
  accessTokenValidity: validity.default("minutes=10"),
  refreshTokenValidity: validity.default("days=30"),
  launchUrl: httpsUrl.optional().describe("The app's URL on the dashboard."),
  group: z.string().min(1).optional().describe("Dashboard group heading."),
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
    group: z.string().min(1).default("homelab-automation").describe("Its group (superuser: it manages providers and apps)."),
  })
  .prefault({});

/** The zod schema of each `homelab:` key of the authentik program. */
export const authentikSections = {
  authentik: authentik.describe("Which Authentik: the hetzner stack's (default) or a URL and token."),
  domain: dnsName.describe("The public domain: forward auth's login cookie covers it."),
  github: github.describe("Log in with GitHub: the OAuth app's credentials."),
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
export type AuthentikApp = Omit<Parsed["apps"][number], "redirectUris"> & {
  readonly redirectUris: readonly { readonly url: string; readonly matching: "strict" | "regex" }[];
};

/** The authentik program's validated config. */
export interface AuthentikConfig {
  /** `url` (+ `token`) when given, else `stack` (unset: the sibling hetzner stack). */
  readonly authentik: { readonly stack?: string; readonly url?: string; readonly token?: pulumi.Output<string> };
  readonly domain: string;
  readonly github: Omit<Parsed["github"], "clientSecret"> & { readonly clientSecret: pulumi.Output<string> };
  readonly forwardAuth: Parsed["forwardAuth"];
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
  },
  resolve(parsed) {
    return {
      authentik: parsed.authentik,
      domain: parsed.domain,
      github: parsed.github,
      forwardAuth: parsed.forwardAuth,
      adopt: parsed.adopt,
      apps: parsed.apps.map((a) => ({
        ...a,
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
  const services = ctx.valid.forwardAuth?.servicesStack;
  const servicesProblem =
    services === undefined ? undefined : stackProgramProblem(services, "services", "forwardAuthProviders output");
  if (servicesProblem) ctx.report(["forwardAuth", "servicesStack"], servicesProblem);
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
    }
    a.redirectUris?.forEach((r, j) => {
      if (r === undefined) return;
      const { url, matching } = typeof r === "string" ? { url: r, matching: "strict" as const } : r;
      if (url === undefined || matching === undefined) return;
      const path = ["apps", i, "redirectUris", j];
      const problem = redirectUriProblem(url, matching);
      if (problem) ctx.report(path, problem);
      else if (matching === "strict" && isPlainHttpRedirect(url)) {
        ctx.warn(path, `${url} is plain HTTP: the authorization code would cross the network unencrypted`);
      }
    });
    if (a.scopes !== undefined && !a.scopes.includes("openid")) {
      ctx.report(["apps", i, "scopes"], "must include openid (an OIDC client without it gets no ID token)");
    }
  });
}
