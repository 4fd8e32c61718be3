import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../config/loader";
import { PROJECT_ROOT } from "../config/root";
import { programFor, programs, runStack, UnknownStackError, type StackRun } from "../stacks";
import { runUnderMocks, settle, type Settled } from "../testing/mock-runtime";
import { engineDiff, MASK, UNKNOWN, type EngineDiff, type PlannedStack } from "../testing/engine";
import { diffMarkdown, diffText } from "./diff";
import { graphMermaid, planJson, planMarkdown, planText, resourcesJson, type StackPlan } from "./render";
import { readStackFile, StackFileError } from "./stack-file";
import { checkRecorded, parsePolicyConfig, reportMarkdown, reportText } from "../policy/recorded";
import type { PolicyConfig } from "../policy/rules";

/**
 * The offline plan: runs a stack's real program under Pulumi's mocks in preview mode, with the
 * stack's config file, and prints what `pulumi preview` would create. No Pulumi CLI, credentials
 * or network needed. docs/plan.md lists the placeholders it answers provider calls with.
 */

const USAGE = `Usage: npm run plan -- <stack>... | --all [options]

  <stack>            a stack name: <program> or <program>-<env> (programs: ${Object.keys(programs).join(", ")})
  --all              every stack with a Pulumi.<stack>.yaml in the project
  --config FILE      config in Pulumi.<stack>.yaml format (one stack only; default Pulumi.<stack>.yaml)
  --out DIR          write resources.json, graph.mmd and artifacts/ (per stack in DIR/<stack>/ with several)
  --format FORMAT    text (default), json or markdown
  --diff BASE_DIR    print what changed against a plan written earlier with --out (per stack:
                     resources created, updated with the changed input paths, deleted)
  --policy           also check the plan against the policy pack's rules (policy/, docs/policy.md)
  --policy-config FILE
                     the rules' settings (JSON, as pulumi preview --policy-pack-config takes them)

Exit status: 0 planned, 2 bad usage or config (nothing planned), 1 the program failed or
a mandatory policy was violated.`;

export { PROJECT_ROOT };

const FORMATS = ["text", "json", "markdown"] as const;
type Format = (typeof FORMATS)[number];

export interface PlanIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Directory `--config` and `--out` paths are relative to. */
  cwd: string;
}

const processIo: PlanIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

class UsageError extends Error {}

/** Stack names that have a `Pulumi.<stack>.yaml` in the project and select a program. */
export function exampleStacks(root: string = PROJECT_ROOT): string[] {
  return readdirSync(root)
    .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
    .filter((stack): stack is string => {
      if (stack === undefined) return false;
      try {
        programFor(stack);
        return true;
      } catch {
        return false;
      }
    })
    .sort();
}

/**
 * Plans one stack. Throws UnknownStackError or StackFileError before running anything, and the
 * program's ConfigError before it creates any resource.
 */
export async function planStack(
  stack: string,
  configFile?: string,
  previousOutputs?: Readonly<Record<string, unknown>>,
): Promise<StackPlan> {
  programFor(stack); // an unknown stack fails as such, not as a missing Pulumi.<stack>.yaml
  const stackConfig = readStackFile(configFile ?? join(PROJECT_ROOT, `Pulumi.${stack}.yaml`));
  // No stack frames while the program runs (runUnderMocks): the plan reports errors by message.
  const run = await runUnderMocks(
    {
      stack,
      config: stackConfig.values,
      secretKeys: stackConfig.secretKeys,
      stackOutputs: (result: StackRun) => result.outputs,
      ...(previousOutputs ? { previousOutputs } : {}),
    },
    () => runStack(stack),
  );
  const settleAll = async (record: Record<string, unknown>): Promise<Record<string, Settled>> =>
    Object.fromEntries(await Promise.all(Object.entries(record).map(async ([k, v]) => [k, await settle(v)] as const)));
  return {
    stack,
    program: run.result.program,
    resources: run.resources,
    invokes: run.invokes,
    outputs: await settleAll(run.result.outputs),
    artifacts: await settleAll(run.result.artifacts),
    warnings: run.result.warnings,
    secretFingerprints: stackConfig.secretFingerprints,
  };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Writes `resources.json`, `graph.mmd` and `artifacts/` (replaced as a whole) into `dir`. */
export function writePlan(plan: StackPlan, dir: string): string[] {
  const notes: string[] = [];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "resources.json"), json(resourcesJson(plan)));
  writeFileSync(join(dir, "graph.mmd"), graphMermaid(plan));
  const artifactsDir = join(dir, "artifacts");
  rmSync(artifactsDir, { recursive: true, force: true });
  mkdirSync(artifactsDir);
  for (const name of Object.keys(plan.artifacts).sort()) {
    const artifact = plan.artifacts[name]!;
    if (artifact.secret) notes.push(`${name} not written: it holds a secret`);
    else if (!artifact.known || typeof artifact.value !== "string") notes.push(`${name} not written: unknown until apply`);
    else writeFileSync(join(artifactsDir, name), artifact.value);
  }
  return notes;
}

