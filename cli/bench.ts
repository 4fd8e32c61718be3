import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { exampleStacks, PROJECT_ROOT } from "./plan";

/**
 * `npm run bench`: how long the offline plan takes, against the floor: a process that only loads
 * @pulumi/pulumi, measured in the same run. Every example stack is planned alone and all together
 * (`--all`), then the services stack with synthetic catalogs of 10, 100 and 1,000 services (a third
 * each forward auth, OIDC and public). Each plan runs in a fresh process the way `npm run plan` runs
 * it; a figure is the median of `--runs` (default 5) wall times, with the process's peak memory
 * (its maximum resident set). The runs go in rounds (the floor, then every plan once), so that a
 * slower spell of the machine weighs on every figure alike. Each ratio to the floor, and the
 * milliseconds per resource above the floor of the largest catalog, is printed beside its goal.
 *
 *   --runs N          runs per figure (default 5)
 *   --sizes 10,100    catalog sizes (default 10,100,1000; `--sizes ''` for none)
 *   --stacks a,b      stacks (default: every example stack, then all of them together)
 *   --write [FILE]    also regenerate the table between the bench markers of FILE (default
 *                     docs/performance.md)
 */

/** The goals (issue 20): a stack's plan within 1.5 times the floor, all six within twice, 1 ms a resource. */
export const GOALS = { stack: 1.5, all: 2.0, msPerResource: 1.0 } as const;
/** The catalog size the per-resource goal is about. */
const GOAL_SIZE = 1000;

export const BENCH_START = "<!-- bench:start -->";
export const BENCH_END = "<!-- bench:end -->";

const AUTH = ["forward", "oidc", "none"] as const;

/** A service file of the synthetic catalog. */
export function serviceText(i: number): string {
  const auth = AUTH[i % AUTH.length]!;
  const name = `svc${String(i).padStart(4, "0")}`;
  const lines = [`name: ${name}`, `hostname: ${name}.example.net`];
  lines.push(
    i % 2 === 0
      ? `upstream:\n  url: http://10.20.${Math.floor(i / 250)}.${(i % 250) + 1}:8080`
      : `upstream:\n  route: ${name}.lab.example.net`,
  );
  lines.push(`auth: ${auth}`);
  if (auth === "none") lines.push("public: true", "reason: synthetic");
  if (auth === "oidc") lines.push(`oidc:\n  redirectUris: [https://${name}.example.net/callback]`);
  if (i % 5 === 0) lines.push("middlewares:\n  rateLimit:\n    average: 10\n    burst: 20");
  return `${lines.join("\n")}\n`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One measured process: wall seconds and peak resident memory in bytes. */
interface Sample {
  seconds: number;
  maxRss: number;
}

/**
 * Runs node with `args` (in the project root) and measures it. The peak memory comes from GNU time
 * (`/usr/bin/time -f %M`) where it is installed, else from the process itself: a preloaded module
 * writes `process.resourceUsage().maxRSS` to a file as it exits.
 */
class Runner {
  private readonly gnuTime = existsSync("/usr/bin/time");
  private readonly rssFile: string;
  private readonly reporter: string;

  constructor(private readonly work: string) {
    this.rssFile = join(work, "maxrss");
    this.reporter = join(work, "maxrss.cjs");
    writeFileSync(
      this.reporter,
      `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(this.rssFile)}, String(process.resourceUsage().maxRSS * 1024)));\n`,
    );
  }

  run(args: readonly string[]): Sample {
    const command = this.gnuTime
      ? ["/usr/bin/time", ["-o", this.rssFile, "-f", "%M", process.execPath, ...args]]
      : [process.execPath, ["--require", this.reporter, ...args]];
    rmSync(this.rssFile, { force: true });
    const start = process.hrtime.bigint();
    const result = spawnSync(command[0] as string, command[1] as string[], {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "ignore", "pipe"],
      maxBuffer: 1 << 28,
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0)
      throw new Error(`node ${args.join(" ")} failed (${result.status ?? result.signal}): ${result.stderr.toString().trim()}`);
    const rss = Number(readFileSync(this.rssFile, "utf8").trim().split("\n").at(-1));
    return { seconds, maxRss: this.gnuTime ? rss * 1024 : rss };
  }
}

/** The median wall time and the largest peak memory of `samples`. */
export function summary(samples: readonly Sample[]): Sample {
  return { seconds: median(samples.map((s) => s.seconds)), maxRss: Math.max(...samples.map((s) => s.maxRss)) };
}

/** A measured plan: an example stack, all of them, or a synthetic catalog. */
export interface Row {
  kind: "stack" | "all" | "catalog";
  /** The stack, `--all`, or the catalog's size. */
  label: string;
  resources: number;
  seconds: number;
  maxRss: number;
}

export interface Results {
  runs: number;
  floor: Sample;
  rows: Row[];
}

/**
 * How `npm run plan` starts node (its flags and script), read from package.json's `plan` script so
 * the bench measures exactly what users run: `node --require ./cli/register.cjs cli/plan.ts`.
 */
export function planCommand(root: string = PROJECT_ROOT): string[] {
  const scripts = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts?: Record<string, string> }).scripts;
  const words = (scripts?.plan ?? "").trim().split(/\s+/);
  if (words[0] !== "node" || words.length < 2)
    throw new Error(`package.json's plan script is not \`node ...\`: "${scripts?.plan}"`);
  return words.slice(1);
}

