import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/** A user. Terraform resource `authentik_user`, type token `authentik:index/user:User`. */
export class User extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/user:User";

  /** Looks up an existing User by its provider ID, with optional extra state. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: UserState, opts?: pulumi.CustomResourceOptions): User {
    return new User(name, state as UserArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is User {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === User.__pulumiType;
  }

  /** `attributes`; defaults to `{}`; a JSON-encoded string. */
  declare readonly attributes: pulumi.Output<string | undefined>;
  /** `email`. */
  declare readonly email: pulumi.Output<string | undefined>;
  /** `groups`; computed by authentik when not set. */
  declare readonly groups: pulumi.Output<string[]>;
  /** `is_active`; defaults to `true`. */
  declare readonly isActive: pulumi.Output<boolean | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix; defaults to `""`. */
  declare readonly name: pulumi.Output<string>;
  /** `password`; secret. */
  declare readonly password: pulumi.Output<string | undefined>;
  /** `path`; defaults to `users`. */
  declare readonly path: pulumi.Output<string | undefined>;
  /** `roles`; computed by authentik when not set. */
  declare readonly roles: pulumi.Output<string[]>;
  /** `type`; one of `internal`, `external`, `service_account`, `internal_service_account`; defaults to `internal`. */
  declare readonly type: pulumi.Output<string | undefined>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly userId: pulumi.Output<string>;
  /** `username` (required). */
  declare readonly username: pulumi.Output<string>;

  constructor(name: string, args: UserArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: UserArgs | UserState, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["attributes", "email", "groups", "isActive", "name", "password", "path", "roles", "type", "username"],
      outputs: ["userId"],
      secretInputs: ["password"],
      required: ["username"],
    });
    super(User.__pulumiType, name, inputs, resourceOptions(opts, ["password"]), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link User}. `name` is optional: when left out, the provider names the object after the logical resource name plus a random suffix. */
export interface UserArgs {
  /** `attributes`; defaults to `{}`; a JSON-encoded string. */
  attributes?: pulumi.Input<string | undefined>;
  /** `email`. */
  email?: pulumi.Input<string | undefined>;
  /** `groups`; computed by authentik when not set. */
  groups?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `is_active`; defaults to `true`. */
  isActive?: pulumi.Input<boolean | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix; defaults to `""`. */
  name?: pulumi.Input<string | undefined>;
  /** `password`; secret. */
  password?: pulumi.Input<string | undefined>;
  /** `path`; defaults to `users`. */
  path?: pulumi.Input<string | undefined>;
  /** `roles`; computed by authentik when not set. */
  roles?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `type`; one of `internal`, `external`, `service_account`, `internal_service_account`; defaults to `internal`. */
  type?: pulumi.Input<string | undefined>;
  /** `username` (required). */
  username: pulumi.Input<string>;
}

/** The state of a {@link User}, for {@link User.get}. */
export interface UserState extends Partial<UserArgs> {
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  userId?: pulumi.Input<string | undefined>;
}
