import * as pulumi from "@pulumi/pulumi";
import { isSecretValue, type RecordedResource } from "../testing/mock-runtime";
import {
  checkAll,
  formatPath,
  RULE_NAMES,
  settingsFrom,
  UNKNOWN,
  type PolicyConfig,
  type PolicyResource,
  type RuleName,
  type Segment,
  type Violation,
} from "./rules";

/**
 * The offline side of the policy pack: the resources the mock runtime recorded (testing/
 * mock-runtime), as the rules see resources (policy/rules). The mock runtime records every option
 * the SDK sent the engine, so here the rules see more than the pack does under the Pulumi CLI:
 * secretness, `retainOnDelete` and `import` (docs/policy.md lists the differences).
 */

/** Plain props (secrets unwrapped, unknowns {@link UNKNOWN}) and the paths of the secrets. */
function unwrap(value: unknown, path: Segment[], secrets: string[]): unknown {
  if (isSecretValue(value)) {
    secrets.push(formatPath(path));
    return unwrap(value.value, path, secrets);
  }
  if (value === pulumi.runtime.unknownValue || pulumi.isUnknown(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map((v, i) => unwrap(v, [...path, i], secrets));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v, [...path, k], secrets)]));
  return value;
}

/** A recorded registration as the rules see it. */
export function policyResource(r: RecordedResource): PolicyResource {
  const secretPaths: string[] = [];
  const props = unwrap(r.inputs, [], secretPaths) as Record<string, unknown>;
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    props,
    secretPaths,
    options: { protect: r.protect, retainOnDelete: r.retainOnDelete, importId: r.importId },
    propertyDependencies: r.propertyDependencies,
  };
}

/** Enforcement levels as the policy config sets them (`mandatory` unless configured). */
export type EnforcementLevel = "advisory" | "mandatory" | "disabled";

export interface PolicyReport {
  readonly violations: readonly (Violation & { readonly enforcementLevel: "advisory" | "mandatory" })[];
  /** What could not be judged: values unknown until apply (see {@link Violation.unknown}). */
  readonly notJudged: readonly Violation[];
  /** True when a mandatory violation fails the run. */
  readonly failed: boolean;
}

/**
 * Checks what a program registered (reads, such as StackReferences, are not the program's to judge,
 * as the engine does not send them to a policy pack), with the same config as the pack takes.
 */
export function checkRecorded(resources: readonly RecordedResource[], config: PolicyConfig = {}): PolicyReport {
  const settings = settingsFrom(config);
  const level = (rule: RuleName): EnforcementLevel => (config[rule]?.enforcementLevel as EnforcementLevel) ?? "mandatory";
  const found = checkAll(resources.filter((r) => !r.read).map(policyResource), settings, (rule) => level(rule) !== "disabled");
  const violations = found
    .filter((v) => !v.unknown)
    .map((v) => ({ ...v, enforcementLevel: level(v.rule) as "advisory" | "mandatory" }));
  return {
    violations,
    notJudged: found.filter((v) => v.unknown),
    failed: violations.some((v) => v.enforcementLevel === "mandatory"),
  };
}

/**
 * Reads a policy config document (`--policy-config`, the same JSON as `pulumi preview
 * --policy-pack-config`): per rule an enforcement level, or an object of settings with an optional
 * `enforcementLevel`. Throws with every problem named.
 */
export function parsePolicyConfig(text: string): PolicyConfig {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`);
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) throw new Error("must be a JSON object");
  const config: PolicyConfig = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(document as Record<string, unknown>)) {
    if (key === "all") {
      problems.push('"all" is not supported here: set each rule');
      continue;
    }
    if (!(RULE_NAMES as readonly string[]).includes(key)) {
      problems.push(`${key}: no such rule (rules: ${RULE_NAMES.join(", ")})`);
      continue;
    }
    const entry = typeof value === "string" ? { enforcementLevel: value } : value;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      problems.push(`${key}: must be an enforcement level or an object`);
      continue;
    }
    const levelValue = (entry as Record<string, unknown>).enforcementLevel;
    if (levelValue !== undefined && !["advisory", "mandatory", "disabled"].includes(levelValue as string))
      problems.push(`${key}.enforcementLevel: must be advisory, mandatory or disabled`);
    config[key as RuleName] = entry as Record<string, unknown>;
  }
  try {
    settingsFrom(config);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0) throw new Error(problems.join("; "));
  return config;
}

/**
 * The report as text: a line per violation (`<level> [<rule>] <type> <name>: <message>`), then a
 * line per check left unjudged.
 */
export function reportText(stack: string, report: PolicyReport): string {
  const mandatory = report.violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const head =
    report.violations.length === 0
      ? `Policy (homelab pack): stack ${stack} passes every rule.\n`
      : `Policy (homelab pack): stack ${stack}: ${mandatory} mandatory, ${report.violations.length - mandatory} advisory violation(s):\n`;
  return (
    head +
    report.violations
      .map((v) => `  ${v.enforcementLevel.padEnd(9)}  [${v.rule}]  ${v.type}  ${v.name}: ${v.message}\n`)
      .join("") +
    report.notJudged.map((v) => `  ${"unknown".padEnd(9)}  [${v.rule}]  ${v.type}  ${v.name}: ${v.message}\n`).join("")
  );
}

/** The report as a Markdown section. */
export function reportMarkdown(stack: string, report: PolicyReport): string {
  const title =
    report.violations.length === 0
      ? `### Policy: \`${stack}\` passes every rule`
      : `### Policy: \`${stack}\` — ${report.violations.length} violation(s)`;
  const rows = [
    ...report.violations.map((v) => [v.enforcementLevel, v] as const),
    ...report.notJudged.map((v) => ["unknown", v] as const),
  ];
  if (rows.length === 0) return `${title}\n`;
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    title,
    "",
    "| level | rule | type | name | message |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map(([level, v]) => `| ${level} | ${v.rule} | \`${v.type}\` | \`${cell(v.name)}\` | ${cell(v.message)} |`),
    "",
  ].join("\n");
}
