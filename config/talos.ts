import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { inZone } from "../lib/dns";
import { derivedMac, hostAddressProblem, parseCidr, parseIpv4 } from "../lib/net";
import {
  GPU_TAINT,
  LONGHORN_EXTENSIONS,
  ROTATE_SERVER_CERTIFICATES,
  type NodeTaint,
  type TalosDocument,
  type TalosRole,
} from "../lib/talos";
import {
  compareMinor,
  contractOf,
  kubernetesVersionProblem,
  minorOf,
  OLDEST_TALOS,
  NVIDIA_CONTAINER_TOOLKIT_EXTENSIONS,
  NVIDIA_KERNEL_MODULE_EXTENSIONS,
  TALOS_MINIMUMS,
  talosVersionProblem,
} from "../lib/talos-support";
import {
  dnsLabel,
  dnsName,
  hostOrIp,
  httpsUrl,
  ipv4,
  ipv4Cidr,
  labelKey,
  labelValue,
  secretString,
  stackFileShapes,
  taint,
  unicastMac,
} from "./fields";
import {
  proxmoxCpuType,
  proxmoxEndpoint,
  proxmoxMappingId,
  proxmoxNodeName,
  proxmoxStorageId,
  proxmoxTag,
  proxmoxUser,
  unknownCpuModel,
} from "./proxmox-fields";
import { formatKey, formatPath, type CheckContext, type ConfigPath, type ConfigSpec, type Valid } from "./loader";

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

/** `USER@REALM!TOKENID=SECRET`, as Proxmox shows a new API token (`root@pam!pulumi=<uuid>`). */
const API_TOKEN = /^[^\s@!=:]+@[A-Za-z][A-Za-z0-9._-]*![A-Za-z][A-Za-z0-9._-]*=\S+$/;

const proxmox = z.strictObject({
  endpoint: proxmoxEndpoint.describe(
    "Proxmox VE API URL, e.g. `https://pve1.lab.example.net:8006/` (the provider appends `/api2/json`).",
  ),
  insecure: z.boolean().default(false).describe("Skip TLS verification (self-signed Proxmox certificate). Default false."),
  node: proxmoxNodeName.describe("Proxmox node VMs are placed on unless a node sets `host`."),
  apiToken: secretString({
    format: API_TOKEN,
    formatName: "an API token USER@REALM!TOKENID=SECRET, e.g. root@pam!pulumi=<uuid>",
  })
    .optional()
    .describe("API token `USER@REALM!TOKENID=SECRET`; else PROXMOX_VE_API_TOKEN or username/password. Secret."),
  username: proxmoxUser.optional().describe("User for password auth, `USER@REALM`, e.g. `root@pam`; else PROXMOX_VE_USERNAME."),
  password: secretString().optional().describe("Password for `username`; else PROXMOX_VE_PASSWORD. Secret."),
  ssh: z
    .strictObject({
      username: z.string().min(1).optional().describe("SSH user (a PAM account, e.g. `root`)."),
      agent: z.boolean().optional().describe("Authenticate with the running SSH agent."),
      privateKey: secretString().optional().describe("Unencrypted private key in PEM format. Secret."),
      nodes: z
        .array(z.strictObject({ name: proxmoxNodeName, address: hostOrIp, port: int(1, 65535).optional() }))
        .optional()
        .describe("Addresses of the Proxmox nodes, where the API reports one the provider cannot reach."),
    })
    .optional()
    .describe(
      "SSH to the Proxmox nodes, which the provider needs to import the Talos disk image into each VM; else the PROXMOX_VE_SSH_* variables.",
    ),
});

const cluster = z.strictObject({
  name: dnsLabel.describe("Cluster name (Talos and kubeconfig context)."),
  talosVersion: z
    .string()
    .regex(/^v\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/, {
      error: (i) => `must be a Talos release like v1.13.9, got ${JSON.stringify(i.input)}`,
    })
    .describe("Talos release the images boot and install, e.g. `v1.13.9` (supported: see lib/talos-support)."),
  kubernetesVersion: z
    .string()
    .regex(/^v?\d+\.\d+\.\d+$/, { error: (i) => `must be a version like 1.36.0, got ${JSON.stringify(i.input)}` })
    .optional()
    .describe("Kubernetes version, within what the Talos release supports; Talos's default for its release when unset."),
  configVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, { error: (i) => `must be a Talos minor like v1.13, got ${JSON.stringify(i.input)}` })
    .optional()
    .describe(
      "The Talos config contract (`vX.Y`): which defaults generated configs get. Pin it at the first deploy and leave it when upgrading. Default: the `vX.Y` of talosVersion.",
    ),
  applyMode: z
    .enum(["auto", "no_reboot", "reboot", "staged", "staged_if_needing_reboot"])
    .default("staged_if_needing_reboot")
    .describe("How changed configs are applied; default stages reboots for the rollout."),
  rollout: z
    .strictObject({
      maxUnavailableWorkers: int(1, 1000).default(1).describe("Workers rebooted or upgraded at once. Default 1."),
      timeout: z
        .string()
        .regex(/^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/, {
          error: (i) => `must be a duration like 15m or 1h30m, got ${JSON.stringify(i.input)}`,
        })
        .default("15m")
        .describe("How long one node may take to come back healthy. Default `15m`."),
    })
    // Absent: parsed as {}, so the field defaults above apply.
    .prefault({})
    .describe("How changes roll over the nodes."),
  resetOnDelete: z
    .boolean()
    .default(true)
    .describe("Reset (drain, leave etcd) a node that is removed before its VM is deleted. Default true."),
  storage: z
    .enum(["none", "longhorn"])
    .default("none")
    .describe("`longhorn`: every node gets what Longhorn needs (extensions, kernel module, kubelet mount)."),
  installDisk: z
    .string()
    .regex(/^\/dev\/\S+$/, { error: "must be a device path like /dev/sda" })
    .default("/dev/sda")
    .describe("Disk Talos installs to. Default `/dev/sda` (the VM's scsi0 disk)."),
  allowSchedulingOnControlPlanes: z.boolean().default(false).describe("Let workloads run on control planes. Default false."),
  protect: z.boolean().default(false).describe("Protect the machine secrets and every VM from `pulumi destroy`. Default false."),
  kubeletServingCertificates: z
    .boolean()
    .default(true)
    .describe(
      "Every kubelet requests its serving certificate from the cluster CA (`rotate-server-certificates`), which the platform stack's kubelet-serving-cert-approver approves. Default true. Off: kubelets serve self-signed certificates, so metrics-server (which verifies them) and the approver cannot work, and the platform stack refuses to install them on this cluster.",
    ),
  patches: z
    .array(talosDocument)
    .default([])
    .describe("Extra Talos config documents for every node, applied after the rendered ones."),
});