const PLAN = planCommand();

/** How many resources a plan run with `args` registers (one uncounted run, in JSON). */
function resourceCount(args: readonly string[]): number {
  const json = execFileSync(process.execPath, [...PLAN, ...args, "--format", "json"], {
    cwd: PROJECT_ROOT,
    maxBuffer: 1 << 28,
    stdio: ["ignore", "pipe", "pipe"],
  }).toString();
  const parsed = JSON.parse(json) as { resources: unknown[] } | { resources: unknown[] }[];
  return (Array.isArray(parsed) ? parsed : [parsed]).reduce((n, plan) => n + plan.resources.length, 0);
}

/** What one figure measures: node's arguments, and the row it becomes. */
interface Target {
  readonly args: readonly string[];
  readonly row: Omit<Row, "seconds" | "maxRss">;
}

function measureAll(
  options: { runs: number; stacks: string[]; all: boolean; sizes: number[] },
  log: (line: string) => void,
): Results {
  const work = mkdtempSync(join(tmpdir(), "homelab-bench-"));
  try {
    const runner = new Runner(work);
    const targets: Target[] = [];
    for (const stack of options.stacks)
      targets.push({ args: [...PLAN, stack], row: { kind: "stack", label: stack, resources: resourceCount([stack]) } });
    if (options.all)
      targets.push({ args: [...PLAN, "--all"], row: { kind: "all", label: "--all", resources: resourceCount(["--all"]) } });
    const stackFile = readFileSync(join(PROJECT_ROOT, "Pulumi.services.yaml"), "utf8");
    for (const size of options.sizes) {
      const dir = join(work, `catalog-${size}`);
      mkdirSync(dir);
      for (let i = 0; i < size; i++) writeFileSync(join(dir, `svc${String(i).padStart(4, "0")}.yaml`), serviceText(i));
      const config = join(work, `Pulumi.services-${size}.yaml`);
      const withCatalog = stackFile.replace("labDomain: lab.example.net", `labDomain: lab.example.net\n    catalog: ${dir}`);
      if (withCatalog === stackFile)
        throw new Error("Pulumi.services.yaml has no `labDomain: lab.example.net` to add the catalog after");
      writeFileSync(config, withCatalog);
      const args = ["services", "--config", config];
      targets.push({ args: [...PLAN, ...args], row: { kind: "catalog", label: String(size), resources: resourceCount(args) } });
    }
    const { floorSamples, samples } = inRounds(
      options.runs,
      () => runner.run(["-e", "require('@pulumi/pulumi')"]),
      targets.map((target) => () => runner.run(target.args)),
      (round) => log(`round ${round} of ${options.runs}\n`),
    );
    const floor = summary(floorSamples);
    log(`floor (node + @pulumi/pulumi): ${floor.seconds.toFixed(2)} s, ${mb(floor.maxRss)}, median of ${options.runs}\n`);
    const rows = targets.map((target, i): Row => ({ ...target.row, ...summary(samples[i]!) }));
    for (const row of rows) log(`${line(row, floor.seconds)}\n`);
    return { runs: options.runs, floor, rows };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * `runs` rounds, each measuring the floor and then every target once, so a slower spell of a shared
 * machine falls on all of them alike instead of on whichever plan it meets; each one's samples.
 */
export function inRounds(
  runs: number,
  floor: () => Sample,
  targets: readonly (() => Sample)[],
  roundDone: (round: number) => void = () => undefined,
): { floorSamples: Sample[]; samples: Sample[][] } {
  const floorSamples: Sample[] = [];
  const samples: Sample[][] = targets.map(() => []);
  for (let round = 1; round <= runs; round++) {
    floorSamples.push(floor());
    targets.forEach((measure, i) => samples[i]!.push(measure()));
    roundDone(round);
  }
  return { floorSamples, samples };
}

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;
const group = (n: number) => n.toLocaleString("en-US");

/** Milliseconds per resource above the floor. */
export function perResource(row: Row, floor: number): number {
  return ((row.seconds - floor) * 1000) / row.resources;
}

/** The row's goal and whether it is met: `1.62x (goal <= 1.5x: over)`. */
export function verdict(row: Row, floor: number): { figure: string; goal: string; met: boolean } | undefined {
  if (row.kind === "catalog") {
    if (Number(row.label) !== GOAL_SIZE) return undefined;
    const ms = perResource(row, floor);
    return {
      figure: `${ms.toFixed(2)} ms`,
      goal: `≤ ${GOALS.msPerResource.toFixed(1)} ms per resource`,
      met: ms <= GOALS.msPerResource,
    };
  }
  const ratio = row.seconds / floor;
  const goal = row.kind === "all" ? GOALS.all : GOALS.stack;
  return { figure: `${ratio.toFixed(2)}×`, goal: `≤ ${goal.toFixed(1)}×`, met: ratio <= goal };
}

function line(row: Row, floor: number): string {
  const name = row.kind === "catalog" ? `services, ${group(Number(row.label))}-service catalog` : row.label;
  const v = verdict(row, floor);
  const figures = [
    `${row.seconds.toFixed(2)} s`,
    `${(row.seconds / floor).toFixed(2)}x floor`,
    ...(row.kind === "catalog" ? [`${perResource(row, floor).toFixed(2)} ms/resource above floor`] : []),
    `peak ${mb(row.maxRss)}`,
    `${group(row.resources)} resources`,
  ];
  const goal = v ? `  goal ${v.goal.replace("≤", "<=").replace("×", "x")}: ${v.met ? "met" : "NOT MET"}` : "";
  return `${name.padEnd(36)} ${figures.join(", ")}${goal}`;
}

/** A Markdown table in Prettier's layout (columns padded to their widest cell), `align` per column. */
export function markdownTable(header: string[], align: ("left" | "right")[], rows: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(
      3,
      [h, ...rows.map((r) => r[i]!)].reduce((w, c) => Math.max(w, [...c].length), 0),
    ),
  );
  const pad = (cell: string, i: number) => {
    const fill = " ".repeat(widths[i]! - [...cell].length);
    return align[i] === "right" ? fill + cell : cell + fill;
  };
  const rule = widths.map((w, i) => (align[i] === "right" ? `${"-".repeat(w - 1)}:` : "-".repeat(w)));
  return [header.map(pad), rule, ...rows.map((r) => r.map(pad))].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

/** What goes between the bench markers: the floor, the stacks' table and the catalogs' table. */
export function benchMarkdown(results: Results, machine: string): string {
  const floor = results.floor.seconds;
  const goalCell = (row: Row) => {
    const v = verdict(row, floor);
    return v ? `${v.goal}: ${v.met ? "met" : "not met"}` : "";
  };
  const stacks = results.rows.filter((r) => r.kind !== "catalog");
  const catalogs = results.rows.filter((r) => r.kind === "catalog");
  const parts = [
    `Floor (a process that only loads @pulumi/pulumi): ${floor.toFixed(2)} s, ${mb(results.floor.maxRss)}. ` +
      `Medians of ${results.runs} runs on ${machine}; peak memory is the largest of a plan's runs.`,
  ];
  if (stacks.length > 0)
    parts.push(
      markdownTable(
        ["plan", "resources", "time", "× floor", "goal", "peak memory"],
        ["left", "right", "right", "right", "left", "right"],
        stacks.map((r) => [
          r.kind === "all" ? "`--all`" : `\`${r.label}\``,
          group(r.resources),
          `${r.seconds.toFixed(2)} s`,
          `${(r.seconds / floor).toFixed(2)}×`,
          goalCell(r),
          mb(r.maxRss),
        ]),
      ),
    );
  if (catalogs.length > 0)
    parts.push(
      markdownTable(
        ["services", "resources", "time", "× floor", "per resource above the floor", "goal", "peak memory"],
        ["right", "right", "right", "right", "right", "left", "right"],
        catalogs.map((r) => [
          group(Number(r.label)),
          group(r.resources),
          `${r.seconds.toFixed(2)} s`,
          `${(r.seconds / floor).toFixed(2)}×`,
          `${perResource(r, floor).toFixed(2)} ms`,
          goalCell(r),
          mb(r.maxRss),
        ]),
      ),
    );
  return parts.join("\n\n");
}

/** `text` with what lies between its bench markers replaced by `table`. */
export function replaceBenchTable(text: string, table: string, file = "the file"): string {
  const start = text.indexOf(BENCH_START);
  const end = text.indexOf(BENCH_END);
  if (start < 0 || end < 0 || end < start)
    throw new Error(`${file} has no ${BENCH_START} ... ${BENCH_END} markers to write the table between`);
  if (text.indexOf(BENCH_START, start + 1) >= 0 || text.indexOf(BENCH_END, end + 1) >= 0)
    throw new Error(`${file} has more than one pair of bench markers`);
  return `${text.slice(0, start + BENCH_START.length)}\n\n${table}\n\n${text.slice(end)}`;
}

const USAGE = `Usage: npm run bench -- [--runs N] [--sizes 10,100,1000] [--stacks talos,...] [--no-all] [--write [FILE]]`;

export function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        runs: { type: "string", default: "5" },
        sizes: { type: "string", default: "10,100,1000" },
        stacks: { type: "string" },
        "no-all": { type: "boolean" },
        write: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
    });
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const runs = Number(values.runs);
  const sizes = values.sizes === "" ? [] : values.sizes.split(",").map(Number);
  const known = exampleStacks();
  const stacks = values.stacks === undefined ? known : values.stacks === "" ? [] : values.stacks.split(",");
  const problems = [
    ...(Number.isInteger(runs) && runs > 0 ? [] : [`--runs must be a positive whole number, got "${values.runs}"`]),
    ...sizes.filter((s) => !Number.isInteger(s) || s <= 0).map((s) => `--sizes: ${s} is not a positive whole number`),
    ...stacks.filter((s) => !known.includes(s)).map((s) => `--stacks: ${s} is not an example stack (${known.join(", ")})`),
    ...(positionals.length > 1 || (positionals.length === 1 && !values.write) ? [`unexpected ${positionals.join(" ")}`] : []),
  ];
  if (problems.length > 0) {
    process.stderr.write(`${problems.map((p) => `bench: ${p}\n`).join("")}${USAGE}\n`);
    return 2;
  }
  // --write [FILE]: the file may follow the flag.
  const target = values.write ? resolve(positionals[0] ?? join(PROJECT_ROOT, "docs", "performance.md")) : undefined;
  if (target !== undefined) replaceBenchTable(readFileSync(target, "utf8"), "", target); // markers checked before measuring

  const results = measureAll({ runs, stacks, all: !values["no-all"], sizes }, (text) => process.stdout.write(text));
  const missed = results.rows.filter((r) => verdict(r, results.floor.seconds)?.met === false);
  process.stdout.write(
    missed.length === 0 ? "\nevery goal met\n" : `\ngoals not met: ${missed.map((r) => r.label).join(", ")}\n`,
  );
  if (target !== undefined) {
    const machine = `${(process.env.BENCH_MACHINE ?? `${cpus().length} cores`).trim()}, Node ${process.versions.node}`;
    writeFileSync(target, replaceBenchTable(readFileSync(target, "utf8"), benchMarkdown(results, machine), target));
    process.stdout.write(`wrote the table in ${target}\n`);
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
