import * as pulumi from "@pulumi/pulumi";
import {
  isSecretValue,
  runUnderMocks,
  settle,
  type MockRun,
  type MockRunOptions,
  type RecordedInvoke,
  type RecordedResource,
} from "./mock-runtime";
import { parseStackSettings, readStackSettings } from "./stack-config";

/**
 * The `homelab/testing` entry: run a program (or a component) under Pulumi's mocks exactly as this
 * project's own tests and offline plan do, then look up what it registered.
 *
 * @example
 * import { CiliumInstall } from "homelab";
 * import { register } from "homelab/testing";
 *
 * const r = await register(() => new CiliumInstall("cilium", { loadBalancerPool: [{ cidr: "10.20.0.224/28" }] }));
 * expect(r.childrenOf(r.get("cilium", CiliumInstall.__pulumiType))).toContain("kubernetes:helm.sh/v3:Release::cilium");
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
export { StackFileError } from "./stack-config";

/**
 * What a run registered, with lookups by name, type and parent. {@link register} makes one.
 *
 * @example
 * const r = await register(() => new GatewayApiCrds("gateway-api"));
 * r.get("gateway-api", GatewayApiCrds.__pulumiType).urn; // "urn:pulumi:test::homelab::homelab:kubernetes:GatewayApiCrds::gateway-api"
 * r.run.resources.length; // every registration, the root stack's included
 */
export class Registered<T> {
  constructor(
    /** Everything the run recorded: resources, invokes and packages in the order the engine saw them. */
    readonly run: MockRun<T>,
  ) {}

  /**
   * What the program returned (awaited, when it returned a promise).
   *
   * @example
   * const r = await register(async () => ({ crds: new GatewayApiCrds("gateway-api") }));
   * r.result.crds.version; // the pinned Gateway API release
   */
  get result(): T {
    return this.run.result;
  }

