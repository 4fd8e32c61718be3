import { describe, expect, test } from "vitest";
import { z } from "zod";
import * as pulumi from "@pulumi/pulumi";
import {
  ConfigError,
  formatKey,
  loadConfig,
  rawConfig,
  rawConfigFromPulumi,
  readPulumiConfig,
  validPart,
  type CheckContext,
} from "../../config/loader";

describe("formatKey", () => {
  test.each<[(string | number)[], string]>([
    [["nodes", 2, "ip"], "homelab:nodes[2].ip"],
    [["cluster"], "homelab:cluster"],
    [["machine", "sysctls", "net.core.bpf_jit_harden"], 'homelab:machine.sysctls["net.core.bpf_jit_harden"]'],
  ])("%j → %s", (path, key) => expect(formatKey(path)).toBe(key));
});

describe("rawConfigFromPulumi", () => {
  test("keeps homelab keys, decodes structured values, keeps text as text, marks secret keys", () => {
    const raw = rawConfigFromPulumi(
      {
        "homelab:nodes": '[{"name":"cp1"}]',
        "homelab:proxmox": '{"endpoint":"https://pve:8006"}',
        "homelab:label": "not json",
        "homelab:count": "3",
        "proxmoxve:endpoint": "https://elsewhere",
      },
      (key) => key === "homelab:proxmox",
    );
    expect(raw.values).toEqual({
      nodes: [{ name: "cp1" }],
      proxmox: { endpoint: "https://pve:8006" },
      label: "not json",
      count: 3,
    });
    expect([...raw.secretKeys]).toEqual(["proxmox"]);
  });
});

test("readPulumiConfig reads the running stack's config and which keys are encrypted", () => {
  pulumi.runtime.setAllConfig({ "homelab:nodes": "[]", "homelab:proxmox": '{"apiToken":"t"}', "talos:imageFactoryUrl": "x" }, [
    "homelab:proxmox",
  ]);
  try {
    const raw = readPulumiConfig();
    expect(raw.values).toEqual({ nodes: [], proxmox: { apiToken: "t" } });
    expect([...raw.secretKeys]).toEqual(["proxmox"]);
  } finally {
    pulumi.runtime.setAllConfig({});
  }
});

describe("loadConfig", () => {
  const item = z.strictObject({ id: z.string(), size: z.number().int().default(1) });
  const spec = {
    sections: { a: z.strictObject({ n: z.number().int(), m: z.number().optional() }), list: z.array(item).default([]) },
    check(ctx: CheckContext<any>) {
      const ids = (ctx.valid.list ?? []).map((e: { id?: string } | undefined) => e?.id ?? "?");
      if (ids.includes("bad")) ctx.report(["list"], `saw ids ${ids.join(",")}`);
      if (ctx.valid.a?.n === 13) ctx.warn(["a", "n"], "is unlucky");
      if (ctx.given(["a", "m"]) && ctx.invalid(["a", "m"]))
        ctx.report(["a"], `m is given as ${JSON.stringify(ctx.raw(["a", "m"]))}`);
    },
    resolve: (parsed: any) => ({ total: parsed.a.n + parsed.list.length }),
  };

  test("resolves a valid config", () => {
    expect(loadConfig("s", spec, rawConfig({ a: { n: 2 }, list: [{ id: "x" }] }))).toEqual({
      config: { total: 3 },
      warnings: [],
    });
  });

  test("checks see every valid field, even of invalid sections and elements; lists keep their indices; problems come by section, then by index", () => {
    const load = () =>
      loadConfig(
        "s",
        spec,
        rawConfig({ a: { n: 1, m: "x", extra: 1 }, list: [{ id: "bad" }, { id: 7 }, "junk", { id: "ok", size: 0.5 }] }),
      );
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      [
        "invalid configuration for stack s (7 problems):",
        '  homelab:a.m: must be a number, got "x"',
        "  homelab:a.extra: unknown key (known keys: n, m)",
        '  homelab:a: m is given as "x"',
        "  homelab:list: saw ids bad,?,?,ok",
        "  homelab:list[1].id: must be a string, got 7",
        '  homelab:list[2]: must be a map, got "junk"',
        "  homelab:list[3].size: must be an integer, got 0.5",
      ].join("\n"),
    );
  });

  test("warnings from checks carry their key; a namespace other than homelab shows in keys", () => {
    expect(loadConfig("s", spec, rawConfig({ a: { n: 13 } }), { namespace: "lab" }).warnings).toEqual(["lab:a.n: is unlucky"]);
    expect(() => loadConfig("s", spec, rawConfig({ a: { n: "x" } }), { namespace: "lab" })).toThrow(
      'invalid configuration for stack s (1 problem):\n  lab:a.n: must be a number, got "x"',
    );
  });
});

describe("validPart", () => {
  const schema = z.strictObject({
    name: z.string(),
    count: z.number().default(3),
    nested: z
      .strictObject({ on: z.boolean(), tags: z.array(z.string()) })
      .partial()
      .default({}),
    device: z.preprocess((v) => (typeof v === "string" ? { id: v } : v), z.strictObject({ id: z.string().min(2) })).optional(),
    secret: z.string().transform((v) => v.length),
    labels: z.record(z.string().regex(/^[a-z]+$/), z.string().max(3)).optional(),
    rollout: z.strictObject({ max: z.number().default(1), timeout: z.string() }).prefault({ timeout: "5m" }),
  });

  test.each<[string, unknown, unknown]>([
    [
      "a valid value is parsed whole",
      { name: "a", secret: "xyz" },
      { name: "a", count: 3, nested: {}, secret: 3, rollout: { max: 1, timeout: "5m" } },
    ],
    [
      "invalid fields are left out, also inside a prefaulted object",
      { name: 1, count: "2", secret: "ab", rollout: { max: "2", timeout: "1m" } },
      { nested: {}, secret: 2, rollout: { timeout: "1m" } },
    ],
    [
      "lists keep their length, invalid elements undefined",
      { nested: { on: "yes", tags: ["a", 2, "c"] } },
      { count: 3, nested: { tags: ["a", undefined, "c"] }, rollout: { max: 1, timeout: "5m" } },
    ],
    [
      "preprocessing applies before the fields are looked at",
      { device: "x" },
      { count: 3, nested: {}, device: {}, rollout: { max: 1, timeout: "5m" } },
    ],
    [
      "preprocessing applies before the fields are looked at (valid)",
      { device: "xy" },
      { count: 3, nested: {}, device: { id: "xy" }, rollout: { max: 1, timeout: "5m" } },
    ],
    ["a value of the wrong kind is left out whole", "text", undefined],
    [
      "maps keep their valid entries",
      { labels: { ok: "yes", BAD: "x", long: "toolong" } },
      { count: 3, nested: {}, labels: { ok: "yes" }, rollout: { max: 1, timeout: "5m" } },
    ],
  ])("%s", (_name, raw, expected) => expect(validPart(schema, raw)).toEqual(expected));
});
