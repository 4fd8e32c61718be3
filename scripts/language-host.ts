/**
 * Runs each example stack's program under Pulumi's real Node.js language host entry point
 * (`@pulumi/pulumi/cmd/run`, what `pulumi-language-nodejs` starts) against an in-process stub of
 * the engine, and checks that it registers exactly the resources the offline plan reports.
 *
 *   node --require ./cli/register.cjs scripts/language-host.ts [stack...]   (npm run host-check)
 *
 * The offline plan (`npm run plan`) runs a program in-process under Pulumi's mock runtime; a real
 * `pulumi preview` runs it in a separate node process, started the way the language host starts it
 * (working directory, entry point, flags, config in environment variables), talking gRPC to the
 * engine. This script reproduces the second path without a Pulumi CLI or provider plugins: the
 * engine side is a gRPC ResourceMonitor and Engine served here, answering every registration and
 * invoke with the plan's own placeholders (testing/placeholders.ts), so any difference in what gets
 * registered comes from how the program runs, not from what it is told.
 *
 * Exit status: 0 when every stack ran and registered exactly what its plan reports; 1 otherwise.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import * as engrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as resrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { version as sdkVersion } from "@pulumi/pulumi/version";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { parse } from "yaml";
import { readStackFile } from "../cli/stack-file";
import { mockInvoke, mockResource } from "../testing/placeholders";

const PROJECT_ROOT = resolve(__dirname, "..");

/** A program that has not finished by then is reported as hung (a real preview would hang too). */
const RUN_TIMEOUT_MS = 180_000;

/**
 * What the stub tells the SDK it supports. As the mock runtime: everything the programs rely on,
 * but not `outputValues` (inputs then arrive as plain values, as the placeholders expect). Features
 * whose RPCs the stub does not serve (transforms, hooks) are denied rather than half-supported;
 * no program here uses them.
 */
const SUPPORTED_FEATURES = new Set([
  "secrets",
  "resourceReferences",
  "aliasSpecs",
  "deletedWith",
  "replaceWith",
  "parameterization",
]);

// ---------------------------------------------------------------------------------------------
// The project, as the Pulumi CLI sees it
// ---------------------------------------------------------------------------------------------

/** What the CLI reads from Pulumi.yaml to start a program. */
interface Project {
  readonly name: string;
  /** The project root: where Pulumi.yaml is (`--root-directory`). */
  readonly root: string;
  /** The program directory (`--pwd`) and the entry point in it (the program argument). */
  readonly programDirectory: string;
  readonly entryPoint: string;
  /** `runtime.options` the Node.js language host reads. */
  readonly typescript: boolean;
  readonly tsconfig?: string;
  readonly nodeargs?: string;
}

/**
 * Reads Pulumi.yaml and derives the program location as the CLI does (pkg/engine GetPwdMain): a
 * `main` that is a file makes its directory the program directory and its base name the entry
 * point; a directory is itself the program directory with entry point `.`. So with
 * `main: cli/main.cjs` the host runs in `cli/` and requires `main.cjs` there. Handing the host the
 * project directory itself instead would make it `require()` that directory, i.e. package.json's
 * `main` (the library build in dist/), not the program.
 */
function readProject(root: string): Project {
  const document = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as {
    name: string;
    main?: string;
    runtime: string | { name: string; options?: Record<string, unknown> };
  };
  const options = typeof document.runtime === "string" ? {} : (document.runtime.options ?? {});
  let programDirectory = root;
  let entryPoint = ".";
  if (document.main) {
    if (isAbsolute(document.main)) throw new Error("Pulumi.yaml: project 'main' must be a relative path");
    const main = resolve(root, document.main);
    if (relative(root, main).startsWith("..")) throw new Error("Pulumi.yaml: project 'main' must be a subfolder");
    if (statSync(main).isDirectory()) {
      programDirectory = main;
    } else {
      programDirectory = dirname(main);
      entryPoint = basename(main);
    }
  }
  return {
    name: document.name,
    root,
    programDirectory,
    entryPoint,
    // The host's default when the option is absent is TypeScript through ts-node.
    typescript: options.typescript !== false,
    ...(typeof options.tsconfig === "string" ? { tsconfig: options.tsconfig } : {}),
    ...(typeof options.nodeargs === "string" ? { nodeargs: options.nodeargs } : {}),
  };
}

