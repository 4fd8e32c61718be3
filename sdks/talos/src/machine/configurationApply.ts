import * as pulumi from "@pulumi/pulumi";
import type * as inputs from "../types/input";
import type * as outputs from "../types/output";
import { resourceInputs, resourceOptions } from "../utilities";

/** `talos:machine/configurationApply:ConfigurationApply` — applies a machine configuration to a node. */
export class ConfigurationApply extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "talos:machine/configurationApply:ConfigurationApply";

  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: ConfigurationApplyState,
    opts?: pulumi.CustomResourceOptions,
  ): ConfigurationApply {
    return new ConfigurationApply(name, state as ConfigurationApplyArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is ConfigurationApply {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === ConfigurationApply.__pulumiType;
  }

  declare readonly applyMode: pulumi.Output<string>;
  declare readonly clientConfiguration: pulumi.Output<outputs.machine.ClientConfiguration | undefined>;
  declare readonly clientConfigurationWo: pulumi.Output<outputs.machine.ClientConfiguration | undefined>;
  declare readonly configPatches: pulumi.Output<string[] | undefined>;
  declare readonly endpoint: pulumi.Output<string>;
  /** The machine configuration after patches (secret). */
  declare readonly machineConfiguration: pulumi.Output<string>;
  declare readonly machineConfigurationHash: pulumi.Output<string>;
  declare readonly machineConfigurationInput: pulumi.Output<string | undefined>;
  declare readonly machineConfigurationInputWo: pulumi.Output<string | undefined>;
  declare readonly node: pulumi.Output<string>;
  declare readonly onDestroy: pulumi.Output<outputs.machine.ConfigurationApplyOnDestroy | undefined>;
  declare readonly resolvedApplyMode: pulumi.Output<string>;
  declare readonly timeouts: pulumi.Output<outputs.machine.Timeout | undefined>;

  constructor(name: string, args: ConfigurationApplyArgs, opts?: pulumi.CustomResourceOptions);
  constructor(
    name: string,
    argsOrState?: ConfigurationApplyArgs | ConfigurationApplyState,
    opts: pulumi.CustomResourceOptions = {},
  ) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: [
        "applyMode",
        "clientConfiguration",
        "clientConfigurationWo",
        "configPatches",
        "endpoint",
        "machineConfigurationInput",
        "machineConfigurationInputWo",
        "node",
        "onDestroy",
        "timeouts",
      ],
      outputs: ["machineConfiguration", "machineConfigurationHash", "resolvedApplyMode"],
      secretInputs: ["clientConfigurationWo", "machineConfigurationInput", "machineConfigurationInputWo"],
      required: ["node"],
    });
    super(
      ConfigurationApply.__pulumiType,
      name,
      inputs,
      resourceOptions(opts, [
        "clientConfigurationWo",
        "machineConfiguration",
        "machineConfigurationInput",
        "machineConfigurationInputWo",
      ]),
    );
  }
}

export interface ConfigurationApplyArgs {
  /** `auto` (default), `no_reboot`, `reboot`, `staged`, `staged_if_needing_reboot`. */
  applyMode?: pulumi.Input<string>;
  clientConfiguration?: pulumi.Input<inputs.machine.ClientConfiguration>;
  /** Write-only client configuration (secret). */
  clientConfigurationWo?: pulumi.Input<inputs.machine.ConfigurationApplyClientConfigurationWo>;
  /** Patches applied on top of `machineConfigurationInput`. */
  configPatches?: pulumi.Input<pulumi.Input<string>[]>;
  /** Talos API endpoint; `node` when unset. */
  endpoint?: pulumi.Input<string>;
  /** The machine configuration to apply (secret). */
  machineConfigurationInput?: pulumi.Input<string>;
  /** Write-only machine configuration (secret). */
  machineConfigurationInputWo?: pulumi.Input<string>;
  /** The node to apply to. */
  node: pulumi.Input<string>;
  onDestroy?: pulumi.Input<inputs.machine.ConfigurationApplyOnDestroy>;
  timeouts?: pulumi.Input<inputs.machine.Timeout>;
}

export interface ConfigurationApplyState extends Partial<ConfigurationApplyArgs> {
  machineConfiguration?: pulumi.Input<string>;
  machineConfigurationHash?: pulumi.Input<string>;
  resolvedApplyMode?: pulumi.Input<string>;
}
