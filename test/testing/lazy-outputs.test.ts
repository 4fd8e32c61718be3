import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { register, valueOf } from "../../testing";
import { lazyOutputProperties, TRANSFER_PROPERTIES_SOURCE } from "../../testing/lazy-outputs";
import { sourceDigest } from "../../testing/source-digest";

/** A custom resource of a type no provider has: the mocks answer it. */
class Thing extends pulumi.CustomResource {}

type Resolver = (value: unknown, isKnown: boolean, isSecret: boolean, deps?: unknown[], error?: Error) => void;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  transferProperties: (onto: object, label: string, props: Record<string, unknown>) => Record<string, Resolver>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknown } = require("@pulumi/pulumi/output") as { unknown: unknown };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<Promise<unknown>> } };

const TYPE = "test:index:Thing";
/** A custom resource with inputs of each kind and outputs the engine answers or leaves out. */
const thing = (name: string) =>
  new Thing(TYPE, name, {
    plain: "text",
    secretIn: pulumi.secret("hunter2"),
    list: [1, pulumi.output("two")],
    answered: undefined,
    secretOut: undefined,
    missing: undefined,
  }) as pulumi.CustomResource & Record<string, pulumi.Output<unknown>>;
const answer = (type: string, name: string, inputs: Record<string, unknown>) =>
  type === TYPE
    ? { id: `${name}-id`, state: { ...inputs, answered: { b: 2, a: [1, { d: 4, c: 3 }] }, secretOut: pulumi.secret("s") } }
    : undefined;
const KEYS = ["plain", "secretIn", "list", "answered", "secretOut", "missing"];

/** What a test sees of each declared property: value, secret, known. */
async function seen(resource: Record<string, unknown>) {
  return Object.fromEntries(
    await Promise.all(KEYS.map(async (k) => [k, await valueOf(resource[k] as pulumi.Output<unknown>)] as const)),
  );
}

/**
 * The mock run's lazy stand-in for Pulumi's transferProperties (testing/lazy-outputs.ts): a
 * declared output property is an Output made when first read, indistinguishable from Pulumi's.
 */
