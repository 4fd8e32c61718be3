import { MASK, UNKNOWN } from "../testing/engine";
import type { RecordedInvoke, RecordedResource, Settled } from "../testing/mock-runtime";
import { mask, plannedResource } from "../testing/planned";

/** Everything one stack's plan found. */
export interface StackPlan {
  readonly stack: string;
  readonly program: string;
  readonly resources: readonly RecordedResource[];
  readonly invokes: readonly RecordedInvoke[];
  readonly outputs: Readonly<Record<string, Settled>>;
  readonly artifacts: Readonly<Record<string, Settled>>;
  readonly warnings: readonly string[];
  /** Fingerprints of the stack file's encrypted values, by config path (see cli/stack-file). */
  readonly secretFingerprints: Readonly<Record<string, string>>;
}

/** A settled output as the plan shows it. */
export function shown(settled: Settled): unknown {
  if (settled.secret) return MASK;
  if (!settled.known) return UNKNOWN;
  return mask(settled.value);
}

const byUrn = (a: { urn: string }, b: { urn: string }) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0);

/** Resources in a stable order: by URN. */
function sortedResources(plan: StackPlan): RecordedResource[] {
  return [...plan.resources].sort(byUrn);
}

function sortedInvokes(plan: StackPlan): { token: string; args: unknown }[] {
  return plan.invokes
    .map((i) => ({ token: i.token, args: mask(i.args) }))
    .map((i) => ({ ...i, key: `${i.token} ${JSON.stringify(i.args)}` }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ key: _key, ...i }) => i);
}

/** Resource type → how many, most first, then by name. */
export function countsByType(plan: StackPlan): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of plan.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

/** `resources.json` of `--out`: every resource with every option the engine received (what `--diff` and the upstream schema check read). */
export function resourcesJson(plan: StackPlan) {
  return {
    stack: plan.stack,
    program: plan.program,
    resources: sortedResources(plan).map(plannedResource),
    invokes: sortedInvokes(plan),
    // What a later plan of this stack reads as its last outputs (plan --diff).
    outputs: Object.fromEntries(
      Object.keys(plan.outputs)
        .sort()
        .map((k) => [k, shown(plan.outputs[k]!)]),
    ),
    secretFingerprints: Object.fromEntries(Object.entries(plan.secretFingerprints).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

/** The plan as one JSON document (`--format json`): `resources.json` plus counts, outputs and warnings. */
export function planJson(plan: StackPlan): unknown {
  return {
    ...resourcesJson(plan),
    counts: Object.fromEntries(countsByType(plan)),
    warnings: plan.warnings,
  };
}

function children(plan: StackPlan): Map<string | undefined, RecordedResource[]> {
  const map = new Map<string | undefined, RecordedResource[]>();
  for (const r of sortedResources(plan)) {
    const list = map.get(r.parent) ?? [];
    list.push(r);
    map.set(r.parent, list);
  }
  for (const list of map.values()) list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : byUrn(a, b)));
  return map;
}

/** What the engine does with a resource: create it, read it (a StackReference), or import it. */
type Op = "create" | "read" | "import";
const opOf = (r: RecordedResource): Op => (r.read ? "read" : r.importId ? "import" : "create");
/** `pulumi preview`'s symbol and trailing word for each. */
const OP_SYMBOL: Record<Op, string> = { create: "+", read: ">", import: "=" };
const opSuffix = (op: Op) => (op === "create" ? "" : `  ${op}`);

/** The resource tree as `pulumi preview` draws it: `[prefix, type, name, op]` rows. */
function treeRows(plan: StackPlan): [string, string, string, Op][] {
  const tree = children(plan);
  const rows: [string, string, string, Op][] = [];
  const walk = (parent: string | undefined, indent: string, root: boolean) => {
    const list = tree.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      const branch = root ? "" : last ? "└─ " : "├─ ";
      rows.push([indent + branch, r.type, r.name, opOf(r)]);
      walk(r.urn, root ? indent : indent + (last ? "   " : "│  "), false);
    });
  };
  walk(undefined, "", true);
  return rows;
}

