import * as pulumi from "@pulumi/pulumi";
import { getFlowOutput, Group, Provider } from "@pulumi/authentik";
import { defaultProviderFlows, managedScopeIds, selfSignedKeyPair, type Allow } from "../components/authentik-parts";
import { ForwardAuth } from "../components/forward-auth";
import { GitHubLogin } from "../components/github-login";
import { OidcApp } from "../components/oidc-app";
import { ServiceAccount } from "../components/service-account";
import type { AuthentikConfig } from "../config/authentik";
import { cookieDomainProblem, DEFAULT_FLOWS, MANAGED_SCOPES, type ManagedScope } from "../lib/authentik";
import { forwardAuthAddress } from "../lib/edge";
import { siblingStack } from "../lib/stacks";
import type { ProgramResult, RunContext } from "./program";

/**
 * The `authentik` program: single sign-on on the edge's Authentik. Log in with GitHub (a source on
 * the login flow's identification stage), forward auth for Traefik (a proxy provider bound to the
 * embedded outpost, the one Traefik's forwardAuth calls), an OIDC client per infra app, and a
 * service account whose token the services stack uses.
 *
 * Authentik is reached with the hetzner stack's `authentikUrl` and `authentikToken` (the bootstrap
 * token), or with a URL and token from config.
 */
export function run(cfg: AuthentikConfig, context: RunContext): ProgramResult {
  const edge =
    cfg.authentik.url === undefined ? edgeOutputs(cfg.authentik.stack ?? siblingStack(context.stack, "hetzner")) : undefined;
  // Config guarantees url and token come together when there is no stack.
  const url = underCookieDomain(
    edge?.url ?? pulumi.output(cfg.authentik.url!),
    cfg.forwardAuth.mode === "domain" ? cfg.domain : undefined,
  );
  const token = edge?.token ?? cfg.authentik.token!;
  const provider = new Provider("authentik", { url, token: pulumi.secret(token) });
  const opts = { provider };

  const flow = (slug: string) => getFlowOutput({ slug }, opts).id;
  const { authorizationFlow, invalidationFlow } = defaultProviderFlows(opts);

  // The access groups, named by group: adding or removing one touches only its own resources.
  const groups = new Map(
    cfg.access.groups.map((g) => [g.group, new Group(`access-${g.group}`, { name: g.group, isSuperuser: false }, opts)]),
  );
  // Config guarantees every name is a group and each list has one at least.
  const allowed = (names: readonly string[]): Allow => {
    const [first, ...rest] = names.map((name) => ({ name, id: groups.get(name)!.id }));
    return [first!, ...rest];
  };

  // Components are named by role, not slug: a new slug must not make every child a new resource
  // (the adopted login stage and outpost would be deleted with the old names). The alias carries
  // stacks that were named by a non-default slug before.
  const formerly = (slug: string, name: string) => (slug === name ? {} : { aliases: [{ name: slug }] });
  const github = new GitHubLogin(
    "github",
    {
      clientId: cfg.github.clientId,
      clientSecret: cfg.github.clientSecret,
      slug: cfg.github.slug,
      authenticationFlow: flow(DEFAULT_FLOWS.sourceAuthentication),
      enrollmentFlow: flow(DEFAULT_FLOWS.sourceEnrollment),
      userMatchingMode: cfg.github.userMatchingMode,
      identificationStage: cfg.github.identificationStage,
      identificationStageId: cfg.adopt.identificationStage,
      access: cfg.access.groups,
    },
    { ...opts, ...formerly(cfg.github.slug, "github") },
  );

  const forwardAuth = new ForwardAuth(
    "forward-auth",
    {
      mode: cfg.forwardAuth.mode,
      externalHost: cfg.forwardAuth.mode === "domain" ? url : cfg.forwardAuth.externalHost!,
      ...(cfg.forwardAuth.mode === "domain" ? { cookieDomain: cfg.domain } : {}),
      authentikUrl: url,
      displayName: cfg.forwardAuth.name,
      slug: cfg.forwardAuth.slug,
      authorizationFlow,
      invalidationFlow,
      accessTokenValidity: cfg.forwardAuth.accessTokenValidity,
      outpostId: cfg.adopt.embeddedOutpost,
      allow: allowed(cfg.forwardAuth.allow),
    },
    { ...opts, ...formerly(cfg.forwardAuth.slug, "forward-auth") },
  );

  const apps: Record<string, OidcApp> = {};
  if (cfg.apps.length > 0) {
    const wanted = new Set(cfg.apps.flatMap((a) => a.scopes));
    const managed = (Object.keys(MANAGED_SCOPES) as ManagedScope[]).filter((s) => wanted.has(s));
    const managedIds = managedScopeIds(managed, opts);
    // Paired by name: the lookups come back in `managed`'s order, one per scope.
    const scopeIds = (scopes: readonly string[]) =>
      managedIds.apply((ids) => scopes.map((s) => ids[managed.indexOf(s as ManagedScope)]!));
    const signingKey = selfSignedKeyPair(opts);
    for (const app of cfg.apps) {
      apps[app.slug] = new OidcApp(
        app.slug,
        {
          displayName: app.name,
          slug: app.slug,
          redirectUris: app.redirectUris.map((r) => ({ url: r.url, matching: r.matching })),
          clientType: app.clientType,
          ...(app.clientId === undefined ? {} : { clientId: app.clientId }),
          propertyMappings: scopeIds(app.scopes),
          authorizationFlow,
          invalidationFlow,
          signingKey,
          accessTokenValidity: app.accessTokenValidity,
          refreshTokenValidity: app.refreshTokenValidity,
          ...(app.launchUrl === undefined ? {} : { launchUrl: app.launchUrl }),
          ...(app.group === undefined ? {} : { group: app.group }),
          authentikUrl: url,
          allow: allowed(app.allow),
        },
        opts,
      );
    }
  }

  const account = new ServiceAccount(
    cfg.serviceAccount.username,
    {
      username: cfg.serviceAccount.username,
      group: cfg.serviceAccount.group,
      role: cfg.serviceAccount.role,
      tokenGeneration: cfg.serviceAccount.tokenGeneration,
      outpost: forwardAuth.outpost.id,
      description: "The homelab services stack: providers and applications of public services",
    },
    opts,
  );

  return {
    outputs: {
      authentikUrl: url,
      servicesToken: account.key,
      githubCallbackUrl: github.callbackUrl,
      forwardAuth: {
        mode: cfg.forwardAuth.mode,
        providerId: forwardAuth.provider.id,
        outpost: forwardAuth.outpost.name,
        address: edge?.forwardAuthAddress ?? forwardAuthAddress(),
      },
      apps: Object.fromEntries(Object.entries(apps).map(([slug, a]) => [slug, { clientId: a.clientId, issuer: a.issuer }])),
      // For the services stack: the groups its services may admit, and the default.
      access: { groups: cfg.access.groups.map((g) => g.group), defaultGroup: cfg.access.defaultGroup },
      // Kept apart so the map above stays readable: a secret inside an output makes all of it secret.
      appClientSecrets: pulumi.secret(Object.fromEntries(Object.entries(apps).map(([slug, a]) => [slug, a.clientSecret]))),
    },
    artifacts: {},
  };
}

