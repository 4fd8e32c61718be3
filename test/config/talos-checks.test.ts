import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../config/loader";
import { talosConfigSpec } from "../../config/talos";
import { labWith } from "../helpers/fixtures";

/**
 * One problem never hides another: every cross-field check of the talos config, each with a
 * failing case, combined with an unrelated error in every section (and on every node) — alone and
 * all at once. Each combination must report exactly both sets of problems.
 */

type Lab = Record<string, any>;
type Edit = (lab: Lab) => void;

/** The problems a config is rejected with (none when it is accepted), as `key: message` lines. */
function problems(edit: Edit): string[] {
  try {
    loadConfig("talos", talosConfigSpec, labWith(edit));
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
  }
}

const TOKEN = "root@pam!pulumi=00000000-0000-0000-0000-000000000000";
const AGENT = "siderolabs/qemu-guest-agent";

/** Every cross-field check, by what it guards: a failing case and its exact problems. */
const CROSS_CHECKS: [string, Edit, string[]][] = [
  [
    "gateway inside the LAN",
    (l) => (l.network.gateway = "10.1.0.1"),
    ["homelab:network.gateway: 10.1.0.1 is outside the LAN CIDR 10.0.0.0/24"],
  ],
  [
    "VIP a host address of the LAN",
    (l) => (l.network.vip = "10.0.0.255"),
    ["homelab:network.vip: 10.0.0.255 is the broadcast address of 10.0.0.0/24"],
  ],
  [
    "VIP not the gateway",
    (l) => (l.network.vip = "10.0.0.1"),
    [
      "homelab:network.vip: 10.0.0.1 is the LAN's router (homelab:network.gateway): the Kubernetes API VIP is an address of the control planes; give it a free one",
    ],
  ],
  ["node names unique", (l) => (l.nodes[1].name = "cp1"), ['homelab:nodes[1].name: name "cp1" is already used by nodes[0]']],
  ["VM ids unique", (l) => (l.nodes[2].vmId = 111), ["homelab:nodes[2].vmId: VM id 111 is already used by nodes[0]"]],
  ["IPs unique", (l) => (l.nodes[1].ip = "10.0.0.11"), ["homelab:nodes[1].ip: IP 10.0.0.11 is already used by nodes[0]"]],
  [
    "MACs unique",
    (l) => ((l.nodes[0].mac = "02:00:00:00:00:01"), (l.nodes[1].mac = "02:00:00:00:00:01")),
    ["homelab:nodes[1].mac: MAC 02:00:00:00:00:01 is already used by nodes[0]"],
  ],
  [
    "node IPs inside the LAN",
    (l) => (l.nodes[2].ip = "10.9.0.31"),
    ["homelab:nodes[2].ip: 10.9.0.31 is outside the LAN CIDR 10.0.0.0/24"],
  ],
  ["node IP not the gateway", (l) => (l.nodes[1].ip = "10.0.0.1"), ["homelab:nodes[1].ip: 10.0.0.1 is the gateway address"]],
  ["node IP not the VIP", (l) => (l.nodes[2].ip = "10.0.0.10"), ["homelab:nodes[2].ip: 10.0.0.10 is the control-plane VIP"]],
  [
    "only a control plane bootstraps",
    (l) => (l.nodes[1].bootstrap = true),
    ["homelab:nodes[1].bootstrap: only a control-plane node can bootstrap the cluster"],
  ],
  [
    "one bootstrap node",
    (l) => {
      l.nodes[0].bootstrap = true;
      l.nodes.push({ name: "cp2", role: "controlplane", ip: "10.0.0.12", vmId: 112, bootstrap: true });
      l.nodes.push({ name: "cp3", role: "controlplane", ip: "10.0.0.13", vmId: 113 });
    },
    ["homelab:nodes[3].bootstrap: only one node can bootstrap the cluster; nodes[0] already does"],
  ],
  [
    "etcd quorum",
    (l) => (l.nodes[1].role = "controlplane"),
    ["homelab:nodes: needs 1 or an odd number (3, 5, ...) of control-plane nodes for etcd quorum, found 2"],
  ],
  ["a control plane at all", (l) => (l.nodes[0].role = "worker"), ["homelab:nodes: needs at least one control-plane node"]],
  [
    "VM balloon floor within the VM size",
    (l) => (l.vm = { memory: { size: 4096, floor: 8192 } }),
    ["homelab:vm.memory.floor: balloon floor 8192 MiB is above the memory size 4096 MiB"],
  ],
  [
    "node balloon floor within the merged size",
    (l) => ((l.vm = { memory: { size: 3072 } }), (l.nodes[1].memory = { floor: 4096 })),
    ["homelab:nodes[1].memory.floor: balloon floor 4096 MiB is above the memory size 3072 MiB (from homelab:vm.memory.size)"],
  ],
  [
    "an inherited floor never silently dropped",
    (l) => ((l.vm = { memory: { floor: 3072 } }), (l.nodes[1].memory = { size: 2048 })),
    [
      "homelab:nodes[1].memory.size: 2048 MiB is below the balloon floor 3072 MiB inherited from homelab:vm.memory.floor; set nodes[1].memory.floor too (0 for no ballooning)",
    ],
  ],
  [
    "PCI passthrough cannot balloon",
    (l) => (l.nodes[2].memory = { floor: 1024 }),
    ["homelab:nodes[2].memory.floor: a node with PCI passthrough cannot balloon; leave the floor unset (or 0)"],
  ],
  [
    "Talos's minimum memory per role",
    (l) => (l.vm = { memory: { size: 1024 } }),
    [
      "homelab:nodes[0].memory.size: 1024 MiB (from homelab:vm.memory.size) is below Talos's minimum of 2048 MiB for a control plane",
    ],
  ],
  [
    "Talos's minimum disk",
    (l) => (l.nodes[1].disk = { size: 8 }),
    ["homelab:nodes[1].disk.size: 8 GiB is below Talos's minimum of 10 GiB for a worker"],
  ],
  [
    "the gpu image when a node passes PCI devices",
    (l) => delete l.image.gpu,
    ["homelab:image.gpu: is required: gpu1 pass PCI devices through and boot the gpu image"],
  ],
  [
    "the guest agent in images whose VMs run it",
    (l) => (l.image.base.extensions = []),
    [`homelab:image.base.extensions: must include ${AGENT}: cp1, w1 run the QEMU guest agent (or set agent: false)`],
  ],
  [
    "NVIDIA kernel modules in the gpu image",
    (l) => (l.image.gpu.extensions = [AGENT]),
    [
      "homelab:nodes[2].gpu.nvidia: true (the default) loads the NVIDIA kernel modules, but homelab:image.gpu.extensions has none of siderolabs/nonfree-kmod-nvidia-lts, siderolabs/nonfree-kmod-nvidia-production, siderolabs/nvidia-open-gpu-kernel-modules-lts, siderolabs/nvidia-open-gpu-kernel-modules-production; add one, or set nvidia: false",
    ],
  ],
  [
    "a raw PCI address only with root@pam password auth",
    (l) => ((l.proxmox.apiToken = TOKEN), (l.nodes[2].gpu.devices = ["0000:01:00"])),
    [
      "homelab:nodes[2].gpu.devices[0].id: a raw PCI address needs password auth as root@pam, but homelab:proxmox.apiToken is set; use a Proxmox resource mapping ({ mapping: <id> }) instead",
    ],
  ],
  [
    "a PCI device is an address or a mapping",
    (l) => (l.nodes[2].gpu.devices = [{ mapping: "gpu0", id: "0000:01:00" }]),
    ["homelab:nodes[2].gpu.devices[0]: give exactly one of id (a PCI address) or mapping"],
  ],
  [
    "an image is a schematic id or extensions",
    (l) => (l.image.base = { schematicId: "a".repeat(64), extensions: [AGENT] }),
    ["homelab:image.base: give exactly one of schematicId or extensions"],
  ],
  [
    "kernel arguments only with extensions",
    (l) => (l.image.base = { schematicId: "a".repeat(64), extraKernelArgs: ["quiet"] }),
    ["homelab:image.base.extraKernelArgs: only applies with extensions (a schematicId already fixes the kernel arguments)"],
  ],
  [
    "one kind of Proxmox credentials",
    (l) => Object.assign(l.proxmox, { apiToken: TOKEN, username: "root@pam", password: "pw" }),
    ["homelab:proxmox.password: give either apiToken or username/password, not both"],
  ],
  ["a password needs a user", (l) => (l.proxmox.password = "pw"), ["homelab:proxmox.username: is required when password is set"]],
  [
    "a Talos release the rendered documents support",
    (l) => (l.cluster.talosVersion = "v1.11.5"),
    [
      "homelab:cluster.talosVersion: v1.11.5 is older than v1.12, the first Talos release with the multi-document network config this program renders; supported: v1.12 to v1.13",
    ],
  ],
  [
    "a config contract the nodes already run",
    (l) => (l.cluster.configVersion = "v1.14"),
    [
      "homelab:cluster.configVersion: v1.14 is newer than the running Talos v1.13.9: the config contract can only be a release the nodes already run",
    ],
  ],
  [
    "labels a worker's kubelet may set",
    (l) => (l.nodes[1].labels = { "node-role.kubernetes.io/worker": "" }),
    [
      'homelab:nodes[1].labels["node-role.kubernetes.io/worker"]: a worker\'s kubelet may not set node-role.kubernetes.io/* labels (NodeRestriction admission plugin); set them with kubectl or from the platform',
    ],
  ],
  [
    "no node search domain under the lab's wildcard domain",
    (l) => ((l.domain = "lab.example.net"), (l.network.searchDomains = ["home.arpa", "k8s.lab.example.net"])),
    [
      "homelab:network.searchDomains[1]: k8s.lab.example.net is under the lab's domain (homelab:domain lab.example.net), whose wildcard *.lab.example.net resolves to the Gateway: pods inherit the nodes' search domains (ndots 5), so github.com, Let's Encrypt and Cloudflare's API would first be tried as github.com.k8s.lab.example.net and answered with the Gateway's address; use a search domain outside lab.example.net, or none",
    ],
  ],
  [
    "rotate-server-certificates only through cluster.kubeletServingCertificates",
    (l) => (
      (l.cluster.kubeletServingCertificates = false),
      (l.nodes[1].patches = [{ machine: { kubelet: { extraArgs: { "rotate-server-certificates": "true" } } } }])
    ),
    [
      'homelab:nodes[1].patches[0].machine.kubelet.extraArgs.rotate-server-certificates: "true" contradicts homelab:cluster.kubeletServingCertificates (false), which decides it (the platform stack reads it); set that key instead',
    ],
  ],
  [
    "a Kubernetes version the Talos release supports",
    (l) => (l.cluster.kubernetesVersion = "1.29.4"),
    [
      "homelab:cluster.kubernetesVersion: Kubernetes 1.29.4 is not supported by Talos v1.13.9, which runs Kubernetes 1.31 to 1.36",
    ],
  ],
];

