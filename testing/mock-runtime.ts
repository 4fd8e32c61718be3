import { inspect } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { lazyOutputProperties } from "./lazy-outputs";
import { answerRegistrations, type MockMonitor } from "./mock-monitor";
import { mockInvoke, mockResource } from "./placeholders";

/**
 * Runs a Pulumi program under Pulumi's mock runtime, the way the Pulumi CLI would run it (inside
 * a root `pulumi:pulumi:Stack`), and records every resource registration and invoke exactly as
 * it reached the engine: inputs, parent, dependencies, options. The offline plan and the tests
 * both use this one helper.
 */

/** A value the engine would hold secret; inputs keep it wrapped so it can be masked. */
export interface SecretValue {
  readonly [pulumi.runtime.specialSigKey]: typeof pulumi.runtime.specialSecretSig;
  readonly value: unknown;
}

/** A resource registration as the engine received it. */
export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Parent URN; absent only for the root stack. */
  readonly parent?: string;
  readonly custom: boolean;
  /** Read from elsewhere rather than managed (a StackReference), as `pulumi preview` shows `read`. */
  readonly read: boolean;
  /** Provider reference `<urn>::<id>` of a custom resource. */
  readonly provider?: string;
  /** Inputs; secrets are {@link SecretValue}s, unknowns are `pulumi.runtime.unknownValue`-like sentinels. */
  readonly inputs: Record<string, unknown>;
  /** Every URN this resource waits for (explicit dependsOn and input dependencies). */
  readonly dependencies: readonly string[];
  /** Input name → the URNs that input's value came from (the engine's property dependencies). */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  /**
   * Input paths whose change replaces the resource, as the SDK sent them: the caller's option
   * and what the SDK adds itself (`@pulumi/command` adds `triggers[*]` to every command).
   */
  readonly replaceOnChanges: readonly string[];
  /** URNs whose replacement replaces this resource too. */
  readonly replaceWith: readonly string[];
  /** A value whose change replaces the resource (the `replacementTrigger` option); absent when unset. */
  readonly replacementTrigger?: unknown;
  /** The `deleteBeforeReplace` option; `undefined` when unset (the provider then decides). */
  readonly deleteBeforeReplace: boolean | undefined;
  /** Left in place, not deleted, when Pulumi deletes it (`retainOnDelete`). */
  readonly retainOnDelete: boolean;
  /** URN of the resource whose deletion takes this one with it (`deletedWith`); empty for none. */
  readonly deletedWith: string;
  /** Earlier identities of this resource (`aliases`): a URN, or the parts that differ. */
  readonly aliases: readonly RecordedAlias[];
  /** `customTimeouts`, where set (Go durations). */
  readonly customTimeouts: Readonly<{ create?: string; update?: string; delete?: string }>;
  /** Diff paths Pulumi hides from its display (`hideDiffs`). */
  readonly hideDiffs: readonly string[];
  /** The id of an existing resource to import (the `import` option); empty when created. */
  readonly importId: string;
  readonly additionalSecretOutputs: readonly string[];
  /** Plugin version and download URL the package asked for (empty for components). */
  readonly version: string;
  readonly pluginDownloadURL: string;
  /**
   * Reference of the registered package (see {@link RecordedPackage}) the resource belongs to; empty for
   * none. With one, `version` and `pluginDownloadURL` are empty: the package names the plugin.
   */
  readonly packageRef: string;
}

/** An earlier identity of a resource: its whole URN, or the parts of it that differ from now. */
export type RecordedAlias =
  | { readonly urn: string }
  | {
      readonly name?: string;
      readonly type?: string;
      readonly stack?: string;
      readonly project?: string;
      /** The parent it had (a URN), or `noParent` for none; neither means the current parent. */
      readonly parentUrn?: string;
      readonly noParent?: boolean;
    };

/**
 * An invoke as the program made it. Recorded at the SDK boundary rather than at the engine:
 * the SDK strips secretness from invoke arguments before they reach the engine, and the plan
 * must still know which ones to mask.
 */
