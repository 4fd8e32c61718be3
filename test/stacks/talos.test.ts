import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readStackFile } from "../../cli/stack-file";
import { runStack } from "../../stacks";
import { register, reveal, STACK_OUTPUTS, valueOf } from "../helpers/pulumi";
import { frozenRun } from "../helpers/frozen";

const ROOT = join(__dirname, "..", "..");

/** The shipped example stack, run end to end under mocks. */
async function example(edit: (values: Record<string, string>) => void = () => undefined, secretKeys: string[] = []) {
  const { values, secretKeys: fileSecrets } = readStackFile(join(ROOT, "Pulumi.talos.yaml"));
  edit(values);
  const keys = [...fileSecrets, ...secretKeys];
  return register(() => runStack("talos"), { stack: "talos", config: values, secretKeys: keys });
}

/** The example as shipped, run once for the tests that only read it (a run is a pure function of its config). */
let shippedRun: ReturnType<typeof example> | undefined;
const shipped = () => (shippedRun ??= example().then(frozenRun));

describe("the talos stack on the example config", () => {
  test("registers exactly the expected resources", async () => {
    const r = await shipped();
    const counts: Record<string, number> = {};
    for (const res of r.run.resources) counts[res.type] = (counts[res.type] ?? 0) + 1;
    expect(counts).toEqual({
      "pulumi:pulumi:Stack": 1,
      "pulumi:providers:proxmoxve": 1,
      "pulumi:providers:talos": 1,
      "pulumi:providers:command": 1,
      "homelab:proxmox:ProxmoxCluster": 1,
      "homelab:talos:TalosBootstrap": 1,
      "talos:imageFactory/schematic:Schematic": 2,
      "proxmoxve:download/file:File": 3,
      "proxmoxve:index/vmLegacy:VmLegacy": 7,
      "talos:machine/secrets:Secrets": 1,
      "talos:machine/configurationApply:ConfigurationApply": 7,
      "talos:machine/bootstrap:Bootstrap": 1,
      "talos:cluster/kubeconfig:Kubeconfig": 1,
      "command:local:Command": 8,
    });
    expect(r.run.invokes.map((i) => i.token).sort()).toEqual([
      // The exported talosconfig, the rollouts' and the Kubernetes step's.
      ...Array(3).fill("talos:client/getConfiguration:getConfiguration"),
      "talos:cluster/getHealth:getHealth",
      ...Array(7).fill("talos:machine/getConfiguration:getConfiguration"),
    ]);
  });

  test("providers come from config, and every resource uses its package's explicit provider", async () => {
    const r = await shipped();
    const proxmox = r.get("proxmox", "pulumi:providers:proxmoxve");
    const talos = r.get("talos", "pulumi:providers:talos");
    const commands = r.get("command", "pulumi:providers:command");
    // Provider inputs travel as strings, as Pulumi sends provider configuration.
    expect(proxmox.inputs).toEqual({
      endpoint: "https://pve1.lab.example.net:8006/",
      insecure: "true",
      ssh: '{"username":"root","agent":true}',
    });
    expect(talos.inputs).toEqual({ imageFactoryUrl: "https://factory.talos.dev" });
    for (const res of r.run.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:"))) {
      const provider = res.type.startsWith("talos:") ? talos : res.type.startsWith("command:") ? commands : proxmox;
      expect(res.provider?.startsWith(`${provider.urn}::`), `${res.name} uses ${res.provider}`).toBe(true);
    }
  });

  test("a Proxmox API token from config reaches the provider as a secret", async () => {
    const r = await example(
      (values) => {
        values["homelab:proxmox"] = JSON.stringify({
          ...JSON.parse(values["homelab:proxmox"]!),
          apiToken: "root@pam!pulumi=0000",
        });
      },
      ["homelab:proxmox"],
    );
    expect(reveal(r.get("proxmox", "pulumi:providers:proxmoxve").inputs.apiToken)).toEqual(["root@pam!pulumi=0000", true]);
  });

  test("outputs: secret kubeconfig and talosconfig, the VIP endpoint, node IPs, VM ids and kubelet serving certificates", async () => {
    const { outputs } = (await shipped()).result;
    expect(Object.keys(outputs).sort()).toEqual([
      "endpoint",
      "kubeconfig",
      "kubeletServingCertificates",
      "nodeIps",
      "talosconfig",
      "vmIds",
    ]);
    expect(await valueOf(outputs.kubeletServingCertificates)).toEqual({ value: true, secret: false, known: true });
    expect((await valueOf(outputs.kubeconfig)).secret).toBe(true);
    expect((await valueOf(outputs.talosconfig)).secret).toBe(true);
    expect((await valueOf(outputs.endpoint)).value).toBe("https://10.20.0.10:6443");
    expect((await valueOf(outputs.nodeIps)).value).toEqual({
      cp1: "10.20.0.11",
      cp2: "10.20.0.12",
      cp3: "10.20.0.13",
      w1: "10.20.0.21",
      w2: "10.20.0.22",
      w3: "10.20.0.23",
      gpu1: "10.20.0.31",
    });
    expect((await valueOf(outputs.vmIds)).value).toEqual({ cp1: 811, cp2: 812, cp3: 813, w1: 821, w2: 822, w3: 823, gpu1: 831 });
  });

  test("each node's config waits for its own VM and the Kubernetes step only; the GPU node boots and installs the GPU image", async () => {
    const r = await shipped();
    expect(r.names(r.get("homelab-cp2-config").dependencies)).toEqual([
      "homelab-base-schematic",
      "homelab-cp2",
      "homelab-kubernetes",
      "homelab-secrets",
    ]);
    expect(r.names(r.get("homelab-gpu1-config").dependencies)).toEqual([
      "homelab-gpu-schematic",
      "homelab-gpu1",
      "homelab-kubernetes",
      "homelab-secrets",
    ]);
    expect(r.names(r.get("homelab-gpu1").dependencies)).toEqual(["homelab-gpu-v1.13.9-image-pve2"]);
    expect(r.get("homelab-gpu1").inputs).toMatchObject({
      nodeName: "pve2",
      memory: { dedicated: 16384, floating: 0 },
      hostpcis: [{ device: "hostpci0", mapping: "gpu0", pcie: true, rombar: true, xvga: false }],
      tags: ["gpu", "homelab", "talos", "worker"],
    });
  });

  test("the example protects the VMs and the machine secrets", async () => {
    const r = await shipped();
    expect(r.ofType("proxmoxve:index/vmLegacy:VmLegacy").map((vm) => vm.protect)).toEqual(Array(7).fill(true));
    expect(r.get("homelab-secrets").protect).toBe(true);
  });

  test("artifacts are the very patches sent to the configuration invoke, one file per node", async () => {
    const r = await shipped();
    const { artifacts } = r.result;
    expect(Object.keys(artifacts).sort()).toEqual([
      ...["cp1", "cp2", "cp3", "gpu1"].map((n) => `${n}.talos.yaml`),
      "kubernetes-upgrade.sh",
      "talos-rollout.sh",
      ...["w1", "w2", "w3"].map((n) => `${n}.talos.yaml`),
    ]);
    const cp1 = (await valueOf(artifacts["cp1.talos.yaml"]!)).value;
    const sent = r.run.invokes.find(
      (i) =>
        i.token === "talos:machine/getConfiguration:getConfiguration" &&
        (i.args.configPatches as string[])[1]!.includes("hostname: cp1"),
    )!;
    expect(cp1).toBe((sent.args.configPatches as string[]).join("---\n"));
    expect(cp1).toContain("kind: Layer2VIPConfig\nname: 10.20.0.10\nlink: lan\n");
    expect(cp1).toContain('rotate-server-certificates: "true"');
  });

  test("what a StackReference to a talos stack answers in a plan matches the program's real outputs and their secrecy", async () => {
    const r = await shipped();
    const outputs = r.result.outputs;
    const secret = (await Promise.all(Object.entries(outputs).map(async ([k, v]) => [k, (await valueOf(v)).secret] as const)))
      .filter(([, s]) => s)
      .map(([k]) => k)
      .sort();
    expect(Object.keys(STACK_OUTPUTS.talos!.outputs("talos")).sort()).toEqual(Object.keys(outputs).sort());
    expect([...STACK_OUTPUTS.talos!.secret].sort()).toEqual(secret);
  });
});