/** An error in each section (and on every node, and on every PCI device) that no check reads, with its exact problems. */
const UNRELATED: [string, Edit, string[]][] = [
  [
    "an unknown top-level key",
    (l) => (l.extra = 1),
    ["homelab:extra: unknown key (known keys: domain, proxmox, cluster, network, image, vm, nodes)"],
  ],
  ["proxmox", (l) => (l.proxmox.insecure = "yes"), ['homelab:proxmox.insecure: must be true or false, got "yes"']],
  [
    "cluster",
    (l) => ((l.cluster.installDisk = "sda"), (l.cluster.flavour = "x")),
    [
      "homelab:cluster.installDisk: must be a device path like /dev/sda",
      "homelab:cluster.flavour: unknown key (known keys: name, talosVersion, kubernetesVersion, configVersion, applyMode, rollout, resetOnDelete, storage, installDisk, allowSchedulingOnControlPlanes, protect, kubeletServingCertificates, patches)",
    ],
  ],
  [
    "network",
    (l) => ((l.network.vlan = 5000), (l.network.mtu = 1500)),
    [
      "homelab:network.vlan: must be at most 4094, got 5000",
      "homelab:network.mtu: unknown key (known keys: cidr, gateway, vip, nameservers, searchDomains, ntpServers, bridge, vlan)",
    ],
  ],
  [
    "image",
    (l) => (l.image.factoryUrl = "http://factory.example.net"),
    ['homelab:image.factoryUrl: must be an https:// URL, got "http://factory.example.net"'],
  ],
  [
    "vm",
    (l) => ((l.vm ??= {}), (l.vm.disk = { ...l.vm.disk, ssd: "yes" })),
    ['homelab:vm.disk.ssd: must be true or false, got "yes"'],
  ],
  [
    "every node and PCI device",
    (l) => {
      for (const n of l.nodes.slice(0, 3)) n.protect = "yes";
      const devices: unknown[] = l.nodes[2].gpu?.devices ?? [];
      l.nodes[2].gpu.devices = devices.map((d) => (typeof d === "string" ? { id: d, xvga: 1 } : { ...(d as object), xvga: 1 }));
    },
    [
      'homelab:nodes[0].protect: must be true or false, got "yes"',
      'homelab:nodes[1].protect: must be true or false, got "yes"',
      'homelab:nodes[2].protect: must be true or false, got "yes"',
      "homelab:nodes[2].gpu.devices[0].xvga: must be true or false, got 1",
    ],
  ],
];

const sorted = (lines: string[]) => [...lines].sort();

test("each failing case fails alone, with exactly its problems", () => {
  for (const [name, edit, expected] of CROSS_CHECKS) expect(problems(edit), name).toEqual(expected);
});

test("each unrelated error is reported alone, with exactly its problems", () => {
  expect(problems(() => undefined)).toEqual([]);
  for (const [name, edit, expected] of UNRELATED) expect(problems(edit), name).toEqual(expected);
});

describe.each(CROSS_CHECKS)("%s", (_name, check, checkProblems) => {
  test.each(UNRELATED)("with an error in %s", (_section, unrelated, unrelatedProblems) => {
    expect(sorted(problems((l) => (check(l), unrelated(l))))).toEqual(sorted([...checkProblems, ...unrelatedProblems]));
  });

  test("with an error in every section at once", () => {
    const everything = (l: Lab) => UNRELATED.forEach(([, unrelated]) => unrelated(l));
    const all = UNRELATED.flatMap(([, , expected]) => expected);
    expect(sorted(problems((l) => (check(l), everything(l))))).toEqual(sorted([...checkProblems, ...all]));
  });
});
