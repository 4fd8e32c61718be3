import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/** A proxy provider (reverse proxy or forward auth, served by an outpost). Terraform resource `authentik_provider_proxy`, type token `authentik:index/providerProxy:ProviderProxy`. */
export class ProviderProxy extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/providerProxy:ProviderProxy";

  /** Looks up an existing ProviderProxy by its provider ID, with optional extra state. */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: ProviderProxyState,
    opts?: pulumi.CustomResourceOptions,
  ): ProviderProxy {
    return new ProviderProxy(name, state as ProviderProxyArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is ProviderProxy {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === ProviderProxy.__pulumiType;
  }

  /** `access_token_validity`; defaults to `minutes=10`; format `hours=1;minutes=2;seconds=3`. */
  declare readonly accessTokenValidity: pulumi.Output<string | undefined>;
  /** `authentication_flow`. */
  declare readonly authenticationFlow: pulumi.Output<string | undefined>;
  /** `authorization_flow` (required). */
  declare readonly authorizationFlow: pulumi.Output<string>;
  /** `basic_auth_enabled`; defaults to `false`. */
  declare readonly basicAuthEnabled: pulumi.Output<boolean | undefined>;
  /** `basic_auth_password_attribute`. */
  declare readonly basicAuthPasswordAttribute: pulumi.Output<string | undefined>;
  /** `basic_auth_username_attribute`. */
  declare readonly basicAuthUsernameAttribute: pulumi.Output<string | undefined>;
  /** `client_id`; computed by authentik. */
  declare readonly clientId: pulumi.Output<string>;
  /** `cookie_domain`. */
  declare readonly cookieDomain: pulumi.Output<string | undefined>;
  /** `external_host` (required). */
  declare readonly externalHost: pulumi.Output<string>;
  /** `intercept_header_auth`; defaults to `true`. */
  declare readonly interceptHeaderAuth: pulumi.Output<boolean | undefined>;
  /** `internal_host`. */
  declare readonly internalHost: pulumi.Output<string | undefined>;
  /** `internal_host_ssl_validation`; defaults to `true`. */
  declare readonly internalHostSslValidation: pulumi.Output<boolean | undefined>;
  /** `invalidation_flow` (required). */
  declare readonly invalidationFlow: pulumi.Output<string>;
  /** `jwks_sources`; deprecated. */
  declare readonly jwksSources: pulumi.Output<string[] | undefined>;
  /** `jwt_federation_providers`. */
  declare readonly jwtFederationProviders: pulumi.Output<number[] | undefined>;
  /** `jwt_federation_sources`. */
  declare readonly jwtFederationSources: pulumi.Output<string[] | undefined>;
  /** `mode`; one of `proxy`, `forward_single`, `forward_domain`; defaults to `proxy`. */
  declare readonly mode: pulumi.Output<string | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  declare readonly name: pulumi.Output<string>;
  /** `property_mappings`. */
  declare readonly propertyMappings: pulumi.Output<string[] | undefined>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly providerProxyId: pulumi.Output<string>;
  /** `refresh_token_validity`; defaults to `days=30`; format `hours=1;minutes=2;seconds=3`. */
  declare readonly refreshTokenValidity: pulumi.Output<string | undefined>;
  /** `skip_path_regex`. */
  declare readonly skipPathRegex: pulumi.Output<string | undefined>;

  constructor(name: string, args: ProviderProxyArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: ProviderProxyArgs | ProviderProxyState, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: [
        "accessTokenValidity",
        "authenticationFlow",
        "authorizationFlow",
        "basicAuthEnabled",
        "basicAuthPasswordAttribute",
        "basicAuthUsernameAttribute",
        "cookieDomain",
        "externalHost",
        "interceptHeaderAuth",
        "internalHost",
        "internalHostSslValidation",
        "invalidationFlow",
        "jwksSources",
        "jwtFederationProviders",
        "jwtFederationSources",
        "mode",
        "name",
        "propertyMappings",
        "refreshTokenValidity",
        "skipPathRegex",
      ],
      outputs: ["clientId", "providerProxyId"],
      required: ["authorizationFlow", "externalHost", "invalidationFlow"],
    });
    super(ProviderProxy.__pulumiType, name, inputs, resourceOptions(opts), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link ProviderProxy}. `name` is optional: when left out, the provider names the object after the logical resource name plus a random suffix. */
export interface ProviderProxyArgs {
  /** `access_token_validity`; defaults to `minutes=10`; format `hours=1;minutes=2;seconds=3`. */
  accessTokenValidity?: pulumi.Input<string | undefined>;
  /** `authentication_flow`. */
  authenticationFlow?: pulumi.Input<string | undefined>;
  /** `authorization_flow` (required). */
  authorizationFlow: pulumi.Input<string>;
  /** `basic_auth_enabled`; defaults to `false`. */
  basicAuthEnabled?: pulumi.Input<boolean | undefined>;
  /** `basic_auth_password_attribute`. */
  basicAuthPasswordAttribute?: pulumi.Input<string | undefined>;
  /** `basic_auth_username_attribute`. */
  basicAuthUsernameAttribute?: pulumi.Input<string | undefined>;
  /** `cookie_domain`. */
  cookieDomain?: pulumi.Input<string | undefined>;
  /** `external_host` (required). */
  externalHost: pulumi.Input<string>;
  /** `intercept_header_auth`; defaults to `true`. */
  interceptHeaderAuth?: pulumi.Input<boolean | undefined>;
  /** `internal_host`. */
  internalHost?: pulumi.Input<string | undefined>;
  /** `internal_host_ssl_validation`; defaults to `true`. */
  internalHostSslValidation?: pulumi.Input<boolean | undefined>;
  /** `invalidation_flow` (required). */
  invalidationFlow: pulumi.Input<string>;
  /** `jwks_sources`; deprecated. */
  jwksSources?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `jwt_federation_providers`. */
  jwtFederationProviders?: pulumi.Input<pulumi.Input<number>[] | undefined>;
  /** `jwt_federation_sources`. */
  jwtFederationSources?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `mode`; one of `proxy`, `forward_single`, `forward_domain`; defaults to `proxy`. */
  mode?: pulumi.Input<string | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  name?: pulumi.Input<string | undefined>;
  /** `property_mappings`. */
  propertyMappings?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `refresh_token_validity`; defaults to `days=30`; format `hours=1;minutes=2;seconds=3`. */
  refreshTokenValidity?: pulumi.Input<string | undefined>;
  /** `skip_path_regex`. */
  skipPathRegex?: pulumi.Input<string | undefined>;
}

/** The state of a {@link ProviderProxy}, for {@link ProviderProxy.get}. */
export interface ProviderProxyState extends Partial<ProviderProxyArgs> {
  /** `client_id`; computed by authentik. */
  clientId?: pulumi.Input<string | undefined>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  providerProxyId?: pulumi.Input<string | undefined>;
}
