import * as pulumi from "@pulumi/pulumi";
import type * as inputs from "../types/input";
import type * as outputs from "../types/output";
import { providerFunction } from "../utilities";

const health = providerFunction<GetHealthArgs, GetHealthOutputArgs, GetHealthResult>("talos:cluster/getHealth:getHealth", [
  "clientConfiguration",
  "controlPlaneNodes",
  "endpoints",
  "skipKubernetesChecks",
  "timeouts",
  "workerNodes",
]);

/** Waits until the Talos cluster is healthy (boot sequence, etcd, and unless skipped Kubernetes). */
export const getHealth = health.plain;
/** {@link getHealth} over Inputs. */
export const getHealthOutput = health.output;

export interface GetHealthArgs {
  clientConfiguration: outputs.machine.ClientConfiguration;
  /** Control planes to check. */
  controlPlaneNodes: string[];
  /** Talos API endpoints (control-plane addresses). */
  endpoints: string[];
  /** Skip the Kubernetes component checks (e.g. while no CNI is installed). Default false. */
  skipKubernetesChecks?: boolean;
  timeouts?: inputs.cluster.GetHealthTimeouts;
  /** Workers to check. */
  workerNodes?: string[];
}

export interface GetHealthOutputArgs {
  clientConfiguration: pulumi.Input<inputs.cluster.GetHealthClientConfiguration>;
  controlPlaneNodes: pulumi.Input<pulumi.Input<string>[]>;
  endpoints: pulumi.Input<pulumi.Input<string>[]>;
  skipKubernetesChecks?: pulumi.Input<boolean>;
  timeouts?: pulumi.Input<inputs.cluster.GetHealthTimeouts>;
  workerNodes?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface GetHealthResult {
  readonly clientConfiguration: outputs.machine.ClientConfiguration;
  readonly controlPlaneNodes: string[];
  readonly endpoints: string[];
  readonly id: string;
  readonly skipKubernetesChecks?: boolean;
  readonly timeouts?: outputs.cluster.GetHealthTimeouts;
  readonly workerNodes?: string[];
}
