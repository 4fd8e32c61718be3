import type { RecordedAlias } from "./mock-runtime";
import { contains, formatPath, parsePath, valuesAt, type Segment } from "./paths";
import { rulesFor as knownRules, type ReplaceOn, type TypeRules } from "./provider-rules";

/**
 * The engine-faithful plan diff: what `pulumi up` will do with a change, worked out from two
 * plans the way Pulumi's engine works it out (pulumi/pulumi pkg/resource/deploy/step_generator.go,
 * v3.248) with the providers' own replacement rules (./provider-rules.ts):
 *
 * - every input change is an update, unless a provider rule or the resource's `replaceOnChanges`
 *   (the SDK's own included) contains its path, its provider is replaced, a resource in its
 *   `replaceWith` is replaced, or its `replacementTrigger` changed: then a replacement;
 * - `ignoreChanges` paths are not changes; an unknown value is a change when what it comes from
 *   changes ("may change");
 * - a replacement creates first and deletes the old resource at the end of the run, unless
 *   `deleteBeforeReplace` (the option, else the provider's rule) deletes it first, together with
 *   the dependents that would be replaced by it (their inputs from it unknown) and those that name
 *   it in `replaceWith`;
 * - deletes run at the end, dependents first; a protected resource that would be replaced (protected
 *   before and after) or deleted (protected before) fails the run, a `retainOnDelete` one is left in
 *   place, a `deletedWith` one goes with its owner without a delete call;
 * - for `@pulumi/command` resources, which script each step runs: the new `create`, the new
 *   `update` (else `create`) or the recorded `delete`.
 *
 * It reads plans in the `resources.json` form (secrets masked and fingerprinted, unknowns marked).
 */

/** How a secret reads in a plan. */
export const MASK = "[secret]";
/** How a value known only after `pulumi up` reads in a plan. */
export const UNKNOWN = "[unknown]";

/** An earlier identity of a resource, as `resources.json` holds it: as the mock runtime records it. */
export type PlannedAlias = RecordedAlias;

/** A resource as `resources.json` holds it. */
export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly custom?: boolean;
  readonly read?: boolean;
  /** `<provider urn>::<id>`. */
  readonly provider?: string;
  /** Inputs with secrets as {@link MASK} and unknowns as {@link UNKNOWN}. */
  readonly inputs: unknown;
  /** Fingerprints of the secret inputs, by path; `(replacementTrigger)` for a secret trigger. */
  readonly secretHashes?: Readonly<Record<string, string>>;
  readonly dependencies?: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
  readonly protect?: boolean;
  readonly ignoreChanges?: readonly string[];
  readonly replaceOnChanges?: readonly string[];
  readonly replaceWith?: readonly string[];
  readonly replacementTrigger?: unknown;
  /** Present only when the program set the option (it then overrides the provider either way). */
  readonly deleteBeforeReplace?: boolean;
  readonly retainOnDelete?: boolean;
  readonly deletedWith?: string;
  readonly aliases?: readonly PlannedAlias[];
  readonly importId?: string;
}

/** A stack's `resources.json` (the fields the diff reads). */
export interface PlannedStack {
  readonly stack: string;
  readonly resources: readonly PlannedResource[];
  readonly secretFingerprints?: Readonly<Record<string, string>>;
  /** The stack outputs (secrets masked, unknowns marked). */
  readonly outputs?: Readonly<Record<string, unknown>>;
}

/** What the engine does with one resource. */
export type Operation = "create" | "update" | "replace" | "delete" | "read" | "import" | "same";

/** One input that differs: where, from what to what. */
export interface InputChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
  /** `secret`: a secret whose fingerprint changed; `unknown`: not known until apply, and what it comes from changes. */
  readonly kind: "value" | "secret" | "unknown";
}

/** Which script of a command runs in a step, from which inputs. */
export interface ScriptRun {
  readonly script: "create" | "update" | "delete";
  /** `new`: this plan's inputs; `old`: the recorded inputs of the resource being deleted. */
  readonly inputs: "new" | "old";
}

/** The engine's decision for one resource. */
export interface ResourceStep {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly op: Operation;
  /** The URN the state has it under, when an alias carries it from another (a rename). */
  readonly previousUrn?: string;
  /** For a replacement: the old one goes first, or last (at the end of the run). */
  readonly replaceMode?: "create-before-delete" | "delete-before-replace";
  /** Why it is replaced: the input paths and options that force it. */
  readonly reasons: readonly string[];
  /** Input changes the engine acts on (not the ignored ones). */
  readonly changes: readonly InputChange[];
  /** Changes `ignoreChanges` hides: the resource keeps its recorded value. */
  readonly ignored: readonly string[];
  /** The engine refuses: the run fails (the text says where). */
  readonly blocked?: string;
  /** The delete leaves the resource in place (`retainOnDelete`), or its owner's delete takes it (`deletedWith`). */
  readonly retained?: boolean;
  readonly deletedWith?: string;
  /** The update only records new options (`protect`): no provider call, no script. */
  readonly stateOnly?: boolean;
  /** Side effects and hazards of this step, from the provider rules. */
  readonly notes: readonly string[];
  /** What a delete of this type destroys (a stateful resource). */
  readonly stateful?: string;
  readonly component: boolean;
  /** For commands: the scripts this resource's steps run, in order. */
  readonly scripts?: readonly ScriptRun[];
}

