// The files used, not the package index (which loads every Proxmox resource).
import { File as DownloadFile } from "@muhlba91/pulumi-proxmoxve/download/file";
import { VmLegacy } from "@muhlba91/pulumi-proxmoxve/vmLegacy";
import * as talos from "@pulumiverse/talos";
import * as pulumi from "@pulumi/pulumi";
import { diskImageFileName, diskImageUrl, installerImage, schematicDocument, type TalosRole } from "../lib/talos";
import { toYaml } from "../lib/yaml";

/** An Image Factory image: a schematic id you already have, or extensions to register one from. */
export interface ProxmoxImageVariant {
  /** A registered schematic id (64 hex characters). Give this or `extensions`. */
  schematicId?: pulumi.Input<string>;
  /** Official system extensions, e.g. `siderolabs/qemu-guest-agent`; registers a schematic. */
  extensions?: readonly string[];
  /** Extra kernel arguments of the registered schematic (with `extensions` only). */
  extraKernelArgs?: readonly string[];
}

/** A PCI device passed through to a VM, as `hostpciN` in list order. */
export interface ProxmoxPciDevice {
  /** Host PCI address, e.g. `0000:01:00`. Needs password auth as root@pam. Give this or `mapping`. */
  id?: string;
  /** Proxmox PCI resource mapping (works with API tokens). */
  mapping?: string;
  /** PCI Express. @default true */
  pcie?: boolean;
  /** Expose the device ROM. @default true */
  rombar?: boolean;
  /** Primary GPU of the VM. @default false */
  xvga?: boolean;
}

/**
 * One Talos VM. `Node` and `Image` are the node's name and image key: literal types when written
 * out, so the component's outputs are indexed by exactly those names.
 */
export interface ProxmoxNodeArgs<Node extends string = string, Image extends string = string> {
  /** VM name and Talos hostname (a DNS label). */
  name: Node;
  /** Control plane or worker: tagged on the VM. */
  role: TalosRole;
  /** Proxmox node the VM runs on. */
  host: string;
  /** Proxmox VM id. */
  vmId: number;
  /** Static IPv4 address, handed to the guest through cloud-init (nocloud). */
  ip: string;
  /** MAC address of the VM's NIC. */
  macAddress: string;
  /** Key of `images` the VM boots. */
  image: Image;
  /** Virtual CPUs. */
  cpu: {
    /** Cores per socket. */
    cores: pulumi.Input<number>;
    /** CPU sockets: the VM gets `cores × sockets` vCPUs. @default 1 */
    sockets?: pulumi.Input<number>;
    /**
     * The emulated CPU model. `host` passes the host CPU's flags through (fastest; live migration
     * only between identical CPUs); `x86-64-v2-AES` and the like keep VMs movable. @default "host"
     */
    type?: pulumi.Input<string>;
  };
  /** Memory in MiB, and the balloon floor. */
  memory: {
    /** Memory in MiB. */
    size: pulumi.Input<number>;
    /**
     * Balloon floor in MiB: Proxmox may reclaim memory down to this. Without it the VM has no
     * balloon device at all. Not allowed with PCI devices (passthrough pins all memory).
     * @default none (no ballooning)
     */
    floor?: number;
  };
  /** The boot disk, which Talos installs to. */
  disk: {
    /** Size in GiB. */
    size: pulumi.Input<number>;
    /** Datastore of the disk, the EFI disk and the cloud-init drive. */
    datastore: pulumi.Input<string>;
    /** Give the disk its own I/O thread (VirtIO SCSI single), so disk I/O does not wait on the VM's main loop. @default true */
    iothread?: pulumi.Input<boolean>;
    /** Present the disk to Talos as an SSD (non-rotational) rather than a spinning disk. @default true */
    ssd?: pulumi.Input<boolean>;
    /** Pass discard/TRIM to the storage. @default true */
    discard?: pulumi.Input<boolean>;
  };
  /** PCI passthrough, in `hostpci0..15` order. */
  pciDevices?: readonly ProxmoxPciDevice[];
  /** Enable the QEMU guest agent (the image needs the qemu-guest-agent extension). @default true */
  agent?: boolean;
  /** Extra Proxmox tags; `talos`, the role and the cluster name are always added. */
  tags?: readonly string[];
  /** Protect the VM from deletion. @default false */
  protect?: boolean;
}

