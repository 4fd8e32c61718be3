/**
 * How the mock run answers a resource registration: what Pulumi's own mock monitor does
 * (`MockMonitor.registerResource` of runtime/mocks.js in @pulumi/pulumi 3.248), without the
 * protobuf messages a real engine connection needs and a mock run does not.
 *
 * Pulumi's mock monitor decodes the request's inputs from their protobuf Struct, asks the mocks,
 * serializes the state they answer, encodes it as a protobuf Struct in a RegisterResourceResponse,
 * which the runtime decodes again to resolve the resource's outputs (and formats, the whole message,
 * into a debug line nobody sees). The recording decoded the request's inputs a second time. Here the
 * inputs are decoded once for both, and the response is a plain object answering the same getters
 * with the same values: the state the runtime reads is {@link structCopy} of it, what the protobuf
 * round trip gives (keys in sorted order, as a protobuf map lists them; a value a Struct cannot hold
 * fails the registration with the same error, at the same point).
 */

/** Pulumi's mock monitor, the members this uses (not in its type declarations). */
export interface MockMonitor {
  mocks: {
    newResource(args: {
      type: string;
      name: string;
      inputs: Record<string, unknown>;
      provider: string;
      custom: boolean;
      id: string;
    }): unknown;
  };
  resources: Map<string, { urn: string; id: string | null; state: Record<string, unknown> }>;
  newUrn(parent: string, type: string, name: string): string;
  registerResource(request: RegisterRequestLike, callback: RegisterCallback): void | Promise<void>;
}

/** The request getters this reads (a RegisterResourceRequest). */
export interface RegisterRequestLike {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getCustom(): boolean;
  getImportid(): string;
  getObject(): { toJavaScript(): Record<string, unknown> };
}

/** What the runtime reads of a RegisterResourceResponse. */
export interface RegisterResponseLike {
  getUrn(): string;
  getId(): string;
  getObject(): { toJavaScript(): Record<string, unknown> };
  getPropertydependenciesMap(): undefined;
  getResult(): number;
}

type RegisterCallback = (error: Error | null, response: RegisterResponseLike | undefined) => void;

interface Rpc {
  deserializeProperties(struct: { toJavaScript(): Record<string, unknown> }, keepUnknowns?: boolean): Record<string, unknown>;
  serializeProperties(label: string, props: unknown): Promise<Record<string, unknown>>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as Rpc;

/** `Result.SUCCESS` of Pulumi's RegisterResourceResponse (a response's default). */
const SUCCESS = 0;

/**
 * What `Struct.toJavaScript(Struct.fromJavaScript(value))` of google-protobuf gives, without the
 * messages: strings, numbers, booleans and null as they are, arrays element by element, an object's
 * enumerable keys (its own and inherited, as `for...in` lists them) in sorted order; anything else
 * (undefined, a function, a symbol, a bigint) throws google-protobuf's error.
 */
export function structCopy(value: unknown): unknown {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return value;
    case "object": {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const list: unknown[] = [];
        for (let i = 0; i < value.length; i++) list[i] = structCopy(value[i]);
        return list;
      }
      const keys: string[] = [];
      for (const key in value) keys.push(key);
      const object: Record<string, unknown> = {};
      for (const key of keys.sort()) object[key] = structCopy((value as Record<string, unknown>)[key]);
      return object;
    }
    default:
      throw new Error("Unexpected struct type.");
  }
}

/**
 * Makes `monitor` (Pulumi's mock monitor of this run) answer registrations as described above, and
 * calls `record(request, inputs, urn)` for each it answers, before the runtime hears of it, with
 * the request's inputs decoded from their Struct once (the same object Pulumi's deserializer read:
 * neither changes it).
 */
export function answerRegistrations(
  monitor: MockMonitor,
  record: (request: RegisterRequestLike, inputs: Record<string, unknown>, urn: string) => void,
): void {
  monitor.registerResource = async (request, callback) => {
    // The steps and awaits of MockMonitor.registerResource, in its order.
    try {
      const inputs = request.getObject().toJavaScript();
      const result = (await monitor.mocks.newResource({
        type: request.getType(),
        name: request.getName(),
        inputs: rpc.deserializeProperties({ toJavaScript: () => inputs }),
        provider: request.getProvider(),
        custom: request.getCustom(),
        id: request.getImportid(),
      })) as { id?: string | null; state: unknown };
      const urn = monitor.newUrn(request.getParent(), request.getType(), request.getName());
      const serializedState = await rpc.serializeProperties("", result.state);
      monitor.resources.set(urn, { urn, id: result.id ?? null, state: serializedState });
      const id = result.id || "";
      let state: Record<string, unknown> | undefined = structCopy(serializedState) as Record<string, unknown>;
      const response: RegisterResponseLike = {
        getUrn: () => urn,
        getId: () => id,
        getObject: () => ({
          // A fresh copy each time, as a Struct's toJavaScript makes.
          toJavaScript: () => {
            const fresh = state ?? (structCopy(serializedState) as Record<string, unknown>);
            state = undefined;
            return fresh;
          },
        }),
        getPropertydependenciesMap: () => undefined,
        getResult: () => SUCCESS,
      };
      record(request, inputs, urn);
      callback(null, response);
    } catch (error) {
      callback(error as Error, undefined);
    }
  };
}
