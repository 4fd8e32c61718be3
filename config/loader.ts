import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/** Every key this project reads lives under this Pulumi config namespace (`homelab:<key>`). */
export const CONFIG_NAMESPACE = "homelab";

/** A config path below the namespace, as Pulumi's `--path` flag spells it: `nodes[2].ip`. */
export type ConfigPath = readonly (string | number)[];

/** One thing wrong with the config: where, and what. */
export interface ConfigProblem {
  /** `homelab:nodes[2].ip` */
  readonly key: string;
  readonly message: string;
}

/** Thrown before anything is created when the config is invalid; lists every problem found. */
export class ConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      [
        `invalid configuration for stack ${stackName} (${problems.length} problem${problems.length === 1 ? "" : "s"}):`,
        ...problems.map((p) => `  ${p.key}: ${p.message}`),
      ].join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** The stack's `homelab:` config, before validation. Keys have the namespace removed. */
export interface RawConfig {
  readonly values: Readonly<Record<string, unknown>>;
  /** Top-level keys Pulumi holds encrypted (`pulumi config set --secret`). */
  readonly secretKeys: ReadonlySet<string>;
}

/** A path as Pulumi's `--path` flag spells it: `["nodes", 2, "ip"]` → `nodes[2].ip`. */
export function formatPath(path: ConfigPath): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(part)) text += text === "" ? part : `.${part}`;
    else text += `[${JSON.stringify(part)}]`;
  }
  return text;
}

/** The namespace + a path: `["nodes", 2, "ip"]` → `homelab:nodes[2].ip`. */
export function formatKey(path: ConfigPath, namespace: string = CONFIG_NAMESPACE): string {
  return `${namespace}:${formatPath(path)}`;
}

/** Pulumi hands structured values to the program as JSON text and plain values as text. */
function decodeValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The `homelab:` part of a flat Pulumi config map (`homelab:nodes` → JSON text), as the Pulumi CLI
 * passes it to a program; other namespaces (`proxmoxve:`, `talos:`) belong to providers.
 */
export function rawConfigFromPulumi(
  config: Readonly<Record<string, string>>,
  isSecret: (key: string) => boolean,
  namespace: string = CONFIG_NAMESPACE,
): RawConfig {
  const prefix = `${namespace}:`;
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  for (const [key, text] of Object.entries(config)) {
    if (!key.startsWith(prefix)) continue;
    const name = key.slice(prefix.length);
    values[name] = decodeValue(text);
    if (isSecret(key)) secretKeys.add(name);
  }
  return { values, secretKeys };
}

/**
 * Reads the running stack's `homelab:` keys through the Pulumi runtime (the same path in a real
 * run and under the offline plan's mocks).
 */
export function readPulumiConfig(namespace: string = CONFIG_NAMESPACE): RawConfig {
  // `isConfigSecret` is exported by the runtime but left out of its typings; it is the only way
  // to learn which keys were stored encrypted without wrapping every value in an Output.
  const isSecret = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
  return rawConfigFromPulumi(pulumi.runtime.allConfig(), (key) => isSecret?.(key) ?? false, namespace);
}

/** Raw config from a plain object (tests, library users): `{ nodes: [...], network: {...} }`. */
export function rawConfig(values: Record<string, unknown>, secretKeys: Iterable<string> = []): RawConfig {
  return { values, secretKeys: new Set(secretKeys) };
}

/** Adds a problem (or a warning) at a path (relative to the namespace). */
export type Report = (path: ConfigPath, message: string) => void;

type Sections = Record<string, z.ZodType>;
type Parsed<S extends Sections> = { [K in keyof S]: z.output<S[K]> };

/**
 * A parsed value with everything that failed its own schema left out: every object field becomes
 * optional (absent when invalid), every list element may be `undefined` (lists keep their indices),
 * and leaves (strings, numbers, secret Outputs, free-form maps) are whole or absent.
 */
export type Valid<T> =
  T extends pulumi.Output<unknown>
    ? T
    : T extends readonly (infer E)[]
      ? readonly (Valid<E> | undefined)[]
      : T extends object
        ? { readonly [K in keyof T]?: Valid<T[K]> }
        : T;

