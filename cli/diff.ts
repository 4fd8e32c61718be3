import { UNKNOWN, type EngineDiff, type ResourceStep, type SequenceStep } from "../testing/engine";

/**
 * The plan diff as `npm run plan -- --diff BASE_DIR` shows it: the engine-faithful diff
 * (testing/engine.ts) of this plan against one written earlier with `--out` — create, update,
 * replace (which goes first), delete, blocked, retained, with the reason for each replacement and,
 * for commands, which script runs in which order. Secrets are compared by fingerprint, never shown.
 */

/**
 * A multi-line text change as the lines it removes and adds, after their common first and last
 * lines: `line 31: + "Port 22" + "Port 2222"` (at most three of each shown).
 */
function textChange(before: string, after: string): string | undefined {
  const [b, a] = [before.split("\n"), after.split("\n")];
  if (b.length < 3 && a.length < 3) return undefined;
  let start = 0;
  while (start < b.length && start < a.length && b[start] === a[start]) start++;
  let end = 0;
  while (end < b.length - start && end < a.length - start && b[b.length - 1 - end] === a[a.length - 1 - end]) end++;
  const lines = (list: string[], sign: string) => {
    const shown = list.slice(0, 3).map((l) => `${sign} ${shownValue(l)}`);
    return list.length > 3 ? [...shown, `${sign} ... (${list.length - 3} more)`] : shown;
  };
  const removed = lines(b.slice(start, b.length - end), "-");
  const added = lines(a.slice(start, a.length - end), "+");
  return `line ${start + 1}: ${[...removed, ...added].join(" ")}`;
}

/** A value as a diff line shows it: JSON, a long one cut in the middle (the ends tell versions and hashes apart). */
function shownValue(value: unknown): string {
  if (value === undefined) return "(absent)";
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 80 ? `${text.slice(0, 38)}...${text.slice(-39)}` : text;
}

/** `pulumi preview`'s symbol for a step. */
function symbol(step: ResourceStep): string {
  switch (step.op) {
    case "create":
      return "+";
    case "import":
      return "=";
    case "update":
      return "~";
    case "replace":
      return step.replaceMode === "delete-before-replace" ? "-+" : "+-";
    case "delete":
      return "-";
    default:
      return " ";
  }
}

/** What the step is, in words, after the name. */
function described(step: ResourceStep): string {
  const parts: string[] = [];
  if (step.previousUrn) parts.push(`was ${step.previousUrn.slice(step.previousUrn.lastIndexOf("::") + 2)}`);
  if (step.op === "replace")
    parts.push(step.replaceMode === "delete-before-replace" ? "replace, delete first" : "replace, create first");
  if (step.op === "delete" && step.retained) parts.push("retained: removed from the state, left in place");
  if (step.op === "delete" && step.deletedWith) parts.push(`deleted with ${step.deletedWith}: no delete call`);
  if (step.stateOnly) parts.push("state only");
  if (step.scripts && step.scripts.length > 0) {
    parts.push(`runs ${step.scripts.map((s) => (s.inputs === "old" ? "old delete" : s.script)).join(", then ")}`);
  } else if (step.scripts) parts.push("runs no script");
  if (step.blocked) parts.unshift("BLOCKED");
  return parts.length > 0 ? `  (${parts.join("; ")})` : "";
}

function stepLines(step: ResourceStep): string[] {
  const lines = [`  ${symbol(step).padEnd(2)} ${step.type}  ${step.name}${described(step)}`];
  if (step.blocked) lines.push(`      ✗ ${step.blocked}`);
  for (const reason of step.reasons) lines.push(`      because ${reason}`);
  if (step.stateful) lines.push(`      ! ${step.op === "replace" ? "the old one is deleted" : "deletes"}: ${step.stateful}`);
  for (const note of step.notes) lines.push(`      ! ${note}`);
  for (const c of step.changes) {
    const value =
      c.kind === "secret"
        ? "[secret] changed"
        : c.kind === "unknown"
          ? `${c.before === UNKNOWN ? "[unknown]" : shownValue(c.before)} => [unknown until apply]`
          : ((typeof c.before === "string" && typeof c.after === "string" ? textChange(c.before, c.after) : undefined) ??
            `${shownValue(c.before)} => ${shownValue(c.after)}`);
    lines.push(`      ~ ${c.path}: ${value}`);
  }
  if (step.ignored.length > 0) lines.push(`      (ignoreChanges keeps: ${step.ignored.join(", ")})`);
  return lines;
}

const ACTION: Record<SequenceStep["action"], string> = {
  create: "create",
  import: "import",
  update: "update",
  "create-replacement": "create replacement",
  "delete-replaced": "delete old",
  delete: "delete",
};

function sequenceLine(s: SequenceStep, width: number): string {
  const runs = s.runs ? (s.runs === "nothing" ? "  runs nothing" : `  runs ${s.runs}`) : "";
  const skipped = s.skipped ? `  [${s.skipped === "blocked" ? "refused: the run fails" : s.skipped}]` : "";
  return `  ${String(s.order).padStart(3)}. ${ACTION[s.action].padEnd(18)} ${s.name.padEnd(width)}${runs}${skipped}`.trimEnd();
}

/** The counts line. */
function summary(diff: EngineDiff): string {
  const { create, update, replace, delete: deleted, same } = diff.counts;
  const counts = `${create} to create, ${update} to update, ${replace} to replace, ${deleted} to delete, ${same} unchanged`;
  const fails = diff.failures.length > 0 ? " — `pulumi up` FAILS" : "";
  return `Stack ${diff.stack}${diff.newStack ? " (no earlier plan: every resource is new)" : ""}: ${counts}${fails}`;
}

/** The diff as text: failures, what needs attention (replacements, blocked steps, deletes), other changes, then the order. */
export function diffText(diff: EngineDiff): string {
  const lines = [summary(diff)];
  if (diff.failures.length > 0) {
    lines.push("`pulumi up` fails:");
    for (const f of diff.failures) lines.push(`  ✗ ${f}`);
  }
  const steps = diff.steps.filter((s) => !s.component);
  const attention = steps.filter((s) => s.blocked || s.op === "replace" || s.op === "delete");
  const other = steps.filter((s) => !attention.includes(s));
  if (attention.length > 0) {
    lines.push("Replacements, deletes and blocked steps:");
    for (const s of attention) lines.push(...stepLines(s));
  }
  if (other.length > 0) {
    lines.push(attention.length > 0 ? "Other changes:" : "Changes:");
    for (const s of other) lines.push(...stepLines(s));
  }
  for (const path of diff.secretConfig) lines.push(`  ~ config ${path}: [secret] changed`);
  if (steps.length + diff.secretConfig.length === 0) lines.push("  no changes");
  if (diff.sequence.length > 0 && !diff.newStack) {
    lines.push("In the order `pulumi up` runs them:");
    const width = Math.max(...diff.sequence.map((s) => s.name.length));
    for (const s of diff.sequence) lines.push(sequenceLine(s, width));
  }
  return `${lines.join("\n")}\n`;
}

/** The diff for a pull-request comment: the summary and failures up front, the details in a diff block. */
export function diffMarkdown(diff: EngineDiff): string {
  const text = diffText(diff).trimEnd().split("\n");
  const lines = [`### Plan diff: \`${diff.stack}\``, "", `**${summary(diff).replace(/^Stack \S+: /, "")}**`, ""];
  if (diff.failures.length > 0) {
    for (const f of diff.failures) lines.push(`- ❌ ${f.replace(/\|/g, "\\|")}`);
    lines.push("");
  }
  lines.push("```diff", ...text.slice(1), "```", "");
  return lines.join("\n");
}