export interface RecordedInvoke {
  readonly token: string;
  /** Serialized arguments; secrets are {@link SecretValue}s, unknowns `pulumi.runtime.unknownValue`. */
  readonly args: Record<string, unknown>;
  readonly version?: string;
  readonly pluginDownloadURL?: string;
  /** Reference of the registered package (see {@link RecordedPackage}) the SDK passed along, if any. */
  readonly packageRef?: string;
}

/** A package registration (RegisterPackage), as a parameterized SDK makes it. */
export interface RecordedPackage {
  /** The base provider plugin the engine runs, e.g. `terraform-provider`, and its version. */
  readonly name: string;
  readonly version: string;
  readonly downloadUrl: string;
  /** The package the SDK presents (e.g. `authentik`), its version and parameter bytes. */
  readonly parameterization?: { readonly name: string; readonly version: string; readonly value: Uint8Array };
  /** The package reference the engine answered with. */
  readonly ref: string;
}

/** Everything one run registered. */
export interface MockRun<T> {
  /** What the program returned. */
  readonly result: T;
  readonly resources: readonly RecordedResource[];
  readonly invokes: readonly RecordedInvoke[];
  /** Packages registered by parameterized SDKs. */
  readonly packages: readonly RecordedPackage[];
}

export interface MockRunOptions {
  readonly project?: string;
  readonly stack: string;
  /** Flat config as Pulumi passes it (`homelab:nodes` → JSON text). */
  readonly config?: Record<string, string>;
  readonly secretKeys?: readonly string[];
  /** Run as `pulumi preview` (the default) or as `pulumi up`. */
  readonly preview?: boolean;
  /**
   * The stack's own outputs from its last run, for a program that reads them through a
   * StackReference to itself (plain values; `previousSecrets` names the secret ones). Unset: none,
   * as on a first run.
   */
  readonly previousOutputs?: Readonly<Record<string, unknown>>;
  readonly previousSecrets?: readonly string[];
  /**
   * The stack outputs in what the program returned, registered on the root stack as Pulumi's
   * language host registers a program's outputs (an output that fails fails the run). Unset: none.
   */
  readonly stackOutputs?: (result: any) => Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Keep stack frames while the program runs. Pulumi's runtime captures a stack trace for every
   * promise and resource it makes, which is about half of a mock run's time, so by default a run
   * keeps none (an error a program throws then reports its message only). Turn it on to debug a
   * program that throws. @default false
   */
  readonly keepStackFrames?: boolean;
  /** Answers a resource differently from the plan's placeholders (tests); `undefined` falls back to them. */
  readonly answer?: (
    type: string,
    name: string,
    inputs: Record<string, unknown>,
  ) => { id: string; state: Record<string, unknown> } | undefined;
  /**
   * Answers an invoke differently from the plan's placeholders (tests: a zone's records, a key that
   * is not there); `undefined` falls back to them, and a throw fails the invoke as a provider's
   * error does.
   */
  readonly answerInvoke?: (token: string, args: Record<string, unknown>) => Record<string, unknown> | undefined;
}

