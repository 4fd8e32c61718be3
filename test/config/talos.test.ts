import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig, rawConfig } from "../../config/loader";
import { talosConfigSpec } from "../../config/talos";
import { derivedMac } from "../../lib/net";
import { labWith, smallLab } from "../helpers/fixtures";
import { valueOf } from "../helpers/pulumi";

const load = (raw = rawConfig(smallLab())) => loadConfig("talos", talosConfigSpec, raw);
const AGENT = "siderolabs/qemu-guest-agent";

/** The problems a config is rejected with, as `key: message` lines. */
function problems(edit: (lab: Record<string, any>) => void): string[] {
  try {
    load(labWith(edit));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
  }
  throw new Error("config was accepted");
}

describe("a valid config", () => {
  test("resolves every default", () => {
    const { config, warnings } = load();
    expect(warnings).toEqual([]);
    expect(config.proxmox).toEqual({ endpoint: "https://pve.example.net:8006/", insecure: false, node: "pve1" });
    expect(config.cluster).toEqual({
      name: "lab",
      talosVersion: "v1.13.9",
      configVersion: "v1.13",
      applyMode: "staged_if_needing_reboot",
      rollout: { maxUnavailableWorkers: 1, timeout: "15m" },
      resetOnDelete: true,
      storage: "none",
      installDisk: "/dev/sda",
      allowSchedulingOnControlPlanes: false,
      protect: false,
      kubeletServingCertificates: true,
      patches: [],
    });
    expect(config.domain).toBeUndefined();
    expect(config.network).toEqual({
      cidr: "10.0.0.0/24",
      gateway: "10.0.0.1",
      vip: "10.0.0.10",
      nameservers: ["10.0.0.1"],
      searchDomains: [],
      ntpServers: [],
      bridge: "vmbr0",
    });
    expect(config.image).toEqual({
      factoryUrl: "https://factory.talos.dev",
      datastore: "local",
      sharedDatastore: false,
      base: { extensions: ["siderolabs/qemu-guest-agent"] },
      gpu: {
        extensions: [
          "siderolabs/qemu-guest-agent",
          "siderolabs/nonfree-kmod-nvidia-production",
          "siderolabs/nvidia-container-toolkit-production",
        ],
      },
    });
    expect(config.nodes[0]).toEqual({
      name: "cp1",
      role: "controlplane",
      ip: "10.0.0.11",
      vmId: 111,
      host: "pve1",
      mac: derivedMac("lab/cp1"),
      bootstrap: true,
      cpu: { cores: 2, sockets: 1, type: "host" },
      memory: { size: 4096, floor: 0 },
      disk: { size: 32, datastore: "local-lvm", iothread: true, ssd: true, discard: true },
      tags: [],
      agent: true,
      image: "base",
      labels: {},
      taints: [],
      patches: [],
      protect: false,
    });
    expect(config.nodes[2]).toMatchObject({
      name: "gpu1",
      host: "pve2",
      bootstrap: false,
      image: "gpu",
      gpu: { devices: [{ mapping: "gpu0", pcie: true, rombar: true, xvga: false }], nvidia: true },
      taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }],
    });
  });

  test("VM defaults merge under node overrides; GPU nodes never inherit a balloon floor", () => {
    const { config } = load(
      labWith((lab) => {
        lab.cluster.protect = true;
        lab.vm = {
          cpu: { cores: 4, type: "x86-64-v2-AES" },
          memory: { size: 8192, floor: 2048 },
          disk: { datastore: "nvme" },
          tags: ["lab", "k8s"],
        };
        lab.nodes[1] = {
          ...lab.nodes[1],
          cpu: { cores: 8 },
          memory: { floor: 6144 },
          tags: ["big", "lab"],
          protect: false,
          mac: "02:AA:00:00:00:01",
        };
        lab.nodes[0].memory = { size: 2048, floor: 2048 };
      }),
    );
    const [cp1, w1, gpu1] = config.nodes;
    expect(cp1).toMatchObject({
      cpu: { cores: 4, sockets: 1, type: "x86-64-v2-AES" },
      memory: { size: 2048, floor: 2048 },
      protect: true,
      tags: ["k8s", "lab"],
    });
    expect(w1).toMatchObject({
      cpu: { cores: 8, sockets: 1, type: "x86-64-v2-AES" },
      memory: { size: 8192, floor: 6144 },
      disk: { size: 32, datastore: "nvme", iothread: true, ssd: true, discard: true },
      tags: ["big", "k8s", "lab"],
      protect: false,
      mac: "02:aa:00:00:00:01",
    });
    expect(gpu1).toMatchObject({ memory: { size: 8192, floor: 0 } });
  });

  test("day-2 settings: contract, rollout, Longhorn, shared images, SSH addresses, labels and taints", () => {
    const { config, warnings } = load(
      labWith((lab) => {
        Object.assign(lab.cluster, {
          talosVersion: "v1.13.10",
          configVersion: "v1.12",
          applyMode: "auto",
          rollout: { maxUnavailableWorkers: 3 },
          resetOnDelete: false,
          storage: "longhorn",
        });
        lab.image.sharedDatastore = true;
        lab.proxmox.ssh = {
          username: "root",
          nodes: [
            { name: "pve1", address: "192.168.1.5" },
            { name: "pve2", address: "pve2.lan", port: 2222 },
          ],
        };
        lab.nodes[1].labels = { "example.com/pool": "general" };
        lab.nodes[1].taints = ["dedicated=db:NoSchedule", "spot:PreferNoSchedule"];
        lab.nodes[2].taints = [];
      }),
    );
    expect(warnings).toEqual([]);
    expect(config.cluster).toMatchObject({
      talosVersion: "v1.13.10",
      configVersion: "v1.12",
      applyMode: "auto",
      rollout: { maxUnavailableWorkers: 3, timeout: "15m" },
      resetOnDelete: false,
      storage: "longhorn",
    });
    expect(config.image.sharedDatastore).toBe(true);
    // Longhorn's extensions join every extension list.
    expect(config.image.base.extensions).toEqual([
      "siderolabs/iscsi-tools",
      "siderolabs/qemu-guest-agent",
      "siderolabs/util-linux-tools",
    ]);
    expect(config.image.gpu!.extensions).toEqual([
      "siderolabs/iscsi-tools",
      "siderolabs/nonfree-kmod-nvidia-production",
      "siderolabs/nvidia-container-toolkit-production",
      "siderolabs/qemu-guest-agent",
      "siderolabs/util-linux-tools",
    ]);
    expect(config.proxmox.ssh?.nodes).toEqual([
      { name: "pve1", address: "192.168.1.5" },
      { name: "pve2", address: "pve2.lan", port: 2222 },
    ]);
    expect(config.nodes[1]).toMatchObject({
      labels: { "example.com/pool": "general" },
      taints: [
        { key: "dedicated", value: "db", effect: "NoSchedule" },
        { key: "spot", effect: "PreferNoSchedule" },
      ],
    });
    // A GPU node's default taint goes when taints are given, even none.
    expect(config.nodes[2]!.taints).toEqual([]);
  });

  test("Longhorn with a fixed schematic: a warning, since nothing can be added to it", () => {
    const { warnings } = load(
      labWith((lab) => {
        lab.cluster.storage = "longhorn";
        lab.image.gpu = { schematicId: "c".repeat(64) };
      }),
    );
    expect(warnings).toEqual([
      "homelab:image.gpu.schematicId: cluster.storage is longhorn: this fixed schematic must include siderolabs/iscsi-tools and siderolabs/util-linux-tools (they are added to extension lists, not to a schematic id)",
    ]);
  });

  test("an explicit bootstrap node wins over the first control plane", () => {
    const { config } = load(
      labWith((lab) => {
        lab.nodes.push({ name: "cp2", role: "controlplane", ip: "10.0.0.12", vmId: 112, bootstrap: true });
        lab.nodes.push({ name: "cp3", role: "controlplane", ip: "10.0.0.13", vmId: 113 });
      }),
    );
    expect(config.nodes.filter((n) => n.bootstrap).map((n) => n.name)).toEqual(["cp2"]);
  });
});

