import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/** A group of users. Terraform resource `authentik_group`, type token `authentik:index/group:Group`. */
export class Group extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/group:Group";

  /** Looks up an existing Group by its provider ID, with optional extra state. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: GroupState, opts?: pulumi.CustomResourceOptions): Group {
    return new Group(name, state, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is Group {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === Group.__pulumiType;
  }

  /** `attributes`; defaults to `{}`; a JSON-encoded string. */
  declare readonly attributes: pulumi.Output<string | undefined>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly groupId: pulumi.Output<string>;
  /** `is_superuser`; defaults to `false`. */
  declare readonly isSuperuser: pulumi.Output<boolean | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  declare readonly name: pulumi.Output<string>;
  /** `parents`. */
  declare readonly parents: pulumi.Output<string[] | undefined>;
  /** `roles`. */
  declare readonly roles: pulumi.Output<string[] | undefined>;
  /** `users`; computed by authentik when not set. */
  declare readonly users: pulumi.Output<number[]>;

  constructor(name: string, args?: GroupArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: GroupArgs | GroupState, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["attributes", "isSuperuser", "name", "parents", "roles", "users"],
      outputs: ["groupId"],
    });
    super(Group.__pulumiType, name, inputs, resourceOptions(opts), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link Group}. `name` is optional: when left out, the provider names the object after the logical resource name plus a random suffix. */
export interface GroupArgs {
  /** `attributes`; defaults to `{}`; a JSON-encoded string. */
  attributes?: pulumi.Input<string | undefined>;
  /** `is_superuser`; defaults to `false`. */
  isSuperuser?: pulumi.Input<boolean | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  name?: pulumi.Input<string | undefined>;
  /** `parents`. */
  parents?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `roles`. */
  roles?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `users`; computed by authentik when not set. */
  users?: pulumi.Input<pulumi.Input<number>[] | undefined>;
}

/** The state of a {@link Group}, for {@link Group.get}. */
export interface GroupState extends Partial<GroupArgs> {
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  groupId?: pulumi.Input<string | undefined>;
}