/**
 * Authentik's URL, once domain-mode forward auth (cookie domain `domain`) can share its login
 * cookie: Authentik's host must be under the domain. Config checks `authentik.url`; the hetzner
 * stack's URL is known when it is read, and a host outside ends the run before Authentik is touched.
 */
export function underCookieDomain(url: pulumi.Output<string>, domain: string | undefined): pulumi.Output<string> {
  return url.apply((value) => {
    const problem = domain === undefined ? undefined : cookieDomainProblem(value, domain);
    if (problem) throw new pulumi.RunError(`homelab:domain ${domain}: ${problem}`);
    return value;
  });
}

/** What the authentik program reads from the hetzner stack. */
interface EdgeOutputs {
  readonly url: pulumi.Output<string>;
  readonly token: pulumi.Output<string>;
  readonly forwardAuthAddress: pulumi.Output<string>;
}

/**
 * The hetzner stack's Authentik URL and token, once its Traefik forward-auth address is the one
 * the embedded outpost answers on: a Traefik that calls anything else would never see the
 * providers bound here, so a mismatch ends the run before Authentik is touched.
 */
export function edgeOutputs(stack: string): EdgeOutputs {
  const hetzner = new pulumi.StackReference("hetzner", { name: stack });
  const traefik = hetzner.requireOutput("traefik") as pulumi.Output<{ forwardAuthAddress?: string }>;
  const address = traefik.apply((t) => {
    const expected = forwardAuthAddress();
    if (t.forwardAuthAddress !== expected) {
      throw new pulumi.RunError(
        `stack ${stack}'s Traefik sends forward auth to ${String(t.forwardAuthAddress)}, but the providers here are bound to the embedded outpost at ${expected}: deploy the hetzner stack of this version first`,
      );
    }
    return expected;
  });
  const url = pulumi.all([hetzner.requireOutput("authentikUrl"), address]).apply(([u]) => u as string);
  return { url, token: hetzner.requireOutput("authentikToken") as pulumi.Output<string>, forwardAuthAddress: address };
}
