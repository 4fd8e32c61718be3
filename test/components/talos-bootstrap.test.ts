import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { TalosBootstrap, type TalosBootstrapArgs, type TalosNodeArgs } from "../../components/talos-bootstrap";
import { nodePatches } from "../../lib/talos";
import { KUBERNETES_UPGRADE_SCRIPT, ROLLOUT_CREATE, ROLLOUT_SCRIPT } from "../../lib/talos-commands";
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

  test("each apply waits only for its own machine, the secrets and the Kubernetes step", async () => {
    const r = await build();
    for (const node of ["cp1", "cp2", "cp3", "w1"]) {
      expect(r.names(r.get(`lab-${node}-config`).dependencies)).toEqual(["lab-kubernetes", "lab-secrets", `vm-${node}`]);
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
    const [configuration, secret] = reveal(apply.inputs.machineConfigurationInput);
    expect(secret).toBe(true);
    expect(configuration).toMatch(/^<placeholder: generated worker machine configuration [0-9a-f]{16}>$/);
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
    // Three talosconfigs: the exported one (every node), the rollouts' (the control planes as
    // endpoints, no nodes: a node added changes no other rollout) and the Kubernetes step's (the
    // bootstrap node only).
    const talosconfigs = r
      .invokes(CLIENT_CONFIG)
      .map((i) => ({ ...i.args, clientConfiguration: reveal(i.args.clientConfiguration)[1] }));
    const all = { clusterName: "lab", clientConfiguration: true };
    expect(talosconfigs).toEqual(
      expect.arrayContaining([
        {
          ...all,
          endpoints: ["10.0.0.11", "10.0.0.12", "10.0.0.13"],
          nodes: ["10.0.0.11", "10.0.0.12", "10.0.0.13", "10.0.0.21"],
        },
        { ...all, endpoints: ["10.0.0.11", "10.0.0.12", "10.0.0.13"] },
        { ...all, endpoints: ["10.0.0.11"], nodes: ["10.0.0.11"] },
      ]),
    );
    expect(talosconfigs).toHaveLength(3);
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

describe("TalosBootstrap on day 2", () => {
  const ROLLOUT = "command:local:Command";

  test("an apply is replaced with its machine, and resets its node (drain, leave etcd) before the machine goes", async () => {
    const r = await build();
    for (const node of ["cp1", "w1"]) {
      const apply = r.get(`lab-${node}-config`);
      expect(r.names(apply.replaceWith)).toEqual([`vm-${node}`]);
      expect(apply.deleteBeforeReplace).toBe(true);
      expect(apply.inputs.onDestroy).toEqual({ reset: true, graceful: true, reboot: false });
      // Deleting a node deletes its apply first (it depends on the machine): reset, then the VM.
      expect(r.names(apply.dependencies)).toEqual(["lab-kubernetes", "lab-secrets", `vm-${node}`]);
    }
    const keep = await build(() => ({ resetOnDelete: false }));
    expect(keep.get("lab-w1-config").inputs.onDestroy).toEqual({ reset: false, graceful: true, reboot: false });
  });

  test("changed configs are staged and rebooted by the rollout; applyMode is configurable", async () => {
    expect((await build()).get("lab-cp1-config").inputs.applyMode).toBe("staged_if_needing_reboot");
    expect((await build(() => ({ applyMode: "auto" }))).get("lab-cp1-config").inputs.applyMode).toBe("auto");
  });

  test("no two control planes roll at once; workers go in batches after them; applies stay parallel", async () => {
    const r = await register(() => {
      const vms = machines(["cp1", "cp2", "cp3", "w1", "w2", "w3", "w4"]);
      const base = lab(vms);
      const worker = (name: string, ip: string): TalosNodeArgs => ({
        name,
        role: "worker",
        ip,
        macAddress: `02:00:00:00:00:${ip.split(".")[3]}`,
        installImage: IMAGE,
        machine: vms[name]!,
      });
      return new TalosBootstrap("lab", {
        ...base,
        rollout: { maxUnavailableWorkers: 2 },
        nodes: [
          ...base.nodes.filter((n) => n.role === "controlplane"),
          worker("w1", "10.0.0.21"),
          worker("w2", "10.0.0.22"),
          worker("w3", "10.0.0.23"),
          worker("w4", "10.0.0.24"),
        ],
      });
    });
    const deps = (name: string) => r.names(r.get(name).dependencies);
    // Each rollout also reads the talosconfig (the secrets) and is replaced with its machine.
    const rollout = (node: string, ...after: string[]) => [...after, `lab-${node}-config`, "lab-secrets", `vm-${node}`].sort();
    expect(deps("lab-cp1-rollout")).toEqual(rollout("cp1"));
    expect(deps("lab-cp2-rollout")).toEqual(rollout("cp2", "lab-cp1-rollout"));
    expect(deps("lab-cp3-rollout")).toEqual(rollout("cp3", "lab-cp2-rollout"));
    expect(deps("lab-w1-rollout")).toEqual(rollout("w1", "lab-cp3-rollout"));
    expect(deps("lab-w2-rollout")).toEqual(rollout("w2", "lab-cp3-rollout"));
    expect(deps("lab-w3-rollout")).toEqual(rollout("w3", "lab-w1-rollout", "lab-w2-rollout"));
    expect(deps("lab-w4-rollout")).toEqual(rollout("w4", "lab-w1-rollout", "lab-w2-rollout"));
    // First deploy: every apply waits for its own machine, the cluster identity and the
    // Kubernetes step, which waits for nothing else (on a new cluster it only says its version).
    for (const node of ["cp1", "cp2", "cp3", "w1", "w2", "w3", "w4"]) {
      expect(deps(`lab-${node}-config`)).toEqual(["lab-kubernetes", "lab-secrets", `vm-${node}`]);
    }
    expect(deps("lab-kubernetes")).toEqual(["lab-secrets"]);
  });

  test("a rollout command: nothing on create, the rollout script on update, replaced with its machine", async () => {
    const r = await build();
    const rollout = r.get("lab-w1-rollout", ROLLOUT);
    expect(rollout.inputs.create).toBe(ROLLOUT_CREATE);
    expect(rollout.inputs.update).toBe(ROLLOUT_SCRIPT);
    expect(rollout.inputs.delete).toBeUndefined();
    // No triggers (@pulumi/command would turn them into a replacement that runs create only): a
    // new image or config changes the environment, which runs the update.
    expect(rollout.inputs.triggers).toBeUndefined();
    expect(rollout.replaceOnChanges).toEqual(["triggers[*]"]);
    expect(r.names(rollout.replaceWith)).toEqual(["vm-w1"]);
    const { TALOSCONFIG_DATA, ...environment } = rollout.inputs.environment as Record<string, unknown>;
    expect(reveal(TALOSCONFIG_DATA)).toEqual(["<placeholder: talosconfig>", true]);
    expect(environment).toEqual({
      NODE: "10.0.0.21",
      INSTALLER_IMAGE: IMAGE,
      TALOS_VERSION: "v1.13.9",
      // The mocks resolve staged_if_needing_reboot as a dry run finding no reboot would.
      APPLY_MODE: "auto",
      CONFIG_HASH: expect.stringMatching(/^[0-9a-f]{64}$/),
      HEALTH_NODE: "10.0.0.11",
      TIMEOUT: "15m",
    });
  });

  test("the Kubernetes step upgrades Kubernetes (its update) when kubernetesVersion changes, through the bootstrap node", async () => {
    const r = await build();
    const kubernetes = r.get("lab-kubernetes", ROLLOUT);
    expect(kubernetes.inputs.update).toBe(KUBERNETES_UPGRADE_SCRIPT);
    expect(kubernetes.inputs.triggers).toBeUndefined();
    const { TALOSCONFIG_DATA, ...environment } = kubernetes.inputs.environment as Record<string, unknown>;
    expect(reveal(TALOSCONFIG_DATA)).toEqual(["<placeholder: talosconfig>", true]);
    expect(environment).toEqual({ NODE: "10.0.0.11", KUBERNETES_VERSION: "1.36.0" });
  });

  test("the config contract is pinned apart from the running release", async () => {
    const r = await build(() => ({ talosVersion: "v1.13.10", configVersion: "v1.12" }));
    expect(r.get("lab-secrets").inputs).toEqual({ talosVersion: "v1.12" });
    expect(r.invokes(MACHINE_CONFIG).map((i) => i.args.talosVersion)).toEqual(Array(4).fill("v1.12"));
    expect((r.get("lab-cp1-rollout").inputs.environment as Record<string, string>).TALOS_VERSION).toBe("v1.13.10");
  });

  test("the kubeconfig waits for the Talos health check (Kubernetes checks skipped: no CNI yet)", async () => {
    const r = await build(() => ({ healthTimeout: "20m" }));
    const health = r.invokes("talos:cluster/getHealth:getHealth");
    expect(health).toHaveLength(1);
    expect({ ...health[0]!.args, clientConfiguration: reveal(health[0]!.args.clientConfiguration)[1] }).toEqual({
      clientConfiguration: true,
      endpoints: ["10.0.0.11", "10.0.0.12", "10.0.0.13"],
      controlPlaneNodes: ["10.0.0.11", "10.0.0.12", "10.0.0.13"],
      workerNodes: ["10.0.0.21"],
      skipKubernetesChecks: true,
      timeouts: { read: "20m" },
    });
    expect(await valueOf(r.result.kubeconfig)).toEqual({ value: "<placeholder: admin kubeconfig>", secret: true, known: true });
  });

  test("the kubeconfig is only known once the health check has answered", async () => {
    // The SDK calls the runtime's invokeOutput at call time: leave the health check unanswered
    // (unknown, as in a preview before the nodes exist).
    const runtime = pulumi.runtime as unknown as { invokeOutput: (token: string, ...rest: unknown[]) => unknown };
    const original = runtime.invokeOutput;
    runtime.invokeOutput = (token, ...rest) =>
      token === "talos:cluster/getHealth:getHealth" ? pulumi.output(pulumi.unknown) : original(token, ...rest);
    try {
      const r = await build();
      expect(await valueOf(r.result.kubeconfig)).toMatchObject({ known: false, secret: true });
      expect((await valueOf(r.result.talosconfig)).known).toBe(true);
    } finally {
      runtime.invokeOutput = original;
    }
  });

  test("bootstrapping never repeats when the bootstrap node changes", async () => {
    expect((await build()).get("lab-bootstrap").ignoreChanges).toEqual(["node", "endpoint"]);
  });

  test("node labels and taints reach the node's patch", async () => {
    const r = await build((vms) => ({
      nodes: lab(vms).nodes.map((n) =>
        n.name === "w1"
          ? {
              ...n,
              labels: { "example.com/pool": "gpu" },
              taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }],
            }
          : n,
      ),
    }));
    const patch = (await valueOf(r.result.patches.w1!)).value;
    expect(patch).toContain("nodeLabels:\n    example.com/pool: gpu\n");
    expect(patch).toContain("nodeTaints:\n    nvidia.com/gpu: true:NoSchedule\n");
  });
});
