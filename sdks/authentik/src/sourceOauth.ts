import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/** An OAuth / OpenID Connect source: log in through an external identity provider. Terraform resource `authentik_source_oauth`, type token `authentik:index/sourceOauth:SourceOauth`. */
export class SourceOauth extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/sourceOauth:SourceOauth";

  /** Looks up an existing SourceOauth by its provider ID, with optional extra state. */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: SourceOauthState,
    opts?: pulumi.CustomResourceOptions,
  ): SourceOauth {
    return new SourceOauth(name, state as SourceOauthArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is SourceOauth {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === SourceOauth.__pulumiType;
  }

  /** `access_token_url`. */
  declare readonly accessTokenUrl: pulumi.Output<string | undefined>;
  /** `additional_scopes`. */
  declare readonly additionalScopes: pulumi.Output<string | undefined>;
  /** `authentication_flow`. */
  declare readonly authenticationFlow: pulumi.Output<string | undefined>;
  /** `authorization_code_auth_method`; one of `basic_auth`, `post_body`; defaults to `basic_auth`. */
  declare readonly authorizationCodeAuthMethod: pulumi.Output<string | undefined>;
  /** `authorization_url`. */
  declare readonly authorizationUrl: pulumi.Output<string | undefined>;
  /** `callback_uri`; computed by authentik. */
  declare readonly callbackUri: pulumi.Output<string>;
  /** `consumer_key` (required). */
  declare readonly consumerKey: pulumi.Output<string>;
  /** `consumer_secret` (required); secret. */
  declare readonly consumerSecret: pulumi.Output<string>;
  /** `enabled`; defaults to `true`. */
  declare readonly enabled: pulumi.Output<boolean | undefined>;
  /** `enrollment_flow`. */
  declare readonly enrollmentFlow: pulumi.Output<string | undefined>;
  /** `group_matching_mode`; one of `identifier`, `name_link`, `name_deny`; defaults to `identifier`. */
  declare readonly groupMatchingMode: pulumi.Output<string | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  declare readonly name: pulumi.Output<string>;
  /** `oidc_jwks`; a JSON-encoded string; computed by authentik when not set. */
  declare readonly oidcJwks: pulumi.Output<string>;
  /** `oidc_jwks_url`. */
  declare readonly oidcJwksUrl: pulumi.Output<string | undefined>;
  /** `oidc_well_known_url`. */
  declare readonly oidcWellKnownUrl: pulumi.Output<string | undefined>;
  /** `pkce`; one of `none`, `plain`, `S256`; defaults to `none`. */
  declare readonly pkce: pulumi.Output<string | undefined>;
  /** `policy_engine_mode`; one of `all`, `any`; defaults to `any`. */
  declare readonly policyEngineMode: pulumi.Output<string | undefined>;
  /** `profile_url`. */
  declare readonly profileUrl: pulumi.Output<string | undefined>;
  /** `promoted`; defaults to `false`. */
  declare readonly promoted: pulumi.Output<boolean | undefined>;
  /** `property_mappings`. */
  declare readonly propertyMappings: pulumi.Output<string[] | undefined>;
  /** `property_mappings_group`. */
  declare readonly propertyMappingsGroups: pulumi.Output<string[] | undefined>;
  /** `provider_type` (required); one of `apple`, `openidconnect`, `entraid`, `azuread`, `discord`, `facebook`, `github`, `gitlab`, `google`, `mailcow`, `okta`, `patreon`, `reddit`, `slack`, `twitch`, `twitter`, `wechat`. */
  declare readonly providerType: pulumi.Output<string>;
  /** `request_token_url`. */
  declare readonly requestTokenUrl: pulumi.Output<string | undefined>;
  /** `slug` (required). */
  declare readonly slug: pulumi.Output<string>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly sourceOauthId: pulumi.Output<string>;
  /** `user_matching_mode`; one of `identifier`, `email_link`, `email_deny`, `username_link`, `username_deny`; defaults to `identifier`. */
  declare readonly userMatchingMode: pulumi.Output<string | undefined>;
  /** `user_path_template`; defaults to `goauthentik.io/sources/%(slug)s`. */
  declare readonly userPathTemplate: pulumi.Output<string | undefined>;
  /** `uuid`; computed by authentik when not set. */
  declare readonly uuid: pulumi.Output<string>;

  constructor(name: string, args: SourceOauthArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: SourceOauthArgs | SourceOauthState, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: [
        "accessTokenUrl",
        "additionalScopes",
        "authenticationFlow",
        "authorizationCodeAuthMethod",
        "authorizationUrl",
        "consumerKey",
        "consumerSecret",
        "enabled",
        "enrollmentFlow",
        "groupMatchingMode",
        "name",
        "oidcJwks",
        "oidcJwksUrl",
        "oidcWellKnownUrl",
        "pkce",
        "policyEngineMode",
        "profileUrl",
        "promoted",
        "propertyMappings",
        "propertyMappingsGroups",
        "providerType",
        "requestTokenUrl",
        "slug",
        "userMatchingMode",
        "userPathTemplate",
        "uuid",
      ],
      outputs: ["callbackUri", "sourceOauthId"],
      secretInputs: ["consumerSecret"],
      required: ["consumerKey", "consumerSecret", "providerType", "slug"],
    });
    super(SourceOauth.__pulumiType, name, inputs, resourceOptions(opts, ["consumerSecret"]), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link SourceOauth}. `name` is optional: when left out, the provider names the object after the logical resource name plus a random suffix. */
export interface SourceOauthArgs {
  /** `access_token_url`. */
  accessTokenUrl?: pulumi.Input<string | undefined>;
  /** `additional_scopes`. */
  additionalScopes?: pulumi.Input<string | undefined>;
  /** `authentication_flow`. */
  authenticationFlow?: pulumi.Input<string | undefined>;
  /** `authorization_code_auth_method`; one of `basic_auth`, `post_body`; defaults to `basic_auth`. */
  authorizationCodeAuthMethod?: pulumi.Input<string | undefined>;
  /** `authorization_url`. */
  authorizationUrl?: pulumi.Input<string | undefined>;
  /** `consumer_key` (required). */
  consumerKey: pulumi.Input<string>;
  /** `consumer_secret` (required); secret. */
  consumerSecret: pulumi.Input<string>;
  /** `enabled`; defaults to `true`. */
  enabled?: pulumi.Input<boolean | undefined>;
  /** `enrollment_flow`. */
  enrollmentFlow?: pulumi.Input<string | undefined>;
  /** `group_matching_mode`; one of `identifier`, `name_link`, `name_deny`; defaults to `identifier`. */
  groupMatchingMode?: pulumi.Input<string | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  name?: pulumi.Input<string | undefined>;
  /** `oidc_jwks`; a JSON-encoded string; computed by authentik when not set. */
  oidcJwks?: pulumi.Input<string | undefined>;
  /** `oidc_jwks_url`. */
  oidcJwksUrl?: pulumi.Input<string | undefined>;
  /** `oidc_well_known_url`. */
  oidcWellKnownUrl?: pulumi.Input<string | undefined>;
  /** `pkce`; one of `none`, `plain`, `S256`; defaults to `none`. */
  pkce?: pulumi.Input<string | undefined>;
  /** `policy_engine_mode`; one of `all`, `any`; defaults to `any`. */
  policyEngineMode?: pulumi.Input<string | undefined>;
  /** `profile_url`. */
  profileUrl?: pulumi.Input<string | undefined>;
  /** `promoted`; defaults to `false`. */
  promoted?: pulumi.Input<boolean | undefined>;
  /** `property_mappings`. */
  propertyMappings?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `property_mappings_group`. */
  propertyMappingsGroups?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `provider_type` (required); one of `apple`, `openidconnect`, `entraid`, `azuread`, `discord`, `facebook`, `github`, `gitlab`, `google`, `mailcow`, `okta`, `patreon`, `reddit`, `slack`, `twitch`, `twitter`, `wechat`. */
  providerType: pulumi.Input<string>;
  /** `request_token_url`. */
  requestTokenUrl?: pulumi.Input<string | undefined>;
  /** `slug` (required). */
  slug: pulumi.Input<string>;
  /** `user_matching_mode`; one of `identifier`, `email_link`, `email_deny`, `username_link`, `username_deny`; defaults to `identifier`. */
  userMatchingMode?: pulumi.Input<string | undefined>;
  /** `user_path_template`; defaults to `goauthentik.io/sources/%(slug)s`. */
  userPathTemplate?: pulumi.Input<string | undefined>;
  /** `uuid`; computed by authentik when not set. */
  uuid?: pulumi.Input<string | undefined>;
}

/** The state of a {@link SourceOauth}, for {@link SourceOauth.get}. */
export interface SourceOauthState extends Partial<SourceOauthArgs> {
  /** `callback_uri`; computed by authentik. */
  callbackUri?: pulumi.Input<string | undefined>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  sourceOauthId?: pulumi.Input<string | undefined>;
}
