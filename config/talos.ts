import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { derivedMac, hostAddressProblem, parseCidr, parseIpv4 } from "../lib/net";
import type { TalosDocument, TalosRole } from "../lib/talos";
import { dnsLabel, dnsName, httpsUrl, ipv4, ipv4Cidr, secretString } from "./fields";
import type { CheckContext, ConfigSpec } from "./loader";

/**
 * Config of the `talos` program: the Proxmox API, the Talos cluster, the LAN, the Talos images and
 * the VMs. Keys are `homelab:<section>` in `Pulumi.talos.yaml`.
 */

/** Defaults every VM gets unless `homelab:vm` or the node itself says otherwise. */
export const VM_DEFAULTS = {
  cpu: { cores: 2, sockets: 1, type: "host" },
  memory: { size: 4096 },
  disk: { size: 32, datastore: "local-lvm", iothread: true, ssd: true, discard: true },
  agent: true,
} as const;

/** The extension that runs the QEMU guest agent inside Talos. */
export const QEMU_GUEST_AGENT = "siderolabs/qemu-guest-agent";

const int = (min: number, max: number) => z.number().int().min(min).max(max);

const talosDocument = z
  .record(z.string(), z.unknown(), { error: "must be a Talos config document (a map)" })
  .refine((doc) => ("apiVersion" in doc && "kind" in doc) || "machine" in doc || "cluster" in doc, {
    error:
      "must be a Talos config document: a v1alpha1 patch (machine/cluster keys) or a typed document with apiVersion and kind",
  });