/** Stacks with a Pulumi.<stack>.yaml in the project. */
function stackFiles(root: string): string[] {
  return readdirSync(root)
    .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/**
 * The config environment the language host gives the program: PULUMI_CONFIG holds every key in
 * the legacy `<namespace>:config:<name>` form (the host still writes it so for old SDKs; the SDK
 * strips `:config:` again), PULUMI_CONFIG_SECRET_KEYS the secret keys as the CLI names them.
 */
function configEnvironment(file: string): Record<string, string> {
  const { values, secretKeys } = readStackFile(file);
  const legacy: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const parts = key.split(":");
    const [namespace, name] =
      parts.length === 2 ? parts : parts.length === 3 && parts[1] === "config" ? [parts[0], parts[2]] : [undefined, undefined];
    if (!namespace || !name) throw new Error(`${file}: config key ${key} is not <namespace>:<name>`);
    legacy[`${namespace}:config:${name}`] = value;
  }
  return { PULUMI_CONFIG: JSON.stringify(legacy), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys) };
}

// ---------------------------------------------------------------------------------------------
// The engine stub
// ---------------------------------------------------------------------------------------------

type Severity = "debug" | "info" | "warning" | "error";

const SEVERITIES: Record<engproto.LogSeverity, Severity> = {
  [engproto.LogSeverity.DEBUG]: "debug",
  [engproto.LogSeverity.INFO]: "info",
  [engproto.LogSeverity.WARNING]: "warning",
  [engproto.LogSeverity.ERROR]: "error",
};

interface Registration {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Read (ReadResource: StackReferences) rather than registered. */
  readonly read: boolean;
}

interface LogEntry {
  readonly severity: Severity;
  readonly message: string;
  readonly urn: string;
}

/** Everything one program run sent the engine. */
interface EngineRecord {
  readonly registrations: Registration[];
  readonly logs: LogEntry[];
  /** Requests the stub could not answer or that a real engine would refuse. */
  readonly problems: string[];
  /** Parameterized packages (RegisterPackage), as `<package> <version> on <provider> <version>`. */
  readonly packages: string[];
}

/** What the engine keeps per URN; `pulumi:pulumi:getResource` answers from it. */
interface StoredResource {
  urn: string;
  id: string;
  state: Record<string, unknown>;
}

type Unary<Req, Res> = grpc.handleUnaryCall<Req, Res>;

/** A gRPC error with the message the SDK will show. */
function rpcError(code: grpc.status, message: string): Partial<grpc.ServiceError> {
  return { code, details: message, message };
}

/**
 * One deployment's engine: a ResourceMonitor that answers like the mock runtime's MockMonitor
 * (runtime/mocks.js: decode with the SDK's own deserializer, answer with the plan's placeholders,
 * encode with its serializer), plus the Engine service the SDK logs to and keeps its root stack in.
 */
class EngineStub {
  readonly record: EngineRecord = { registrations: [], logs: [], problems: [], packages: [] };
  private readonly resources = new Map<string, StoredResource>();
  private readonly registered = new Set<string>();
  private rootUrn = "";

  constructor(
    private readonly project: string,
    private readonly stack: string,
  ) {}

  /**
   * The engine's URN: the parent's qualified type chain, minus the root stack's, before the type.
   * (MockMonitor keeps only the parent's last type; only `type::name` is compared here.)
   */
  private newUrn(parent: string, type: string, name: string): string {
    const parentType = parent ? (parent.split("::")[2] ?? "") : "";
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
  }

  /** Records a registration; a second one of a URN is an error a real engine would fail on. */
  private register(registration: Registration): void {
    if (this.registered.has(registration.urn))
      this.record.problems.push(`duplicate resource URN ${registration.urn} (the engine refuses it)`);
    this.registered.add(registration.urn);
    this.record.registrations.push(registration);
  }

