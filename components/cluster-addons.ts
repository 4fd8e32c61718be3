import * as pulumi from "@pulumi/pulumi";
import type { Release } from "@pulumi/kubernetes/helm/v3/release";
import { ConfigFile } from "@pulumi/kubernetes/yaml/v2/configFile";
import { CHARTS, KUBELET_SERVING_CERT_APPROVER_VERSION, kubeletServingCertApproverUrl } from "../lib/platform-versions";
import { dependsOnOf, installRelease, type InstalledRelease } from "./kubernetes-parts";

export interface ClusterAddonsArgs {
  /**
   * kubelet-serving-cert-approver: approves the kubelets' serving-certificate requests, which Talos
   * makes with `rotate-server-certificates` (so `kubectl logs` and metrics-server can verify
   * kubelets). `version` is a release tag of its repository; `false` leaves it out. @default {}
   */
  kubeletServingCertApprover?:
    | false
    | {
        /** A release tag of alex1989hu/kubelet-serving-cert-approver. @default the pinned tag */
        version?: string;
      };
  /**
   * metrics-server: `kubectl top` and resource-metric autoscaling. `version` is the chart version;
   * `false` leaves it out. @default {}
   */
  metricsServer?:
    | false
    | {
        /** Chart version. @default the pinned chart version */
        version?: string;
      };
}

/**
 * The small add-ons a Talos cluster wants: the kubelet serving-certificate approver (from its
 * release's install manifest; it ships no chart) and metrics-server (Helm), each switchable.
 * metrics-server verifies kubelet certificates, so it waits for the approver when both are there.
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { Provider } from "@pulumi/kubernetes/provider";
 * import { CiliumInstall, ClusterAddons } from "homelab";
 *
 * const provider = new Provider("lab", { kubeconfig: new pulumi.StackReference("talos").requireOutput("kubeconfig") });
 * const cilium = new CiliumInstall("cilium", { loadBalancerPool: [{ cidr: "10.20.0.224/28" }] }, { provider });
 * // The approver at its pinned tag, metrics-server left out.
 * new ClusterAddons("addons", { metricsServer: false }, { provider, dependsOn: [cilium.release] });
 */
export class ClusterAddons extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:kubernetes:ClusterAddons";

  /** The approver's manifest, when installed. */
  public readonly approver?: ConfigFile;
  /** The manifest URL the approver comes from, when installed. */
  public readonly approverUrl?: string;
  /** metrics-server, when installed. */
  public readonly metricsServer?: Release;
  /** The Helm releases (chart, version, final values). */
  public readonly installed: readonly InstalledRelease[];

  constructor(name: string, args: ClusterAddonsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super(ClusterAddons.__pulumiType, name, {}, opts);
    const approver = args.kubeletServingCertApprover ?? {};
    if (approver !== false) {
      this.approverUrl = kubeletServingCertApproverUrl(approver.version ?? KUBELET_SERVING_CERT_APPROVER_VERSION);
      this.approver = new ConfigFile(
        `${name}-kubelet-serving-cert-approver`,
        { file: this.approverUrl },
        { parent: this, dependsOn: dependsOnOf(opts) },
      );
    }
    const metrics = args.metricsServer ?? {};
    const installed: InstalledRelease[] = [];
    if (metrics !== false) {
      const release = installRelease(
        this,
        `${name}-metrics-server`,
        // The chart's defaults fit once kubelet certificates are approved: no --kubelet-insecure-tls.
        {
          chart: CHARTS.metricsServer,
          version: metrics.version,
          releaseName: "metrics-server",
          namespace: "kube-system",
          values: {},
        },
        this.approver ? [this.approver] : dependsOnOf(opts),
      );
      this.metricsServer = release.release;
      installed.push(release);
    }
    this.installed = installed;
    this.registerOutputs({});
  }
}
