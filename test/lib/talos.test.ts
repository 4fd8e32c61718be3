import { describe, expect, test } from "vitest";
import {
  clusterEndpoint,
  diskImageFileName,
  diskImageUrl,
  installerImage,
  nodePatches,
  schematicDocument,
  type NodePatchInput,
} from "../../lib/talos";

const ID = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";

describe("Image Factory", () => {
  test.each([
    ["https://factory.talos.dev", `https://factory.talos.dev/image/${ID}/v1.13.9/nocloud-amd64.raw.zst`],
    ["https://factory.example.net:8443/", `https://factory.example.net:8443/image/${ID}/v1.13.9/nocloud-amd64.raw.zst`],
  ])("disk image URL from %s", (factory, url) => expect(diskImageUrl(factory, ID, "v1.13.9")).toBe(url));

  test.each([
    ["https://factory.talos.dev", `factory.talos.dev/nocloud-installer/${ID}:v1.13.9`],
    ["https://factory.example.net:8443/", `factory.example.net:8443/nocloud-installer/${ID}:v1.13.9`],
  ])("installer image from %s", (factory, image) => expect(installerImage(factory, ID, "v1.13.9")).toBe(image));

  test("image file name is an .img with version and schematic prefix", () => {
    expect(diskImageFileName("lab", ID, "v1.13.9")).toBe("lab-talos-v1.13.9-37656798-nocloud-amd64.img");
    expect(diskImageFileName("lab-dev", ID, "v1.13.9")).toBe("lab-dev-talos-v1.13.9-37656798-nocloud-amd64.img");
  });

  test("schematic sorts extensions and adds kernel args only when given", () => {
    expect(schematicDocument({ extensions: ["siderolabs/zfs", "siderolabs/qemu-guest-agent"] })).toEqual({
      customization: { systemExtensions: { officialExtensions: ["siderolabs/qemu-guest-agent", "siderolabs/zfs"] } },
    });
    expect(schematicDocument({ extensions: [], extraKernelArgs: ["net.ifnames=0"] })).toEqual({
      customization: { extraKernelArgs: ["net.ifnames=0"], systemExtensions: { officialExtensions: [] } },
    });
  });

  test("cluster endpoint", () => expect(clusterEndpoint("10.0.0.10")).toBe("https://10.0.0.10:6443"));
});

const controlPlane: NodePatchInput = {
  hostname: "cp1",
  role: "controlplane",
  address: "10.0.0.11",
  lanCidr: "10.0.0.0/24",
  gateway: "10.0.0.1",
  macAddress: "02:AA:BB:CC:DD:EE",
  nameservers: ["10.0.0.1", "1.1.1.1"],
  searchDomains: ["lab.example.net"],
  ntpServers: ["time.example.net"],
  vip: "10.0.0.10",
  installDisk: "/dev/sda",
  installImage: `factory.talos.dev/nocloud-installer/${ID}:v1.13.9`,
  allowSchedulingOnControlPlanes: true,
  extraPatches: [{ machine: { sysctls: { "vm.max_map_count": "262144" } } }],
};

describe("nodePatches", () => {
  test("control plane: every document, in order", () => {
    expect(nodePatches(controlPlane)).toEqual([
      {
        machine: {
          install: { disk: "/dev/sda", image: `factory.talos.dev/nocloud-installer/${ID}:v1.13.9` },
          kubelet: {
            nodeIP: { validSubnets: ["10.0.0.0/24", "!10.0.0.10/32"] },
            extraArgs: { "rotate-server-certificates": "true" },
          },
        },
        cluster: { network: { cni: { name: "none" } }, proxy: { disabled: true }, allowSchedulingOnControlPlanes: true },
      },
      { apiVersion: "v1alpha1", kind: "HostnameConfig", auto: "off", hostname: "cp1" },
      {
        apiVersion: "v1alpha1",
        kind: "LinkAliasConfig",
        name: "lan",
        selector: { match: 'mac(link.permanent_addr) == "02:aa:bb:cc:dd:ee"' },
      },
      {
        apiVersion: "v1alpha1",
        kind: "LinkConfig",
        name: "lan",
        up: true,
        addresses: [{ address: "10.0.0.11/24" }],
        routes: [{ gateway: "10.0.0.1" }],
      },
      { apiVersion: "v1alpha1", kind: "Layer2VIPConfig", name: "10.0.0.10", link: "lan" },
      {
        apiVersion: "v1alpha1",
        kind: "ResolverConfig",
        nameservers: [{ address: "10.0.0.1" }, { address: "1.1.1.1" }],
        searchDomains: { domains: ["lab.example.net"] },
      },
      { apiVersion: "v1alpha1", kind: "TimeSyncConfig", ntp: { servers: ["time.example.net"] } },
      { machine: { sysctls: { "vm.max_map_count": "262144" } } },
    ]);
  });

  test("worker: no VIP, no VIP exclusion, no control-plane scheduling, no empty optional documents", () => {
    const docs = nodePatches({
      ...controlPlane,
      hostname: "w1",
      role: "worker",
      address: "10.0.0.21",
      searchDomains: [],
      ntpServers: [],
      extraPatches: [],
    });
    expect(docs.map((d) => d.kind ?? "v1alpha1")).toEqual([
      "v1alpha1",
      "HostnameConfig",
      "LinkAliasConfig",
      "LinkConfig",
      "ResolverConfig",
    ]);
    expect(docs[0]).toEqual({
      machine: {
        install: { disk: "/dev/sda", image: `factory.talos.dev/nocloud-installer/${ID}:v1.13.9` },
        kubelet: { nodeIP: { validSubnets: ["10.0.0.0/24"] }, extraArgs: { "rotate-server-certificates": "true" } },
      },
      cluster: { network: { cni: { name: "none" } }, proxy: { disabled: true } },
    });
    expect(docs[4]).toEqual({
      apiVersion: "v1alpha1",
      kind: "ResolverConfig",
      nameservers: [{ address: "10.0.0.1" }, { address: "1.1.1.1" }],
    });
  });

  test("kubelet serving certificates: on for every node unless turned off, which leaves extraArgs out", () => {
    for (const role of ["controlplane", "worker"] as const) {
      const kubelet = (nodePatches({ ...controlPlane, role })[0] as any).machine.kubelet;
      expect(kubelet.extraArgs).toEqual({ "rotate-server-certificates": "true" });
    }
    const off = (nodePatches({ ...controlPlane, kubeletServingCertificates: false })[0] as any).machine.kubelet;
    expect(off).toEqual({ nodeIP: { validSubnets: ["10.0.0.0/24", "!10.0.0.10/32"] } });
  });

  test("control plane without a VIP has no Layer2VIPConfig", () => {
    const docs = nodePatches({ ...controlPlane, vip: undefined });
    expect(docs.some((d) => d.kind === "Layer2VIPConfig")).toBe(false);
    expect((docs[0] as any).machine.kubelet.nodeIP.validSubnets).toEqual(["10.0.0.0/24"]);
  });

  test("NVIDIA nodes load the driver modules and relax BPF JIT hardening", () => {
    const machine = (nodePatches({ ...controlPlane, role: "worker", nvidia: true })[0] as any).machine;
    expect(machine.kernel).toEqual({
      modules: [{ name: "nvidia" }, { name: "nvidia_uvm" }, { name: "nvidia_drm" }, { name: "nvidia_modeset" }],
    });
    expect(machine.sysctls).toEqual({ "net.core.bpf_jit_harden": "1" });
  });
});
