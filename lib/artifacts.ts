import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { isPlainMap } from "./kubernetes";

/**
 * Plan artifacts from documents whose leaves may be Outputs: secrets are replaced by a mask
 * before the document is rendered, so an artifact holding a token can still be written and
 * reviewed. Only the offline plan reads artifacts; a real run never exports them.
 */

/** What a secret value is shown as in every artifact (and what the validator accepts anywhere). */
export const SECRET_MASK = "[secret]";

/**
 * A short fingerprint of a secret (16 hex digits of its SHA-256): enough for a plan diff to tell a
 * changed secret from an unchanged one, never the secret itself.
 */
export function fingerprint(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

/** Whether `document` holds an Output or a promise anywhere (in its lists and plain maps). */
function holdsOutputs(document: unknown): boolean {
  if (pulumi.Output.isInstance(document) || document instanceof Promise) return true;
  if (Array.isArray(document)) return document.some(holdsOutputs);
  return isPlainMap(document) && Object.values(document).some(holdsOutputs);
}

/** `document` with every secret Output replaced by {@link SECRET_MASK}; the result is not secret. */
export function masked(document: unknown): pulumi.Output<unknown> {
  // Plain data (most of a chart's values, a Kubernetes object's spec): one Output, not one a leaf.
  if (!holdsOutputs(document)) return pulumi.output(document);
  if (pulumi.Output.isInstance(document)) {
    const output = document;
    return pulumi
      .output(pulumi.isSecret(output))
      .apply((secret) => (secret ? pulumi.output(SECRET_MASK) : pulumi.unsecret(output).apply((v) => masked(v))));
  }
  if (Array.isArray(document)) return pulumi.all(document.map(masked));
  if (isPlainMap(document)) {
    const entries = Object.entries(document);
    return pulumi
      .all(entries.map(([, v]) => masked(v)))
      .apply((values) => Object.fromEntries(entries.map(([k], i) => [k, values[i]])));
  }
  return pulumi.output(document);
}

/** Renders `document` with its secrets masked. */
export function maskedText(document: unknown, render: (plain: unknown) => string): pulumi.Output<string> {
  return masked(document).apply(render);
}