/** One step in the order the engine runs them. */
export interface SequenceStep {
  readonly order: number;
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  readonly action: "create" | "update" | "create-replacement" | "delete-replaced" | "delete" | "import";
  /** For commands: the script this step runs, or `nothing`. */
  readonly runs?: ScriptRun["script"] | "nothing";
  /** Not carried out: the resource is retained, deleted with its owner, or the engine refuses. */
  readonly skipped?: "retained" | "deleted-with" | "blocked";
}

export interface EngineDiff {
  readonly stack: string;
  /** No earlier plan: every resource is new. */
  readonly newStack: boolean;
  /** Every resource the run touches (not `same`), most important first. */
  readonly steps: readonly ResourceStep[];
  /** The steps in the order the engine runs them (components and reads left out). */
  readonly sequence: readonly SequenceStep[];
  /** Why `pulumi up` fails (empty when it does not). */
  readonly failures: readonly string[];
  readonly counts: Readonly<Record<"create" | "update" | "replace" | "delete" | "same", number>>;
  /** Encrypted config values whose ciphertext changed, appeared or went. */
  readonly secretConfig: readonly string[];
}

// ---------------------------------------------------------------- inputs

/** `urn…::id` → the provider's URN. */
const providerUrn = (ref: string | undefined) => (ref ? ref.slice(0, ref.lastIndexOf("::")) : undefined);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Absent, as opposed to `undefined` or `null` values. */
const ABSENT = Symbol("absent");
type Value = unknown;

/**
 * Every leaf that differs between two values, by path: objects and arrays are descended into; a
 * container added, removed or against a scalar is one change at its path.
 */
function leafChanges(before: Value, after: Value, path: Segment[] = []): { path: Segment[]; before: Value; after: Value }[] {
  const container = (v: Value): v is Record<string | number, unknown> => isPlainObject(v) || Array.isArray(v);
  if (container(before) && container(after) && Array.isArray(before) === Array.isArray(after)) {
    const arrays = Array.isArray(before);
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(
      arrays ? (x, y) => Number(x) - Number(y) : undefined,
    );
    return keys.flatMap((k) =>
      leafChanges(k in before ? before[k] : ABSENT, k in after ? after[k] : ABSENT, [...path, arrays ? Number(k) : k]),
    );
  }
  if (before === after || JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, before, after }];
}

/** Shown form of a value in a change. */
const shown = (v: Value) => (v === ABSENT ? undefined : v);

/** A replacing input rule as a parsed path with its condition. */
interface ParsedRule {
  readonly path: Segment[];
  readonly text: string;
  readonly unless?: { path: Segment[]; equals: unknown };
  readonly onlyLower?: boolean;
  readonly exact?: boolean;
  /** Only a change from one value to another (a provider config key added or removed is not one). */
  readonly bothSet?: boolean;
}

function parseRules(rules: readonly ReplaceOn[]): ParsedRule[] {
  return rules.map((r) =>
    typeof r === "string"
      ? { path: parsePath(r), text: r }
      : {
          path: parsePath(r.path),
          text: r.path,
          ...(r.unless ? { unless: { path: parsePath(r.unless.path), equals: r.unless.equals } } : {}),
          ...(r.onlyLower ? { onlyLower: true } : {}),
          ...(r.exact ? { exact: true } : {}),
        },
  );
}

/** `v1.13.9` < `v1.12` by numeric parts. */
function lowerVersion(after: unknown, before: unknown): boolean {
  const parts = (v: unknown) => String(v).replace(/^v/, "").split(".").map(Number);
  const [a, b] = [parts(after), parts(before)];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x, y] = [a[i] ?? 0, b[i] ?? 0];
    if (x !== y) return x < y;
  }
  return false;
}

/** Does a change at `path` (with these values) touch the input a rule names? */
function touches(rule: Segment[], path: Segment[], before: Value, after: Value): boolean {
  if (contains(rule, path)) return true;
  // The change is above the rule's path (a whole block added, removed or replaced): look inside it.
  if (
    path.length < rule.length &&
    contains(
      path,
      rule.slice(0, path.length).map((s, i) => (s === "*" ? path[i]! : s)),
    )
  ) {
    const rest = rule.slice(path.length);
    return JSON.stringify(valuesAt(before, rest)) !== JSON.stringify(valuesAt(after, rest));
  }
  return false;
}

