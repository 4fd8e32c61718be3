/**
 * The mock run's lazy stand-in for Pulumi's `transferProperties` (runtime/rpc.js of @pulumi/pulumi
 * 3.248): the declared output properties of a resource are Outputs made when first read.
 *
 * Pulumi gives a resource one Output for each of its properties (a dozen on a typical resource) the
 * moment it is constructed: four tracked promises each, and about a dozen more inside the Output.
 * The program creates every resource before any registration settles, so all of them are alive at
 * once; at 1,000 services that is most of the run's promises and of its garbage collection. Most
 * properties are never read. Here each one is an accessor until it is first read, or set: reading
 * it makes exactly the Output Pulumi would have made (the same class, over the same four promises
 * passed through the runtime's `debuggablePromise`), already settled if the registration has
 * answered, and pending until it answers otherwise; it is then a plain data property, as Pulumi's
 * is. What the engine answers is kept in the meantime, as the Output's promises would keep it.
 *
 * What differs:
 * - Until its first read a property is an accessor: `Object.getOwnPropertyDescriptor` shows a getter,
 *   and so do `util.inspect` and `console.log` of the resource. Read, it is the Output Pulumi makes.
 * - The accessors are shared by every resource and find the resource through the receiver (the
 *   resource, or an object whose prototype chain holds it): a read through a `Proxy` of a resource,
 *   or `Reflect.get` with an unrelated receiver, gives `undefined` until the property was read directly.
 * - A resource frozen or sealed before a property is read keeps the accessor, which answers the one
 *   Output made at the first read (setting the property throws a TypeError, as it does on Pulumi's).
 * - No promise exists for a property nobody read, so there is no leak candidate for it;
 *   {@link lazyOutputProperties}'s restore makes the Outputs of every property still unanswered,
 *   which puts their promises among the leak candidates, as Pulumi's are.
 *
 * The stand-in is a copy of Pulumi's own code, so it replaces only the `transferProperties` whose
 * source it was checked against ({@link TRANSFER_PROPERTIES_SOURCE}); with another Pulumi release the
 * run keeps Pulumi's, slower and the same.
 */
import * as pulumi from "@pulumi/pulumi";
import { sourceDigest } from "./source-digest";

/**
 * The sha256 of `transferProperties`'s source in @pulumi/pulumi 3.248.0 (runtime/rpc.js), the code
 * {@link transferLazily} copies.
 */
export const TRANSFER_PROPERTIES_SOURCE = "b3b1e2c206b5fca7334f628e29a693659092c7e9ae5dc357c89720d87d213937";

/** The internals of @pulumi/pulumi this replaces or calls (not in its type declarations). */
interface Rpc {
  transferProperties: (onto: object, label: string, props: Record<string, unknown>) => Record<string, Resolver>;
}
interface OutputModule {
  Output: new (
    resources: object,
    promise: Promise<unknown>,
    isKnown: Promise<boolean>,
    isSecret: Promise<boolean>,
    allResources: Promise<unknown[]>,
  ) => unknown;
  OutputToStringError: { isInstance(value: unknown): boolean };
}
interface Debuggable {
  debuggablePromise: <T>(promise: Promise<T>, context: unknown) => Promise<T>;
  debugPromiseLeaks: boolean;
}
interface Errors {
  isGrpcError(error: unknown): boolean;
}

/** How the runtime answers a property once the engine has: Pulumi's resolver signature. */
type Resolver = (value: unknown, isKnown: boolean, isSecret: boolean, deps?: unknown[], error?: Error) => void;

/* eslint-disable @typescript-eslint/no-require-imports */
const rpc = require("@pulumi/pulumi/runtime/rpc") as Rpc;
const outputs = require("@pulumi/pulumi/output") as OutputModule;
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Debuggable;
const errors = require("@pulumi/pulumi/errors") as Errors;
/* eslint-enable @typescript-eslint/no-require-imports */

const PENDING = 0;
const RESOLVED = 1;
const REJECTED = 2;
const MADE = 3;

