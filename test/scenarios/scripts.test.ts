import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { plan } from "./harness";
import { plain } from "./hosts";

/**
 * shellcheck on every script the programs run (each command's create, update and delete; a script
 * a root shell reads from stdin) and on the scenarios' stand-ins. Remote scripts run in the admin
 * user's login shell (bash), local ones under sh. Skipped where shellcheck is not installed.
 */

const shellcheck = !spawnSync("shellcheck", ["--version"]).error;

function check(script: string, shell: "sh" | "bash"): string {
  const r = spawnSync("shellcheck", ["-s", shell, "-"], { input: script, encoding: "utf8" });
  return r.status === 0 ? "" : r.stdout;
}

test.skipIf(!shellcheck)("every script the talos, hetzner and services programs run passes shellcheck", async () => {
  const scripts: [string, string, "sh" | "bash"][] = [];
  for (const stack of ["talos", "hetzner", "services"]) {
    for (const r of (await plan(stack)).run.resources) {
      if (!r.type.startsWith("command:")) continue;
      const inputs = plain(r.inputs) as Record<string, string>;
      const shell = r.type === "command:local:Command" ? "sh" : "bash";
      for (const step of ["create", "update", "delete"]) if (inputs[step]) scripts.push([`${r.name} ${step}`, inputs[step], shell]);
      if (inputs.create === "sudo -n sh -s") scripts.push([`${r.name} stdin`, inputs.stdin!, "sh"]);
    }
  }
  expect(scripts.length).toBeGreaterThan(30);
  expect(scripts.map(([name, script, shell]) => [name, check(script, shell)]).filter(([, out]) => out)).toEqual([]);
});

test.skipIf(!shellcheck)("the stand-ins pass shellcheck", () => {
  const dir = join(__dirname, "standins");
  const findings = readdirSync(dir).flatMap((host) =>
    readdirSync(join(dir, host)).map((f) => [`${host}/${f}`, check(readFileSync(join(dir, host, f), "utf8"), "sh")]),
  );
  expect(findings.filter(([, out]) => out)).toEqual([]);
  expect(findings).toHaveLength(10);
});
