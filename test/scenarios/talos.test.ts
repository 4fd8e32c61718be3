import { afterAll, describe, expect, test } from "vitest";
import { engineDiff, type EngineDiff } from "../../testing/engine";
import { mockResource } from "../../testing/placeholders";
import { diff, operations, plan, resource, steps, type Config, type Plan } from "./harness";
import { carryOut, plain, TalosHost } from "./hosts";

/**
 * Day 2 on the example lab (Pulumi.talos.yaml: three control planes, three workers, a GPU
 * worker; protected), each change carried out in the engine's order against a stand-in talosctl.
 */

const NODES = ["cp1", "cp2", "cp3", "w1", "w2", "w3", "gpu1"];
const IP: Record<string, string> = {
  cp1: "10.20.0.11",
  cp2: "10.20.0.12",
  cp3: "10.20.0.13",
  w1: "10.20.0.21",
  w2: "10.20.0.22",
  w3: "10.20.0.23",
  gpu1: "10.20.0.31",
};
const hosts: TalosHost[] = [];
afterAll(() => hosts.forEach((h) => h.remove()));

const cluster = (change: (c: Config) => void) => (config: Config) => change(config["homelab:cluster"]);
const nodes = (change: (n: Config[]) => Config[] | void) => (config: Config) => {
  config["homelab:nodes"] = change(config["homelab:nodes"]) ?? config["homelab:nodes"];
};
const node = (name: string, change: (n: Config) => void) => nodes((list) => list.forEach((n) => n.name === name && change(n)));
const both =
  (...edits: ((c: Config) => void)[]) =>
  (c: Config) =>
    edits.forEach((e) => e(c));

let example: Promise<Plan> | undefined;
const base = () => (example ??= plan("talos"));

const deployments = new Map<Plan, { host: TalosHost; state: Map<string, string> }>();

/** The lab deployed on a stand-in: every node runs the image its rollout named at creation (a copy per test). */
function deployed(from: Plan) {
  let deployment = deployments.get(from);
  if (!deployment) {
    const host = new TalosHost();
    hosts.push(host);
    const state = new Map<string, string>();
    carryOut(engineDiff(undefined, from.planned), undefined, from, host, state);
    deployments.set(from, (deployment = { host, state }));
  }
  const host = deployment.host.clone();
  hosts.push(host);
  return { host, state: new Map(deployment.state) };
}

const rollouts = (d: EngineDiff) =>
  d.sequence.filter((s) => s.name.endsWith("-rollout")).map((s) => s.name.replace(/^homelab-|-rollout$/g, ""));
const env = (p: Plan, name: string) => (plain(resource(p, name).inputs) as { environment: Record<string, string> }).environment;