const proxmox = z
  .strictObject({
    /** Proxmox VE API URL, e.g. `https://pve1.lab.example.net:8006/`. */
    endpoint: httpsUrl,
    /** Skip TLS verification (self-signed Proxmox certificate). Default false. */
    insecure: z.boolean().default(false),
    /** Proxmox node VMs are placed on unless a node sets `host`. */
    node: dnsLabel,
    /** API token `user@realm!id=uuid`; else PROXMOX_VE_API_TOKEN or username/password. Secret. */
    apiToken: secretString().optional(),
    /** User for password auth, e.g. `root@pam`; else PROXMOX_VE_USERNAME. */
    username: z.string().min(1).optional(),
    /** Password for `username`; else PROXMOX_VE_PASSWORD. Secret. */
    password: secretString().optional(),
    /**
     * SSH to the Proxmox nodes, which the provider needs to import the Talos disk image into each
     * VM; else the PROXMOX_VE_SSH_* variables.
     */
    ssh: z
      .strictObject({
        /** SSH user (a PAM account, e.g. `root`). */
        username: z.string().min(1).optional(),
        /** Authenticate with the running SSH agent. */
        agent: z.boolean().optional(),
        /** Unencrypted private key in PEM format. Secret. */
        privateKey: secretString().optional(),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    if (p.apiToken && p.password) {
      ctx.addIssue({ code: "custom", path: ["password"], message: "give either apiToken or username/password, not both" });
    }
    if (p.password && !p.username) {
      ctx.addIssue({ code: "custom", path: ["username"], message: "is required when password is set" });
    }
  });

const cluster = z.strictObject({
  /** Cluster name (Talos and kubeconfig context). */
  name: dnsLabel,
  /** Talos release the images boot and install, e.g. `v1.13.9`. */
  talosVersion: z.string().regex(/^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/, {
    error: (i) => `must be a Talos release like v1.13.9, got ${JSON.stringify(i.input)}`,
  }),
  /** Kubernetes version; Talos's default for its release when unset. */
  kubernetesVersion: z
    .string()
    .regex(/^v?\d+\.\d+\.\d+$/, { error: (i) => `must be a version like 1.36.0, got ${JSON.stringify(i.input)}` })
    .optional(),
  /** Disk Talos installs to. Default `/dev/sda` (the VM's scsi0 disk). */
  installDisk: z
    .string()
    .regex(/^\/dev\/\S+$/, { error: "must be a device path like /dev/sda" })
    .default("/dev/sda"),
  /** Let workloads run on control planes. Default false. */
  allowSchedulingOnControlPlanes: z.boolean().default(false),
  /** Protect the machine secrets and every VM from `pulumi destroy`. Default false. */
  protect: z.boolean().default(false),
  /** Extra Talos config documents for every node, applied after the rendered ones. */
  patches: z.array(talosDocument).default([]),
});

const network = z.strictObject({
  /** The LAN, e.g. `10.10.0.0/24`. Node IPs, the gateway and the VIP must be inside it. */
  cidr: ipv4Cidr,
  /** Default gateway. */
  gateway: ipv4,
  /** Shared control-plane VIP for the Kubernetes API; the first control plane's IP when unset. */
  vip: ipv4.optional(),
  /** DNS servers. */
  nameservers: z.array(ipv4).min(1),
  /** DNS search domains. */
  searchDomains: z.array(dnsName).default([]),
  /** NTP servers; Talos's default when empty. */
  ntpServers: z.array(z.string().min(1)).default([]),
  /** Proxmox bridge the VMs attach to. Default `vmbr0`. */
  bridge: z
    .string()
    .regex(/^[A-Za-z][\w.-]{0,14}$/, { error: (i) => `must be a Linux bridge name like vmbr0, got ${JSON.stringify(i.input)}` })
    .default("vmbr0"),
  /** VLAN tag on the VM NICs; untagged when unset. */
  vlan: int(1, 4094).optional(),
});

const imageVariant = z
  .strictObject({
    /** A precomputed Image Factory schematic id (64 hex characters). */
    schematicId: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { error: "must be an Image Factory schematic id (64 lowercase hex characters)" })
      .optional(),
    /** Official system extensions; the schematic is registered with the Image Factory. */
    extensions: z
      .array(
        z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, {
          error: (i) => `must be an extension like siderolabs/qemu-guest-agent, got ${JSON.stringify(i.input)}`,
        }),
      )
      .optional(),
    /** Extra kernel arguments baked into the image (only with `extensions`). */
    extraKernelArgs: z.array(z.string().min(1)).optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.schematicId === undefined) === (v.extensions === undefined)) {
      ctx.addIssue({ code: "custom", path: [], message: "give exactly one of schematicId or extensions" });
    }
    if (v.schematicId !== undefined && v.extraKernelArgs !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["extraKernelArgs"],
        message: "only applies with extensions (a schematicId already fixes the kernel arguments)",
      });
    }
  });

const image = z.strictObject({
  /** Image Factory URL. Default `https://factory.talos.dev`. */
  factoryUrl: httpsUrl.default("https://factory.talos.dev"),
  /** Proxmox datastore the disk images are downloaded to (needs the `iso` content type). Default `local`. */
  datastore: z.string().min(1).default("local"),
  /** Image of every node without PCI devices. */
  base: imageVariant,
  /** Image of nodes with PCI devices (GPU drivers). */
  gpu: imageVariant.optional(),
});

const cpu = z
  .strictObject({
    /** Cores per socket. */
    cores: int(1, 512),
    /** Sockets. */
    sockets: int(1, 16),
    /** CPU type; `host` by default (Talos needs x86-64-v2, which `kvm64` lacks). */
    type: z.string().min(1),
  })
  .partial();

const memory = z
  .strictObject({
    /** Memory in MiB. */
    size: int(512, 16 * 1024 * 1024),
    /** Balloon floor in MiB: Proxmox may reclaim memory down to this. Default: `size` (no ballooning). */
    floor: int(0, 16 * 1024 * 1024),
  })
  .partial();

const disk = z
  .strictObject({
    /** Disk size in GiB. */
    size: int(8, 65536),
    /** Datastore of the disk and the EFI disk. */
    datastore: z.string().min(1),
    /** IO thread per disk (virtio-scsi-single). */
    iothread: z.boolean(),
    /** Present the disk as SSD. */
    ssd: z.boolean(),
    /** Pass discard/TRIM to the storage. */
    discard: z.boolean(),
  })
  .partial();

