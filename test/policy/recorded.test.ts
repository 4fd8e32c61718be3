import * as pulumi from "@pulumi/pulumi";
import { Application } from "@pulumi/authentik/bin/application";
import { PolicyBinding } from "@pulumi/authentik/bin/policyBinding";
import { StageIdentification } from "@pulumi/authentik/bin/stageIdentification";
import { Command as LocalCommand } from "@pulumi/command/local/command";
import { Firewall } from "@pulumi/hcloud/firewall";
import { Server } from "@pulumi/hcloud/server";
import { describe, expect, test } from "vitest";
import { GitHubLogin, type GitHubLoginArgs } from "../../components/github-login";
import { ProxmoxCluster, type ProxmoxNodeArgs } from "../../components/proxmox-cluster";
import { remoteFile } from "../../components/remote-parts";
import { edgeFirewallRules } from "../../lib/edge";
import { checkRecorded, parsePolicyConfig, policyResource } from "../../policy/recorded";
import { UNKNOWN } from "../../policy/rules";
import { register } from "../helpers/pulumi";

// The offline side: real components and provider resources run under the mock runtime, with one
// bad option each, and what the rules make of the recorded registrations.

/** `rule name: message` of each violation (not the unjudged notes). */
async function violations(program: () => unknown, config = {}): Promise<string[]> {
  const r = await register(program);
  return checkRecorded(r.run.resources, config).violations.map((v) => `${v.rule} ${v.name}: ${v.message}`);
}

/** The stateful-protected rule off, for fixtures of other rules on stateful types. */
const NOT_PROTECT = { "stateful-protected": { enforcementLevel: "disabled" } };

const githubArgs = (overrides: Partial<GitHubLoginArgs> = {}): GitHubLoginArgs => ({
  clientId: "Iv1.0123456789abcdef",
  clientSecret: pulumi.secret("github-client-secret"),
  authenticationFlow: "flow-authentication",
  enrollmentFlow: "flow-enrollment",
  identificationStageId: "5f1c7a2e-0000-4000-8000-000000000001",
  access: [{ group: "homelab-users", users: ["octocat"], orgs: [], teams: [] }],
  ...overrides,
});

describe("the recorded registrations, as the rules see them", () => {
  test("secrets unwrapped with their paths, unknowns marked, options as the SDK sent them", async () => {
    const r = await register(() => {
      const fw = new Firewall("fw", { name: "fw", labels: { a: "b" } });
      new StageIdentification(
        "stage",
        { name: "s", userFields: ["email"], sources: fw.applyTos.apply(() => ["later"]), passwordStage: pulumi.secret("pw") },
        { import: "5f1c", retainOnDelete: true, protect: true },
      );
    });
    const stage = policyResource(r.get("stage"));
    expect(stage).toEqual({
      urn: "urn:pulumi:test::homelab::pulumi:pulumi:Stack$authentik:index/stageIdentification:StageIdentification::stage",
      type: "authentik:index/stageIdentification:StageIdentification",
      name: "stage",
      // An output the mocks do not answer is unknown in a preview: so is what the program made of it.
      props: { name: "s", userFields: ["email"], sources: UNKNOWN, passwordStage: "pw" },
      secretPaths: ["passwordStage"],
      options: { protect: true, retainOnDelete: true, importId: "5f1c" },
      propertyDependencies: {
        name: [],
        passwordStage: [],
        sources: ["urn:pulumi:test::homelab::pulumi:pulumi:Stack$hcloud:index/firewall:Firewall::fw"],
        userFields: [],
      },
    });
  });
});

