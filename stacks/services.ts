import * as pulumi from "@pulumi/pulumi";
import { getGroup, getOutpostOutput, Provider } from "@pulumi/authentik";
import { defaultProviderFlows, managedScopeIds, selfSignedKeyPair, type Allow } from "../components/authentik-parts";
import { PublicService } from "../components/public-service";
import type { SshConnection } from "../components/remote-parts";
import { type CatalogService, type ServicesConfig } from "../config/services";
import { checkedZone } from "../lib/cloudflare-zone";
import { importKey, recordComment, requireAddress, type WantedRecord } from "../lib/dns";
import { EMBEDDED_OUTPOST_NAME } from "../lib/edge";
import type { EdgeTraefik } from "../lib/services";
import { siblingStack } from "../lib/stacks";
import type { ProgramResult, RunContext } from "./program";

/**
 * The `services` program: one PublicService per enabled file of the catalog (`services/`). Each
 * service's resources are named after the service, never after its position, so adding, changing
 * or removing one file changes only that service's resources.
 *
 * It reads the edge from the hetzner stack (addresses, SSH, Traefik's directory and names) and
 * Authentik from the authentik stack (URL and the services account's token); the catalog is
 * checked completely before anything is created.
 */
export function run(cfg: ServicesConfig, context: RunContext): ProgramResult {
  // Read and checked with the config (config/services.ts), with the homelab:import entries.
  const catalog = cfg.catalog;

  const hetzner = new pulumi.StackReference("hetzner", { name: cfg.edge.stack ?? siblingStack(context.stack, "hetzner") });
  const sso = new pulumi.StackReference("authentik", { name: cfg.authentik.stack ?? siblingStack(context.stack, "authentik") });
  const output = <T>(ref: pulumi.StackReference, key: string) => ref.requireOutput(key) as pulumi.Output<T>;

  // How to reach the VPS (secret: it may hold the private key); the SSH agent when there is no key.
  // The host key is the edge's own (the hetzner stack generates and exports it): another fails the run.
  const connection = pulumi.secret(
    pulumi
      .all([
        output<string>(hetzner, "sshHost"),
        output<string>(hetzner, "sshUser"),
        output<number>(hetzner, "sshPort"),
        output<string>(hetzner, "sshHostKey"),
        cfg.edge.sshPrivateKey,
      ])
      .apply(([host, user, port, hostKey, privateKey]): SshConnection => ({
        host,
        user,
        port,
        hostKey,
        ...(privateKey ? { privateKey } : {}),
      })),
  );
  const traefik = output<EdgeTraefik & { dynamicDir: string }>(hetzner, "traefik");
  // Each address family's records only when asked for; a VPS without that family ends the run naming both ways out.
  const address = (family: "ipv4" | "ipv6") =>
    cfg.services[family]
      ? requireAddress(
          hetzner.getOutput(family) as pulumi.Output<string | undefined>,
          family,
          "the services",
          `services.${family}`,
        )
      : undefined;
  const edge = {
    connection,
    dynamicDir: traefik.apply((t) => t.dynamicDir),
    traefik,
    ipv4: address("ipv4"),
    ipv6: address("ipv6"),
  };

  // What the authentik stack exports is checked against the catalog in one step, which reports
  // every problem found (Authentik's host name, slugs, groups) at once; the provider, the URL and
  // the group lookups wait for it, so nothing in Authentik is touched while one remains.
  const checked = checkedSso(
    {
      authentikUrl: output<string>(sso, "authentikUrl"),
      apps: sso.getOutput("apps") as pulumi.Output<Record<string, unknown> | undefined>,
      access: sso.getOutput("access") as pulumi.Output<AuthentikAccess | undefined>,
    },
    catalog,
  );
  const authentikUrl = checked.apply((c) => c.url);
  // Each group once, by name (looked up once the check has passed).
  const access = checked.apply((c) => c.access);
  const checkedToken = pulumi.all([output<string>(sso, "servicesToken"), checked]).apply(([value]) => value);
  const provider = new Provider("authentik", { url: authentikUrl, token: pulumi.secret(checkedToken) });
  const opts = { provider };
  const needsSso = catalog.some((s) => s.auth !== "none");
  const needsOidc = catalog.some((s) => s.auth === "oidc");
  const needsOutpost = catalog.some((s) => s.auth === "forward");
  const groupIds = new Map<string, pulumi.Output<string>>();
  const allowed = (names: readonly string[] | undefined): Allow => {
    const list = (names ?? [undefined]).map((name) => {
      const key = name ?? "";
      // Looked up in an apply of the check: a failed check runs no lookup (an invoke whose
      // arguments fail logs the error again for each, wrapped in its serialization).
      if (!groupIds.has(key))
        groupIds.set(
          key,
          access.apply(async (a) => (await getGroup({ name: name ?? a.defaultGroup }, opts)).id),
        );
      return { name: name ?? "default", id: groupIds.get(key)! };
    });
    return [list[0]!, ...list.slice(1)];
  };
  const authentik = needsSso
    ? {
        ...defaultProviderFlows(opts),
        ...(needsOutpost
          ? { outpost: getOutpostOutput({ name: EMBEDDED_OUTPOST_NAME }, opts).id, sessionLength: cfg.authentik.sessionLength }
          : {}),
        authentikUrl,
        ...(needsOidc
          ? { signingKey: selfSignedKeyPair(opts), propertyMappings: managedScopeIds(["openid", "email", "profile"], opts) }
          : {}),
      }
    : undefined;

  // Records of the services' names that exist already (made by hand, by the cloudflare stack) end
  // the run before any record is written, each named with the way to adopt it (homelab:import).
  const types = (["A", "AAAA"] as const).filter((type) => cfg.services[type === "A" ? "ipv4" : "ipv6"]);
  const adopted = (hostname: string, type: "A" | "AAAA") => cfg.import[importKey(hostname, type)];
  const importIds = (hostname: string): { A?: string; AAAA?: string } =>
    Object.fromEntries(types.flatMap((type) => (adopted(hostname, type) === undefined ? [] : [[type, adopted(hostname, type)]])));
  const wanted: WantedRecord[] = catalog.flatMap((s) =>
    types.map((type) => ({ name: s.hostname, type, source: `${s.file}: hostname`, importId: adopted(s.hostname, type) })),
  );
  const comment = recordComment(context.stack);
  const zoneId = checkedZone(cfg.services.zone, wanted, comment, context.stack);
  const published = catalog.map(
    (s) =>
      new PublicService(
        s.name,
        {
          hostname: s.hostname,
          upstream: s.upstream,
          auth: s.auth,
          ...(s.oidc ? { oidc: { redirectUris: s.oidc.redirectUris, clientType: s.oidc.clientType } } : {}),
          middlewares: s.middlewares,
          edge,
          dns: { zoneId, comment, proxied: cfg.services.proxied, import: importIds(s.hostname) },
          ...(authentik ? { authentik } : {}),
          ...(s.auth === "none" ? {} : { allow: allowed(s.allow) }),
        },
        { providers: [provider] },
      ),
  );

  return {
    outputs: {
      services: Object.fromEntries(
        catalog.map((s) => [s.name, { hostname: s.hostname, auth: s.auth, url: `https://${s.hostname}` }]),
      ),
      // What an OIDC service's app needs: its client id and issuer; the client secrets apart, as a secret.
      oidc: Object.fromEntries(
        published.flatMap((p, i) => (p.oidc ? [[catalog[i]!.name, { clientId: p.oidc.clientId, issuer: p.oidc.issuer }]] : [])),
      ),
      oidcClientSecrets: pulumi.secret(
        Object.fromEntries(published.flatMap((p, i) => (p.oidc ? [[catalog[i]!.name, p.oidc.clientSecret]] : []))),
      ),
    },
    artifacts: Object.fromEntries(published.map((p, i) => [`${catalog[i]!.name}.traefik.yaml`, p.traefikConfig])),
  };
}

