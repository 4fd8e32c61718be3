import { createHash } from "node:crypto";

/**
 * The sha256 of a function's source text. The mock run's stand-ins copy code of @pulumi/pulumi;
 * each replaces Pulumi's only when the installed function's digest is the one it was checked
 * against, so another release runs Pulumi's own code instead of a copy that may differ.
 */
export function sourceDigest(fn: (...args: never[]) => unknown): string {
  return createHash("sha256").update(fn.toString()).digest("hex");
}
