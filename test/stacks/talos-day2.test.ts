import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { RecordedResource } from "../../testing/mock-runtime";
import { readStackFile } from "../../cli/stack-file";
import { runStack } from "../../stacks";
import { register, reveal } from "../helpers/pulumi";

/**
 * The talos stack across two runs: what a change to the example config would touch, read from
 * what each run registers (the offline stand-in for a `pulumi preview` diff).
 */
const ROOT = join(__dirname, "..", "..");

type Config = Record<string, any>;

let example: ReturnType<typeof planWith> | undefined;

/** The example as shipped (planned once for the whole file), or with `edit` applied. */
function plan(edit?: (config: Config) => void) {
  if (edit) return planWith(edit);
  example ??= planWith(() => undefined);
  return example;
}

async function planWith(edit: (config: Config) => void) {
  const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.talos.yaml"));
  const config: Config = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, JSON.parse(v)]));
  edit(config);
  const flat = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  return register(() => runStack("talos"), { stack: "talos", config: flat, secretKeys });
}

/** Input paths (`disks[0].fileId`) whose values differ between two registrations of a resource. */
function changedPaths(a: unknown, b: unknown, path = ""): string[] {
  const [x] = reveal(a);
  const [y] = reveal(b);
  if (typeof x === "object" && x !== null && typeof y === "object" && y !== null) {
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
    return keys.flatMap((k) =>
      changedPaths(
        (x as Record<string, unknown>)[k],
        (y as Record<string, unknown>)[k],
        Array.isArray(x) ? `${path}[${k}]` : path ? `${path}.${k}` : k,
      ),
    );
  }
  return JSON.stringify(x) === JSON.stringify(y) ? [] : [path];
}

/** Resource name → the input paths that changed, for every resource whose inputs changed. */
function diff(before: readonly RecordedResource[], after: readonly RecordedResource[]): Record<string, string[]> {
  const byName = new Map(before.map((r) => [`${r.type}::${r.name}`, r]));
  const changes: Record<string, string[]> = {};
  for (const r of after) {
    const old = byName.get(`${r.type}::${r.name}`);
    const paths = old ? changedPaths(old.inputs, r.inputs) : ["(new)"];
    if (paths.length > 0) changes[r.name] = paths;
  }
  for (const r of before) if (!after.some((a) => a.urn === r.urn)) changes[r.name] = ["(deleted)"];
  return changes;
}

/** The longest dependency chain (resource names), following `dependencies` edges. */
function longestChain(resources: readonly RecordedResource[]): string[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const memo = new Map<string, string[]>();
  const chain = (r: RecordedResource): string[] => {
    const known = memo.get(r.urn);
    if (known) return known;
    let best: string[] = [];
    for (const dep of r.dependencies) {
      const d = byUrn.get(dep);
      if (d?.custom) {
        const c = chain(d);
        if (c.length > best.length) best = c;
      }
    }
    const result = [...best, r.name];
    memo.set(r.urn, result);
    return result;
  };
  return resources
    .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
    .map(chain)
    .reduce((a, b) => (b.length > a.length ? b : a), []);
}

