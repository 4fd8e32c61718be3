import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/** An OAuth2 / OpenID Connect provider. Terraform resource `authentik_provider_oauth2`, type token `authentik:index/providerOauth2:ProviderOauth2`. */
export class ProviderOauth2 extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/providerOauth2:ProviderOauth2";

  /** Looks up an existing ProviderOauth2 by its provider ID, with optional extra state. */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: ProviderOauth2State,
    opts?: pulumi.CustomResourceOptions,
  ): ProviderOauth2 {
    return new ProviderOauth2(name, state as ProviderOauth2Args, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is ProviderOauth2 {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === ProviderOauth2.__pulumiType;
  }

  /** `access_code_validity`; defaults to `minutes=1`; format `hours=1;minutes=2;seconds=3`. */
  declare readonly accessCodeValidity: pulumi.Output<string | undefined>;
  /** `access_token_validity`; defaults to `minutes=10`; format `hours=1;minutes=2;seconds=3`. */
  declare readonly accessTokenValidity: pulumi.Output<string | undefined>;
  /** `allowed_redirect_uris`. */
  declare readonly allowedRedirectUris: pulumi.Output<Record<string, string>[] | undefined>;
  /** `authentication_flow`. */
  declare readonly authenticationFlow: pulumi.Output<string | undefined>;
  /** `authorization_flow` (required). */
  declare readonly authorizationFlow: pulumi.Output<string>;
  /** `client_id` (required). */
  declare readonly clientId: pulumi.Output<string>;
  /** `client_secret`; computed by authentik when not set; secret. */
  declare readonly clientSecret: pulumi.Output<string>;
  /** `client_type`; one of `confidential`, `public`; defaults to `confidential`. */
  declare readonly clientType: pulumi.Output<string | undefined>;
  /** `encryption_key`. */
  declare readonly encryptionKey: pulumi.Output<string | undefined>;
  /** `grant_types`; computed by authentik when not set. */
  declare readonly grantTypes: pulumi.Output<string[]>;
  /** `include_claims_in_id_token`; defaults to `true`. */
  declare readonly includeClaimsInIdToken: pulumi.Output<boolean | undefined>;
  /** `invalidation_flow` (required). */
  declare readonly invalidationFlow: pulumi.Output<string>;
  /** `issuer_mode`; one of `global`, `per_provider`; defaults to `per_provider`. */
  declare readonly issuerMode: pulumi.Output<string | undefined>;
  /** `jwks_sources`; deprecated. */
  declare readonly jwksSources: pulumi.Output<string[] | undefined>;
  /** `jwt_federation_providers`. */
  declare readonly jwtFederationProviders: pulumi.Output<number[] | undefined>;
  /** `jwt_federation_sources`. */
  declare readonly jwtFederationSources: pulumi.Output<string[] | undefined>;
  /** `logout_method`; one of `backchannel`, `frontchannel`; defaults to `backchannel`. */
  declare readonly logoutMethod: pulumi.Output<string | undefined>;
  /** `logout_uri`. */
  declare readonly logoutUri: pulumi.Output<string | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  declare readonly name: pulumi.Output<string>;
  /** `property_mappings`. */
  declare readonly propertyMappings: pulumi.Output<string[] | undefined>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly providerOauth2Id: pulumi.Output<string>;
  /** `refresh_token_threshold`; defaults to `seconds=0`; format `hours=1;minutes=2;seconds=3`. */
  declare readonly refreshTokenThreshold: pulumi.Output<string | undefined>;
  /** `refresh_token_validity`; defaults to `days=30`; format `hours=1;minutes=2;seconds=3`. */
  declare readonly refreshTokenValidity: pulumi.Output<string | undefined>;
  /** `signing_key`. */
  declare readonly signingKey: pulumi.Output<string | undefined>;
  /** `sub_mode`; one of `hashed_user_id`, `user_id`, `user_uuid`, `user_username`, `user_email`, `user_upn`; defaults to `hashed_user_id`. */
  declare readonly subMode: pulumi.Output<string | undefined>;

  constructor(name: string, args: ProviderOauth2Args, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: ProviderOauth2Args | ProviderOauth2State, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: [
        "accessCodeValidity",
        "accessTokenValidity",
        "allowedRedirectUris",
        "authenticationFlow",
        "authorizationFlow",
        "clientId",
        "clientSecret",
        "clientType",
        "encryptionKey",
        "grantTypes",
        "includeClaimsInIdToken",
        "invalidationFlow",
        "issuerMode",
        "jwksSources",
        "jwtFederationProviders",
        "jwtFederationSources",
        "logoutMethod",
        "logoutUri",
        "name",
        "propertyMappings",
        "refreshTokenThreshold",
        "refreshTokenValidity",
        "signingKey",
        "subMode",
      ],
      outputs: ["providerOauth2Id"],
      secretInputs: ["clientSecret"],
      required: ["authorizationFlow", "clientId", "invalidationFlow"],
    });
    super(ProviderOauth2.__pulumiType, name, inputs, resourceOptions(opts, ["clientSecret"]), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link ProviderOauth2}. `name` is optional: when left out, the provider names the object after the logical resource name plus a random suffix. */
export interface ProviderOauth2Args {
  /** `access_code_validity`; defaults to `minutes=1`; format `hours=1;minutes=2;seconds=3`. */
  accessCodeValidity?: pulumi.Input<string | undefined>;
  /** `access_token_validity`; defaults to `minutes=10`; format `hours=1;minutes=2;seconds=3`. */
  accessTokenValidity?: pulumi.Input<string | undefined>;
  /** `allowed_redirect_uris`. */
  allowedRedirectUris?: pulumi.Input<pulumi.Input<Record<string, pulumi.Input<string>>>[] | undefined>;
  /** `authentication_flow`. */
  authenticationFlow?: pulumi.Input<string | undefined>;
  /** `authorization_flow` (required). */
  authorizationFlow: pulumi.Input<string>;
  /** `client_id` (required). */
  clientId: pulumi.Input<string>;
  /** `client_secret`; computed by authentik when not set; secret. */
  clientSecret?: pulumi.Input<string | undefined>;
  /** `client_type`; one of `confidential`, `public`; defaults to `confidential`. */
  clientType?: pulumi.Input<string | undefined>;
  /** `encryption_key`. */
  encryptionKey?: pulumi.Input<string | undefined>;
  /** `grant_types`; computed by authentik when not set. */
  grantTypes?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `include_claims_in_id_token`; defaults to `true`. */
  includeClaimsInIdToken?: pulumi.Input<boolean | undefined>;
  /** `invalidation_flow` (required). */
  invalidationFlow: pulumi.Input<string>;
  /** `issuer_mode`; one of `global`, `per_provider`; defaults to `per_provider`. */
  issuerMode?: pulumi.Input<string | undefined>;
  /** `jwks_sources`; deprecated. */
  jwksSources?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `jwt_federation_providers`. */
  jwtFederationProviders?: pulumi.Input<pulumi.Input<number>[] | undefined>;
  /** `jwt_federation_sources`. */
  jwtFederationSources?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `logout_method`; one of `backchannel`, `frontchannel`; defaults to `backchannel`. */
  logoutMethod?: pulumi.Input<string | undefined>;
  /** `logout_uri`. */
  logoutUri?: pulumi.Input<string | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  name?: pulumi.Input<string | undefined>;
  /** `property_mappings`. */
  propertyMappings?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `refresh_token_threshold`; defaults to `seconds=0`; format `hours=1;minutes=2;seconds=3`. */
  refreshTokenThreshold?: pulumi.Input<string | undefined>;
  /** `refresh_token_validity`; defaults to `days=30`; format `hours=1;minutes=2;seconds=3`. */
  refreshTokenValidity?: pulumi.Input<string | undefined>;
  /** `signing_key`. */
  signingKey?: pulumi.Input<string | undefined>;
  /** `sub_mode`; one of `hashed_user_id`, `user_id`, `user_uuid`, `user_username`, `user_email`, `user_upn`; defaults to `hashed_user_id`. */
  subMode?: pulumi.Input<string | undefined>;
}

/** The state of a {@link ProviderOauth2}, for {@link ProviderOauth2.get}. */
export interface ProviderOauth2State extends Partial<ProviderOauth2Args> {
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  providerOauth2Id?: pulumi.Input<string | undefined>;
}