  /** Answers a resource as the mock runtime does, and remembers its state. */
  private async answer(
    type: string,
    name: string,
    parent: string,
    properties: Struct | undefined,
  ): Promise<{ urn: string; id: string; state: Struct }> {
    const inputs = pulumi.runtime.deserializeProperties(properties ?? new Struct()) as Record<string, unknown>;
    const result = mockResource(type, name, inputs);
    const urn = this.newUrn(parent, type, name);
    const state = (await pulumi.runtime.serializeProperties("", result.state)) as Record<string, unknown>;
    this.resources.set(urn, { urn, id: result.id, state });
    return { urn, id: result.id, state: Struct.fromJavaScript(state as never) };
  }

  /** Runs a handler, turning a throw into a gRPC error the SDK reports, and keeping it. */
  private handle<Req, Res>(what: (request: Req) => string, body: (request: Req) => Promise<Res> | Res): Unary<Req, Res> {
    return (call, callback) => {
      Promise.resolve()
        .then(() => body(call.request))
        .then(
          (response) => callback(null, response),
          (error: unknown) => {
            const message = `${what(call.request)}: ${error instanceof Error ? error.message : String(error)}`;
            this.record.problems.push(message);
            callback(rpcError(grpc.status.INTERNAL, message));
          },
        );
    };
  }

  readonly monitor: Partial<resrpc.IResourceMonitorServer> = {
    supportsFeature: this.handle(
      (req: resproto.SupportsFeatureRequest) => `SupportsFeature ${req.getId()}`,
      (req) => new resproto.SupportsFeatureResponse().setHassupport(SUPPORTED_FEATURES.has(req.getId())),
    ),

    registerResource: this.handle(
      (req: resproto.RegisterResourceRequest) => `RegisterResource ${req.getType()}::${req.getName()}`,
      async (req) => {
        const { urn, id, state } = await this.answer(req.getType(), req.getName(), req.getParent(), req.getObject());
        this.register({ type: req.getType(), name: req.getName(), urn, read: false });
        return new resproto.RegisterResourceResponse().setUrn(urn).setId(id).setObject(state);
      },
    ),

    // StackReferences arrive here: the placeholders answer them with the referenced program's outputs.
    readResource: this.handle(
      (req: resproto.ReadResourceRequest) => `ReadResource ${req.getType()}::${req.getName()}`,
      async (req) => {
        const { urn, state } = await this.answer(req.getType(), req.getName(), req.getParent(), req.getProperties());
        this.register({ type: req.getType(), name: req.getName(), urn, read: true });
        return new resproto.ReadResourceResponse().setUrn(urn).setProperties(state);
      },
    ),

    registerResourceOutputs: this.handle(
      (req: resproto.RegisterResourceOutputsRequest) => `RegisterResourceOutputs ${req.getUrn()}`,
      (req) => {
        const stored = this.resources.get(req.getUrn());
        if (!stored) throw new Error("unknown resource");
        stored.state = req.getOutputs()?.toJavaScript() ?? {};
        return new Empty();
      },
    ),

    invoke: this.handle(
      (req: resproto.ResourceInvokeRequest) => `Invoke ${req.getTok()}`,
      async (req) => {
        const args = pulumi.runtime.deserializeProperties(req.getArgs() ?? new Struct()) as Record<string, unknown>;
        // The SDK's own lookup of a registered resource by URN (resource references), as MockMonitor serves it.
        if (req.getTok() === "pulumi:pulumi:getResource") {
          const stored = this.resources.get(String(args.urn));
          if (!stored) throw new Error(`unknown resource ${String(args.urn)}`);
          return new provproto.InvokeResponse().setReturn(Struct.fromJavaScript(stored as never));
        }
        const serialized = await pulumi.runtime.serializeProperties("", mockInvoke(req.getTok(), args));
        return new provproto.InvokeResponse().setReturn(Struct.fromJavaScript(serialized as never));
      },
    ),

    // Method calls on (multi-language) component resources: no program here makes one.
    call: this.handle(
      (req: resproto.ResourceCallRequest) => `Call ${req.getTok()}`,
      () => {
        throw new Error("not expected: no program here calls a resource method");
      },
    ),

    // The local authentik SDK is a parameterized package: it registers it and tags its resources
    // with the reference. A real engine answers with a UUID; a stable one keeps runs comparable.
    registerPackage: this.handle(
      (req: resproto.RegisterPackageRequest) => `RegisterPackage ${req.getName()}`,
      (req) => {
        const p = req.getParameterization();
        const described = p
          ? `${p.getName()} ${p.getVersion()} on ${req.getName()} ${req.getVersion()}`
          : `${req.getName()} ${req.getVersion()}`;
        if (!this.record.packages.includes(described)) this.record.packages.push(described);
        const h = createHash("sha256").update(described).digest("hex");
        const ref = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
        return new resproto.RegisterPackageResponse().setRef(ref);
      },
    ),

    // The SDK calls it from a `beforeExit` handler once the program is done; the engine answers
    // when every step has finished, which here is at once.
    signalAndWaitForShutdown: this.handle(
      () => "SignalAndWaitForShutdown",
      () => new Empty(),
    ),
  };