/** The note on a step of a type with no rules (it is diffed as updating in place). */
const NO_RULES = "no provider rules for this type: its replacements are not known here";

/** A type's rules, or undefined (`find`); its rules or an empty set (`of`). */
interface Rules {
  readonly find: (type: string) => TypeRules | undefined;
  readonly of: (type: string) => TypeRules;
}

// ---------------------------------------------------------------- graph

/**
 * URN of a resource of `type` named `name` under `parent` (a URN; none at the top) in
 * `stack`/`project`, as the plans name them: Pulumi's mock monitor puts only the parent's own
 * type before the type (the engine puts the parent's whole chain, less the root stack's).
 */
function urnFor(stack: string, project: string, parent: string | undefined, type: string, name: string): string {
  const qualified = parent ? `${parent.split("::")[2]!.split("$").pop()!}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** The URNs a resource could have had before, from its aliases. */
function aliasUrns(r: PlannedResource): string[] {
  const [prefix, project] = r.urn.split("::") as [string, string];
  const stack = prefix.slice("urn:pulumi:".length);
  return (r.aliases ?? []).map((alias) =>
    "urn" in alias
      ? alias.urn
      : urnFor(
          alias.stack ?? stack,
          alias.project ?? project,
          alias.noParent ? undefined : (alias.parentUrn ?? r.parent),
          alias.type ?? r.type,
          alias.name ?? r.name,
        ),
  );
}

/**
 * Resources in an order the engine could run them: each after what it depends on (dependencies,
 * provider, parent), ties by URN, so the same plans always give the same order.
 */
function topologicalOrder(resources: readonly PlannedResource[]): PlannedResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const deps = new Map<string, Set<string>>();
  for (const r of resources) {
    const set = new Set<string>();
    for (const d of [
      ...(r.dependencies ?? []),
      ...Object.values(r.propertyDependencies ?? {}).flat(),
      providerUrn(r.provider),
      r.parent,
    ]) {
      if (d && d !== r.urn && byUrn.has(d)) set.add(d);
    }
    deps.set(r.urn, set);
  }
  // Kahn's algorithm, always taking the lowest URN that is ready.
  const dependents = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const [urn, set] of deps) {
    waiting.set(urn, set.size);
    for (const d of set) {
      if (!dependents.has(d)) dependents.set(d, []);
      dependents.get(d)!.push(urn);
    }
  }
  const byUrnOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const ready = [...waiting].filter(([, n]) => n === 0).map(([urn]) => urn);
  const order: PlannedResource[] = [];
  const left = new Set(byUrn.keys());
  while (left.size > 0) {
    ready.sort(byUrnOrder);
    // A cycle cannot come from a real program; take the lowest URN left rather than stop.
    const urn = ready.shift() ?? [...left].sort(byUrnOrder)[0]!;
    if (!left.delete(urn)) continue;
    order.push(byUrn.get(urn)!);
    for (const d of dependents.get(urn) ?? []) {
      const n = waiting.get(d)! - 1;
      waiting.set(d, n);
      if (n === 0) ready.push(d);
    }
  }
  return order;
}

/** Every URN a resource depends on, for the transitive dependents of a delete-before-replace. */
function edges(r: PlannedResource): string[] {
  return [
    ...(r.dependencies ?? []),
    ...Object.values(r.propertyDependencies ?? {}).flat(),
    ...(r.replaceWith ?? []),
    ...(r.deletedWith ? [r.deletedWith] : []),
    ...(providerUrn(r.provider) ? [providerUrn(r.provider)!] : []),
  ];
}

// ---------------------------------------------------------------- the diff

interface Working {
  op: Operation;
  replaceMode?: ResourceStep["replaceMode"];
  reasons: string[];
  changes: InputChange[];
  ignored: string[];
  blocked?: string;
  retained?: boolean;
  deletedWith?: string;
  stateOnly?: boolean;
  notes: string[];
  previousUrn?: string;
}

export interface EngineDiffOptions {
  /**
   * Rules for types of your own, or in place of these (by type, or `<package>:*` for a package's
   * components), each with the source it was read from. A type with none updates in place, noted.
   */
  readonly rules?: Readonly<Record<string, TypeRules>>;
}

/**
 * Diffs `head` against `base` (absent for a new stack) the way the engine would run it: which
 * resources are created, updated in place, replaced (and in which order) or deleted, by the
 * providers' own rules ({@link PROVIDER_RULES}), and why `pulumi up` would fail.
 *
 * @example
 * import { engineDiff, plannedResource, register } from "homelab/testing";
 *
 * const plan = async (image: string) => ({
 *   stack: "edge",
 *   resources: (await register(() => myEdge({ image }), { stack: "edge" })).run.resources.map(plannedResource),
 * });
 * const diff = engineDiff(await plan("ubuntu-24.04"), await plan("debian-13"));
 * diff.steps.map((s) => `${s.op} ${s.type}::${s.name}`); // [..., "replace hcloud:index/server:Server::edge", ...]
 * diff.failures; // [] unless a protected resource would be deleted or replaced
 */
export function engineDiff(base: PlannedStack | undefined, head: PlannedStack, options: EngineDiffOptions = {}): EngineDiff {
  const find = (type: string) => (options.rules && knownRules(type, options.rules)) ?? knownRules(type);
  const lookup: Rules = { find, of: (type) => find(type) ?? { source: "none" } };
  const rulesFor = lookup.find;
  const rulesOf = lookup.of;
  const baseByUrn = new Map((base?.resources ?? []).map((r) => [r.urn, r]));
  const headByUrn = new Map(head.resources.map((r) => [r.urn, r]));
  const failures: string[] = [];
  const sequence: Omit<SequenceStep, "order">[] = [];
  const work = new Map<string, Working>();
  /** Head URN → the base resource it continues (same URN or an alias). */
  const previous = new Map<string, PlannedResource>();
  for (const r of head.resources) {
    const old =
      baseByUrn.get(r.urn) ??
      aliasUrns(r)
        .map((u) => (headByUrn.has(u) ? undefined : baseByUrn.get(u)))
        .find(Boolean);
    if (old) previous.set(r.urn, old);
  }
  const continued = new Set([...previous.values()].map((r) => r.urn));
  /** Resources whose outputs may change in this run (created, updated, replaced). */
  const changing = new Set<string>();
  /** Resources that are new in this run (created or replaced): their outputs are unknown in a preview. */
  const renewed = new Set<string>();
  const replaced = new Set<string>();
  /** Dependents already deleted ahead of a delete-before-replace: URN → the root's name. */
  const deletedAhead = new Map<string, string>();
  const pendingDeletes: PlannedResource[] = [];
  const order = topologicalOrder(head.resources);

  for (const r of order) {
    const rules = rulesOf(r.type);
    const old = previous.get(r.urn);
    const w: Working = { op: "same", reasons: [], changes: [], ignored: [], notes: [] };
    if (old && old.urn !== r.urn) w.previousUrn = old.urn;
    work.set(r.urn, w);
    if (r.read) {
      w.op = "read";
      continue;
    }
    if (!old) {
      w.op = r.importId ? "import" : "create";
      changing.add(r.urn);
      renewed.add(r.urn);
      if (!rules.component) sequence.push({ urn: r.urn, name: r.name, type: r.type, action: w.op });
      w.notes.push(...awaitNotes(rules, r, w));
      if (!rulesFor(r.type)) w.notes.push(NO_RULES);
      continue;
    }

    // What changed, as the provider's Diff would see it after ignoreChanges.
    const ignore = (r.ignoreChanges ?? []).map(parsePath);
    /** Each acted-on change with its values, for the replacement rules. */
    const raw = new Map<string, { path: Segment[]; before: Value; after: Value }>();
    const record = (path: Segment[], before: Value, after: Value, change: InputChange) => {
      if (ignore.some((p) => contains(p, path))) w.ignored.push(change.path);
      else {
        w.changes.push(change);
        raw.set(change.path, { path, before, after });
      }
    };
    // A provider default stands where an input is absent (the state holds it), on both sides.
    const withDefaults = (inputs: unknown): unknown =>
      rules.defaults && inputs !== null && typeof inputs === "object" && !Array.isArray(inputs)
        ? { ...rules.defaults, ...inputs }
        : inputs;
    for (const c of leafChanges(withDefaults(old.inputs), withDefaults(r.inputs))) {
      const text = formatPath(c.path);
      if (c.after === UNKNOWN) {
        const key = c.path[0];
        const from = typeof key === "string" ? (r.propertyDependencies?.[key] ?? []) : [];
        if (c.before !== UNKNOWN || from.some((u) => changing.has(u))) {
          record(c.path, c.before, c.after, { path: text, before: shown(c.before), after: UNKNOWN, kind: "unknown" });
        }
      } else if (!(c.before === MASK && c.after === MASK)) {
        const kind = c.before === MASK || c.after === MASK ? "secret" : "value";
        record(c.path, c.before, c.after, { path: text, before: shown(c.before), after: shown(c.after), kind });
      }
    }
    // An input taken from a resource created or replaced in this run is unknown until apply (a
    // preview cannot know a new resource's outputs), whatever the plan's placeholder shows; one
    // unknown on both sides is a change when what it comes from changes.
    for (const [key, from] of Object.entries(r.propertyDependencies ?? {})) {
      const value = (r.inputs as Record<string, unknown> | undefined)?.[key];
      // A leaf below it that changed (acted on or ignored) is where the new value goes.
      const under = (path: string) => path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`);
      const already = w.changes.some((c) => under(c.path)) || w.ignored.some(under);
      const fromNew = from.some((u) => renewed.has(u));
      if (!already && (fromNew || (JSON.stringify(value)?.includes(UNKNOWN) && from.some((u) => changing.has(u))))) {
        const before = (old.inputs as Record<string, unknown> | undefined)?.[key];
        record([key], before, UNKNOWN, { path: key, before: shown(before), after: UNKNOWN, kind: "unknown" });
      }
    }
    // Secrets: equal masks, different fingerprints.
    const secretPaths = new Set([...Object.keys(old.secretHashes ?? {}), ...Object.keys(r.secretHashes ?? {})]);
    for (const path of [...secretPaths].sort()) {
      const [b, a] = [old.secretHashes?.[path], r.secretHashes?.[path]];
      if (path !== "(replacementTrigger)" && b !== undefined && a !== undefined && b !== a) {
        record(parsePath(path), MASK, MASK, { path, before: MASK, after: MASK, kind: "secret" });
      }
    }
    w.changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));

    // Replacement: provider, replaceWith, replacementTrigger, then the provider's and the option's paths.
    const provider = providerUrn(r.provider);
    if (provider !== providerUrn(old.provider) && !rules.providerConfig) {
      w.reasons.push(`its provider changed (${providerUrn(old.provider) ?? "default"} → ${provider ?? "default"})`);
    } else if (provider && replaced.has(provider)) {
      w.reasons.push(`its provider ${nameOf(provider)} is replaced`);
    }
    for (const u of r.replaceWith ?? []) if (replaced.has(u)) w.reasons.push(`replaceWith ${nameOf(u)}, which is replaced`);
    const triggerChanged =
      r.replacementTrigger !== undefined &&
      old.replacementTrigger !== undefined &&
      (JSON.stringify(r.replacementTrigger) !== JSON.stringify(old.replacementTrigger) ||
        r.secretHashes?.["(replacementTrigger)"] !== old.secretHashes?.["(replacementTrigger)"] ||
        JSON.stringify(r.replacementTrigger).includes(UNKNOWN));
    if (triggerChanged) w.reasons.push("its replacementTrigger changed");
    const viaOptionsOnly = w.reasons.length > 0;
    const providerRules: ParsedRule[] = [
      ...parseRules(rules.replaceOn ?? []),
      ...(rules.providerConfig?.replaceOn ?? []).map((p) => ({ path: parsePath(p), text: p, bothSet: true })),
    ];
    const optionRules = (r.replaceOnChanges ?? []).map((p) => ({ path: parsePath(p), text: p }));
    for (const change of w.changes) {
      const { path, before, after } = raw.get(change.path)!;
      for (const rule of providerRules) {
        if (rule.exact ? formatPath(rule.path) !== change.path : !touches(rule.path, path, before, after)) continue;
        if (rule.unless && valuesAt(r.inputs, rule.unless.path)[0] === rule.unless.equals) continue;
        if (rule.onlyLower && change.kind === "value" && !lowerVersion(after, before)) continue;
        if (rule.bothSet && (before === ABSENT || after === ABSENT)) continue;
        w.reasons.push(
          `${change.path}${change.kind === "unknown" ? " (may change)" : ""}: the provider replaces on ${rule.text}`,
        );
        break;
      }
      for (const rule of optionRules) {
        if (touches(rule.path, path, before, after)) {
          w.reasons.push(`${change.path}${change.kind === "unknown" ? " (may change)" : ""}: replaceOnChanges ${rule.text}`);
          break;
        }
      }
    }
    const ahead = deletedAhead.get(r.urn);
    if (ahead !== undefined) w.reasons.unshift(`deleted before ${ahead} (delete-before-replace), so created again`);
    const protectChanged = Boolean(old.protect) !== Boolean(r.protect);

    if (w.reasons.length > 0) {
      w.op = "replace";
      replaced.add(r.urn);
      changing.add(r.urn);
      renewed.add(r.urn);
      if (ahead !== undefined) {
        w.replaceMode = "delete-before-replace";
        sequence.push({ urn: r.urn, name: r.name, type: r.type, action: "create-replacement" });
        continue;
      }
      if (r.protect && old.protect) {
        w.blocked = `replacing a protected resource: the engine refuses and \`pulumi up\` stops here (unprotect it first: protect false, then the replacement)`;
        failures.push(`${r.type} ${r.name}: ${w.blocked}`);
        w.replaceMode = deleteBeforeReplace(r, old, rules, viaOptionsOnly) ? "delete-before-replace" : "create-before-delete";
        sequence.push({ urn: r.urn, name: r.name, type: r.type, action: "create-replacement", skipped: "blocked" });
        continue;
      }
      const dbr = deleteBeforeReplace(r, old, rules, viaOptionsOnly);
      w.replaceMode = dbr ? "delete-before-replace" : "create-before-delete";
      if (dbr) {
        const dependents = dependentsReplacedBy(r, order, headByUrn, previous, replaced, lookup);
        for (const d of dependents) {
          deletedAhead.set(d.urn, r.name);
          const dOld = previous.get(d.urn)!;
          if (dOld.protect) {
            const message = `replacing ${r.name} first deletes ${d.name}, which is protected: \`pulumi up\` stops here`;
            failures.push(`${d.type} ${d.name}: ${message}`);
          }
        }
        for (const d of [...dependents].reverse())
          sequence.push(deleteStep(previous.get(d.urn)!, "delete-replaced", failures, new Set()));
        sequence.push(deleteStep(old, "delete-replaced", failures, new Set()));
        sequence.push({ urn: r.urn, name: r.name, type: r.type, action: "create-replacement" });
      } else {
        sequence.push({ urn: r.urn, name: r.name, type: r.type, action: "create-replacement" });
        pendingDeletes.push(old);
      }
    } else if (w.changes.length > 0 || protectChanged) {
      w.op = "update";
      changing.add(r.urn);
      if (w.changes.length === 0) w.stateOnly = true;
      if (!rules.component) sequence.push({ urn: r.urn, name: r.name, type: r.type, action: "update" });
    }
    if (w.op !== "same") w.notes.push(...notesFor(rules, w), ...awaitNotes(rules, r, w), ...(rulesFor(r.type) ? [] : [NO_RULES]));
    if (rules.providerConfig && w.op === "update") {
      const may = (rules.providerConfig.mayReplaceOn ?? []).filter((k) =>
        w.changes.some((c) => c.path === k || c.path.startsWith(`${k}.`)),
      );
      const unlessSet = rules.providerConfig.unlessSet;
      if (may.length > 0 && !(unlessSet && valuesAt(r.inputs, [unlessSet]).length > 0)) {
        w.notes.push(
          `a change to ${may.join(", ")} replaces this provider (and every resource it manages) when the cluster it points at changes; ${unlessSet} pins that`,
        );
      }
    }
  }

  // Deletes: removed resources and the old halves of create-first replacements, dependents first.
  const removed = (base?.resources ?? []).filter((r) => !headByUrn.has(r.urn) && !continued.has(r.urn));
  const deleting = new Set([...removed, ...pendingDeletes].map((r) => r.urn));
  const deleteOrder = topologicalOrder(base?.resources ?? [])
    .reverse()
    .filter((r) => deleting.has(r.urn));
  const replacedOld = new Set(pendingDeletes.map((p) => p.urn));
  for (const r of deleteOrder) {
    const replacement = replacedOld.has(r.urn);
    const step = deleteStep(r, replacement ? "delete-replaced" : "delete", failures, deleting);
    if (!rulesOf(r.type).component) sequence.push(step);
    if (!replacement) {
      const w: Working = { op: "delete", reasons: [], changes: [], ignored: [], notes: propagationNotes(rulesOf(r.type), r) };
      if (step.skipped === "blocked") w.blocked = blockedDelete(r);
      if (step.skipped === "retained") w.retained = true;
      if (step.skipped === "deleted-with") w.deletedWith = nameOf(r.deletedWith!);
      work.set(r.urn, w);
    }
  }
  // A refused delete of an old replaced resource fails the run too (recorded by deleteStep).

  const all = [...head.resources, ...removed];
  const steps: ResourceStep[] = all
    .map((r) => toStep(r, work.get(r.urn)!, rulesOf(r.type)))
    .filter((s) => s.op !== "same" && s.op !== "read");
  steps.sort((a, b) => attention(b) - attention(a) || (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));

  // Commands: the script each step runs, and per resource the scripts of its steps in order.
  const scripts = new Map<string, ScriptRun[]>();
  const ordered = sequence.map((s) => {
    const r = headByUrn.get(s.urn) ?? baseByUrn.get(s.urn);
    if (!r || !rulesFor(r.type)?.scripts) return s;
    const runs = scriptFor(s, headByUrn.get(s.urn), previous.get(s.urn) ?? baseByUrn.get(s.urn), work.get(s.urn));
    if (runs !== "nothing")
      scripts.set(s.urn, [...(scripts.get(s.urn) ?? []), { script: runs, inputs: runs === "delete" ? "old" : "new" }]);
    return { ...s, runs };
  });
  const withScripts = steps.map((s) => (rulesFor(s.type)?.scripts ? { ...s, scripts: scripts.get(s.urn) ?? [] } : s));

  const count = (op: Operation) => steps.filter((s) => s.op === op && !s.component).length;
  const fingerprints = [base?.secretFingerprints ?? {}, head.secretFingerprints ?? {}] as const;
  const secretPaths = new Set([...Object.keys(fingerprints[0]), ...Object.keys(fingerprints[1])]);
  return {
    stack: head.stack,
    newStack: base === undefined,
    steps: withScripts,
    sequence: ordered.map((s, i) => ({ order: i + 1, ...s })),
    failures,
    counts: {
      create: count("create") + count("import"),
      update: count("update"),
      replace: count("replace"),
      delete: count("delete"),
      same: head.resources.filter((r) => work.get(r.urn)?.op === "same" && !rulesOf(r.type).component).length,
    },
    secretConfig: base === undefined ? [] : [...secretPaths].filter((p) => fingerprints[0][p] !== fingerprints[1][p]).sort(),
  };

  function nameOf(urn: string): string {
    return (headByUrn.get(urn) ?? baseByUrn.get(urn))?.name ?? urn;
  }

  function blockedDelete(r: PlannedResource): string {
    if (r.protect)
      return "deleting a protected resource: the engine refuses and `pulumi up` fails (set protect false and run `pulumi up` first)";
    const refused = rulesFor(r.type)?.deleteRefusedWhen;
    return `the provider refuses the delete: ${refused?.why ?? "refused"} (turn it off with an update first)`;
  }

  /** A delete step of a recorded resource, with whether it is carried out; records failures. */
  function deleteStep(
    r: PlannedResource,
    action: "delete" | "delete-replaced",
    into: string[],
    alsoDeleting: ReadonlySet<string>,
  ): Omit<SequenceStep, "order"> {
    const base = { urn: r.urn, name: r.name, type: r.type, action };
    const refused = rulesFor(r.type)?.deleteRefusedWhen;
    if (action === "delete" && r.protect) {
      into.push(`${r.type} ${r.name}: ${blockedDelete(r)}`);
      return { ...base, skipped: "blocked" };
    }
    if (r.retainOnDelete) return { ...base, skipped: "retained" };
    if (r.deletedWith && alsoDeleting.has(r.deletedWith)) return { ...base, skipped: "deleted-with" };
    if (refused && valuesAt(r.inputs, parsePath(refused.path))[0] === refused.equals) {
      into.push(`${r.type} ${r.name}: ${blockedDelete({ ...r, protect: false })}`);
      return { ...base, skipped: "blocked" };
    }
    return base;
  }
}

