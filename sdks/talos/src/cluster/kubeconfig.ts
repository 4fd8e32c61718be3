import * as pulumi from "@pulumi/pulumi";
import type * as inputs from "../types/input";
import type * as outputs from "../types/output";
import { resourceInputs, resourceOptions } from "../utilities";

/** `talos:cluster/kubeconfig:Kubeconfig` — the admin kubeconfig, fetched from a control plane. */
export class Kubeconfig extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "talos:cluster/kubeconfig:Kubeconfig";

  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: KubeconfigState,
    opts?: pulumi.CustomResourceOptions,
  ): Kubeconfig {
    return new Kubeconfig(name, state as KubeconfigArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is Kubeconfig {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === Kubeconfig.__pulumiType;
  }

  declare readonly certificateRenewalDuration: pulumi.Output<string>;
  declare readonly clientConfiguration: pulumi.Output<outputs.machine.ClientConfiguration>;
  declare readonly endpoint: pulumi.Output<string>;
  /** The kubeconfig as YAML (secret). */
  declare readonly kubeconfigRaw: pulumi.Output<string>;
  declare readonly kubernetesClientConfiguration: pulumi.Output<outputs.cluster.KubeconfigKubernetesClientConfiguration>;
  declare readonly node: pulumi.Output<string>;
  declare readonly timeouts: pulumi.Output<outputs.cluster.KubeconfigTimeouts | undefined>;

  constructor(name: string, args: KubeconfigArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: KubeconfigArgs | KubeconfigState, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["certificateRenewalDuration", "clientConfiguration", "endpoint", "node", "timeouts"],
      outputs: ["kubeconfigRaw", "kubernetesClientConfiguration"],
      required: ["clientConfiguration", "node"],
    });
    super(Kubeconfig.__pulumiType, name, inputs, resourceOptions(opts, ["kubeconfigRaw"]));
  }
}

export interface KubeconfigArgs {
  /** How long before expiry the client certificate is renewed, e.g. `720h`. */
  certificateRenewalDuration?: pulumi.Input<string>;
  clientConfiguration: pulumi.Input<inputs.cluster.KubeconfigClientConfiguration>;
  /** Talos API endpoint; `node` when unset. */
  endpoint?: pulumi.Input<string>;
  /** The control-plane node to fetch the kubeconfig from. */
  node: pulumi.Input<string>;
  timeouts?: pulumi.Input<inputs.cluster.KubeconfigTimeouts>;
}

export interface KubeconfigState extends Partial<KubeconfigArgs> {
  kubeconfigRaw?: pulumi.Input<string>;
  kubernetesClientConfiguration?: pulumi.Input<outputs.cluster.KubeconfigKubernetesClientConfiguration>;
}