describe("secrets", () => {
  test("fields marked secret become secret Outputs, and plain-text storage is warned about", async () => {
    const { config, warnings } = load(labWith((lab) => (lab.proxmox.apiToken = "root@pam!pulumi=0000")));
    expect(pulumi.Output.isInstance(config.proxmox.apiToken)).toBe(true);
    expect(await valueOf(config.proxmox.apiToken!)).toEqual({ value: "root@pam!pulumi=0000", secret: true, known: true });
    expect(warnings).toEqual([
      "homelab:proxmox.apiToken is stored in plain text; encrypt it with `pulumi config set --secret --path 'homelab:proxmox.apiToken' ...`",
    ]);
  });

  test("an encrypted key raises no warning", () => {
    const { warnings } = load(labWith((lab) => (lab.proxmox.apiToken = "root@pam!pulumi=0000"), ["proxmox"]));
    expect(warnings).toEqual([]);
  });

  test("an encrypted key without secret fields is used in plain text, with a warning", () => {
    const { warnings } = load(labWith(() => undefined, ["network"]));
    expect(warnings).toEqual([
      "homelab:network is stored encrypted, but none of its fields is a secret; its values are used in plain text",
    ]);
  });

  test("a bad secret is reported without its value", () => {
    const lines = problems((lab) => Object.assign(lab.proxmox, { apiToken: 4242, username: "root@pam", password: "" }));
    expect(lines).toEqual([
      "homelab:proxmox.apiToken: must be a string (the value is secret and not shown)",
      "homelab:proxmox.password: must not be empty",
      // Both are given, whatever is wrong with each.
      "homelab:proxmox.password: give either apiToken or username/password, not both",
    ]);
  });

  test("an SSH private key is secret; the SSH user and agent flag are not", async () => {
    const { config } = load(
      labWith((lab) => (lab.proxmox.ssh = { username: "root", agent: false, privateKey: "-----BEGIN KEY-----" }), ["proxmox"]),
    );
    expect(config.proxmox.ssh).toMatchObject({ username: "root", agent: false });
    expect(await valueOf(config.proxmox.ssh!.privateKey!)).toEqual({ value: "-----BEGIN KEY-----", secret: true, known: true });
  });

  test("password auth is secret too", async () => {
    const { config } = load(
      labWith((lab) => Object.assign(lab.proxmox, { username: "root@pam", password: "hunter2" }), ["proxmox"]),
    );
    expect(await valueOf(config.proxmox.password!)).toEqual({ value: "hunter2", secret: true, known: true });
    expect(config.proxmox.username).toBe("root@pam");
  });
});

