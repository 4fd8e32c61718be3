import * as pulumi from "@pulumi/pulumi";
import type * as inputs from "../types/input";
import type * as outputs from "../types/output";
import { providerFunction } from "../utilities";

const configuration = providerFunction<GetConfigurationArgs, GetConfigurationOutputArgs, GetConfigurationResult>(
  "talos:client/getConfiguration:getConfiguration",
  ["clientConfiguration", "clusterName", "endpoints", "nodes"],
);

/** Renders a talosconfig (client configuration) for the cluster. */
export const getConfiguration = configuration.plain;
/** {@link getConfiguration} over Inputs. */
export const getConfigurationOutput = configuration.output;

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
