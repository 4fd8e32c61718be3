import * as pulumi from "@pulumi/pulumi";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
import { Provider } from "@pulumi/kubernetes/provider";
import { ArgoCDInstall } from "../components/argocd-install";
import { CertManager } from "../components/cert-manager";
import { CiliumInstall } from "../components/cilium-install";
import { ClusterAddons } from "../components/cluster-addons";
import { Gateway } from "../components/gateway";
import { GatewayApiCrds } from "../components/gateway-api-crds";
import { NetBirdPeer } from "../components/netbird-peer";
import type { InstalledRelease } from "../components/kubernetes-parts";
import type { PlatformConfig } from "../config/platform";
import { appNamingAfter } from "../lib/argocd";
import { maskedText } from "../lib/artifacts";
import { poolClashes } from "../lib/cilium";
import { durationSeconds, manifestFileName, type KubernetesObject } from "../lib/kubernetes";
import { valuesHeader } from "../lib/platform-versions";
import { siblingStack } from "../lib/stacks";
import { toKubernetesYaml } from "../lib/yaml";
import type { ProgramResult, RunContext } from "./program";

/**
 * The `platform` program: turns the bare Talos cluster (no CNI, no kube-proxy) into the lab's
 * GitOps platform: Gateway API CRDs, Cilium, the add-ons, cert-manager with the wildcard
 * certificate, the shared Gateway, and Argo CD with the AppProject and ApplicationSets.
 *
 * Order (each arrow a dependency): CRDs → Cilium → pool/L2 policy → Gateway; Cilium → add-ons;
 * Cilium → cert-manager → issuers → certificate → Gateway; Cilium → Argo CD → AppProject →
 * ApplicationSets. Every pod needs the CNI, so every release waits for Cilium.
 */
export function run(cfg: PlatformConfig, context: RunContext): ProgramResult {
  const k8s = cfg.kubernetes;
  const talosStack = k8s.stack ?? siblingStack(context.stack, "talos");
  const kubeconfig = k8s.kubeconfig ?? talosKubeconfig(talosStack, cfg.cilium.loadBalancerPool, servingCertificateAddons(cfg));
  const provider = new Provider("kubernetes", {
    kubeconfig: pulumi.secret(kubeconfig),
    context: k8s.context,
    // The provider is replaced (and with it every object it manages, created anew before the old
    // ones go) only when this changes: a rotated certificate or a new API address in the
    // kubeconfig is the same cluster, an update.
    clusterIdentifier: k8s.kubeconfig ? (k8s.context ?? "kubeconfig") : talosStack,
    // A cluster destroyed under this stack (the talos stack's `pulumi destroy`) must not wedge it:
    // `pulumi refresh` then drops the objects from the state instead of failing on every one.
    deleteUnreachable: k8s.deleteUnreachable,
  });
  const opts = { provider };

  // Protected (by default): deleting the CRDs deletes every Gateway and route, deleting Cilium
  // takes the network; `pulumi destroy`, a removal or a replacement fails instead.
  const crds = new GatewayApiCrds(
    "gateway-api",
    { version: cfg.gateway.crds.version, channel: cfg.gateway.crds.channel },
    { ...opts, protect: cfg.gateway.crds.protect },
  );
  const cilium = new CiliumInstall(
    "cilium",
    {
      version: cfg.cilium.version,
      loadBalancerPool: cfg.cilium.loadBalancerPool,
      l2: cfg.cilium.l2,
      values: cfg.cilium.values,
    },
    { ...opts, dependsOn: [crds], protect: cfg.cilium.protect },
  );
  const addons = new ClusterAddons(
    "addons",
    {
      kubeletServingCertApprover: cfg.addons.kubeletServingCertApprover.enabled && {
        version: cfg.addons.kubeletServingCertApprover.version,
      },
      metricsServer: cfg.addons.metricsServer.enabled && { version: cfg.addons.metricsServer.version },
    },
    { ...opts, dependsOn: [cilium.release] },
  );

  const namespaceObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: cfg.gateway.namespace } } as const;
  const gatewayNamespace = new Namespace(cfg.gateway.namespace, { metadata: namespaceObject.metadata }, opts);
  const cm = cfg.certManager;
  const certs = new CertManager(
    "cert-manager",
    {
      version: cm.version,
      letsEncrypt:
        cm.cloudflareApiToken && cm.email
          ? { email: cm.email, cloudflareApiToken: cm.cloudflareApiToken, zone: cfg.domain }
          : undefined,
      selfSignedCa: cm.selfSignedCa,
      certificate: { domain: cfg.domain, namespace: gatewayNamespace.metadata.name, issuer: cm.issuer },
      readyTimeouts: {
        issuers: durationSeconds(cm.readyTimeout.issuers),
        certificate: durationSeconds(cm.readyTimeout.certificate),
      },
      values: cm.values,
    },
    { ...opts, dependsOn: [cilium.release] },
  );
  const gateway = new Gateway(
    cfg.gateway.name,
    {
      namespace: gatewayNamespace.metadata.name,
      domain: cfg.domain,
      certificateSecret: certs.certificateSecret,
      address: cfg.gateway.address,
      programmedTimeout: durationSeconds(cfg.gateway.programmedTimeout),
    },
    { ...opts, dependsOn: [crds, ...cilium.ready, certs.certificate] },
  );
  const argo = cfg.argocd;
  // The Application naming of this run, from the stack's own last outputs: one deployed before
  // `<category>-<app>` names keeps its names for one run (lib/argocd appNamingAfter).
  const last = new pulumi.StackReference("previous", { name: context.stack });
  const appNames = pulumi
    .all([last.getOutput("argocdUrl"), last.getOutput("argocdAppNames")])
    .apply(([argocdUrl, argocdAppNames]) => appNamingAfter({ argocdUrl, argocdAppNames }));
  const argocd = new ArgoCDInstall(
    "argocd",
    {
      version: argo.version,
      hostname: argo.hostname,
      gateway: gateway.ref,
      repo: argo.repo,
      applicationSets: argo.applicationSets,
      categories: argo.categories,
      appNames,
      podSecurity: argo.podSecurity,
      selfHeal: argo.selfHeal,
      project: argo.project,
      selfManage: argo.selfManage,
      sso: argo.sso,
      extraResourceExclusions: argo.extraResourceExclusions,
      values: argo.values,
    },
    { ...opts, dependsOn: [crds, cilium.release] },
  );
  // The LAN side of the edge's tunnel (off unless configured); its pods need the CNI.
  const nb = cfg.netbird;
  const netbird =
    nb &&
    new NetBirdPeer(
      "netbird-peer",
      { setupKey: nb.setupKey, managementUrl: nb.managementUrl, namespace: nb.namespace, replicas: nb.replicas, image: nb.image },
      { ...opts, dependsOn: [cilium.release] },
    );

  const releases: InstalledRelease[] = [cilium.installed, certs.installed, argocd.installed, ...addons.installed];
  const objects: KubernetesObject[] = [
    namespaceObject,
    ...cilium.objects,
    ...certs.objects,
    ...gateway.objects,
    ...argocd.objects,
    ...(netbird ? netbird.objects : []),
  ];

  return {
    outputs: {
      gatewayAddress: cfg.gateway.address,
      argocdUrl: argocd.url,
      argocdAppNames: appNames,
      domain: cfg.domain,
      ...(k8s.kubeconfig ? {} : { kubernetesStack: talosStack }),
    },
    artifacts: {
      ...Object.fromEntries(objects.map((o) => [manifestFileName(o), maskedText(o, toKubernetesYaml)])),
      ...Object.fromEntries(
        releases.map((r) => [
          `${r.releaseName}.values.yaml`,
          maskedText(r.values, (v) => `${valuesHeader(r.chart.name, r.chart.version)}\n${toKubernetesYaml(v)}`),
        ]),
      ),
    },
  };
}