// The mock monitor answers with callbacks; only these three calls are recorded.
type Callback = (error: Error | null, response: { getUrn(): string } | undefined) => void;
type PackageCallback = (error: Error | null, response: { getRef(): string } | undefined) => void;
interface Monitor {
  readResource(request: ReadRequest, callback: Callback): void;
  registerPackage(request: PackageRequest, callback: PackageCallback): void;
}
interface Struct {
  toJavaScript(): Record<string, unknown>;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getObject(): Struct;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(f: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getProtect(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getReplaceWithList(): string[];
  getReplacementTrigger(): { toJavaScript(): unknown } | undefined;
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getRetainondelete(): boolean;
  getDeletedwith(): string;
  getAliasesList(): AliasMessage[];
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getHidediffsList(): string[];
  getImportid(): string;
  getAdditionalsecretoutputsList(): string[];
  getVersion(): string;
  getPlugindownloadurl(): string;
  getPackageref(): string;
}

interface AliasMessage {
  getUrn(): string;
  getSpec():
    | {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        getParenturn(): string;
        getNoparent(): boolean;
      }
    | undefined;
}

interface ReadRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getProperties(): Struct;
  getDependenciesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getVersion(): string;
  getPlugindownloadurl(): string;
  getPackageref(): string;
}

interface PackageRequest {
  getName(): string;
  getVersion(): string;
  getDownloadUrl(): string;
  getParameterization(): { getName(): string; getVersion(): string; getValue_asU8(): Uint8Array } | undefined;
}

/**
 * Decodes a registration's properties as the engine holds them: a secret stays a secret where it
 * is (Pulumi's own deserializer marks a whole object secret when one value inside it is, which
 * would hide every other value of, say, a command's `environment`), unknowns stay unknown.
 */
function decode(struct: Struct): Record<string, unknown> {
  return decodeValue(struct.toJavaScript()) as Record<string, unknown>;
}

function decodeValue(value: unknown): unknown {
  const runtime = pulumi.runtime;
  if (value === runtime.unknownValue) return runtime.unknownValue;
  if (Array.isArray(value)) return value.map(decodeValue);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  const sig = record[runtime.specialSigKey];
  if (sig === runtime.specialSecretSig)
    return { [runtime.specialSigKey]: runtime.specialSecretSig, value: decodeValue(record.value) };
  if (sig !== undefined) return pulumi.runtime.deserializeProperty(value, true);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decodeValue(v)]));
}

/**
 * Where the stack of the run in progress is noted, on `globalThis` rather than in this module: a
 * second copy of this module (the built `dist/testing` beside the sources) shares Pulumi's runtime
 * state, which the SDK keeps on `globalThis` too, so it must see the same run.
 */
const RUNNING = Symbol.for("homelab.testing.runUnderMocks");

/**
 * Runs `program` as a stack under mocks and returns what it registered. Resolves only once every
 * resource the program created is registered (each URN awaited, until no new ones appear). A
 * program that returns a promise (an `async` one) is awaited first, as Pulumi's language host
 * awaits an async program; if it rejects, the run fails with its error.
 *
 * One run at a time: Pulumi's runtime state (mocks, config, the root stack, the engine connection)
 * is global to the process, so two runs at once would register into each other. A run started while
 * another is in progress is refused with an error saying so, before it touches that state.
 *
 * @example
 * import { runUnderMocks } from "homelab/testing";
 * import { GatewayApiCrds } from "homelab";
 *
 * const run = await runUnderMocks({ stack: "dev" }, async () => {
 *   const crds = new GatewayApiCrds("gateway-api");
 *   return { crds };
 * });
 * run.resources.filter((r) => r.parent === undefined).map((r) => r.type); // ["pulumi:pulumi:Stack"]
 */
export async function runUnderMocks<T>(options: MockRunOptions, program: () => T | PromiseLike<T>): Promise<MockRun<T>> {
  const slot = globalThis as { [RUNNING]?: string };
  const running = slot[RUNNING];
  if (running !== undefined) {
    throw new Error(
      `homelab/testing: register() is already running (stack ${running}); await it before starting another ` +
        `(stack ${options.stack}): Pulumi's runtime state is global to the process, so two runs at once would ` +
        `record each other's resources (test.concurrent is not supported)`,
    );
  }
  slot[RUNNING] = options.stack;
  const frames = Error.stackTraceLimit;
  if (!options.keepStackFrames) Error.stackTraceLimit = 0;
  try {
    return await runProgram(options, program);
  } finally {
    Error.stackTraceLimit = frames;
    delete slot[RUNNING];
  }
}

