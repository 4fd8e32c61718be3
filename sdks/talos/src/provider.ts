import * as pulumi from "@pulumi/pulumi";
import { resourceInputs, resourceOptions } from "./utilities";

/** The `talos` provider; its only setting is the Image Factory URL. */
export class Provider extends pulumi.ProviderResource {
  /** @internal */
  static readonly __pulumiType = "talos";

  static isInstance(obj: unknown): obj is Provider {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === `pulumi:providers:${Provider.__pulumiType}`;
  }

  declare readonly imageFactoryUrl: pulumi.Output<string | undefined>;

  constructor(name: string, args?: ProviderArgs, opts: pulumi.ResourceOptions = {}) {
    const inputs = resourceInputs(args as Record<string, unknown> | undefined, {}, { inputs: ["imageFactoryUrl"] });
    super(Provider.__pulumiType, name, inputs, resourceOptions(opts));
  }
}

export interface ProviderArgs {
  /** Image Factory URL for schematics; `https://factory.talos.dev` when unset. */
  imageFactoryUrl?: pulumi.Input<string>;
}