/** The enabled add-ons that need kubelet serving certificates signed by the cluster CA, by config key. */
export function servingCertificateAddons(cfg: Pick<PlatformConfig, "addons">): string[] {
  return [
    ...(cfg.addons.kubeletServingCertApprover.enabled ? ["homelab:addons.kubeletServingCertApprover"] : []),
    ...(cfg.addons.metricsServer.enabled ? ["homelab:addons.metricsServer"] : []),
  ];
}

/**
 * Why `addons` cannot go on the cluster of talos stack `stack`, given its `kubeletServingCertificates`
 * output (undefined: a talos stack of an earlier version, which does not say); undefined when they can.
 */
export function servingCertificatesProblem(stack: string, exported: unknown, addons: readonly string[]): string | undefined {
  if (addons.length === 0 || exported === true) return undefined;
  const need = `${addons.join(" and ")} need${addons.length === 1 ? "s" : ""} kubelet serving certificates signed by the cluster CA`;
  if (exported === undefined) {
    return `stack ${stack} exports no kubeletServingCertificates output (a talos stack of an earlier version), and ${need}: deploy the talos stack of this version first`;
  }
  const off = addons.map((a) => `${a}.enabled`).join(" and ");
  return `stack ${stack} has kubelet serving certificates off (its kubeletServingCertificates output is ${JSON.stringify(exported)}: homelab:cluster.kubeletServingCertificates there), so its kubelets serve self-signed certificates, which metrics-server cannot verify and the kubelet-serving-cert-approver has nothing to approve: turn it on in stack ${stack} first, or set ${off} to false here`;
}

/**
 * The talos stack's kubeconfig, once its own outputs show that the LoadBalancer pool hands out no
 * node's address and not the API endpoint: config lists node IPs too, but a node added to the
 * cluster since would otherwise surface as an ARP conflict. A clash ends the run before the
 * Kubernetes provider (and so anything in the cluster) is touched; so does a cluster without
 * kubelet serving certificates when `servingCertificatesFor` (config keys of add-ons) needs them.
 */
export function talosKubeconfig(
  stack: string,
  pool: PlatformConfig["cilium"]["loadBalancerPool"],
  servingCertificatesFor: readonly string[] = [],
): pulumi.Output<string> {
  const talos = new pulumi.StackReference("talos", { name: stack });
  return pulumi
    .all([
      talos.requireOutput("kubeconfig"),
      talos.getOutput("nodeIps"),
      talos.getOutput("endpoint"),
      talos.getOutput("kubeletServingCertificates"),
    ])
    .apply(([kubeconfig, nodeIps, endpoint, servingCertificates]) => {
      const clashes = poolClashes(pool, {
        nodeIps: (nodeIps ?? {}) as Record<string, string>,
        endpoint: typeof endpoint === "string" ? endpoint : undefined,
      });
      const problems = [
        ...(clashes.length > 0
          ? [`homelab:cilium.loadBalancerPool overlaps the cluster of stack ${stack}:`, ...clashes.map((c) => `  ${c}`)]
          : []),
        servingCertificatesProblem(stack, servingCertificates, servingCertificatesFor) ?? [],
      ].flat();
      if (problems.length > 0) throw new pulumi.RunError(problems.join("\n"));
      return kubeconfig as string;
    });
}