/** One declared property of one resource, until its Output is made. */
interface Cell {
  readonly onto: object;
  readonly key: string;
  readonly label: string;
  /** The input as Pulumi names it in the promises' debugging context. */
  readonly propString: string;
  state: typeof PENDING | typeof RESOLVED | typeof REJECTED | typeof MADE;
  value: unknown;
  isKnown: boolean;
  isSecret: boolean;
  /** The answer's dependencies; unset for none (an empty list made when the Output is). */
  deps: unknown[] | undefined;
  error: Error | undefined;
  /** Once made while pending: the resolver of its promises. */
  settle: Resolver | undefined;
  /** Once made: the Output (kept while the resource holds the accessor: frozen or sealed since). */
  output: unknown;
}

/** The cells of each resource whose properties are not all made yet, by key. */
const cells = new WeakMap<object, Map<string, Cell>>();
/** The cells still unanswered, while a run is in progress (see the restore). */
let unanswered: Set<Cell> | undefined;

/** Pulumi's `safeToString`: an input's text for the debugging context; other errors propagate. */
function safeToString(value: unknown): string {
  try {
    return `${value as string}`;
  } catch (error) {
    if (outputs.OutputToStringError.isInstance(error)) return "Output<T>";
    throw error;
  }
}

/** The property's Output, as Pulumi's `transferProperties` builds it, over settled or pending promises. */
function make(cell: Cell): unknown {
  const { label, key, propString } = cell;
  const tracked = <T>(promise: Promise<T>, context: string) => debuggable.debuggablePromise(promise, context);
  let value: Promise<unknown>, isKnown: Promise<boolean>, isSecret: Promise<boolean>, deps: Promise<unknown[]>;
  if (cell.state === RESOLVED) {
    value = Promise.resolve(cell.value);
    isKnown = Promise.resolve(cell.isKnown);
    isSecret = Promise.resolve(cell.isSecret);
    deps = Promise.resolve(cell.deps ?? []);
  } else if (cell.state === REJECTED) {
    const error = cell.error as Error;
    value = Promise.reject(error);
    isKnown = Promise.reject(error);
    isSecret = Promise.reject(error);
    deps = Promise.reject(error);
  } else {
    const settlers: ((v: unknown) => void)[] = [];
    const rejecters: ((e: unknown) => void)[] = [];
    const pending = <T>() =>
      new Promise<T>((resolve, reject) => {
        settlers.push(resolve as (v: unknown) => void);
        rejecters.push(reject);
      });
    value = pending();
    isKnown = pending();
    isSecret = pending();
    deps = pending();
    cell.settle = (v, known, secret, d = [], error) => {
      if (error) rejecters.forEach((reject) => reject(error));
      else [v, known, secret, d].forEach((x, i) => settlers[i]!(x));
    };
  }
  const rejected = cell.state === REJECTED;
  cell.state = MADE;
  unanswered?.delete(cell);
  const output = new outputs.Output(
    cell.onto,
    tracked(value, `transferProperty(${label}, ${key}, ${propString})`),
    tracked(isKnown, `transferIsStable(${label}, ${key}, ${propString})`),
    tracked(isSecret, `transferIsSecret(${label}, ${key}, ${propString})`),
    tracked(deps, `transferDeps(${label}, ${key}, ${propString})`),
  ) as { isKnown: Promise<boolean>; isSecret: Promise<boolean> };
  if (rejected) {
    // Pulumi's Output rejected these two unseen when the registration failed (its failure went to
    // the run then); made now, they would report the same failure again, outside the run.
    output.isKnown.catch(() => undefined);
    output.isSecret.catch(() => undefined);
  }
  return output;
}

/** The resource (`target` or one of its prototypes) holding `key`'s cell, and the cell. */
function cellOf(target: object, key: string): Cell | undefined {
  for (let o: object | null = target; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    const cell = cells.get(o)?.get(key);
    if (cell !== undefined) return cell;
  }
  return undefined;
}

/** As `onto[key] = value` makes it: a plain data property. */
function dataProperty(onto: object, key: string, value: unknown): void {
  Object.defineProperty(onto, key, { value, writable: true, enumerable: true, configurable: true });
}

function forget(cell: Cell): void {
  const own = cells.get(cell.onto);
  own?.delete(cell.key);
  if (own?.size === 0) cells.delete(cell.onto);
}

