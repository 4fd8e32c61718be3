import * as talos from "@pulumiverse/talos";
import { Command as LocalCommand } from "@pulumi/command/local/command";
import * as pulumi from "@pulumi/pulumi";
import { clusterEndpoint, nodePatches, type NodeTaint, type TalosDocument, type TalosRole } from "../lib/talos";
import {
  KUBERNETES_UPGRADE_SCRIPT,
  ROLLOUT_CREATE,
  ROLLOUT_SCRIPT,
  type KubernetesUpgradeEnvironment,
  type RolloutEnvironment,
} from "../lib/talos-commands";
import { contractOf } from "../lib/talos-support";
import { FORMER_TRIGGERS } from "./command-parts";
import { toYaml, toYamlDocuments } from "../lib/yaml";

/** One Talos node. */
export interface TalosNodeArgs {
  /** Hostname and Kubernetes node name. */
  name: string;
  /** Control plane or worker: selects the machine configuration type. */
  role: TalosRole;
  /** Static IPv4 address; also the node's Talos API endpoint. */
  ip: string;
  /** MAC of the node's LAN NIC: the `lan` link alias selects the NIC by it. */
  macAddress: string;
  /**
   * Installer image the node runs (its Talos release and extensions), e.g.
   * `factory.talos.dev/nocloud-installer/<id>:v1.13.9`. A new one rolls the node forward with
   * `talosctl upgrade`.
   */
  installImage: pulumi.Input<string>;
  /** Load the NVIDIA kernel modules. @default false */
  nvidia?: boolean;
  /** Bootstrap etcd on this control plane. @default the first control plane */
  bootstrap?: boolean;
  /** Extra config documents for this node, applied after the cluster-wide `patches`. */
  patches?: readonly TalosDocument[];
  /** Kubernetes labels of the node. */
  labels?: Readonly<Record<string, string>>;
  /** Kubernetes taints of the node (set when the node registers; see the README). */
  taints?: readonly NodeTaint[];
  /**
   * The node's machine (its VM). The config is applied once it exists, and applied again to a
   * new machine whenever it is replaced (the apply is replaced with it).
   */
  machine?: pulumi.Resource;
  /** What else must exist before the config is applied. Never other nodes. */
  dependsOn?: readonly pulumi.Resource[];
}

/** A script's environment as command inputs, plus the talosconfig every script reads. */
type EnvironmentOf<E> = { readonly [K in keyof E | "TALOSCONFIG_DATA"]: pulumi.Input<string> };

/** How the provider applies a changed config (the Talos provider's `applyMode`). */
export type TalosApplyMode = "auto" | "no_reboot" | "reboot" | "staged" | "staged_if_needing_reboot";

export interface TalosBootstrapArgs {
  /** Cluster name (a DNS label). */
  clusterName: string;
  /** Talos release the nodes run, e.g. `v1.13.9` (the installer images carry it). */
  talosVersion: string;
  /**
   * Talos version contract of the generated config (`talosctl gen config --talos-version`): which
   * defaults a config gets. Pin it at the first deploy; upgrades leave it alone.
   * @default the `vX.Y` of talosVersion
   */
  configVersion?: string;
  /** Kubernetes version. @default Talos's default for its release */
  kubernetesVersion?: string;
  /** Shared control-plane VIP; the Kubernetes endpoint is `https://<vip>:6443`. @default the bootstrap node's IP */
  vip?: string;
  /** The LAN, written into every node's network documents. */
  network: {
    /** The LAN in CIDR form, e.g. `10.10.0.0/24`. */
    cidr: string;
    /** Default gateway. */
    gateway: string;
    /** DNS servers. */
    nameservers: readonly string[];
    /** DNS search domains. @default [] */
    searchDomains?: readonly string[];
    /** NTP servers the nodes sync their clocks with (host names or addresses). @default Talos's default (`time.cloudflare.com`) */
    ntpServers?: readonly string[];
  };
  /** Install disk. @default "/dev/sda" */
  installDisk?: string;
  /** Run ordinary workloads on control planes. @default false */
  allowSchedulingOnControlPlanes?: boolean;
  /** Extra config documents for every node. */
  patches?: readonly TalosDocument[];
  /** Every node of the cluster. */
  nodes: readonly TalosNodeArgs[];
  /** Protect the machine secrets (the cluster's CAs) from deletion. @default false */
  protectSecrets?: boolean;
  /**
   * How changed configs are applied. The default stages a change that needs a reboot and lets
   * the rollout reboot one node at a time; `auto` reboots every affected node at once.
   * @default "staged_if_needing_reboot"
   */
  applyMode?: TalosApplyMode;
  /** How changes roll over the nodes (see the README's Day 2). */
  rollout?: {
    /** Workers rebooted or upgraded at the same time (control planes: always one). @default 1 */
    maxUnavailableWorkers?: number;
    /** How long one node may take to come back healthy (a Go duration). @default "15m" */
    timeout?: string;
  };
  /**
   * Reset a node that is removed (or whose machine is replaced) before its machine goes:
   * cordon, drain and, on a control plane, leave etcd. @default true
   */
  resetOnDelete?: boolean;
  /** Prepare every node for Longhorn (kernel module, kubelet mount). @default false */
  longhorn?: boolean;
  /**
   * Every kubelet requests its serving certificate from the cluster CA (`rotate-server-certificates`);
   * the requests wait for an approver (kubelet-serving-cert-approver). Off: kubelets serve
   * self-signed certificates, which metrics-server cannot verify. @default true
   */
  kubeletServingCertificates?: boolean;
  /** How long the kubeconfig output waits for the cluster to be healthy (a Go duration). @default "10m" */
  healthTimeout?: string;
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
  const batch = args.rollout?.maxUnavailableWorkers;
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1))
    fail(`rollout.maxUnavailableWorkers must be a whole number ≥ 1, got ${batch}`);
  const flagged = args.nodes.filter((n) => n.bootstrap);
  if (flagged.length > 1) fail(`only one node can bootstrap, got ${flagged.map((n) => n.name).join(", ")}`);
  const bootstrapNode = flagged[0] ?? args.nodes.find((n) => n.role === "controlplane");
  return bootstrapNode ?? fail("needs at least one control-plane node");
}

