import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/** An expression policy (a Python expression that passes or fails). Terraform resource `authentik_policy_expression`, type token `authentik:index/policyExpression:PolicyExpression`. */
export class PolicyExpression extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/policyExpression:PolicyExpression";

  /** Looks up an existing PolicyExpression by its provider ID, with optional extra state. */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: PolicyExpressionState,
    opts?: pulumi.CustomResourceOptions,
  ): PolicyExpression {
    return new PolicyExpression(name, state as PolicyExpressionArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is PolicyExpression {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === PolicyExpression.__pulumiType;
  }

  /** `execution_logging`; defaults to `false`. */
  declare readonly executionLogging: pulumi.Output<boolean | undefined>;
  /** `expression` (required): the Python expression. */
  declare readonly expression: pulumi.Output<string>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  declare readonly name: pulumi.Output<string>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly policyExpressionId: pulumi.Output<string>;

  constructor(name: string, args: PolicyExpressionArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: PolicyExpressionArgs | PolicyExpressionState, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["executionLogging", "expression", "name"],
      outputs: ["policyExpressionId"],
      required: ["expression"],
    });
    super(PolicyExpression.__pulumiType, name, inputs, resourceOptions(opts), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link PolicyExpression}. `name` is optional: when left out, the provider names the object after the logical resource name plus a random suffix. */
export interface PolicyExpressionArgs {
  /** `execution_logging`; defaults to `false`. */
  executionLogging?: pulumi.Input<boolean | undefined>;
  /** `expression` (required): the Python expression. */
  expression: pulumi.Input<string>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  name?: pulumi.Input<string | undefined>;
}

/** The state of a {@link PolicyExpression}, for {@link PolicyExpression.get}. */
export interface PolicyExpressionState extends Partial<PolicyExpressionArgs> {
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  policyExpressionId?: pulumi.Input<string | undefined>;
}