const network = z.strictObject({
  cidr: ipv4Cidr.describe("The LAN, e.g. `10.10.0.0/24`. Node IPs, the gateway and the VIP must be inside it."),
  gateway: ipv4.describe("Default gateway."),
  vip: ipv4.optional().describe("Shared control-plane VIP for the Kubernetes API; the first control plane's IP when unset."),
  nameservers: z.array(ipv4).min(1).describe("DNS servers."),
  searchDomains: z
    .array(dnsName)
    .default([])
    .describe("DNS search domains of the nodes, which every pod inherits (ndots 5): never `homelab:domain` or a name under it."),
  ntpServers: z.array(hostOrIp).default([]).describe("NTP servers (host names or IPs); Talos's default when empty."),
  bridge: z
    .string()
    .regex(/^[A-Za-z][\w.-]{0,14}$/, { error: (i) => `must be a Linux bridge name like vmbr0, got ${JSON.stringify(i.input)}` })
    .default("vmbr0")
    .describe("Proxmox bridge the VMs attach to. Default `vmbr0`."),
  vlan: int(1, 4094).optional().describe("VLAN tag on the VM NICs; untagged when unset."),
});

/** An image is a schematic id or extensions (checked in {@link checkImages}, so other problems never hide it). */
const imageVariant = z.strictObject({
  schematicId: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { error: "must be an Image Factory schematic id (64 lowercase hex characters)" })
    .optional()
    .describe("A precomputed Image Factory schematic id (64 hex characters)."),
  extensions: z
    .array(
      z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+$/, {
        error: (i) => `must be an extension like siderolabs/qemu-guest-agent, got ${JSON.stringify(i.input)}`,
      }),
    )
    .optional()
    .describe("Official system extensions; the schematic is registered with the Image Factory."),
  extraKernelArgs: z
    .array(z.string().min(1))
    .optional()
    .describe("Extra kernel arguments baked into the image (only with `extensions`)."),
});

const image = z.strictObject({
  factoryUrl: httpsUrl.default("https://factory.talos.dev").describe("Image Factory URL. Default `https://factory.talos.dev`."),
  datastore: proxmoxStorageId
    .default("local")
    .describe("Proxmox datastore the disk images are downloaded to (needs the `iso` content type). Default `local`."),
  sharedDatastore: z
    .boolean()
    .default(false)
    .describe("The datastore is shared by every Proxmox node: download each image once. Default false."),
  base: imageVariant.describe("Image of every node without PCI devices."),
  gpu: imageVariant.optional().describe("Image of nodes with PCI devices (GPU drivers)."),
});

const cpu = z
  .strictObject({
    cores: int(1, 512).describe("Cores per socket."),
    sockets: int(1, 16).describe("Sockets."),
    type: proxmoxCpuType.describe("Proxmox CPU model; `host` by default (Talos needs x86-64-v2, which `kvm64` lacks)."),
  })
  .partial();

const memory = z
  .strictObject({
    size: int(512, 16 * 1024 * 1024).describe("Memory in MiB."),
    floor: int(0, 16 * 1024 * 1024).describe(
      "Balloon floor in MiB: Proxmox may reclaim memory down to this. Default: none (no balloon device); 0 = none.",
    ),
  })
  .partial();

const disk = z
  .strictObject({
    size: int(8, 65536).describe("Disk size in GiB."),
    datastore: proxmoxStorageId.describe("Datastore of the disk and the EFI disk."),
    iothread: z.boolean().describe("IO thread per disk (virtio-scsi-single)."),
    ssd: z.boolean().describe("Present the disk as SSD."),
    discard: z.boolean().describe("Pass discard/TRIM to the storage."),
  })
  .partial();

const vm = z
  .strictObject({ cpu, memory, disk, tags: z.array(proxmoxTag), agent: z.boolean() })
  .partial()
  .default({});

