import * as pulumi from "@pulumi/pulumi";
import { invoke, invokeOutput } from "./utilities";

const TOKEN = "authentik:index/getFlow:getFlow";
const ARGS = ["authentication", "designation", "id", "slug"] as const;

/** Looks up a flow by slug, designation or authentication requirement. Terraform data source `authentik_flow`, invoke token `authentik:index/getFlow:getFlow`. */
export function getFlow(args?: GetFlowArgs, opts?: pulumi.InvokeOptions): Promise<GetFlowResult> {
  return invoke(TOKEN, ARGS, args, opts);
}

/** {@link getFlow} over Inputs, as an Output. */
export function getFlowOutput(args?: GetFlowOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetFlowResult> {
  return invokeOutput(TOKEN, ARGS, args, opts);
}

/** The arguments of {@link getFlow}. */
export interface GetFlowArgs {
  /** `authentication`; computed by authentik when not set. */
  authentication?: string;
  /** `designation`; computed by authentik when not set. */
  designation?: string;
  /** The ID to look up. */
  id?: string;
  /** `slug`; computed by authentik when not set. */
  slug?: string;
}

/** The arguments of {@link getFlowOutput}. */
export interface GetFlowOutputArgs {
  /** `authentication`; computed by authentik when not set. */
  authentication?: pulumi.Input<string | undefined>;
  /** `designation`; computed by authentik when not set. */
  designation?: pulumi.Input<string | undefined>;
  /** The ID to look up. */
  id?: pulumi.Input<string | undefined>;
  /** `slug`; computed by authentik when not set. */
  slug?: pulumi.Input<string | undefined>;
}

/** What {@link getFlow} returns. */
export interface GetFlowResult {
  /** `authentication`; computed by authentik when not set. */
  readonly authentication: string;
  /** `designation`; computed by authentik when not set. */
  readonly designation: string;
  /** `id`. */
  readonly id: string;
  /** `name`; computed by authentik. */
  readonly name: string;
  /** `slug`; computed by authentik when not set. */
  readonly slug: string;
  /** `title`; computed by authentik. */
  readonly title: string;
}
