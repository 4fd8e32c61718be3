import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { secretPlaceholder } from "../config/fields";
import { CONFIG_NAMESPACE } from "../config/loader";
import { fingerprint } from "../lib/artifacts";

/**
 * A `Pulumi.<stack>.yaml` read the way the Pulumi CLI hands its `config:` to a program. Used by the
 * offline plan (cli/stack-file.ts) and by `stackConfig` of `homelab/testing`; it reads files only
 * when a test or the plan asks, never while a program runs.
 */

/** A stack's config as Pulumi hands it to the program: flat keys, structured values as JSON text. */
export interface StackSettings {
  /** `homelab:cluster` → `{"name":"homelab",...}`; `proxmoxve:insecure` → `true`. */
  readonly values: Record<string, string>;
  /** Keys holding a `secure:` value anywhere inside. */
  readonly secretKeys: string[];
  /**
   * Each encrypted value's path (`homelab:certManager.cloudflareApiToken`) → a fingerprint of its
   * ciphertext (the first 16 hex digits of its SHA-256): the plan never decrypts a secret, but a
   * plan diff can still tell that one changed. The ciphertext is in the stack file already.
   */
  readonly secretFingerprints: Record<string, string>;
}

/**
 * Thrown for a stack file that cannot be read or is not a Pulumi stack settings file; the message
 * starts with the file (or `stack settings text`).
 *
 * @example
 * expect(() => stackConfig("Pulumi.missing.yaml")).toThrow(new StackFileError("Pulumi.missing.yaml", "cannot read it (ENOENT)"));
 */
export class StackFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "StackFileError";
  }
}

function isSecure(value: unknown): value is { secure: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

/**
 * Replaces every `{secure: ...}` with the placeholder; reports whether there was one, and
 * fingerprints each ciphertext by its path.
 */
function stripSecrets(value: unknown, path: string, fingerprints: Record<string, string>): { value: unknown; secret: boolean } {
  if (isSecure(value)) {
    fingerprints[path] = fingerprint(value.secure);
    return { value: secretPlaceholder(fingerprints[path]), secret: true };
  }
  if (Array.isArray(value)) {
    const items = value.map((v, i) => stripSecrets(v, `${path}[${i}]`, fingerprints));
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => [k, stripSecrets(v, `${path}.${k}`, fingerprints)] as const);
    return { value: Object.fromEntries(entries.map(([k, v]) => [k, v.value])), secret: entries.some(([, v]) => v.secret) };
  }
  return { value, secret: false };
}

/**
 * Parses the text of a `Pulumi.<stack>.yaml` (`source` names it in errors): keys namespaced
 * (`homelab:nodes`; a bare key belongs to the project), strings as they are, everything else as JSON
 * text. Encrypted values become a placeholder naming a fingerprint of their ciphertext
 * (`[secret:<fingerprint>]`, see `secretPlaceholder`) and mark their key secret.
 */
export function parseStackSettings(text: string, source: string): StackSettings {
  let document: unknown;
  try {
    document = parse(text, { uniqueKeys: true });
  } catch (error) {
    throw new StackFileError(source, `is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  if (document === null || document === undefined) return { values: {}, secretKeys: [], secretFingerprints: {} };
  if (typeof document !== "object" || Array.isArray(document)) {
    throw new StackFileError(source, "is not a Pulumi stack settings file (expected a map with a config: key)");
  }
  const config = (document as { config?: unknown }).config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new StackFileError(source, "config: must be a map of keys to values");
  }
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const secretFingerprints: Record<string, string> = {};
  for (const [rawKey, rawValue] of Object.entries(config)) {
    const key = rawKey.includes(":") ? rawKey : `${CONFIG_NAMESPACE}:${rawKey}`;
    const { value, secret } = stripSecrets(rawValue, key, secretFingerprints);
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (secret) secretKeys.push(key);
  }
  return { values, secretKeys, secretFingerprints };
}

/** Reads and parses a `Pulumi.<stack>.yaml` file (see {@link parseStackSettings}). */
export function readStackSettings(file: string): StackSettings {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new StackFileError(file, `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseStackSettings(text, file);
}
