import * as pulumi from "@pulumi/pulumi";
import { Group, Token, User } from "@pulumi/authentik";

export interface ServiceAccountArgs {
  /** The account's user name. */
  username: string;
  /** A group the account is put in; a superuser group lets it manage providers and applications. */
  group: { name: string; superuser: boolean };
  /** The token's identifier (unique). @default the user name */
  tokenIdentifier?: string;
  /** What the token is for, shown in Authentik. */
  description?: string;
}

/**
 * An Authentik service account with a non-expiring API token: how another stack (the services
 * stack) manages Authentik without the bootstrap admin's token. The token is a secret output.
 */
export class ServiceAccount extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:authentik:ServiceAccount";

  public readonly user: User;
  public readonly group: Group;
  public readonly token: Token;
  /** The API token (secret). */
  public readonly key: pulumi.Output<string>;

  constructor(name: string, args: ServiceAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super(ServiceAccount.__pulumiType, name, {}, opts);
    this.user = new User(
      name,
      { username: args.username, name: args.username, type: "service_account", path: "service-accounts" },
      { parent: this },
    );
    this.group = new Group(
      name,
      { name: args.group.name, isSuperuser: args.group.superuser, users: [this.user.id.apply(Number)] },
      { parent: this },
    );
    this.token = new Token(
      name,
      {
        identifier: args.tokenIdentifier ?? args.username,
        user: this.user.id.apply(Number),
        intent: "api",
        expiring: false,
        retrieveKey: true,
        description: args.description ?? `API token of ${args.username}`,
      },
      // The token's Terraform id is its identifier, which Pulumi would not follow on an in-place
      // rename: a new identifier is a new token (and a new key).
      { parent: this, dependsOn: [this.group], replaceOnChanges: ["identifier"] },
    );
    this.key = pulumi.secret(this.token.key);
    this.registerOutputs({});
  }
}
