import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/** An OAuth source property mapping. Terraform resource `authentik_property_mapping_source_oauth`, type token `authentik:index/propertyMappingSourceOauth:PropertyMappingSourceOauth`. */
export class PropertyMappingSourceOauth extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/propertyMappingSourceOauth:PropertyMappingSourceOauth";

  /** Looks up an existing PropertyMappingSourceOauth by its provider ID, with optional extra state. */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: PropertyMappingSourceOauthState,
    opts?: pulumi.CustomResourceOptions,
  ): PropertyMappingSourceOauth {
    return new PropertyMappingSourceOauth(name, state as PropertyMappingSourceOauthArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is PropertyMappingSourceOauth {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === PropertyMappingSourceOauth.__pulumiType;
  }

  /** `expression` (required): the Python expression. */
  declare readonly expression: pulumi.Output<string>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  declare readonly name: pulumi.Output<string>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly propertyMappingSourceOauthId: pulumi.Output<string>;

  constructor(name: string, args: PropertyMappingSourceOauthArgs, opts?: pulumi.CustomResourceOptions);
  constructor(
    name: string,
    argsOrState?: PropertyMappingSourceOauthArgs | PropertyMappingSourceOauthState,
    opts: pulumi.CustomResourceOptions = {},
  ) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["expression", "name"],
      outputs: ["propertyMappingSourceOauthId"],
      required: ["expression"],
    });
    super(PropertyMappingSourceOauth.__pulumiType, name, inputs, resourceOptions(opts), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link PropertyMappingSourceOauth}. `name` is optional: when left out, the provider names the object after the logical resource name plus a random suffix. */
export interface PropertyMappingSourceOauthArgs {
  /** `expression` (required): the Python expression. */
  expression: pulumi.Input<string>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  name?: pulumi.Input<string | undefined>;
}

/** The state of a {@link PropertyMappingSourceOauth}, for {@link PropertyMappingSourceOauth.get}. */
export interface PropertyMappingSourceOauthState extends Partial<PropertyMappingSourceOauthArgs> {
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  propertyMappingSourceOauthId?: pulumi.Input<string | undefined>;
}
