import * as pulumi from "@pulumi/pulumi";
import type { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import type { Release } from "@pulumi/kubernetes/helm/v3/release";
import { ciliumValues, l2AnnouncementPolicy, loadBalancerIpPool, type LoadBalancerBlock } from "../lib/cilium";
import type { KubernetesObject } from "../lib/kubernetes";
import { CHARTS } from "../lib/platform-versions";
import { applyObject, dependsOnOf, installRelease, type InstalledRelease } from "./kubernetes-parts";

export interface CiliumInstallArgs {
  /** Cilium chart version, e.g. `1.19.6`. @default the pinned version (lib/platform-versions) */
  version?: string;
  /**
   * Addresses LB-IPAM assigns to LoadBalancer Services and Gateways: CIDRs or inclusive ranges,
   * inside the LAN and clear of every host address.
   */
  loadBalancerPool: readonly LoadBalancerBlock[];
  /** Where the pool's addresses are announced over ARP. */
  l2?: {
    /** Interface name patterns (regular expressions). @default ["^e.*"] */
    interfaces?: readonly string[];
    /** Node labels a node needs to announce. @default every node but the control planes */
    nodeSelector?: Readonly<Record<string, string>>;
  };
  /** Helm values deep-merged over the ones set here (maps merge, lists replace). @default {} */
  values?: Readonly<Record<string, unknown>>;
  /** Namespace of the release. @default "kube-system" */
  namespace?: string;
}

/**
 * Cilium as the cluster's CNI on Talos: kube-proxy replacement reaching the API through
 * KubePrism, Kubernetes IPAM, the Gateway API controller, and LoadBalancer addresses from a LAN
 * pool announced over ARP (L2 announcements). Depend on the Gateway API CRDs (through `dependsOn`)
 * so the chart creates the GatewayClass.
 *
 * The pool and the L2 policy are Cilium custom resources whose CRDs the Cilium operator registers
 * when it starts, so they wait for the release (which waits for the operator).
 *
 * Uninstalling the release takes the cluster's network away. Give the component `protect: true`
 * (the platform stack does, by default): the release, the pool and the L2 policy inherit it, so
 * `pulumi destroy`, a removal or a replacement (a new namespace, a new cluster) fails instead.
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { Provider } from "@pulumi/kubernetes/provider";
 * import { CiliumInstall, GatewayApiCrds } from "homelab";
 *
 * const provider = new Provider("lab", { kubeconfig: new pulumi.StackReference("talos").requireOutput("kubeconfig") });
 * const crds = new GatewayApiCrds("gateway-api", {}, { provider, protect: true });
 * const cilium = new CiliumInstall("cilium", {
 *   loadBalancerPool: [{ start: "10.20.0.200", stop: "10.20.0.239" }],
 *   l2: { interfaces: ["^eth0$"] },
 * }, { provider, dependsOn: [crds], protect: true });
 * export const ciliumValues = cilium.installed.values;
 */
export class CiliumInstall extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:kubernetes:CiliumInstall";

  public readonly release: Release;
  public readonly pool: CustomResource;
  public readonly l2Policy: CustomResource;
  /** The release's chart, version and final values (this component's, then `values`). */
  public readonly installed: InstalledRelease;
  /** The Kubernetes objects declared besides the release. */
  public readonly objects: readonly KubernetesObject[];
  /** Everything that must be in place before a Gateway can get an address. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: CiliumInstallArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.loadBalancerPool.length === 0) throw new Error(`CiliumInstall ${name}: loadBalancerPool needs at least one block`);
    super(CiliumInstall.__pulumiType, name, {}, opts);

    const installed = installRelease(
      this,
      name,
      {
        chart: CHARTS.cilium,
        version: args.version,
        releaseName: "cilium",
        namespace: args.namespace ?? "kube-system",
        values: ciliumValues(),
        overrides: args.values,
      },
      dependsOnOf(opts),
    );
    this.installed = installed;
    this.release = installed.release;

    const pool = loadBalancerIpPool(name, args.loadBalancerPool);
    const policy = l2AnnouncementPolicy(name, {
      interfaces: args.l2?.interfaces ?? ["^e.*"],
      nodeSelector: args.l2?.nodeSelector ?? {},
    });
    this.objects = [pool, policy];
    this.pool = applyObject(this, `${name}-pool`, pool, [this.release]);
    this.l2Policy = applyObject(this, `${name}-l2`, policy, [this.release]);
    this.ready = [this.release, this.pool, this.l2Policy];
    this.registerOutputs({});
  }
}
