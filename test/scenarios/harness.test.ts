import { describe, expect, test } from "vitest";
import { plan } from "./harness";

describe("the scenarios' plans (harness.ts)", () => {
  test("one plan per stack, config and plan read after, made once and shared frozen; a changed config or `after` is a plan of its own", async () => {
    const b = await plan("cloudflare");
    expect(await plan("cloudflare")).toBe(b);
    expect(await plan("cloudflare", (c) => (c["homelab:lab"].ttl = 600))).not.toBe(b);
    const second = await plan("cloudflare", () => undefined, { after: b });
    expect(second).not.toBe(b);
    expect(await plan("cloudflare", () => undefined, { after: b })).toBe(second);
    // Shared, so frozen: a test that changed one fails instead of changing another test's plan.
    expect(() => (b.run.resources as unknown[]).push({})).toThrow(TypeError);
    expect(() => (b.run.resources[0]!.inputs.extra = 1)).toThrow(TypeError);
    expect(() => (b.outputs.extra = 1)).toThrow(TypeError);
  });
});
