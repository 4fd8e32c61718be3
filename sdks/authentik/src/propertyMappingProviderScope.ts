import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/** A scope mapping for OAuth2 providers. Terraform resource `authentik_property_mapping_provider_scope`, type token `authentik:index/propertyMappingProviderScope:PropertyMappingProviderScope`. */
export class PropertyMappingProviderScope extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/propertyMappingProviderScope:PropertyMappingProviderScope";

  /** Looks up an existing PropertyMappingProviderScope by its provider ID, with optional extra state. */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: PropertyMappingProviderScopeState,
    opts?: pulumi.CustomResourceOptions,
  ): PropertyMappingProviderScope {
    return new PropertyMappingProviderScope(name, state as PropertyMappingProviderScopeArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is PropertyMappingProviderScope {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === PropertyMappingProviderScope.__pulumiType;
  }

  /** `description`. */
  declare readonly description: pulumi.Output<string | undefined>;
  /** `expression` (required). */
  declare readonly expression: pulumi.Output<string>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  declare readonly name: pulumi.Output<string>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly propertyMappingProviderScopeId: pulumi.Output<string>;
  /** `scope_name` (required). */
  declare readonly scopeName: pulumi.Output<string>;

  constructor(name: string, args: PropertyMappingProviderScopeArgs, opts?: pulumi.CustomResourceOptions);
  constructor(
    name: string,
    argsOrState?: PropertyMappingProviderScopeArgs | PropertyMappingProviderScopeState,
    opts: pulumi.CustomResourceOptions = {},
  ) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["description", "expression", "name", "scopeName"],
      outputs: ["propertyMappingProviderScopeId"],
      required: ["expression", "scopeName"],
    });
    super(PropertyMappingProviderScope.__pulumiType, name, inputs, resourceOptions(opts), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link PropertyMappingProviderScope}. `name` is optional: when left out, the provider names the object after the logical resource name plus a random suffix. */
export interface PropertyMappingProviderScopeArgs {
  /** `description`. */
  description?: pulumi.Input<string | undefined>;
  /** `expression` (required). */
  expression: pulumi.Input<string>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  name?: pulumi.Input<string | undefined>;
  /** `scope_name` (required). */
  scopeName: pulumi.Input<string>;
}

/** The state of a {@link PropertyMappingProviderScope}, for {@link PropertyMappingProviderScope.get}. */
export interface PropertyMappingProviderScopeState extends Partial<PropertyMappingProviderScopeArgs> {
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  propertyMappingProviderScopeId?: pulumi.Input<string | undefined>;
}
