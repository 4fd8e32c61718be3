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
 *
 * It replaces Pulumi's answer only when the installed `MockMonitor.registerResource` is the code it
 * was checked against ({@link REGISTER_RESOURCE_SOURCE}); with another release Pulumi's own answers,
 * and the record reads the request's inputs from its Struct.
 */
import * as pulumi from "@pulumi/pulumi";
import { sourceDigest } from "./source-digest";

/** The sha256 of `MockMonitor.registerResource`'s source in @pulumi/pulumi 3.248.0 (runtime/mocks.js). */
export const REGISTER_RESOURCE_SOURCE = "8f7dad51cedba58faffcb2405fa5891ee129bf166fe371ea94c895cdc45a953c";

/** Pulumi's mock monitor, the members this uses (not in its type declarations). */
export interface MockMonitor<R extends RegisterRequestLike = RegisterRequestLike> {
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
  registerResource(request: R, callback: RegisterCallback): void | Promise<void>;
}

/** The request getters this reads (a RegisterResourceRequest). */
interface RegisterRequestLike {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getCustom(): boolean;
  getImportid(): string;
  getObject(): { toJavaScript(): Record<string, unknown> };
}

/** What the runtime reads of a RegisterResourceResponse. */
interface RegisterResponseLike {
  getUrn(): string;
  getId(): string;
  getObject(): { toJavaScript(): Record<string, unknown> };
  getPropertydependenciesMap(): undefined;
  getResult(): number;
}

type RegisterCallback = (error: Error | null, response: RegisterResponseLike | undefined) => void;

/** A protobuf Struct, as Pulumi's deserializer reads one (its `toJavaScript` only). */
type Struct = Parameters<typeof pulumi.runtime.deserializeProperties>[0];

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
 * neither changes it). `checked`: the digest of the `registerResource` source this copies.
 */
export function answerRegistrations<R extends RegisterRequestLike>(
  monitor: MockMonitor<R>,
  record: (request: R, inputs: Record<string, unknown>, urn: string) => void,
  checked: string = REGISTER_RESOURCE_SOURCE,
): void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- its source is read, it is not called
  if (sourceDigest(monitor.registerResource) !== checked) {
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) =>
      register(request, (error, response) => {
        if (!error && response) record(request, request.getObject().toJavaScript(), response.getUrn());
        callback(error, response);
      });
    return;
  }
  monitor.registerResource = async (request, callback) => {
    // The steps and awaits of MockMonitor.registerResource, in its order.
    try {
      const inputs = request.getObject().toJavaScript();
      const result = (await monitor.mocks.newResource({
        type: request.getType(),
        name: request.getName(),
        inputs: pulumi.runtime.deserializeProperties({ toJavaScript: () => inputs } as unknown as Struct),
        provider: request.getProvider(),
        custom: request.getCustom(),
        id: request.getImportid(),
      })) as { id?: string | null; state: unknown };
      const urn = monitor.newUrn(request.getParent(), request.getType(), request.getName());
      const serializedState = await pulumi.runtime.serializeProperties("", result.state as pulumi.Inputs);
      monitor.resources.set(urn, { urn, id: result.id ?? null, state: serializedState });
      const id = result.id || "";
      // Copied here, where Pulumi's encodes the Struct (a value it cannot hold fails here too); the
      // runtime reads the response's object once.
      const state = structCopy(serializedState) as Record<string, unknown>;
      const response: RegisterResponseLike = {
        getUrn: () => urn,
        getId: () => id,
        getObject: () => ({ toJavaScript: () => state }),
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