/**
 * Turns running machines into a Talos Kubernetes cluster: machine secrets; a Kubernetes upgrade
 * step (`talosctl upgrade-k8s` when the version changes) that every config apply waits for; per
 * node the machine configuration (the provider's configuration invoke with patches rendered in
 * `lib/talos`) and its apply, which waits only for that node's own machine and the Kubernetes
 * step and is replaced with its machine; one bootstrap on a control plane once every
 * control-plane config is applied; a rollout that upgrades or reboots changed nodes one control
 * plane at a time, then workers in batches (talosctl through `@pulumi/command`, each change an
 * update of the node's command); then the admin kubeconfig, once the cluster is healthy, and a
 * talosconfig.
 *
 * Providers: `talos` and `command` through `opts.providers`.
 *
 * The kubeconfig is fetched from the bootstrap node's Talos API and points at the Kubernetes
 * endpoint (the VIP): Talos advises against using the VIP as a Talos API endpoint, since it
 * only comes up once etcd is healthy.
 *
 * @example
 * import { Provider as CommandProvider } from "@pulumi/command/provider";
 * import { TalosBootstrap } from "homelab";
 * import { Provider as TalosProvider } from "homelab/talos";
 *
 * // The machines exist already (e.g. a ProxmoxCluster's `vms`, passed as each node's `machine`).
 * const installImage = "factory.talos.dev/nocloud-installer/376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba:v1.13.9";
 * const cluster = new TalosBootstrap("lab", {
 *   clusterName: "lab",
 *   talosVersion: "v1.13.9",
 *   vip: "10.10.0.10",
 *   network: { cidr: "10.10.0.0/24", gateway: "10.10.0.1", nameservers: ["10.10.0.1"] },
 *   nodes: [
 *     { name: "cp1", role: "controlplane", ip: "10.10.0.11", macAddress: "02:00:00:00:08:11", installImage },
 *     { name: "w1", role: "worker", ip: "10.10.0.21", macAddress: "02:00:00:00:08:21", installImage },
 *   ],
 *   protectSecrets: true,
 * }, { providers: [new TalosProvider("talos"), new CommandProvider("command")] });
 * export const kubeconfig = cluster.kubeconfig; // secret
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

    const configVersion = args.configVersion ?? contractOf(args.talosVersion);
    const secrets = new talos.machine.Secrets(
      `${name}-secrets`,
      { talosVersion: configVersion },
      {
        parent: this,
        protect: args.protectSecrets ?? false,
        // The secrets are the cluster's identity: nothing may ever regenerate them.
        ignoreChanges: ["talosVersion"],
      },
    );
    // The provider marks only nested fields secret; keep the whole bundles secret here.
    const machineSecrets = pulumi.secret(secrets.machineSecrets);
    const clientConfiguration = pulumi.secret(secrets.clientConfiguration);
    const endpoint = clusterEndpoint(args.vip ?? bootstrapNode.ip);
    const controlPlanes = args.nodes.filter((n) => n.role === "controlplane");
    const workers = args.nodes.filter((n) => n.role === "worker");

    const talosconfig = talos.client.getConfigurationOutput(
      {
        clusterName: args.clusterName,
        clientConfiguration,
        endpoints: controlPlanes.map((n) => n.ip),
        nodes: args.nodes.map((n) => n.ip),
      },
      { parent: this },
    );
    this.talosconfig = pulumi.secret(talosconfig.talosConfig);

    // Kubernetes moves before any node's config does: `talosctl upgrade-k8s` takes the control
    // plane first, then each kubelet node by node, and writes the new images into each node's
    // config, so the applies that follow (which wait for it) find them there. Applying a new
    // version's configs first would restart every kubelet at once, ahead of its API server.
    // Its talosconfig names the bootstrap node only, so nodes coming and going never re-run it.
    const kubernetesTalosconfig = talos.client.getConfigurationOutput(
      { clusterName: args.clusterName, clientConfiguration, endpoints: [bootstrapNode.ip], nodes: [bootstrapNode.ip] },
      { parent: this },
    ).talosConfig;
    const kubernetes = new LocalCommand(
      `${name}-kubernetes`,
      {
        // A new cluster runs the version its configs name: nothing to upgrade.
        create: `echo "Kubernetes \${KUBERNETES_VERSION:-(the Talos default)}"`,
        update: KUBERNETES_UPGRADE_SCRIPT,
        environment: {
          TALOSCONFIG_DATA: pulumi.secret(kubernetesTalosconfig),
          NODE: bootstrapNode.ip,
          KUBERNETES_VERSION: args.kubernetesVersion ?? "",
        } satisfies EnvironmentOf<KubernetesUpgradeEnvironment>,
        logging: "stdoutAndStderr",
      },
      { parent: this, ignoreChanges: [FORMER_TRIGGERS] },
    );

    this.patches = {};
    const applies: Record<string, talos.machine.ConfigurationApply> = {};
    for (const node of args.nodes) {
      const documents = renderPatches(args, node);
      this.patches[node.name] = documents.apply(toYamlDocuments);
      applies[node.name] = applyConfiguration(
        this,
        name,
        args,
        { ...node, dependsOn: [kubernetes, ...(node.dependsOn ?? [])] },
        documents,
        {
          machineSecrets,
          clientConfiguration,
          endpoint,
          configVersion,
        },
      );
    }

    // etcd is bootstrapped once, on one control plane, after every control plane has its config.
    const bootstrap = new talos.machine.Bootstrap(
      `${name}-bootstrap`,
      { node: bootstrapNode.ip, endpoint: bootstrapNode.ip, clientConfiguration },
      {
        parent: this,
        dependsOn: controlPlanes.map((n) => applies[n.name]!),
        // Bootstrapping happens once in a cluster's life: when the bootstrap node is later
        // removed and another control plane takes its place here, nothing may bootstrap again.
        ignoreChanges: ["node", "endpoint"],
      },
    );

    // The rollouts reach the nodes through the control planes; the talosconfig lists no nodes,
    // so a node added or removed changes no other node's rollout.
    const rolloutTalosconfig = pulumi.secret(
      talos.client.getConfigurationOutput(
        { clusterName: args.clusterName, clientConfiguration, endpoints: controlPlanes.map((n) => n.ip) },
        { parent: this },
      ).talosConfig,
    );
    rollOut(this, name, args, { controlPlanes, workers }, applies, rolloutTalosconfig);

    const kubeconfig = new talos.cluster.Kubeconfig(
      `${name}-kubeconfig`,
      { node: bootstrapNode.ip, endpoint: bootstrapNode.ip, clientConfiguration },
      { parent: this, dependsOn: [bootstrap] },
    );
    // The kubeconfig means a working cluster: it resolves once Talos reports the cluster healthy
    // (Kubernetes checks skipped: the CNI comes with the platform stack), within healthTimeout.
    const health = talos.cluster.getHealthOutput(
      {
        clientConfiguration,
        endpoints: controlPlanes.map((n) => n.ip),
        controlPlaneNodes: controlPlanes.map((n) => n.ip),
        workerNodes: workers.map((n) => n.ip),
        skipKubernetesChecks: true,
        timeouts: { read: args.healthTimeout ?? "10m" },
      },
      { parent: this, dependsOn: [bootstrap, ...Object.values(applies)] },
    );

    this.kubeconfig = pulumi.secret(pulumi.all([health.id, kubeconfig.kubeconfigRaw]).apply(([, raw]) => raw));
    this.endpoint = pulumi.output(endpoint);
    this.registerOutputs({ kubeconfig: this.kubeconfig, talosconfig: this.talosconfig, endpoint: this.endpoint });
  }
}

/**
 * The rollout: one command per node whose update, when its image or applied config changes,
 * upgrades the node to a new installer image or reboots it into a staged config, then waits for
 * the cluster to be healthy. Control planes go one at a time, then workers in batches of
 * `maxUnavailableWorkers`; each waits for the one before. On a first deploy the commands only
 * record each node's config (nothing to roll), so the chain costs no time.
 */