describe("day 2 on the example lab", () => {
  test("per-node SSH addresses reach the Proxmox provider", async () => {
    const r = await plan((c) => (c["homelab:proxmox"].ssh.nodes = [{ name: "pve2", address: "192.168.1.12", port: 2222 }]));
    expect(JSON.parse(r.get("proxmox", "pulumi:providers:proxmoxve").inputs.ssh as string)).toEqual({
      username: "root",
      agent: true,
      nodes: [{ name: "pve2", address: "192.168.1.12", port: 2222 }],
    });
  });

  test("a Talos patch release: new images and the rollout, no VM or secret replaced", async () => {
    const before = await plan();
    const after = await plan((c) => (c["homelab:cluster"].talosVersion = "v1.13.10"));
    const changes = diff(before.run.resources, after.run.resources);
    const vms = ["cp1", "cp2", "cp3", "w1", "w2", "w3", "gpu1"];
    expect(changes).toEqual({
      // New images are downloaded (a new file name replaces each download) ...
      ...Object.fromEntries(
        ["homelab-base-image-pve1", "homelab-base-image-pve2", "homelab-gpu-image-pve2"].map((n) => [n, ["fileName", "url"]]),
      ),
      // ... which VMs ignore (their boot disk is only the first install) ...
      ...Object.fromEntries(vms.map((n) => [`homelab-${n}`, ["disks[0].fileId"]])),
      // ... and every node rolls forward to its new installer image, one after another.
      ...Object.fromEntries(
        vms.map((n) => [`homelab-${n}-rollout`, ["environment.INSTALLER_IMAGE", "environment.TALOS_VERSION", "triggers[0]"]]),
      ),
      // Kubernetes stays where it is pinned: its command is untouched.
    });
    for (const n of vms) expect(after.get(`homelab-${n}`).ignoreChanges).toEqual(["disks[0].fileId"]);
    expect(after.get("homelab-secrets").inputs).toEqual(before.get("homelab-secrets").inputs);
    expect(reveal(after.get("homelab-cp2-rollout").inputs.environment)[0]).toMatchObject({
      INSTALLER_IMAGE: expect.stringMatching(/^factory\.talos\.dev\/nocloud-installer\/[0-9a-f]{64}:v1\.13\.10$/),
    });
  });

  test("a Kubernetes bump touches only the Kubernetes upgrade and the generated configs", async () => {
    const before = await plan();
    const after = await plan((c) => (c["homelab:cluster"].kubernetesVersion = "1.36.4"));
    expect(diff(before.run.resources, after.run.resources)).toEqual({
      "homelab-kubernetes": ["environment.KUBERNETES_VERSION", "triggers[0]"],
    });
    const invokes = after.invokes("talos:machine/getConfiguration:getConfiguration");
    expect(invokes.map((i) => i.args.kubernetesVersion)).toEqual(Array(7).fill("1.36.4"));
  });

  test("removing a worker deletes its reset-on-delete apply before its VM, and touches no other node", async () => {
    const before = await plan();
    const after = await plan((c) => (c["homelab:nodes"] = c["homelab:nodes"].filter((n: { name: string }) => n.name !== "w2")));
    const changes = diff(before.run.resources, after.run.resources);
    expect(Object.keys(changes).filter((n) => changes[n]![0] === "(deleted)")).toEqual([
      "homelab-w2",
      "homelab-w2-config",
      "homelab-w2-rollout",
    ]);
    const apply = before.get("homelab-w2-config");
    expect(apply.inputs.onDestroy).toEqual({ reset: true, graceful: true, reboot: false });
    expect(before.names(apply.dependencies)).toEqual(["homelab-base-schematic", "homelab-secrets", "homelab-w2"]);
    // The others only learn the smaller node list (talosconfig, health targets).
    expect(
      Object.keys(changes)
        .filter((n) => changes[n]![0] !== "(deleted)")
        .sort(),
    ).toEqual(["cp1", "cp2", "cp3", "w1", "w3", "gpu1"].map((n) => `homelab-${n}-rollout`).sort());
    // (The talosconfig, which lists the nodes, changes too; the plan's placeholder cannot show it.)
    expect(changes["homelab-w3-rollout"]).toEqual(["environment.WORKERS"]);
  });

  test.each([
    [3, 1, 11],
    [30, 1, 38],
    [30, 5, 14],
  ])(
    "%i workers in batches of %i: the longest chain has %i resources, and only its rollouts wait on each other",
    async (workers, batch, length) => {
      const r = await plan((c) => {
        c["homelab:cluster"].rollout = { maxUnavailableWorkers: batch };
        c["homelab:nodes"] = [
          ...c["homelab:nodes"].filter((n: { role: string }) => n.role === "controlplane"),
          ...Array.from({ length: workers }, (_, i) => ({
            name: `w${i + 1}`,
            role: "worker",
            ip: `10.20.0.${100 + i}`,
            vmId: 900 + i,
          })),
        ];
      });
      const chain = longestChain(r.run.resources);
      expect(chain).toHaveLength(length);
      // Image → VM → apply, then the rollouts (create steps echo an image: no work on a first
      // deploy), then the Kubernetes command (also an echo on create).
      expect(chain.slice(0, 3)).toEqual(["homelab-base-schematic", "homelab-base-image-pve1", "homelab-cp1"]);
      expect(chain[3]).toBe("homelab-cp1-config");
      expect(chain.slice(4, -1).every((n) => n.endsWith("-rollout"))).toBe(true);
      expect(chain.at(-1)).toBe("homelab-kubernetes");
    },
  );
});
