import * as pulumi from "@pulumi/pulumi";
import type * as inputs from "../types/input";
import type * as outputs from "../types/output";
import { invokeOptions } from "../utilities";

const TOKEN = "talos:client/getConfiguration:getConfiguration";

/** Renders a talosconfig (client configuration) for the cluster. */
export function getConfiguration(args: GetConfigurationArgs, opts?: pulumi.InvokeOptions): Promise<GetConfigurationResult> {
  return pulumi.runtime.invoke(TOKEN, invokeArgs(args), invokeOptions(opts));
}

/** {@link getConfiguration} over Inputs. */
export function getConfigurationOutput(
  args: GetConfigurationOutputArgs,
  opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetConfigurationResult> {
  return pulumi.runtime.invokeOutput(TOKEN, invokeArgs(args), invokeOptions(opts));
}

function invokeArgs(args: GetConfigurationArgs | GetConfigurationOutputArgs): pulumi.Inputs {
  return {
    clientConfiguration: args.clientConfiguration,
    clusterName: args.clusterName,
    endpoints: args.endpoints,
    nodes: args.nodes,
  };
}

export interface GetConfigurationArgs {
  clientConfiguration: outputs.machine.ClientConfiguration;
  clusterName: string;
  /** Talos API endpoints (control-plane addresses). */
  endpoints?: string[];
  /** Default target nodes. */
  nodes?: string[];
}

export interface GetConfigurationOutputArgs {
  clientConfiguration: pulumi.Input<inputs.client.GetConfigurationClientConfiguration>;
  clusterName: pulumi.Input<string>;
  endpoints?: pulumi.Input<pulumi.Input<string>[]>;
  nodes?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface GetConfigurationResult {
  readonly clientConfiguration: outputs.machine.ClientConfiguration;
  readonly clusterName: string;
  readonly endpoints?: string[];
  readonly id: string;
  readonly nodes?: string[];
  /** The talosconfig YAML (secret). */
  readonly talosConfig: string;
}
