import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { TalosBootstrap, type TalosBootstrapArgs, type TalosNodeArgs } from "../../components/talos-bootstrap";
import { nodePatches } from "../../lib/talos";
import { toYaml, toYamlDocuments } from "../../lib/yaml";
import { register, reveal, valueOf } from "../helpers/pulumi";

const IMAGE = "factory.talos.dev/nocloud-installer/abc:v1.13.9";
const APPLY = "talos:machine/configurationApply:ConfigurationApply";
const MACHINE_CONFIG = "talos:machine/getConfiguration:getConfiguration";
const CLIENT_CONFIG = "talos:client/getConfiguration:getConfiguration";

/** Stand-in for a node's VM, so dependency edges can be checked. */
class Machine extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Machine", name, {});
  }
}

function machines(names: string[]): Record<string, pulumi.CustomResource> {
  return Object.fromEntries(names.map((n) => [n, new Machine(`vm-${n}`)]));
}

function lab(vms: Record<string, pulumi.CustomResource>, overrides: Partial<TalosBootstrapArgs> = {}): TalosBootstrapArgs {
  const node = (name: string, role: TalosNodeArgs["role"], ip: string, extra: Partial<TalosNodeArgs> = {}): TalosNodeArgs => ({
    name,
    role,
    ip,
    macAddress: `02:00:00:00:00:${ip.split(".")[3]}`,
    installImage: pulumi.output(IMAGE),
    machine: vms[name]!,
    ...extra,
  });
  return {
    clusterName: "lab",
    talosVersion: "v1.13.9",
    kubernetesVersion: "1.36.0",
    vip: "10.0.0.10",
    network: { cidr: "10.0.0.0/24", gateway: "10.0.0.1", nameservers: ["10.0.0.1"] },
    patches: [{ machine: { sysctls: { "vm.swappiness": "10" } } }],
    nodes: [
      node("cp1", "controlplane", "10.0.0.11"),
      node("cp2", "controlplane", "10.0.0.12"),
      node("cp3", "controlplane", "10.0.0.13"),
      node("w1", "worker", "10.0.0.21", { nvidia: true, patches: [{ machine: { nodeLabels: { gpu: "true" } } }] }),
    ],
    ...overrides,
  };
}

async function build(overrides: (vms: Record<string, pulumi.CustomResource>) => Partial<TalosBootstrapArgs> = () => ({})) {
  return register(() => {
    const vms = machines(["cp1", "cp2", "cp3", "w1"]);
    return new TalosBootstrap("lab", lab(vms, overrides(vms)));
  });
}

