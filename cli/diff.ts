import { isPlainMap } from "../lib/kubernetes";
import { MASK } from "./render";

/**
 * The plan diff (`npm run plan -- --diff BASE_DIR`): this plan against one written earlier with
 * `--out`, resource by resource, like `pulumi preview --diff` — for reviewers without credentials.
 * Secrets are compared by fingerprint and never shown.
 */

/** A resource as `resources.json` holds it (the fields the diff reads). */
export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Secrets masked (`[secret]`), unknowns `[unknown]`. */
  readonly inputs: unknown;
  readonly secretHashes?: Record<string, string>;
  readonly dependencies?: readonly string[];
  readonly protect?: boolean;
}

/** `resources.json` as the diff reads it. */
export interface PlannedStack {
  readonly stack: string;
  readonly resources: readonly PlannedResource[];
  readonly secretFingerprints?: Record<string, string>;
}

/** One changed value: where, and from what to what (`[secret]` for both sides of a secret). */
export interface ValueChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface ResourceChange {
  readonly type: string;
  readonly name: string;
  readonly changes: readonly ValueChange[];
}

export interface StackDiff {
  readonly stack: string;
  /** No earlier plan of this stack: everything is new. */
  readonly newStack: boolean;
  readonly added: readonly PlannedResource[];
  readonly removed: readonly PlannedResource[];
  readonly changed: readonly ResourceChange[];
  /** Encrypted config values whose ciphertext changed, appeared or went. */
  readonly secretConfig: readonly string[];
}

/** Marks an absent value in a change. */
export const ABSENT = Symbol("absent");

/** Every leaf that differs between `before` and `after`, by path (`spec.blocks[0].stop`). */
export function valueChanges(before: unknown, after: unknown, path = ""): ValueChange[] {
  if (isPlainMap(before) && isPlainMap(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) =>
      valueChanges(k in before ? before[k] : ABSENT, k in after ? after[k] : ABSENT, path ? `${path}.${k}` : k),
    );
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) =>
      valueChanges(i < before.length ? before[i] : ABSENT, i < after.length ? after[i] : ABSENT, `${path}[${i}]`),
    ).flat();
  }
  if (before === ABSENT && after === ABSENT) return [];
  if (before !== ABSENT && after !== ABSENT && JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, before, after }];
}

/** The changes of one resource: its inputs (secrets by fingerprint), protection and dependencies. */
function resourceChanges(before: PlannedResource, after: PlannedResource): ValueChange[] {
  const changes = valueChanges(before.inputs, after.inputs).filter((c) => !(c.before === MASK && c.after === MASK));
  const secrets = new Set([...Object.keys(before.secretHashes ?? {}), ...Object.keys(after.secretHashes ?? {})]);
  for (const path of [...secrets].sort()) {
    const [b, a] = [before.secretHashes?.[path], after.secretHashes?.[path]];
    if (b !== undefined && a !== undefined && b !== a) changes.push({ path, before: MASK, after: MASK });
  }
  if (Boolean(before.protect) !== Boolean(after.protect)) {
    changes.push({ path: "(protect)", before: Boolean(before.protect), after: Boolean(after.protect) });
  }
  const deps = (r: PlannedResource) => [...(r.dependencies ?? [])].sort();
  if (JSON.stringify(deps(before)) !== JSON.stringify(deps(after))) {
    changes.push({ path: "(dependencies)", before: deps(before).length, after: deps(after).length });
  }
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}

/** This plan (`head`) against an earlier one (`base`; absent for a new stack). */
export function diffStacks(base: PlannedStack | undefined, head: PlannedStack): StackDiff {
  const before = new Map((base?.resources ?? []).map((r) => [r.urn, r]));
  const after = new Map(head.resources.map((r) => [r.urn, r]));
  const changed: ResourceChange[] = [];
  for (const [urn, resource] of after) {
    const old = before.get(urn);
    if (!old) continue;
    const changes = resourceChanges(old, resource);
    if (changes.length > 0) changed.push({ type: resource.type, name: resource.name, changes });
  }
  const fingerprints = [base?.secretFingerprints ?? {}, head.secretFingerprints ?? {}] as const;
  const secretPaths = new Set([...Object.keys(fingerprints[0]), ...Object.keys(fingerprints[1])]);
  return {
    stack: head.stack,
    newStack: base === undefined,
    added: head.resources.filter((r) => !before.has(r.urn)),
    removed: (base?.resources ?? []).filter((r) => !after.has(r.urn)),
    changed,
    secretConfig: base === undefined ? [] : [...secretPaths].filter((p) => fingerprints[0][p] !== fingerprints[1][p]).sort(),
  };
}

function shownValue(value: unknown): string {
  if (value === ABSENT) return "(absent)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The diff as `pulumi preview --diff` prints one: `+` create, `-` delete, `~` update with paths. */
export function diffText(diff: StackDiff): string {
  const counts = `${diff.added.length} to create, ${diff.changed.length} to update, ${diff.removed.length} to delete`;
  const lines = [`Stack ${diff.stack}${diff.newStack ? " (no earlier plan: every resource is new)" : ""}: ${counts}`];
  for (const r of diff.added) lines.push(`  + ${r.type}  ${r.name}`);
  for (const r of diff.removed) lines.push(`  - ${r.type}  ${r.name}`);
  for (const r of diff.changed) {
    lines.push(`  ~ ${r.type}  ${r.name}`);
    for (const c of r.changes) {
      const value =
        c.before === MASK && c.after === MASK ? "[secret] changed" : `${shownValue(c.before)} => ${shownValue(c.after)}`;
      lines.push(`      ~ ${c.path}: ${value}`);
    }
  }
  for (const path of diff.secretConfig) lines.push(`  ~ config ${path}: [secret] changed`);
  if (diff.added.length + diff.removed.length + diff.changed.length + diff.secretConfig.length === 0) {
    lines.push("  no changes");
  }
  return `${lines.join("\n")}\n`;
}

/** The diff for a pull-request comment. */
export function diffMarkdown(diff: StackDiff): string {
  return [`### Plan diff: \`${diff.stack}\``, "", "```diff", diffText(diff).trimEnd(), "```", ""].join("\n");
}