export interface ProxmoxClusterArgs<Node extends string = string, Image extends string = string> {
  /** Cluster name: tagged on every VM and written in its description. */
  clusterName: string;
  /** Talos release the images boot, e.g. `v1.13.9`. */
  talosVersion: string;
  /** Image Factory URL. @default "https://factory.talos.dev" */
  imageFactoryUrl?: string;
  /** Datastore the disk images are downloaded to (needs the `iso` content type). @default "local" */
  imageDatastore?: string;
  /**
   * The image datastore is shared by every Proxmox node (NFS, CephFS, ...): download each image
   * once, through `imageNode`, instead of once per node. @default false
   */
  sharedImageDatastore?: boolean;
  /** The Proxmox node that downloads images to a shared datastore. @default the first node's host */
  imageNode?: string;
  /** Image variants by name, e.g. `{ base: {...}, gpu: {...} }`. Only variants some node uses are downloaded. */
  images: Record<string, ProxmoxImageVariant>;
  /** The LAN the VMs join, as cloud-init configures it for the first boot. */
  network: {
    /** Prefix length of the LAN, e.g. 24. */
    prefixLength: number;
    /** Default gateway. */
    gateway: string;
    /** DNS servers for the first boot (read at creation only; the Talos config then sets them). */
    nameservers: readonly string[];
    /** DNS domain given to the guest through cloud-init (read at creation only; Talos ignores it). */
    searchDomain?: string;
    /** Proxmox bridge. */
    bridge: string;
    /** VLAN tag of the NICs; untagged when unset. */
    vlanId?: number;
  };
  /** The VMs, one per Talos node. */
  nodes: readonly ProxmoxNodeArgs<Node, Image>[];
}

const MAX_PCI_DEVICES = 16;

function validate(name: string, args: ProxmoxClusterArgs): void {
  const fail = (message: string): never => {
    throw new Error(`ProxmoxCluster ${name}: ${message}`);
  };
  if (args.nodes.length === 0) fail("needs at least one node");
  const seen = new Set<string>();
  for (const node of args.nodes) {
    if (seen.has(node.name)) fail(`node name "${node.name}" is used twice`);
    seen.add(node.name);
    if (!(node.image in args.images)) {
      fail(`node ${node.name} boots image "${node.image}", which is not one of: ${Object.keys(args.images).join(", ")}`);
    }
    if ((node.pciDevices?.length ?? 0) > MAX_PCI_DEVICES) fail(`node ${node.name} has more than ${MAX_PCI_DEVICES} PCI devices`);
    for (const device of node.pciDevices ?? []) {
      if ((device.id === undefined) === (device.mapping === undefined)) {
        fail(`node ${node.name}: each PCI device needs exactly one of id or mapping`);
      }
    }
    if ((node.pciDevices?.length ?? 0) > 0 && (node.memory.floor ?? 0) > 0) {
      fail(`node ${node.name} passes PCI devices through and cannot balloon; leave memory.floor unset`);
    }
  }
  for (const [variant, image] of Object.entries(args.images)) {
    if ((image.schematicId === undefined) === (image.extensions === undefined)) {
      fail(`image ${variant} needs exactly one of schematicId or extensions`);
    }
  }
}

/**
 * Proxmox VMs for a Talos cluster: the Talos disk image from the Image Factory (downloaded once
 * per image variant and Proxmox node) and one q35/OVMF VM per node booting it, with the node's
 * static address handed over through cloud-init so Talos comes up on its IP. VMs are created in
 * parallel. The Talos machine configuration is applied separately (see `TalosBootstrap`).
 *
 * Providers: `proxmoxve` (and `talos` when a variant registers a schematic) through `opts.providers`.
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { Provider as ProxmoxProvider } from "@muhlba91/pulumi-proxmoxve/provider";
 * import { ProxmoxCluster } from "homelab";
 * import { Provider as TalosProvider } from "homelab/talos";
 *
 * const proxmox = new ProxmoxProvider("pve", {
 *   endpoint: "https://pve1.lab.example.net:8006/",
 *   apiToken: new pulumi.Config().requireSecret("proxmoxApiToken"),
 *   ssh: { username: "root", agent: true },
 * });
 * const vms = new ProxmoxCluster("lab", {
 *   clusterName: "lab",
 *   talosVersion: "v1.13.9",
 *   images: { base: { extensions: ["siderolabs/qemu-guest-agent"] } },
 *   network: { prefixLength: 24, gateway: "10.10.0.1", nameservers: ["10.10.0.1"], bridge: "vmbr0" },
 *   nodes: [
 *     {
 *       name: "cp1",
 *       role: "controlplane",
 *       host: "pve1",
 *       vmId: 811,
 *       ip: "10.10.0.11",
 *       macAddress: "02:00:00:00:08:11",
 *       image: "base",
 *       cpu: { cores: 2 },
 *       memory: { size: 4096, floor: 2048 },
 *       disk: { size: 32, datastore: "local-lvm" },
 *     },
 *   ],
 * }, { providers: [proxmox, new TalosProvider("talos")] });
 * export const installer = vms.installerImages.base; // typed by the image keys: `vms.installerImages.gpu` does not compile
 */
