import * as pulumi from "@pulumi/pulumi";
import { invoke, invokeOutput } from "./utilities";

const TOKEN = "authentik:index/getOutpost:getOutpost";
const ARGS = ["id", "name"] as const;

/**
 * Looks up an outpost by ID or by name (exactly one of the two; the name matches case-insensitively),
 * e.g. `authentik Embedded Outpost`. Terraform data source `authentik_outpost`, invoke token
 * `authentik:index/getOutpost:getOutpost`.
 */
export function getOutpost(args?: GetOutpostArgs, opts?: pulumi.InvokeOptions): Promise<GetOutpostResult> {
  return invoke(TOKEN, ARGS, args, opts);
}

/** {@link getOutpost} over Inputs, as an Output. */
export function getOutpostOutput(
  args?: GetOutpostOutputArgs,
  opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetOutpostResult> {
  return invokeOutput(TOKEN, ARGS, args, opts);
}

/** The arguments of {@link getOutpost}: exactly one of `id` and `name`. */
export interface GetOutpostArgs {
  /** The ID to look up. */
  id?: string;
  /** `name`. */
  name?: string;
}

/** The arguments of {@link getOutpostOutput}: exactly one of `id` and `name`. */
export interface GetOutpostOutputArgs {
  /** The ID to look up. */
  id?: pulumi.Input<string | undefined>;
  /** `name`. */
  name?: pulumi.Input<string | undefined>;
}

/** What {@link getOutpost} returns. */
export interface GetOutpostResult {
  /** `id`: the outpost's ID (what `OutpostProviderAttachment`'s `outpost` takes). */
  readonly id: string;
  /** `name`. */
  readonly name?: string;
}