async function runProgram<T>(options: MockRunOptions, program: () => T | PromiseLike<T>): Promise<MockRun<T>> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = args.inputs as Record<string, unknown>;
        if (args.type === "pulumi:pulumi:StackReference" && options.previousOutputs && inputs.name === options.stack) {
          const state = { outputs: options.previousOutputs, secretOutputNames: [...(options.previousSecrets ?? [])] };
          return { id: options.stack, state };
        }
        const made = options.answer?.(args.type, args.name, inputs) ?? mockResource(args.type, args.name, inputs);
        // An imported resource keeps the id it was imported by, as the engine records it.
        return args.id ? { ...made, id: args.id } : made;
      },
      call: (args) => {
        const inputs = args.inputs as Record<string, unknown>;
        try {
          return options.answerInvoke?.(args.token, inputs) ?? mockInvoke(args.token, inputs);
        } catch (error) {
          // As the engine fails an invoke: a gRPC error whose `details` the SDK rejects with.
          const message = error instanceof Error ? error.message : String(error);
          throw Object.assign(new Error(message), { details: message });
        }
      },
    },
    options.project ?? "homelab",
    options.stack,
    options.preview ?? true,
  );
  pulumi.runtime.setAllConfig(options.config ?? {}, [...(options.secretKeys ?? [])]);

  const resources: RecordedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  answerRegistrations(monitor as unknown as MockMonitor<RegisterRequest>, (request, inputs, urn) =>
    resources.push(recordResource(request, inputs, urn)),
  );
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (request, callback) =>
    read(request, (error, response) => {
      if (!error && response) resources.push(recordRead(request, response.getUrn()));
      callback(error, response);
    });
  const packages: RecordedPackage[] = [];
  const registerPackage = monitor.registerPackage.bind(monitor);
  monitor.registerPackage = (request, callback) =>
    registerPackage(request, (error, response) => {
      if (!error && response) packages.push(recordPackage(request, response.getRef()));
      callback(error, response);
    });
  const invokes: Promise<RecordedInvoke>[] = [];
  const restore = recordInvokes(invokes);
  const restorePromises = leanDebuggablePromises();
  const restoreProperties = lazyOutputProperties();
  const restoreTraces = options.keepStackFrames ? () => undefined : noResourceStackTraces();
  // As Pulumi's language host does, a rejection nobody handles (a program's check throwing inside
  // an Output) fails the run with its message; the process's other handlers wait until we are done.
  let fail: (error: Error) => void = () => undefined;
  let failed = false;
  const rejected = new Promise<void>((_, reject) => (fail = reject));
  rejected.catch(() => (failed = true));
  const handlers = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  const onRejection = (reason: unknown) => fail(unwrapRegistrationError(reason));
  process.on("unhandledRejection", onRejection);
  // The SDK attaches handlers to a failed Output's promises late (when another Output is built
  // from it); Node then warns that a rejection was handled asynchronously. That is expected here.
  const onHandled = () => undefined;
  process.on("rejectionHandled", onHandled);
  try {
    const created: pulumi.Resource[] = [];
    let result: T | undefined;
    let failure: Error | undefined;
    // Raced against the first unhandled rejection, which ends a real run at once: a registration
    // that failed leaves every resource depending on it waiting for its URN, and the stack's RPCs
    // with them, forever.
    const run = pulumi.runtime
      .runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
          created.push(args.resource);
          return undefined;
        });
        try {
          // Awaited inside the stack, as the language host awaits an async program: what it creates
          // after its first `await` belongs to this run, and its outputs are the resolved value.
          result = await program();
        } catch (error) {
          failure = programError(error);
        }
        return failure === undefined && options.stackOutputs ? options.stackOutputs(result) : {};
      })
      .catch((error: unknown) => {
        throw unwrapRegistrationError(error);
      });
    run.catch(() => undefined);
    await Promise.race([run, rejected]);
    if (failure !== undefined) throw failure;

    // Registration is asynchronous and unordered; wait until every URN is in. A registration
    // that fails (an input whose Output threw, as a program's own check may) fails the run with
    // that error, as it fails `pulumi up`.
    // Each URN is read through its Output's own promise (as `settle` reads values): `urn.apply`
    // would build one more Output, a dozen promises, per resource only to wait for it. A URN that
    // rejects fails the run as the rejection nobody handles does.
    for (let seen = -1; seen !== created.length;) {
      const fresh = created.slice(seen === -1 ? 0 : seen);
      seen = created.length;
      const registered = Promise.all(fresh.map(urnOf)).catch((error: unknown) => {
        fail(unwrapRegistrationError(error));
        return rejected;
      });
      await Promise.race([registered, rejected]);
    }
    return { result: result as T, resources, invokes: await Promise.all(invokes), packages };
  } finally {
    // Drain every outstanding RPC (late registerOutputs, invokes) so none reaches the next run's mocks.
    // After a failure some never settle (an invoke through a provider whose registration failed
    // waits for its URN forever; the language host exits instead): they can reach no mocks either.
    try {
      const drained = pulumi.runtime.disconnect();
      if (failed) await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 100))]);
      else await drained;
    } finally {
      // Pulumi's own code back whatever happened: a stand-in left in place would outlive the run.
      restore();
      restoreProperties();
      restoreTraces();
      restorePromises();
    }
    // A failed Output rejects several promises (value, known, secret); Node reports the unhandled
    // ones after a turn of the event loop: let them reach this run's handler, not the next one's.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    process.removeListener("unhandledRejection", onRejection);
    process.removeListener("rejectionHandled", onHandled);
    for (const handler of handlers) process.on("unhandledRejection", handler);
  }
}

