import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/** An outpost, which serves proxy, LDAP, RADIUS or RAC providers. Terraform resource `authentik_outpost`, type token `authentik:index/outpost:Outpost`. */
export class Outpost extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/outpost:Outpost";

  /** Looks up an existing Outpost by its provider ID, with optional extra state. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: OutpostState, opts?: pulumi.CustomResourceOptions): Outpost {
    return new Outpost(name, state as OutpostArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is Outpost {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === Outpost.__pulumiType;
  }

  /** `config`; a JSON-encoded string; computed by authentik when not set. */
  declare readonly config: pulumi.Output<string>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  declare readonly name: pulumi.Output<string>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly outpostId: pulumi.Output<string>;
  /** `protocol_providers` (required). */
  declare readonly protocolProviders: pulumi.Output<number[]>;
  /** `service_connection`. */
  declare readonly serviceConnection: pulumi.Output<string | undefined>;
  /** `type`; one of `proxy`, `ldap`, `radius`, `rac`; defaults to `proxy`. */
  declare readonly type: pulumi.Output<string | undefined>;

  constructor(name: string, args: OutpostArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: OutpostArgs | OutpostState, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["config", "name", "protocolProviders", "serviceConnection", "type"],
      outputs: ["outpostId"],
      required: ["protocolProviders"],
    });
    super(Outpost.__pulumiType, name, inputs, resourceOptions(opts), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link Outpost}. `name` is optional: when left out, the provider names the object after the logical resource name plus a random suffix. */
export interface OutpostArgs {
  /** `config`; a JSON-encoded string; computed by authentik when not set. */
  config?: pulumi.Input<string | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  name?: pulumi.Input<string | undefined>;
  /** `protocol_providers` (required). */
  protocolProviders: pulumi.Input<pulumi.Input<number>[]>;
  /** `service_connection`. */
  serviceConnection?: pulumi.Input<string | undefined>;
  /** `type`; one of `proxy`, `ldap`, `radius`, `rac`; defaults to `proxy`. */
  type?: pulumi.Input<string | undefined>;
}

/** The state of a {@link Outpost}, for {@link Outpost.get}. */
export interface OutpostState extends Partial<OutpostArgs> {
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  outpostId?: pulumi.Input<string | undefined>;
}