/**
 * The cell's Output, made once, and put on the resource as the data property Pulumi's assignment
 * made; a resource frozen or sealed since keeps the accessor, which answers the same Output.
 */
function materialize(cell: Cell): unknown {
  cell.output ??= make(cell);
  if (Object.getOwnPropertyDescriptor(cell.onto, cell.key)?.configurable) {
    forget(cell);
    dataProperty(cell.onto, cell.key, cell.output);
  }
  return cell.output;
}

/** One accessor pair per property name, shared by every resource (the resource is `this`). */
const accessors = new Map<string, PropertyDescriptor>();
function accessorFor(key: string): PropertyDescriptor {
  let descriptor = accessors.get(key);
  if (descriptor === undefined) {
    descriptor = {
      get(this: object) {
        const cell = cellOf(this, key);
        return cell === undefined ? undefined : materialize(cell);
      },
      set(this: object, value: unknown) {
        // Pulumi's Output was replaced before anyone saw it; it would still settle, unseen.
        dataProperty(this, key, value);
      },
      enumerable: true,
      configurable: true,
    };
    accessors.set(key, descriptor);
  }
  return descriptor;
}

/** The stand-in for Pulumi's `transferProperties(onto, label, props)`: same resolvers, same errors. */
function transferLazily(onto: object, label: string, props: Record<string, unknown>): Record<string, Resolver> {
  const resolvers: Record<string, Resolver> = {};
  let own = cells.get(onto);
  for (const key of Object.keys(props)) {
    if (key === "id" || key === "urn") continue;
    if (Object.prototype.hasOwnProperty.call(onto, key))
      throw new Error(`Property '${key}' is already initialized on target '${label}`);
    const input = props[key];
    const cell: Cell = {
      onto,
      key,
      label,
      propString: pulumi.Output.isInstance(input) ? "Output<T>" : safeToString(input),
      state: PENDING,
      value: undefined,
      isKnown: false,
      isSecret: false,
      deps: undefined,
      error: undefined,
      settle: undefined,
      output: undefined,
    };
    resolvers[key] = (value, isKnown, isSecret, deps, error) => {
      if (error) {
        if (errors.isGrpcError(error)) {
          if (debuggable.debugPromiseLeaks) console.error("info: skipped rejection in transferProperties");
          return;
        }
      }
      if (cell.state === MADE) {
        cell.settle?.(value, isKnown, isSecret, deps, error);
        return;
      }
      if (cell.state !== PENDING) return; // settled already: a promise keeps its first answer
      if (error) {
        cell.state = REJECTED;
        cell.error = error;
      } else {
        cell.state = RESOLVED;
        cell.value = value;
        cell.isKnown = isKnown;
        cell.isSecret = isSecret;
        cell.deps = deps;
      }
      unanswered?.delete(cell);
    };
    if (own === undefined) cells.set(onto, (own = new Map<string, Cell>()));
    own.set(key, cell);
    unanswered?.add(cell);
    Object.defineProperty(onto, key, accessorFor(key));
  }
  return resolvers;
}

/**
 * Replaces Pulumi's `transferProperties` with {@link transferLazily} until the returned function is
 * called, which puts Pulumi's back and makes the Output of every property still unanswered (see the
 * module's comment). A property nobody read stays an accessor after it, which works without the
 * stand-in. Nothing is replaced when the installed `transferProperties` is not the code `checked`
 * names (its source's digest).
 */
export function lazyOutputProperties(checked: string = TRANSFER_PROPERTIES_SOURCE): () => void {
  const original = rpc.transferProperties;
  if (typeof original !== "function" || sourceDigest(original) !== checked) return () => undefined;
  const pending = new Set<Cell>();
  unanswered = pending;
  rpc.transferProperties = transferLazily;
  return () => {
    rpc.transferProperties = original;
    if (unanswered === pending) unanswered = undefined;
    for (const cell of [...pending]) {
      if (Object.getOwnPropertyDescriptor(cell.onto, cell.key)?.get === accessors.get(cell.key)?.get) materialize(cell);
      else {
        // Set since (and never read): Pulumi's Output would exist all the same, replaced.
        make(cell);
        forget(cell);
      }
    }
  };
}
