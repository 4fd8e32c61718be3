import * as pulumi from "@pulumi/pulumi";
import type * as inputs from "../types/input";
import type * as outputs from "../types/output";
import { resourceInputs, resourceOptions } from "../utilities";

/** `talos:machine/bootstrap:Bootstrap` — bootstraps etcd on one control-plane node, once. */
export class Bootstrap extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "talos:machine/bootstrap:Bootstrap";

  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: BootstrapState, opts?: pulumi.CustomResourceOptions): Bootstrap {
    return new Bootstrap(name, state as BootstrapArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is Bootstrap {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === Bootstrap.__pulumiType;
  }

  declare readonly clientConfiguration: pulumi.Output<outputs.machine.ClientConfiguration | undefined>;
  declare readonly clientConfigurationWo: pulumi.Output<outputs.machine.ClientConfiguration | undefined>;
  declare readonly endpoint: pulumi.Output<string>;
  declare readonly node: pulumi.Output<string>;
  declare readonly timeouts: pulumi.Output<outputs.machine.BootstrapTimeouts | undefined>;

  constructor(name: string, args: BootstrapArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: BootstrapArgs | BootstrapState, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["clientConfiguration", "clientConfigurationWo", "endpoint", "node", "timeouts"],
      secretInputs: ["clientConfigurationWo"],
      required: ["node"],
    });
    super(Bootstrap.__pulumiType, name, inputs, resourceOptions(opts, ["clientConfigurationWo"]));
  }
}

export interface BootstrapArgs {
  clientConfiguration?: pulumi.Input<inputs.machine.ClientConfiguration>;
  /** Write-only client configuration (secret). */
  clientConfigurationWo?: pulumi.Input<inputs.machine.BootstrapClientConfigurationWo>;
  /** Talos API endpoint; `node` when unset. */
  endpoint?: pulumi.Input<string>;
  /** The control-plane node to bootstrap. */
  node: pulumi.Input<string>;
  timeouts?: pulumi.Input<inputs.machine.BootstrapTimeouts>;
}

export type BootstrapState = Partial<BootstrapArgs>;
