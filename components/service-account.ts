import * as pulumi from "@pulumi/pulumi";
import { Group, RbacPermissionRole, RbacRole, Token, User } from "@pulumi/authentik";
import { OUTPOST_MODEL, SERVICES_OUTPOST_PERMISSIONS, SERVICES_PERMISSIONS } from "../lib/authentik-access";

export interface ServiceAccountArgs {
  /** The account's user name. */
  username: string;
  /** The group the account is put in: it holds the role (never a superuser group). */
  group: string;
  /** The RBAC role's name: the services stack's permissions, nothing more. */
  role: string;
  /**
   * The token's generation: its identifier is `<username>-<generation>`. Raise it to rotate the
   * token: the new one is created first, the old one deleted after. @default 1
   */
  tokenGeneration?: number;
  /** The embedded outpost's id: the account may attach providers to it (and to no other outpost). */
  outpost: pulumi.Input<string>;
  /** What the token is for, shown in Authentik. */
  description?: string;
}

/**
 * An Authentik service account for another stack (the services stack): a service-account user in
 * a group that holds an RBAC role with only the permissions that stack needs (see
 * `SERVICES_PERMISSIONS`), and an expiring API token (a secret output).
 *
 * The token expires: Authentik sets the expiry of an API token itself (its "default token duration"
 * setting, not something a client may choose) and gives the token a new key when it expires. The
 * key this stack exports is the one it last read, so run this stack with `pulumi up --refresh`
 * before the services stack once the old key has expired, or rotate with `tokenGeneration`.
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { ServiceAccount } from "homelab";
 * import { Provider, getOutpostOutput } from "homelab/authentik";
 *
 * const provider = new Provider("authentik", {
 *   url: "https://auth.example.net",
 *   token: new pulumi.Config().requireSecret("authentikToken"),
 * });
 * const account = new ServiceAccount("homelab-services", {
 *   username: "homelab-services",
 *   group: "homelab-services",
 *   role: "homelab-services",
 *   tokenGeneration: 2, // was 1: a new token is created, then the old one deleted
 *   outpost: getOutpostOutput({ name: "authentik Embedded Outpost" }, { provider }).id,
 * }, { provider });
 * export const servicesToken = account.key; // secret
 */
export class ServiceAccount extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:authentik:ServiceAccount";

  public readonly user: User;
  public readonly role: RbacRole;
  public readonly permissions: readonly RbacPermissionRole[];
  public readonly group: Group;
  public readonly token: Token;
  /** The API token (secret). */
  public readonly key: pulumi.Output<string>;

  constructor(name: string, args: ServiceAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    const generation = args.tokenGeneration ?? 1;
    if (!Number.isInteger(generation) || generation < 1) {
      throw new Error(`ServiceAccount ${name}: tokenGeneration must be a whole number from 1, got ${generation}`);
    }
    super(ServiceAccount.__pulumiType, name, {}, opts);
    this.user = new User(
      name,
      { username: args.username, name: args.username, type: "service_account", path: "service-accounts" },
      { parent: this },
    );
    this.role = new RbacRole(name, { name: args.role }, { parent: this });
    // One resource per permission, named by it: adding or dropping one touches only that one.
    const global = SERVICES_PERMISSIONS.map(
      (permission) => new RbacPermissionRole(`${name}-${permission}`, { role: this.role.id, permission }, { parent: this }),
    );
    const outpost = SERVICES_OUTPOST_PERMISSIONS.map(
      (permission) =>
        new RbacPermissionRole(
          `${name}-outpost-${permission}`,
          { role: this.role.id, model: OUTPOST_MODEL, permission, objectId: args.outpost },
          { parent: this },
        ),
    );
    this.permissions = [...global, ...outpost];
    this.group = new Group(
      name,
      { name: args.group, isSuperuser: false, roles: [this.role.id], users: [this.user.id.apply(Number)] },
      { parent: this },
    );
    this.token = new Token(
      name,
      {
        identifier: `${args.username}-${generation}`,
        user: this.user.id.apply(Number),
        intent: "api",
        expiring: true,
        retrieveKey: true,
        description: args.description ?? `API token of ${args.username}`,
      },
      // The token's Terraform id is its identifier, which Pulumi would not follow on an in-place
      // rename: a new identifier (a new generation) is a new token and key, created before the old
      // one is deleted.
      { parent: this, dependsOn: [this.group, ...this.permissions], replaceOnChanges: ["identifier"] },
    );
    this.key = pulumi.secret(this.token.key);
    this.registerOutputs({});
  }
}
