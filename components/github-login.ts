import * as pulumi from "@pulumi/pulumi";
import { SourceOauth, StageIdentification } from "@pulumi/authentik";
import { DEFAULT_IDENTIFICATION_STAGE } from "../lib/authentik";

export interface GitHubLoginArgs {
  /** The GitHub OAuth app's client id. */
  clientId: pulumi.Input<string>;
  /** The GitHub OAuth app's client secret (secret). */
  clientSecret: pulumi.Input<string>;
  /** The source's name and slug; its callback is `<authentik>/source/oauth/callback/<slug>/`. @default "GitHub", "github" */
  displayName?: string;
  slug?: string;
  /** Flows a returning and a new user go through after GitHub. */
  authenticationFlow: pulumi.Input<string>;
  enrollmentFlow: pulumi.Input<string>;
  /**
   * How a GitHub login finds an existing Authentik user. `identifier` (GitHub's user id, the
   * default) never links to an account by email, so a GitHub account cannot take over a local one.
   */
  userMatchingMode?: "identifier" | "email_link" | "email_deny" | "username_link" | "username_deny";
  /** The identification stage the source is offered on. @default the default flow's `default-authentication-identification` */
  identificationStage?: string;
  /**
   * The stage's id (UUID) when Authentik created it (the default one): imported on the first
   * `pulumi up`, then updated. Unset: the stage is created (and must then be bound to a flow).
   */
  identificationStageId?: string;
  /** What the stage accepts besides the source. @default ["email", "username"] */
  userFields?: ("email" | "username" | "upn")[];
}

/**
 * Log in with GitHub: an OAuth source of type github, offered on the identification stage of the
 * login flow (a button under the username field).
 *
 * The stage is one Authentik creates itself (`default-authentication-identification`): pass its id
 * (`identificationStageId`) and the first `pulumi up` imports it; from then on its source list and
 * fields are managed here.
 */
export class GitHubLogin extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:authentik:GitHubLogin";

  public readonly source: SourceOauth;
  public readonly stage: StageIdentification;
  /** The URL to enter as the GitHub OAuth app's "Authorization callback URL". */
  public readonly callbackUrl: pulumi.Output<string>;

  constructor(name: string, args: GitHubLoginArgs, opts?: pulumi.ComponentResourceOptions) {
    super(GitHubLogin.__pulumiType, name, {}, opts);
    const slug = args.slug ?? "github";
    this.source = new SourceOauth(
      name,
      {
        name: args.displayName ?? "GitHub",
        slug,
        providerType: "github",
        consumerKey: args.clientId,
        consumerSecret: args.clientSecret,
        authenticationFlow: args.authenticationFlow,
        enrollmentFlow: args.enrollmentFlow,
        userMatchingMode: args.userMatchingMode ?? "identifier",
        promoted: true,
      },
      // Its Terraform id is its slug, which Pulumi would not follow on an in-place rename: a new
      // slug is a new source (created first; the stage moves to it; the old one goes last).
      { parent: this, replaceOnChanges: ["slug"] },
    );
    this.stage = new StageIdentification(
      `${name}-identification`,
      {
        name: args.identificationStage ?? DEFAULT_IDENTIFICATION_STAGE,
        userFields: args.userFields ?? ["email", "username"],
        sources: [this.source.uuid],
      },
      // An adopted stage is Authentik's own: never deleted (without it no one can sign in,
      // akadmin included), only left behind when this stack lets go of it.
      {
        parent: this,
        ...(args.identificationStageId === undefined ? {} : { import: args.identificationStageId, retainOnDelete: true }),
      },
    );
    this.callbackUrl = this.source.callbackUri;
    this.registerOutputs({ callbackUrl: this.callbackUrl });
  }
}
