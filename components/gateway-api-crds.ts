import * as pulumi from "@pulumi/pulumi";
import { ConfigFile } from "@pulumi/kubernetes/yaml/v2/configFile";
import { GATEWAY_API_VERSION, gatewayApiInstallUrl } from "../lib/platform-versions";

export interface GatewayApiCrdsArgs {
  /** Gateway API release, e.g. `v1.6.1`. @default the pinned release (lib/platform-versions) */
  version?: string;
  /**
   * `standard` (GatewayClass, Gateway, HTTPRoute, GRPCRoute, ReferenceGrant, TLSRoute, ...) or
   * `experimental`, which adds the alpha kinds (TCPRoute, UDPRoute, ...). @default "standard"
   */
  channel?: "standard" | "experimental";
}

/**
 * The Gateway API CRDs of one release and channel, from the release's own install manifest. The
 * Kubernetes provider reads the manifest, so the program itself makes no network call. Whatever
 * needs the CRDs (Cilium's Gateway controller, every Gateway and route) depends on this component,
 * which waits for all its CRDs.
 *
 * Deleting a CRD deletes every object of its kind: every Gateway and route in the cluster, the
 * apps' included. Give the component `protect: true` (the platform stack does, by default): the
 * manifest's component and every CRD in it inherit it (the Node SDK hands a parent's `protect` to
 * its children, the provider's ConfigFile component to the CRDs it registers), so `pulumi destroy`,
 * a removal or a replacement fails instead.
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { Provider } from "@pulumi/kubernetes/provider";
 * import { CiliumInstall, GatewayApiCrds } from "homelab";
 *
 * const provider = new Provider("lab", { kubeconfig: new pulumi.StackReference("talos").requireOutput("kubeconfig") });
 * const crds = new GatewayApiCrds("gateway-api", { channel: "standard" }, { provider, protect: true });
 * new CiliumInstall("cilium", { loadBalancerPool: [{ cidr: "10.20.0.224/28" }] }, { provider, dependsOn: [crds] });
 */
export class GatewayApiCrds extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:kubernetes:GatewayApiCrds";

  /** The release installed. */
  public readonly version: string;
  /** The manifest the CRDs come from. */
  public readonly url: string;

  constructor(name: string, args: GatewayApiCrdsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super(GatewayApiCrds.__pulumiType, name, {}, opts);
    this.version = args.version ?? GATEWAY_API_VERSION;
    this.url = gatewayApiInstallUrl(this.version, args.channel ?? "standard");
    new ConfigFile(name, { file: this.url }, { parent: this, dependsOn: opts?.dependsOn });
    this.registerOutputs({ version: this.version, url: this.url });
  }
}
