import * as pulumi from "@pulumi/pulumi";
import { PolicyBinding, PolicyExpression, PropertyMappingSourceOauth, SourceOauth, StageIdentification } from "@pulumi/authentik";
import { DEFAULT_IDENTIFICATION_STAGE } from "../lib/authentik";
import { githubAccessPolicy, githubGroupsMapping, needsOrgScope, type AccessRule } from "../lib/authentik-access";

export interface GitHubLoginArgs {
  /** The GitHub OAuth app's client id. */
  clientId: pulumi.Input<string>;
  /** The GitHub OAuth app's client secret (secret). */
  clientSecret: pulumi.Input<string>;
  /** The source's name, on the login button. @default "GitHub" */
  displayName?: string;
  /**
   * The source's slug: its callback is `<authentik>/source/oauth/callback/<slug>/` (the GitHub
   * OAuth app's callback URL), and a new slug replaces the source. @default "github"
   */
  slug?: string;
  /** The id of the flow a returning user goes through after GitHub, e.g. Authentik's `default-source-authentication`. */
  authenticationFlow: pulumi.Input<string>;
  /** The id of the flow a first-time user goes through after GitHub (creating the account), e.g. `default-source-enrollment`. */
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
  /**
   * Who may come in through GitHub, and in which Authentik groups (the groups must exist; they are
   * linked by name). A GitHub account no rule names can neither enroll nor sign in.
   */
  access: readonly AccessRule[];
}

/**
 * Log in with GitHub: an OAuth source of type github, offered on the identification stage of the
 * login flow (a button under the username field).
 *
 * The stage is one Authentik creates itself (`default-authentication-identification`): pass its id
 * (`identificationStageId`) and the first `pulumi up` imports it; from then on its source list and
 * fields are managed here.
 *
 * Access: a policy on the source's authentication and enrollment flows lets through only the GitHub
 * accounts `access` names (users by login, or members of an organisation or team, read from GitHub
 * with the `read:org` scope); the source's user property mapping puts each account into its
 * groups, synced at every login.
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { GitHubLogin } from "homelab";
 * import { Provider, getFlowOutput } from "homelab/authentik";
 *
 * const config = new pulumi.Config();
 * const provider = new Provider("authentik", { url: "https://auth.example.net", token: config.requireSecret("authentikToken") });
 * const flow = (slug: string) => getFlowOutput({ slug }, { provider }).id;
 * const github = new GitHubLogin("github", {
 *   clientId: "Iv1.0123456789abcdef",
 *   clientSecret: config.requireSecret("githubClientSecret"),
 *   authenticationFlow: flow("default-source-authentication"),
 *   enrollmentFlow: flow("default-source-enrollment"),
 *   identificationStageId: config.require("identificationStageId"), // the default stage's UUID, imported
 *   access: [{ group: "lab-admins", users: ["octocat"], orgs: [], teams: ["my-org/homelab"] }],
 * }, { provider });
 * export const githubCallbackUrl = github.callbackUrl;
 */
export class GitHubLogin extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:authentik:GitHubLogin";

  public readonly source: SourceOauth;
  public readonly stage: StageIdentification;
  /** The source's groups mapping and the flows' access policy with its bindings. */
  public readonly groupsMapping: PropertyMappingSourceOauth;
  public readonly accessPolicy: PolicyExpression;
  public readonly accessBindings: readonly PolicyBinding[];
  /** The URL to enter as the GitHub OAuth app's "Authorization callback URL". */
  public readonly callbackUrl: pulumi.Output<string>;

  constructor(name: string, args: GitHubLoginArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.access.length === 0) throw new Error(`GitHubLogin ${name}: access must name at least one group`);
    super(GitHubLogin.__pulumiType, name, {}, opts);
    const slug = args.slug ?? "github";
    this.groupsMapping = new PropertyMappingSourceOauth(
      `${name}-groups`,
      { name: `homelab: ${slug} groups`, expression: githubGroupsMapping(args.access) },
      { parent: this },
    );
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
        propertyMappings: [this.groupsMapping.id],
        // The mapping names our groups: link them by name (never create look-alikes).
        groupMatchingMode: "name_link",
        ...(needsOrgScope(args.access) ? { additionalScopes: "read:org" } : {}),
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
        // As Authentik's default: "Octocat" and "octocat" are one user (no look-alike accounts).
        caseInsensitiveMatching: true,
        sources: [this.source.uuid],
      },
      // An adopted stage is Authentik's own: never deleted (without it no one can sign in,
      // akadmin included), only left behind when this stack lets go of it.
      {
        parent: this,
        ...(args.identificationStageId === undefined ? {} : { import: args.identificationStageId, retainOnDelete: true }),
      },
    );
    this.accessPolicy = new PolicyExpression(
      `${name}-access`,
      { name: `homelab: ${slug} access`, expression: githubAccessPolicy(slug, args.access) },
      { parent: this },
    );
    // Bound by the flows' own ids: Authentik's binding API resolves a target by the bound object's
    // own primary key (authentik/policies/api/bindings.py, PolicyBindingModelForeignKey), which is
    // what the flow lookup returns; the flow's separate policy-binding-model id is not needed.
    // Those flows may serve other sources too: the policy passes any source but this one.
    this.accessBindings = (
      [
        ["authentication", args.authenticationFlow],
        ["enrollment", args.enrollmentFlow],
      ] as const
    ).map(
      ([role, flow]) =>
        new PolicyBinding(
          `${name}-access-${role}`,
          { target: flow, policy: this.accessPolicy.id, order: 0, enabled: true },
          { parent: this },
        ),
    );
    this.callbackUrl = this.source.callbackUri;
    this.registerOutputs({ callbackUrl: this.callbackUrl });
  }
}