describe("day 2 on the example lab: Talos", () => {
  test("a Talos minor upgrade runs each node's upgrade exactly once, control planes one at a time, and replaces nothing", async () => {
    const old = both(
      cluster((c) => ((c.talosVersion = "v1.12.7"), (c.configVersion = "v1.12"), (c.kubernetesVersion = "1.35.4"))),
    );
    const from = await plan("talos", old);
    const to = await plan(
      "talos",
      both(
        old,
        cluster((c) => (c.talosVersion = "v1.13.9")),
      ),
    );
    const d = diff(from, to);
    expect(d.failures).toEqual([]);
    expect(d.counts).toMatchObject({ replace: 0, create: 3, delete: 3 });
    expect(operations(d)).toEqual({
      // New disk images beside the old ones (running VMs ignore them: no VM changes).
      "homelab-base-v1.12.7-image-pve1": "delete",
      "homelab-base-v1.12.7-image-pve2": "delete",
      "homelab-gpu-v1.12.7-image-pve2": "delete",
      "homelab-base-v1.13.9-image-pve1": "create",
      "homelab-base-v1.13.9-image-pve2": "create",
      "homelab-gpu-v1.13.9-image-pve2": "create",
      // Each node's config names the new installer image (no reboot needed to apply it) ...
      ...Object.fromEntries(NODES.map((n) => [`homelab-${n}-config`, "update"])),
      // ... and its rollout command updates: its script upgrades the node.
      ...Object.fromEntries(NODES.map((n) => [`homelab-${n}-rollout`, "update"])),
    });
    expect(rollouts(d)).toEqual(NODES);
    expect(d.sequence.filter((s) => s.name.endsWith("-rollout")).every((s) => s.runs === "update")).toBe(true);
    // Each rollout waits for the one before it.
    for (const [before, after] of NODES.slice(0, -1).map((n, i) => [n, NODES[i + 1]!])) {
      expect(resource(to, `homelab-${after}-rollout`).dependencies).toContain(resource(to, `homelab-${before}-rollout`).urn);
    }

    const { host, state } = deployed(from);
    carryOut(d, from, to, host, state);
    const upgrades = host.calls().filter((c) => c.includes(" upgrade "));
    expect(upgrades).toEqual(
      NODES.map((n) => `${IP[n]} upgrade --image ${env(to, `homelab-${n}-rollout`).INSTALLER_IMAGE} --wait --timeout 15m`),
    );
    // Each node runs the release and schematic its new installer image names.
    for (const n of NODES) {
      const [image, tag] = env(to, `homelab-${n}-rollout`).INSTALLER_IMAGE!.split(":") as [string, string];
      expect([tag, host.node(IP[n]!)]).toEqual(["v1.13.9", `v1.13.9 ${image.split("/").at(-1)!}`]);
    }
  });

  test("a new extension: a new schematic (a new resource: Pulumi keeps ids on updates), new images, and only that image's nodes upgrade", async () => {
    const b = await base();
    const to = await plan("talos", (c) => c["homelab:image"].base.extensions.push("siderolabs/iscsi-tools"), { after: b });
    const d = diff(b, to);
    expect(d.failures).toEqual([]);
    const base6 = NODES.filter((n) => n !== "gpu1");
    expect(operations(d)).toEqual({
      "homelab-base-schematic": "replace (create-before-delete)",
      "homelab-base-v1.13.9-image-pve1": "replace (create-before-delete)",
      "homelab-base-v1.13.9-image-pve2": "replace (create-before-delete)",
      ...Object.fromEntries(base6.map((n) => [`homelab-${n}-config`, "update"])),
      ...Object.fromEntries(base6.map((n) => [`homelab-${n}-rollout`, "update"])),
    });
    expect(d.steps.find((s) => s.name === "homelab-base-schematic")?.reasons).toEqual(["schematic: replaceOnChanges schematic"]);
    const { host, state } = deployed(b);
    carryOut(d, b, to, host, state);
    const upgraded = host
      .calls()
      .filter((c) => c.includes(" upgrade "))
      .map((c) => c.split(" ")[0]);
    expect(upgraded).toEqual(base6.map((n) => IP[n]));
    expect(host.node(IP.w1!)).toBe(`v1.13.9 ${env(to, "homelab-w1-rollout").INSTALLER_IMAGE!.split("/")[2]!.split(":")[0]}`);
  });

  test("one patch changed, applied without a reboot: every config updates; the rollouts find nothing to do", async () => {
    const b = await base();
    const sysctl = cluster((c) => (c.patches ??= []).push({ machine: { sysctls: { "vm.max_map_count": "262144" } } }));
    const to = await plan("talos", sysctl, { after: b });
    const d = diff(b, to);
    expect(operations(d)).toEqual({
      ...Object.fromEntries(NODES.map((n) => [`homelab-${n}-config`, "update"])),
      ...Object.fromEntries(NODES.map((n) => [`homelab-${n}-rollout`, "update"])),
    });
    expect(d.steps.find((s) => s.name === "homelab-w1-rollout")?.changes.map((c) => c.path)).toEqual(["environment.CONFIG_HASH"]);
    const { host, state } = deployed(b);
    carryOut(d, b, to, host, state);
    expect(host.calls().filter((c) => !/ (version|get extensions)$/.test(c))).toEqual([]);
  });

  test("one patch that needs a reboot (staged): each node reboots once, control planes one at a time, each followed by the health check", async () => {
    const b = await base();
    const staged = (type: string, name: string, inputs: Record<string, unknown>) => {
      if (type !== "talos:machine/configurationApply:ConfigurationApply") return undefined;
      const made = mockResource(type, name, inputs);
      return { ...made, state: { ...made.state, resolvedApplyMode: "staged" } };
    };
    const to = await plan(
      "talos",
      cluster((c) => (c.patches ??= []).push({ machine: { install: { wipe: true } } })),
      { after: b, answer: staged },
    );
    const { host, state } = deployed(b);
    carryOut(diff(b, to), b, to, host, state);
    const acted = host.calls().filter((c) => !/ (version|get extensions)$/.test(c));
    expect(acted).toEqual(NODES.flatMap((n) => [`${IP[n]} reboot --wait --timeout 15m`, `${IP.cp1} health --wait-timeout 15m`]));
    // The same config again (a later run that changes something else) reboots nobody.
    host.clear();
    const again = await plan(
      "talos",
      both(
        cluster((c) => (c.patches ??= []).push({ machine: { install: { wipe: true } } })),
        cluster((c) => (c.rollout.timeout = "20m")),
      ),
      { after: to, answer: staged },
    );
    carryOut(diff(to, again), to, again, host, state);
    expect(host.calls().filter((c) => c.includes("reboot"))).toEqual([]);
  });
});

