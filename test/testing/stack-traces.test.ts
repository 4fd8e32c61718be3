import * as pulumi from "@pulumi/pulumi";
import { expect, test } from "vitest";
import { register } from "../../testing";

/** A custom resource of a type no provider has: the mocks answer it. */
class Thing extends pulumi.CustomResource {}

const resource = pulumi.Resource as unknown as { stackTrace: (skip: number) => unknown[] };

/**
 * The mock run answers no stack frames for the positions Pulumi's Resource constructor records
 * (testing/mock-runtime.ts, noResourceStackTraces), unless the run keeps stack frames.
 */
test("a mock run records no resource stack traces, and Pulumi's own is back after it", async () => {
  const original = resource.stackTrace;
  const here = original.call(pulumi.Resource, 0);
  expect(here.length).toBeGreaterThan(0);
  const r = await register(() => {
    new Thing("test:index:Thing", "t", {});
    return { same: resource.stackTrace === original, frames: resource.stackTrace(0) };
  });
  expect(r.result).toEqual({ same: false, frames: [] });
  expect(resource.stackTrace).toBe(original);
  expect(Object.getOwnPropertyDescriptor(pulumi.Resource, "stackTrace")).toEqual({
    value: original,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  expect(resource.stackTrace(0).length).toBeGreaterThan(0);
});

test("with keepStackFrames, Pulumi's own records them during the run", async () => {
  const original = resource.stackTrace;
  const r = await register(() => ({ same: resource.stackTrace === original, frames: resource.stackTrace(0).length }), {
    keepStackFrames: true,
  });
  expect(r.result.same).toBe(true);
  expect(r.result.frames).toBeGreaterThan(0);
});

test("a run that fails puts Pulumi's own back too", async () => {
  const original = resource.stackTrace;
  await expect(
    register(() => {
      throw new Error("boom");
    }),
  ).rejects.toThrow("boom");
  expect(resource.stackTrace).toBe(original);
});
