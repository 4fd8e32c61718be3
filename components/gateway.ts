import * as pulumi from "@pulumi/pulumi";
import type { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { httpsRedirectRoute, sharedGateway } from "../lib/gateway-api";
import type { KubernetesObject } from "../lib/kubernetes";
import { applyObject, dependsOnOf } from "./kubernetes-parts";

export interface GatewayArgs {
  /** Namespace of the Gateway (and of its certificate's Secret). */
  namespace: pulumi.Input<string>;
  /** The Gateway's name. @default the component's name */
  gatewayName?: string;
  /** The lab domain: the HTTPS listener serves `*.<domain>`. */
  domain: string;
  /** Secret in `namespace` holding the wildcard certificate. */
  certificateSecret: string;
  /** Fixed address from the LoadBalancer pool. */
  address: string;
  /** GatewayClass of the controller. @default "cilium" */
  gatewayClassName?: string;
}

/**
 * The lab's shared Gateway: plain HTTP only redirects to HTTPS; HTTPS terminates with the
 * wildcard certificate and takes routes from every namespace; the address is fixed. Depend on the
 * Gateway API CRDs, the controller with its address pool, and the certificate (`dependsOn`).
 *
 * @example
 * const gateway = new Gateway("homelab", {
 *   namespace: "gateway", domain: "lab.example.net", certificateSecret: certs.certificateSecret, address: "10.20.0.200",
 * }, { provider, dependsOn: [...cilium.ready, certs.certificate] });
 */
export class Gateway extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:kubernetes:Gateway";

  public readonly gateway: CustomResource;
  public readonly redirect: CustomResource;
  /** Where routes attach: `parentRefs: [{ name, namespace, sectionName: "https" }]`. */
  public readonly ref: { readonly name: string; readonly namespace: pulumi.Input<string> };
  public readonly objects: readonly KubernetesObject[];

  constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super(Gateway.__pulumiType, name, {}, opts);
    const gatewayName = args.gatewayName ?? name;
    const gateway = sharedGateway({
      name: gatewayName,
      namespace: args.namespace,
      gatewayClassName: args.gatewayClassName ?? "cilium",
      domain: args.domain,
      certificateSecret: args.certificateSecret,
      address: args.address,
    });
    const redirect = httpsRedirectRoute(`${gatewayName}-https-redirect`, { name: gatewayName, namespace: args.namespace });
    this.objects = [gateway, redirect];
    this.ref = { name: gatewayName, namespace: args.namespace };
    this.gateway = applyObject(this, name, gateway, dependsOnOf(opts));
    this.redirect = applyObject(this, `${name}-https-redirect`, redirect, [this.gateway]);
    this.registerOutputs({});
  }
}
