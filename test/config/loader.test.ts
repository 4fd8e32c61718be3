import { describe, expect, test } from "vitest";
import { z } from "zod";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, formatKey, loadConfig, rawConfig, rawConfigFromPulumi, readPulumiConfig } from "../../config/loader";

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
  const spec = {
    sections: { a: z.strictObject({ n: z.number().int() }), list: z.array(z.strictObject({ id: z.string() })).default([]) },
    check(ctx: any) {
      const ids = ctx.elements("list").map((e: { index: number; value: { id: string } }) => e.value.id);
      if (ids.includes("bad")) ctx.report(["list"], `saw ids ${ids.join(",")}`);
    },
    resolve: (parsed: any) => ({ total: parsed.a.n + parsed.list.length }),
  };

  test("resolves a valid config", () => {
    expect(loadConfig("s", spec, rawConfig({ a: { n: 2 }, list: [{ id: "x" }] }))).toEqual({
      config: { total: 3 },
      warnings: [],
    });
  });

  test("cross checks see the valid elements of a list whose other elements are invalid", () => {
    const load = () => loadConfig("s", spec, rawConfig({ a: { n: 1 }, list: [{ id: "bad" }, { id: 7 }, { id: "ok" }] }));
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      "invalid configuration for stack s (2 problems):\n  homelab:list[1].id: must be a string, got 7\n  homelab:list: saw ids bad,ok",
    );
  });
});