/** The outputs a base plan knows (not secret, not unknown), or undefined without a base. */
function knownOutputs(base: PlannedStack | undefined): Record<string, unknown> | undefined {
  if (!base?.outputs) return undefined;
  return Object.fromEntries(
    Object.entries(base.outputs).filter(([, v]) => !JSON.stringify(v).includes(MASK) && !JSON.stringify(v).includes(UNKNOWN)),
  );
}

/**
 * The earlier plan of `stack` under `dir` (as `--out` wrote it: `dir/<stack>/resources.json` with
 * several stacks, `dir/resources.json` with one), or `undefined` when it has none.
 */
export function readBasePlan(dir: string, stack: string): PlannedStack | undefined {
  if (!existsSync(dir)) throw new Error(`${dir} does not exist`);
  for (const file of [join(dir, stack, "resources.json"), join(dir, "resources.json")]) {
    if (!existsSync(file)) continue;
    let base: PlannedStack;
    try {
      base = JSON.parse(readFileSync(file, "utf8")) as PlannedStack;
    } catch (error) {
      throw new Error(`${file} is not a plan's resources.json (${(error as Error).message})`);
    }
    if (!Array.isArray(base.resources)) throw new Error(`${file} is not a plan's resources.json (no resources)`);
    if (base.stack === stack) return base;
  }
  return undefined;
}

function render(plans: StackPlan[], format: Format): string {
  switch (format) {
    case "json":
      return json(plans.length === 1 ? planJson(plans[0]!) : plans.map(planJson));
    case "markdown":
      return plans.map(planMarkdown).join("\n");
    default:
      return plans.map(planText).join("\n");
  }
}

interface Options {
  stacks: string[];
  config?: string;
  out?: string;
  format: Format;
  diff?: string;
  /** Check the plans against the policy rules (`--policy`), with this config file (`--policy-config`). */
  policy?: { configFile?: string };
}

function parse(argv: string[]): Options {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        all: { type: "boolean" },
        config: { type: "string" },
        out: { type: "string" },
        format: { type: "string", default: "text" },
        diff: { type: "string" },
        policy: { type: "boolean" },
        "policy-config": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) throw new UsageError("");
  const format = values.format as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${values.format}"`);
  if (values.all && positionals.length > 0) throw new UsageError("give stack names or --all, not both");
  const stacks = values.all ? exampleStacks() : positionals;
  if (stacks.length === 0)
    throw new UsageError(values.all ? "no Pulumi.<stack>.yaml selects a program" : "name a stack, or --all");
  if (values.config !== undefined && (values.all || stacks.length !== 1))
    throw new UsageError("--config applies to exactly one named stack");
  if (values["policy-config"] !== undefined && !values.policy) throw new UsageError("--policy-config needs --policy");
  const policy = values.policy ? { configFile: values["policy-config"] } : undefined;
  return { stacks, config: values.config, out: values.out, format, diff: values.diff, policy };
}

