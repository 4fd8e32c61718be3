import * as pulumi from "@pulumi/pulumi";
import { Application, OutpostProviderAttachment, ProviderProxy, type PolicyBinding } from "@pulumi/authentik";
import { DnsRecord } from "@pulumi/cloudflare/dnsRecord";
import type { Command } from "@pulumi/command/remote/command";
import { serviceFileName, serviceTraefikConfig, type EdgeTraefik, type ServiceMiddlewares, type Upstream } from "../lib/services";
import { toYaml } from "../lib/yaml";
import { OidcApp, type OidcRedirectUri } from "./oidc-app";
import { remoteFile, type SshConnection } from "./remote-parts";
import { allowBindings, allowProblem, applicationOptions, type Allow } from "./authentik-parts";

/** How users sign in: Traefik asks Authentik first (`forward`), the app talks OIDC itself (`oidc`), or not at all (`none`). */
export type ServiceAuth = "forward" | "oidc" | "none";

/** Authentik's flows and keys the service's SSO objects use. */
export interface PublicServiceAuthentik {
  authorizationFlow: pulumi.Input<string>;
  invalidationFlow: pulumi.Input<string>;
  /** Authentik's URL (for the OIDC issuer). */
  authentikUrl: pulumi.Input<string>;
  /** OIDC: the key pair tokens are signed with, and the scope mapping ids offered. */
  signingKey?: pulumi.Input<string>;
  propertyMappings?: pulumi.Input<pulumi.Input<string>[]>;
  /** Forward auth: the id of the outpost Traefik calls (the embedded one); the service's provider is attached to it. */
  outpost?: pulumi.Input<string>;
  /** Forward auth: how long a login lasts, Authentik's format. @default "hours=24" (Authentik's own 10 minutes breaks apps' background requests) */
  sessionLength?: string;
}

export interface PublicServiceArgs {
  /** The public host name. */
  hostname: string;
  upstream: Upstream;
  auth: ServiceAuth;
  /** OIDC clients: where Authentik may send users back, client type, display name. */
  oidc?: { redirectUris: OidcRedirectUri[]; clientType?: "confidential" | "public"; displayName?: string };
  middlewares?: ServiceMiddlewares;
  /** The edge: how to reach it, its addresses, Traefik's directory and names. */
  edge: {
    connection: pulumi.Input<SshConnection>;
    dynamicDir: pulumi.Input<string>;
    traefik: pulumi.Input<EdgeTraefik>;
    ipv4?: pulumi.Input<string>;
    ipv6?: pulumi.Input<string>;
  };
  /**
   * The DNS records' zone and settings; `import` adopts records that exist in the zone already
   * (Pulumi's `import` option, by type: the provider's `<zone id>/<record id>`).
   */
  dns: {
    zoneId: pulumi.Input<string>;
    comment: string;
    proxied?: boolean;
    ttl?: number;
    import?: { A?: string; AAAA?: string };
  };
  /** Needed unless `auth` is `none`. */
  authentik?: PublicServiceAuthentik;
  /** Who may use it (unless `auth` is `none`): the groups whose members pass; everyone else is denied. */
  allow?: Allow;
}

/**
 * One public service end to end: its DNS records (A/AAAA → the edge VPS), its Traefik file in the
 * edge's watched directory (written over SSH, removed when the service is), and its SSO objects —
 * a forward-auth proxy provider and application (`forward`; the provider serves this host only,
 * so access policies bind per service) or an OIDC provider and application (`oidc`).
 * Providers (cloudflare, command, authentik) arrive through `opts.providers`.
 *
 * A forward-auth provider attaches itself to the outpost Traefik calls (`authentik.outpost`), so a
 * new service works after one run; deleting the service detaches only its provider. Every
 * application gets a policy binding per allowed group.
 */
