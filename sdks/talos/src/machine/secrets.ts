import * as pulumi from "@pulumi/pulumi";
import type * as outputs from "../types/output";
import { resourceInputs, resourceOptions } from "../utilities";

/** `talos:machine/secrets:Secrets` — the cluster's PKI and tokens, generated once. */
export class Secrets extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "talos:machine/secrets:Secrets";

  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: SecretsState, opts?: pulumi.CustomResourceOptions): Secrets {
    return new Secrets(name, state, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is Secrets {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === Secrets.__pulumiType;
  }

  /** Client configuration for the Talos API (admin certificate and key). */
  declare readonly clientConfiguration: pulumi.Output<outputs.machine.ClientConfiguration>;
  /** The machine secrets (CAs, keys, tokens). */
  declare readonly machineSecrets: pulumi.Output<outputs.machine.MachineSecrets>;
  /** The Talos version contract the secrets were generated for. */
  declare readonly talosVersion: pulumi.Output<string>;

  constructor(name: string, args?: SecretsArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: SecretsArgs | SecretsState, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["talosVersion"],
      outputs: ["clientConfiguration", "machineSecrets"],
    });
    super(Secrets.__pulumiType, name, inputs, resourceOptions(opts));
  }
}

export interface SecretsArgs {
  /** The Talos version contract used to generate the secrets, e.g. `v1.13`. */
  talosVersion?: pulumi.Input<string>;
}

export interface SecretsState extends SecretsArgs {
  clientConfiguration?: pulumi.Input<outputs.machine.ClientConfiguration>;
  machineSecrets?: pulumi.Input<outputs.machine.MachineSecrets>;
}