describe("each rule, violated through a real component or resource with one bad option", () => {
  test("firewall-exposure: the edge's rules with SSH opened to everyone", async () => {
    const rules = (allowSshFromAnywhere: boolean) =>
      edgeFirewallRules({
        sshFrom: ["203.0.113.7/32"],
        allowSshFromAnywhere,
        sshPort: 2222,
        wireguardPort: 51820,
        extra: [],
      }).map(
        (r) => ({ ...r, sourceIps: [...r.sourceIps] }), // as EdgeServer passes them
      );
    expect(await violations(() => new Firewall("edge", { name: "edge", rules: rules(false) }))).toEqual([]);
    expect(await violations(() => new Firewall("edge", { name: "edge", rules: rules(true) }))).toEqual([
      'firewall-exposure edge: rule 4 ("SSH (admin)") opens tcp/2222 to everyone (0.0.0.0/0, ::/0); only tcp/80, tcp/443, udp/443, udp/51820, icmp may be (SSH from everyone needs allowSshFromAnywhere)',
    ]);
    // The program's own opt-in, mirrored in the policy config.
    const config = parsePolicyConfig('{"firewall-exposure": {"allowSshFromAnywhere": true}}');
    expect(await violations(() => new Firewall("edge", { name: "edge", rules: rules(true) }), config)).toEqual([]);
  });

  test("authentik-app-bound: an application without a binding; with one whose target is its uuid, none", async () => {
    const app = () => new Application("wiki", { name: "Wiki", slug: "wiki" });
    expect(await violations(app)).toEqual([
      "authentik-app-bound wiki: no policy binding targets this application (authentik:index/policyBinding:PolicyBinding with target: <application>.uuid): every signed-in user may use it",
    ]);
    expect(
      await violations(() => {
        const wiki = app();
        new PolicyBinding("wiki-users", { target: wiki.uuid, group: "g-uuid", order: 0 });
      }),
    ).toEqual([]);
  });

  test("credentials-secret: a server whose user data carries a private key in the clear; a command's token", async () => {
    const cloudConfig =
      "#cloud-config\nssh_keys:\n  ed25519_private: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n    b3Blbn...\n";
    const server = (userData: pulumi.Input<string>) => () =>
      new Server("edge", { name: "edge", serverType: "cx23", image: "ubuntu-24.04", location: "fsn1", userData });
    expect(await violations(server(pulumi.secret(cloudConfig)), NOT_PROTECT)).toEqual([]);
    expect(await violations(server(cloudConfig), NOT_PROTECT)).toEqual([
      "credentials-secret edge: userData is a plain value: pass it as a secret (pulumi.secret or a secret config value)",
    ]);
    expect(
      await violations(
        () => new LocalCommand("probe", { create: "curl -H @- api", environment: { API_TOKEN: "t0ken", REGION: "eu" } }),
      ),
    ).toEqual([
      "credentials-secret probe: environment.API_TOKEN is a plain value: pass it as a secret (pulumi.secret or a secret config value)",
    ]);
  });

  test("credentials-secret: a generated SDK marks its schema's secret inputs itself (GitHubLogin's client secret)", async () => {
    const r = await register(() => new GitHubLogin("github", githubArgs({ clientSecret: "github-client-secret" })));
    expect(policyResource(r.get("github", "authentik:index/sourceOauth:SourceOauth")).secretPaths).toEqual(["consumerSecret"]);
    expect(checkRecorded(r.run.resources).violations).toEqual([]);
  });

  test("stateful-protected: ProxmoxCluster with one node's protect off, unless the policy config opts out", async () => {
    const node = (name: string, vmId: number, protect: boolean): ProxmoxNodeArgs => ({
      name,
      role: "controlplane",
      host: "pve1",
      vmId,
      ip: `10.0.0.${vmId - 100}`,
      macAddress: `02:00:00:00:00:${vmId - 100}`,
      image: "base",
      cpu: { cores: 2 },
      memory: { size: 4096 },
      disk: { size: 32, datastore: "local-lvm" },
      protect,
    });
    const cluster = () =>
      new ProxmoxCluster("lab", {
        clusterName: "lab",
        talosVersion: "v1.13.9",
        images: { base: { extensions: ["siderolabs/qemu-guest-agent"] } },
        network: { prefixLength: 24, gateway: "10.0.0.1", nameservers: ["10.0.0.1"], bridge: "vmbr0" },
        nodes: [node("cp1", 111, true), node("cp2", 112, false)],
      });
    expect(await violations(cluster)).toEqual([
      "stateful-protected lab-cp2: holds state and is not protected: set the program's protect config, or opt the stack out in the policy config",
    ]);
    expect(await violations(cluster, { "stateful-protected": { required: false } })).toEqual([]);
  });

  test("adopted-retained: the default identification stage imported without retainOnDelete", async () => {
    // GitHubLogin adopts it the right way.
    expect(await violations(() => new GitHubLogin("github", githubArgs()))).toEqual([]);
    expect(
      await violations(
        () =>
          new StageIdentification(
            "github-identification",
            { name: "default-authentication-identification", userFields: ["email"] },
            { import: "5f1c7a2e-0000-4000-8000-000000000001" },
          ),
      ),
    ).toEqual([
      "adopted-retained github-identification: is adopted (import 5f1c7a2e-0000-4000-8000-000000000001) but not retained on delete: set retainOnDelete so Pulumi never deletes Authentik's own object",
    ]);
  });

  test("remote-host-key-pinned: a remote file whose connection names no host key", async () => {
    const file = (hostKey?: string) => () => {
      const parent = new pulumi.ComponentResource("test:index:Parent", "edge");
      remoteFile(parent, "edge-compose-yaml", {
        connection: pulumi.secret({ host: "203.0.113.10", user: "ops", ...(hostKey === undefined ? {} : { hostKey }) }),
        path: "/opt/homelab/compose.yaml",
        content: "services: {}\n",
        mode: "0644",
      });
    };
    expect(await violations(file("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleHostKey"))).toEqual([]);
    expect(await violations(file())).toEqual([
      "remote-host-key-pinned edge-compose-yaml: connection.hostKey is not set: the host's SSH key is not pinned",
    ]);
  });
});

describe("the policy config", () => {
  test("levels: disabled skips a rule, advisory reports without failing", async () => {
    const r = await register(() => new Application("wiki", { name: "Wiki", slug: "wiki" }));
    expect(checkRecorded(r.run.resources, { "authentik-app-bound": { enforcementLevel: "disabled" } })).toEqual({
      violations: [],
      notJudged: [],
      failed: false,
    });
    const advisory = checkRecorded(r.run.resources, { "authentik-app-bound": { enforcementLevel: "advisory" } });
    expect([advisory.failed, advisory.violations.map((v) => v.enforcementLevel)]).toEqual([false, ["advisory"]]);
    expect(checkRecorded(r.run.resources).failed).toBe(true);
  });

  test("parsePolicyConfig reads the --policy-pack-config format and names every problem", () => {
    expect(parsePolicyConfig('{"stateful-protected": {"required": false}, "adopted-retained": "advisory"}')).toEqual({
      "stateful-protected": { required: false },
      "adopted-retained": { enforcementLevel: "advisory" },
    });
    expect(() =>
      parsePolicyConfig(
        '{"no-such-rule": {}, "stateful-protected": {"enforcementLevel": "remediate"}, "firewall-exposure": {"sshPorts": ["22"]}}',
      ),
    ).toThrow(
      "no-such-rule: no such rule (rules: firewall-exposure, authentik-app-bound, credentials-secret, stateful-protected, adopted-retained, remote-host-key-pinned); stateful-protected.enforcementLevel: must be advisory, mandatory or disabled; firewall-exposure.sshPorts must be a list of port numbers",
    );
    expect(() => parsePolicyConfig("[]")).toThrow("must be a JSON object");
  });
});
