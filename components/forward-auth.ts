import * as pulumi from "@pulumi/pulumi";
import { Application, Outpost, OutpostProviderAttachment, ProviderProxy, type PolicyBinding } from "@pulumi/authentik";
import { outpostConfig } from "../lib/authentik";
import { EMBEDDED_OUTPOST_NAME } from "../lib/edge";
import { allowBindings, allowProblem, applicationOptions, type Allow } from "./authentik-parts";

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
  /**
   * The application's slug (its URL name and Terraform id): a new slug replaces the application,
   * so an existing one keeps its slug, e.g. `forward-auth`.
   */
  slug: string;
  /**
   * The id of the flow a user passes to be let through after login, e.g. Authentik's
   * `default-provider-authorization-implicit-consent` (no consent page).
   */
  authorizationFlow: pulumi.Input<string>;
  /** The id of the flow that logs a user out of the provider, e.g. Authentik's `default-provider-invalidation-flow`. */
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
  /** The groups that may pass (at least one): each gets a policy binding on the application. */
  allow: Allow;
}

/**
 * Forward authentication as Traefik uses it: a proxy provider in forward mode, its application,
 * and the provider bound to the outpost Traefik's forwardAuth middleware calls. With the edge's
 * compose project that is the embedded outpost, which answers inside the Authentik server on
 * `http://authentik-server:9000/outpost.goauthentik.io/auth/traefik` (see lib/edge.ts): a provider
 * bound to any other outpost is never asked.
 *
 * Authentik creates the embedded outpost itself, so this adopts an existing object: pass its id
 * (`outpostId`) and the first `pulumi up` imports it and sets where it sends browsers. Its provider
 * list is not this component's: every stack attaches its own providers
 * (`OutpostProviderAttachment`, which adds one provider to the list and removes only it), so a
 * services stack's providers survive this stack's runs and the other way round.
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { ForwardAuth } from "homelab";
 * import { Provider, getFlowOutput, getGroupOutput } from "homelab/authentik";
 *
 * const config = new pulumi.Config();
 * const provider = new Provider("authentik", { url: "https://auth.example.net", token: config.requireSecret("authentikToken") });
 * const flow = (slug: string) => getFlowOutput({ slug }, { provider }).id;
 * new ForwardAuth("forward-auth", {
 *   mode: "domain",
 *   externalHost: "https://auth.example.net",
 *   cookieDomain: "example.net",
 *   authentikUrl: "https://auth.example.net",
 *   displayName: "Lab forward auth",
 *   slug: "forward-auth",
 *   authorizationFlow: flow("default-provider-authorization-implicit-consent"),
 *   invalidationFlow: flow("default-provider-invalidation-flow"),
 *   outpostId: config.require("embeddedOutpostId"), // its UUID, from Authentik's admin UI (Outposts)
 *   allow: [{ name: "lab-users", id: getGroupOutput({ name: "lab-users" }, { provider }).id }],
 * }, { provider });
 */
export class ForwardAuth extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:authentik:ForwardAuth";

  public readonly provider: ProviderProxy;
  public readonly application: Application;
  public readonly outpost: Outpost;
  /** This provider on the outpost. */
  public readonly attachment: OutpostProviderAttachment;
  /** The bindings that admit the allowed groups. */
  public readonly bindings: readonly PolicyBinding[];

  constructor(name: string, args: ForwardAuthArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.mode === "domain" && args.cookieDomain === undefined) {
      throw new Error(`ForwardAuth ${name}: domain mode needs cookieDomain (the domain the login cookie covers)`);
    }
    const allow = allowProblem(args.allow);
    if (allow) throw new Error(`ForwardAuth ${name}: ${allow}`);
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
    this.bindings = allowBindings(this, name, this.application, args.allow);
    this.outpost = new Outpost(
      `${name}-outpost`,
      {
        name: args.outpostName ?? EMBEDDED_OUTPOST_NAME,
        type: "proxy",
        // Required by the provider; the attachments own the list (ignored below, so an import keeps
        // what is there and an update sends the list recorded in this stack's state).
        protocolProviders: [],
        config: pulumi.output(args.authentikUrl).apply(outpostConfig),
      },
      // The adopted embedded outpost is Authentik's own: never deleted, only left behind.
      {
        parent: this,
        ignoreChanges: ["protocolProviders"],
        ...(args.outpostId === undefined ? {} : { import: args.outpostId, retainOnDelete: true }),
      },
    );
    this.attachment = new OutpostProviderAttachment(
      name,
      { outpost: this.outpost.id, protocolProvider: this.provider.id.apply(Number) },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
