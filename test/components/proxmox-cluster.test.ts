import { VmLegacy } from "@muhlba91/pulumi-proxmoxve/vmLegacy";
import { describe, expect, test } from "vitest";
import { ProxmoxCluster, type ProxmoxClusterArgs, type ProxmoxNodeArgs } from "../../components/proxmox-cluster";
import { register, valueOf } from "../helpers/pulumi";

const SCHEMATIC = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";
const VM = "proxmoxve:index/vmLegacy:VmLegacy";
const FILE = "proxmoxve:download/file:File";
const SCHEMATIC_TYPE = "talos:imageFactory/schematic:Schematic";

const node = (name: string, overrides: Partial<ProxmoxNodeArgs> = {}): ProxmoxNodeArgs => ({
  name,
  role: "worker",
  host: "pve1",
  vmId: 100 + name.length,
  ip: "10.0.0.20",
  macAddress: "02:00:00:00:00:20",
  image: "base",
  cpu: { cores: 2 },
  memory: { size: 4096, floor: 2048 },
  disk: { size: 32, datastore: "local-lvm" },
  ...overrides,
});

const args = (overrides: Partial<ProxmoxClusterArgs> = {}): ProxmoxClusterArgs => ({
  clusterName: "lab",
  talosVersion: "v1.13.9",
  images: { base: { extensions: ["siderolabs/qemu-guest-agent"] }, gpu: { schematicId: SCHEMATIC } },
  network: {
    prefixLength: 24,
    gateway: "10.0.0.1",
    nameservers: ["10.0.0.1"],
    searchDomain: "lab.example.net",
    bridge: "vmbr1",
    vlanId: 30,
  },
  nodes: [
    node("cp1", { role: "controlplane", vmId: 111, ip: "10.0.0.11", macAddress: "02:00:00:00:00:11", tags: ["lab", "extra"] }),
    node("w1", { vmId: 121, ip: "10.0.0.21", macAddress: "02:00:00:00:00:21", host: "pve2", protect: true }),
    node("gpu1", {
      vmId: 131,
      ip: "10.0.0.31",
      macAddress: "02:00:00:00:00:31",
      host: "pve2",
      image: "gpu",
      memory: { size: 16384 },
      disk: { size: 100, datastore: "nvme", discard: false, iothread: false, ssd: false },
      pciDevices: [{ id: "0000:01:00" }, { mapping: "gpu-audio", pcie: false, rombar: false, xvga: true }],
      agent: false,
    }),
  ],
  ...overrides,
});

const build = (a: ProxmoxClusterArgs = args()) => register(() => new ProxmoxCluster("lab", a));

