import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceInputs, resourceOptions } from "./utilities";

/** An identification stage: asks who is logging in. Terraform resource `authentik_stage_identification`, type token `authentik:index/stageIdentification:StageIdentification`. */
export class StageIdentification extends pulumi.CustomResource {
  /** @internal */
  static readonly __pulumiType = "authentik:index/stageIdentification:StageIdentification";

  /** Looks up an existing StageIdentification by its provider ID, with optional extra state. */
  static get(
    name: string,
    id: pulumi.Input<pulumi.ID>,
    state?: StageIdentificationState,
    opts?: pulumi.CustomResourceOptions,
  ): StageIdentification {
    return new StageIdentification(name, state, { ...opts, id });
  }

  static isInstance(obj: unknown): obj is StageIdentification {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === StageIdentification.__pulumiType;
  }

  /** `captcha_stage`. */
  declare readonly captchaStage: pulumi.Output<string | undefined>;
  /** `case_insensitive_matching`. */
  declare readonly caseInsensitiveMatching: pulumi.Output<boolean | undefined>;
  /** `enable_remember_me`; defaults to `false`. */
  declare readonly enableRememberMe: pulumi.Output<boolean | undefined>;
  /** `enrollment_flow`. */
  declare readonly enrollmentFlow: pulumi.Output<string | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  declare readonly name: pulumi.Output<string>;
  /** `password_stage`. */
  declare readonly passwordStage: pulumi.Output<string | undefined>;
  /** `passwordless_flow`. */
  declare readonly passwordlessFlow: pulumi.Output<string | undefined>;
  /** `pretend_user_exists`; defaults to `true`. */
  declare readonly pretendUserExists: pulumi.Output<boolean | undefined>;
  /** `recovery_flow`. */
  declare readonly recoveryFlow: pulumi.Output<string | undefined>;
  /** `show_matched_user`; defaults to `true`. */
  declare readonly showMatchedUser: pulumi.Output<boolean | undefined>;
  /** `show_source_labels`; defaults to `false`. */
  declare readonly showSourceLabels: pulumi.Output<boolean | undefined>;
  /** `sources`. */
  declare readonly sources: pulumi.Output<string[] | undefined>;
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  declare readonly stageIdentificationId: pulumi.Output<string>;
  /** `user_fields`. */
  declare readonly userFields: pulumi.Output<string[] | undefined>;
  /** `webauthn_stage`. */
  declare readonly webauthnStage: pulumi.Output<string | undefined>;

  constructor(name: string, args?: StageIdentificationArgs, opts?: pulumi.CustomResourceOptions);
  constructor(
    name: string,
    argsOrState?: StageIdentificationArgs | StageIdentificationState,
    opts: pulumi.CustomResourceOptions = {},
  ) {
    const inputs = resourceInputs(argsOrState as Record<string, unknown> | undefined, opts, {
      inputs: [
        "captchaStage",
        "caseInsensitiveMatching",
        "enableRememberMe",
        "enrollmentFlow",
        "name",
        "passwordStage",
        "passwordlessFlow",
        "pretendUserExists",
        "recoveryFlow",
        "showMatchedUser",
        "showSourceLabels",
        "sources",
        "userFields",
        "webauthnStage",
      ],
      outputs: ["stageIdentificationId"],
    });
    super(StageIdentification.__pulumiType, name, inputs, resourceOptions(opts), false /*dependency*/, getPackage());
  }
}

/** The arguments of a {@link StageIdentification}. `name` is optional: when left out, the provider names the object after the logical resource name plus a random suffix. */
export interface StageIdentificationArgs {
  /** `captcha_stage`. */
  captchaStage?: pulumi.Input<string | undefined>;
  /** `case_insensitive_matching`. */
  caseInsensitiveMatching?: pulumi.Input<boolean | undefined>;
  /** `enable_remember_me`; defaults to `false`. */
  enableRememberMe?: pulumi.Input<boolean | undefined>;
  /** `enrollment_flow`. */
  enrollmentFlow?: pulumi.Input<string | undefined>;
  /** `name`; when left out, the logical resource name plus a random suffix. */
  name?: pulumi.Input<string | undefined>;
  /** `password_stage`. */
  passwordStage?: pulumi.Input<string | undefined>;
  /** `passwordless_flow`. */
  passwordlessFlow?: pulumi.Input<string | undefined>;
  /** `pretend_user_exists`; defaults to `true`. */
  pretendUserExists?: pulumi.Input<boolean | undefined>;
  /** `recovery_flow`. */
  recoveryFlow?: pulumi.Input<string | undefined>;
  /** `show_matched_user`; defaults to `true`. */
  showMatchedUser?: pulumi.Input<boolean | undefined>;
  /** `show_source_labels`; defaults to `false`. */
  showSourceLabels?: pulumi.Input<boolean | undefined>;
  /** `sources`. */
  sources?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `user_fields`. */
  userFields?: pulumi.Input<pulumi.Input<string>[] | undefined>;
  /** `webauthn_stage`. */
  webauthnStage?: pulumi.Input<string | undefined>;
}

/** The state of a {@link StageIdentification}, for {@link StageIdentification.get}. */
export interface StageIdentificationState extends Partial<StageIdentificationArgs> {
  /** The object's ID in authentik (the Terraform `id`; the Pulumi resource ID is separate). */
  stageIdentificationId?: pulumi.Input<string | undefined>;
}
