import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { register, valueOf } from "../../testing";
import { answerRegistrations, REGISTER_RESOURCE_SOURCE, structCopy, type MockMonitor } from "../../testing/mock-monitor";
import { sourceDigest } from "../../testing/source-digest";

/** A custom resource of a type no provider has: the mocks answer it. */
class Thing extends pulumi.CustomResource {}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as {
  Struct: { fromJavaScript(value: unknown): { toJavaScript(): Record<string, unknown> } };
};

/** What the engine's protobuf gives back of a value: Pulumi's mock monitor sends state through it. */
const roundTrip = (value: Record<string, unknown>) => Struct.fromJavaScript(value).toJavaScript();

/* eslint-disable @typescript-eslint/no-require-imports */
const { MockMonitor: PulumiMockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
  MockMonitor: new (mocks: unknown) => MockMonitor<Request>;
};
const resproto = require("@pulumi/pulumi/proto/resource_pb") as {
  RegisterResourceRequest: new () => Request & {
    setType(v: string): void;
    setName(v: string): void;
    setParent(v: string): void;
    setProvider(v: string): void;
    setCustom(v: boolean): void;
    setImportid(v: string): void;
    setObject(v: unknown): void;
  };
  RegisterResourceResponse: new () => unknown;
};
const rpc = require("@pulumi/pulumi/runtime/rpc") as Record<string, string>;
/* eslint-enable @typescript-eslint/no-require-imports */
type Request = Parameters<Parameters<typeof answerRegistrations>[1]>[0];
interface Response {
  getUrn(): string;
  getId(): string;
  getObject(): { toJavaScript(): Record<string, unknown> };
  getPropertydependenciesMap(): { getLength(): number } | undefined;
  getResult(): number;
}

/** A RegisterResourceRequest as the runtime sends one: a secret, an unknown and nested values among its inputs. */
function request(name: string) {
  const req = new resproto.RegisterResourceRequest();
  req.setType("test:index:Thing");
  req.setName(name);
  req.setParent("urn:pulumi:test::homelab::pulumi:pulumi:Stack::homelab-test");
  req.setProvider("urn:pulumi:test::homelab::pulumi:providers:test::default::provider-id");
  req.setCustom(true);
  req.setImportid("imported-id");
  req.setObject(
    Struct.fromJavaScript({
      plain: "text",
      nested: { z: [1, { b: true, a: null }], a: "first" },
      secret: { [rpc.specialSigKey!]: rpc.specialSecretSig, value: "hunter2" },
      unknown: rpc.unknownValue,
    }),
  );
  return req;
}

/** What a monitor does with one request: the mocks' arguments, the response's getters, what it keeps. */
async function answered(monitor: MockMonitor<Request>, calls: unknown[], name: string) {
  const [error, response] = await new Promise<[Error | null, Response | undefined]>((resolve) => {
    void monitor.registerResource(request(name), (e, r) => resolve([e, r]));
  });
  if (error || !response) return { error: error?.message, args: calls };
  const object = response.getObject().toJavaScript();
  return {
    args: calls,
    urn: response.getUrn(),
    id: response.getId(),
    object,
    keys: JSON.stringify(object),
    dependencies: response.getPropertydependenciesMap()?.getLength() ?? 0,
    result: response.getResult(),
    kept: [...monitor.resources.values()],
  };
}

/** Mocks that answer the inputs with an output of their own (or fail, for `fail`), noting what they were asked. */
function mocks(calls: unknown[]) {
  return {
    newResource(args: { name: string; inputs: Record<string, unknown> }) {
      calls.push(args);
      if (args.name === "fail") throw new Error("no such thing");
      return { id: `${args.name}-42`, state: { ...args.inputs, out: { z: 1, a: pulumi.secret("s") } } };
    },
    call: () => ({}),
  };
}

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
  test("a registration is answered as Pulumi's own MockMonitor answers it: the mocks' arguments, every getter of the response, what the monitor keeps; a failure alike", async () => {
    const r = await register(async () => {
      const compared = [];
      for (const name of ["t", "fail"]) {
        const pulumiCalls: unknown[] = [];
        const ourCalls: unknown[] = [];
        const recorded: unknown[] = [];
        const ours = new PulumiMockMonitor(mocks(ourCalls));
        answerRegistrations(ours, (req, inputs, urn) => recorded.push([req.getName(), inputs, urn]));
        compared.push({
          pulumi: await answered(new PulumiMockMonitor(mocks(pulumiCalls)), pulumiCalls, name),
          ours: await answered(ours, ourCalls, name),
          recorded,
        });
      }
      return compared;
    });
    const [ok, failed] = r.result;
    expect(ok!.ours).toEqual(ok!.pulumi);
    expect(ok!.ours.keys).toBe(ok!.pulumi.keys);
    expect(ok!.pulumi).toMatchObject({
      urn: "urn:pulumi:test::homelab::pulumi:pulumi:Stack$test:index:Thing::t",
      id: "t-42",
      dependencies: 0,
      result: 0,
    });
    expect(ok!.pulumi.args).toEqual([
      {
        type: "test:index:Thing",
        name: "t",
        inputs: {
          plain: "text",
          nested: { z: [1, { b: true, a: null }], a: "first" },
          // As Pulumi's deserializer leaves them for mocks: a secret in its envelope, an unknown as Pulumi's marker.
          secret: { [rpc.specialSigKey!]: rpc.specialSecretSig, value: "hunter2" },
          unknown: expect.objectContaining({ __pulumiUnknown: true }),
        },
        provider: "urn:pulumi:test::homelab::pulumi:providers:test::default::provider-id",
        custom: true,
        id: "imported-id",
      },
    ]);
    expect(ok!.recorded).toEqual([["t", request("t").getObject().toJavaScript(), ok!.pulumi.urn]]);
    expect(failed!.ours).toEqual(failed!.pulumi);
    expect(failed!.pulumi).toEqual({ error: "no such thing", args: [expect.objectContaining({ name: "fail" })] });
    expect(failed!.recorded).toEqual([]);
  });

  test("it replaces only the registerResource it was checked against; with another, Pulumi's own answers and the record still gets each registration", async () => {
    expect(sourceDigest(PulumiMockMonitor.prototype.registerResource)).toBe(REGISTER_RESOURCE_SOURCE);
    const r = await register(async () => {
      const calls: unknown[] = [];
      const recorded: unknown[] = [];
      const monitor = new PulumiMockMonitor(mocks(calls));
      answerRegistrations(
        monitor,
        (req, inputs, urn) => recorded.push([req.getName(), inputs, urn]),
        "the digest of another release",
      );
      const response = await new Promise<unknown>((resolve) => {
        void monitor.registerResource(request("t"), (_e, res) => resolve(res));
      });
      return { response, recorded };
    });
    expect(r.result.response).toBeInstanceOf(resproto.RegisterResourceResponse);
    expect(r.result.recorded).toEqual([
      ["t", request("t").getObject().toJavaScript(), "urn:pulumi:test::homelab::pulumi:pulumi:Stack$test:index:Thing::t"],
    ]);
  });
});
