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
 * The texts shellcheck found clean, by a digest of its version, the shell and the text: a run after
 * the first checks only what changed (shellcheck takes most of a second to start). Findings are
 * never kept, so a script with one is checked, and shown, every time.
 */
const CLEAN = join(PROJECT_ROOT, "node_modules", ".cache", "homelab-shellcheck");
const cleanMark = (shell: string, path: string) =>
  join(
    CLEAN,
    createHash("sha256")
      .update(`${version.stdout}\0${shell}\0${readFileSync(path, "utf8")}`)
      .digest("hex"),
  );

/** shellcheck's findings on each file (one run per shell: it starts slowly), by the name given. */
function check(files: readonly (readonly [string, string])[], shell: "sh" | "bash"): Record<string, string> {
  const unchecked = files.filter(([, path]) => !existsSync(cleanMark(shell, path)));
  if (unchecked.length === 0) return {};
  const r = spawnSync("shellcheck", ["-s", shell, "-f", "gcc", ...unchecked.map(([, path]) => path)], { encoding: "utf8" });
  // 0: clean, 1: findings (below); anything else is shellcheck failing, not a clean result.
  if (r.status !== 0 && r.status !== 1) throw new Error(`shellcheck failed (${r.status}): ${r.stderr}`);
  const findings: Record<string, string> = {};
  for (const line of r.stdout.split("\n").filter(Boolean)) {
    const name = unchecked.find(([, path]) => line.startsWith(`${path}:`))?.[0] ?? "?";
    findings[name] = `${findings[name] ?? ""}${line}\n`;
  }
  mkdirSync(CLEAN, { recursive: true });
  for (const [name, path] of unchecked) if (findings[name] === undefined) writeFileSync(cleanMark(shell, path), "");
  return findings;
}

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
