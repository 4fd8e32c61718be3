import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { KUBERNETES_UPGRADE_SCRIPT, ROLLOUT_CREATE, ROLLOUT_SCRIPT } from "../../lib/talos-commands";

/**
 * The scripts run for real, with /bin/sh, against a stand-in `talosctl` that logs each call
 * (and the talosconfig it was handed) and answers `version` with a chosen release.
 */
const work = mkdtempSync(join(tmpdir(), "talos-commands-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const bin = join(work, "bin");
const log = join(work, "calls.log");
mkdirSync(bin);
writeFileSync(
  join(bin, "talosctl"),
  `#!/bin/sh
config=""
prev=""
for arg in "$@"; do
  if [ "$prev" = "--talosconfig" ]; then config="$arg"; fi
  prev="$arg"
done
printf 'talosctl %s | config=%s\\n' "$*" "$(cat "$config")" >> "$TEST_LOG"
printf '%s\\n' "$config" > "$TEST_LOG.path"
case " $* " in
  *" version "*) printf 'Client:\\n\\tTag:         v9.9.9\\nServer:\\n\\tNODE:        %s\\n\\tTag:         %s\\n' "x" "$RUNNING" ;;
esac
`,
);
chmodSync(join(bin, "talosctl"), 0o755);

const IMAGE = "factory.talos.dev/nocloud-installer/abc:v1.13.9";
const BASE = {
  TALOSCONFIG_DATA: "context: lab # secret",
  NODE: "10.0.0.21",
  INSTALLER_IMAGE: IMAGE,
  TALOS_VERSION: "v1.13.9",
  APPLY_MODE: "auto",
  CONTROL_PLANES: "10.0.0.11,10.0.0.12",
  WORKERS: "10.0.0.21",
  TIMEOUT: "15m",
  RUNNING: "v1.12.4",
};

function run(script: string, env: Record<string, string>, withTalosctl = true) {
  rmSync(log, { force: true });
  const result = spawnSync("/bin/sh", ["-c", script], {
    env: { PATH: withTalosctl ? `${bin}:/usr/bin:/bin` : "/usr/bin:/bin", TEST_LOG: log, ...env },
    encoding: "utf8",
  });
  const calls = existsSync(log)
    ? readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.replace(/ \| config=.*$/, ""))
    : [];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

const health =
  "talosctl --talosconfig CONFIG --nodes 10.0.0.11 health --wait-timeout 15m --control-plane-nodes 10.0.0.11,10.0.0.12";
const normalise = (calls: string[]) => calls.map((c) => c.replace(/--talosconfig \S+/, "--talosconfig CONFIG"));

describe("the rollout script", () => {
  test("create only records the image the node boots", () => {
    const r = run(ROLLOUT_CREATE, BASE);
    expect(r).toMatchObject({ status: 0, stdout: `installer-image: ${IMAGE}\n`, calls: [] });
  });

  test("a new image upgrades the node (one minor up), then waits for the cluster", () => {
    const r = run(ROLLOUT_SCRIPT, {
      ...BASE,
      PULUMI_COMMAND_STDOUT: "installer-image: factory.talos.dev/nocloud-installer/abc:v1.12.4",
    });
    expect(r.status).toBe(0);
    expect(normalise(r.calls)).toEqual([
      "talosctl --talosconfig CONFIG --nodes 10.0.0.21 version",
      `talosctl --talosconfig CONFIG --nodes 10.0.0.21 upgrade --image ${IMAGE} --preserve --wait --timeout 15m`,
      `${health} --worker-nodes 10.0.0.21`,
    ]);
    expect(r.stdout.trim().split("\n").at(-1)).toBe(`installer-image: ${IMAGE}`);
  });

  test("the talosconfig reaches talosctl through a private temporary file that is removed afterwards", () => {
    run(ROLLOUT_SCRIPT, { ...BASE, PULUMI_COMMAND_STDOUT: `installer-image: ${IMAGE}` });
    expect(readFileSync(log, "utf8")).toContain("config=context: lab # secret");
    expect(existsSync(readFileSync(`${log}.path`, "utf8").trim())).toBe(false);
  });

  test("the same image and a staged config: a reboot, never an upgrade", () => {
    const r = run(ROLLOUT_SCRIPT, { ...BASE, APPLY_MODE: "staged", PULUMI_COMMAND_STDOUT: `installer-image: ${IMAGE}` });
    expect(r.status).toBe(0);
    expect(normalise(r.calls)).toEqual([
      "talosctl --talosconfig CONFIG --nodes 10.0.0.21 reboot --wait --timeout 15m",
      `${health} --worker-nodes 10.0.0.21`,
    ]);
  });

  test("the same image and a config applied without reboot: only the health check", () => {
    const r = run(ROLLOUT_SCRIPT, { ...BASE, WORKERS: "", PULUMI_COMMAND_STDOUT: `installer-image: ${IMAGE}` });
    expect(r.status).toBe(0);
    expect(normalise(r.calls)).toEqual([health]);
    expect(r.stdout).toContain("10.0.0.21 needs no reboot\n");
  });

  test.each([
    ["two minors at once", "v1.11.6"],
    ["backwards", "v1.14.1"],
  ])("refuses an upgrade %s, naming both versions", (_what, running) => {
    const r = run(ROLLOUT_SCRIPT, { ...BASE, RUNNING: running });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `homelab: refusing to upgrade 10.0.0.21 from ${running} to v1.13.9: Talos upgrades go one minor release at a time and never back (e.g. v1.12 -> v1.13 -> v1.14)\n`,
    );
    expect(normalise(r.calls)).toEqual(["talosctl --talosconfig CONFIG --nodes 10.0.0.21 version"]);
  });

  test("without talosctl on PATH it stops with a clear message", () => {
    const r = run(ROLLOUT_SCRIPT, BASE, false);
    expect(r.status).toBe(127);
    expect(r.stderr).toBe(
      "homelab: talosctl is not on PATH. Install talosctl v1.13.9 (see the Talos docs, 'talosctl'), then run pulumi up again.\n",
    );
  });
});

describe("the Kubernetes upgrade script", () => {
  test("upgrades through one control plane", () => {
    const r = run(KUBERNETES_UPGRADE_SCRIPT, { ...BASE, NODE: "10.0.0.11", KUBERNETES_VERSION: "1.36.3" });
    expect(r.status).toBe(0);
    expect(normalise(r.calls)).toEqual(["talosctl --talosconfig CONFIG --nodes 10.0.0.11 upgrade-k8s --to 1.36.3"]);
  });

  test("does nothing once the version is unpinned", () => {
    const r = run(KUBERNETES_UPGRADE_SCRIPT, { ...BASE, KUBERNETES_VERSION: "" }, false);
    expect(r).toMatchObject({ status: 0, stdout: "kubernetesVersion is not pinned: nothing to upgrade\n", calls: [] });
  });
});

const shellcheck = !spawnSync("shellcheck", ["--version"]).error;

test.skipIf(!shellcheck)("every script passes shellcheck (skipped where it is not installed)", () => {
  for (const script of [ROLLOUT_SCRIPT, KUBERNETES_UPGRADE_SCRIPT]) {
    const r = spawnSync("shellcheck", ["-s", "sh", "-"], { input: script, encoding: "utf8" });
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  }
});
