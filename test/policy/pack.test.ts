import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/analyzer_pb";
import * as pulumi from "@pulumi/pulumi";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PROJECT_ROOT } from "../../cli/plan";

// The pack as the Pulumi CLI runs it, short of the CLI: the `pulumi-analyzer-policy` plugin runs
// `node <@pulumi/pulumi/cmd/run-policy-pack> <engine> .` in policy/ (resolving @pulumi/pulumi from
// there: the root's node_modules), which loads index.ts through ts-node (type-checking it) and
// serves the Analyzer gRPC service; the engine then calls it. Here this test plays the engine, with
// requests shaped as the engine sends them (secrets and unknowns in the wire format).

let pack: ChildProcess;
let client: AnalyzerClient;
let stderr = "";

beforeAll(async () => {
  const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [join(PROJECT_ROOT, "policy")] });
  pack = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: join(PROJECT_ROOT, "policy"), stdio: "pipe" });
  pack.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    pack.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^(\d+)\n/.exec(stdout);
      if (line) resolve(line[1]!);
    });
    pack.on("exit", (code) => reject(new Error(`the pack exited (${code}): ${stderr}`)));
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 60_000);

afterAll(() => {
  client?.close();
  pack?.kill();
});

type Callback<Res> = (error: grpc.ServiceError | null, response: Res) => void;
/** One RPC: `invoke` calls the client's method with the callback given. */
const rpc = <Res>(invoke: (callback: Callback<Res>) => unknown) =>
  new Promise<Res>((resolve, reject) => invoke((error, response) => (error ? reject(error) : resolve(response))));

const SECRET = { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig };
const secret = (value: unknown) => ({ ...SECRET, value });
const UNKNOWN = pulumi.runtime.unknownValue as string;

interface Resource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  protect?: boolean;
  propertyDependencies?: Record<string, string[]>;
}
const urnOf = (r: Resource) => `urn:pulumi:dev::homelab::${r.type}::${r.name}`;

function request(r: Resource): proto.AnalyzeRequest {
  return new proto.AnalyzeRequest()
    .setType(r.type)
    .setName(r.name)
    .setUrn(urnOf(r))
    .setProperties(Struct.fromJavaScript(r.props as never))
    .setOptions(new proto.AnalyzerResourceOptions().setProtect(r.protect ?? false));
}

/** What the engine does for each resource: Remediate, then Analyze; the policy names and messages it gets back. */
async function analyze(r: Resource): Promise<string[]> {
  const remediated = await rpc<proto.RemediateResponse>((cb) => client.remediate(request(r), cb));
  expect(remediated.getRemediationsList()).toEqual([]); // the pack changes nothing
  const response = await rpc<proto.AnalyzeResponse>((cb) => client.analyze(request(r), cb));
  return response.getDiagnosticsList().map((d) => {
    expect(d.getEnforcementlevel()).toBe(proto.EnforcementLevel.MANDATORY);
    return `${d.getPolicyname()}: ${d.getMessage().split("\n").slice(1).join("\n")}`;
  });
}

async function analyzeStack(resources: Resource[]): Promise<string[]> {
  const req = new proto.AnalyzeStackRequest().setResourcesList(
    resources.map((r) => {
      const resource = new proto.AnalyzerResource()
        .setType(r.type)
        .setName(r.name)
        .setUrn(urnOf(r))
        .setProperties(Struct.fromJavaScript(r.props as never))
        .setOptions(new proto.AnalyzerResourceOptions());
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {}))
        resource.getPropertydependenciesMap().set(k, new proto.AnalyzerPropertyDependencies().setUrnsList(urns));
      return resource;
    }),
  );
  const response = await rpc<proto.AnalyzeResponse>((cb) => client.analyzeStack(req, cb));
  return response.getDiagnosticsList().map((d) => `${d.getPolicyname()} ${d.getUrn()}: ${d.getMessage().split("\n")[1]}`);
}

