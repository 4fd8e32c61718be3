import { describe, expect, test } from "vitest";
import { mockResource } from "../../testing/placeholders";
import { diff, operations, plan } from "./harness";

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
});
