import * as pulumi from "@pulumi/pulumi";
import { Application, Outpost, ProviderProxy } from "@pulumi/authentik";
import { outpostConfig } from "../lib/authentik";
import { EMBEDDED_OUTPOST_NAME } from "../lib/edge";
import { applicationOptions } from "./authentik-parts";

export interface ForwardAuthArgs {
  /**
   * `domain`: one provider for every host under `cookieDomain` (log in once for all);
   * `single`: this provider protects `externalHost` only.
   */
  mode: "domain" | "single";
  /** Domain mode: Authentik's own URL (`https://auth.example.net`). Single mode: the protected app's URL. */
  externalHost: pulumi.Input<string>;
  /** Domain mode: the domain the session cookie is set for (`example.net`). */
  cookieDomain?: pulumi.Input<string>;
  /** Authentik's public URL: where the outpost sends browsers to log in. */
  authentikUrl: pulumi.Input<string>;
  /** The provider's and application's name in Authentik. */
  displayName: string;
  slug: string;
  authorizationFlow: pulumi.Input<string>;
  invalidationFlow: pulumi.Input<string>;
  /** How long a login lasts, Authentik's format. @default "hours=24" */
  accessTokenValidity?: string;
  /** The outpost Traefik calls. @default the embedded outpost (`authentik Embedded Outpost`) */
  outpostName?: string;
  /**
   * The id (UUID) of that outpost when Authentik created it (the embedded one always is): it is
   * imported on the first `pulumi up`, then updated to serve this provider. Unset: the outpost is
   * created (a separate outpost, which needs its own deployment).
   */
  outpostId?: string;
  /** Other proxy providers the same outpost serves (ids). */
  extraProviders?: pulumi.Input<pulumi.Input<number>[]>;
}

/**
 * Forward authentication as Traefik uses it: a proxy provider in forward mode, its application,
 * and the provider bound to the outpost Traefik's forwardAuth middleware calls. With the edge's
 * compose project that is the embedded outpost, which answers inside the Authentik server on
 * `http://authentik-server:9000/outpost.goauthentik.io/auth/traefik` (see lib/edge.ts): a provider
 * bound to any other outpost is never asked.
 *
 * Authentik creates the embedded outpost itself, so this adopts an existing object: pass its id
 * (`outpostId`) and the first `pulumi up` imports it, then binds the provider.
 */
export class ForwardAuth extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:authentik:ForwardAuth";

  public readonly provider: ProviderProxy;
  public readonly application: Application;
  public readonly outpost: Outpost;

  constructor(name: string, args: ForwardAuthArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.mode === "domain" && args.cookieDomain === undefined) {
      throw new Error(`ForwardAuth ${name}: domain mode needs cookieDomain (the domain the login cookie covers)`);
    }
    super(ForwardAuth.__pulumiType, name, {}, opts);
    this.provider = new ProviderProxy(
      name,
      {
        name: args.displayName,
        mode: args.mode === "domain" ? "forward_domain" : "forward_single",
        externalHost: args.externalHost,
        ...(args.mode === "domain" ? { cookieDomain: args.cookieDomain } : {}),
        authorizationFlow: args.authorizationFlow,
        invalidationFlow: args.invalidationFlow,
        accessTokenValidity: args.accessTokenValidity ?? "hours=24",
      },
      { parent: this },
    );
    this.application = new Application(
      name,
      { name: args.displayName, slug: args.slug, protocolProvider: this.provider.id.apply(Number), metaHide: true },
      applicationOptions(this),
    );
    const providers = pulumi.all([this.provider.id, args.extraProviders ?? []]).apply(([id, extra]) => [Number(id), ...extra]);
    this.outpost = new Outpost(
      `${name}-outpost`,
      {
        name: args.outpostName ?? EMBEDDED_OUTPOST_NAME,
        type: "proxy",
        protocolProviders: providers,
        config: pulumi.output(args.authentikUrl).apply(outpostConfig),
      },
      // The adopted embedded outpost is Authentik's own: never deleted, only left behind.
      { parent: this, ...(args.outpostId === undefined ? {} : { import: args.outpostId, retainOnDelete: true }) },
    );
    this.registerOutputs({});
  }
}
