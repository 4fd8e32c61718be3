import * as pulumi from "@pulumi/pulumi";
import { Application, ProviderOauth2, type PolicyBinding } from "@pulumi/authentik";
import { issuerUrl, redirectUri, redirectUriProblem, type RedirectMatching } from "../lib/authentik";
import { allowBindings, allowProblem, applicationOptions, type Allow } from "./authentik-parts";

/** A redirect URI the provider accepts. */
export interface OidcRedirectUri {
  /**
   * The app's callback, e.g. `https://grafana.lab.example.net/login/generic_oauth`: an absolute URL
   * (`strict`), or a regular expression that pins `^scheme://host` (`regex`), checked before
   * anything is created.
   */
  url: string;
  /** `strict`: the exact URL; `regex`: `url` is a regular expression the redirect must match. @default "strict" */
  matching?: RedirectMatching;
}

export interface OidcAppArgs {
  /** The application's name in Authentik's UI. */
  displayName: string;
  /** The application's slug: its issuer is `<authentik>/application/o/<slug>/`. */
  slug: string;
  /** Where Authentik may send users back to. At least one. */
  redirectUris: OidcRedirectUri[];
  /** `confidential` (a server with a client secret) or `public` (a browser or CLI app, PKCE). @default "confidential" */
  clientType?: "confidential" | "public";
  /** The OAuth client id. @default the slug */
  clientId?: string;
  /** The client secret (secret). Unset: Authentik generates one (see {@link OidcApp.clientSecret}). */
  clientSecret?: pulumi.Input<string>;
  /** Scope mapping ids the provider offers (openid, email, profile, groups, ...). */
  propertyMappings: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The id of the flow a user passes before the app gets a token (consent), e.g. Authentik's
   * `default-provider-authorization-implicit-consent`.
   */
  authorizationFlow: pulumi.Input<string>;
  /** The id of the flow that ends the session at the provider (logout), e.g. `default-provider-invalidation-flow`. */
  invalidationFlow: pulumi.Input<string>;
  /** Key pair the tokens are signed with (RS256); unset: HS256 with the client secret. */
  signingKey?: pulumi.Input<string>;
  /** How long an access token is valid, Authentik's format (`minutes=10`, `hours=1`). @default "minutes=10" */
  accessTokenValidity?: string;
  /** How long a refresh token is valid (the app stays signed in without a new login), Authentik's format. @default "days=30" */
  refreshTokenValidity?: string;
  /** The `sub` claim. @default "hashed_user_id" */
  subMode?: "hashed_user_id" | "user_id" | "user_uuid" | "user_username" | "user_email" | "user_upn";
  /** The app's URL on Authentik's dashboard. */
  launchUrl?: string;
  /** Group heading on the dashboard. */
  group?: string;
  /** Authentik's URL, for the issuer output. */
  authentikUrl: pulumi.Input<string>;
  /** The groups that may use the app (at least one): each gets a policy binding, everyone else is denied. */
  allow: Allow;
}

/**
 * An OIDC client in Authentik: an OAuth2 provider (redirect URIs, client type, scopes, signing
 * key, token lifetimes) and the application that users see and policies bind to. Names and slugs
 * are set explicitly, so nothing is auto-named.
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { OidcApp } from "homelab";
 * import { Provider, getFlowOutput, getGroupOutput, getPropertyMappingProviderScopeOutput } from "homelab/authentik";
 *
 * const authentikUrl = "https://auth.example.net";
 * const provider = new Provider("authentik", { url: authentikUrl, token: new pulumi.Config().requireSecret("authentikToken") });
 * const flow = (slug: string) => getFlowOutput({ slug }, { provider }).id;
 * const scope = (name: string) =>
 *   getPropertyMappingProviderScopeOutput({ managed: `goauthentik.io/providers/oauth2/scope-${name}` }, { provider }).id;
 * const grafana = new OidcApp("grafana", {
 *   displayName: "Grafana",
 *   slug: "grafana",
 *   redirectUris: [{ url: "https://grafana.lab.example.net/login/generic_oauth" }],
 *   propertyMappings: ["openid", "email", "profile"].map(scope),
 *   authorizationFlow: flow("default-provider-authorization-implicit-consent"),
 *   invalidationFlow: flow("default-provider-invalidation-flow"),
 *   authentikUrl,
 *   allow: [{ name: "lab-users", id: getGroupOutput({ name: "lab-users" }, { provider }).id }],
 * }, { provider });
 * export const grafanaIssuer = grafana.issuer;
 * export const grafanaClientSecret = grafana.clientSecret; // secret
 */