function outputLines(plan: StackPlan, indent: string): string[] {
  const keys = Object.keys(plan.outputs).sort();
  const width = Math.max(0, ...keys.map((k) => k.length));
  return keys.map((k) => {
    const text = JSON.stringify(shown(plan.outputs[k]!), null, 2).replace(/\n/g, `\n${indent}${" ".repeat(width + 3)}`);
    return `${indent}${k.padEnd(width)} : ${text}`;
  });
}

/** The plan as `pulumi preview` would print it (`--format text`). */
export function planText(plan: StackPlan): string {
  const rows = treeRows(plan);
  const typeWidth = Math.max(4, ...rows.map(([prefix, type]) => prefix.length + type.length));
  const lines = [
    `Previewing stack ${plan.stack} (program ${plan.program}) offline, under Pulumi mocks: nothing is applied.`,
    "",
    `     ${"Type".padEnd(typeWidth)}  Name`,
    ...rows.map(([prefix, type, name, op]) => ` ${OP_SYMBOL[op]}   ${(prefix + type).padEnd(typeWidth)}  ${name}${opSuffix(op)}`),
    "",
    "Outputs:",
    ...outputLines(plan, "    "),
    "",
    "Resources:",
    ...changeCounts(plan).map((line) => `    ${line}`),
    "",
    "By type:",
    ...countsByType(plan).map(([type, n]) => `    ${String(n).padStart(3)}  ${type}`),
  ];
  if (plan.warnings.length > 0) lines.push("", "Warnings:", ...plan.warnings.map((w) => `    ${w}`));
  return `${lines.join("\n")}\n`;
}

/** `+ 28 to create`, and `> 1 to read` / `= 2 to import` when the program reads or imports. */
function changeCounts(plan: StackPlan): string[] {
  const count = (op: Op) => plan.resources.filter((r) => opOf(r) === op).length;
  const [reads, imports] = [count("read"), count("import")];
  return [
    `+ ${count("create")} to create`,
    ...(imports > 0 ? [`= ${imports} to import`] : []),
    ...(reads > 0 ? [`> ${reads} to read`] : []),
  ];
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/** The plan for a pull-request comment (`--format markdown`). */
export function planMarkdown(plan: StackPlan): string {
  const lines = [
    `### Offline plan: \`${plan.stack}\` (program \`${plan.program}\`)`,
    "",
    `**${changeCounts(plan).join(", ")}.** Run under Pulumi mocks in preview mode; secrets masked, provider answers are placeholders.`,
    "",
    "| Type | Count |",
    "| --- | ---: |",
    ...countsByType(plan).map(([type, n]) => `| \`${cell(type)}\` | ${n} |`),
    "",
    "<details><summary>Resources</summary>",
    "",
    "```",
    ...treeRows(plan).map(([prefix, type, name, op]) => `${prefix}${type}  ${name}${op === "create" ? "" : `  (${op})`}`),
    "```",
    "",
    "</details>",
    "",
    "**Outputs**",
    "",
    "| Output | Value |",
    "| --- | --- |",
    ...Object.keys(plan.outputs)
      .sort()
      .map((k) => `| \`${k}\` | \`${cell(JSON.stringify(shown(plan.outputs[k]!)))}\` |`),
  ];
  if (plan.warnings.length > 0) lines.push("", "**Warnings**", "", ...plan.warnings.map((w) => `- ${w}`));
  return `${lines.join("\n")}\n`;
}

/** `graph.mmd`: resources as nodes; dotted arrows from parent to child, solid ones from a dependency to its dependent. */
export function graphMermaid(plan: StackPlan): string {
  const resources = sortedResources(plan);
  const ids = new Map(resources.map((r, i) => [r.urn, `r${i}`]));
  const label = (r: RecordedResource) => `${r.name}<br/><small>${r.type}</small>`.replace(/"/g, "#quot;");
  const lines = ["flowchart LR", ...resources.map((r) => `  ${ids.get(r.urn)}["${label(r)}"]`)];
  for (const r of resources) {
    if (r.parent && ids.has(r.parent)) lines.push(`  ${ids.get(r.parent)} -.-> ${ids.get(r.urn)}`);
  }
  for (const r of resources) {
    for (const dependency of [...new Set(r.dependencies)].sort()) {
      if (ids.has(dependency) && dependency !== r.parent) lines.push(`  ${ids.get(dependency)} --> ${ids.get(r.urn)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
