import * as pulumi from "@pulumi/pulumi";
import { invoke, invokeOutput } from "./utilities";

const TOKEN = "authentik:index/getCertificateKeyPair:getCertificateKeyPair";
const ARGS = ["fetchCertificate", "fetchKey", "keyData", "name"] as const;

/** Looks up a certificate-key pair by name. Terraform data source `authentik_certificate_key_pair`, invoke token `authentik:index/getCertificateKeyPair:getCertificateKeyPair`. */
export function getCertificateKeyPair(
  args: GetCertificateKeyPairArgs,
  opts?: pulumi.InvokeOptions,
): Promise<GetCertificateKeyPairResult> {
  return invoke(TOKEN, ARGS, args, opts);
}

/** {@link getCertificateKeyPair} over Inputs, as an Output. */
export function getCertificateKeyPairOutput(
  args: GetCertificateKeyPairOutputArgs,
  opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetCertificateKeyPairResult> {
  return invokeOutput(TOKEN, ARGS, args, opts);
}

/** The arguments of {@link getCertificateKeyPair}. */
export interface GetCertificateKeyPairArgs {
  /** `fetch_certificate`; defaults to `true`. */
  fetchCertificate?: boolean;
  /** `fetch_key`; defaults to `true`. */
  fetchKey?: boolean;
  /** `key_data`; computed by authentik when not set; secret. */
  keyData?: string;
  /** `name` (required). */
  name: string;
}

/** The arguments of {@link getCertificateKeyPairOutput}. */
export interface GetCertificateKeyPairOutputArgs {
  /** `fetch_certificate`; defaults to `true`. */
  fetchCertificate?: pulumi.Input<boolean | undefined>;
  /** `fetch_key`; defaults to `true`. */
  fetchKey?: pulumi.Input<boolean | undefined>;
  /** `key_data`; computed by authentik when not set; secret. */
  keyData?: pulumi.Input<string | undefined>;
  /** `name` (required). */
  name: pulumi.Input<string>;
}

/** What {@link getCertificateKeyPair} returns. */
export interface GetCertificateKeyPairResult {
  /** `certificate_data`; computed by authentik. */
  readonly certificateData: string;
  /** `expiry`; computed by authentik. */
  readonly expiry: string;
  /** `fetch_certificate`; defaults to `true`. */
  readonly fetchCertificate?: boolean;
  /** `fetch_key`; defaults to `true`. */
  readonly fetchKey?: boolean;
  /** `fingerprint1`; computed by authentik. */
  readonly fingerprint1: string;
  /** `fingerprint256`; computed by authentik. */
  readonly fingerprint256: string;
  /** `id`; computed by authentik. */
  readonly id: string;
  /** `key_data`; computed by authentik when not set; secret. */
  readonly keyData: string;
  /** `name` (required). */
  readonly name: string;
  /** `subject`; computed by authentik. */
  readonly subject: string;
}
