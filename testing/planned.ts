import * as pulumi from "@pulumi/pulumi";
import { fingerprint } from "../lib/artifacts";
import { MASK, UNKNOWN, type PlannedResource } from "./engine";
import { isSecretValue, type RecordedResource } from "./mock-runtime";
import { formatPath, type Segment } from "./paths";

/**
 * A recorded registration in the form a plan writes (`resources.json`) and the engine-faithful
 * diff reads: secrets masked (and fingerprinted, so a diff can tell a changed secret from an
 * unchanged one without showing either), unknowns marked, and every option the engine received.
 */

/**
 * Replaces secrets with {@link MASK} and unknowns with {@link UNKNOWN}, all the way down.
 *
 * @example
 * mask(r.get("cert-manager-cloudflare-token").inputs).stringData; // "[secret]"
 */
export function mask(value: unknown): unknown {
  if (isSecretValue(value)) return MASK;
  if (pulumi.isUnknown(value) || value === pulumi.runtime.unknownValue) return UNKNOWN;
  if (Array.isArray(value)) return value.map(mask);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
  }
  return value;
}

/** Fingerprint of every secret below `value`, by property path. */
function secretFingerprints(value: unknown, path: Segment[], into: Record<string, string>): void {
  if (isSecretValue(value))
    into[path.length === 0 ? "(value)" : formatPath(path)] = fingerprint(JSON.stringify(value.value) ?? "");
  else if (Array.isArray(value)) value.forEach((v, i) => secretFingerprints(v, [...path, i], into));
  else if (typeof value === "object" && value !== null)
    for (const [k, v] of Object.entries(value)) secretFingerprints(v, [...path, k], into);
}

/** `{secretHashes}` for the secrets among a resource's inputs and its replacement trigger (none: `{}`). */
function secretHashes(r: RecordedResource): { secretHashes?: Record<string, string> } {
  const hashes: Record<string, string> = {};
  secretFingerprints(r.inputs, [], hashes);
  if (r.replacementTrigger !== undefined) {
    const trigger: Record<string, string> = {};
    secretFingerprints(r.replacementTrigger, [], trigger);
    if (Object.keys(trigger).length > 0) hashes["(replacementTrigger)"] = fingerprint(JSON.stringify(trigger));
  }
  return Object.keys(hashes).length > 0 ? { secretHashes: hashes } : {};
}

const nonEmpty = <K extends string, V>(key: K, value: V, empty: boolean): { [P in K]?: V } =>
  (empty ? {} : { [key]: value }) as { [P in K]?: V };

/**
 * One resource as `resources.json` holds it: every option the engine received, set ones only.
 *
 * @example
 * // Plan a change: the stack before and after, then what `pulumi up` would do with it.
 * const before = (await register(() => program(oldConfig))).run.resources.map(plannedResource);
 * const after = (await register(() => program(newConfig))).run.resources.map(plannedResource);
 * const diff = engineDiff({ stack: "talos", resources: before }, { stack: "talos", resources: after });
 */
export function plannedResource(r: RecordedResource): PlannedResource & Record<string, unknown> {
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    ...(r.parent ? { parent: r.parent } : {}),
    custom: r.custom,
    ...(r.read ? { read: true } : {}),
    ...(r.provider ? { provider: r.provider } : {}),
    ...(r.protect ? { protect: true } : {}),
    ...nonEmpty("ignoreChanges", r.ignoreChanges, r.ignoreChanges.length === 0),
    ...nonEmpty("replaceOnChanges", r.replaceOnChanges, r.replaceOnChanges.length === 0),
    ...nonEmpty("replaceWith", r.replaceWith, r.replaceWith.length === 0),
    ...(r.replacementTrigger !== undefined ? { replacementTrigger: mask(r.replacementTrigger) } : {}),
    ...(r.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: r.deleteBeforeReplace } : {}),
    ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
    ...nonEmpty("deletedWith", r.deletedWith, r.deletedWith === ""),
    ...nonEmpty("aliases", r.aliases, r.aliases.length === 0),
    ...nonEmpty("customTimeouts", r.customTimeouts, Object.keys(r.customTimeouts).length === 0),
    ...nonEmpty("additionalSecretOutputs", r.additionalSecretOutputs, r.additionalSecretOutputs.length === 0),
    ...nonEmpty("hideDiffs", r.hideDiffs, r.hideDiffs.length === 0),
    ...(r.importId ? { importId: r.importId } : {}),
    inputs: mask(r.inputs),
    ...secretHashes(r),
    dependencies: [...r.dependencies].sort(),
    ...nonEmpty(
      "propertyDependencies",
      Object.fromEntries(
        Object.entries(r.propertyDependencies)
          .filter(([, v]) => v.length > 0)
          .map(([k, v]) => [k, [...v].sort()]),
      ),
      Object.values(r.propertyDependencies).every((v) => v.length === 0),
    ),
  };
}
