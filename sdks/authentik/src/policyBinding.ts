import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/**
 * A binding of a policy, a group or a user to an object (an application, a flow, a flow-stage binding,
 * a source, …), evaluated in `order`; a binding names one of `policy`, `group` or `user` (the Terraform
 * schema does not check this; authentik's API does).
 * Terraform resource `authentik_policy_binding`, type token `authentik:index/policyBinding:PolicyBinding`.
 */
export class PolicyBinding extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/policyBinding:PolicyBinding";

  /** Looks up an existing PolicyBinding by its provider ID, with optional extra state. */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: PolicyBindingState,
    opts?: pulumi.CustomResourceOptions,
  ): PolicyBinding {
    return new PolicyBinding(name, state as PolicyBindingArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is PolicyBinding {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === PolicyBinding.__pulumiType;
  }

  /** `enabled`; defaults to `true`. */
  declare readonly enabled: pulumi.Output<boolean | undefined>;
  /** `failure_result`: the result when the policy fails to run; defaults to `false`. */
  declare readonly failureResult: pulumi.Output<boolean | undefined>;
  /** `group`: the UUID of the group. */
  declare readonly group: pulumi.Output<string | undefined>;
  /** `negate`; defaults to `false`. */
  declare readonly negate: pulumi.Output<boolean | undefined>;
  /** `order` (required). */
  declare readonly order: pulumi.Output<number>;
  /** `policy`: the UUID of the policy. */
  declare readonly policy: pulumi.Output<string | undefined>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly policyBindingId: pulumi.Output<string>;
  /** `target` (required): the ID of the object this binding applies to (e.g. an application's `uuid`). */
  declare readonly target: pulumi.Output<string>;
  /** `timeout`, in seconds; defaults to `30`. */
  declare readonly timeout: pulumi.Output<number | undefined>;
  /** `user`: the PK of the user. */
  declare readonly user: pulumi.Output<number | undefined>;

  constructor(name: string, args: PolicyBindingArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: PolicyBindingArgs | PolicyBindingState, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["enabled", "failureResult", "group", "negate", "order", "policy", "target", "timeout", "user"],
      outputs: ["policyBindingId"],
      required: ["order", "target"],
    });
    super(PolicyBinding.__pulumiType, name, inputs, resourceOptions(opts), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link PolicyBinding}. */
export interface PolicyBindingArgs {
  /** `enabled`; defaults to `true`. */
  enabled?: pulumi.Input<boolean | undefined>;
  /** `failure_result`: the result when the policy fails to run; defaults to `false`. */
  failureResult?: pulumi.Input<boolean | undefined>;
  /** `group`: the UUID of the group. */
  group?: pulumi.Input<string | undefined>;
  /** `negate`; defaults to `false`. */
  negate?: pulumi.Input<boolean | undefined>;
  /** `order` (required). */
  order: pulumi.Input<number>;
  /** `policy`: the UUID of the policy. */
  policy?: pulumi.Input<string | undefined>;
  /** `target` (required): the ID of the object this binding applies to (e.g. an application's `uuid`). */
  target: pulumi.Input<string>;
  /** `timeout`, in seconds; defaults to `30`. */
  timeout?: pulumi.Input<number | undefined>;
  /** `user`: the PK of the user. */
  user?: pulumi.Input<number | undefined>;
}

/** The state of a {@link PolicyBinding}, for {@link PolicyBinding.get}. */
export interface PolicyBindingState extends Partial<PolicyBindingArgs> {
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  policyBindingId?: pulumi.Input<string | undefined>;
}