function rollOut(
  parent: pulumi.Resource,
  name: string,
  args: TalosBootstrapArgs,
  { controlPlanes, workers }: { controlPlanes: readonly TalosNodeArgs[]; workers: readonly TalosNodeArgs[] },
  applies: Record<string, talos.machine.ConfigurationApply>,
  talosconfig: pulumi.Output<string>,
): void {
  const batchSize = args.rollout?.maxUnavailableWorkers ?? 1;
  const batches: TalosNodeArgs[][] = [
    ...controlPlanes.map((n) => [n]),
    ...Array.from({ length: Math.ceil(workers.length / batchSize) }, (_, i) => workers.slice(i * batchSize, (i + 1) * batchSize)),
  ];
  let previous: LocalCommand[] = [];
  for (const batch of batches) {
    const current = batch.map((node) => {
      const apply = applies[node.name]!;
      const rollout = new LocalCommand(
        `${name}-${node.name}-rollout`,
        {
          create: ROLLOUT_CREATE,
          update: ROLLOUT_SCRIPT,
          environment: {
            TALOSCONFIG_DATA: talosconfig,
            NODE: node.ip,
            INSTALLER_IMAGE: node.installImage,
            TALOS_VERSION: args.talosVersion,
            APPLY_MODE: apply.resolvedApplyMode,
            CONFIG_HASH: apply.machineConfigurationHash,
            HEALTH_NODE: controlPlanes[0]!.ip,
            TIMEOUT: args.rollout?.timeout ?? "15m",
          } satisfies EnvironmentOf<RolloutEnvironment>,
          // No `triggers`: @pulumi/command replaces a command whose trigger changes and runs its
          // create, never its update. A new image or config changes the environment instead,
          // which runs the update (the rollout script).
          logging: "stdoutAndStderr",
        },
        {
          parent,
          dependsOn: [apply, ...previous],
          ignoreChanges: [FORMER_TRIGGERS],
          // A new machine boots its image and config: its rollout starts again (a create).
          ...(node.machine ? { replaceWith: [node.machine] } : {}),
        },
      );
      return rollout;
    });
    previous = current;
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
      labels: node.labels,
      taints: node.taints,
      longhorn: args.longhorn,
      kubeletServingCertificates: args.kubeletServingCertificates,
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
  /** The config contract (`vX.Y`). */
  configVersion: string;
}

/**
 * Generates a node's machine configuration (the provider's configuration invoke, with the
 * node's patches) and applies it to the node, after the node's own machine and nothing else.
 *
 * The provider never reads a node back (its Read is empty), so a machine that is replaced would
 * keep its old apply and stay in maintenance mode: the apply is replaced with its machine, and
 * deleted before the machine (reset on the way out, when `resetOnDelete`).
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
      talosVersion: cluster.configVersion,
      kubernetesVersion: args.kubernetesVersion,
      configPatches: documents.apply((docs) => docs.map(toYaml)),
    },
    { parent },
  );
  const resetOnDelete = args.resetOnDelete ?? true;
  return new talos.machine.ConfigurationApply(
    `${name}-${node.name}-config`,
    {
      node: node.ip,
      endpoint: node.ip,
      clientConfiguration: cluster.clientConfiguration,
      machineConfigurationInput: configuration.machineConfiguration,
      applyMode: args.applyMode ?? "staged_if_needing_reboot",
      // Graceful: cordon and drain the node and, on a control plane, leave etcd; then halt.
      onDestroy: { reset: resetOnDelete, graceful: true, reboot: false },
    },
    {
      parent,
      dependsOn: [...(node.machine ? [node.machine] : []), ...(node.dependsOn ?? [])],
      ...(node.machine ? { replaceWith: [node.machine] } : {}),
      // The old node is reset before a new apply reaches the same address.
      deleteBeforeReplace: true,
    },
  );
}