/** A resource's URN, through its Output's own promise. */
function urnOf(resource: pulumi.Resource): Promise<unknown> {
  return (resource.urn as unknown as { promise(withUnknowns?: boolean): Promise<unknown> }).promise(true);
}

/** Pulumi's runtime internals {@link leanDebuggablePromises} replaces (not in its type declarations). */
interface Debuggable {
  debuggablePromise: <T>(promise: Promise<T>, context: unknown) => Promise<T>;
}
interface RuntimeState {
  getStore(): { leakCandidates: Set<Promise<unknown>> };
}

/**
 * Pulumi's runtime passes every promise it makes (four per output property of every resource,
 * each RPC's) through `debuggablePromise`, which notes it as a leak candidate until it settles
 * (what `pulumi up` reports as promises still active at exit) and also stamps three debugging
 * properties on it, an id, the context and a stack trace, read only with
 * PULUMI_DEBUG_PROMISE_LEAKS set, and chains two more promises. For the run, this keeps the leak
 * candidates exactly and drops the rest (the plan of a 1,000-service catalog: ~7% less CPU time,
 * 11% less peak memory). With PULUMI_DEBUG_PROMISE_LEAKS set nothing is replaced. Returns what
 * puts the original back.
 */
function leanDebuggablePromises(): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Debuggable;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const state = require("@pulumi/pulumi/runtime/state") as RuntimeState;
  const original = debuggable.debuggablePromise;
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS || typeof original !== "function" || typeof state.getStore !== "function")
    return () => undefined;
  // Its first call sets up the report of leaked promises at exit.
  void original(Promise.resolve(), "homelab/testing");
  debuggable.debuggablePromise = <T>(promise: Promise<T>): Promise<T> => {
    const candidates = state.getStore().leakCandidates;
    candidates.add(promise);
    return promise.then(
      (value) => {
        candidates.delete(promise);
        return value;
      },
      (error: unknown) => {
        candidates.delete(promise);
        (error as { promise?: unknown }).promise = promise;
        throw error;
      },
    );
  };
  return () => {
    debuggable.debuggablePromise = original;
  };
}

/** Pulumi's Resource class, whose static `stackTrace` {@link noResourceStackTraces} replaces. */
interface ResourceClass {
  stackTrace: (skip: number) => unknown[];
}

/**
 * Pulumi's Resource constructor records where in the program each resource was created: it
 * captures the whole stack (lifting `Error.stackTraceLimit` to Infinity for it), parses every frame
 * and sends them with the registration (the engine shows the position in its diagnostics). A mock
 * run records neither, and keeps no stack frames unless asked (`keepStackFrames`), so for the run
 * this answers no frames, as Pulumi does when none are available. Returns what puts Pulumi's back.
 */
