import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, test } from "vitest";
import { KUBERNETES_UPGRADE_SCRIPT, ROLLOUT_CREATE, ROLLOUT_SCRIPT } from "../../lib/talos-commands";

/**
 * The scripts run for real, with /bin/sh, against the stand-in talosctl of the day-2 scenarios
 * (test/scenarios/standins/talos): it answers `version` and `get extensions` from the node's
 * state, changes that state on `upgrade`, and records every call and the talosconfig it got.
 */
const work = mkdtempSync(join(tmpdir(), "talos-commands-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const bin = join(work, "bin");
mkdirSync(bin);
cpSync(join(__dirname, "..", "scenarios", "standins", "talos"), bin, { recursive: true });
const state = join(work, "state");

const SCHEMATIC = "a".repeat(64);
const OTHER = "b".repeat(64);
const IMAGE = `factory.talos.dev/nocloud-installer/${SCHEMATIC}:v1.13.9`;
const BASE = {
  TALOSCONFIG_DATA: "context: lab # secret",
  NODE: "10.0.0.21",
  INSTALLER_IMAGE: IMAGE,
  TALOS_VERSION: "v1.13.9",
  APPLY_MODE: "auto",
  CONFIG_HASH: "c0ffee",
  HEALTH_NODE: "10.0.0.11",
  TIMEOUT: "15m",
};

/** The node 10.0.0.21 runs `tag` with `schematic`. */
function node(tag: string, schematic = SCHEMATIC) {
  const dir = join(state, "nodes", "10.0.0.21");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "tag"), `${tag}\n`);
  writeFileSync(join(dir, "schematic"), `${schematic}\n`);
  mkdirSync(join(state, "nodes", "10.0.0.11"), { recursive: true });
}
beforeEach(() => rmSync(state, { recursive: true, force: true }));

function run(script: string, env: Record<string, string>, withTalosctl = true) {
  mkdirSync(state, { recursive: true });
  const result = spawnSync("/bin/sh", ["-c", script], {
    env: { PATH: withTalosctl ? `${bin}:/usr/bin:/bin` : "/usr/bin:/bin", TALOS_STATE: state, TALOS_CHECK_CONFIG: "1", ...env },
    encoding: "utf8",
  });
  const file = join(state, "calls");
  const calls = existsSync(file) ? readFileSync(file, "utf8").trim().split("\n") : [];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
}

const ASK = ["10.0.0.21 version", "10.0.0.21 get extensions"];
const HEALTH = "10.0.0.11 health --wait-timeout 15m";

describe("the rollout script", () => {
  test("create only records the config the new node boots", () => {
    const r = run(ROLLOUT_CREATE, BASE);
    expect(r).toMatchObject({ status: 0, stdout: "config-hash: c0ffee\n", calls: [] });
  });

  test("a new release (one minor up): the node is upgraded to the image, then the cluster's health is awaited", () => {
    node("v1.12.4");
    const r = run(ROLLOUT_SCRIPT, BASE);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([...ASK, `10.0.0.21 upgrade --image ${IMAGE} --wait --timeout 15m`, HEALTH]);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("config-hash: c0ffee");
  });

  test("a new schematic at the same release (a new extension): an upgrade too", () => {
    node("v1.13.9", OTHER);
    const r = run(ROLLOUT_SCRIPT, BASE);
    expect(r.calls).toEqual([...ASK, `10.0.0.21 upgrade --image ${IMAGE} --wait --timeout 15m`, HEALTH]);
  });

  test("a record of an earlier run never stands in for the node: it is asked, and upgraded when behind", () => {
    node("v1.13.8");
    const r = run(ROLLOUT_SCRIPT, { ...BASE, PULUMI_COMMAND_STDOUT: `installer-image: ${IMAGE}\nconfig-hash: c0ffee` });
    expect(r.calls).toContain(`10.0.0.21 upgrade --image ${IMAGE} --wait --timeout 15m`);
  });

  test("the talosconfig reaches talosctl in a private temporary file that is removed afterwards", () => {
    node("v1.12.4");
    run(ROLLOUT_SCRIPT, BASE);
    expect(readFileSync(join(state, "talosconfig-content"), "utf8")).toBe("context: lab # secret\n");
    expect(readFileSync(join(state, "talosconfig-mode"), "utf8").trim()).toBe("600");
    expect(existsSync(readFileSync(join(state, "talosconfig-path"), "utf8").trim())).toBe(false);
  });

  test("the node runs the image and a config is staged: one reboot, then the health check", () => {
    node("v1.13.9");
    const r = run(ROLLOUT_SCRIPT, { ...BASE, APPLY_MODE: "staged", PULUMI_COMMAND_STDOUT: "config-hash: 0ld" });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([...ASK, "10.0.0.21 reboot --wait --timeout 15m", HEALTH]);
    // That config again (the step re-runs for another reason): no second reboot.
    const again = run(ROLLOUT_SCRIPT, { ...BASE, APPLY_MODE: "staged", PULUMI_COMMAND_STDOUT: r.stdout });
    expect(again.calls.slice(r.calls.length)).toEqual(ASK);
  });

  test("the node runs the image and its config applied without a reboot: nothing to do, no health check", () => {
    node("v1.13.9");
    const r = run(ROLLOUT_SCRIPT, BASE);
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(ASK);
    expect(r.stdout).toBe(`10.0.0.21 runs ${IMAGE} with no staged configuration: nothing to do\nconfig-hash: c0ffee\n`);
  });

  test.each([
    ["two minors at once", "v1.11.6"],
    ["backwards", "v1.14.1"],
  ])("refuses an upgrade %s, naming both versions, before touching the node", (_what, running) => {
    node(running);
    const r = run(ROLLOUT_SCRIPT, BASE);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `homelab: refusing to upgrade 10.0.0.21 from ${running} to v1.13.9: Talos upgrades go one minor release at a time and never back (e.g. v1.12 -> v1.13 -> v1.14)\n`,
    );
    expect(r.calls).toEqual(ASK);
  });

  test("a node that does not answer fails the step (the stand-in's unreachable node)", () => {
    const r = run(ROLLOUT_SCRIPT, BASE);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("no route to host");
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
    mkdirSync(join(state, "nodes", "10.0.0.11"), { recursive: true });
    const r = run(KUBERNETES_UPGRADE_SCRIPT, { ...BASE, NODE: "10.0.0.11", KUBERNETES_VERSION: "1.36.3" });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual(["10.0.0.11 upgrade-k8s --to 1.36.3"]);
    expect(readFileSync(join(state, "kubernetes"), "utf8")).toBe("1.36.3\n");
  });

  test("does nothing once the version is unpinned", () => {
    const r = run(KUBERNETES_UPGRADE_SCRIPT, { ...BASE, KUBERNETES_VERSION: "" }, false);
    expect(r).toMatchObject({ status: 0, stdout: "kubernetesVersion is not pinned: nothing to upgrade\n", calls: [] });
  });
});

// shellcheck on both scripts: test/scenarios/scripts.test.ts (every script the talos plan runs).
