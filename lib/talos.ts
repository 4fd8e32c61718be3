/**
 * Talos-specific pure functions: Image Factory URLs and schematics, the cluster endpoint, and the
 * per-node machine-config patches. Everything returns plain values; YAML text comes from `lib/yaml`.
 *
 * The patches target Talos 1.13 (the minor the Talos provider 0.8.1 is built against). In 1.13 the
 * network settings are separate typed documents (`HostnameConfig`, `LinkAliasConfig`,
 * `LinkConfig`, `Layer2VIPConfig`, `ResolverConfig`, `TimeSyncConfig`); `machine.network` is
 * deprecated and is never written.
 */

/** A Talos machine-config document (a strategic-merge patch). */
export type TalosDocument = Readonly<Record<string, unknown>>;

/** Machine role, as Talos spells it (`machine.type`, `machineType` of the configuration invoke). */
export type TalosRole = "controlplane" | "worker";

/** Alias every node gives its LAN link; the aliased link is chosen by MAC, not by kernel name. */
export const LAN_LINK = "lan";

/** Kubernetes API server port on the control planes (and on the VIP). */
export const KUBERNETES_API_PORT = 6443;

/** Image Factory platform of a Proxmox VM booting a disk image with cloud-init (nocloud) data. */
const PLATFORM = "nocloud";
const ARCH = "amd64";

/** System extensions Longhorn needs on every node (Longhorn's Talos guide): iscsiadm and its tools. */
export const LONGHORN_EXTENSIONS = ["siderolabs/iscsi-tools", "siderolabs/util-linux-tools"] as const;

/** Where Longhorn keeps its data; the kubelet must see it with shared mount propagation. */
export const LONGHORN_DATA_PATH = "/var/lib/longhorn";

