import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { RecordedResource } from "../../testing/mock-runtime";
import { readStackFile } from "../../cli/stack-file";
import { runStack } from "../../stacks";
import { register } from "../helpers/pulumi";

/**
 * The talos stack's shape under config changes: the Proxmox provider's SSH settings and how long
 * the rollout chain gets. What a change does on day 2 is in test/scenarios/talos.test.ts.
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
  // Structured values are JSON text, plain ones (homelab:domain) the text itself.
  const parse = (v: string): unknown => {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  };
  const config: Config = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, parse(v)]));
  edit(config);
  const flat = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  return register(() => runStack("talos"), { stack: "talos", config: flat, secretKeys });
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

  test.each([
    [3, 1, 10],
    [12, 1, 19],
    [12, 5, 10],
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
      // Image → VM → apply, then the rollouts (their create steps record a config: no work on a
      // first deploy). The Kubernetes step comes before the applies and waits for nothing.
      expect(chain.slice(0, 3)).toEqual(["homelab-base-schematic", "homelab-base-v1.13.9-image-pve1", "homelab-cp1"]);
      expect(chain[3]).toBe("homelab-cp1-config");
      expect(chain.slice(4).every((n) => n.endsWith("-rollout"))).toBe(true);
    },
  );
});