/**
 * What cross-field checks see. A check reads its inputs from `valid` and runs when they are there:
 * an invalid value elsewhere (another section, another field of the same node) never switches a
 * check off; only a check whose own inputs are invalid is skipped, because its input is reported
 * already.
 */
export interface CheckContext<S extends Sections> {
  /**
   * Every section, object field and list element that passed its own schema, with defaults
   * applied; whatever failed is absent. Lists keep their length, so an index is the config's.
   */
  readonly valid: { readonly [K in keyof S]?: Valid<z.output<S[K]>> };
  /** True when the key is written in the config at all (valid or not): absent and invalid differ. */
  given(path: ConfigPath): boolean;
  /** True when the key, or a key it is inside, is written but invalid: checks reading it skip. */
  invalid(path: ConfigPath): boolean;
  /** The value as written (before defaults and parsing), or `undefined`. */
  raw(path: ConfigPath): unknown;
  /** Adds an error: the config is rejected. */
  readonly report: Report;
  /** Adds a warning: allowed, but probably not meant or not checked (e.g. a newer release). */
  readonly warn: Report;
  /**
   * Adds an error in a file the config names (a service file of the catalog), keyed
   * `<file>: <path>` (`services/tv.yaml: upstream.url`), or `<file>` for the whole file. Reported
   * after the config's own problems, in the order found.
   */
  readonly reportIn: (file: string, path: ConfigPath, message: string) => void;
}

/** A program's config: one zod schema per top-level key, cross-field checks, and resolution. */
export interface ConfigSpec<S extends Sections, Resolved, Checked = void> {
  readonly sections: S;
  /**
   * Cross-field checks, run even when other parts are invalid so every problem is reported. What
   * it returns (what checking read, e.g. the files the config names) is handed to `resolve`, so
   * nothing is read twice.
   */
  check(context: CheckContext<S>): Checked;
  /** Turns the valid, checked config into what the program runs on (defaults merged, etc.). */
  resolve(parsed: Parsed<S>, checked: Checked): Resolved;
}

/** What loading gives back. */
export interface Loaded<Resolved> {
  readonly config: Resolved;
  /** Things that are allowed but probably not meant (a secret stored in plain text, ...). */
  readonly warnings: readonly string[];
}

/** The config's namespace, when a program reads another one than `homelab`. */
export interface LoadOptions {
  /** Namespace shown in key paths (`<namespace>:nodes[2].ip`). Default {@link CONFIG_NAMESPACE}. */
  readonly namespace?: string;
}

/**
 * Validates `raw` against `spec` and resolves it. Every problem (unknown keys, wrong types, failed
 * cross-field checks) is collected and thrown together as one {@link ConfigError}; nothing is
 * resolved unless there is none.
 */
export function loadConfig<S extends Sections, Resolved, Checked = void>(
  stack: string,
  spec: ConfigSpec<S, Resolved, Checked>,
  raw: RawConfig,
  options: LoadOptions = {},
): Loaded<Resolved> {
  const namespace = options.namespace ?? CONFIG_NAMESPACE;
  const found: { path: ConfigPath; problem: ConfigProblem }[] = [];
  const inFiles: ConfigProblem[] = [];
  const warnings: string[] = [];
  const report: Report = (path, message) => found.push({ path, problem: { key: formatKey(path, namespace), message } });
  const warn: Report = (path, message) => warnings.push(`${formatKey(path, namespace)}: ${message}`);

  for (const key of Object.keys(raw.values).sort()) {
    if (!(key in spec.sections)) {
      report([key], `unknown key${suggestion(key, Object.keys(spec.sections))}`);
    }
  }

  const parsed: Partial<Parsed<S>> = {};
  const valid: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(spec.sections) as [keyof S & string, z.ZodType][]) {
    const result = schema.safeParse(raw.values[key], { error: issueMessage });
    if (result.success) {
      parsed[key] = result.data as Parsed<S>[typeof key];
      valid[key] = result.data;
    } else {
      for (const issue of result.error.issues) reportIssue(report, schema, [key], issue);
      valid[key] = validPart(schema, raw.values[key]);
    }
  }

  const checked = spec.check({
    valid: valid as CheckContext<S>["valid"],
    given: (path) => lookup(raw.values, path) !== undefined,
    invalid: (path) =>
      path.some((_, i) => {
        const prefix = path.slice(0, i + 1);
        return lookup(raw.values, prefix) !== undefined && lookup(valid, prefix) === undefined;
      }),
    raw: (path) => lookup(raw.values, path),
    report,
    warn,
    reportIn: (file, path, message) => inFiles.push({ key: fileKey(file, path), message }),
  });

  if (found.length > 0 || inFiles.length > 0) {
    throw new ConfigError(stack, [...inReadingOrder(found, Object.keys(spec.sections)), ...inFiles]);
  }
  return {
    config: spec.resolve(parsed as Parsed<S>, checked),
    warnings: [...secretWarnings(raw, parsed, namespace), ...warnings],
  };
}

