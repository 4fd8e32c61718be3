// The modules used, not the packages' indexes: an index loads (and tsc reads) every resource module.
import { Provider as ProxmoxProvider } from "@muhlba91/pulumi-proxmoxve/provider";
import * as talos from "@pulumiverse/talos";
import { Provider as CommandProvider } from "@pulumi/command/provider";
import { ProxmoxCluster, type ProxmoxImageVariant } from "../components/proxmox-cluster";
import { TalosBootstrap } from "../components/talos-bootstrap";
import type { TalosConfig } from "../config/talos";
import { parseCidr } from "../lib/net";
import { KUBERNETES_UPGRADE_SCRIPT, ROLLOUT_SCRIPT } from "../lib/talos-commands";
import type { ProgramResult } from "./program";

/**
 * The `talos` program: Proxmox VMs running Talos, configured and bootstrapped into a Kubernetes
 * cluster. Exports the kubeconfig and talosconfig (secrets), the API endpoint, the node map and
 * whether kubelets serve certificates signed by the cluster CA.
 */
export function run(cfg: TalosConfig): ProgramResult {
  // Credentials not in config come from PROXMOX_VE_API_TOKEN or PROXMOX_VE_USERNAME/PASSWORD
  // (and PROXMOX_VE_SSH_*), which the provider reads itself.
  const proxmox = new ProxmoxProvider("proxmox", {
    endpoint: cfg.proxmox.endpoint,
    insecure: cfg.proxmox.insecure,
    apiToken: cfg.proxmox.apiToken,
    username: cfg.proxmox.username,
    password: cfg.proxmox.password,
    ssh: cfg.proxmox.ssh && { ...cfg.proxmox.ssh, nodes: cfg.proxmox.ssh.nodes?.map((n) => ({ ...n })) },
  });
  const talosProvider = new talos.Provider("talos", { imageFactoryUrl: cfg.image.factoryUrl });
  // Runs talosctl on the machine running `pulumi up` (rollouts, Kubernetes upgrades).
  const commands = new CommandProvider("command", {});

  const vms = new ProxmoxCluster(
    cfg.cluster.name,
    {
      clusterName: cfg.cluster.name,
      talosVersion: cfg.cluster.talosVersion,
      imageFactoryUrl: cfg.image.factoryUrl,
      imageDatastore: cfg.image.datastore,
      sharedImageDatastore: cfg.image.sharedDatastore,
      imageNode: cfg.proxmox.node,
      images: {
        base: variant(cfg.image.base),
        ...(cfg.image.gpu ? { gpu: variant(cfg.image.gpu) } : {}),
      },
      network: {
        prefixLength: parseCidr(cfg.network.cidr)!.prefix,
        gateway: cfg.network.gateway,
        nameservers: cfg.network.nameservers,
        searchDomain: cfg.network.searchDomains[0],
        bridge: cfg.network.bridge,
        vlanId: cfg.network.vlan,
      },
      nodes: cfg.nodes.map((n) => ({
        name: n.name,
        role: n.role,
        host: n.host,
        vmId: n.vmId,
        ip: n.ip,
        macAddress: n.mac,
        image: n.image,
        cpu: n.cpu,
        memory: n.memory,
        disk: n.disk,
        pciDevices: n.gpu?.devices,
        agent: n.agent,
        tags: n.tags,
        protect: n.protect,
      })),
    },
    { providers: [proxmox, talosProvider] },
  );

  const cluster = new TalosBootstrap(
    cfg.cluster.name,
    {
      clusterName: cfg.cluster.name,
      talosVersion: cfg.cluster.talosVersion,
      configVersion: cfg.cluster.configVersion,
      kubernetesVersion: cfg.cluster.kubernetesVersion,
      applyMode: cfg.cluster.applyMode,
      rollout: cfg.cluster.rollout,
      resetOnDelete: cfg.cluster.resetOnDelete,
      longhorn: cfg.cluster.storage === "longhorn",
      kubeletServingCertificates: cfg.cluster.kubeletServingCertificates,
      vip: cfg.network.vip,
      network: {
        cidr: cfg.network.cidr,
        gateway: cfg.network.gateway,
        nameservers: cfg.network.nameservers,
        searchDomains: cfg.network.searchDomains,
        ntpServers: cfg.network.ntpServers,
      },
      installDisk: cfg.cluster.installDisk,
      allowSchedulingOnControlPlanes: cfg.cluster.allowSchedulingOnControlPlanes,
      patches: cfg.cluster.patches,
      protectSecrets: cfg.cluster.protect,
      nodes: cfg.nodes.map((n) => ({
        name: n.name,
        role: n.role,
        ip: n.ip,
        macAddress: n.mac,
        installImage: vms.installerImages[n.image],
        nvidia: n.gpu?.nvidia ?? false,
        bootstrap: n.bootstrap,
        patches: n.patches,
        labels: n.labels,
        taints: n.taints,
        machine: vms.vms[n.name]!,
      })),
    },
    { providers: [talosProvider, commands] },
  );

  return {
    outputs: {
      kubeconfig: cluster.kubeconfig,
      talosconfig: cluster.talosconfig,
      endpoint: cluster.endpoint,
      nodeIps: vms.nodeIps,
      vmIds: vms.vmIds,
      // For the platform stack: its kubelet-serving-cert-approver and metrics-server need these.
      kubeletServingCertificates: cfg.cluster.kubeletServingCertificates,
    },
    artifacts: {
      ...Object.fromEntries(cfg.nodes.map((n) => [`${n.name}.talos.yaml`, cluster.patches[n.name]!])),
      // The scripts the rollout and Kubernetes upgrade commands run (the same for every node).
      "talos-rollout.sh": ROLLOUT_SCRIPT,
      "kubernetes-upgrade.sh": KUBERNETES_UPGRADE_SCRIPT,
    },
  };
}

/** A config image variant as the component takes it: a fixed schematic id, or extensions to register. */
function variant(image: TalosConfig["image"]["base"]): ProxmoxImageVariant {
  return image.schematicId !== undefined
    ? { schematicId: image.schematicId }
    : { extensions: image.extensions ?? [], extraKernelArgs: image.extraKernelArgs };
}