describe("every problem at once", () => {
  test("a duplicate IP, an IP outside the CIDR and a missing required key", () => {
    expect(
      problems((lab) => {
        lab.nodes[1].ip = "10.0.0.11";
        lab.nodes[2].ip = "10.9.0.31";
        delete lab.cluster.talosVersion;
      }),
    ).toEqual([
      "homelab:cluster.talosVersion: is required",
      "homelab:nodes[1].ip: IP 10.0.0.11 is already used by nodes[0]",
      "homelab:nodes[2].ip: 10.9.0.31 is outside the LAN CIDR 10.0.0.0/24",
    ]);
  });

  test("a node that is itself invalid still takes part in the cross checks of the others", () => {
    expect(
      problems((lab) => {
        lab.nodes[0].vmId = "111";
        lab.nodes[1].vmId = 131;
      }),
    ).toEqual([
      'homelab:nodes[0].vmId: must be a number, got "111"',
      "homelab:nodes[2].vmId: VM id 131 is already used by nodes[1]",
    ]);
  });

  test("nothing at all", () => {
    expect(
      problems((lab) => {
        for (const key of Object.keys(lab)) delete lab[key];
      }),
    ).toEqual([
      "homelab:proxmox: is required",
      "homelab:cluster: is required",
      "homelab:network: is required",
      "homelab:image: is required",
      "homelab:nodes: is required",
    ]);
  });
});