function noResourceStackTraces(): () => void {
  const resource = pulumi.Resource as unknown as ResourceClass;
  const original = resource.stackTrace;
  if (typeof original !== "function") return () => undefined;
  resource.stackTrace = () => [];
  return () => {
    resource.stackTrace = original;
  };
}

/**
 * What a program threw or rejected with, as an Error: its own Error unchanged (the message a test
 * asserts), anything else (`throw "no nodes"`, `Promise.reject(42)`) named as what the program did.
 */
function programError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  const text = typeof reason === "string" ? JSON.stringify(reason) : inspect(reason, { depth: 2 });
  return new Error(`the program failed with ${text}, not an Error`);
}

/**
 * The error a failed registration rejects with: Pulumi wraps an input's error as "error serializing
 * property ..." once per level; the program's own message is what the operator needs.
 */
function unwrapRegistrationError(reason: unknown): Error {
  const error = reason instanceof Error ? reason : new Error(String(reason));
  const message = error.message.replace(/^(error serializing property "[^"]*": )+/, "");
  return message === error.message ? error : Object.assign(new Error(message), { cause: error });
}

const INVOKE_FUNCTIONS = ["invoke", "invokeOutput", "invokeSingle", "invokeSingleOutput"] as const;
type InvokeFunction = (
  token: string,
  props: pulumi.Inputs,
  opts?: pulumi.InvokeOptions,
  packageRef?: Promise<string | undefined>,
) => unknown;

/** Wraps the runtime's invoke functions (which SDKs call at call time) to record each call. */
function recordInvokes(into: Promise<RecordedInvoke>[]): () => void {
  const runtime = pulumi.runtime as unknown as Record<(typeof INVOKE_FUNCTIONS)[number], InvokeFunction>;
  const originals = INVOKE_FUNCTIONS.map((name) => [name, runtime[name]] as const);
  for (const [name, original] of originals) {
    runtime[name] = (token, props, opts = {}, packageRef) => {
      // Read now: with a package reference the runtime clears `version` and `pluginDownloadURL` in `opts`.
      const { version, pluginDownloadURL } = opts;
      into.push(
        Promise.all([pulumi.runtime.serializeProperties(`invoke:${token}`, props), packageRef]).then(([args, ref]) => ({
          token,
          args,
          version,
          pluginDownloadURL,
          packageRef: ref,
        })),
      );
      return original(token, props, opts, packageRef);
    };
  }
  return () => {
    for (const [name, original] of originals) runtime[name] = original;
  };
}

/** A registration as the engine received it; `inputs` are its properties as the Struct holds them. */
function recordResource(request: RegisterRequest, inputs: Record<string, unknown>, urn: string): RecordedResource {
  return {
    urn,
    type: request.getType(),
    name: request.getName(),
    parent: request.getParent() || undefined,
    custom: request.getCustom(),
    read: false,
    provider: request.getProvider() || undefined,
    inputs: decodeValue(inputs) as Record<string, unknown>,
    dependencies: request.getDependenciesList(),
    propertyDependencies: propertyDependencies(request),
    protect: request.getProtect(),
    ignoreChanges: request.getIgnorechangesList(),
    replaceOnChanges: request.getReplaceonchangesList(),
    replaceWith: request.getReplaceWithList(),
    ...replacementTrigger(request),
    deleteBeforeReplace: request.getDeletebeforereplacedefined() ? request.getDeletebeforereplace() : undefined,
    retainOnDelete: request.getRetainondelete(),
    deletedWith: request.getDeletedwith(),
    aliases: request.getAliasesList().map(recordAlias),
    customTimeouts: timeouts(request.getCustomtimeouts()),
    hideDiffs: request.getHidediffsList(),
    importId: request.getImportid(),
    additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    version: request.getVersion(),
    pluginDownloadURL: request.getPlugindownloadurl(),
    packageRef: request.getPackageref(),
  };
}

function propertyDependencies(request: RegisterRequest): Record<string, string[]> {
  const deps: Record<string, string[]> = {};
  request.getPropertydependenciesMap().forEach((value, key) => {
    deps[key] = value.getUrnsList();
  });
  return Object.fromEntries(
    Object.keys(deps)
      .sort()
      .map((k) => [k, deps[k]!]),
  );
}

/** The `replacementTrigger` option, decoded like inputs (secrets stay wrapped), when set. */
function replacementTrigger(request: RegisterRequest): { replacementTrigger?: unknown } {
  const value = request.getReplacementTrigger();
  if (value === undefined) return {};
  return { replacementTrigger: decodeValue(value.toJavaScript()) };
}

function recordAlias(alias: AliasMessage): RecordedAlias {
  const spec = alias.getSpec();
  if (!spec) return { urn: alias.getUrn() };
  const parts = {
    name: spec.getName(),
    type: spec.getType(),
    stack: spec.getStack(),
    project: spec.getProject(),
    parentUrn: spec.getParenturn(),
  };
  return {
    ...Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== "")),
    ...(spec.getNoparent() ? { noParent: true } : {}),
  };
}

