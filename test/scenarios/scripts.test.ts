import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { PROJECT_ROOT } from "../../config/root";
import { plan } from "./harness";
import { plain } from "./hosts";

/**
 * shellcheck on every script the programs run (each command's create, update and delete; a script
 * a root shell reads from stdin; a script a file step writes, as the backup service's) and on the
 * scenarios' stand-ins. Remote scripts run in the admin user's login shell (bash), local ones and
 * written ones under sh. Skipped where shellcheck is not installed.
 */

const version = spawnSync("shellcheck", ["--version"], { encoding: "utf8" });
const shellcheck = !version.error;
const work = mkdtempSync(join(tmpdir(), "scripts-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * The texts shellcheck found clean, by a digest of its version, its arguments, the shell and the
 * text: a run after the first checks only what changed (shellcheck takes most of a second to start).
 * Findings are never kept, so a script with one is checked, and shown, every time.
 */
const CLEAN = join(PROJECT_ROOT, "node_modules", ".cache", "homelab-shellcheck");

/**
 * What shellcheck runs with, all of it in the cache's key: no rc file and no SHELLCHECK_OPTS from
 * the environment, so nothing outside the key changes what it reports.
 */
const ARGS = ["--norc", "-f", "gcc"];
const { SHELLCHECK_OPTS: _ignored, ...ENV } = process.env;

/** shellcheck on `paths` under `shell`, in gcc format. */
type Shellcheck = (shell: string, paths: readonly string[]) => { status: number | null; stdout: string; stderr: string };
const shellcheckRun: Shellcheck = (shell, paths) =>
  spawnSync("shellcheck", [...ARGS, "-s", shell, ...paths], { encoding: "utf8", env: ENV });

/**
 * shellcheck's findings on each file (one run per shell: it starts slowly), by the name given; a
 * file whose text it found clean before (a mark in `clean`) is not checked again.
 */
function check(
  files: readonly (readonly [string, string])[],
  shell: "sh" | "bash",
  run: Shellcheck = shellcheckRun,
  clean: string = CLEAN,
): Record<string, string> {
  const marked = files.map(([name, path]) => {
    const digest = createHash("sha256").update(`${version.stdout}\0${ARGS.join(" ")}\0${shell}\0${readFileSync(path, "utf8")}`);
    return { name, path, mark: join(clean, digest.digest("hex")) };
  });
  const unchecked = marked.filter((f) => !existsSync(f.mark));
  if (unchecked.length === 0) return {};
  const r = run(
    shell,
    unchecked.map((f) => f.path),
  );
  // 0: clean, 1: findings (below); anything else, or 1 without a finding, is shellcheck failing.
  if (r.status !== 0 && !(r.status === 1 && r.stdout.trim())) throw new Error(`shellcheck failed (${r.status}): ${r.stderr}`);
  const findings: Record<string, string> = {};
  for (const line of r.stdout.split("\n").filter(Boolean)) {
    const name = unchecked.find((f) => line.startsWith(`${f.path}:`))?.name ?? "?";
    findings[name] = `${findings[name] ?? ""}${line}\n`;
  }
  // A line of no file's (findings["?"]) leaves every file unmarked.
  if (findings["?"] === undefined) {
    mkdirSync(clean, { recursive: true });
    for (const f of unchecked) if (findings[f.name] === undefined) writeFileSync(f.mark, "");
  }
  return findings;
}

test("shellcheck's clean results are kept, its findings never: a clean text is not checked again, one with a finding is, every time, and a changed text is", () => {
  const clean = mkdtempSync(join(work, "clean-"));
  const good = join(work, "good.sh");
  const bad = join(work, "bad.sh");
  // Texts of this run only, so no mark of an earlier run answers for them.
  writeFileSync(good, `echo ${clean}\n`);
  writeFileSync(bad, `echo $${clean}\n`);
  const asked: string[][] = [];
  const finding = `${bad}:1:6: note: Double quote to prevent globbing and word splitting. [SC2086]\n`;
  const run: Shellcheck = (_shell, paths) => {
    asked.push(paths.map((p) => p.slice(work.length + 1)));
    return { status: paths.includes(bad) ? 1 : 0, stdout: paths.includes(bad) ? finding : "", stderr: "" };
  };
  const files = [
    ["good", good],
    ["bad", bad],
  ] as const;
  expect(check(files, "sh", run, clean)).toEqual({ bad: finding });
  expect(check(files, "sh", run, clean)).toEqual({ bad: finding });
  expect(check([files[0]], "sh", run, clean)).toEqual({});
  // Another shell is another check; a changed text too.
  expect(check([files[0]], "bash", run, clean)).toEqual({});
  writeFileSync(good, `echo ${clean} again\n`);
  expect(check([files[0]], "sh", run, clean)).toEqual({});
  expect(asked).toEqual([["good.sh", "bad.sh"], ["bad.sh"], ["good.sh"], ["good.sh"]]);
  // A finding shellcheck prints for no file given keeps every file unmarked.
  const stray: Shellcheck = () => ({ status: 1, stdout: "-:1:1: error: stray [SC1000]\n", stderr: "" });
  writeFileSync(good, `echo ${clean} once more\n`);
  expect(check([files[0]], "sh", stray, clean)).toEqual({ "?": "-:1:1: error: stray [SC1000]\n" });
  expect(check([files[0]], "sh", run, clean)).toEqual({});
  expect(asked.at(-1)).toEqual(["good.sh"]);
  // Exit 1 with no finding printed is a failure, not a clean result: nothing is marked.
  const silent: Shellcheck = () => ({ status: 1, stdout: "", stderr: "shellcheck: out of memory" });
  writeFileSync(good, `echo ${clean} and again\n`);
  expect(() => check([files[0]], "sh", silent, clean)).toThrow("shellcheck failed (1): shellcheck: out of memory");
  expect(check([files[0]], "sh", run, clean)).toEqual({});
  expect(asked.at(-1)).toEqual(["good.sh"]);
});

/** Writes each script to a file of its own. */
function written(scripts: readonly (readonly [string, string])[]): [string, string][] {
  return scripts.map(([name, script], i) => {
    const path = join(work, `${i}.sh`);
    writeFileSync(path, script);
    return [name, path];
  });
}

/** The scenarios' stand-ins (sh scripts), by `<host>/<command>`. */
function standins(): [string, string][] {
  const dir = join(__dirname, "standins");
  return readdirSync(dir).flatMap((host) =>
    readdirSync(join(dir, host)).map((f) => [`${host}/${f}`, join(dir, host, f)] as [string, string]),
  );
}

test.skipIf(!shellcheck)(
  "every script the talos, hetzner and services programs run passes shellcheck, and so do the stand-ins",
  async () => {
    const scripts: [string, string, "sh" | "bash"][] = [];
    for (const stack of ["talos", "hetzner", "services"]) {
      for (const r of (await plan(stack)).run.resources) {
        if (!r.type.startsWith("command:")) continue;
        const inputs = plain(r.inputs) as Record<string, string>;
        const shell = r.type === "command:local:Command" ? "sh" : "bash";
        for (const step of ["create", "update", "delete"])
          if (inputs[step]) scripts.push([`${r.name} ${step}`, inputs[step], shell]);
        if (inputs.create === "sudo -n sh -s") scripts.push([`${r.name} stdin`, inputs.stdin!, "sh"]);
        // A script a file step writes for a container to run (the backup service's, under busybox sh).
        if (/\.sh'$/.test(inputs.create ?? "")) scripts.push([`${r.name} file`, inputs.stdin!, "sh"]);
      }
    }
    expect(scripts.length).toBeGreaterThan(30);
    expect(scripts.map(([name]) => name)).toEqual(
      expect.arrayContaining(["homelab-cp1-rollout update", "homelab-kubernetes update", "edge-compose-up create"]),
    );
    const files = written(scripts.map(([name, script]) => [name, script]));
    const byShell = (shell: "sh" | "bash") => files.filter((_, i) => scripts[i]![2] === shell);
    expect(standins()).toHaveLength(13);
    // One shellcheck per shell (it starts slowly): the sh scripts and the stand-ins together.
    expect({ ...check([...byShell("sh"), ...standins()], "sh"), ...check(byShell("bash"), "bash") }).toEqual({});
  },
);
