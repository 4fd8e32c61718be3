import * as talos from "@pulumiverse/talos";
import * as pulumi from "@pulumi/pulumi";
import { clusterEndpoint, nodePatches, type TalosDocument, type TalosRole } from "../lib/talos";
import { toYaml, toYamlDocuments } from "../lib/yaml";

/** One Talos node. */
export interface TalosNodeArgs {
  /** Hostname and Kubernetes node name. */
  name: string;
  role: TalosRole;
  /** Static IPv4 address; also the node's Talos API endpoint. */
  ip: string;
  /** MAC of the node's LAN NIC: the `lan` link alias selects the NIC by it. */
  macAddress: string;
  /** Installer image (with the node's extensions), e.g. `factory.talos.dev/nocloud-installer/<id>:v1.13.9`. */
  installImage: pulumi.Input<string>;
  /** Load the NVIDIA kernel modules. @default false */
  nvidia?: boolean;
  /** Bootstrap etcd on this control plane. @default the first control plane */
  bootstrap?: boolean;
  /** Extra config documents for this node, applied after the cluster-wide `patches`. */
  patches?: readonly TalosDocument[];
  /** What must exist before the config is applied (the node's VM). Never other nodes. */
  dependsOn?: readonly pulumi.Resource[];
}

export interface TalosBootstrapArgs {
  /** Cluster name (a DNS label). */
  clusterName: string;
  /** Talos version contract of the generated config, e.g. `v1.13.9`. */
  talosVersion: string;
  /** Kubernetes version. @default Talos's default for its release */
  kubernetesVersion?: string;
  /** Shared control-plane VIP; the Kubernetes endpoint is `https://<vip>:6443`. @default the bootstrap node's IP */
  vip?: string;
  network: {
    /** The LAN in CIDR form, e.g. `10.10.0.0/24`. */
    cidr: string;
    gateway: string;
    nameservers: readonly string[];
    searchDomains?: readonly string[];
    /** @default Talos's default time servers */
    ntpServers?: readonly string[];
  };
  /** Install disk. @default "/dev/sda" */
  installDisk?: string;
  /** Run ordinary workloads on control planes. @default false */
  allowSchedulingOnControlPlanes?: boolean;
  /** Extra config documents for every node. */
  patches?: readonly TalosDocument[];
  nodes: readonly TalosNodeArgs[];
  /** Protect the machine secrets (the cluster's CAs) from deletion. @default false */
  protectSecrets?: boolean;
}

function validate(name: string, args: TalosBootstrapArgs): TalosNodeArgs {
  const fail = (message: string): never => {
    throw new Error(`TalosBootstrap ${name}: ${message}`);
  };
  const names = new Set<string>();
  for (const node of args.nodes) {
    if (names.has(node.name)) fail(`node name "${node.name}" is used twice`);
    names.add(node.name);
    if (node.bootstrap && node.role !== "controlplane") fail(`node ${node.name} bootstraps but is not a control plane`);
  }
  const flagged = args.nodes.filter((n) => n.bootstrap);
  if (flagged.length > 1) fail(`only one node can bootstrap, got ${flagged.map((n) => n.name).join(", ")}`);
  const bootstrapNode = flagged[0] ?? args.nodes.find((n) => n.role === "controlplane");
  return bootstrapNode ?? fail("needs at least one control-plane node");
}

/**
 * Turns running machines into a Talos Kubernetes cluster: machine secrets; per node the machine
 * configuration (the provider's configuration invoke with patches rendered in `lib/talos`) and
 * its apply, which waits only for that node's own machine; one bootstrap on a control plane
 * once every control-plane config is applied; then the admin kubeconfig and a talosconfig.
 *
 * The kubeconfig is fetched from the bootstrap node's Talos API and points at the Kubernetes
 * endpoint (the VIP): Talos advises against using the VIP as a Talos API endpoint, since it
 * only comes up once etcd is healthy.
 *
 * @example
 * const cluster = new TalosBootstrap("lab", {
 *   clusterName: "lab",
 *   talosVersion: "v1.13.9",
 *   vip: "10.10.0.10",
 *   network: { cidr: "10.10.0.0/24", gateway: "10.10.0.1", nameservers: ["10.10.0.1"] },
 *   nodes: [{ name: "cp1", role: "controlplane", ip: "10.10.0.11", macAddress: "02:00:00:00:08:11",
 *             installImage: vms.installerImages.base, dependsOn: [vms.vms.cp1] }],
 * });
 * export const kubeconfig = cluster.kubeconfig;
 */
