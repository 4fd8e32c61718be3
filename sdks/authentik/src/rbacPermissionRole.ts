import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/**
 * A permission given to an RBAC role: a global permission (`permission` as `<app>.<codename>`, e.g.
 * `authentik_flows.inspect_flow`) or, with `model` and `objectId`, a permission on one object
 * (`permission` as the bare codename). Terraform resource `authentik_rbac_permission_role`, type token
 * `authentik:index/rbacPermissionRole:RbacPermissionRole`.
 *
 * The provider cannot update an assignment: every attribute is ForceNew, so any change replaces it.
 */
export class RbacPermissionRole extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/rbacPermissionRole:RbacPermissionRole";

  /** Looks up an existing RbacPermissionRole by its provider ID, with optional extra state. */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: RbacPermissionRoleState,
    opts?: pulumi.CustomResourceOptions,
  ): RbacPermissionRole {
    return new RbacPermissionRole(name, state as RbacPermissionRoleArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is RbacPermissionRole {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === RbacPermissionRole.__pulumiType;
  }

  /** `model`: the object's model as `<app>.<model>` (e.g. `authentik_flows.flow`, `authentik_core.application`; the 122 allowed values are listed in attributes.json); replaces on change. */
  declare readonly model: pulumi.Output<string | undefined>;
  /** `object_id`: the ID of the object the permission applies to (e.g. a flow's `uuid`); replaces on change. */
  declare readonly objectId: pulumi.Output<string | undefined>;
  /** `permission` (required): `<app>.<codename>` for a global permission, the bare codename with `model` and `objectId`; replaces on change. */
  declare readonly permission: pulumi.Output<string>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly rbacPermissionRoleId: pulumi.Output<string>;
  /** `role` (required): the role's ID; replaces on change. */
  declare readonly role: pulumi.Output<string>;

  constructor(name: string, args: RbacPermissionRoleArgs, opts?: pulumi.CustomResourceOptions);
  constructor(
    name: string,
    argsOrState?: RbacPermissionRoleArgs | RbacPermissionRoleState,
    opts: pulumi.CustomResourceOptions = {},
  ) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["model", "objectId", "permission", "role"],
      outputs: ["rbacPermissionRoleId"],
      required: ["permission", "role"],
    });
    super(RbacPermissionRole.__pulumiType, name, inputs, resourceOptions(opts), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link RbacPermissionRole}. Every one replaces the assignment when it changes. */
export interface RbacPermissionRoleArgs {
  /** `model`: the object's model as `<app>.<model>` (e.g. `authentik_flows.flow`, `authentik_core.application`; the 122 allowed values are listed in attributes.json); replaces on change. */
  model?: pulumi.Input<string | undefined>;
  /** `object_id`: the ID of the object the permission applies to (e.g. a flow's `uuid`); replaces on change. */
  objectId?: pulumi.Input<string | undefined>;
  /** `permission` (required): `<app>.<codename>` for a global permission, the bare codename with `model` and `objectId`; replaces on change. */
  permission: pulumi.Input<string>;
  /** `role` (required): the role's ID; replaces on change. */
  role: pulumi.Input<string>;
}

/** The state of a {@link RbacPermissionRole}, for {@link RbacPermissionRole.get}. */
export interface RbacPermissionRoleState extends Partial<RbacPermissionRoleArgs> {
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  rbacPermissionRoleId?: pulumi.Input<string | undefined>;
}
