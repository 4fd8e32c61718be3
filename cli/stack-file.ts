import { SECRET_PLACEHOLDER } from "../config/fields";
import { readStackSettings, StackFileError, type StackSettings } from "../testing/stack-config";

/** What secrets from a stack file turn into: the plan never decrypts anything (config/fields). */
export { SECRET_PLACEHOLDER };
export { StackFileError };

/** A stack's config as Pulumi hands it to the program (see testing/stack-config.ts). */
export type StackConfig = StackSettings;

/**
 * Reads a `Pulumi.<stack>.yaml` the way the Pulumi CLI hands its `config:` to a program: keys
 * namespaced (`homelab:nodes`; a bare key belongs to the project), strings as they are, everything
 * else as JSON text. Encrypted values become a placeholder naming a fingerprint of their ciphertext
 * (`[secret:<fingerprint>]`, see `secretPlaceholder`) and mark their key secret. The same reading
 * as `stackConfig` of `homelab/testing`, which shares it.
 */
export function readStackFile(file: string): StackConfig {
  return readStackSettings(file);
}
