import { afterEach, describe, expect, test } from "vitest";
import { register } from "../../testing";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  debuggablePromise: <T>(promise: Promise<T>, context: unknown) => Promise<T>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { leakCandidates: Set<Promise<unknown>> } };

/**
 * The mock run's lean stand-in for Pulumi's debuggablePromise (testing/mock-runtime.ts): the leak
 * report Pulumi prints at exit reads the same candidates, and the original is back after the run.
 */
describe("Pulumi's promise tracking during a mock run", () => {
  const original = debuggable.debuggablePromise;
  afterEach(() => {
    delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
  });

  test("a pending promise is a leak candidate until it settles (resolved or rejected); the original is back after the run", async () => {
    const seen = await register(async () => {
      const during = debuggable.debuggablePromise;
      let resolve: (v: number) => void = () => undefined;
      const pending = new Promise<number>((r) => (resolve = r));
      const tracked = debuggable.debuggablePromise(pending, "test");
      const whilePending = state.getStore().leakCandidates.has(pending);
      resolve(7);
      const value = await tracked;
      const afterResolve = state.getStore().leakCandidates.has(pending);
      const failing = Promise.reject(new Error("no"));
      const error = await debuggable.debuggablePromise(failing, "test").then(
        () => undefined,
        (e: Error & { promise?: unknown }) => e,
      );
      return {
        replaced: during !== original,
        whilePending,
        value,
        afterResolve,
        afterReject: state.getStore().leakCandidates.has(failing),
        errorPromise: error?.promise === failing,
        debugId: "_debugId" in tracked || "_debugId" in pending,
      };
    });
    expect(seen.result).toEqual({
      replaced: true,
      whilePending: true,
      value: 7,
      afterResolve: false,
      afterReject: false,
      errorPromise: true,
      debugId: false,
    });
    expect(debuggable.debuggablePromise).toBe(original);
  });

  test("with PULUMI_DEBUG_PROMISE_LEAKS set, Pulumi's own is used (ids and stack traces stamped)", async () => {
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = "1";
    const seen = await register(() => {
      const p = Promise.resolve(1);
      void debuggable.debuggablePromise(p, "test");
      return { same: debuggable.debuggablePromise === original, debugId: "_debugId" in p };
    });
    expect(seen.result).toEqual({ same: true, debugId: true });
  });
});
