import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/** An RBAC role, which holds permissions and is given to groups or users. Terraform resource `authentik_rbac_role`, type token `authentik:index/rbacRole:RbacRole`. */
export class RbacRole extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/rbacRole:RbacRole";

  /** Looks up an existing RbacRole by its provider ID, with optional extra state. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: RbacRoleState, opts?: pulumi.CustomResourceOptions): RbacRole {
    return new RbacRole(name, state, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is RbacRole {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === RbacRole.__pulumiType;
  }

  /** `name`; when left out, the logical resource name plus a random suffix. */
  declare readonly name: pulumi.Output<string>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly rbacRoleId: pulumi.Output<string>;

  constructor(name: string, args?: RbacRoleArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: RbacRoleArgs | RbacRoleState, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["name"],
      outputs: ["rbacRoleId"],
    });
    super(RbacRole.__pulumiType, name, inputs, resourceOptions(opts), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link RbacRole}. `name` is optional: when left out, the provider names the object after the logical resource name plus a random suffix. */
export interface RbacRoleArgs {
  /** `name`; when left out, the logical resource name plus a random suffix. */
  name?: pulumi.Input<string | undefined>;
}

/** The state of a {@link RbacRole}, for {@link RbacRole.get}. */
export interface RbacRoleState extends Partial<RbacRoleArgs> {
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  rbacRoleId?: pulumi.Input<string | undefined>;
}