export class PublicService extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:edge:PublicService";

  public readonly records: readonly DnsRecord[];
  public readonly route: Command;
  /** The service's Traefik dynamic configuration (YAML). */
  public readonly traefikConfig: pulumi.Output<string>;
  public readonly forwardAuth?: {
    readonly provider: ProviderProxy;
    readonly application: Application;
    readonly attachment: OutpostProviderAttachment;
    readonly bindings: readonly PolicyBinding[];
  };
  public readonly oidc?: OidcApp;
  /** Forward auth: the proxy provider's id, for the outpost. */
  public readonly forwardProviderId?: pulumi.Output<number>;

  constructor(name: string, args: PublicServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = publicServiceProblems(name, args);
    if (problems.length > 0) throw new Error(`PublicService ${name}: ${problems.join("; ")}`);
    super(PublicService.__pulumiType, name, {}, opts);

    const record = (type: "A" | "AAAA", content: pulumi.Input<string>) =>
      new DnsRecord(
        `${name}-${type.toLowerCase()}`,
        {
          zoneId: args.dns.zoneId,
          name: args.hostname,
          type,
          content,
          ttl: args.dns.ttl ?? 1,
          proxied: args.dns.proxied ?? false,
          comment: args.dns.comment,
        },
        { parent: this, ...(args.dns.import?.[type] === undefined ? {} : { import: args.dns.import[type] }) },
      );
    this.records = [
      ...(args.edge.ipv4 === undefined ? [] : [record("A", args.edge.ipv4)]),
      ...(args.edge.ipv6 === undefined ? [] : [record("AAAA", args.edge.ipv6)]),
    ];

    this.traefikConfig = pulumi.output(args.edge.traefik).apply((traefik) =>
      toYaml(
        serviceTraefikConfig(
          {
            name,
            hostname: args.hostname,
            upstream: args.upstream,
            forwardAuth: args.auth === "forward",
            middlewares: args.middlewares ?? {},
          },
          traefik,
        ),
      ),
    );
    this.route = remoteFile(this, `${name}-route`, {
      connection: args.edge.connection,
      path: pulumi.interpolate`${args.edge.dynamicDir}/${serviceFileName(name)}`,
      content: this.traefikConfig,
      mode: "0644",
    });

    const sso = args.authentik!;
    if (args.auth === "forward") {
      const provider = new ProviderProxy(
        name,
        {
          name: args.hostname,
          mode: "forward_single",
          externalHost: `https://${args.hostname}`,
          authorizationFlow: sso.authorizationFlow,
          invalidationFlow: sso.invalidationFlow,
          accessTokenValidity: sso.sessionLength ?? "hours=24",
        },
        { parent: this },
      );
      const application = new Application(
        name,
        {
          name: args.hostname,
          slug: name,
          protocolProvider: provider.id.apply(Number),
          metaLaunchUrl: `https://${args.hostname}`,
        },
        applicationOptions(this),
      );
      const attachment = new OutpostProviderAttachment(
        name,
        { outpost: sso.outpost!, protocolProvider: provider.id.apply(Number) },
        { parent: this },
      );
      this.forwardAuth = { provider, application, attachment, bindings: allowBindings(this, name, application, args.allow!) };
      this.forwardProviderId = provider.id.apply(Number);
    } else if (args.auth === "oidc") {
      this.oidc = new OidcApp(
        name,
        {
          displayName: args.oidc!.displayName ?? args.hostname,
          slug: name,
          redirectUris: args.oidc!.redirectUris,
          clientType: args.oidc!.clientType ?? "confidential",
          propertyMappings: sso.propertyMappings ?? [],
          authorizationFlow: sso.authorizationFlow,
          invalidationFlow: sso.invalidationFlow,
          ...(sso.signingKey === undefined ? {} : { signingKey: sso.signingKey }),
          launchUrl: `https://${args.hostname}`,
          authentikUrl: sso.authentikUrl,
          allow: args.allow!,
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}

/** What is wrong with the args, checked before anything is created. */
export function publicServiceProblems(name: string, args: PublicServiceArgs): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name))
    problems.push(`the name must be a DNS label (it names the Traefik router and the Authentik slug)`);
  if (args.auth !== "none" && args.authentik === undefined) problems.push(`auth ${args.auth} needs authentik (flows and URL)`);
  if (args.auth === "oidc" && (args.oidc === undefined || args.oidc.redirectUris.length === 0))
    problems.push("auth oidc needs oidc.redirectUris");
  if (args.auth !== "oidc" && args.oidc !== undefined) problems.push(`oidc is only for auth oidc (this is ${args.auth})`);
  if (args.auth !== "none") {
    const allow = allowProblem(args.allow);
    if (allow) problems.push(`auth ${args.auth}: ${allow}`);
  }
  if (args.auth === "forward" && args.authentik !== undefined && args.authentik.outpost === undefined)
    problems.push("auth forward needs authentik.outpost (the outpost Traefik calls, where its provider is attached)");
  if (args.edge.ipv4 === undefined && args.edge.ipv6 === undefined)
    problems.push("edge.ipv4 or edge.ipv6 is needed for the DNS record");
  return problems;
}