describe("each rule", () => {
  test.each<[string, (lab: Record<string, any>) => void, string[]]>([
    [
      "unknown keys, with suggestions",
      (l) => ((l.node = 1), (l.nodes[1].vmid = 3), (l.cluster.flavour = "x")),
      [
        'homelab:node: unknown key (did you mean "nodes"?)',
        "homelab:cluster.flavour: unknown key (known keys: name, talosVersion, kubernetesVersion, configVersion, applyMode, rollout, resetOnDelete, storage, installDisk, allowSchedulingOnControlPlanes, protect, kubeletServingCertificates, patches)",
        'homelab:nodes[1].vmid: unknown key (did you mean "vmId"?)',
      ],
    ],
    [
      "wrong types and values",
      (l) => ((l.nodes[0].vmId = 1.5), (l.network.vlan = "20"), (l.nodes[0].role = "master")),
      [
        'homelab:network.vlan: must be a number, got "20"',
        'homelab:nodes[0].role: must be one of "controlplane", "worker", got "master"',
        "homelab:nodes[0].vmId: must be an integer, got 1.5",
      ],
    ],
    [
      "names must be DNS labels",
      (l) => (l.nodes[0].name = "CP_1"),
      [
        "homelab:nodes[0].name: must be a DNS label (lowercase letters, digits and '-', at most 63, starting and ending alphanumeric), got \"CP_1\"",
      ],
    ],
    [
      "names and VM ids unique",
      (l) => ((l.nodes[1].name = "cp1"), (l.nodes[2].vmId = 111)),
      [
        'homelab:nodes[1].name: name "cp1" is already used by nodes[0]',
        "homelab:nodes[2].vmId: VM id 111 is already used by nodes[0]",
      ],
    ],
    [
      "explicit MACs unique",
      (l) => ((l.nodes[0].mac = "02:00:00:00:00:01"), (l.nodes[1].mac = "02:00:00:00:00:01")),
      ["homelab:nodes[1].mac: MAC 02:00:00:00:00:01 is already used by nodes[0]"],
    ],
    [
      "node IPs are host addresses, not the gateway or the VIP",
      (l) => ((l.nodes[0].ip = "10.0.0.0"), (l.nodes[1].ip = "10.0.0.1"), (l.nodes[2].ip = "10.0.0.10")),
      [
        "homelab:nodes[0].ip: 10.0.0.0 is the network address of 10.0.0.0/24",
        "homelab:nodes[1].ip: 10.0.0.1 is the gateway address",
        "homelab:nodes[2].ip: 10.0.0.10 is the control-plane VIP",
      ],
    ],
    [
      "gateway and VIP inside the CIDR",
      (l) => ((l.network.gateway = "10.1.0.1"), (l.network.vip = "10.0.0.255")),
      [
        "homelab:network.gateway: 10.1.0.1 is outside the LAN CIDR 10.0.0.0/24",
        "homelab:network.vip: 10.0.0.255 is the broadcast address of 10.0.0.0/24",
      ],
    ],
    [
      "VIP is not the gateway",
      (l) => (l.network.vip = "10.0.0.1"),
      [
        "homelab:network.vip: 10.0.0.1 is the LAN's router (homelab:network.gateway): the Kubernetes API VIP is an address of the control planes; give it a free one",
      ],
    ],
    [
      "CIDR host bits",
      (l) => (l.network.cidr = "10.0.0.5/24"),
      ['homelab:network.cidr: must be an IPv4 network like 10.10.0.0/24 (host bits zero), got "10.0.0.5/24"'],
    ],
    [
      "two control planes",
      (l) => (l.nodes[1].role = "controlplane"),
      ["homelab:nodes: needs 1 or an odd number (3, 5, ...) of control-plane nodes for etcd quorum, found 2"],
    ],
    ["no control plane", (l) => l.nodes.shift(), ["homelab:nodes: needs at least one control-plane node"]],
    [
      "one bootstrap node, a control plane",
      (l) => {
        l.nodes.push({ name: "cp2", role: "controlplane", ip: "10.0.0.12", vmId: 112, bootstrap: true });
        l.nodes.push({ name: "cp3", role: "controlplane", ip: "10.0.0.13", vmId: 113, bootstrap: true });
        l.nodes[1].bootstrap = true;
      },
      [
        "homelab:nodes[1].bootstrap: only a control-plane node can bootstrap the cluster",
        "homelab:nodes[3].bootstrap: only one node can bootstrap the cluster; nodes[1] already does",
        "homelab:nodes[4].bootstrap: only one node can bootstrap the cluster; nodes[1] already does",
      ],
    ],
    [
      "GPU nodes name their PCI devices",
      (l) => (l.nodes[2].gpu = {}),
      ["homelab:nodes[2].gpu.devices: a GPU node must name its PCI devices (PCI addresses or resource mappings)"],
    ],
    [
      "at least one PCI device",
      (l) => (l.nodes[2].gpu.devices = []),
      ["homelab:nodes[2].gpu.devices: a GPU node must name at least one PCI device"],
    ],
    [
      "PCI devices by address or mapping",
      (l) => (l.nodes[2].gpu.devices = ["zz", { mapping: "gpu0", id: "0000:01:00" }, { mapping: "rtx-3060" }]),
      [
        'homelab:nodes[2].gpu.devices[0].id: must be a PCI address like 0000:01:00 or 0000:01:00.0, got "zz"',
        "homelab:nodes[2].gpu.devices[1]: give exactly one of id (a PCI address) or mapping",
      ],
    ],
    [
      "a GPU node needs the gpu image",
      (l) => delete l.image.gpu,
      ["homelab:image.gpu: is required: gpu1 pass PCI devices through and boot the gpu image"],
    ],
    [
      "images run the guest agent the VMs wait for",
      (l) => (l.image.gpu.extensions = ["siderolabs/nonfree-kmod-nvidia-production"]),
      [
        "homelab:image.gpu.extensions: must include siderolabs/qemu-guest-agent: gpu1 run the QEMU guest agent (or set agent: false)",
      ],
    ],
    ["no guest agent needed when it is off", (l) => ((l.image.base.extensions = []), (l.vm = { agent: false })), []],
    [
      "an image is a schematic id or extensions",
      (l) => ((l.image.base = { schematicId: "a".repeat(64), extensions: [] }), (l.image.gpu = { extraKernelArgs: ["x"] })),
      [
        "homelab:image.base: give exactly one of schematicId or extensions",
        "homelab:image.gpu: give exactly one of schematicId or extensions",
      ],
    ],
    [
      "balloon floors fit the memory",
      (l) => ((l.vm = { memory: { size: 2048, floor: 4096 } }), (l.nodes[1].memory = { size: 1024, floor: 2048 })),
      [
        "homelab:vm.memory.floor: balloon floor 4096 MiB is above the memory size 2048 MiB",
        "homelab:nodes[1].memory.floor: balloon floor 2048 MiB is above the memory size 1024 MiB",
      ],
    ],
    [
      "PCI passthrough cannot balloon",
      (l) => (l.nodes[2].memory = { floor: 1024 }),
      ["homelab:nodes[2].memory.floor: a node with PCI passthrough cannot balloon; leave the floor unset (or 0)"],
    ],
    [
      "Proxmox credentials: one kind",
      (l) => Object.assign(l.proxmox, { apiToken: "t", password: "p", endpoint: "http://pve:8006" }),
      [
        'homelab:proxmox.endpoint: must be an https:// URL, got "http://pve:8006"',
        "homelab:proxmox.apiToken: must be an API token USER@REALM!TOKENID=SECRET, e.g. root@pam!pulumi=<uuid> (the value is secret and not shown)",
        "homelab:proxmox.password: give either apiToken or username/password, not both",
        "homelab:proxmox.username: is required when password is set",
      ],
    ],
    [
      "patches are Talos documents",
      (l) => (l.cluster.patches = [{ foo: 1 }, "machine: {}"]),
      [
        "homelab:cluster.patches[0]: must be a Talos config document: a v1alpha1 patch (machine/cluster keys) or a typed document with apiVersion and kind",
        "homelab:cluster.patches[1]: must be a Talos config document (a map)",
      ],
    ],
    [
      "Talos releases older than the rendered documents",
      (l) => (l.cluster.talosVersion = "v1.10.7"),
      [
        "homelab:cluster.talosVersion: v1.10.7 is older than v1.12, the first Talos release with the multi-document network config this program renders; supported: v1.12 to v1.13",
      ],
    ],
    [
      "a Kubernetes version newer than the Talos release runs",
      (l) => Object.assign(l.cluster, { talosVersion: "v1.12.4", kubernetesVersion: "v1.36.0" }),
      [
        "homelab:cluster.kubernetesVersion: Kubernetes v1.36.0 is not supported by Talos v1.12.4, which runs Kubernetes 1.30 to 1.35",
      ],
    ],
    ["the oldest and newest Kubernetes of a release are fine", (l) => (l.cluster.kubernetesVersion = "1.31.0"), []],
    [
      "the Proxmox endpoint without the API path",
      (l) => (l.proxmox.endpoint = "https://pve.example.net:8006/api2/json"),
      [
        "homelab:proxmox.endpoint: must not include the API path: the provider appends /api2/json itself; use https://pve.example.net:8006/",
      ],
    ],
    [
      "usable MAC addresses",
      (l) => (
        (l.nodes[0].mac = "01:00:5e:00:00:01"),
        (l.nodes[1].mac = "00:00:00:00:00:00"),
        (l.nodes[2].mac = "ff:ff:ff:ff:ff:ff")
      ),
      [
        "homelab:nodes[0].mac: 01:00:5e:00:00:01 is a multicast address (odd first octet), which no NIC can have; use a unicast one, e.g. starting with 02: (locally administered)",
        "homelab:nodes[1].mac: 00:00:00:00:00:00 is not a usable MAC address",
        "homelab:nodes[2].mac: ff:ff:ff:ff:ff:ff is a multicast address (odd first octet), which no NIC can have; use a unicast one, e.g. starting with 02: (locally administered)",
      ],
    ],
    [
      "memory and disk at Talos's minimums per role",
      (l) => {
        l.nodes[0].memory = { size: 2047 };
        l.nodes[1].memory = { size: 1023 };
        l.vm = { disk: { size: 9 } };
      },
      [
        "homelab:nodes[0].memory.size: 2047 MiB is below Talos's minimum of 2048 MiB for a control plane",
        "homelab:nodes[0].disk.size: 9 GiB (from homelab:vm.disk.size) is below Talos's minimum of 10 GiB for a control plane",
        "homelab:nodes[1].memory.size: 1023 MiB is below Talos's minimum of 1024 MiB for a worker",
        "homelab:nodes[1].disk.size: 9 GiB (from homelab:vm.disk.size) is below Talos's minimum of 10 GiB for a worker",
        "homelab:nodes[2].disk.size: 9 GiB (from homelab:vm.disk.size) is below Talos's minimum of 10 GiB for a worker",
      ],
    ],
    [
      "exactly the minimums are fine",
      (l) => ((l.nodes[0].memory = { size: 2048 }), (l.nodes[1].memory = { size: 1024 }), (l.vm = { disk: { size: 10 } })),
      [],
    ],
    [
      "NVIDIA modules need their extension; nvidia: false needs none",
      (l) => (
        (l.image.gpu.extensions = [AGENT, "siderolabs/nvidia-container-toolkit-production"]),
        (l.nodes[2].gpu.nvidia = true)
      ),
      [
        "homelab:nodes[2].gpu.nvidia: true loads the NVIDIA kernel modules, but homelab:image.gpu.extensions has none of siderolabs/nonfree-kmod-nvidia-lts, siderolabs/nonfree-kmod-nvidia-production, siderolabs/nvidia-open-gpu-kernel-modules-lts, siderolabs/nvidia-open-gpu-kernel-modules-production; add one, or set nvidia: false",
      ],
    ],
    [
      "an image without NVIDIA modules for nvidia: false",
      (l) => ((l.image.gpu.extensions = [AGENT]), (l.nodes[2].gpu.nvidia = false)),
      [],
    ],
    ["a gpu schematic id is taken on trust", (l) => (l.image.gpu = { schematicId: "b".repeat(64) }), []],
    [
      "an API token in USER@REALM!TOKENID=SECRET form, never echoed",
      (l) => (l.proxmox.apiToken = "pulumi=d0e1f2"),
      [
        "homelab:proxmox.apiToken: must be an API token USER@REALM!TOKENID=SECRET, e.g. root@pam!pulumi=<uuid> (the value is secret and not shown)",
      ],
    ],
    [
      "a raw PCI address with a user other than root@pam",
      (l) => (Object.assign(l.proxmox, { username: "admin@pve", password: "pw" }), (l.nodes[2].gpu.devices = ["0000:01:00.0"])),
      [
        "homelab:nodes[2].gpu.devices[0].id: a raw PCI address needs password auth as root@pam, but homelab:proxmox.username is admin@pve; use a Proxmox resource mapping ({ mapping: <id> }) instead",
      ],
    ],
    [
      "a raw PCI address as root@pam with a password",
      (l) => (Object.assign(l.proxmox, { username: "root@pam", password: "pw" }), (l.nodes[2].gpu.devices = ["0000:01:00"])),
      [],
    ],
    [
      "Proxmox CPU models Talos runs on",
      (l) => {
        l.vm = { cpu: { type: "kvm64" } };
        l.nodes[0].cpu = { type: "epyc-rome" };
        l.nodes[1].cpu = { type: "Sky lake" };
        l.nodes[2].cpu = { type: "custom-" };
      },
      [
        'homelab:vm.cpu.type: "kvm64" lacks x86-64-v2, which Talos needs; use host, x86-64-v2-AES or a newer model',
        'homelab:nodes[0].cpu.type: "epyc-rome" is not a Proxmox CPU model (did you mean "EPYC-Rome"?); e.g. host, x86-64-v2-AES, x86-64-v3, EPYC-Rome, or custom-<name>',
        'homelab:nodes[1].cpu.type: "Sky lake" is not a Proxmox CPU model; e.g. host, x86-64-v2-AES, x86-64-v3, EPYC-Rome, or custom-<name>',
        'homelab:nodes[2].cpu.type: "custom-" is not a Proxmox CPU model; e.g. host, x86-64-v2-AES, x86-64-v3, EPYC-Rome, or custom-<name>',
      ],
    ],
    [
      "control planes have Talos's minimum of 2 CPUs",
      (l) => ((l.vm = { cpu: { cores: 1 } }), (l.nodes[0].cpu = { sockets: 1 })),
      [
        "homelab:nodes[0].cpu.cores: 1 core (from homelab:vm.cpu.cores) × 1 socket is below Talos's minimum of 2 CPUs for a control plane",
      ],
    ],
    ["2 sockets of 1 core are 2 CPUs", (l) => (l.nodes[0].cpu = { cores: 1, sockets: 2 }), []],
    [
      "NTP servers and search domains are host names or IPs",
      (l) => {
        l.network.ntpServers = ["time.cloudflare.com", "10.0.0.1", "2606:4700:f1::1", "10.0.0.300", "ntp server"];
        l.network.searchDomains = ["lab.example.net", "-lab.example.net"];
      },
      [
        'homelab:network.searchDomains[1]: must be a lowercase DNS name like lab.example.net, got "-lab.example.net"',
        'homelab:network.ntpServers[3]: must be a host name or an IP address, got "10.0.0.300"',
        'homelab:network.ntpServers[4]: must be a host name or an IP address, got "ntp server"',
      ],
    ],
    [
      "Proxmox node names, tags, mapping and storage ids as Proxmox accepts them",
      (l) => {
        l.proxmox.node = "PVE-1";
        l.nodes[0].host = "pve_2";
        l.vm = { tags: ["_k8s", "Lab.1"], disk: { datastore: "nvme." } };
        l.nodes[1].tags = ["-x"];
        l.image.datastore = "9iso";
        l.nodes[2].gpu.devices = [{ mapping: "g" }, { mapping: "gpu-0" }];
        l.proxmox.username = "root";
      },
      [
        'homelab:proxmox.username: must be a Proxmox user USER@REALM like root@pam, got "root"',
        'homelab:image.datastore: must be a Proxmox storage id (a letter first, letters, digits, - _ . inside, alphanumeric last), got "9iso"',
        'homelab:vm.disk.datastore: must be a Proxmox storage id (a letter first, letters, digits, - _ . inside, alphanumeric last), got "nvme."',
        "homelab:nodes[0].host: must be a Proxmox node name (letters, digits and '-', at most 63, starting and ending alphanumeric), got \"pve_2\"",
        'homelab:nodes[1].tags[0]: must be a Proxmox tag (letters, digits, _ + . -, not starting with + . -), got "-x"',
        'homelab:nodes[2].gpu.devices[0].mapping: must be a Proxmox resource mapping id (a letter, then at least one letter, digit, _ or -), got "g"',
      ],
    ],
    [
      "the config contract is a release the nodes already run, new enough for the rendered documents",
      (l) => {
        l.cluster.configVersion = "v1.14";
      },
      [
        "homelab:cluster.configVersion: v1.14 is newer than the running Talos v1.13.9: the config contract can only be a release the nodes already run",
      ],
    ],
    [
      "an old config contract",
      (l) => (l.cluster.configVersion = "v1.11"),
      [
        "homelab:cluster.configVersion: v1.11 is older than v1.12, the first contract with the multi-document network config this program renders",
      ],
    ],
    [
      "rollout and apply settings",
      (l) => Object.assign(l.cluster, { applyMode: "later", rollout: { maxUnavailableWorkers: 0, timeout: "15 minutes" } }),
      [
        'homelab:cluster.applyMode: must be one of "auto", "no_reboot", "reboot", "staged", "staged_if_needing_reboot", got "later"',
        "homelab:cluster.rollout.maxUnavailableWorkers: must be at least 1, got 0",
        'homelab:cluster.rollout.timeout: must be a duration like 15m or 1h30m, got "15 minutes"',
      ],
    ],
    [
      "labels a worker's kubelet may not set, and bad taints",
      (l) => {
        l.nodes[1].labels = { "node-role.kubernetes.io/worker": "", "example.com/pool": "a b" };
        l.nodes[1].taints = ["dedicated=db:NoRun", { key: "-x", effect: "NoSchedule" }];
      },
      [
        'homelab:nodes[1].labels["example.com/pool"]: must be a label value (at most 63 letters, digits, - _ .), got "a b"',
        'homelab:nodes[1].labels["node-role.kubernetes.io/worker"]: a worker\'s kubelet may not set node-role.kubernetes.io/* labels (NodeRestriction admission plugin); set them with kubectl or from the platform',
        'homelab:nodes[1].taints[0].effect: must be one of "NoSchedule", "PreferNoSchedule", "NoExecute", got "NoRun"',
        'homelab:nodes[1].taints[1].key: must be a label key like example.com/role, got "-x"',
      ],
    ],
    ["a control plane may carry node-role labels", (l) => (l.nodes[0].labels = { "node-role.kubernetes.io/edge": "" }), []],
    [
      "a search domain that is the lab's domain (pods would resolve github.com to the Gateway)",
      (l) => ((l.domain = "lab.example.net"), (l.network.searchDomains = ["lab.example.net"])),
      [
        "homelab:network.searchDomains[0]: lab.example.net is the lab's domain (homelab:domain lab.example.net), whose wildcard *.lab.example.net resolves to the Gateway: pods inherit the nodes' search domains (ndots 5), so github.com, Let's Encrypt and Cloudflare's API would first be tried as github.com.lab.example.net and answered with the Gateway's address; use a search domain outside lab.example.net, or none",
      ],
    ],
    [
      "search domains outside the lab's domain: its parent zone, a sibling, a look-alike",
      (l) => (
        (l.domain = "lab.example.net"),
        (l.network.searchDomains = ["example.net", "home.example.net", "xlab.example.net", "home.arpa"])
      ),
      [],
    ],
    [
      "a patch turning rotate-server-certificates off while cluster.kubeletServingCertificates is on",
      (l) => (l.cluster.patches = [{ machine: { kubelet: { extraArgs: { "rotate-server-certificates": false } } } }]),
      [
        "homelab:cluster.patches[0].machine.kubelet.extraArgs.rotate-server-certificates: false contradicts homelab:cluster.kubeletServingCertificates (true, the default), which decides it (the platform stack reads it); set that key instead",
      ],
    ],
    [
      "kubelet serving certificates off, with no patch saying otherwise",
      (l) => (l.cluster.kubeletServingCertificates = false),
      [],
    ],
  ])("%s", (_name, edit, expected) => {
    if (expected.length === 0) expect(() => load(labWith(edit))).not.toThrow();
    else expect(problems(edit)).toEqual(expected);
  });
});