/**
 * Problems in the order a reader meets their keys: by section (unknown top-level keys first), then
 * by list index (everything about `nodes[0]` before `nodes[1]`); otherwise as found — a key's own
 * problems before those of the checks across keys.
 */
function inReadingOrder(
  found: readonly { path: ConfigPath; problem: ConfigProblem }[],
  sections: readonly string[],
): ConfigProblem[] {
  const indices = (path: ConfigPath) => path.filter((p): p is number => typeof p === "number");
  const compare = (a: ConfigPath, b: ConfigPath): number => {
    const bySection = sections.indexOf(String(a[0])) - sections.indexOf(String(b[0]));
    if (bySection !== 0) return bySection;
    const [x, y] = [indices(a), indices(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };
  return [...found].sort((a, b) => compare(a.path, b.path)).map((f) => f.problem);
}

/** `services/tv.yaml: upstream.url`, or `services/tv.yaml` for the file as a whole. */
export function fileKey(file: string, path: ConfigPath): string {
  return path.length > 0 ? `${file}: ${formatPath(path)}` : file;
}

/** The raw value at `path`, or `undefined`. */
function lookup(values: unknown, path: ConfigPath): unknown {
  let current = values;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/**
 * The part of `raw` that passes `schema`, piece by piece (see {@link Valid}): objects field by
 * field, maps entry by entry and lists element by element, whatever their own refinements say
 * (the whole parse reports those); anything else is parsed whole. Defaults and preprocessing
 * apply as in a parse.
 */
export function validPart(schema: z.ZodType, raw: unknown): unknown {
  let current = schema;
  let value = raw;
  for (;;) {
    if (value === undefined) {
      // Absent: the schema decides (a default, optional, or required and so invalid).
      const result = current.safeParse(undefined);
      return result.success ? result.data : undefined;
    }
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodPrefault) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe && current.in instanceof z.ZodTransform) {
      // z.preprocess(fn, schema): apply fn, then look into the schema.
      const result = (current.in as z.ZodType).safeParse(value);
      if (!result.success) return undefined;
      value = result.data;
      current = current.out as z.ZodType;
    } else {
      break;
    }
  }
  if (current instanceof z.ZodObject) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    const out: Record<string, unknown> = {};
    const shape: Record<string, z.ZodType> = current.shape;
    for (const [key, field] of Object.entries(shape)) {
      const part = validPart(field, (value as Record<string, unknown>)[key]);
      if (part !== undefined) out[key] = part;
    }
    return out;
  }
  if (current instanceof z.ZodRecord) {
    // Maps of free keys (labels): each entry on its own, like object fields.
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    const keys = current.keyType as z.ZodType;
    const values = current.valueType as z.ZodType;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const part = keys.safeParse(key).success ? validPart(values, item) : undefined;
      if (part !== undefined) out[key] = part;
    }
    return out;
  }
  if (current instanceof z.ZodArray) {
    if (!Array.isArray(value)) return undefined;
    const element = current.element as z.ZodType;
    return value.map((item) => validPart(element, item));
  }
  const result = current.safeParse(value);
  return result.success ? result.data : undefined;
}

// ---------------------------------------------------------------- zod issues → messages

function describeInput(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a map";
  if (typeof input === "string") return JSON.stringify(input);
  if (typeof input === "number" || typeof input === "boolean" || typeof input === "bigint") return String(input);
  return typeof input;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a map",
  array: "a list",
};

/**
 * Parses `raw` with `schema` as config is parsed (short messages; an unknown key with a did-you-mean)
 * and reports each problem at its path below `prefix`. For documents read apart from the stack's
 * config, such as the service catalog's files.
 */
