import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { register, valueOf } from "../../testing";
import { structCopy } from "../../testing/mock-monitor";

/** A custom resource of a type no provider has: the mocks answer it. */
class Thing extends pulumi.CustomResource {}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as {
  Struct: { fromJavaScript(value: unknown): { toJavaScript(): Record<string, unknown> } };
};

/** What the engine's protobuf gives back of a value: Pulumi's mock monitor sends state through it. */
const roundTrip = (value: Record<string, unknown>) => Struct.fromJavaScript(value).toJavaScript();

describe("the mock run's registration answers (testing/mock-monitor.ts)", () => {
  test("structCopy gives what google-protobuf's Struct round trip gives: same values, keys in the same order", () => {
    const inherited = Object.assign(Object.create({ fromProto: "inherited" }) as object, { own: 1 });
    const value = {
      zeta: "z",
      alpha: [3, "b", null, true, { y: 2, x: [{ q: 1, p: 0 }] }],
      "10": "ten",
      "2": "two",
      Beta: -0.5,
      beta: 1e21,
      é: "accent",
      nested: { b: { d: 1, c: 2 }, a: [] },
      inherited,
    };
    const copy = structCopy(value);
    expect(copy).toEqual(roundTrip(value));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(roundTrip(value)));
    expect(Object.keys(copy as object)).toEqual(["2", "10", "Beta", "alpha", "beta", "inherited", "nested", "zeta", "é"]);
    expect((copy as { inherited: unknown }).inherited).toEqual({ fromProto: "inherited", own: 1 });
    expect(copy).not.toBe(value);
    expect((copy as { nested: unknown }).nested).not.toBe(value.nested);
  });

  test.each([
    ["undefined", { a: undefined }],
    ["a function", { a: () => 1 }],
    ["a symbol", { a: Symbol("s") }],
    ["a bigint", { a: 1n }],
    ["undefined in a list", { a: [1, undefined] }],
  ])("structCopy fails on %s with google-protobuf's error", (_, value) => {
    expect(() => roundTrip(value)).toThrow("Unexpected struct type.");
    expect(() => structCopy(value)).toThrow("Unexpected struct type.");
  });

  test("a resource's outputs are the mock's state, its id the mock's id, and getResource reads the registered state", async () => {
    const r = await register(
      async () => {
        const res = new Thing("test:index:Thing", "t", { input: "in", out: undefined }) as pulumi.CustomResource &
          Record<string, pulumi.Output<unknown>>;
        const urn = await (res.urn as unknown as { promise(): Promise<string> }).promise();
        const got = await pulumi.runtime.invoke("pulumi:pulumi:getResource", { urn });
        return { res, got };
      },
      {
        answer: (type, name, inputs) =>
          type === "test:index:Thing" ? { id: `${name}-42`, state: { ...inputs, out: { z: 1, a: 2 } } } : undefined,
      },
    );
    const { res, got } = r.result;
    expect(await valueOf(res.id)).toEqual({ value: "t-42", secret: false, known: true });
    expect(await valueOf(res.out!)).toEqual({ value: { a: 2, z: 1 }, secret: false, known: true });
    expect(Object.keys((await valueOf(res.out!)).value as object)).toEqual(["a", "z"]);
    expect(got).toEqual({
      urn: "urn:pulumi:test::homelab::pulumi:pulumi:Stack$test:index:Thing::t",
      id: "t-42",
      state: { input: "in", out: { z: 1, a: 2 } },
    });
    expect(r.get("t").inputs).toEqual({ input: "in" });
  });
});