/** The delete-before-replace decision: the option wins; else the provider's rule (not for option-made replacements). */
function deleteBeforeReplace(r: PlannedResource, old: PlannedResource, rules: TypeRules, viaOptionsOnly: boolean): boolean {
  if (r.deleteBeforeReplace !== undefined) return r.deleteBeforeReplace;
  if (viaOptionsOnly || !rules.providerDeleteBeforeReplace) return false;
  const path = parsePath(rules.providerDeleteBeforeReplace.whenSet);
  const [now, before] = [valuesAt(r.inputs, path)[0], valuesAt(old.inputs, path)[0]];
  // Kubernetes deletes first only when the name stays (a new name can exist beside the old one).
  return now !== undefined && (path[0] !== "metadata" || JSON.stringify(now) === JSON.stringify(before));
}

/**
 * The resources the engine deletes ahead of a delete-before-replace of `root` (in dependency
 * order): transitive dependents whose provider is being replaced, or that take an input from one
 * being replaced where that input, unknown, would replace them, or that name it in `replaceWith`.
 */
function dependentsReplacedBy(
  root: PlannedResource,
  order: readonly PlannedResource[],
  headByUrn: ReadonlyMap<string, PlannedResource>,
  previous: ReadonlyMap<string, PlannedResource>,
  alreadyReplaced: ReadonlySet<string>,
  lookup: Rules,
): PlannedResource[] {
  const replacing = new Set([root.urn]);
  const reach = new Set([root.urn]);
  const found: PlannedResource[] = [];
  const start = order.indexOf(root);
  for (const d of order.slice(start + 1)) {
    if (!edges(d).some((u) => reach.has(u))) continue;
    reach.add(d.urn);
    if (!d.custom || !previous.has(d.urn) || alreadyReplaced.has(d.urn)) continue;
    const rules = lookup.of(d.type);
    const forcing = [
      ...parseRules(rules.replaceOn ?? [])
        .filter((p) => !p.onlyLower)
        .map((p) => p.path),
      ...(d.replaceOnChanges ?? []).map(parsePath),
    ];
    const viaProvider = replacing.has(providerUrn(d.provider) ?? "");
    const viaInput = Object.entries(d.propertyDependencies ?? {}).some(
      ([key, from]) => from.some((u) => replacing.has(u)) && forcing.some((p) => p[0] === key || p[0] === "*"),
    );
    const viaReplaceWith = (d.replaceWith ?? []).includes(root.urn);
    if (viaProvider || viaInput || viaReplaceWith) {
      replacing.add(d.urn);
      found.push(headByUrn.get(d.urn)!);
    }
  }
  return found;
}

