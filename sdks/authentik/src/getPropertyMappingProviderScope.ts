import * as pulumi from "@pulumi/pulumi";
import { invoke, invokeOutput } from "./utilities";

const TOKEN = "authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope";
const ARGS = ["id", "ids", "managed", "managedLists", "name", "scopeName"] as const;

/** Looks up scope mappings by name, managed identifier(s) or scope name. Terraform data source `authentik_property_mapping_provider_scope`, invoke token `authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope`. */
export function getPropertyMappingProviderScope(
  args?: GetPropertyMappingProviderScopeArgs,
  opts?: pulumi.InvokeOptions,
): Promise<GetPropertyMappingProviderScopeResult> {
  return invoke(TOKEN, ARGS, args, opts);
}

/** {@link getPropertyMappingProviderScope} over Inputs, as an Output. */
export function getPropertyMappingProviderScopeOutput(
  args?: GetPropertyMappingProviderScopeOutputArgs,
  opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetPropertyMappingProviderScopeResult> {
  return invokeOutput(TOKEN, ARGS, args, opts);
}

/** The arguments of {@link getPropertyMappingProviderScope}. */
export interface GetPropertyMappingProviderScopeArgs {
  /** The ID to look up. */
  id?: string;
  /** `ids`; computed by authentik when not set. */
  ids?: string[];
  /** `managed`. */
  managed?: string;
  /** `managed_list`. */
  managedLists?: string[];
  /** `name`. */
  name?: string;
  /** `scope_name`; computed by authentik when not set. */
  scopeName?: string;
}

/** The arguments of {@link getPropertyMappingProviderScopeOutput}. */
export interface GetPropertyMappingProviderScopeOutputArgs {
  /** The ID to look up. */
  id?: pulumi.Input<string | undefined>;
  /** `ids`; computed by authentik when not set. */
  ids?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `managed`. */
  managed?: pulumi.Input<string | undefined>;
  /** `managed_list`. */
  managedLists?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `name`. */
  name?: pulumi.Input<string | undefined>;
  /** `scope_name`; computed by authentik when not set. */
  scopeName?: pulumi.Input<string | undefined>;
}

/** What {@link getPropertyMappingProviderScope} returns. */
export interface GetPropertyMappingProviderScopeResult {
  /** `description`; computed by authentik. */
  readonly description: string;
  /** `expression`; computed by authentik. */
  readonly expression: string;
  /** `id`. */
  readonly id: string;
  /** `ids`; computed by authentik when not set. */
  readonly ids: string[];
  /** `managed`. */
  readonly managed?: string;
  /** `managed_list`. */
  readonly managedLists?: string[];
  /** `name`. */
  readonly name?: string;
  /** `scope_name`; computed by authentik when not set. */
  readonly scopeName: string;
}