describe("warnings: allowed, but newer than what is known here or not checkable", () => {
  test.each<[string, (lab: Record<string, any>) => void, string[]]>([
    [
      "a Talos release newer than the newest known",
      (l) => Object.assign(l.cluster, { talosVersion: "v1.14.0", kubernetesVersion: "1.40.0" }),
      [
        "homelab:cluster.talosVersion: v1.14.0 is newer than v1.13, the newest Talos release known here; its documents are rendered as for v1.13, and its Kubernetes versions are not checked",
      ],
    ],
    [
      "a CPU model a newer Proxmox may have",
      (l) => ((l.vm = { cpu: { type: "EPYC-Turin-v2" } }), (l.nodes[1].cpu = { type: "custom-fast" })),
      [
        'homelab:vm.cpu.type: "EPYC-Turin-v2" is not a CPU model of Proxmox VE 9.2; fine if your Proxmox\'s QEMU has it (newer releases add versions of known models), else the VM will not start',
      ],
    ],
    [
      "a raw PCI address while the credentials come from the environment",
      (l) => (l.nodes[2].gpu.devices = ["0000:01:00"]),
      [
        "homelab:nodes[2].gpu.devices[0].id: a raw PCI address needs password auth as root@pam (PROXMOX_VE_USERNAME=root@pam); an API token is refused — a Proxmox resource mapping works with either",
      ],
    ],
    [
      "NVIDIA modules without the container toolkit",
      (l) => (l.image.gpu.extensions = [AGENT, "siderolabs/nvidia-open-gpu-kernel-modules-lts"]),
      [
        "homelab:image.gpu.extensions: has the NVIDIA kernel modules but none of siderolabs/nvidia-container-toolkit-lts, siderolabs/nvidia-container-toolkit-production: pods on gpu1 cannot use the GPU through the NVIDIA container runtime",
      ],
    ],
    [
      "search domains while homelab:domain is unset: nothing to check them against",
      (l) => (l.network.searchDomains = ["home.arpa"]),
      [
        "homelab:network.searchDomains: pods inherit the nodes' search domains; set homelab:domain (the lab's wildcard domain) so they are checked against it",
      ],
    ],
    [
      "a patch repeating rotate-server-certificates (the earlier example's), which the rendered config now carries",
      (l) => (l.cluster.patches = [{ machine: { kubelet: { extraArgs: { "rotate-server-certificates": "true" } } } }]),
      [
        "homelab:cluster.patches[0].machine.kubelet.extraArgs.rotate-server-certificates: homelab:cluster.kubeletServingCertificates (true) already renders this; remove it from the patch",
      ],
    ],
  ])("%s", (_name, edit, expected) => expect(load(labWith(edit)).warnings).toEqual(expected));
});

test("homelab:domain, when given, is the lab's domain in the resolved config", () => {
  expect(load(labWith((l) => (l.domain = "lab.example.net"))).config.domain).toBe("lab.example.net");
});

test("the error message lists every problem under the stack name", () => {
  expect(() => load(labWith((l) => ((l.nodes[1].ip = "10.0.0.11"), (l.nodes[1].vmId = 111))))).toThrow(
    "invalid configuration for stack talos (2 problems):\n" +
      "  homelab:nodes[1].vmId: VM id 111 is already used by nodes[0]\n" +
      "  homelab:nodes[1].ip: IP 10.0.0.11 is already used by nodes[0]",
  );
});