function timeouts(message: ReturnType<RegisterRequest["getCustomtimeouts"]>): RecordedResource["customTimeouts"] {
  if (!message) return {};
  const parts = { create: message.getCreate(), update: message.getUpdate(), delete: message.getDelete() };
  return Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== ""));
}

function recordRead(request: ReadRequest, urn: string): RecordedResource {
  return {
    urn,
    type: request.getType(),
    name: request.getName(),
    parent: request.getParent() || undefined,
    custom: true,
    read: true,
    provider: request.getProvider() || undefined,
    inputs: decode(request.getProperties()),
    dependencies: request.getDependenciesList(),
    propertyDependencies: {},
    protect: false,
    ignoreChanges: [],
    replaceOnChanges: [],
    replaceWith: [],
    deleteBeforeReplace: undefined,
    retainOnDelete: false,
    deletedWith: "",
    aliases: [],
    customTimeouts: {},
    hideDiffs: [],
    importId: "",
    additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    version: request.getVersion(),
    pluginDownloadURL: request.getPlugindownloadurl(),
    packageRef: request.getPackageref(),
  };
}

function recordPackage(request: PackageRequest, ref: string): RecordedPackage {
  const parameterization = request.getParameterization();
  return {
    name: request.getName(),
    version: request.getVersion(),
    downloadUrl: request.getDownloadUrl(),
    parameterization: parameterization && {
      name: parameterization.getName(),
      version: parameterization.getVersion(),
      value: parameterization.getValue_asU8(),
    },
    ref,
  };
}

/**
 * True for a value the engine holds secret: a recorded input (or part of one) that was a secret
 * Output. See `reveal` of `homelab/testing` to unwrap it.
 *
 * @example
 * expect(isSecretValue(r.get("cert-manager-cloudflare-token").inputs.stringData)).toBe(true);
 */
export function isSecretValue(value: unknown): value is SecretValue {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

/** What an Output holds once settled: known or not, secret or not, and the value. */
export interface Settled {
  readonly known: boolean;
  readonly secret: boolean;
  readonly value: unknown;
}

/**
 * Settles an Output without running apply callbacks, so unknown values (a preview) do not hang.
 * Uses the Output's own promises, as Pulumi-generated SDKs do for method calls.
 *
 * @example
 * await settle(pulumi.secret("hunter2")); // { known: true, secret: true, value: "hunter2" }
 * await settle(new OidcApp("grafana", args).clientSecret); // secret: true
 */
export async function settle(input: pulumi.Input<unknown>): Promise<Settled> {
  const output = pulumi.output(input) as unknown as {
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
    promise(withUnknowns?: boolean): Promise<unknown>;
  };
  const [known, secret, value] = await Promise.all([output.isKnown, output.isSecret, output.promise(true)]);
  return { known, secret, value };
}
