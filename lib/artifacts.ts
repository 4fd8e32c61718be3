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

/** `document` with every secret Output replaced by {@link SECRET_MASK}; the result is not secret. */
export function masked(document: unknown): pulumi.Output<unknown> {
  return pulumi.output(maskedPart(document));
}

/**
 * `document` masked, in one pass: an Output where it holds an Output or a promise, else the plain
 * data itself (most of a chart's values or a Kubernetes object's spec), so a plain subtree costs
 * no Output at all, not one a leaf.
 */
function maskedPart(document: unknown): unknown {
  if (pulumi.Output.isInstance(document)) {
    const output = document;
    return pulumi
      .output(pulumi.isSecret(output))
      .apply((secret) => (secret ? pulumi.output(SECRET_MASK) : pulumi.unsecret(output).apply((v) => masked(v))));
  }
  // A promise is masked once it settles: what it holds may be (or hold) a secret Output.
  if (document instanceof Promise) return pulumi.output(document.then(masked));
  const entries = Array.isArray(document) ? [...document.entries()] : isPlainMap(document) ? Object.entries(document) : [];
  const parts = entries.map(([, v]) => maskedPart(v));
  if (!parts.some((part) => pulumi.Output.isInstance(part))) return document;
  return pulumi
    .all(parts)
    .apply((values) => (Array.isArray(document) ? values : Object.fromEntries(entries.map(([k], i) => [k, values[i]]))));
}

/** Renders `document` with its secrets masked. */
export function maskedText(document: unknown, render: (plain: unknown) => string): pulumi.Output<string> {
  return masked(document).apply(render);
}