export class TalosBootstrap extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:talos:TalosBootstrap";

  /** Admin kubeconfig (secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** talosconfig with every control plane as endpoint and every node as target (secret). */
  readonly talosconfig: pulumi.Output<string>;
  /** Kubernetes API endpoint, `https://<vip>:6443`. */
  readonly endpoint: pulumi.Output<string>;
  /** Node name → the config patches applied to it, as one multi-document YAML text. */
  readonly patches: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: TalosBootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
    const bootstrapNode = validate(name, args);
    super(TalosBootstrap.__pulumiType, name, {}, opts);

    const secrets = new talos.machine.Secrets(
      `${name}-secrets`,
      { talosVersion: args.talosVersion },
      {
        parent: this,
        protect: args.protectSecrets ?? false,
        // The secrets are the cluster's identity; a Talos upgrade must never regenerate them.
        ignoreChanges: ["talosVersion"],
      },
    );
    // The provider marks only nested fields secret; keep the whole bundles secret here.
    const machineSecrets = pulumi.secret(secrets.machineSecrets);
    const clientConfiguration = pulumi.secret(secrets.clientConfiguration);
    const endpoint = clusterEndpoint(args.vip ?? bootstrapNode.ip);

    this.patches = {};
    const applies = args.nodes.map((node) => {
      const documents = renderPatches(args, node);
      this.patches[node.name] = documents.apply(toYamlDocuments);
      return {
        node,
        apply: applyConfiguration(this, name, args, node, documents, { machineSecrets, clientConfiguration, endpoint }),
      };
    });

    // etcd is bootstrapped once, on one control plane, after every control plane has its config.
    const bootstrap = new talos.machine.Bootstrap(
      `${name}-bootstrap`,
      { node: bootstrapNode.ip, endpoint: bootstrapNode.ip, clientConfiguration },
      { parent: this, dependsOn: applies.filter((a) => a.node.role === "controlplane").map((a) => a.apply) },
    );
    const kubeconfig = new talos.cluster.Kubeconfig(
      `${name}-kubeconfig`,
      { node: bootstrapNode.ip, endpoint: bootstrapNode.ip, clientConfiguration },
      { parent: this, dependsOn: [bootstrap] },
    );
    const talosconfig = talos.client.getConfigurationOutput(
      {
        clusterName: args.clusterName,
        clientConfiguration,
        endpoints: args.nodes.filter((n) => n.role === "controlplane").map((n) => n.ip),
        nodes: args.nodes.map((n) => n.ip),
      },
      { parent: this },
    );

    this.kubeconfig = pulumi.secret(kubeconfig.kubeconfigRaw);
    this.talosconfig = pulumi.secret(talosconfig.talosConfig);
    this.endpoint = pulumi.output(endpoint);
    this.registerOutputs({ kubeconfig: this.kubeconfig, talosconfig: this.talosconfig, endpoint: this.endpoint });
  }
}

/** A node's patches (documents), rendered once its installer image is known. */
function renderPatches(args: TalosBootstrapArgs, node: TalosNodeArgs): pulumi.Output<TalosDocument[]> {
  return pulumi.output(node.installImage).apply((installImage) =>
    nodePatches({
      hostname: node.name,
      role: node.role,
      address: node.ip,
      lanCidr: args.network.cidr,
      gateway: args.network.gateway,
      macAddress: node.macAddress,
      nameservers: args.network.nameservers,
      searchDomains: args.network.searchDomains,
      ntpServers: args.network.ntpServers,
      vip: args.vip,
      installDisk: args.installDisk ?? "/dev/sda",
      installImage,
      nvidia: node.nvidia,
      allowSchedulingOnControlPlanes: args.allowSchedulingOnControlPlanes,
      extraPatches: [...(args.patches ?? []), ...(node.patches ?? [])],
    }),
  );
}

/** What every node's configuration is generated from. */
interface ClusterIdentity {
  machineSecrets: pulumi.Output<talos.types.output.machine.MachineSecrets>;
  clientConfiguration: pulumi.Output<talos.types.output.machine.ClientConfiguration>;
  /** Kubernetes API endpoint. */
  endpoint: string;
}

/**
 * Generates a node's machine configuration (the provider's configuration invoke, with the
 * node's patches) and applies it to the node, after the node's own machine and nothing else.
 */
function applyConfiguration(
  parent: pulumi.Resource,
  name: string,
  args: TalosBootstrapArgs,
  node: TalosNodeArgs,
  documents: pulumi.Output<TalosDocument[]>,
  cluster: ClusterIdentity,
): talos.machine.ConfigurationApply {
  const configuration = talos.machine.getConfigurationOutput(
    {
      clusterName: args.clusterName,
      clusterEndpoint: cluster.endpoint,
      machineType: node.role,
      machineSecrets: cluster.machineSecrets,
      talosVersion: args.talosVersion,
      kubernetesVersion: args.kubernetesVersion,
      configPatches: documents.apply((docs) => docs.map(toYaml)),
    },
    { parent },
  );
  return new talos.machine.ConfigurationApply(
    `${name}-${node.name}-config`,
    {
      node: node.ip,
      endpoint: node.ip,
      clientConfiguration: cluster.clientConfiguration,
      machineConfigurationInput: configuration.machineConfiguration,
    },
    { parent, dependsOn: [...(node.dependsOn ?? [])] },
  );
}
