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
  /**
   * The id of the flow a user passes after login before reaching the service, e.g. Authentik's
   * `default-provider-authorization-implicit-consent` (no consent page).
   */
  authorizationFlow: pulumi.Input<string>;
  /** The id of the flow that logs a user out of the service's provider, e.g. `default-provider-invalidation-flow`. */
  invalidationFlow: pulumi.Input<string>;
  /** Authentik's URL (for the OIDC issuer). */
  authentikUrl: pulumi.Input<string>;
  /** OIDC: the id of the key pair tokens are signed with (RS256). Unset: HS256 with the client secret. */
  signingKey?: pulumi.Input<string>;
  /** OIDC: the ids of the scope mappings the client may ask for (openid, email, profile, ...). @default [] */
  propertyMappings?: pulumi.Input<pulumi.Input<string>[]>;
  /** Forward auth: the id of the outpost Traefik calls (the embedded one); the service's provider is attached to it. */
  outpost?: pulumi.Input<string>;
  /** Forward auth: how long a login lasts, Authentik's format. @default "hours=24" (Authentik's own 10 minutes breaks apps' background requests) */
  sessionLength?: string;
}

export interface PublicServiceArgs {
  /** The public host name, e.g. `jellyfin.example.net`: its DNS records, Traefik router and certificate. */
  hostname: string;
  /** Where the edge's Traefik sends the requests: a URL it reaches (`{ url }`) or a lab name behind the shared Gateway (`{ route }`). */
  upstream: Upstream;
  /**
   * How users sign in: `forward` (Traefik asks Authentik before every request), `oidc` (the app
   * signs users in itself through an OIDC client made here) or `none` (public).
   */
  auth: ServiceAuth;
  /** OIDC clients (`auth: "oidc"` only). */
  oidc?: {
    /** Where Authentik may send users back after login (the app's callback URLs). At least one. */
    redirectUris: OidcRedirectUri[];
    /** `confidential` (a server app holding a client secret) or `public` (a browser or CLI app, PKCE). @default "confidential" */
    clientType?: "confidential" | "public";
    /** The application's name on Authentik's dashboard. @default the host name */
    displayName?: string;
  };
  /** Traefik middlewares before the upstream: allowed networks, rate limit, extra headers. @default none */
  middlewares?: ServiceMiddlewares;
  /** The edge: how to reach it, its addresses, Traefik's directory and names (the hetzner stack's outputs). */
  edge: {
    /** SSH to the edge VPS, where the service's Traefik file is written (as `@pulumi/command` takes it; keep the key secret). */
    connection: pulumi.Input<SshConnection>;
    /** Traefik's watched directory on the VPS (`/opt/edge/traefik/dynamic`): the service's file goes there. */
    dynamicDir: pulumi.Input<string>;
    /** The edge Traefik's entry point, certificate resolver and Authentik names the router refers to. */
    traefik: pulumi.Input<EdgeTraefik>;
    /** The VPS's public IPv4 address: an `A` record. Unset: none (at least one of ipv4 and ipv6). */
    ipv4?: pulumi.Input<string>;
    /** The VPS's public IPv6 address: an `AAAA` record. Unset: none. */
    ipv6?: pulumi.Input<string>;
  };
  /**
   * The DNS records' zone and settings; `import` adopts records that exist in the zone already
   * (Pulumi's `import` option, by type: the provider's `<zone id>/<record id>`).
   */
  dns: {
    /** The Cloudflare zone's id (`getZoneOutput({ filter: { name } }).zoneId` of `@pulumi/cloudflare`). */
    zoneId: pulumi.Input<string>;
    /** The records' comment in Cloudflare, naming who manages them (`managed by homelab/services`). */
    comment: string;
    /** Through Cloudflare's proxy (orange cloud); off, clients connect to the edge's Traefik directly. @default false */
    proxied?: boolean;
    /** The records' TTL in seconds; `1` is Cloudflare's "automatic". @default 1 */
    ttl?: number;
    /** Existing records to adopt instead of create, by type. @default none */
    import?: {
      /** The `A` record's import id, `<zone id>/<record id>`. */
      A?: string;
      /** The `AAAA` record's import id, `<zone id>/<record id>`. */
      AAAA?: string;
    };
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
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { getZoneOutput } from "@pulumi/cloudflare/getZone";
 * import { Provider as CloudflareProvider } from "@pulumi/cloudflare/provider";
 * import { Provider as CommandProvider } from "@pulumi/command/provider";
 * import { PublicService } from "homelab";
 * import { Provider, getFlowOutput, getGroupOutput, getOutpostOutput } from "homelab/authentik";
 *
 * const config = new pulumi.Config();
 * const authentik = new Provider("authentik", { url: "https://auth.example.net", token: config.requireSecret("authentikToken") });
 * const flow = (slug: string) => getFlowOutput({ slug }, { provider: authentik }).id;
 * new PublicService("jellyfin", {
 *   hostname: "jellyfin.example.net",
 *   upstream: { route: "jellyfin.lab.example.net" },
 *   auth: "forward",
 *   middlewares: { rateLimit: { average: 50, burst: 100 } },
 *   edge: {
 *     connection: { host: "203.0.113.10", user: "root", privateKey: config.requireSecret("edgeSshKey") },
 *     dynamicDir: "/opt/edge/traefik/dynamic",
 *     traefik: {
 *       entryPoint: "websecure",
 *       certResolver: "letsencrypt",
 *       forwardAuthMiddleware: "authentik@file",
 *       authentikService: "authentik@file",
 *     },
 *     ipv4: "203.0.113.10",
 *   },
 *   dns: {
 *     zoneId: getZoneOutput({ filter: { name: "example.net" } }).zoneId,
 *     comment: "managed by homelab/services",
 *   },
 *   authentik: {
 *     authorizationFlow: flow("default-provider-authorization-implicit-consent"),
 *     invalidationFlow: flow("default-provider-invalidation-flow"),
 *     authentikUrl: "https://auth.example.net",
 *     outpost: getOutpostOutput({ name: "authentik Embedded Outpost" }, { provider: authentik }).id,
 *   },
 *   allow: [{ name: "family", id: getGroupOutput({ name: "family" }, { provider: authentik }).id }],
 * }, { providers: [authentik, new CloudflareProvider("cloudflare"), new CommandProvider("command")] });
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
