import * as pulumi from "@pulumi/pulumi";
import { isSecretValue, runUnderMocks, settle, type MockRun, type MockRunOptions, type RecordedResource } from "./mock-runtime";

/**
 * The `homelab/testing` entry: run a program (or a component) under Pulumi's mocks exactly as this
 * project's own tests and offline plan do, then look up what it registered.
 *
 * @example
 * import { register, valueOf } from "homelab/testing";
 * const r = await register(() => new CiliumInstall("cilium", { loadBalancerPool: [{ cidr: "10.0.0.224/28" }] }));
 * expect(r.childrenOf(r.get("cilium", CiliumInstall.__pulumiType))).toEqual([...]);
 */
export {
  isSecretValue,
  runUnderMocks,
  settle,
  type MockRun,
  type MockRunOptions,
  type RecordedAlias,
  type RecordedInvoke,
  type RecordedPackage,
  type RecordedResource,
  type SecretValue,
  type Settled,
} from "./mock-runtime";
export { mockInvoke, mockResource, placeholder, STACK_OUTPUTS } from "./placeholders";
// The engine-faithful diff: what `pulumi up` will do with a change (docs/plan-diff.md).
export {
  engineDiff,
  MASK,
  UNKNOWN,
  type EngineDiff,
  type EngineDiffOptions,
  type InputChange,
  type Operation,
  type PlannedAlias,
  type PlannedResource,
  type PlannedStack,
  type ResourceStep,
  type ScriptRun,
  type SequenceStep,
} from "./engine";
export { mask, plannedResource } from "./planned";
export { PROVIDER_RULES, rulesFor, type ReplaceOn, type TypeRules } from "./provider-rules";
export { contains, formatPath, parsePath, type Segment } from "./paths";

/** What a run registered, with lookups by name, type and parent. */
export class Registered<T> {
  constructor(readonly run: MockRun<T>) {}

  get result(): T {
    return this.run.result;
  }

  /** Every resource of a type, sorted by name. */
  ofType(type: string): RecordedResource[] {
    return this.run.resources.filter((r) => r.type === type).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The one resource with this name (and type, when names repeat across types). */
  get(name: string, type?: string): RecordedResource {
    const found = this.run.resources.filter((r) => r.name === name && (type === undefined || r.type === type));
    if (found.length !== 1)
      throw new Error(`expected one resource named ${name}${type ? ` of ${type}` : ""}, found ${found.length}`);
    return found[0]!;
  }

  /** Direct children of a resource, as `type::name`, sorted. */
  childrenOf(parent: RecordedResource): string[] {
    return this.run.resources
      .filter((r) => r.parent === parent.urn)
      .map((r) => `${r.type}::${r.name}`)
      .sort();
  }

  /** URN → `name` for readable dependency assertions. */
  names(urns: readonly string[]): string[] {
    return urns.map((urn) => this.run.resources.find((r) => r.urn === urn)?.name ?? urn).sort();
  }

  invokes(token: string) {
    return this.run.invokes.filter((i) => i.token === token);
  }
}

/**
 * Runs `program` as a stack (default name `test`) under the mocks and waits until every resource
 * it created is registered.
 */
export async function register<T>(program: () => T, options: Partial<MockRunOptions> = {}): Promise<Registered<T>> {
  return new Registered(await runUnderMocks({ stack: "test", ...options }, program));
}

/** The value of an Output, with its secretness. */
export async function valueOf<T>(input: pulumi.Input<T>): Promise<{ value: T; secret: boolean; known: boolean }> {
  const settled = await settle(input);
  return { value: settled.value as T, secret: settled.secret, known: settled.known };
}

/** Unwraps `{[sig]: secret, value}` inputs for value assertions; returns [value, wasSecret]. */
export function reveal(value: unknown): [unknown, boolean] {
  return isSecretValue(value) ? [value.value, true] : [value, false];
}
