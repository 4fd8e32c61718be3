import * as pulumi from "@pulumi/pulumi";
import type { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { httpsRedirectRoute, sharedGateway } from "../lib/gateway-api";
import { awaitingCondition, type KubernetesObject } from "../lib/kubernetes";
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
  /**
   * How long `pulumi up` waits, in seconds, for the Gateway's `Programmed` condition (the
   * controller has configured it and its address is assigned) after applying it. @default 300
   */
  programmedTimeout?: number;
}

/** Default {@link GatewayArgs.programmedTimeout}, in seconds. */
export const GATEWAY_PROGRAMMED_TIMEOUT = 300;

/**
 * The lab's shared Gateway: plain HTTP only redirects to HTTPS; HTTPS terminates with the
 * wildcard certificate and takes routes from every namespace; the address is fixed. Depend on the
 * Gateway API CRDs, the controller with its address pool, and the certificate (`dependsOn`). The
 * Gateway carries `pulumi.com/waitFor: condition=Programmed`: `pulumi up` waits until the
 * controller reports it programmed (`programmedTimeout`) and fails naming it when it is not.
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { Provider } from "@pulumi/kubernetes/provider";
 * import { CertManager, CiliumInstall, Gateway } from "homelab";
 *
 * const provider = new Provider("lab", { kubeconfig: new pulumi.StackReference("talos").requireOutput("kubeconfig") });
 * const cilium = new CiliumInstall("cilium", { loadBalancerPool: [{ start: "10.20.0.200", stop: "10.20.0.239" }] }, { provider });
 * const certs = new CertManager("cert-manager", {
 *   selfSignedCa: true,
 *   certificate: { domain: "lab.example.net", namespace: "gateway", issuer: "selfsigned" },
 * }, { provider, dependsOn: cilium.ready });
 * const gateway = new Gateway("homelab", {
 *   namespace: "gateway",
 *   domain: "lab.example.net",
 *   certificateSecret: certs.certificateSecret,
 *   address: "10.20.0.200",
 * }, { provider, dependsOn: [...cilium.ready, certs.certificate] });
 * export const gatewayRef = gateway.ref;
 */
export class Gateway extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:kubernetes:Gateway";

  public readonly gateway: CustomResource;
  public readonly redirect: CustomResource;
  /** Where routes attach: `parentRefs: [{ name, namespace, sectionName: "https" }]`. */
  public readonly ref: { readonly name: string; readonly namespace: pulumi.Input<string> };
  public readonly objects: readonly KubernetesObject[];

  constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    const timeout = args.programmedTimeout ?? GATEWAY_PROGRAMMED_TIMEOUT;
    if (!Number.isInteger(timeout) || timeout <= 0) {
      throw new Error(`Gateway ${name}: programmedTimeout must be a positive whole number of seconds, got ${timeout}`);
    }
    super(Gateway.__pulumiType, name, {}, opts);
    const gatewayName = args.gatewayName ?? name;
    const gateway = awaitingCondition(
      sharedGateway({
        name: gatewayName,
        namespace: args.namespace,
        gatewayClassName: args.gatewayClassName ?? "cilium",
        domain: args.domain,
        certificateSecret: args.certificateSecret,
        address: args.address,
      }),
      "Programmed",
      timeout,
    );
    const redirect = httpsRedirectRoute(`${gatewayName}-https-redirect`, { name: gatewayName, namespace: args.namespace });
    this.objects = [gateway, redirect];
    this.ref = { name: gatewayName, namespace: args.namespace };
    this.gateway = applyObject(this, name, gateway, dependsOnOf(opts));
    this.redirect = applyObject(this, `${name}-https-redirect`, redirect, [this.gateway]);
    this.registerOutputs({});
  }
}
