import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/** An application: what users see in their library, bound to a provider. Terraform resource `authentik_application`, type token `authentik:index/application:Application`. */
export class Application extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/application:Application";

  /** Looks up an existing Application by its provider ID, with optional extra state. */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: ApplicationState,
    opts?: pulumi.CustomResourceOptions,
  ): Application {
    return new Application(name, state as ApplicationArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is Application {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === Application.__pulumiType;
  }

  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly applicationId: pulumi.Output<string>;
  /** `backchannel_providers`. */
  declare readonly backchannelProviders: pulumi.Output<number[] | undefined>;
  /** `group`. */
  declare readonly group: pulumi.Output<string | undefined>;
  /** `meta_description`. */
  declare readonly metaDescription: pulumi.Output<string | undefined>;
  /** `meta_hide`; defaults to `false`. */
  declare readonly metaHide: pulumi.Output<boolean | undefined>;
  /** `meta_icon`. */
  declare readonly metaIcon: pulumi.Output<string | undefined>;
  /** `meta_launch_url`. */
  declare readonly metaLaunchUrl: pulumi.Output<string | undefined>;
  /** `meta_publisher`. */
  declare readonly metaPublisher: pulumi.Output<string | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  declare readonly name: pulumi.Output<string>;
  /** `open_in_new_tab`; defaults to `false`. */
  declare readonly openInNewTab: pulumi.Output<boolean | undefined>;
  /** `policy_engine_mode`; one of `all`, `any`; defaults to `any`. */
  declare readonly policyEngineMode: pulumi.Output<string | undefined>;
  /** `protocol_provider`. */
  declare readonly protocolProvider: pulumi.Output<number | undefined>;
  /** `slug` (required). */
  declare readonly slug: pulumi.Output<string>;
  /** `uuid`; computed by authentik when not set. */
  declare readonly uuid: pulumi.Output<string>;

  constructor(name: string, args: ApplicationArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: ApplicationArgs | ApplicationState, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: [
        "backchannelProviders",
        "group",
        "metaDescription",
        "metaHide",
        "metaIcon",
        "metaLaunchUrl",
        "metaPublisher",
        "name",
        "openInNewTab",
        "policyEngineMode",
        "protocolProvider",
        "slug",
        "uuid",
      ],
      outputs: ["applicationId"],
      required: ["slug"],
    });
    super(Application.__pulumiType, name, inputs, resourceOptions(opts), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link Application}. `name` is optional: when left out, the provider names the object after the logical resource name plus a random suffix. */
export interface ApplicationArgs {
  /** `backchannel_providers`. */
  backchannelProviders?: pulumi.Input<pulumi.Input<number>[] | undefined>;
  /** `group`. */
  group?: pulumi.Input<string | undefined>;
  /** `meta_description`. */
  metaDescription?: pulumi.Input<string | undefined>;
  /** `meta_hide`; defaults to `false`. */
  metaHide?: pulumi.Input<boolean | undefined>;
  /** `meta_icon`. */
  metaIcon?: pulumi.Input<string | undefined>;
  /** `meta_launch_url`. */
  metaLaunchUrl?: pulumi.Input<string | undefined>;
  /** `meta_publisher`. */
  metaPublisher?: pulumi.Input<string | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  name?: pulumi.Input<string | undefined>;
  /** `open_in_new_tab`; defaults to `false`. */
  openInNewTab?: pulumi.Input<boolean | undefined>;
  /** `policy_engine_mode`; one of `all`, `any`; defaults to `any`. */
  policyEngineMode?: pulumi.Input<string | undefined>;
  /** `protocol_provider`. */
  protocolProvider?: pulumi.Input<number | undefined>;
  /** `slug` (required). */
  slug: pulumi.Input<string>;
  /** `uuid`; computed by authentik when not set. */
  uuid?: pulumi.Input<string | undefined>;
}

/** The state of a {@link Application}, for {@link Application.get}. */
export interface ApplicationState extends Partial<ApplicationArgs> {
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  applicationId?: pulumi.Input<string | undefined>;
}