describe("day 2 on the example lab: kubelet serving certificates and the search domain", () => {
  const configs = Object.fromEntries(NODES.map((n) => [`homelab-${n}-config`, "update"]));
  const rollouts = Object.fromEntries(NODES.map((n) => [`homelab-${n}-rollout`, "update"]));
  /** The v1alpha1 patch (the first document) each node's configuration invoke was sent. */
  const machinePatches = (p: Plan) =>
    p.run.invokes
      .filter((i) => i.token === "talos:machine/getConfiguration:getConfiguration")
      .map((i) => (i.args.configPatches as string[])[0]!);
  const acted = (host: TalosHost) => host.calls().filter((c) => !/ (version|get extensions)$/.test(c));

  test("kubelet serving certificates turned on for a running cluster: each node's config apply updates in place, applied without a reboot; nothing is replaced", async () => {
    const off = await plan(
      "talos",
      cluster((c) => (c.kubeletServingCertificates = false)),
    );
    const on = await plan("talos", undefined, { after: off });
    const d = diff(off, on);
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({ ...configs, ...rollouts });
    // One kubelet flag more in every node's patch; the applies send the new config, the rollouts see its hash.
    expect(machinePatches(off).filter((t) => t.includes("rotate-server-certificates"))).toEqual([]);
    expect(machinePatches(on).map((t) => t.includes('    extraArgs:\n      rotate-server-certificates: "true"\n'))).toEqual(
      Array(7).fill(true),
    );
    expect(d.steps.find((s) => s.name === "homelab-w1-config")?.changes.map((c) => [c.path, c.kind])).toEqual([
      ["machineConfigurationInput", "secret"],
    ]);
    expect(d.steps.find((s) => s.name === "homelab-w1-rollout")?.changes.map((c) => c.path)).toEqual(["environment.CONFIG_HASH"]);
    expect([off.outputs.kubeletServingCertificates, on.outputs.kubeletServingCertificates]).toEqual([false, true]);
    // Talos applies a .machine.kubelet change to the running node (it restarts the kubelet), so the
    // provider's dry run finds no reboot and applies it (the placeholder's `auto`); the rollouts
    // find nothing to do.
    const { host, state } = deployed(off);
    carryOut(d, off, on, host, state);
    expect(acted(host)).toEqual([]);
  });

  test("the search domain moved out of the lab's wildcard on a running cluster: each node's config updates, applied without a reboot; no VM changes", async () => {
    const trapped = both(
      (c) => delete c["homelab:domain"],
      (c) => (c["homelab:network"].searchDomains = ["lab.example.net"]),
    );
    await expect(plan("talos", (c) => (c["homelab:network"].searchDomains = ["lab.example.net"]))).rejects.toThrow(
      "homelab:network.searchDomains[0]: lab.example.net is the lab's domain (homelab:domain lab.example.net), whose wildcard *.lab.example.net resolves to the Gateway: pods inherit the nodes' search domains (ndots 5), so github.com, Let's Encrypt and Cloudflare's API would first be tried as github.com.lab.example.net and answered with the Gateway's address; use a search domain outside lab.example.net, or none",
    );
    const before = await plan("talos", trapped);
    const fixed = await plan("talos", undefined, { after: before });
    const d = diff(before, fixed);
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({ ...configs, ...rollouts });
    // The VMs' cloud-init DNS names the old domain, but it is read at creation only (ignoreChanges):
    // no VM is updated, so none is rebooted by Proxmox.
    const dns = (p: Plan) => (resource(p, "homelab-cp1").inputs.initialization as { dns: { domain: string } }).dns.domain;
    expect([dns(before), dns(fixed)]).toEqual(["lab.example.net", "home.arpa"]);
    const { host, state } = deployed(before);
    carryOut(d, before, fixed, host, state);
    expect(acted(host)).toEqual([]);
  });
});