/** A Kubernetes taint on a node. */
export interface NodeTaint {
  /** The taint's key, e.g. `nvidia.com/gpu`; a pod needs a toleration for it to run on the node. */
  readonly key: string;
  /** The taint's value, which a toleration with `operator: Equal` must name. @default none (a toleration with `operator: Exists` matches) */
  readonly value?: string;
  /** `NoSchedule` keeps new pods off, `PreferNoSchedule` only avoids the node, `NoExecute` also evicts running pods. */
  readonly effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** The taint GPU nodes get unless told otherwise: only pods asking for the GPU land there. */
export const GPU_TAINT: NodeTaint = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" };

/** The kubelet flag that makes it request a serving certificate from the cluster CA. */
export const ROTATE_SERVER_CERTIFICATES = "rotate-server-certificates";

/** Kernel modules the NVIDIA system extensions need loaded (Talos NVIDIA GPU guide). */
export const NVIDIA_KERNEL_MODULES = ["nvidia", "nvidia_uvm", "nvidia_drm", "nvidia_modeset"] as const;

/** The `https://host:6443` endpoint clients and kubelets use to reach the Kubernetes API. */
export function clusterEndpoint(host: string): string {
  return `https://${host}:${KUBERNETES_API_PORT}`;
}

function factoryHost(factoryUrl: string): string {
  return new URL(factoryUrl).host;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/**
 * The compressed nocloud disk image of a schematic and Talos version, as the Image Factory serves
 * it. Proxmox downloads it and decompresses the zstd stream itself.
 */
export function diskImageUrl(factoryUrl: string, schematicId: string, talosVersion: string): string {
  return `${trimSlash(factoryUrl)}/image/${schematicId}/${talosVersion}/${PLATFORM}-${ARCH}.raw.zst`;
}

/**
 * File name of the decompressed image on the Proxmox datastore. Proxmox only accepts `.img`/`.iso`
 * names for `iso` content. The cluster name keeps two clusters (`talos`, `talos-dev`) sharing a
 * datastore from writing, or deleting, each other's file; version and schematic keep variants and
 * versions apart.
 */
export function diskImageFileName(clusterName: string, schematicId: string, talosVersion: string): string {
  return `${clusterName}-talos-${talosVersion}-${schematicId.slice(0, 8)}-${PLATFORM}-${ARCH}.img`;
}

/** The installer image Talos uses for installs and upgrades, with the schematic's extensions. */
export function installerImage(factoryUrl: string, schematicId: string, talosVersion: string): string {
  return `${factoryHost(factoryUrl)}/${PLATFORM}-installer/${schematicId}:${talosVersion}`;
}

/** What goes into an Image Factory schematic. */
export interface SchematicSpec {
  /** Official system extensions, e.g. `siderolabs/qemu-guest-agent`. */
  readonly extensions: readonly string[];
  /** Extra kernel command-line arguments baked into the image. */
  readonly extraKernelArgs?: readonly string[];
}

/** The Image Factory schematic document (`customization.systemExtensions.officialExtensions`). */
export function schematicDocument(spec: SchematicSpec): TalosDocument {
  const customization: Record<string, unknown> = {};
  if (spec.extraKernelArgs && spec.extraKernelArgs.length > 0) {
    customization.extraKernelArgs = [...spec.extraKernelArgs];
  }
  customization.systemExtensions = { officialExtensions: [...spec.extensions].sort() };
  return { customization };
}

/** Everything a node's patches are rendered from. */
export interface NodePatchInput {
  /** Node (and host) name. */
  readonly hostname: string;
  readonly role: TalosRole;
  /** The node's static IPv4 address. */
  readonly address: string;
  /** The LAN in CIDR form, e.g. `10.10.0.0/24`. */
  readonly lanCidr: string;
  /** Default gateway. */
  readonly gateway: string;
  /** MAC of the node's LAN NIC; the `lan` link alias selects it. */
  readonly macAddress: string;
  readonly nameservers: readonly string[];
  readonly searchDomains?: readonly string[];
  /** NTP servers; Talos's default (time.cloudflare.com) when empty. */
  readonly ntpServers?: readonly string[];
  /** Shared control-plane VIP; only rendered on control-plane nodes. */
  readonly vip?: string;
  /** Install disk, e.g. `/dev/sda`. */
  readonly installDisk: string;
  /** Installer image (with the node's extensions) used for installs and upgrades. */
  readonly installImage: string;
  /** Load the NVIDIA kernel modules (GPU workers with the NVIDIA extensions). */
  readonly nvidia?: boolean;
  /** Allow ordinary workloads on control planes (clusters without workers). */
  readonly allowSchedulingOnControlPlanes?: boolean;
  /** Kubernetes labels of the node (`machine.nodeLabels`). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Kubernetes taints of the node (`machine.nodeTaints`). */
  readonly taints?: readonly NodeTaint[];
  /** Prepare the node for Longhorn: the iSCSI kernel module and the kubelet mount of its data path. */
  readonly longhorn?: boolean;
  /**
   * The kubelet asks the cluster CA for its serving certificate (`rotate-server-certificates`), which
   * kubelet-serving-cert-approver approves; metrics-server verifies kubelets against it. Off: the
   * kubelet serves a self-signed certificate. @default true
   */
  readonly kubeletServingCertificates?: boolean;
  /** Extra documents appended after the rendered ones, in order (cluster-wide first, then the node's). */
  readonly extraPatches?: readonly TalosDocument[];
}

function prefixOf(cidr: string): string {
  return cidr.slice(cidr.indexOf("/") + 1);
}

function machinePatch(input: NodePatchInput): TalosDocument {
  const controlPlane = input.role === "controlplane";
  // The VIP lives on the same link as the node address; keep kubelet from ever picking it.
  const validSubnets = [input.lanCidr];
  if (controlPlane && input.vip) validSubnets.push(`!${input.vip}/32`);

  const kubelet: Record<string, unknown> = { nodeIP: { validSubnets } };
  // Talos's metrics-server guide: every node's kubelet requests a serving certificate signed by
  // the cluster CA (a CSR the platform's approver signs off), so metrics-server and the API server
  // can verify it. The schema wants extraArgs values as strings.
  if (input.kubeletServingCertificates ?? true) kubelet.extraArgs = { [ROTATE_SERVER_CERTIFICATES]: "true" };
  const machine: Record<string, unknown> = {
    install: { disk: input.installDisk, image: input.installImage },
    kubelet,
  };
  const modules: string[] = [];
  if (input.nvidia) {
    modules.push(...NVIDIA_KERNEL_MODULES);
    // The NVIDIA container toolkit needs the BPF JIT hardening relaxed (Talos NVIDIA guide).
    machine.sysctls = { "net.core.bpf_jit_harden": "1" };
  }
  if (input.longhorn) {
    // Longhorn attaches volumes over iSCSI and mounts them below its data path, which the
    // kubelet (a container on Talos) must share with the host.
    modules.push("iscsi_tcp");
    kubelet.extraMounts = [
      { destination: LONGHORN_DATA_PATH, type: "bind", source: LONGHORN_DATA_PATH, options: ["bind", "rshared", "rw"] },
    ];
  }
  if (modules.length > 0) machine.kernel = { modules: modules.map((name) => ({ name })) };
  if (input.labels && Object.keys(input.labels).length > 0) machine.nodeLabels = { ...input.labels };
  if (input.taints && input.taints.length > 0) {
    machine.nodeTaints = Object.fromEntries(input.taints.map((t) => [t.key, `${t.value ?? ""}:${t.effect}`]));
  }

  // Cilium replaces both the CNI and kube-proxy; it is installed by the platform stack.
  const cluster: Record<string, unknown> = {
    network: { cni: { name: "none" } },
    proxy: { disabled: true },
  };
  if (controlPlane && input.allowSchedulingOnControlPlanes) {
    cluster.allowSchedulingOnControlPlanes = true;
  }
  return { machine, cluster };
}

/**
 * The documents patched into a node's generated machine configuration, in apply order:
 * the v1alpha1 patch (install, kubelet node IP and serving certificates, Cilium prerequisites, GPU
 * modules), then the network documents, then the extra patches from config.
 */
export function nodePatches(input: NodePatchInput): TalosDocument[] {
  const documents: TalosDocument[] = [
    machinePatch(input),
    // A 1.13 generated config carries `auto: stable`; a static hostname needs `auto: off`.
    { apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "off", hostname: input.hostname },
    {
      apiVersion: "v1alpha1",
      kind: "LinkAliasConfig",
      name: LAN_LINK,
      selector: { match: `mac(link.permanent_addr) == "${input.macAddress.toLowerCase()}"` },
    },
    {
      apiVersion: "v1alpha1",
      kind: "LinkConfig",
      name: LAN_LINK,
      up: true,
      addresses: [{ address: `${input.address}/${prefixOf(input.lanCidr)}` }],
      routes: [{ gateway: input.gateway }],
    },
  ];
  if (input.role === "controlplane" && input.vip) {
    documents.push({ apiVersion: "v1alpha1", kind: "Layer2VIPConfig", name: input.vip, link: LAN_LINK });
  }
  const resolver: Record<string, unknown> = {
    apiVersion: "v1alpha1",
    kind: "ResolverConfig",
    nameservers: input.nameservers.map((address) => ({ address })),
  };
  if (input.searchDomains && input.searchDomains.length > 0) {
    resolver.searchDomains = { domains: [...input.searchDomains] };
  }
  documents.push(resolver);
  if (input.ntpServers && input.ntpServers.length > 0) {
    documents.push({
      apiVersion: "v1alpha1",
      kind: "TimeSyncConfig",
      ntp: { servers: [...input.ntpServers] },
    });
  }
  documents.push(...(input.extraPatches ?? []));
  return documents;
}
