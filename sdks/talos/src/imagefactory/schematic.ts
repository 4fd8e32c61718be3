import * as pulumi from "@pulumi/pulumi";
import { resourceInputs, resourceOptions } from "../utilities";

/** `talos:imageFactory/schematic:Schematic` — registers a schematic with the Image Factory; its id names the images. */
export class Schematic extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "talos:imageFactory/schematic:Schematic";

  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: SchematicState, opts?: pulumi.CustomResourceOptions): Schematic {
    return new Schematic(name, state, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is Schematic {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === Schematic.__pulumiType;
  }

  /** The schematic YAML. */
  declare readonly schematic: pulumi.Output<string | undefined>;

  constructor(name: string, args?: SchematicArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: SchematicArgs, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, { inputs: ["schematic"] });
    super(Schematic.__pulumiType, name, inputs, resourceOptions(opts));
  }
}

export interface SchematicArgs {
  /** The schematic YAML (customization: extensions, kernel arguments, ...). */
  schematic?: pulumi.Input<string>;
}

export type SchematicState = SchematicArgs;