/** Side effects and hazards of a step, from the provider rules. */
function notesFor(rules: TypeRules, w: Working): string[] {
  const notes: string[] = [];
  if (w.stateOnly) notes.push("only its options change (protect): recorded in the state, no provider call");
  if (w.op === "update") {
    for (const [path, effect] of Object.entries(rules.updateEffects ?? {})) {
      const rule = parsePath(path);
      if (w.changes.some((c) => contains(rule, parsePath(c.path)))) notes.push(`${path}: ${effect}`);
    }
    for (const path of rules.idFrom ?? []) {
      if (w.changes.some((c) => contains(parsePath(path), parsePath(c.path)))) {
        notes.push(
          `${path} changes the object's id in the provider, but Pulumi keeps the old id on an update: later updates and refreshes go to the old one (replaceOnChanges ${path} avoids it)`,
        );
      }
    }
  }
  return notes;
}

/** The condition a create, update or replacement waits for, where the object names one (`awaits`). */
function awaitNotes(rules: TypeRules, r: PlannedResource, w: Working): string[] {
  if (!rules.awaits || !["create", "update", "replace"].includes(w.op) || w.stateOnly) return [];
  const [condition] = valuesAt(r.inputs, parsePath(rules.awaits.condition));
  if (typeof condition !== "string") return [];
  const [seconds] = valuesAt(r.inputs, parsePath(rules.awaits.timeoutSeconds));
  const limit = typeof seconds === "string" ? `${seconds} s` : "the default 10 minutes";
  return [`waits for ${condition} (up to ${limit}): \`pulumi up\` fails naming this object when it is not met`];
}