const tag = z.string().regex(/^[a-z0-9][a-z0-9_+.-]*$/, {
  error: (i) => `must be a Proxmox tag (lowercase letters, digits, _ + . -), got ${JSON.stringify(i.input)}`,
});

const vm = z
  .strictObject({ cpu, memory, disk, tags: z.array(tag), agent: z.boolean() })
  .partial()
  .default({});

const PCI_ADDRESS = /^([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}(\.[0-7])?$/;

const pciDevice = z.preprocess(
  (value) => (typeof value === "string" ? { id: value } : value),
  z
    .strictObject({
      /** Host PCI address, e.g. `0000:01:00` (all functions) or `0000:01:00.0`. Needs root@pam password auth. */
      id: z
        .string()
        .regex(PCI_ADDRESS, {
          error: (i) => `must be a PCI address like 0000:01:00 or 0000:01:00.0, got ${JSON.stringify(i.input)}`,
        })
        .optional(),
      /** Proxmox PCI resource mapping name (works with API tokens). */
      mapping: z
        .string()
        .regex(/^[A-Za-z][\w-]*$/, { error: (i) => `must be a Proxmox resource mapping name, got ${JSON.stringify(i.input)}` })
        .optional(),
      /** PCI Express passthrough (q35). Default true. */
      pcie: z.boolean().default(true),
      /** Expose the device ROM. Default true. */
      rombar: z.boolean().default(true),
      /** Primary VGA of the VM. Default false. */
      xvga: z.boolean().default(false),
    })
    .superRefine((d, ctx) => {
      if ((d.id === undefined) === (d.mapping === undefined)) {
        ctx.addIssue({ code: "custom", path: [], message: "give exactly one of id (a PCI address) or mapping" });
      }
    }),
);

const gpu = z.strictObject({
  /** PCI devices passed through, as `hostpci0..n` in this order. */
  devices: z
    .array(pciDevice, {
      error: (i) =>
        i.input === undefined ? "a GPU node must name its PCI devices (PCI addresses or resource mappings)" : undefined,
    })
    .min(1, { error: "a GPU node must name at least one PCI device" })
    .max(16, { error: "Proxmox allows at most 16 PCI devices (hostpci0..15)" }),
  /** Load the NVIDIA kernel modules. Default true. */
  nvidia: z.boolean().default(true),
});

const node = z.strictObject({
  /** Node name: VM name, hostname and Kubernetes node name. */
  name: dnsLabel,
  role: z.enum(["controlplane", "worker"]),
  /** Static IPv4 address inside the LAN CIDR. */
  ip: ipv4,
  /** Proxmox VM id, unique in the Proxmox cluster. */
  vmId: int(100, 999_999_999),
  /** Proxmox node the VM runs on. Default `homelab:proxmox.node`. */
  host: dnsLabel.optional(),
  /** NIC MAC address. Default: derived from the cluster and node names. */
  mac: z
    .string()
    .regex(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/, {
      error: (i) => `must be a MAC address like 02:11:22:33:44:55, got ${JSON.stringify(i.input)}`,
    })
    .optional(),
  /** The control plane the cluster is bootstrapped on. Default: the first control plane. */
  bootstrap: z.boolean().optional(),
  cpu: cpu.optional(),
  memory: memory.optional(),
  disk: disk.optional(),
  /** Proxmox tags added to `homelab:vm.tags`. */
  tags: z.array(tag).optional(),
  /** Run the QEMU guest agent. Default `homelab:vm.agent`, else true. */
  agent: z.boolean().optional(),
  /** PCI passthrough: makes this a GPU node booting the `gpu` image. */
  gpu: gpu.optional(),
  /** Extra Talos config documents for this node, applied after the cluster-wide ones. */
  patches: z.array(talosDocument).default([]),
  /** Protect this VM. Default `homelab:cluster.protect`. */
  protect: z.boolean().optional(),
});

/** The zod schema of each `homelab:` key of the talos program. */
export const talosSections = {
  proxmox,
  cluster,
  network,
  image,
  vm,
  nodes: z.array(node).min(1),
};

type Sections = typeof talosSections;
type RawNode = z.output<typeof node>;
type RawVm = z.output<typeof vm>;

/** A PCI device passed through to a VM. */
export interface PciDevice {
  readonly id?: string;
  readonly mapping?: string;
  readonly pcie: boolean;
  readonly rombar: boolean;
  readonly xvga: boolean;
}

/** A node with every default applied. */
export interface TalosNodeConfig {
  readonly name: string;
  readonly role: TalosRole;
  readonly ip: string;
  readonly vmId: number;
  /** Proxmox node. */
  readonly host: string;
  readonly mac: string;
  /** The node the cluster is bootstrapped on (exactly one control plane). */
  readonly bootstrap: boolean;
  readonly cpu: { readonly cores: number; readonly sockets: number; readonly type: string };
  readonly memory: { readonly size: number; readonly floor: number };
  readonly disk: {
    readonly size: number;
    readonly datastore: string;
    readonly iothread: boolean;
    readonly ssd: boolean;
    readonly discard: boolean;
  };
  readonly tags: readonly string[];
  readonly agent: boolean;
  /** Image variant the VM boots. */
  readonly image: "base" | "gpu";
  readonly gpu?: { readonly devices: readonly PciDevice[]; readonly nvidia: boolean };
  readonly patches: readonly TalosDocument[];
  readonly protect: boolean;
}

/** An Image Factory image: a fixed schematic id, or extensions to register a schematic from. */
export interface ImageVariantConfig {
  readonly schematicId?: string;
  readonly extensions?: readonly string[];
  readonly extraKernelArgs?: readonly string[];
}

/** The talos program's validated config. */
export interface TalosConfig {
  readonly proxmox: {
    readonly endpoint: string;
    readonly insecure: boolean;
    readonly node: string;
    readonly apiToken?: pulumi.Output<string>;
    readonly username?: string;
    readonly password?: pulumi.Output<string>;
    readonly ssh?: { readonly username?: string; readonly agent?: boolean; readonly privateKey?: pulumi.Output<string> };
  };
  readonly cluster: {
    readonly name: string;
    readonly talosVersion: string;
    readonly kubernetesVersion?: string;
    readonly installDisk: string;
    readonly allowSchedulingOnControlPlanes: boolean;
    readonly protect: boolean;
    readonly patches: readonly TalosDocument[];
  };
  readonly network: {
    readonly cidr: string;
    readonly gateway: string;
    readonly vip?: string;
    readonly nameservers: readonly string[];
    readonly searchDomains: readonly string[];
    readonly ntpServers: readonly string[];
    readonly bridge: string;
    readonly vlan?: number;
  };
  readonly image: {
    readonly factoryUrl: string;
    readonly datastore: string;
    readonly base: ImageVariantConfig;
    readonly gpu?: ImageVariantConfig;
  };
  readonly nodes: readonly TalosNodeConfig[];
}

/** A node's NIC MAC: its own, or one derived from the cluster and node names. Lowercase. */
function nodeMac(clusterName: string, n: RawNode): string {
  return (n.mac ?? derivedMac(`${clusterName}/${n.name}`)).toLowerCase();
}

/** A node's effective memory, and whether the node itself set the floor (for error paths). */
function memoryOf(vmDefaults: RawVm, n: RawNode): { size: number; floor: number; ownFloor: boolean } {
  const size = n.memory?.size ?? vmDefaults.memory?.size ?? VM_DEFAULTS.memory.size;
  if (n.memory?.floor !== undefined) return { size, floor: n.memory.floor, ownFloor: true };
  // PCI passthrough pins all guest memory, so a GPU node never inherits a balloon floor; a
  // default floor above a smaller node's size means "no ballooning" for that node.
  const inherited = n.gpu ? undefined : vmDefaults.memory?.floor;
  return { size, floor: inherited === undefined ? size : Math.min(inherited, size), ownFloor: false };
}

function checkNetwork(ctx: CheckContext<Sections>): void {
  const net = ctx.sections.network;
  if (!net) return;
  const cidr = parseCidr(net.cidr)!;
  const gateway = parseIpv4(net.gateway)!;
  const gatewayProblem = hostAddressProblem(cidr, gateway);
  if (gatewayProblem) ctx.report(["network", "gateway"], `${net.gateway} ${gatewayProblem}`);
  if (net.vip !== undefined) {
    const vip = parseIpv4(net.vip)!;
    const vipProblem = hostAddressProblem(cidr, vip);
    if (vipProblem) ctx.report(["network", "vip"], `${net.vip} ${vipProblem}`);
    if (vip === gateway) ctx.report(["network", "vip"], `${net.vip} is the gateway address`);
  }
}

function checkNodes(ctx: CheckContext<Sections>): void {
  const nodes = ctx.elements("nodes");
  const net = ctx.sections.network;
  const cidr = net ? parseCidr(net.cidr) : undefined;
  const seen = new Map<string, number>();
  const clusterName = ctx.sections.cluster?.name;

  for (const { index, value: n } of nodes) {
    const at = (...path: (string | number)[]) => ["nodes", index, ...path];
    /** Reports `label` at `field` when an earlier node used it; true when it is new. */
    const unique = (field: string, label: string): boolean => {
      const first = seen.get(`${field}=${label}`);
      if (first === undefined) seen.set(`${field}=${label}`, index);
      else ctx.report(at(field), `${label} is already used by nodes[${first}]`);
      return first === undefined;
    };
    const newName = unique("name", `name "${n.name}"`);
    unique("vmId", `VM id ${n.vmId}`);
    unique("ip", `IP ${n.ip}`);
    // A derived MAC only repeats when the name does, which is reported already.
    // Without a valid cluster name only an explicit MAC is known.
    const mac = clusterName === undefined ? n.mac?.toLowerCase() : nodeMac(clusterName, n);
    if (mac !== undefined && (newName || n.mac !== undefined)) unique("mac", `MAC ${mac}`);

    if (net && cidr) {
      const ip = parseIpv4(n.ip)!;
      const problem = hostAddressProblem(cidr, ip);
      if (problem) ctx.report(at("ip"), `${n.ip} ${problem}`);
      if (n.ip === net.gateway) ctx.report(at("ip"), `${n.ip} is the gateway address`);
      if (n.ip === net.vip) ctx.report(at("ip"), `${n.ip} is the control-plane VIP`);
    }
    if (n.bootstrap && n.role !== "controlplane") {
      ctx.report(at("bootstrap"), "only a control-plane node can bootstrap the cluster");
    }

    const vmDefaults = ctx.sections.vm;
    if (vmDefaults) {
      const mem = memoryOf(vmDefaults, n);
      if (mem.ownFloor && mem.floor > mem.size) {
        ctx.report(at("memory", "floor"), `balloon floor ${mem.floor} MiB is above the memory size ${mem.size} MiB`);
      } else if (n.gpu && mem.floor < mem.size) {
        ctx.report(
          at("memory", "floor"),
          "a node with PCI passthrough cannot balloon; leave the floor unset or equal to the size",
        );
      }
    }
  }

  // Quorum and bootstrap rules only make sense over the whole, valid node list.
  const all = ctx.sections.nodes;
  if (!all) return;
  const controlPlanes = all.filter((n) => n.role === "controlplane");
  if (controlPlanes.length === 0) {
    ctx.report(["nodes"], "needs at least one control-plane node");
  } else if (controlPlanes.length !== 1 && controlPlanes.length % 2 === 0) {
    ctx.report(
      ["nodes"],
      `needs 1 or an odd number (3, 5, ...) of control-plane nodes for etcd quorum, found ${controlPlanes.length}`,
    );
  }
  const bootstrappers = all.map((n, index) => ({ n, index })).filter(({ n }) => n.bootstrap === true);
  for (const { index } of bootstrappers.slice(1)) {
    ctx.report(
      ["nodes", index, "bootstrap"],
      `only one node can bootstrap the cluster; nodes[${bootstrappers[0]!.index}] already does`,
    );
  }
}

function checkVmDefaults(ctx: CheckContext<Sections>): void {
  const memory = ctx.sections.vm?.memory;
  const size = memory?.size ?? VM_DEFAULTS.memory.size;
  if (memory?.floor !== undefined && memory.floor > size) {
    ctx.report(["vm", "memory", "floor"], `balloon floor ${memory.floor} MiB is above the memory size ${size} MiB`);
  }
}

function checkImages(ctx: CheckContext<Sections>): void {
  const { image: img, vm: vmDefaults } = ctx.sections;
  if (!img) return;
  const nodes = ctx.elements("nodes").map(({ value }) => value);
  const gpuNodes = nodes.filter((n) => n.gpu).map((n) => n.name);
  if (gpuNodes.length > 0 && !img.gpu) {
    ctx.report(["image", "gpu"], `is required: ${gpuNodes.join(", ")} pass PCI devices through and boot the gpu image`);
  }
  // The VM waits for the guest agent; an image without it would hang VM creation.
  for (const variant of ["base", "gpu"] as const) {
    const extensions = img[variant]?.extensions;
    if (!extensions || extensions.includes(QEMU_GUEST_AGENT)) continue;
    const users = nodes.filter(
      (n) => (n.gpu ? "gpu" : "base") === variant && (n.agent ?? vmDefaults?.agent ?? VM_DEFAULTS.agent),
    );
    if (users.length > 0) {
      ctx.report(
        ["image", variant, "extensions"],
        `must include ${QEMU_GUEST_AGENT}: ${users.map((n) => n.name).join(", ")} run the QEMU guest agent (or set agent: false)`,
      );
    }
  }
}

function resolveNode(
  parsed: { [K in keyof Sections]: z.output<Sections[K]> },
  n: RawNode,
  bootstrapName: string,
): TalosNodeConfig {
  const v = parsed.vm;
  const mem = memoryOf(v, n);
  return {
    name: n.name,
    role: n.role,
    ip: n.ip,
    vmId: n.vmId,
    host: n.host ?? parsed.proxmox.node,
    mac: nodeMac(parsed.cluster.name, n),
    bootstrap: n.name === bootstrapName,
    cpu: { ...VM_DEFAULTS.cpu, ...v.cpu, ...n.cpu },
    memory: { size: mem.size, floor: mem.floor },
    disk: { ...VM_DEFAULTS.disk, ...v.disk, ...n.disk },
    tags: [...new Set([...(v.tags ?? []), ...(n.tags ?? [])])].sort(),
    agent: n.agent ?? v.agent ?? VM_DEFAULTS.agent,
    image: n.gpu ? "gpu" : "base",
    ...(n.gpu ? { gpu: n.gpu } : {}),
    patches: n.patches,
    protect: n.protect ?? parsed.cluster.protect,
  };
}

/** The talos program's config: schema, cross-field checks and defaults. */
export const talosConfigSpec: ConfigSpec<Sections, TalosConfig> = {
  sections: talosSections,
  check(ctx) {
    checkNetwork(ctx);
    checkVmDefaults(ctx);
    checkNodes(ctx);
    checkImages(ctx);
  },
  resolve(parsed) {
    const bootstrapName =
      parsed.nodes.find((n) => n.bootstrap)?.name ?? parsed.nodes.find((n) => n.role === "controlplane")!.name;
    return {
      proxmox: parsed.proxmox,
      cluster: parsed.cluster,
      network: parsed.network,
      image: parsed.image,
      nodes: parsed.nodes.map((n) => resolveNode(parsed, n, bootstrapName)),
    };
  },
};
