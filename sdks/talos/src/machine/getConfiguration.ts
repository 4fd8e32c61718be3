import * as pulumi from "@pulumi/pulumi";
import type * as inputs from "../types/input";
import type * as outputs from "../types/output";
import { invokeOptions } from "../utilities";

const TOKEN = "talos:machine/getConfiguration:getConfiguration";

/** Generates a node's machine configuration from the cluster secrets (a pure, local invoke). */
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
    clusterEndpoint: args.clusterEndpoint,
    clusterName: args.clusterName,
    configPatches: args.configPatches,
    docs: args.docs,
    examples: args.examples,
    kubernetesVersion: args.kubernetesVersion,
    machineSecrets: args.machineSecrets,
    machineType: args.machineType,
    talosVersion: args.talosVersion,
  };
}

export interface GetConfigurationArgs {
  /** `https://<endpoint>:6443` */
  clusterEndpoint: string;
  clusterName: string;
  configPatches?: string[];
  docs?: boolean;
  examples?: boolean;
  kubernetesVersion?: string;
  machineSecrets: outputs.machine.MachineSecrets;
  /** `controlplane` or `worker`. */
  machineType: string;
  /** The Talos version contract of the generated configuration. */
  talosVersion?: string;
}

export interface GetConfigurationOutputArgs {
  clusterEndpoint: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
  configPatches?: pulumi.Input<pulumi.Input<string>[]>;
  docs?: pulumi.Input<boolean>;
  examples?: pulumi.Input<boolean>;
  kubernetesVersion?: pulumi.Input<string>;
  machineSecrets: pulumi.Input<inputs.machine.GetConfigurationMachineSecrets>;
  machineType: pulumi.Input<string>;
  talosVersion?: pulumi.Input<string>;
}

export interface GetConfigurationResult {
  readonly clusterEndpoint: string;
  readonly clusterName: string;
  readonly configPatches?: string[];
  readonly docs?: boolean;
  readonly examples?: boolean;
  readonly id: string;
  readonly kubernetesVersion?: string;
  /** The generated machine configuration (secret). */
  readonly machineConfiguration: string;
  readonly machineSecrets: outputs.machine.MachineSecrets;
  readonly machineType: string;
  readonly talosVersion?: string;
}
