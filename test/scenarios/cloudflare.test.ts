import { describe, expect, test } from "vitest";
import { mockResource } from "../../testing/placeholders";
import { diff, operations, plan, steps } from "./harness";

/** Day 2 of the zone's records (Pulumi.cloudflare.yaml). */

describe("day 2 of the zone's records", () => {
  test("the wildcard's TTL changed: an update in place (only the zone and the type replace a record)", async () => {
    const b = await plan("cloudflare");
    const head = await plan("cloudflare", (c) => (c["homelab:lab"].ttl = 600), { after: b });
    const d = diff(b, head);
    expect(operations(d)).toEqual({ "wildcard-lab.example.net": "update" });
    expect(d.steps[0]!.changes.map((c) => [c.path, c.before, c.after])).toEqual([["ttl", 300, 600]]);
  });

  test("the VPS got new addresses (a replaced server): each edge record's content updates, nothing is replaced", async () => {
    const b = await plan("cloudflare");
    const moved = await plan("cloudflare", undefined, {
      answer: (type, name, inputs) => {
        if (type !== "pulumi:pulumi:StackReference") return undefined;
        const made = mockResource(type, name, inputs) as { id: string; state: { outputs: Record<string, unknown> } };
        return {
          ...made,
          state: { ...made.state, outputs: { ...made.state.outputs, ipv4: "203.0.113.20", ipv6: "2001:db8::20" } },
        };
      },
    });
    const d = diff(b, moved);
    expect(operations(d)).toEqual({ "a-auth.example.net": "update", "aaaa-auth.example.net": "update" });
    expect(d.steps.map((s) => s.changes.map((c) => c.path))).toEqual([["content"], ["content"]]);
  });

  test("an edge name added whose A record exists already (made by hand): the run ends before any record is written, naming it and the entry that adopts it; with the entry, the record is imported, then updated, and the next run changes nothing", async () => {
    const zoneId = "0".repeat(32);
    const status = { id: "5".repeat(32), name: "status.example.net", type: "A", content: "198.51.100.7", comment: "" };
    const zone = (token: string, args: Record<string, unknown>) =>
      token === "cloudflare:index/getZone:getZone"
        ? { ...args, id: zoneId, zoneId }
        : token === "cloudflare:index/getDnsRecords:getDnsRecords"
          ? { ...args, results: [status] }
          : undefined;
    const b = await plan("cloudflare", undefined, { answerInvoke: zone });
    const addStatus = (c: Record<string, any>) => (c["homelab:edge"] = { ...c["homelab:edge"], names: ["auth", "status"] });
    await expect(plan("cloudflare", addStatus, { after: b, answerInvoke: zone })).rejects.toThrow(
      `records that exist already stand in the way (1):\n  homelab:edge.names[1]: status.example.net already has an A record that the cloudflare stack did not make (record ${status.id} → 198.51.100.7, no comment): adopt it with homelab:import: { "status.example.net/A": "${zoneId}/${status.id}" }`,
    );
    const adopt = (c: Record<string, any>) => {
      addStatus(c);
      c["homelab:import"] = { "status.example.net/A": `${zoneId}/${status.id}` };
    };
    const head = await plan("cloudflare", adopt, { after: b, answerInvoke: zone });
    const adopted = diff(b, head);
    expect(adopted.failures).toEqual([]);
    expect(operations(adopted)).toEqual({ "a-status.example.net": "import", "aaaa-status.example.net": "create" });
    expect(steps(adopted)).toEqual(["import a-status.example.net", "create aaaa-status.example.net"]);
    // The imported record now carries this stack's comment, and the entry stays: nothing to do.
    const imported = (token: string, args: Record<string, unknown>) =>
      zone(token, args) && token === "cloudflare:index/getDnsRecords:getDnsRecords"
        ? { ...args, results: [{ ...status, comment: "managed by homelab/cloudflare" }] }
        : zone(token, args);
    const next = await plan("cloudflare", adopt, { after: head, answerInvoke: imported });
    expect(operations(diff(head, next))).toEqual({});
  });
});