describe("day 2 on the example lab: Kubernetes", () => {
  test("a Kubernetes upgrade runs upgrade-k8s once, before any node's config moves; no node reboots", async () => {
    const b = await base();
    const to = await plan(
      "talos",
      cluster((c) => (c.kubernetesVersion = "1.36.4")),
      { after: b },
    );
    const d = diff(b, to);
    expect(operations(d)).toEqual({
      "homelab-kubernetes": "update",
      ...Object.fromEntries(NODES.map((n) => [`homelab-${n}-config`, "update"])),
      ...Object.fromEntries(NODES.map((n) => [`homelab-${n}-rollout`, "update"])),
    });
    expect(steps(d)[0]).toBe("update homelab-kubernetes runs update");
    const { host, state } = deployed(b);
    carryOut(d, b, to, host, state);
    expect(host.calls().filter((c) => c.includes("upgrade"))).toEqual([`${IP.cp1} upgrade-k8s --to 1.36.4`]);
    expect(host.kubernetes()).toBe("1.36.4");
    expect(host.calls().filter((c) => c.includes("reboot"))).toEqual([]);
  });
});

describe("day 2 on the example lab: nodes", () => {
  test("a worker added: its VM, config and rollout are created; no other node and no Kubernetes upgrade runs", async () => {
    const b = await base();
    const to = await plan(
      "talos",
      nodes((list) => [...list, { name: "w4", role: "worker", ip: "10.20.0.24", vmId: 824 }]),
      { after: b },
    );
    const d = diff(b, to);
    expect(operations(d)).toEqual({ "homelab-w4": "create", "homelab-w4-config": "create", "homelab-w4-rollout": "create" });
    const { host, state } = deployed(b);
    carryOut(d, b, to, host, state);
    expect(host.calls()).toEqual([]);
  });

  test("a worker removed while protected: the VM's delete is refused and `pulumi up` fails", async () => {
    const b = await base();
    const d = diff(
      b,
      await plan(
        "talos",
        nodes((list) => list.filter((n) => n.name !== "w3")),
        { after: b },
      ),
    );
    expect(operations(d)).toMatchObject({ "homelab-w3": "delete (blocked)", "homelab-w3-config": "delete" });
    expect(d.failures).toEqual([
      "proxmoxve:index/vmLegacy:VmLegacy homelab-w3: deleting a protected resource: the engine refuses and `pulumi up` fails (set protect false and run `pulumi up` first)",
    ]);
  });

  test("a worker removed, unprotected first: its rollout, then its config (reset: cordon, drain, wipe), then its VM", async () => {
    const b = await base();
    const free = await plan(
      "talos",
      node("w3", (n) => (n.protect = false)),
      { after: b },
    );
    const first = diff(b, free);
    expect(operations(first)).toEqual({ "homelab-w3": "update" });
    expect(first.steps[0]?.stateOnly).toBe(true);
    const to = await plan(
      "talos",
      nodes((list) => list.filter((n) => n.name !== "w3")),
      { after: free },
    );
    const d = diff(free, to);
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({ "homelab-w3": "delete", "homelab-w3-config": "delete", "homelab-w3-rollout": "delete" });
    expect(steps(d)).toEqual(["delete homelab-w3-rollout", "delete homelab-w3-config", "delete homelab-w3"]);
    expect(resource(free, "homelab-w3-config").inputs.onDestroy).toEqual({ reset: true, graceful: true, reboot: false });
  });

  test("a control plane removed: three to two is refused by config; replacing cp3 by cp4 adds the new one first, removes the old one last", async () => {
    await expect(
      plan(
        "talos",
        nodes((list) => list.filter((n) => n.name !== "cp3")),
      ),
    ).rejects.toThrow("homelab:nodes: needs 1 or an odd number (3, 5, ...) of control-plane nodes for etcd quorum, found 2");
    const b = await base();
    const free = await plan(
      "talos",
      node("cp3", (n) => (n.protect = false)),
      { after: b },
    );
    const swap = nodes((list) => [
      ...list.filter((n) => n.name !== "cp3"),
      { name: "cp4", role: "controlplane", ip: "10.20.0.14", vmId: 814, host: "pve2" },
    ]);
    const to = await plan("talos", swap, { after: free });
    const d = diff(free, to);
    expect(d.failures).toEqual([]);
    expect(Object.entries(operations(d)).filter(([, op]) => op !== "update")).toEqual([
      ["homelab-cp3", "delete"],
      ["homelab-cp3-config", "delete"],
      ["homelab-cp3-rollout", "delete"],
      ["homelab-cp4", "create"],
      ["homelab-cp4-config", "create"],
      ["homelab-cp4-rollout", "create"],
    ]);
    // The new control plane joins before the old one leaves etcd (deletes run last).
    const order = steps(d);
    expect(order.indexOf("create homelab-cp4-config")).toBeLessThan(order.indexOf("delete homelab-cp3-config"));
    // The rollouts reach the nodes through the control planes (a new list): they update and find nothing to do.
    const { host, state } = deployed(free);
    carryOut(d, free, to, host, state);
    expect(host.calls().filter((c) => !/ (version|get extensions)$/.test(c))).toEqual([]);
  });

  test("a VM re-created (a new VM id, unprotected): its rollout and config go first (reset), then the VM; all three come back", async () => {
    const b = await base();
    const to = await plan(
      "talos",
      node("w1", (n) => ((n.protect = false), (n.vmId = 841))),
      { after: b },
    );
    const d = diff(b, to);
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({
      "homelab-w1": "replace (delete-before-replace)",
      "homelab-w1-config": "replace (delete-before-replace)",
      "homelab-w1-rollout": "replace (delete-before-replace)",
    });
    expect(steps(d)).toEqual([
      "delete-replaced homelab-w1-rollout",
      "delete-replaced homelab-w1-config",
      "delete-replaced homelab-w1",
      "create-replacement homelab-w1",
      "create-replacement homelab-w1-config",
      "create-replacement homelab-w1-rollout runs create",
    ]);
  });
});