const PCI_ADDRESS = /^([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}(\.[0-7])?$/;

/** A device is an address or a mapping (checked in {@link checkGpus}, so other problems never hide it). */
const pciDevice = z.preprocess(
  (value) => (typeof value === "string" ? { id: value } : value),
  z.strictObject({
    id: z
      .string()
      .regex(PCI_ADDRESS, {
        error: (i) => `must be a PCI address like 0000:01:00 or 0000:01:00.0, got ${JSON.stringify(i.input)}`,
      })
      .optional()
      .describe("Host PCI address, e.g. `0000:01:00` (all functions) or `0000:01:00.0`. Needs root@pam password auth."),
    mapping: proxmoxMappingId.optional().describe("Proxmox PCI resource mapping id (works with API tokens)."),
    pcie: z.boolean().default(true).describe("PCI Express passthrough (q35). Default true."),
    rombar: z.boolean().default(true).describe("Expose the device ROM. Default true."),
    xvga: z.boolean().default(false).describe("Primary VGA of the VM. Default false."),
  }),
);
stackFileShapes.add(pciDevice, {
  shorthand: { type: "string", pattern: PCI_ADDRESS.source, description: "a PCI address, e.g. 0000:01:00 (all functions)" },
});

const gpu = z.strictObject({
  devices: z
    .array(pciDevice, {
      error: (i) =>
        i.input === undefined ? "a GPU node must name its PCI devices (PCI addresses or resource mappings)" : undefined,
    })
    .min(1, { error: "a GPU node must name at least one PCI device" })
    .max(16, { error: "Proxmox allows at most 16 PCI devices (hostpci0..15)" })
    .describe("PCI devices passed through, as `hostpci0..n` in this order."),
  nvidia: z.boolean().default(true).describe("Load the NVIDIA kernel modules. Default true."),
});

const node = z.strictObject({
  name: dnsLabel.describe("Node name: VM name, hostname and Kubernetes node name."),
  role: z.enum(["controlplane", "worker"]),
  ip: ipv4.describe("Static IPv4 address inside the LAN CIDR."),
  vmId: int(100, 999_999_999).describe("Proxmox VM id, unique in the Proxmox cluster."),
  host: proxmoxNodeName.optional().describe("Proxmox node the VM runs on. Default `homelab:proxmox.node`."),
  mac: unicastMac
    .optional()
    .describe("NIC MAC address (unicast, not all zeros). Default: derived from the cluster and node names."),
  bootstrap: z
    .boolean()
    .optional()
    .describe("The control plane the cluster is bootstrapped on. Default: the first control plane."),
  cpu: cpu.optional(),
  memory: memory.optional(),
  disk: disk.optional(),
  tags: z.array(proxmoxTag).optional().describe("Proxmox tags added to `homelab:vm.tags`."),
  agent: z.boolean().optional().describe("Run the QEMU guest agent. Default `homelab:vm.agent`, else true."),
  labels: z.record(labelKey, labelValue).optional().describe("Kubernetes labels of the node."),
  taints: z
    .array(taint)
    .optional()
    .describe("Kubernetes taints (`key=value:Effect`); a GPU node gets `nvidia.com/gpu=true:NoSchedule` unless set."),
  gpu: gpu.optional().describe("PCI passthrough: makes this a GPU node booting the `gpu` image."),
  patches: z
    .array(talosDocument)
    .default([])
    .describe("Extra Talos config documents for this node, applied after the cluster-wide ones."),
  protect: z.boolean().optional().describe("Protect this VM. Default `homelab:cluster.protect`."),
});

/** The zod schema of each `homelab:` key of the talos program. */
export const talosSections = {
  domain: dnsName
    .optional()
    .describe(
      "The lab's domain, as the platform stack's `homelab:domain` and the cloudflare stack's `homelab:lab.domain` name it: `*.<domain>` resolves to the shared Gateway, so no node search domain may be it or under it.",
    ),
  proxmox: proxmox.describe("The Proxmox VE API, the default node and credentials."),
  cluster: cluster.describe("The Talos cluster: name, releases, rollout, extra patches."),
  network: network.describe("The LAN the nodes are on."),
  image: image.describe("The Talos images, from the Image Factory."),
  vm: vm.describe("Defaults for every VM; a node's own settings win, field by field."),
  nodes: z.array(node).min(1).describe("The nodes: control planes and workers."),
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
  /** Memory in MiB and the balloon floor in MiB (0: no balloon device). */
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
  /** Kubernetes labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Kubernetes taints (a GPU node's default: `nvidia.com/gpu=true:NoSchedule`). */
  readonly taints: readonly NodeTaint[];
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
  /** The lab's wildcard domain (`*.<domain>` → the shared Gateway), when given. */
  readonly domain?: string;
  readonly proxmox: {
    readonly endpoint: string;
    readonly insecure: boolean;
    readonly node: string;
    readonly apiToken?: pulumi.Output<string>;
    readonly username?: string;
    readonly password?: pulumi.Output<string>;
    readonly ssh?: {
      readonly username?: string;
      readonly agent?: boolean;
      readonly privateKey?: pulumi.Output<string>;
      readonly nodes?: readonly { readonly name: string; readonly address: string; readonly port?: number }[];
    };
  };
  readonly cluster: {
    readonly name: string;
    readonly talosVersion: string;
    /** The config contract, `vX.Y` (defaulted from talosVersion). */
    readonly configVersion: string;
    readonly kubernetesVersion?: string;
    readonly applyMode: "auto" | "no_reboot" | "reboot" | "staged" | "staged_if_needing_reboot";
    readonly rollout: { readonly maxUnavailableWorkers: number; readonly timeout: string };
    readonly resetOnDelete: boolean;
    readonly storage: "none" | "longhorn";
    readonly installDisk: string;
    readonly allowSchedulingOnControlPlanes: boolean;
    readonly protect: boolean;
    /** Kubelets request serving certificates from the cluster CA (`rotate-server-certificates`). */
    readonly kubeletServingCertificates: boolean;
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
    readonly sharedDatastore: boolean;
    /** With `cluster.storage: longhorn`, extension lists include what Longhorn needs. */
    readonly base: ImageVariantConfig;
    readonly gpu?: ImageVariantConfig;
  };
  readonly nodes: readonly TalosNodeConfig[];
}

/** A node's NIC MAC: its own, or one derived from the cluster and node names. Lowercase. */
function nodeMac(clusterName: string, n: { readonly name: string; readonly mac?: string }): string {
  return (n.mac ?? derivedMac(`${clusterName}/${n.name}`)).toLowerCase();
}

// ---------------------------------------------------------------- merge rules
//
// A node's VM settings come from the node, else from `homelab:vm`, else from VM_DEFAULTS, field
// by field (cpu.cores, cpu.sockets, cpu.type, memory.size, disk.*, agent). Two fields differ:
// `tags` is the union of `vm.tags` and the node's tags, and the balloon floor is the node's own,
// else the inherited `vm.memory.floor` (never on a GPU node), else none (no balloon device). An
// inherited floor above the node's size is an error, not a silent "no ballooning".

type ValidNode = Valid<RawNode>;
type ValidVm = Valid<RawVm>;

/** A node's effective value of a VM setting, and the key it comes from (none for a default). */
interface Effective<T> {
  readonly value: T;
  readonly from?: ConfigPath;
}

/**
 * The node's value of `vm.<group>.<field>` (or `vm.agent`): its own, else homelab:vm's, else the
 * default. `undefined` while the key that decides is invalid: a check then skips the node.
 */
function inherit<T>(
  ctx: CheckContext<Sections>,
  index: number,
  path: readonly string[],
  own: T | undefined,
  fromVm: T | undefined,
  fallback: T,
): Effective<T> | undefined {
  const nodeKey = ["nodes", index, ...path];
  if (ctx.invalid(nodeKey)) return undefined;
  if (own !== undefined) return { value: own, from: nodeKey };
  const vmKey = ["vm", ...path];
  if (ctx.invalid(vmKey)) return undefined;
  if (fromVm !== undefined) return { value: fromVm, from: vmKey };
  return { value: fallback };
}

/** ` (from homelab:vm.memory.size)` / ` (the default)`; nothing when the node sets it itself. */
function source(effective: Effective<unknown>, index: number): string {
  if (effective.from === undefined) return " (the default)";
  return effective.from[0] === "nodes" && effective.from[1] === index ? "" : ` (from ${formatKey(effective.from)})`;
}

/** The balloon floor a node runs with, per the merge rules; 0 means no balloon device at all. */
function floorOf(n: { gpu?: unknown; memory?: { floor?: number } }, vmFloor: number | undefined): number {
  if (n.memory?.floor !== undefined) return n.memory.floor;
  // PCI passthrough pins all guest memory: a GPU node never inherits a balloon floor.
  return n.gpu !== undefined ? 0 : (vmFloor ?? 0);
}

// ---------------------------------------------------------------- cross-field checks
//
// Each check reads its inputs from `ctx.valid` and runs whenever they are valid, whatever else is
// wrong; a check whose input is invalid is skipped (that input is reported already).

function checkProxmox(ctx: CheckContext<Sections>): void {
  const p = ctx.valid.proxmox;
  if (!p) return;
  if (ctx.given(["proxmox", "apiToken"]) && ctx.given(["proxmox", "password"])) {
    ctx.report(["proxmox", "password"], "give either apiToken or username/password, not both");
  }
  if (ctx.given(["proxmox", "password"]) && !ctx.given(["proxmox", "username"])) {
    ctx.report(["proxmox", "username"], "is required when password is set");
  }
}

function checkCluster(ctx: CheckContext<Sections>): void {
  const c = ctx.valid.cluster;
  if (c?.talosVersion === undefined) return;
  const talos = talosVersionProblem(c.talosVersion);
  if (talos?.level === "error") ctx.report(["cluster", "talosVersion"], talos.message);
  if (talos?.level === "warning") ctx.warn(["cluster", "talosVersion"], talos.message);
  if (c.configVersion !== undefined && talos?.level !== "error") {
    const contract = minorOf(c.configVersion)!;
    if (compareMinor(contract, minorOf(c.talosVersion)!) > 0) {
      ctx.report(
        ["cluster", "configVersion"],
        `${c.configVersion} is newer than the running Talos ${c.talosVersion}: the config contract can only be a release the nodes already run`,
      );
    } else if (compareMinor(contract, minorOf(OLDEST_TALOS)!) < 0) {
      ctx.report(
        ["cluster", "configVersion"],
        `${c.configVersion} is older than v${OLDEST_TALOS}, the first contract with the multi-document network config this program renders`,
      );
    }
  }
  if (c.kubernetesVersion !== undefined && talos?.level !== "error") {
    const k8s = kubernetesVersionProblem(c.talosVersion, c.kubernetesVersion);
    if (k8s?.level === "error") ctx.report(["cluster", "kubernetesVersion"], k8s.message);
    if (k8s?.level === "warning") ctx.warn(["cluster", "kubernetesVersion"], k8s.message);
  }
}

function checkNetwork(ctx: CheckContext<Sections>): void {
  const net = ctx.valid.network;
  if (!net) return;
  const cidr = net.cidr === undefined ? undefined : parseCidr(net.cidr);
  for (const field of ["gateway", "vip"] as const) {
    const address = net[field];
    const problem = cidr && address !== undefined ? hostAddressProblem(cidr, parseIpv4(address)!) : undefined;
    if (problem) ctx.report(["network", field], `${address} ${problem}`);
  }
  if (net.vip !== undefined && net.vip === net.gateway) {
    ctx.report(
      ["network", "vip"],
      `${net.vip} is the LAN's router (homelab:network.gateway): the Kubernetes API VIP is an address of the control planes; give it a free one`,
    );
  }
}

/**
 * No search domain under the lab's wildcard. Pods inherit the nodes' search list with ndots 5, so
 * `github.com` is first asked as `github.com.<search domain>`; under `*.<domain>` that name exists
 * and answers with the Gateway, and image pulls, ACME and API calls go there.
 */
function checkSearchDomains(ctx: CheckContext<Sections>): void {
  const domains = ctx.valid.network?.searchDomains;
  if (!domains || domains.length === 0) return;
  const lab = ctx.valid.domain;
  if (lab === undefined) {
    if (!ctx.given(["domain"])) {
      ctx.warn(
        ["network", "searchDomains"],
        "pods inherit the nodes' search domains; set homelab:domain (the lab's wildcard domain) so they are checked against it",
      );
    }
    return;
  }
  domains.forEach((d, i) => {
    if (d === undefined || !inZone(d, lab)) return;
    ctx.report(
      ["network", "searchDomains", i],
      `${d} is ${d === lab ? "" : "under "}the lab's domain (homelab:domain ${lab}), whose wildcard *.${lab} resolves to the Gateway: pods inherit the nodes' search domains (ndots 5), so github.com, Let's Encrypt and Cloudflare's API would first be tried as github.com.${d} and answered with the Gateway's address; use a search domain outside ${lab}, or none`,
    );
  });
}

/**
 * `rotate-server-certificates` belongs to cluster.kubeletServingCertificates (which the platform
 * stack reads through this stack's output): a patch that says the same is redundant, one that says
 * otherwise would make the output lie.
 */
function checkKubeletPatches(ctx: CheckContext<Sections>, nodes: readonly (ValidNode | undefined)[]): void {
  const wanted = ctx.valid.cluster?.kubeletServingCertificates;
  if (wanted === undefined) return;
  const key = formatKey(["cluster", "kubeletServingCertificates"]);
  const check = (at: ConfigPath, doc: TalosDocument | undefined) => {
    const machine = doc?.machine as { kubelet?: { extraArgs?: Record<string, unknown> } } | undefined;
    const args = machine?.kubelet?.extraArgs;
    if (typeof args !== "object" || args === null || !(ROTATE_SERVER_CERTIFICATES in args)) return;
    const value = args[ROTATE_SERVER_CERTIFICATES];
    const path = [...at, "machine", "kubelet", "extraArgs", ROTATE_SERVER_CERTIFICATES];
    if (String(value) === String(wanted)) {
      ctx.warn(path, `${key} (${String(wanted)}) already renders this; remove it from the patch`);
    } else {
      ctx.report(
        path,
        `${JSON.stringify(value)} contradicts ${key} (${String(wanted)}${ctx.given(["cluster", "kubeletServingCertificates"]) ? "" : ", the default"}), which decides it (the platform stack reads it); set that key instead`,
      );
    }
  };
  ctx.valid.cluster?.patches?.forEach((doc, i) => check(["cluster", "patches", i], doc));
  nodes.forEach((n, index) => n?.patches?.forEach((doc, i) => check(["nodes", index, "patches", i], doc)));
}

function checkVmDefaults(ctx: CheckContext<Sections>): void {
  const memory = ctx.valid.vm?.memory;
  if (memory?.floor === undefined || ctx.invalid(["vm", "memory", "size"])) return;
  const size = memory.size ?? VM_DEFAULTS.memory.size;
  if (memory.floor > size) {
    ctx.report(["vm", "memory", "floor"], `balloon floor ${memory.floor} MiB is above the memory size ${size} MiB`);
  }
}

/** Names, VM ids, IPs and MACs are unique; IPs are host addresses of the LAN. */
function checkAddresses(ctx: CheckContext<Sections>, nodes: readonly (ValidNode | undefined)[]): void {
  const net = ctx.valid.network;
  const cidr = net?.cidr === undefined ? undefined : parseCidr(net.cidr);
  const clusterName = ctx.valid.cluster?.name;
  const seen = new Map<string, number>();
  nodes.forEach((n, index) => {
    if (!n) return;
    const at = (...path: (string | number)[]) => ["nodes", index, ...path];
    /** Reports `label` at `field` when an earlier node used it; true when it is new. */
    const unique = (field: string, label: string): boolean => {
      const first = seen.get(`${field}=${label}`);
      if (first === undefined) seen.set(`${field}=${label}`, index);
      else ctx.report(at(field), `${label} is already used by nodes[${first}]`);
      return first === undefined;
    };
    const newName = n.name === undefined || unique("name", `name "${n.name}"`);
    if (n.vmId !== undefined) unique("vmId", `VM id ${n.vmId}`);
    if (n.ip !== undefined) unique("ip", `IP ${n.ip}`);
    // A derived MAC only repeats when the name does, which is reported already; it needs a valid
    // cluster and node name, and is not derived while the node's own MAC is invalid.
    if (n.mac !== undefined) unique("mac", `MAC ${n.mac.toLowerCase()}`);
    else if (!ctx.given(at("mac")) && clusterName !== undefined && n.name !== undefined && newName) {
      unique("mac", `MAC ${nodeMac(clusterName, { name: n.name })}`);
    }

    if (n.ip !== undefined && cidr) {
      const problem = hostAddressProblem(cidr, parseIpv4(n.ip)!);
      if (problem) ctx.report(at("ip"), `${n.ip} ${problem}`);
    }
    if (n.ip !== undefined && n.ip === net?.gateway) ctx.report(at("ip"), `${n.ip} is the gateway address`);
    if (n.ip !== undefined && n.ip === net?.vip) ctx.report(at("ip"), `${n.ip} is the control-plane VIP`);
  });
}

/** Quorum and the bootstrap node. */
function checkRoles(ctx: CheckContext<Sections>, nodes: readonly (ValidNode | undefined)[]): void {
  nodes.forEach((n, index) => {
    if (n?.bootstrap && n.role === "worker") {
      ctx.report(["nodes", index, "bootstrap"], "only a control-plane node can bootstrap the cluster");
    }
  });
  const bootstrappers = nodes.flatMap((n, index) => (n?.bootstrap === true ? [index] : []));
  for (const index of bootstrappers.slice(1)) {
    ctx.report(
      ["nodes", index, "bootstrap"],
      `only one node can bootstrap the cluster; nodes[${bootstrappers[0]!}] already does`,
    );
  }
  // Counting control planes needs every node's role.
  if (nodes.length === 0 || nodes.some((n) => n?.role === undefined)) return;
  const controlPlanes = nodes.filter((n) => n?.role === "controlplane").length;
  if (controlPlanes === 0) {
    ctx.report(["nodes"], "needs at least one control-plane node");
  } else if (controlPlanes !== 1 && controlPlanes % 2 === 0) {
    ctx.report(["nodes"], `needs 1 or an odd number (3, 5, ...) of control-plane nodes for etcd quorum, found ${controlPlanes}`);
  }
}

/** Memory (with the balloon floor) and disk, merged per the rules above, against Talos's minimums. */
function checkResources(ctx: CheckContext<Sections>, nodes: readonly (ValidNode | undefined)[], vm: ValidVm): void {
  nodes.forEach((n, index) => {
    if (!n) return;
    const at = (...path: (string | number)[]) => ["nodes", index, ...path];
    const minimum = n.role === undefined ? undefined : TALOS_MINIMUMS[n.role];
    const roleName = n.role === "controlplane" ? "a control plane" : "a worker";

    const size = inherit(ctx, index, ["memory", "size"], n.memory?.size, vm.memory?.size, VM_DEFAULTS.memory.size);
    if (size && minimum && size.value < minimum.memoryMiB) {
      ctx.report(
        at("memory", "size"),
        `${size.value} MiB${source(size, index)} is below Talos's minimum of ${minimum.memoryMiB} MiB for ${roleName}`,
      );
    }
    const disk = inherit(ctx, index, ["disk", "size"], n.disk?.size, vm.disk?.size, VM_DEFAULTS.disk.size);
    if (disk && minimum && disk.value < minimum.diskGiB) {
      ctx.report(
        at("disk", "size"),
        `${disk.value} GiB${source(disk, index)} is below Talos's minimum of ${minimum.diskGiB} GiB for ${roleName}`,
      );
    }

    const cores = inherit(ctx, index, ["cpu", "cores"], n.cpu?.cores, vm.cpu?.cores, VM_DEFAULTS.cpu.cores);
    const sockets = inherit(ctx, index, ["cpu", "sockets"], n.cpu?.sockets, vm.cpu?.sockets, VM_DEFAULTS.cpu.sockets);
    if (cores && sockets && minimum && cores.value * sockets.value < minimum.cpus) {
      ctx.report(
        at("cpu", "cores"),
        `${cores.value} core${cores.value === 1 ? "" : "s"}${source(cores, index)} × ${sockets.value} socket${sockets.value === 1 ? "" : "s"}${source(sockets, index)} is below Talos's minimum of ${minimum.cpus} CPUs for ${roleName}`,
      );
    }

    if (!size || ctx.invalid(at("memory", "floor")) || ctx.invalid(["vm", "memory", "floor"])) return;
    const ownFloor = n.memory?.floor;
    const isGpu = ctx.given(at("gpu"));
    if (ownFloor !== undefined) {
      if (ownFloor > size.value) {
        ctx.report(
          at("memory", "floor"),
          `balloon floor ${ownFloor} MiB is above the memory size ${size.value} MiB${source(size, index)}`,
        );
      } else if (isGpu && ownFloor > 0) {
        ctx.report(at("memory", "floor"), "a node with PCI passthrough cannot balloon; leave the floor unset (or 0)");
      }
      return;
    }
    const vmFloor = vm.memory?.floor;
    // An inherited floor above an inherited size is reported at homelab:vm.memory.floor.
    if (!isGpu && vmFloor !== undefined && vmFloor > size.value && size.from !== undefined && size.from[0] === "nodes") {
      ctx.report(
        at("memory", "size"),
        `${size.value} MiB is below the balloon floor ${vmFloor} MiB inherited from homelab:vm.memory.floor; ` +
          `set ${formatPath(at("memory", "floor"))} too (0 for no ballooning)`,
      );
    }
  });
}

/** The images nodes boot: present, with the guest agent their VMs run and the NVIDIA modules. */
function checkImages(ctx: CheckContext<Sections>, nodes: readonly (ValidNode | undefined)[], vm: ValidVm): void {
  const img = ctx.valid.image;
  /** Variants that are neither a schematic id nor extensions: what they contain is unclear. */
  const unclear = new Set<string>();
  for (const variant of ["base", "gpu"] as const) {
    const v = img?.[variant];
    if (!v) continue;
    if (ctx.given(["image", variant, "schematicId"]) === ctx.given(["image", variant, "extensions"])) {
      ctx.report(["image", variant], "give exactly one of schematicId or extensions");
      unclear.add(variant);
    }
    if (ctx.given(["image", variant, "schematicId"]) && ctx.given(["image", variant, "extraKernelArgs"])) {
      ctx.report(
        ["image", variant, "extraKernelArgs"],
        "only applies with extensions (a schematicId already fixes the kernel arguments)",
      );
    }
  }
  if (!img) return;

  const gpuNodes = nodes.filter((n, index) => n && ctx.given(["nodes", index, "gpu"]));
  if (gpuNodes.length > 0 && !ctx.given(["image", "gpu"])) {
    ctx.report(["image", "gpu"], `is required: ${names(gpuNodes)} pass PCI devices through and boot the gpu image`);
  }

  // The VM waits for the guest agent; an image without it would hang VM creation.
  for (const variant of ["base", "gpu"] as const) {
    const extensions = img[variant]?.extensions;
    if (!extensions || unclear.has(variant) || extensions.some((e) => e === undefined) || extensions.includes(QEMU_GUEST_AGENT)) {
      continue;
    }
    const users = nodes.filter((n, index) => {
      if (!n || (ctx.given(["nodes", index, "gpu"]) ? "gpu" : "base") !== variant) return false;
      return inherit(ctx, index, ["agent"], n.agent, vm.agent, VM_DEFAULTS.agent)?.value === true;
    });
    if (users.length > 0) {
      ctx.report(
        ["image", variant, "extensions"],
        `must include ${QEMU_GUEST_AGENT}: ${names(users)} run the QEMU guest agent (or set agent: false)`,
      );
    }
  }

  // The NVIDIA modules a GPU node loads come from the image's kernel-module extension; pods reach
  // the GPU through the container toolkit's runtime.
  const gpuExtensions = img.gpu?.extensions;
  if (!gpuExtensions || unclear.has("gpu") || gpuExtensions.some((e) => e === undefined)) return;
  const hasModules = gpuExtensions.some((e) => NVIDIA_KERNEL_MODULE_EXTENSIONS.includes(e!));
  const hasToolkit = gpuExtensions.some((e) => NVIDIA_CONTAINER_TOOLKIT_EXTENSIONS.includes(e!));
  const nvidiaNodes = nodes.filter((n) => n?.gpu?.nvidia === true);
  if (hasModules && !hasToolkit && nvidiaNodes.length > 0) {
    ctx.warn(
      ["image", "gpu", "extensions"],
      `has the NVIDIA kernel modules but none of ${NVIDIA_CONTAINER_TOOLKIT_EXTENSIONS.join(", ")}: pods on ${names(nvidiaNodes)} cannot use the GPU through the NVIDIA container runtime`,
    );
  }
  if (hasModules) return;
  nodes.forEach((n, index) => {
    if (n?.gpu?.nvidia !== true) return;
    ctx.report(
      ["nodes", index, "gpu", "nvidia"],
      `${ctx.given(["nodes", index, "gpu", "nvidia"]) ? "true" : "true (the default)"} loads the NVIDIA kernel modules, ` +
        `but homelab:image.gpu.extensions has none of ${NVIDIA_KERNEL_MODULE_EXTENSIONS.join(", ")}; add one, or set nvidia: false`,
    );
  });
}

/** PCI devices: an address or a mapping, and addresses only where Proxmox allows them. */
function checkGpus(ctx: CheckContext<Sections>, nodes: readonly (ValidNode | undefined)[]): void {
  const p = ctx.valid.proxmox;
  const token = ctx.given(["proxmox", "apiToken"]);
  const user = p?.username;
  nodes.forEach((n, index) => {
    n?.gpu?.devices?.forEach((d, device) => {
      if (!d) return;
      const at = ["nodes", index, "gpu", "devices", device];
      // A plain string is the shorthand for `{ id }` (the schema's preprocess), so it is an id.
      const hasId = ctx.given([...at, "id"]) || typeof ctx.raw(at) === "string";
      if (hasId === ctx.given([...at, "mapping"])) {
        ctx.report(at, "give exactly one of id (a PCI address) or mapping");
        return;
      }
      if (d.id === undefined) return;
      // Proxmox lets only root@pam (logged in with a password) pass an unmapped device through.
      const why = token
        ? "homelab:proxmox.apiToken is set"
        : user !== undefined && user !== "root@pam"
          ? `homelab:proxmox.username is ${user}`
          : undefined;
      if (why) {
        ctx.report(
          [...at, "id"],
          `a raw PCI address needs password auth as root@pam, but ${why}; use a Proxmox resource mapping ({ mapping: <id> }) instead`,
        );
      } else if (user === undefined && !ctx.given(["proxmox", "username"])) {
        ctx.warn(
          [...at, "id"],
          "a raw PCI address needs password auth as root@pam (PROXMOX_VE_USERNAME=root@pam); an API token is refused — a Proxmox resource mapping works with either",
        );
      }
    });
  });
}

/** Label prefixes the NodeRestriction admission plugin keeps a worker's kubelet from setting. */
const RESTRICTED_LABEL_PREFIXES = ["node-role.kubernetes.io/", "node-restriction.kubernetes.io/"];

/** Labels a worker's kubelet may set; Longhorn needs its extensions in every image. */
function checkNodeMetadata(ctx: CheckContext<Sections>, nodes: readonly (ValidNode | undefined)[]): void {
  nodes.forEach((n, index) => {
    if (n?.role !== "worker" || !n.labels) return;
    for (const key of Object.keys(n.labels)) {
      const prefix = RESTRICTED_LABEL_PREFIXES.find((p) => key.startsWith(p));
      if (prefix) {
        ctx.report(
          ["nodes", index, "labels", key],
          `a worker's kubelet may not set ${prefix}* labels (NodeRestriction admission plugin); set them with kubectl or from the platform`,
        );
      }
    }
  });
  if (ctx.valid.cluster?.storage !== "longhorn") return;
  for (const variant of ["base", "gpu"] as const) {
    if (ctx.valid.image?.[variant]?.schematicId === undefined) continue;
    ctx.warn(
      ["image", variant, "schematicId"],
      `cluster.storage is longhorn: this fixed schematic must include ${LONGHORN_EXTENSIONS.join(" and ")} (they are added to extension lists, not to a schematic id)`,
    );
  }
}

/** CPU models newer than the list known here are allowed, with a warning. */
function checkCpuModels(ctx: CheckContext<Sections>, nodes: readonly (ValidNode | undefined)[], vm: ValidVm): void {
  const warnAt = (path: ConfigPath, type: string | undefined) => {
    const warning = type === undefined ? undefined : unknownCpuModel(type);
    if (warning) ctx.warn(path, warning);
  };
  warnAt(["vm", "cpu", "type"], vm.cpu?.type);
  nodes.forEach((n, index) => warnAt(["nodes", index, "cpu", "type"], n?.cpu?.type));
}

function names(nodes: readonly (ValidNode | undefined)[]): string {
  return nodes.map((n) => n?.name ?? "(unnamed)").join(", ");
}

function resolveNode(
  parsed: { [K in keyof Sections]: z.output<Sections[K]> },
  n: RawNode,
  bootstrapName: string,
): TalosNodeConfig {
  const v = parsed.vm;
  const size = n.memory?.size ?? v.memory?.size ?? VM_DEFAULTS.memory.size;
  return {
    name: n.name,
    role: n.role,
    ip: n.ip,
    vmId: n.vmId,
    host: n.host ?? parsed.proxmox.node,
    mac: nodeMac(parsed.cluster.name, n),
    bootstrap: n.name === bootstrapName,
    cpu: { ...VM_DEFAULTS.cpu, ...v.cpu, ...n.cpu },
    memory: { size, floor: floorOf(n, v.memory?.floor) },
    disk: { ...VM_DEFAULTS.disk, ...v.disk, ...n.disk },
    tags: [...new Set([...(v.tags ?? []), ...(n.tags ?? [])])].sort(),
    agent: n.agent ?? v.agent ?? VM_DEFAULTS.agent,
    image: n.gpu ? "gpu" : "base",
    ...(n.gpu ? { gpu: n.gpu } : {}),
    labels: n.labels ?? {},
    taints: n.taints ?? (n.gpu ? [GPU_TAINT] : []),
    patches: n.patches,
    protect: n.protect ?? parsed.cluster.protect,
  };
}

/** The talos program's config: schema, cross-field checks and defaults. */
export const talosConfigSpec: ConfigSpec<Sections, TalosConfig> = {
  sections: talosSections,
  check(ctx) {
    const nodes = ctx.valid.nodes ?? [];
    const vm = ctx.valid.vm ?? {};
    checkProxmox(ctx);
    checkCluster(ctx);
    checkNetwork(ctx);
    checkSearchDomains(ctx);
    checkKubeletPatches(ctx, nodes);
    checkVmDefaults(ctx);
    checkAddresses(ctx, nodes);
    checkRoles(ctx, nodes);
    checkResources(ctx, nodes, vm);
    checkImages(ctx, nodes, vm);
    checkGpus(ctx, nodes);
    checkCpuModels(ctx, nodes, vm);
    checkNodeMetadata(ctx, nodes);
  },
  resolve(parsed) {
    const bootstrapName =
      parsed.nodes.find((n) => n.bootstrap)?.name ?? parsed.nodes.find((n) => n.role === "controlplane")!.name;
    const longhorn = parsed.cluster.storage === "longhorn";
    const withStorage = (v: ImageVariantConfig): ImageVariantConfig =>
      longhorn && v.extensions ? { ...v, extensions: [...new Set([...v.extensions, ...LONGHORN_EXTENSIONS])].sort() } : v;
    return {
      ...(parsed.domain === undefined ? {} : { domain: parsed.domain }),
      proxmox: parsed.proxmox,
      cluster: { ...parsed.cluster, configVersion: parsed.cluster.configVersion ?? contractOf(parsed.cluster.talosVersion) },
      network: parsed.network,
      image: {
        ...parsed.image,
        base: withStorage(parsed.image.base),
        ...(parsed.image.gpu ? { gpu: withStorage(parsed.image.gpu) } : {}),
      },
      nodes: parsed.nodes.map((n) => resolveNode(parsed, n, bootstrapName)),
    };
  },
};