  /**
   * Every resource of a type token, sorted by name.
   *
   * @example
   * r.ofType("kubernetes:cert-manager.io/v1:ClusterIssuer").map((x) => x.name);
   * // ["cert-manager-letsencrypt-production", "cert-manager-letsencrypt-staging"]
   */
  ofType(type: string): RecordedResource[] {
    return this.run.resources.filter((r) => r.type === type).sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * The one resource with this logical name (and type token, when names repeat across types);
   * throws when there is none or more than one.
   *
   * @example
   * r.get("cert-manager", "kubernetes:helm.sh/v3:Release").inputs.namespace; // "cert-manager"
   */
  get(name: string, type?: string): RecordedResource {
    const found = this.run.resources.filter((r) => r.name === name && (type === undefined || r.type === type));
    if (found.length !== 1)
      throw new Error(`expected one resource named ${name}${type ? ` of ${type}` : ""}, found ${found.length}`);
    return found[0]!;
  }

  /**
   * The direct children of a resource, as `type::name`, sorted: what a component test pins.
   *
   * @example
   * expect(r.childrenOf(r.get("gateway-api", GatewayApiCrds.__pulumiType))).toEqual([
   *   "kubernetes:yaml/v2:ConfigFile::gateway-api",
   * ]);
   */
  childrenOf(parent: RecordedResource): string[] {
    return this.run.resources
      .filter((r) => r.parent === parent.urn)
      .map((r) => `${r.type}::${r.name}`)
      .sort();
  }

  /**
   * URNs (a resource's `dependencies`, say) as logical names, sorted, for readable assertions; a URN
   * this run did not register stays a URN.
   *
   * @example
   * expect(r.names(r.get("cert-manager-letsencrypt-staging").dependencies)).toEqual([
   *   "cert-manager", // the release
   *   "cert-manager-cloudflare-token",
   * ]);
   */
  names(urns: readonly string[]): string[] {
    return urns.map((urn) => this.run.resources.find((r) => r.urn === urn)?.name ?? urn).sort();
  }

  /**
   * Every invoke of a function token the program made, in call order, with its arguments.
   *
   * @example
   * r.invokes("cloudflare:index/getZone:getZone").map((i) => i.args); // [{ filter: { name: "example.net" } }]
   */
  invokes(token: string): RecordedInvoke[] {
    return this.run.invokes.filter((i) => i.token === token);
  }
}

/**
 * Runs `program` as a stack (default name `test`, project `homelab`, as `pulumi preview`) under
 * Pulumi's mocks and resolves once every resource it created is registered. An `async` program is
 * awaited first, so what it creates after an `await` is recorded too, and its resolved value is the
 * result; a program that throws or rejects fails the call with its own error.
 *
 * One run at a time per process: Pulumi's runtime state is global, so a `register()` started
 * while another is still running is refused with an error (`test.concurrent` is not supported;
 * `await` each run, or let vitest run the test files in separate workers).
 *
 * @example
 * import { CertManager } from "homelab";
 * import { register } from "homelab/testing";
 *
 * test("cert-manager issues from Let's Encrypt", async () => {
 *   const r = await register(async () => {
 *     const token = await fetchTestToken(); // an async program is awaited
 *     return new CertManager("cert-manager", {
 *       letsEncrypt: { email: "ops@example.net", cloudflareApiToken: token, zone: "example.net" },
 *       certificate: { domain: "lab.example.net", namespace: "gateway" },
 *     });
 *   });
 *   expect(r.childrenOf(r.get("cert-manager", CertManager.__pulumiType))).toContain(
 *     "kubernetes:cert-manager.io/v1:ClusterIssuer::cert-manager-letsencrypt-production",
 *   );
 * });
 */
export async function register<T>(
  program: () => T | PromiseLike<T>,
  options: Partial<MockRunOptions> = {},
): Promise<Registered<T>> {
  return new Registered(await runUnderMocks({ stack: "test", ...options }, program));
}

/**
 * The value of an Output (or any Input), with whether it is secret and known, without running
 * apply callbacks: an unknown value (a preview's new id) settles as `known: false` instead of hanging.
 *
 * @example
 * const cluster = (await register(() => new TalosBootstrap("lab", args))).result;
 * const kubeconfig = await valueOf(cluster.kubeconfig);
 * expect(kubeconfig.secret).toBe(true);
 */
export async function valueOf<T>(input: pulumi.Input<T>): Promise<{ value: T; secret: boolean; known: boolean }> {
  const settled = await settle(input);
  return { value: settled.value as T, secret: settled.secret, known: settled.known };
}

/**
 * Unwraps a recorded input that the engine holds secret (a {@link SecretValue}) for value
 * assertions: returns `[value, wasSecret]`; anything else comes back as `[value, false]`.
 *
 * @example
 * const [token, secret] = reveal(r.get("cert-manager-cloudflare-token").inputs.stringData);
 * expect(secret).toBe(true);
 * expect(token).toEqual({ "api-token": "t" });
 */
export function reveal(value: unknown): [unknown, boolean] {
  return isSecretValue(value) ? [value.value, true] : [value, false];
}

/**
 * A stack's config as {@link register} takes it (`MockRunOptions.config` and `secretKeys`): what
 * Pulumi would hand the program for that `Pulumi.<stack>.yaml`.
 */
export interface StackConfig {
  /**
   * Flat config by namespaced key: `homelab:cluster` → `{"name":"homelab",...}` (structured values
   * as JSON text, strings as they are, a bare key put under `homelab:`), other namespaces
   * (`proxmoxve:insecure`) as written. A `secure:` value is `[secret:<fingerprint>]`, a placeholder
   * naming 16 hex digits of its ciphertext's SHA-256: nothing is decrypted.
   */
  readonly config: Record<string, string>;
  /** The keys holding a `secure:` value anywhere inside, as Pulumi marks them secret. */
  readonly secretKeys: string[];
}

/**
 * Reads a `Pulumi.<stack>.yaml` (a path, relative to the working directory, or its YAML text: a
 * string with a line break is text) into the config Pulumi would hand its program, for
 * `register(program, { ...stackConfig(file) })`. Under `register` the program's config loader
 * (`readPulumiConfig` and `loadConfig` of `homelab/config/loader`) reads exactly this, so a test
 * runs a program on a stack's real settings; outside a run, `rawConfigFromPulumi(config, (k) =>
 * secretKeys.includes(k))` gives the loader's input directly. Encrypted values are never decrypted:
 * they become placeholders the config schemas accept for secrets. Reads the file when called (in a
 * test), never from a program. Throws `StackFileError` naming the file for an unreadable file,
 * invalid YAML, or a document without a `config:` map.
 *
 * @example
 * import { register, stackConfig } from "homelab/testing";
 * import { runStack } from "./stacks";
 *
 * test("the talos stack plans on its real settings", async () => {
 *   const r = await register(() => runStack("talos"), { stack: "talos", ...stackConfig("Pulumi.talos.yaml") });
 *   expect(r.ofType("proxmoxve:index/vmLegacy:VmLegacy")).toHaveLength(7);
 * });
 *
 * stackConfig("config:\n  homelab:domain: lab.example.net\n").config; // { "homelab:domain": "lab.example.net" }
 */
export function stackConfig(source: string): StackConfig {
  const settings = /[\r\n]/.test(source) ? parseStackSettings(source, "stack settings text") : readStackSettings(source);
  return { config: settings.values, secretKeys: settings.secretKeys };
}