/** The authentik stack's `access` output: its group names and the default one. */
export interface AuthentikAccess {
  readonly groups?: string[];
  readonly defaultGroup?: string;
}

/**
 * Why no service may take the host of `url` (the authentik stack's authentikUrl), or `undefined`:
 * the edge's Traefik already routes that host to Authentik, and the service's route and DNS
 * records would fight it.
 */
export function authentikHostProblem(url: string, services: readonly { readonly file: string; readonly hostname: string }[]) {
  const host = new URL(url).hostname;
  const clashes = services.filter((s) => s.hostname === host).map((s) => s.file);
  if (clashes.length === 0) return undefined;
  return `${clashes.map((file) => `${file}: hostname`).join(", ")}: ${host} is Authentik's own host name (the authentik stack's authentikUrl), which the edge's Traefik routes to Authentik; choose another host name`;
}

/** Which service slugs an infra app of the authentik stack has already (slugs are unique in Authentik), or `undefined`. */
export function slugClashProblem(apps: Record<string, unknown> | undefined, slugs: readonly string[]) {
  const clashes = slugs.filter((slug) => apps !== undefined && slug in apps);
  if (clashes.length === 0) return undefined;
  return `services ${clashes.join(", ")} would take the Authentik slug of an app of the authentik stack (homelab:apps there); rename the service or the app`;
}

/** The groups services admit that the authentik stack does not have (or that it exports none), or `undefined`. */
export function accessProblem(
  access: AuthentikAccess | undefined,
  services: readonly { readonly file: string; readonly allow?: readonly string[] }[],
): string | undefined {
  if (access?.defaultGroup === undefined || access.groups === undefined) {
    return "the authentik stack exports no access groups (its access output): deploy the authentik stack of this version first";
  }
  const groups = access.groups;
  const unknown = services.flatMap((s) =>
    (s.allow ?? []).filter((g) => !groups.includes(g)).map((g) => `${s.file}: allow: ${g}`),
  );
  if (unknown.length === 0) return undefined;
  return `${unknown.join("; ")}: not a group of the authentik stack's homelab:access.groups (${groups.join(", ")})`;
}

/**
 * The authentik stack's outputs, once they fit the catalog: no service takes Authentik's own host
 * name, no service's slug is an infra app's, every group a service admits is one of the stack's
 * access groups. Every problem found ends the run together, in one RunError, before Authentik is
 * touched (what waits on this: the provider, the URL, the group lookups).
 */
export function checkedSso(
  outputs: {
    readonly authentikUrl: pulumi.Output<string>;
    readonly apps: pulumi.Output<Record<string, unknown> | undefined>;
    readonly access: pulumi.Output<AuthentikAccess | undefined>;
  },
  catalog: readonly Pick<CatalogService, "file" | "hostname" | "name" | "auth" | "allow">[],
): pulumi.Output<{ url: string; access: { groups: string[]; defaultGroup: string } }> {
  const withSso = catalog.filter((s) => s.auth !== "none");
  return pulumi.all([outputs.authentikUrl, outputs.apps, outputs.access]).apply(([url, apps, access]) => {
    const problems = [
      authentikHostProblem(url, catalog),
      slugClashProblem(
        apps,
        withSso.map((s) => s.name),
      ),
      accessProblem(access, withSso),
    ].filter((p): p is string => p !== undefined);
    if (problems.length > 0) throw new pulumi.RunError(problems.join("\n"));
    return { url, access: { groups: access!.groups!, defaultGroup: access!.defaultGroup! } };
  });
}
