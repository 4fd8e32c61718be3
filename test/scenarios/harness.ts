import { join } from "node:path";
import { readStackFile, type StackConfig } from "../../cli/stack-file";
import { runStack, type StackRun } from "../../stacks";
import { engineDiff, type EngineDiff, type PlannedStack } from "../../testing/engine";
import { runUnderMocks, settle, type MockRun, type MockRunOptions, type RecordedResource } from "../../testing/mock-runtime";
import { plannedResource } from "../../testing/planned";
import { deepFreeze } from "../helpers/frozen";

/**
 * Day-2 scenarios: an example stack file, one operator change, and what `pulumi up` would do
 * with it — the engine-faithful diff of the two plans (testing/engine.ts) — plus the recorded
 * registrations, so the scripts those steps run can be run against stand-ins.
 */

const ROOT = join(__dirname, "..", "..");

/** A stack's config as objects: `homelab:cluster` → its value. */
export type Config = Record<string, any>;

/** One planned run of a stack. */
export interface Plan {
  readonly stack: string;
  readonly run: MockRun<StackRun>;
  /** The plan as `resources.json` holds it: what the engine diff reads. */
  readonly planned: PlannedStack;
  /** The stack outputs (plain values) and which are secret. */
  readonly outputs: Record<string, unknown>;
  readonly secretOutputs: readonly string[];
}

/** `name` → the one recorded resource of that name (and type, when given). */
export function resource(plan: Plan, name: string, type?: string): RecordedResource {
  const found = plan.run.resources.filter((r) => r.name === name && (type === undefined || r.type === type));
  if (found.length !== 1) throw new Error(`expected one resource ${name} in ${plan.stack}, found ${found.length}`);
  return found[0]!;
}

/**
 * The plans made in this test process, by everything that decides one: the stack, its config and
 * secret keys, and the plan whose outputs it read (a plan is a pure function of these; answers
 * given as functions are not compared, so those plans are made each time). The scenarios plan the
 * example stacks, and a few variants, many times over across their files, which share a worker's
 * modules (vitest.config.mts: isolate off): each is made once per worker. A plan handed out twice
 * is frozen, so a test that changed one would fail instead of changing another's.
 */
const plans = new Map<string, Promise<Plan>>();
/** A number for each plan object, for the key of a plan made `after` it. */
const ids = new WeakMap<Plan, number>();
let lastId = 0;

/** The example stack files, each read once per worker (a test never writes one). */
const stackFiles = new Map<string, StackConfig>();

/**
 * Plans `stack` with its example file (`Pulumi.<stack>.yaml`), after `edit` changed the config.
 * With `after`, the stack reads that run's outputs as its own last outputs (a second `pulumi up`).
 */
export async function plan(
  stack: string,
  edit: (config: Config) => void = () => undefined,
  options: { after?: Plan; answer?: MockRunOptions["answer"]; answerInvoke?: MockRunOptions["answerInvoke"] } = {},
): Promise<Plan> {
  const path = join(ROOT, `Pulumi.${stack.split("-")[0]}.yaml`);
  let file = stackFiles.get(path);
  if (!file) stackFiles.set(path, (file = readStackFile(path)));
  const config: Config = Object.fromEntries(Object.entries(file.values).map(([k, v]) => [k, parse(v)]));
  edit(config);
  const values = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  if (options.answer || options.answerInvoke) return planned(stack, values, file.secretKeys, options);
  if (options.after && !ids.has(options.after)) ids.set(options.after, ++lastId);
  const after = options.after && ids.get(options.after);
  const key = JSON.stringify([stack, values, file.secretKeys, after]);
  let made = plans.get(key);
  if (!made) plans.set(key, (made = planned(stack, values, file.secretKeys, options).then(frozen)));
  return made;
}

/** One plan of `stack` with these config values. */
async function planned(
  stack: string,
  values: Record<string, string>,
  secretKeys: readonly string[],
  options: { after?: Plan; answer?: MockRunOptions["answer"]; answerInvoke?: MockRunOptions["answerInvoke"] },
): Promise<Plan> {
  const run = await runUnderMocks(
    {
      stack,
      config: values,
      secretKeys,
      stackOutputs: (result: StackRun) => result.outputs,
      ...(options.after ? { previousOutputs: options.after.outputs, previousSecrets: options.after.secretOutputs } : {}),
      ...(options.answer ? { answer: options.answer } : {}),
      ...(options.answerInvoke ? { answerInvoke: options.answerInvoke } : {}),
    },
    () => runStack(stack),
  );
  const settled = Object.entries(run.result.outputs).map(async ([k, v]) => [k, await settle(v)] as const);
  const outputs = await Promise.all(settled);
  return {
    stack,
    run,
    planned: { stack, resources: run.resources.map(plannedResource), secretFingerprints: {} },
    outputs: Object.fromEntries(outputs.map(([k, s]) => [k, s.value])),
    secretOutputs: outputs.filter(([, s]) => s.secret).map(([k]) => k),
  };
}

/** `plan` with what tests read of it frozen: the recorded resources, the planned stack and the outputs. */
function frozen(plan: Plan): Plan {
  deepFreeze(plan.run.resources);
  deepFreeze(plan.planned);
  deepFreeze(plan.outputs);
  deepFreeze(plan.secretOutputs);
  return Object.freeze(plan);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The engine-faithful diff from `base` to `head`. */
export function diff(base: Plan, head: Plan): EngineDiff {
  return engineDiff(base.planned, head.planned);
}

/** A resource's label: its name, with its kind (`edge Server`) where two of a diff share the name. */
function labeller(d: EngineDiff): (r: { name: string; type: string }) => string {
  const names = new Map<string, Set<string>>();
  for (const r of [...d.steps, ...d.sequence]) names.set(r.name, (names.get(r.name) ?? new Set()).add(r.type));
  return (r) => (names.get(r.name)!.size > 1 ? `${r.name} ${r.type.split(":").at(-1)}` : r.name);
}

/** `name: op` for every resource the run touches (components left out), sorted by name. */
export function operations(d: EngineDiff): Record<string, string> {
  const label = labeller(d);
  return Object.fromEntries(
    d.steps
      .filter((s) => !s.component)
      .map((s) => [label(s), s.op === "replace" ? `replace (${s.replaceMode})` : s.blocked ? `${s.op} (blocked)` : s.op] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** The sequence as `action name [runs script]` lines. */
export function steps(d: EngineDiff): string[] {
  const label = labeller(d);
  return d.sequence.map(
    (s) =>
      `${s.action} ${label(s)}${s.runs && s.runs !== "nothing" ? ` runs ${s.runs}` : ""}${s.skipped ? ` [${s.skipped}]` : ""}`,
  );
}