  readonly engine: Partial<engrpc.IEngineServer> = {
    // A real engine fails the update when the program logged an error; `failures` counts them.
    log: this.handle(
      () => "Log",
      (req: engproto.LogRequest) => {
        this.record.logs.push({
          severity: SEVERITIES[req.getSeverity()] ?? "error",
          message: req.getMessage(),
          urn: req.getUrn(),
        });
        return new Empty();
      },
    ),
    getRootResource: this.handle(
      () => "GetRootResource",
      (_req: engproto.GetRootResourceRequest) => new engproto.GetRootResourceResponse().setUrn(this.rootUrn),
    ),
    setRootResource: this.handle(
      () => "SetRootResource",
      (req: engproto.SetRootResourceRequest) => {
        this.rootUrn = req.getUrn();
        return new engproto.SetRootResourceResponse();
      },
    ),
  };
}

/** Serves the stub on a free local port; both services on one address, as far as the SDK cares. */
async function serve(stub: EngineStub): Promise<{ address: string; server: grpc.Server }> {
  // The SDK sends whole resource inputs in one message; allow what Pulumi's own channels allow.
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  // Methods left out answer UNIMPLEMENTED, which the SDK treats as "the engine does not support it".
  server.addService(resrpc.ResourceMonitorService, stub.monitor as grpc.UntypedServiceImplementation);
  server.addService(engrpc.EngineService, stub.engine as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((done, fail) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? fail(error) : done(bound),
    ),
  );
  return { address: `127.0.0.1:${port}`, server };
}

// ---------------------------------------------------------------------------------------------
// Running a program under the language host
// ---------------------------------------------------------------------------------------------

interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Runs a child process to completion, keeping its output; kills it (by its pid) after `timeout`. */
function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeout: number },
): Promise<ProcessResult> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeout);
    child.on("error", (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, timedOut });
    });
  });
}

interface HostRun extends ProcessResult {
  readonly record: EngineRecord;
}

/**
 * Starts the program as pulumi-language-nodejs does (sdk/nodejs/cmd/pulumi-language-nodejs,
 * constructArguments and execRuntime): `node [nodeargs] <@pulumi/pulumi/cmd/run> --monitor ...
 * --engine ... --organization ... --project ... --root-directory ... --stack ... --pwd <program
 * directory> --dry-run --parallel N <entry point>`, the environment carrying the config.
 */
async function runUnderHost(
  project: Project,
  stack: string,
  editConfig: (config: Record<string, string>) => void = () => undefined,
): Promise<HostRun> {
  const stub = new EngineStub(project.name, stack);
  // The placeholders answer a StackReference to the running stack itself with no outputs, reading
  // the stack name from this process's Pulumi settings; and the SDK's deserializer keeps unknowns
  // only in a preview. Set both as the mock runtime does (project, stack, preview).
  pulumi.runtime.resetOptions(project.name, stack, -1, "", "", true, "organization");
  const { address, server } = await serve(stub);
  try {
    // The host finds the entry point by resolving the module from the program directory.
    const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [project.programDirectory] });
    const args = [
      ...(project.nodeargs ? project.nodeargs.split(/\s+/).filter(Boolean) : []),
      runPath,
      "--monitor",
      address,
      "--engine",
      address,
      // `--sync` (the pipes for synchronous invokes) is left out: this SDK no longer uses them.
      "--organization",
      "organization", // what the CLI passes for a self-managed (file://) backend
      "--project",
      project.name,
      "--root-directory",
      project.root,
      "--stack",
      stack,
      "--pwd",
      project.programDirectory,
      "--dry-run",
      // Any value but 1 (which makes the SDK register resources one at a time).
      "--parallel",
      "16",
      project.entryPoint,
    ];
    // The host passes its own environment on; drop what a previous Pulumi run may have left in
    // this one, so that only the settings below reach the program.
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith("PULUMI_NODEJS_") && !key.startsWith("PULUMI_CONFIG")),
    );
    const config = configEnvironment(join(project.root, `Pulumi.${stack}.yaml`));
    const values = JSON.parse(config.PULUMI_CONFIG!) as Record<string, string>;
    editConfig(values);
    Object.assign(env, config, { PULUMI_CONFIG: JSON.stringify(values) });
    if (project.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (project.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = project.tsconfig;
    const result = await runProcess(process.execPath, args, { cwd: project.root, env, timeout: RUN_TIMEOUT_MS });
    return { ...result, record: stub.record };
  } finally {
    server.forceShutdown();
  }
}