describe("ProxmoxCluster", () => {
  test("children: one schematic per registered variant, one image per variant and host, one VM per node", async () => {
    const r = await build();
    expect(r.childrenOf(r.get("lab", ProxmoxCluster.__pulumiType))).toEqual([
      `${FILE}::lab-base-v1.13.9-image-pve1`,
      `${FILE}::lab-base-v1.13.9-image-pve2`,
      `${FILE}::lab-gpu-v1.13.9-image-pve2`,
      `${VM}::lab-cp1`,
      `${VM}::lab-gpu1`,
      `${VM}::lab-w1`,
      `${SCHEMATIC_TYPE}::lab-base-schematic`,
    ]);
  });

  test("the schematic registers the extensions; a fixed schematic id registers nothing", async () => {
    const r = await build();
    expect(r.get("lab-base-schematic").inputs).toEqual({
      schematic: "customization:\n  systemExtensions:\n    officialExtensions:\n      - siderolabs/qemu-guest-agent\n",
    });
    // A changed schematic is a new resource: the provider would give it a new id in an update,
    // which Pulumi would not keep.
    expect(r.get("lab-base-schematic").replaceOnChanges).toEqual(["schematic"]);
    expect(r.ofType(SCHEMATIC_TYPE).map((s) => s.name)).toEqual(["lab-base-schematic"]);
  });

  test("images come from the Image Factory, decompressed by Proxmox, never re-downloaded on size", async () => {
    const r = await build();
    expect(r.get("lab-gpu-v1.13.9-image-pve2").inputs).toEqual({
      nodeName: "pve2",
      datastoreId: "local",
      contentType: "iso",
      url: `https://factory.talos.dev/image/${SCHEMATIC}/v1.13.9/nocloud-amd64.raw.zst`,
      fileName: "lab-talos-v1.13.9-37656798-nocloud-amd64.img",
      decompressionAlgorithm: "zst",
      overwrite: false,
      uploadTimeout: 1800,
    });
    expect(r.names(r.get("lab-gpu-v1.13.9-image-pve2").dependencies)).toEqual([]);
    // Named by release (a new release is new images beside the old ones), with the name they had before.
    expect(r.get("lab-gpu-v1.13.9-image-pve2").aliases).toEqual([
      { name: "lab-gpu-image-pve2", parentUrn: r.get("lab", ProxmoxCluster.__pulumiType).urn },
    ]);
    expect(r.names(r.get("lab-base-v1.13.9-image-pve1").dependencies)).toEqual(["lab-base-schematic"]);
  });

  test("a VM: q35 + OVMF, floating balloon floor, virtio NIC with VLAN, static address through cloud-init", async () => {
    const r = await build();
    const cp1 = r.get("lab-cp1");
    expect(cp1.inputs).toEqual({
      name: "cp1",
      nodeName: "pve1",
      vmId: 111,
      description: "Talos controlplane of cluster lab. Managed by Pulumi (homelab).",
      tags: ["controlplane", "extra", "lab", "talos"],
      onBoot: true,
      started: true,
      stopOnDestroy: true,
      migrate: true,
      machine: "q35",
      bios: "ovmf",
      efiDisk: { datastoreId: "local-lvm", type: "4m", fileFormat: "raw", preEnrolledKeys: false },
      operatingSystem: { type: "l26" },
      scsiHardware: "virtio-scsi-single",
      bootOrders: ["scsi0"],
      agent: { enabled: true, trim: true, waitForIp: { disabled: true } },
      cpu: { cores: 2, sockets: 1, type: "host" },
      memory: { dedicated: 4096, floating: 2048 },
      disks: [
        {
          interface: "scsi0",
          datastoreId: "local-lvm",
          size: 32,
          // The image resource's id (the mock answers in the provider's `<datastore>:iso/<file>` form).
          fileId: `local:iso/${String(r.get("lab-base-v1.13.9-image-pve1").inputs.fileName)}`,
          fileFormat: "raw",
          iothread: true,
          ssd: true,
          discard: "on",
        },
      ],
      networkDevices: [{ bridge: "vmbr1", model: "virtio", macAddress: "02:00:00:00:00:11", vlanId: 30, firewall: false }],
      initialization: {
        type: "nocloud",
        datastoreId: "local-lvm",
        ipConfigs: [{ ipv4: { address: "10.0.0.11/24", gateway: "10.0.0.1" } }],
        dns: { servers: ["10.0.0.1"], domain: "lab.example.net" },
      },
      hostpcis: [],
    });
    expect(cp1.protect).toBe(false);
    // The boot disk and the cloud-init DNS are read at creation only (neither re-images nor reboots a VM).
    expect(cp1.ignoreChanges).toEqual(["disks[0].fileId", "initialization.dns"]);
    // Same VM id, MAC and IP: the old VM goes before a replacement is created.
    expect(cp1.deleteBeforeReplace).toBe(true);
  });

  test("ballooning only where a floor is given", async () => {
    const r = await build(
      args({ nodes: [node("a", { memory: { size: 4096 } }), node("b", { memory: { size: 4096, floor: 1024 } })] }),
    );
    expect(r.get("lab-a").inputs.memory).toEqual({ dedicated: 4096, floating: 0 });
    expect(r.get("lab-b").inputs.memory).toEqual({ dedicated: 4096, floating: 1024 });
  });

  test("a shared image datastore gets one download per variant, through the image node", async () => {
    const r = await build(args({ sharedImageDatastore: true, imageNode: "pve9" }));
    expect(r.ofType(FILE).map((f) => [f.name, f.inputs.nodeName])).toEqual([
      ["lab-base-v1.13.9-image", "pve9"],
      ["lab-gpu-v1.13.9-image", "pve9"],
    ]);
    expect(r.get("lab-w1").inputs.disks).toMatchObject([
      { fileId: `local:iso/${String(r.get("lab-base-v1.13.9-image").inputs.fileName)}` },
    ]);
  });

  test("two clusters on one datastore never share an image file", async () => {
    const names = async (clusterName: string) =>
      (await build(args({ clusterName }))).ofType(FILE).map((f) => f.inputs.fileName as string);
    const [lab, dev] = [await names("lab"), await names("lab-dev")];
    // base (a registered schematic) on pve1 and pve2, gpu (the fixed schematic) on pve2.
    expect(lab).toEqual([
      "lab-talos-v1.13.9-106aed8b-nocloud-amd64.img",
      "lab-talos-v1.13.9-106aed8b-nocloud-amd64.img",
      `lab-talos-v1.13.9-${SCHEMATIC.slice(0, 8)}-nocloud-amd64.img`,
    ]);
    expect(dev.filter((n) => lab.includes(n))).toEqual([]);
  });

  test("a GPU VM: hostpci0..n in order, no balloon, its own image, no guest agent when off", async () => {
    const gpu1 = (await build()).get("lab-gpu1");
    expect(gpu1.inputs.hostpcis).toEqual([
      { device: "hostpci0", id: "0000:01:00", pcie: true, rombar: true, xvga: false },
      { device: "hostpci1", mapping: "gpu-audio", pcie: false, rombar: false, xvga: true },
    ]);
    expect(gpu1.inputs.memory).toEqual({ dedicated: 16384, floating: 0 });
    expect(gpu1.inputs.agent).toEqual({ enabled: false, waitForIp: { disabled: true } });
    expect(gpu1.inputs.disks).toEqual([
      {
        interface: "scsi0",
        datastoreId: "nvme",
        size: 100,
        fileId: "local:iso/lab-talos-v1.13.9-37656798-nocloud-amd64.img",
        fileFormat: "raw",
        iothread: false,
        ssd: false,
        discard: "ignore",
      },
    ]);
  });

  test("VMs are created in parallel: each waits only for its own image", async () => {
    const r = await build();
    expect(r.names(r.get("lab-cp1").dependencies)).toEqual(["lab-base-v1.13.9-image-pve1"]);
    expect(r.names(r.get("lab-w1").dependencies)).toEqual(["lab-base-v1.13.9-image-pve2"]);
    expect(r.names(r.get("lab-gpu1").dependencies)).toEqual(["lab-gpu-v1.13.9-image-pve2"]);
  });

  test("protect reaches only the VMs that ask for it", async () => {
    const r = await build();
    expect(r.ofType(VM).map((vm) => [vm.name, vm.protect])).toEqual([
      ["lab-cp1", false],
      ["lab-gpu1", false],
      ["lab-w1", true],
    ]);
    expect(r.ofType(FILE).map((f) => f.protect)).toEqual([false, false, false]);
  });

  test("outputs: node IPs, VM ids, installer images, and the VMs themselves", async () => {
    const r = await build();
    const cluster = r.result;
    expect((await valueOf(cluster.nodeIps)).value).toEqual({ cp1: "10.0.0.11", w1: "10.0.0.21", gpu1: "10.0.0.31" });
    expect((await valueOf(cluster.vmIds)).value).toEqual({ cp1: 111, w1: 121, gpu1: 131 });
    expect((await valueOf(cluster.installerImages.gpu!)).value).toBe(`factory.talos.dev/nocloud-installer/${SCHEMATIC}:v1.13.9`);
    expect((await valueOf(cluster.installerImages.base!)).value).toMatch(
      /^factory\.talos\.dev\/nocloud-installer\/[0-9a-f]{64}:v1\.13\.9$/,
    );
    expect(Object.keys(cluster.vms)).toEqual(["cp1", "w1", "gpu1"]);
    expect(cluster.vms.cp1).toBeInstanceOf(VmLegacy);
  });

  test("a custom Image Factory and datastore reach URLs and installer images", async () => {
    const r = await build(
      args({
        imageFactoryUrl: "https://factory.example.net",
        imageDatastore: "isos",
        nodes: [node("cp1", { role: "controlplane", image: "gpu" })],
      }),
    );
    expect(r.ofType(FILE).map((f) => [f.name, f.inputs.datastoreId, f.inputs.url])).toEqual([
      ["lab-gpu-v1.13.9-image-pve1", "isos", `https://factory.example.net/image/${SCHEMATIC}/v1.13.9/nocloud-amd64.raw.zst`],
    ]);
    expect(r.ofType(SCHEMATIC_TYPE)).toEqual([]);
    expect((await valueOf(r.result.installerImages.gpu!)).value).toBe(
      `factory.example.net/nocloud-installer/${SCHEMATIC}:v1.13.9`,
    );
  });

  test.each<[string, Partial<ProxmoxClusterArgs>, string]>([
    ["duplicate names", { nodes: [node("a"), node("a")] }, 'ProxmoxCluster lab: node name "a" is used twice'],
    [
      "unknown image",
      { nodes: [node("a", { image: "arm" })] },
      'ProxmoxCluster lab: node a boots image "arm", which is not one of: base, gpu',
    ],
    [
      "PCI device without id or mapping",
      { nodes: [node("a", { pciDevices: [{}] })] },
      "ProxmoxCluster lab: node a: each PCI device needs exactly one of id or mapping",
    ],
    [
      "image with both",
      { images: { base: { schematicId: SCHEMATIC, extensions: [] } }, nodes: [node("a")] },
      "ProxmoxCluster lab: image base needs exactly one of schematicId or extensions",
    ],
    ["no nodes", { nodes: [] }, "ProxmoxCluster lab: needs at least one node"],
    [
      "a balloon floor on a GPU node",
      { nodes: [node("a", { pciDevices: [{ mapping: "gpu0" }], memory: { size: 4096, floor: 1024 } })] },
      "ProxmoxCluster lab: node a passes PCI devices through and cannot balloon; leave memory.floor unset",
    ],
  ])("rejects %s before creating anything", async (_what, overrides, message) => {
    await expect(build(args(overrides))).rejects.toThrow(message);
  });
});