describe("the policy pack under Pulumi's policy-pack runner", () => {
  test("loads from policy/ and describes itself: name, version, policies and their levels", async () => {
    const info = await rpc<proto.AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));
    expect([info.getName(), info.getVersion(), info.getSupportsconfig()]).toEqual(["homelab", "0.1.0", true]);
    const level = (l: proto.EnforcementLevel) => Object.entries(proto.EnforcementLevel).find(([, v]) => v === l)?.[0];
    expect(info.getPoliciesList().map((p) => [p.getName(), level(p.getEnforcementlevel())])).toEqual([
      ["firewall-exposure", "MANDATORY"],
      ["authentik-app-bound", "MANDATORY"],
      // Remediate is how it sees secrets; its violations are reported as mandatory.
      ["credentials-secret", "REMEDIATE"],
      ["stateful-protected", "MANDATORY"],
      ["adopted-retained", "MANDATORY"],
      ["remote-host-key-pinned", "MANDATORY"],
    ]);
    expect(stderr).toBe("");
  });

  test("firewall-exposure and remote-host-key-pinned on what the engine sends", async () => {
    const everyone = { direction: "in", protocol: "tcp", port: "22", sourceIps: ["0.0.0.0/0"], description: "SSH (admin)" };
    expect(await analyze({ type: "hcloud:index/firewall:Firewall", name: "edge", props: { rules: [everyone] } })).toEqual([
      'firewall-exposure: rule 0 ("SSH (admin)") opens tcp/22 to everyone (0.0.0.0/0); only tcp/80, tcp/443, udp/443, udp/51820, icmp may be (SSH from everyone needs allowSshFromAnywhere)',
    ]);
    // Unknown in a preview: not judged, and no error from the SDK's unknown-checking proxy.
    expect(await analyze({ type: "hcloud:index/firewall:Firewall", name: "edge", props: { rules: UNKNOWN } })).toEqual([]);
    // The whole connection is a secret on the wire (the command SDK makes it one); validations see through it.
    const command = (connection: Record<string, unknown>) => ({
      type: "command:remote:Command",
      name: "edge-ssh",
      props: { create: "true", connection: secret(connection) },
    });
    expect(await analyze(command({ host: "203.0.113.10", user: "ops" }))).toEqual([
      "remote-host-key-pinned: connection.hostKey is not set: the host's SSH key is not pinned",
    ]);
    expect(await analyze(command({ host: "203.0.113.10", user: "ops", hostKey: "ssh-ed25519 AAAAC3Nz" }))).toEqual([]);
  });

  test("credentials-secret sees secretness through the remediation", async () => {
    const server = (userData: unknown) => ({
      type: "hcloud:index/server:Server",
      name: "edge",
      protect: true,
      props: { name: "edge", userData },
    });
    const cloudConfig = "#cloud-config\nssh_keys:\n  ed25519_private: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n";
    expect(await analyze(server(cloudConfig))).toEqual([
      "credentials-secret: userData is a plain value: pass it as a secret (pulumi.secret or a secret config value)",
    ]);
    expect(await analyze(server(secret(cloudConfig)))).toEqual([]);
    // Analyze without the remediation before it (the policy configured away from remediate): it says it cannot tell.
    const alone = await rpc<proto.AnalyzeResponse>((cb) => client.analyze(request(server(secret(cloudConfig))), cb));
    expect(alone.getDiagnosticsList().map((d) => d.getMessage().split("\n")[1])).toEqual([
      "cannot see whether userData is secret: this policy sees secrets only at enforcement level remediate",
    ]);
    expect(await analyze({ type: "pulumi:providers:hcloud", name: "default", props: { token: secret("t") } })).toEqual([]);
  });

  test("stateful-protected reads the protect option; adopted-retained is not applicable (the options are not sent)", async () => {
    expect(await analyze({ type: "proxmoxve:index/vmLegacy:VmLegacy", name: "lab-cp1", props: { vmId: 111 } })).toEqual([
      "stateful-protected: holds state and is not protected: set the program's protect config, or opt the stack out in the policy config",
    ]);
    expect(await analyze({ type: "proxmoxve:index/vmLegacy:VmLegacy", name: "lab-cp1", protect: true, props: {} })).toEqual([]);
    const stage = { type: "authentik:index/stageIdentification:StageIdentification", name: "github-identification", props: {} };
    const response = await rpc<proto.AnalyzeResponse>((cb) => client.analyze(request(stage), cb));
    expect(response.getNotApplicableList().map((n) => [n.getPolicyName(), n.getReason()])).toContainEqual([
      "adopted-retained",
      "a policy pack is not sent the import and retainOnDelete options; the offline plan checks this rule (npm run plan -- <stack> --policy)",
    ]);
  });

  test("authentik-app-bound: the stack's bindings matched by property dependencies, the uuid unknown", async () => {
    const wiki = { type: "authentik:index/application:Application", name: "wiki", props: { slug: "wiki", uuid: UNKNOWN } };
    const tv = { type: "authentik:index/application:Application", name: "tv", props: { slug: "tv", uuid: UNKNOWN } };
    const binding = {
      type: "authentik:index/policyBinding:PolicyBinding",
      name: "wiki-users",
      props: { target: UNKNOWN, group: "g", order: 0 },
      propertyDependencies: { target: [urnOf(wiki)] },
    };
    expect(await analyzeStack([wiki, tv, binding])).toEqual([
      `authentik-app-bound ${urnOf(tv)}: no policy binding targets this application (authentik:index/policyBinding:PolicyBinding with target: <application>.uuid): every signed-in user may use it`,
    ]);
  });

  test("the policy config reaches the rules (Configure, as --policy-pack-config sends it)", async () => {
    const req = new proto.ConfigureAnalyzerRequest();
    req
      .getPolicyconfigMap()
      .set(
        "stateful-protected",
        new proto.PolicyConfig()
          .setEnforcementlevel(proto.EnforcementLevel.MANDATORY)
          .setProperties(Struct.fromJavaScript({ unprotected: ["lab-cp1"] })),
      );
    await rpc<Empty>((cb) => client.configure(req, cb));
    expect(await analyze({ type: "proxmoxve:index/vmLegacy:VmLegacy", name: "lab-cp1", props: {} })).toEqual([]);
    expect(await analyze({ type: "proxmoxve:index/vmLegacy:VmLegacy", name: "lab-cp2", props: {} })).toHaveLength(1);
  });
});