export function parseReporting(
  schema: z.ZodType,
  raw: unknown,
  report: Report,
  prefix: ConfigPath = [],
): z.ZodSafeParseResult<unknown> {
  const result = schema.safeParse(raw, { error: issueMessage });
  if (!result.success) for (const issue of result.error.issues) reportIssue(report, schema, prefix, issue);
  return result;
}

/** zod's per-parse error map: short messages phrased for config files. */
function issueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describeInput(issue.input)}`;
    case "too_small":
      if (issue.origin === "array") return `needs at least ${String(issue.minimum)} item${issue.minimum === 1 ? "" : "s"}`;
      if (issue.origin === "string") return "must not be empty";
      return `must be at least ${String(issue.minimum)}, got ${describeInput(issue.input)}`;
    case "too_big":
      if (issue.origin === "array") return `allows at most ${String(issue.maximum)} items`;
      return `must be at most ${String(issue.maximum)}, got ${describeInput(issue.input)}`;
    case "invalid_key":
      // A map key that fails its schema (`homelab:import`'s `<name>/<type>`): that schema's message.
      return issue.issues[0]?.message;
    case "invalid_value": {
      // A near miss (`fsn` for `fsn1`, `regexp` for `regex`) gets the value it probably meant.
      const names = issue.values.filter((v) => typeof v === "string");
      const meant = typeof issue.input === "string" ? didYouMean(issue.input, names) : "";
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${describeInput(issue.input)}${meant}`;
    }
    default:
      return undefined;
  }
}

function reportIssue(report: Report, schema: z.ZodType, prefix: ConfigPath, issue: z.core.$ZodIssue): void {
  const path = [...prefix, ...(issue.path as (string | number)[])];
  if (issue.code === "unrecognized_keys") {
    const known = keysAt(schema, issue.path as (string | number)[]);
    for (const key of issue.keys) report([...path, key], `unknown key${suggestion(key, known)}`);
    return;
  }
  report(path, issue.message);
}

/** Unwraps optional/default/pipe wrappers to reach the schema that does the work. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/** The keys an object schema allows at `path`, for "did you mean" hints. */
function keysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let current = unwrap(schema);
  for (const part of path) {
    if (current instanceof z.ZodObject && typeof part === "string") {
      const next = (current.shape as Record<string, z.ZodType>)[part];
      if (!next) return [];
      current = unwrap(next);
    } else if (current instanceof z.ZodArray) {
      current = unwrap(current.element as z.ZodType);
    } else {
      return [];
    }
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** ` (did you mean "homelab-users"?)` when a known name is close to `value`, else nothing. */
export function didYouMean(value: string, known: readonly string[]): string {
  const close = known
    .map((k) => ({ k, d: editDistance(value.toLowerCase(), k.toLowerCase()) }))
    .filter(({ d }) => d <= 2)
    .sort((x, y) => x.d - y.d)[0];
  return close ? ` (did you mean "${close.k}"?)` : "";
}

/** ` (did you mean "vmId"?)`, or the list of known keys when nothing is close. */
function suggestion(key: string, known: readonly string[]): string {
  if (known.length === 0) return "";
  const close = known
    .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
    .filter(({ d }) => d <= 2)
    .sort((x, y) => x.d - y.d)[0];
  return close ? ` (did you mean "${close.k}"?)` : ` (known keys: ${known.join(", ")})`;
}

// ---------------------------------------------------------------- secrets

/** Paths below `value` that hold secret Outputs (fields the schema marks secret). */
function secretPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (pulumi.Output.isInstance(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => secretPaths(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => secretPaths(v, [...path, k]));
  }
  return [];
}

function secretWarnings(raw: RawConfig, sections: Record<string, unknown>, namespace: string): string[] {
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(sections)) {
    const paths = secretPaths(value, [key]);
    if (raw.secretKeys.has(key)) {
      if (paths.length === 0) {
        warnings.push(
          `${formatKey([key], namespace)} is stored encrypted, but none of its fields is a secret; its values are used in plain text`,
        );
      }
    } else {
      for (const path of paths) {
        warnings.push(
          `${formatKey(path, namespace)} is stored in plain text; encrypt it with \`pulumi config set --secret --path '${formatKey(path, namespace)}' ...\``,
        );
      }
    }
  }
  return warnings;
}