describe("TalosBootstrap", () => {
  test("children: secrets, one config apply per node, one bootstrap, one kubeconfig", async () => {
    const r = await build();
    expect(r.childrenOf(r.get("lab", TalosBootstrap.__pulumiType))).toEqual([
      "command:local:Command::lab-cp1-rollout",
      "command:local:Command::lab-cp2-rollout",
      "command:local:Command::lab-cp3-rollout",
      "command:local:Command::lab-kubernetes",
      "command:local:Command::lab-w1-rollout",
      "talos:cluster/kubeconfig:Kubeconfig::lab-kubeconfig",
      "talos:machine/bootstrap:Bootstrap::lab-bootstrap",
      `${APPLY}::lab-cp1-config`,
      `${APPLY}::lab-cp2-config`,
      `${APPLY}::lab-cp3-config`,
      `${APPLY}::lab-w1-config`,
      "talos:machine/secrets:Secrets::lab-secrets",
    ]);
  });

  test("each apply waits only for its own machine (and the secrets)", async () => {
    const r = await build();
    for (const node of ["cp1", "cp2", "cp3", "w1"]) {
      expect(r.names(r.get(`lab-${node}-config`).dependencies)).toEqual(["lab-secrets", `vm-${node}`]);
    }
  });

  test("the bootstrap runs once, on the first control plane, after every control-plane apply", async () => {
    const r = await build();
    const bootstrap = r.get("lab-bootstrap");
    expect(reveal(bootstrap.inputs.clientConfiguration)[1]).toBe(true);
    expect({ ...bootstrap.inputs, clientConfiguration: undefined }).toEqual({
      node: "10.0.0.11",
      endpoint: "10.0.0.11",
      clientConfiguration: undefined,
    });
    expect(r.names(bootstrap.dependencies)).toEqual(["lab-cp1-config", "lab-cp2-config", "lab-cp3-config", "lab-secrets"]);
  });

  test("a flagged control plane bootstraps instead, and serves the kubeconfig", async () => {
    const r = await build((vms) => ({ nodes: lab(vms).nodes.map((n) => (n.name === "cp2" ? { ...n, bootstrap: true } : n)) }));
    expect(r.get("lab-bootstrap").inputs).toMatchObject({ node: "10.0.0.12", endpoint: "10.0.0.12" });
    expect(r.get("lab-kubeconfig").inputs).toMatchObject({ node: "10.0.0.12", endpoint: "10.0.0.12" });
  });

  test("the kubeconfig is fetched after the bootstrap, from the bootstrap node", async () => {
    const r = await build();
    const kubeconfig = r.get("lab-kubeconfig");
    expect(kubeconfig.inputs).toMatchObject({ node: "10.0.0.11", endpoint: "10.0.0.11" });
    expect(r.names(kubeconfig.dependencies)).toEqual(["lab-bootstrap", "lab-secrets"]);
  });

  test("applies send the generated configuration to the node itself", async () => {
    const r = await build();
    const apply = r.get("lab-w1-config");
    expect(Object.keys(apply.inputs).sort()).toEqual([
      "applyMode",
      "clientConfiguration",
      "endpoint",
      "machineConfigurationInput",
      "node",
      "onDestroy",
    ]);
    expect(apply.inputs).toMatchObject({ node: "10.0.0.21", endpoint: "10.0.0.21" });
    expect(reveal(apply.inputs.machineConfigurationInput)).toEqual([
      "<placeholder: generated worker machine configuration>",
      true,
    ]);
  });

  test("one configuration invoke per node, with the rendered patches", async () => {
    const r = await build();
    const invokes = r.invokes(MACHINE_CONFIG);
    expect(invokes).toHaveLength(4);
    const w1 = invokes.find((i) => i.args.machineType === "worker")!;
    const expected = nodePatches({
      hostname: "w1",
      role: "worker",
      address: "10.0.0.21",
      lanCidr: "10.0.0.0/24",
      gateway: "10.0.0.1",
      macAddress: "02:00:00:00:00:21",
      nameservers: ["10.0.0.1"],
      vip: "10.0.0.10",
      installDisk: "/dev/sda",
      installImage: IMAGE,
      nvidia: true,
      extraPatches: [{ machine: { sysctls: { "vm.swappiness": "10" } } }, { machine: { nodeLabels: { gpu: "true" } } }],
    });
    expect({ ...w1.args, machineSecrets: reveal(w1.args.machineSecrets)[1] }).toEqual({
      clusterName: "lab",
      clusterEndpoint: "https://10.0.0.10:6443",
      machineType: "worker",
      machineSecrets: true,
      talosVersion: "v1.13",
      kubernetesVersion: "1.36.0",
      configPatches: expected.map(toYaml),
    });
    expect(w1.version).toBe("0.8.1");
    expect(w1.pluginDownloadURL).toBe("github://api.github.com/pulumiverse");
    expect((await valueOf(r.result.patches.w1!)).value).toBe(toYamlDocuments(expected));
    expect(invokes.filter((i) => i.args.machineType === "controlplane")).toHaveLength(3);
  });

  test("kubeconfig and talosconfig are secrets; the endpoint is the VIP", async () => {
    const r = await build();
    expect(await valueOf(r.result.kubeconfig)).toEqual({ value: "<placeholder: admin kubeconfig>", secret: true, known: true });
    expect(await valueOf(r.result.talosconfig)).toEqual({ value: "<placeholder: talosconfig>", secret: true, known: true });
    expect(await valueOf(r.result.endpoint)).toEqual({ value: "https://10.0.0.10:6443", secret: false, known: true });
    const talosconfig = r.invokes(CLIENT_CONFIG);
    expect(talosconfig).toHaveLength(1);
    expect({ ...talosconfig[0]!.args, clientConfiguration: reveal(talosconfig[0]!.args.clientConfiguration)[1] }).toEqual({
      clusterName: "lab",
      clientConfiguration: true,
      endpoints: ["10.0.0.11", "10.0.0.12", "10.0.0.13"],
      nodes: ["10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.21"],
    });
  });

  test("without a VIP the endpoint is the bootstrap node", async () => {
    const r = await build(() => ({ vip: undefined }));
    expect((await valueOf(r.result.endpoint)).value).toBe("https://10.0.0.11:6443");
    expect(r.invokes(MACHINE_CONFIG).map((i) => i.args.clusterEndpoint)).toEqual(Array(4).fill("https://10.0.0.11:6443"));
  });

  test("the machine secrets are protectable and survive Talos upgrades", async () => {
    const plain = (await build()).get("lab-secrets");
    expect(plain.inputs).toEqual({ talosVersion: "v1.13" });
    expect(plain.protect).toBe(false);
    expect(plain.ignoreChanges).toEqual(["talosVersion"]);
    expect((await build(() => ({ protectSecrets: true }))).get("lab-secrets").protect).toBe(true);
  });

  test.each<[string, (vms: Record<string, pulumi.CustomResource>) => Partial<TalosBootstrapArgs>, string]>([
    [
      "no control plane",
      (vms) => ({ nodes: lab(vms).nodes.filter((n) => n.role === "worker") }),
      "TalosBootstrap lab: needs at least one control-plane node",
    ],
    [
      "a worker flagged to bootstrap",
      (vms) => ({ nodes: lab(vms).nodes.map((n) => ({ ...n, bootstrap: n.name === "w1" })) }),
      "TalosBootstrap lab: node w1 bootstraps but is not a control plane",
    ],
    [
      "two bootstrap nodes",
      (vms) => ({ nodes: lab(vms).nodes.map((n) => ({ ...n, bootstrap: n.role === "controlplane" && n.name !== "cp3" })) }),
      "TalosBootstrap lab: only one node can bootstrap, got cp1, cp2",
    ],
    [
      "duplicate names",
      (vms) => ({ nodes: [...lab(vms).nodes, lab(vms).nodes[0]!] }),
      'TalosBootstrap lab: node name "cp1" is used twice',
    ],
  ])("rejects %s before creating anything", async (_what, overrides, message) => {
    await expect(build(overrides)).rejects.toThrow(message);
  });
});