export class ProxmoxCluster<Node extends string = string, Image extends string = string> extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:proxmox:ProxmoxCluster";

  /** Node name → static IPv4 address. */
  readonly nodeIps: pulumi.Output<Record<string, string>>;
  /** Node name → Proxmox VM id. */
  readonly vmIds: pulumi.Output<Record<string, number>>;
  /** Image variant some node boots → installer image (`<factory>/nocloud-installer/<schematic>:<version>`). */
  readonly installerImages: Readonly<Record<Image, pulumi.Output<string>>>;
  /** Node name → its VM, for ordering what runs on the node after it. */
  readonly vms: Readonly<Record<Node, VmLegacy>>;

  constructor(name: string, args: ProxmoxClusterArgs<Node, Image>, opts?: pulumi.ComponentResourceOptions) {
    validate(name, args);
    super(ProxmoxCluster.__pulumiType, name, {}, opts);

    const factoryUrl = args.imageFactoryUrl ?? "https://factory.talos.dev";
    const used = new Set<string>(args.nodes.map((n) => n.image));
    const schematicIds: Record<string, pulumi.Output<string>> = {};
    for (const variant of Object.keys(args.images)
      .filter((v) => used.has(v))
      .sort()) {
      schematicIds[variant] = schematicId(this, name, variant, args.images[variant]!);
    }
    const images = downloadImages(this, name, args, factoryUrl, schematicIds);

    const vms: Record<string, VmLegacy> = {};
    for (const node of args.nodes) {
      vms[node.name] = nodeVm(this, name, args, node, images.get(imageKey(args, node))!);
    }
    // Every node's name and image key is among the keys (validated above).
    this.vms = vms as Record<Node, VmLegacy>;

    this.installerImages = Object.fromEntries(
      Object.entries(schematicIds).map(([variant, id]) => [
        variant,
        id.apply((schematic) => installerImage(factoryUrl, schematic, args.talosVersion)),
      ]),
    ) as Record<Image, pulumi.Output<string>>;
    this.nodeIps = pulumi.output(Object.fromEntries(args.nodes.map((n) => [n.name, n.ip])));
    this.vmIds = pulumi.all(Object.fromEntries(Object.entries(vms).map(([n, vm]) => [n, vm.vmId])));

    this.registerOutputs({ nodeIps: this.nodeIps, vmIds: this.vmIds, installerImages: this.installerImages });
  }
}

function schematicId(parent: pulumi.Resource, name: string, variant: string, image: ProxmoxImageVariant): pulumi.Output<string> {
  if (image.schematicId !== undefined) return pulumi.output(image.schematicId);
  const schematic = new talos.imagefactory.Schematic(
    `${name}-${variant}-schematic`,
    { schematic: toYaml(schematicDocument({ extensions: image.extensions!, extraKernelArgs: image.extraKernelArgs })) },
    // The schematic's id is its content hash. The provider registers a changed schematic in an
    // update and sets the new id, but Pulumi keeps a resource's id across updates: a new
    // schematic must be a new resource, or every image would keep the old one's id.
    { parent, replaceOnChanges: ["schematic"] },
  );
  return schematic.id;
}

/** Which download a node boots from: per variant and host, or per variant on a shared datastore. */
function imageKey(args: ProxmoxClusterArgs, node: ProxmoxNodeArgs): string {
  return args.sharedImageDatastore ? node.image : `${node.image}@${node.host}`;
}

/** One download per image variant and Proxmox node that some VM boots from (per variant when shared). */
function downloadImages(
  parent: pulumi.Resource,
  name: string,
  args: ProxmoxClusterArgs,
  factoryUrl: string,
  schematicIds: Record<string, pulumi.Output<string>>,
): Map<string, DownloadFile> {
  const files = new Map<string, DownloadFile>();
  const wanted = [...new Set(args.nodes.map((n) => imageKey(args, n)))].sort();
  const sharedHost = args.imageNode ?? args.nodes[0]!.host;
  for (const key of wanted) {
    const [variant, host = sharedHost] = key.split("@") as [string, string?];
    const id = schematicIds[variant]!;
    // Named by Talos release: a new release downloads new images beside the old ones (created,
    // then the old ones deleted at the end of the run), rather than replacing them. The alias is
    // the name without the release, which the images had before.
    const unversioned = args.sharedImageDatastore ? `${name}-${variant}-image` : `${name}-${variant}-image-${host}`;
    files.set(
      key,
      new DownloadFile(
        unversioned.replace(`${name}-${variant}-image`, `${name}-${variant}-${args.talosVersion}-image`),
        {
          nodeName: host,
          datastoreId: args.imageDatastore ?? "local",
          contentType: "iso",
          url: id.apply((s) => diskImageUrl(factoryUrl, s, args.talosVersion)),
          fileName: id.apply((s) => diskImageFileName(args.clusterName, s, args.talosVersion)),
          decompressionAlgorithm: "zst",
          // The stored file is the decompressed image, so its size never matches the URL's;
          // overwrite would re-download it on every refresh.
          overwrite: false,
          uploadTimeout: 1800,
        },
        { parent, aliases: [{ name: unversioned }] },
      ),
    );
  }
  return files;
}