/** Runs the CLI; resolves to the exit status. */
export async function main(argv: string[], io: PlanIo = processIo): Promise<number> {
  let options;
  try {
    options = parse(argv);
  } catch (error) {
    const message = (error as Error).message;
    io.stderr(message ? `plan: ${message}\n\n${USAGE}\n` : `${USAGE}\n`);
    return message ? 2 : 0;
  }

  let policyConfig: PolicyConfig = {};
  if (options.policy?.configFile !== undefined) {
    const file = resolve(io.cwd, options.policy.configFile);
    try {
      policyConfig = parsePolicyConfig(readFileSync(file, "utf8"));
    } catch (error) {
      io.stderr(`plan: --policy-config ${file}: ${(error as Error).message}\nNothing was planned.\n`);
      return 2;
    }
  }

  // With --diff, each stack is planned as the run after its base: a program that reads its own
  // last outputs reads the base plan's (those it knows: secrets and unknowns are left out).
  const bases = new Map<string, PlannedStack | undefined>();
  if (options.diff !== undefined) {
    try {
      for (const stack of options.stacks) bases.set(stack, readBasePlan(resolve(io.cwd, options.diff), stack));
    } catch (error) {
      io.stderr(`plan: --diff: ${(error as Error).message}\n`);
      return 2;
    }
  }
  const plans: StackPlan[] = [];
  for (const stack of options.stacks) {
    try {
      plans.push(await planStack(stack, options.config && resolve(io.cwd, options.config), knownOutputs(bases.get(stack))));
    } catch (error) {
      if (error instanceof ConfigError || error instanceof UnknownStackError || error instanceof StackFileError) {
        io.stderr(`plan: ${error.message}\nNothing was planned.\n`);
        return 2;
      }
      io.stderr(`plan: stack ${stack} failed: ${(error as Error).message}\n`);
      return 1;
    }
  }

  if (options.diff !== undefined) {
    const diffs: EngineDiff[] = plans.map((plan) => engineDiff(bases.get(plan.stack), resourcesJson(plan)));
    io.stdout(
      options.format === "json" ? json(diffs) : diffs.map(options.format === "markdown" ? diffMarkdown : diffText).join("\n"),
    );
  } else {
    io.stdout(render(plans, options.format));
  }
  // The text report lists warnings itself; other formats go to files and comments, so say them here too.
  if (options.format !== "text")
    for (const plan of plans) for (const warning of plan.warnings) io.stderr(`warning: ${warning}\n`);
  if (options.out !== undefined) {
    const out = resolve(io.cwd, options.out);
    for (const plan of plans) {
      const dir = plans.length === 1 ? out : join(out, plan.stack);
      try {
        for (const note of writePlan(plan, dir)) io.stderr(`note: ${note}\n`);
      } catch (error) {
        io.stderr(`plan: cannot write ${dir}: ${(error as Error).message}\n`);
        return 2;
      }
      io.stderr(`wrote ${dir}\n`);
    }
  }
  if (options.policy !== undefined) {
    // The same rules the policy pack runs, over what each program registered (policy/recorded.ts).
    // Text and Markdown reports follow the plan; with JSON on stdout the report goes to stderr.
    let failed = false;
    for (const plan of plans) {
      const report = checkRecorded(plan.resources, policyConfig);
      failed ||= report.failed;
      if (options.format === "json") io.stderr(reportText(plan.stack, report));
      else io.stdout(`\n${options.format === "markdown" ? reportMarkdown(plan.stack, report) : reportText(plan.stack, report)}`);
    }
    if (failed) return 1;
  }
  return 0;
}

if (require.main === module) {
  // Pulumi's runtime captures a stack trace for every promise it makes (to name leaked ones) and
  // every resource it registers; mapping each through tsx's source maps cost a sixth of a plan's
  // run time (npm run bench), and the plan reports errors by message only. (runUnderMocks keeps
  // no frames at all while a program runs.)
  process.setSourceMapsEnabled(false);
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
