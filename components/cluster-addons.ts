import * as pulumi from "@pulumi/pulumi";
import type { Release } from "@pulumi/kubernetes/helm/v3/release";
import { CHARTS } from "../lib/platform-versions";
import { dependsOnOf, installRelease, type InstalledRelease } from "./kubernetes-parts";

/** An add-on's settings; `false` leaves it out. */
export type AddonArgs = false | { /** Chart version. @default the pinned version */ version?: string };

export interface ClusterAddonsArgs {
  /**
   * kubelet-serving-cert-approver: approves the kubelets' serving-certificate requests, which Talos
   * makes with `rotate-server-certificates` (so `kubectl logs` and metrics-server can verify
   * kubelets). @default {}
   */
  kubeletServingCertApprover?: AddonArgs;
  /** metrics-server: `kubectl top` and resource-metric autoscaling. @default {} */
  metricsServer?: AddonArgs;
}

/**
 * The small add-ons a Talos cluster wants: the kubelet serving-certificate approver and
 * metrics-server, each switchable. metrics-server verifies kubelet certificates, so it waits for
 * the approver when both are installed.
 *
 * @example
 * new ClusterAddons("addons", {}, { provider, dependsOn: [cilium] });
 */
export class ClusterAddons extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:kubernetes:ClusterAddons";

  /** The releases installed, by add-on. */
  public readonly releases: Readonly<Partial<Record<"kubeletServingCertApprover" | "metricsServer", Release>>>;
  /** Each release's chart and values, by release name. */
  public readonly installed: readonly InstalledRelease[];

  constructor(name: string, args: ClusterAddonsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super(ClusterAddons.__pulumiType, name, {}, opts);
    const releases: Partial<Record<"kubeletServingCertApprover" | "metricsServer", Release>> = {};
    const installed: InstalledRelease[] = [];
    const approver = args.kubeletServingCertApprover ?? {};
    if (approver !== false) {
      const release = installRelease(
        this,
        `${name}-kubelet-serving-cert-approver`,
        {
          chart: CHARTS.kubeletServingCertApprover,
          version: approver.version,
          releaseName: "kubelet-serving-cert-approver",
          namespace: "kubelet-serving-cert-approver",
          values: {},
        },
        dependsOnOf(opts),
      );
      releases.kubeletServingCertApprover = release.release;
      installed.push(release);
    }
    const metrics = args.metricsServer ?? {};
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
        releases.kubeletServingCertApprover ? [releases.kubeletServingCertApprover] : dependsOnOf(opts),
      );
      releases.metricsServer = release.release;
      installed.push(release);
    }
    this.releases = releases;
    this.installed = installed;
    this.registerOutputs({});
  }
}
