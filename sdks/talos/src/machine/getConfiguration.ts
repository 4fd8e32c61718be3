import * as pulumi from "@pulumi/pulumi";
import type * as inputs from "../types/input";
import type * as outputs from "../types/output";
import { providerFunction } from "../utilities";

const configuration = providerFunction<GetConfigurationArgs, GetConfigurationOutputArgs, GetConfigurationResult>(
  "talos:machine/getConfiguration:getConfiguration",
  [
    "clusterEndpoint",
    "clusterName",
    "configPatches",
    "docs",
    "examples",
    "kubernetesVersion",
    "machineSecrets",
    "machineType",
    "talosVersion",
  ],
);

/** Generates a node's machine configuration from the cluster secrets (a pure, local invoke). */
export const getConfiguration = configuration.plain;
/** {@link getConfiguration} over Inputs. */
export const getConfigurationOutput = configuration.output;

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