/**
 * How a Kubernetes delete reaches the objects the deleted one owns (`deletePropagation`): the
 * policy in the inputs of the state (`old`), which is what the provider sends.
 */
function propagationNotes(rules: TypeRules, old: PlannedResource): string[] {
  const rule = rules.deletePropagation;
  if (!rule) return [];
  const [given] = valuesAt(old.inputs, parsePath(rule.annotation));
  const set = typeof given === "string" && ["foreground", "background", "orphan"].includes(given.toLowerCase());
  const policy = set ? (given.toLowerCase() as "foreground" | "background" | "orphan") : "foreground";
  const why = set ? `${rule.annotation} ${given} in the state` : `no ${rule.annotation} in the state: the default`;
  return [`deleted with ${policy} propagation (${why}): ${rule.effects[policy]}`];
}

/** Which script a command's step runs. */
function scriptFor(
  s: Omit<SequenceStep, "order">,
  now: PlannedResource | undefined,
  before: PlannedResource | undefined,
  w: Working | undefined,
): ScriptRun["script"] | "nothing" {
  const has = (r: PlannedResource | undefined, key: string) =>
    r !== undefined && isPlainObject(r.inputs) && r.inputs[key] !== undefined && r.inputs[key] !== "";
  if (s.skipped) return "nothing";
  switch (s.action) {
    case "create":
    case "create-replacement":
    case "import":
      return has(now, "create") ? "create" : "nothing";
    case "update":
      if (w?.stateOnly) return "nothing";
      return has(now, "update") ? "update" : has(now, "create") ? "create" : "nothing";
    default:
      return has(before, "delete") ? "delete" : "nothing";
  }
}

function toStep(r: PlannedResource, w: Working, rules: TypeRules): ResourceStep {
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    op: w.op,
    ...(w.previousUrn ? { previousUrn: w.previousUrn } : {}),
    ...(w.replaceMode ? { replaceMode: w.replaceMode } : {}),
    reasons: w.reasons,
    changes: w.changes,
    ignored: w.ignored,
    ...(w.blocked ? { blocked: w.blocked } : {}),
    ...(w.retained ? { retained: true } : {}),
    ...(w.deletedWith ? { deletedWith: w.deletedWith } : {}),
    ...(w.stateOnly ? { stateOnly: true } : {}),
    notes: w.notes,
    ...(rules.stateful && (w.op === "delete" || w.op === "replace") ? { stateful: rules.stateful } : {}),
    component: Boolean(rules.component),
  };
}

/** Blocked steps first, then replacements and deletes of stateful resources, then other replacements and deletes. */
function attention(s: ResourceStep): number {
  if (s.blocked) return 4;
  if (s.stateful && s.op === "replace") return 3;
  if (s.stateful && s.op === "delete" && !s.retained) return 3;
  if (s.op === "replace") return 2;
  if (s.op === "delete" && !s.component) return 1;
  return 0;
}