function nodeVm(
  parent: pulumi.Resource,
  name: string,
  args: ProxmoxClusterArgs,
  node: ProxmoxNodeArgs,
  image: DownloadFile,
): VmLegacy {
  const { network } = args;
  const discard = node.disk.discard ?? true;
  const agent = node.agent ?? true;
  return new VmLegacy(
    `${name}-${node.name}`,
    {
      name: node.name,
      nodeName: node.host,
      vmId: node.vmId,
      description: `Talos ${node.role} of cluster ${args.clusterName}. Managed by Pulumi (homelab).`,
      tags: [...new Set(["talos", node.role, args.clusterName, ...(node.tags ?? [])])].sort(),
      onBoot: true,
      started: true,
      // Talos has nothing to save on shutdown; do not wait for a guest that may ignore ACPI.
      stopOnDestroy: true,
      // A new host moves the VM (Proxmox migration) instead of re-creating it.
      migrate: true,
      machine: "q35",
      bios: "ovmf",
      efiDisk: { datastoreId: node.disk.datastore, type: "4m", fileFormat: "raw", preEnrolledKeys: false },
      operatingSystem: { type: "l26" },
      scsiHardware: "virtio-scsi-single",
      bootOrders: ["scsi0"],
      agent: {
        enabled: agent,
        trim: agent ? discard : undefined,
        // Talos starts extension services (the guest agent among them) only once its config is
        // applied, which happens after the VM exists; waiting for an agent IP would stall creation.
        waitForIp: { disabled: true },
      },
      cpu: { cores: node.cpu.cores, sockets: node.cpu.sockets ?? 1, type: node.cpu.type ?? "host" },
      // floating 0 removes the balloon device: a VM balloons only when it is given a floor.
      memory: { dedicated: node.memory.size, floating: node.memory.floor ?? 0 },
      disks: [
        {
          interface: "scsi0",
          datastoreId: node.disk.datastore,
          size: node.disk.size,
          fileId: image.id,
          fileFormat: "raw",
          iothread: node.disk.iothread ?? true,
          ssd: node.disk.ssd ?? true,
          discard: pulumi.output(discard).apply((d) => (d ? "on" : "ignore")),
        },
      ],
      networkDevices: [
        { bridge: network.bridge, model: "virtio", macAddress: node.macAddress, vlanId: network.vlanId, firewall: false },
      ],
      initialization: {
        type: "nocloud",
        datastoreId: node.disk.datastore,
        ipConfigs: [{ ipv4: { address: `${node.ip}/${network.prefixLength}`, gateway: network.gateway } }],
        dns: { servers: [...network.nameservers], domain: network.searchDomain },
      },
      hostpcis: (node.pciDevices ?? []).map((device, index) => ({
        device: `hostpci${index}`,
        id: device.id,
        mapping: device.mapping,
        pcie: device.pcie ?? true,
        rombar: device.rombar ?? true,
        xvga: device.xvga ?? false,
      })),
    },
    {
      parent,
      protect: node.protect ?? false,
      // A replaced VM keeps its VM id, MAC and IP: the old one must be gone before the new one
      // exists (and the node's Talos apply, replaced with it, resets the old node first).
      deleteBeforeReplace: true,
      // The boot disk is imported from the image once. A new Talos version or schematic must not
      // re-image running nodes: Talos upgrades in place from the installer image instead.
      // The cloud-init DNS serves the first boot only: Talos's nocloud platform reads its
      // nameservers, which the machine config's resolvers then override, and never its search
      // domain (talos internal/app/machined/pkg/runtime/v1alpha1/platform/nocloud/metadata.go,
      // v1.13.9). A change would rebuild the drive and reboot every VM at once for nothing; the
      // Talos config carries it, applied without a reboot.
      ignoreChanges: ["disks[0].fileId", "initialization.dns"],
    },
  );
}