/** Why a host run failed, as the engine would see it; empty when it succeeded. */
function failures(run: HostRun): string[] {
  const reasons: string[] = [];
  if (run.timedOut) reasons.push(`did not finish within ${RUN_TIMEOUT_MS / 1000}s (killed)`);
  else if (run.code !== 0)
    reasons.push(`exited with code ${run.code ?? run.signal}${run.code === 32 ? " (error already logged)" : ""}`);
  const errors = run.record.logs.filter((l) => l.severity === "error").length;
  if (errors > 0) reasons.push(`logged ${errors} error(s)`);
  if (run.record.problems.length > 0) reasons.push(`${run.record.problems.length} engine request(s) failed`);
  return reasons;
}

// ---------------------------------------------------------------------------------------------
// The offline plan, for comparison
// ---------------------------------------------------------------------------------------------

interface PlanResult {
  readonly keys?: string[];
  readonly error?: string;
}

/** What `npm run plan -- <stack> --format json` lists, as `type::name`. */
async function planKeys(root: string, stack: string): Promise<PlanResult> {
  const result = await runProcess("npm", ["run", "--silent", "plan", "--", stack, "--format", "json"], {
    cwd: root,
    env: process.env,
    timeout: RUN_TIMEOUT_MS,
  });
  if (result.code !== 0) return { error: `plan exited with code ${result.code ?? result.signal}: ${result.stderr.trim()}` };
  try {
    const plan = JSON.parse(result.stdout) as { resources: { type: string; name: string }[] };
    return { keys: plan.resources.map((r) => `${r.type}::${r.name}`).sort() };
  } catch (error) {
    return { error: `plan output is not JSON: ${(error as Error).message}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

function indent(text: string, prefix = "    "): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => `${prefix}${line}`)
    .join("\n");
}

/** Checks one stack; prints its report and returns whether it passed. */
async function checkStack(project: Project, stack: string): Promise<boolean> {
  const [started, plan] = await Promise.all([
    runUnderHost(project, stack).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
    planKeys(project.root, stack),
  ]);
  const out: string[] = [`== ${stack} ==`];
  // Nothing ran (no stack file, unreadable config): say why, and what the plan made of it.
  if (started instanceof Error) {
    out.push(`host: FAILED: not started: ${started.message}`);
    if (plan.error !== undefined) out.push(`plan: FAILED: ${plan.error}`);
    console.log(`${out.join("\n")}\n`);
    return false;
  }
  const run = started;

  const failed = failures(run);
  out.push(`host: ${failed.length === 0 ? "succeeded" : `FAILED: ${failed.join("; ")}`}`);
  const registrations = [...run.record.registrations].sort((a, b) =>
    `${a.type}::${a.name}`.localeCompare(`${b.type}::${b.name}`),
  );
  out.push(`registrations (${registrations.length}):`);
  for (const r of registrations) out.push(`  ${r.type}::${r.name}${r.read ? "  (read)" : ""}`);
  if (run.record.packages.length > 0) out.push(`packages: ${run.record.packages.join(", ")}`);
  const messages = run.record.logs.filter((l) => l.severity !== "debug");
  if (messages.length > 0) {
    out.push("engine log:");
    for (const l of messages) out.push(indent(`${l.severity}: ${l.message}${l.urn ? ` (${l.urn})` : ""}`, "  "));
  }
  if (run.record.problems.length > 0) {
    out.push("engine requests that failed:");
    for (const p of run.record.problems) out.push(`  ${p}`);
  }
  if (run.stdout.trim()) out.push("program stdout:", indent(run.stdout, "  "));
  if (run.stderr.trim()) out.push("program stderr:", indent(run.stderr, "  "));

  let matches = false;
  if (plan.error !== undefined) {
    out.push(`plan: FAILED: ${plan.error}`);
  } else {
    const planned = new Set(plan.keys);
    const hosted = new Set(registrations.map((r) => `${r.type}::${r.name}`));
    const onlyHost = [...hosted].filter((k) => !planned.has(k)).sort();
    const onlyPlan = [...planned].filter((k) => !hosted.has(k)).sort();
    matches = onlyHost.length === 0 && onlyPlan.length === 0;
    if (matches) {
      out.push(`plan: ${planned.size} resources; the registrations match`);
    } else {
      out.push(`plan: ${planned.size} resources; the registrations DIFFER:`);
      for (const k of onlyHost) out.push(`  + ${k}   (real host only)`);
      for (const k of onlyPlan) out.push(`  - ${k}   (plan only)`);
    }
  }
  console.log(`${out.join("\n")}\n`);
  return failed.length === 0 && matches;
}

/**
 * A stack whose config is wrong (an unknown key) under the real host: the run ends with the
 * config's problems as one error in the engine's log, exit code 32 ("error already logged"), no
 * stack trace, nothing on the program's stderr and no resource but the stack itself.
 */
async function checkBadConfig(project: Project, stack: string): Promise<boolean> {
  const run = await runUnderHost(project, stack, (config) => (config["homelab:config:extra"] = "1"));
  const errors = run.record.logs.filter((l) => l.severity === "error").map((l) => l.message);
  const problems: string[] = [];
  if (run.code !== 32) problems.push(`exited with code ${run.code ?? run.signal}, not 32`);
  if (
    errors.length !== 1 ||
    !errors[0]!.startsWith(`invalid configuration for stack ${stack} (1 problem):\n  homelab:extra: unknown key`)
  )
    problems.push(`logged ${JSON.stringify(errors)}`);
  if (errors.some((e) => /\n\s+at /.test(e))) problems.push("the error carries a stack trace");
  if (run.stderr.trim()) problems.push(`wrote to stderr: ${run.stderr.trim()}`);
  const registered = run.record.registrations.map((r) => r.type);
  if (registered.join() !== "pulumi:pulumi:Stack") problems.push(`registered ${registered.join(", ")}`);
  console.log(
    `== ${stack} with an unknown config key ==\n` +
      (problems.length === 0
        ? "host: one clean error, nothing registered but the stack\n"
        : `host: FAILED: ${problems.join("; ")}\n`),
  );
  return problems.length === 0;
}

async function main(argv: string[]): Promise<number> {
  const project = readProject(PROJECT_ROOT);
  const stacks = argv.length > 0 ? argv : stackFiles(project.root);
  if (stacks.length === 0) {
    console.error("host-check: no Pulumi.<stack>.yaml in the project");
    return 1;
  }
  console.log(
    `Running ${project.entryPoint} in ${relative(project.root, project.programDirectory) || "."}/ under ` +
      `@pulumi/pulumi/cmd/run ${sdkVersion} (preview), against an in-process engine stub\n`,
  );
  const results: [string, boolean][] = [];
  // One stack at a time: the stub's answers read the stack name from this process's settings.
  for (const stack of stacks) results.push([stack, await checkStack(project, stack)]);
  const bad = results.filter(([, ok]) => !ok).map(([stack]) => stack);
  // Every stack: also a bad config's run, once (it ends before any program's code is loaded).
  const clean = argv.length > 0 || (await checkBadConfig(project, stacks[0]!));
  console.log(
    (bad.length === 0
      ? `All ${results.length} stacks ran under the language host and registered what their plans report.`
      : `${bad.length} of ${results.length} stacks failed or differ from their plans: ${bad.join(", ")}`) +
      (clean ? "" : " A bad config did not end in one clean error (above)."),
  );
  return bad.length === 0 && clean ? 0 : 1;
}

void main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`host-check: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
