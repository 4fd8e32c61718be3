import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/**
 * Attaches one provider to an outpost (for example the embedded outpost, found with `getOutpost`),
 * without managing the outpost's whole `protocolProviders` list. Terraform resource
 * `authentik_outpost_provider_attachment`, type token
 * `authentik:index/outpostProviderAttachment:OutpostProviderAttachment`.
 *
 * The provider cannot update an attachment: `outpost` and `protocolProvider` are both ForceNew, so
 * changing either replaces it (detach, attach). An {@link Outpost} managed alongside should ignore
 * changes to its `protocolProviders` (`ignoreChanges`), or the two fight over the list.
 */
export class OutpostProviderAttachment extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/outpostProviderAttachment:OutpostProviderAttachment";

  /** Looks up an existing OutpostProviderAttachment by its provider ID, with optional extra state. */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: OutpostProviderAttachmentState,
    opts?: pulumi.CustomResourceOptions,
  ): OutpostProviderAttachment {
    return new OutpostProviderAttachment(name, state as OutpostProviderAttachmentArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is OutpostProviderAttachment {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === OutpostProviderAttachment.__pulumiType;
  }

  /** `outpost` (required): the ID of the outpost; replaces on change. */
  declare readonly outpost: pulumi.Output<string>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly outpostProviderAttachmentId: pulumi.Output<string>;
  /** `protocol_provider` (required): the ID of the provider; replaces on change. */
  declare readonly protocolProvider: pulumi.Output<number>;

  constructor(name: string, args: OutpostProviderAttachmentArgs, opts?: pulumi.CustomResourceOptions);
  constructor(
    name: string,
    argsOrState?: OutpostProviderAttachmentArgs | OutpostProviderAttachmentState,
    opts: pulumi.CustomResourceOptions = {},
  ) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["outpost", "protocolProvider"],
      outputs: ["outpostProviderAttachmentId"],
      required: ["outpost", "protocolProvider"],
    });
    super(OutpostProviderAttachment.__pulumiType, name, inputs, resourceOptions(opts), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link OutpostProviderAttachment}. Both replace the attachment when they change. */
export interface OutpostProviderAttachmentArgs {
  /** `outpost` (required): the ID of the outpost; replaces on change. */
  outpost: pulumi.Input<string>;
  /** `protocol_provider` (required): the ID of the provider; replaces on change. */
  protocolProvider: pulumi.Input<number>;
}

/** The state of a {@link OutpostProviderAttachment}, for {@link OutpostProviderAttachment.get}. */
export interface OutpostProviderAttachmentState extends Partial<OutpostProviderAttachmentArgs> {
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  outpostProviderAttachmentId?: pulumi.Input<string | undefined>;
}