export class OidcApp extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:authentik:OidcApp";

  public readonly provider: ProviderOauth2;
  public readonly application: Application;
  /** The bindings that admit the allowed groups. */
  public readonly bindings: readonly PolicyBinding[];
  public readonly clientId: pulumi.Output<string>;
  /** The client secret (secret; empty for public clients). */
  public readonly clientSecret: pulumi.Output<string | undefined>;
  /** The OIDC issuer (discovery at `<issuer>.well-known/openid-configuration`). */
  public readonly issuer: pulumi.Output<string>;

  constructor(name: string, args: OidcAppArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = oidcAppProblems(args);
    if (problems.length > 0) throw new Error(`OidcApp ${name}: ${problems.join("; ")}`);
    super(OidcApp.__pulumiType, name, {}, opts);
    const clientType = args.clientType ?? "confidential";
    this.provider = new ProviderOauth2(
      name,
      {
        name: args.displayName,
        clientId: args.clientId ?? args.slug,
        clientType,
        ...(args.clientSecret === undefined ? {} : { clientSecret: args.clientSecret }),
        allowedRedirectUris: args.redirectUris.map((r) => redirectUri(r.url, r.matching ?? "strict")),
        propertyMappings: args.propertyMappings,
        authorizationFlow: args.authorizationFlow,
        invalidationFlow: args.invalidationFlow,
        ...(args.signingKey === undefined ? {} : { signingKey: args.signingKey }),
        accessTokenValidity: args.accessTokenValidity ?? "minutes=10",
        refreshTokenValidity: args.refreshTokenValidity ?? "days=30",
        subMode: args.subMode ?? "hashed_user_id",
      },
      { parent: this },
    );
    this.application = new Application(
      name,
      {
        name: args.displayName,
        slug: args.slug,
        protocolProvider: this.provider.id.apply(Number),
        ...(args.launchUrl === undefined ? {} : { metaLaunchUrl: args.launchUrl }),
        ...(args.group === undefined ? {} : { group: args.group }),
      },
      applicationOptions(this),
    );
    this.bindings = allowBindings(this, name, this.application, args.allow);
    this.clientId = this.provider.clientId;
    this.clientSecret = pulumi.secret(this.provider.clientSecret);
    this.issuer = pulumi.output(args.authentikUrl).apply((url) => issuerUrl(url, args.slug));
    this.registerOutputs({ clientId: this.clientId, issuer: this.issuer });
  }
}

/** What is wrong with the args, checked before anything is created. */
export function oidcAppProblems(args: OidcAppArgs): string[] {
  const problems: string[] = [];
  if (!/^[a-z0-9][a-z0-9-]*$/.test(args.slug))
    problems.push(`slug ${JSON.stringify(args.slug)} must be lowercase letters, digits and -`);
  if (args.redirectUris.length === 0) problems.push("redirectUris: at least one is needed");
  for (const r of args.redirectUris) {
    const problem = redirectUriProblem(r.url, r.matching ?? "strict");
    if (problem) problems.push(`redirect URI ${problem}`);
  }
  if (args.clientType === "public" && args.clientSecret !== undefined) problems.push("a public client has no client secret");
  const allow = allowProblem(args.allow);
  if (allow) problems.push(allow);
  return problems;
}
