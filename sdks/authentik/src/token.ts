import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/** A token of a user (API token, app password, recovery or verification token). Terraform resource `authentik_token`, type token `authentik:index/token:Token`. */
export class Token extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/token:Token";

  /** Looks up an existing Token by its provider ID, with optional extra state. */
  static get(name: string, id: pulumi.Input<pulumi.ID>, state?: TokenState, opts?: pulumi.CustomResourceOptions): Token {
    return new Token(name, state as TokenArgs, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is Token {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === Token.__pulumiType;
  }

  /** `description`. */
  declare readonly description: pulumi.Output<string | undefined>;
  /** `expires`. */
  declare readonly expires: pulumi.Output<string | undefined>;
  /** `expires_in`; computed by authentik. */
  declare readonly expiresIn: pulumi.Output<number>;
  /** `expiring`; defaults to `true`. */
  declare readonly expiring: pulumi.Output<boolean | undefined>;
  /** `identifier` (required). */
  declare readonly identifier: pulumi.Output<string>;
  /** `intent`; one of `verification`, `api`, `recovery`, `app_password`; defaults to `api`. */
  declare readonly intent: pulumi.Output<string | undefined>;
  /** `key`; computed by authentik; secret. */
  declare readonly key: pulumi.Output<string>;
  /** `retrieve_key`; defaults to `false`. */
  declare readonly retrieveKey: pulumi.Output<boolean | undefined>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly tokenId: pulumi.Output<string>;
  /** `user` (required). */
  declare readonly user: pulumi.Output<number>;

  constructor(name: string, args: TokenArgs, opts?: pulumi.CustomResourceOptions);
  constructor(name: string, argsOrState?: TokenArgs | TokenState, opts: pulumi.CustomResourceOptions = {}) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: ["description", "expires", "expiring", "identifier", "intent", "retrieveKey", "user"],
      outputs: ["expiresIn", "key", "tokenId"],
      required: ["identifier", "user"],
    });
    super(Token.__pulumiType, name, inputs, resourceOptions(opts, ["key"]), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link Token}. */
export interface TokenArgs {
  /** `description`. */
  description?: pulumi.Input<string | undefined>;
  /** `expires`. */
  expires?: pulumi.Input<string | undefined>;
  /** `expiring`; defaults to `true`. */
  expiring?: pulumi.Input<boolean | undefined>;
  /** `identifier` (required). */
  identifier: pulumi.Input<string>;
  /** `intent`; one of `verification`, `api`, `recovery`, `app_password`; defaults to `api`. */
  intent?: pulumi.Input<string | undefined>;
  /** `retrieve_key`; defaults to `false`. */
  retrieveKey?: pulumi.Input<boolean | undefined>;
  /** `user` (required). */
  user: pulumi.Input<number>;
}

/** The state of a {@link Token}, for {@link Token.get}. */
export interface TokenState extends Partial<TokenArgs> {
  /** `expires_in`; computed by authentik. */
  expiresIn?: pulumi.Input<number | undefined>;
  /** `key`; computed by authentik; secret. */
  key?: pulumi.Input<string | undefined>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  tokenId?: pulumi.Input<string | undefined>;
}
