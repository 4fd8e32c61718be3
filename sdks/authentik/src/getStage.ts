import * as pulumi from "@pulumi/pulumi";
import { invoke, invokeOutput } from "./utilities";

const TOKEN = "authentik:index/getStage:getStage";
const ARGS = ["id", "name"] as const;

/** Looks up a stage by name. Terraform data source `authentik_stage`, invoke token `authentik:index/getStage:getStage`. */
export function getStage(args?: GetStageArgs, opts?: pulumi.InvokeOptions): Promise<GetStageResult> {
  return invoke(TOKEN, ARGS, args, opts);
}

/** {@link getStage} over Inputs, as an Output. */
export function getStageOutput(args?: GetStageOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetStageResult> {
  return invokeOutput(TOKEN, ARGS, args, opts);
}

/** The arguments of {@link getStage}. */
export interface GetStageArgs {
  /** The ID to look up. */
  id?: string;
  /** `name`; computed by authentik when not set. */
  name?: string;
}

/** The arguments of {@link getStageOutput}. */
export interface GetStageOutputArgs {
  /** The ID to look up. */
  id?: pulumi.Input<string | undefined>;
  /** `name`; computed by authentik when not set. */
  name?: pulumi.Input<string | undefined>;
}

/** What {@link getStage} returns. */
export interface GetStageResult {
  /** `id`. */
  readonly id: string;
  /** `name`; computed by authentik when not set. */
  readonly name: string;
}