describe("lazy output properties during a mock run", () => {
  const original = rpc.transferProperties;

  test("a resource made with Pulumi's own transferProperties and one made lazily show the same properties, read before or after registration", async () => {
    const r = await register(
      () => {
        const during = rpc.transferProperties;
        // The same program once with Pulumi's own (swapped back for one resource), once lazily.
        rpc.transferProperties = original;
        const eager = thing("eager");
        rpc.transferProperties = during;
        const lazy = thing("lazy");
        const missing = Object.getOwnPropertyDescriptor(lazy, "missing");
        const accessor = missing !== undefined && "get" in missing && !("value" in missing);
        const readEarly = thing("early");
        const early = readEarly.answered; // read before its registration answered: pending, then settled
        return { swapped: during !== original, accessor, eager, lazy, readEarly, early };
      },
      { answer },
    );
    expect(r.result.swapped).toBe(true);
    expect(r.result.accessor).toBe(true); // no Output made until read
    expect(rpc.transferProperties).toBe(original);
    const { eager, lazy, readEarly, early } = r.result;
    // Keys and their order on the resource, before any of the lazy ones was read.
    expect(Object.keys(lazy).filter((k) => KEYS.includes(k))).toEqual(KEYS);
    expect(KEYS.every((k) => Object.prototype.hasOwnProperty.call(lazy, k))).toBe(true);
    const expected = {
      plain: { value: "text", secret: false, known: true },
      secretIn: { value: "hunter2", secret: true, known: true },
      list: { value: [1, "two"], secret: false, known: true },
      answered: { value: { a: [1, { c: 3, d: 4 }], b: 2 }, secret: false, known: true },
      secretOut: { value: "s", secret: true, known: true },
      missing: { value: unknown, secret: false, known: false }, // preview: left out reads as unknown
    };
    expect(await seen(eager)).toEqual(expected);
    expect(await seen(lazy)).toEqual(expected);
    expect(await seen(readEarly)).toEqual(expected);
    expect(readEarly.answered).toBe(early);
    // Keys of an answered object in the order the engine's protobuf lists them (sorted), as Pulumi's.
    const keyOrder = async (o: pulumi.Output<unknown>) => JSON.stringify((await valueOf(o)).value);
    expect(await keyOrder(lazy.answered!)).toBe(await keyOrder(eager.answered!));
    expect(await keyOrder(lazy.answered!)).toBe('{"a":[1,{"c":3,"d":4}],"b":2}');
    // Once read, a plain data property holding one Output, as Pulumi's assignment makes it.
    expect(pulumi.Output.isInstance(lazy.plain)).toBe(true);
    expect(lazy.plain).toBe(lazy.plain);
    expect(Object.getOwnPropertyDescriptor(lazy, "plain")).toEqual({
      value: lazy.plain,
      writable: true,
      enumerable: true,
      configurable: true,
    });
    // The resource an Output of it depends on is the resource itself.
    expect(await (lazy.answered as unknown as { allResources(): Promise<Set<unknown>> }).allResources()).toEqual(new Set([lazy]));
  });

  test("a property set before it is read is a plain data property with the value set", async () => {
    const r = await register(() => {
      const t = thing("t");
      (t as Record<string, unknown>).plain = 42;
      return t;
    });
    expect(r.result.plain).toBe(42);
    expect(Object.getOwnPropertyDescriptor(r.result, "plain")?.writable).toBe(true);
  });

  test("a property already on the resource fails its construction with Pulumi's error", async () => {
    const run = register(() => {
      pulumi.runtime.registerStackTransformation((args) => {
        if (args.type === TYPE) (args.resource as unknown as Record<string, unknown>).plain = "early";
        return undefined;
      });
      return thing("t");
    });
    await expect(run).rejects.toThrow("Property 'plain' is already initialized on target 'resource:t[test:index:Thing]");
    expect(rpc.transferProperties).toBe(original);
  });

  test("a registration that fails fails the run with its error, and its properties reject with it", async () => {
    let made: Record<string, pulumi.Output<unknown>> | undefined;
    const run = register(
      () => {
        made = thing("bad");
        return made;
      },
      {
        answer: (type) => {
          if (type === TYPE) throw new Error("no such thing");
          return undefined;
        },
      },
    );
    await expect(run).rejects.toThrow("no such thing");
    const reason = await (made!.answered as unknown as { promise(): Promise<unknown> }).promise().then(
      () => "resolved",
      (e: Error) => e.message,
    );
    expect(reason).toBe("failed to register new resource bad [test:index:Thing]: no such thing");
  });

  test("restored, unanswered properties become Pulumi's Outputs, their promises leak candidates until answered", async () => {
    const restore = lazyOutputProperties();
    const onto = {} as Record<string, unknown>;
    let resolvers: Record<string, Resolver>;
    try {
      resolvers = rpc.transferProperties(onto, "resource:x[test:index:Thing]", { a: undefined, b: "in", id: "skip" });
    } finally {
      restore();
    }
    expect(rpc.transferProperties).toBe(original);
    expect(Object.keys(resolvers)).toEqual(["a", "b"]);
    const descriptor = Object.getOwnPropertyDescriptor(onto, "a");
    expect(descriptor !== undefined && "get" in descriptor).toBe(false);
    expect(pulumi.Output.isInstance(descriptor?.value)).toBe(true);
    expect("id" in onto).toBe(false);
    const candidates = state.getStore().leakCandidates.size;
    expect(candidates).toBeGreaterThanOrEqual(8); // four promises for each of a and b
    resolvers.a!("va", true, false);
    resolvers.b!("vb", true, true);
    expect(await valueOf(onto.a as pulumi.Output<string>)).toEqual({ value: "va", secret: false, known: true });
    expect(await valueOf(onto.b as pulumi.Output<string>)).toEqual({ value: "vb", secret: true, known: true });
    expect(state.getStore().leakCandidates.size).toBe(candidates - 8);
  });
  test("a resource frozen or sealed before a property is read answers one Output, the one Pulumi's would hold; setting it throws", async () => {
    const r = await register(
      () => {
        const frozen = Object.freeze(thing("frozen"));
        const sealed = Object.seal(thing("sealed"));
        return { frozen, sealed, first: frozen.answered, second: frozen.answered };
      },
      { answer },
    );
    const { frozen, sealed, first, second } = r.result;
    expect(pulumi.Output.isInstance(first)).toBe(true);
    expect(second).toBe(first);
    expect(sealed.plain).toBe(sealed.plain);
    const expected = { value: { a: [1, { c: 3, d: 4 }], b: 2 }, secret: false, known: true };
    expect(await valueOf(first!)).toEqual(expected);
    expect(await valueOf(sealed.answered!)).toEqual(expected);
    expect(await valueOf(frozen.secretOut!)).toEqual({ value: "s", secret: true, known: true });
    expect(() => {
      (frozen as Record<string, unknown>).plain = 1;
    }).toThrow(TypeError);
  });

  test("a read through an object whose prototype is the resource makes the resource's own Output", async () => {
    const r = await register(() => {
      const t = thing("t");
      const derived = Object.create(t) as Record<string, unknown>;
      return { t, viaDerived: derived.plain };
    });
    const { t, viaDerived } = r.result;
    expect(pulumi.Output.isInstance(viaDerived)).toBe(true);
    expect(t.plain).toBe(viaDerived);
    expect(Object.getOwnPropertyDescriptor(t, "plain")?.value).toBe(viaDerived);
  });

  describe("the stand-in's resolvers, called as the runtime calls them", () => {
    /** `transferProperties` onto a fresh object, lazily, and what puts Pulumi's back. */
    const transferred = (props: Record<string, unknown>) => {
      const restore = lazyOutputProperties();
      const onto = {} as Record<string, unknown>;
      const resolvers = rpc.transferProperties(onto, "resource:x[test:index:Thing]", props);
      return { onto, resolvers, restore };
    };

    test("the first answer is kept, before and after the Output is made, as a promise keeps its first", async () => {
      const { onto, resolvers, restore } = transferred({ early: undefined, late: undefined });
      try {
        resolvers.early!("first", true, false);
        resolvers.early!("second", true, true);
        const late = onto.late as pulumi.Output<string>;
        resolvers.late!("first", true, false);
        resolvers.late!("second", true, true);
        expect(await valueOf(onto.early as pulumi.Output<string>)).toEqual({ value: "first", secret: false, known: true });
        expect(await valueOf(late)).toEqual({ value: "first", secret: false, known: true });
      } finally {
        restore();
      }
    });

    test("an answer's dependencies reach the Output's resources, as with Pulumi's own transferProperties", async () => {
      // A stand-in for a resource the answer names (a real one would register outside a run).
      const dependency = { urn: "urn:pulumi:test::homelab::test:index:Dep::dep" };
      const eagerOnto = {} as Record<string, unknown>;
      original(eagerOnto, "resource:x[test:index:Thing]", { a: undefined }).a!("va", true, false, [dependency]);
      // Answered before the Output is made (a), and after (b).
      const { onto, resolvers, restore } = transferred({ a: undefined, b: undefined });
      try {
        resolvers.a!("va", true, false, [dependency]);
        void onto.b;
        resolvers.b!("vb", true, false, [dependency]);
      } finally {
        restore();
      }
      const resourcesOf = (o: unknown) => (o as { allResources(): Promise<Set<unknown>> }).allResources();
      expect([...(await resourcesOf(eagerOnto.a))]).toEqual([dependency, eagerOnto]);
      for (const key of ["a", "b"]) {
        const lazy = [...(await resourcesOf(onto[key]))];
        expect(lazy).toHaveLength(2);
        expect(lazy[0]).toBe(dependency);
        expect(lazy[1]).toBe(onto);
      }
    });

    test("a gRPC error of the engine going away (UNAVAILABLE, CANCELLED) is skipped: the property stays unanswered, as Pulumi's", async () => {
      const { onto, resolvers, restore } = transferred({ a: undefined, b: undefined });
      const b = onto.b as pulumi.Output<string>;
      try {
        resolvers.a!(undefined, false, false, [], Object.assign(new Error("unavailable"), { code: 14 }));
        resolvers.b!(undefined, false, false, [], Object.assign(new Error("cancelled"), { code: 1 }));
        resolvers.a!("va", true, false);
        resolvers.b!("vb", true, false);
        expect(await valueOf(onto.a as pulumi.Output<string>)).toEqual({ value: "va", secret: false, known: true });
        expect(await valueOf(b)).toEqual({ value: "vb", secret: false, known: true });
      } finally {
        restore();
      }
    });

    test("a property set while unanswered keeps the value set when the run ends", () => {
      const { onto, resolvers, restore } = transferred({ a: undefined });
      onto.a = 5;
      restore();
      expect(onto.a).toBe(5);
      resolvers.a!("va", true, false);
      expect(onto.a).toBe(5);
    });
  });

  test("the stand-in replaces only the transferProperties it was checked against: this Pulumi's, and no other", () => {
    expect(sourceDigest(original)).toBe(TRANSFER_PROPERTIES_SOURCE);
    const restore = lazyOutputProperties("the digest of another release");
    try {
      expect(rpc.transferProperties).toBe(original);
    } finally {
      restore();
    }
    expect(rpc.transferProperties).toBe(original);
  });
});
