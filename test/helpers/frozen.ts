import type { Registered } from "./pulumi";

/** Freezes `value` and everything reachable through its own properties (plain recorded data). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * A run shared by several tests, with what they read frozen: the recorded resources and invokes.
 * A test that changes them throws instead of changing what the next test sees. (The program's
 * result holds live Pulumi objects, and stays as it is.)
 */
export function frozenRun<T>(r: Registered<T>): Registered<T> {
  deepFreeze(r.run.resources);
  deepFreeze(r.run.invokes);
  return r;
}
