import type * as pulumi from "@pulumi/pulumi";
import type { KubernetesObject } from "./kubernetes";

/** Gateway API objects: the shared Gateway, its HTTP → HTTPS redirect and the routes that attach to it. */

/** The shared Gateway's listeners, by name: routes attach to one with `sectionName`. */
export const LISTENERS = { http: "http", https: "https" } as const;

/** A Gateway, as routes refer to it. */
export interface GatewayRef {
  /** The Gateway's `metadata.name`. */
  readonly name: string;
  /** The Gateway's namespace (an Input: it may come from the Namespace resource that creates it). */
  readonly namespace: pulumi.Input<string>;
}

/** What the shared Gateway needs. */
export interface SharedGatewayOptions {
  readonly name: string;
  readonly namespace: pulumi.Input<string>;
  /** GatewayClass of the controller (Cilium creates `cilium`). */
  readonly gatewayClassName: string;
  /** The lab domain: HTTPS serves `*.<domain>`. */
  readonly domain: string;
  /** Secret (in the Gateway's namespace) holding the wildcard certificate. */
  readonly certificateSecret: string;
  /** Fixed load-balancer address, from the LB-IPAM pool. */
  readonly address: string;
}

/**
 * The shared Gateway. HTTP accepts routes from its own namespace only (the redirect below), so no
 * app can serve plain HTTP by accident; HTTPS terminates with the wildcard certificate and accepts
 * routes from every namespace. The fixed address is the standard `spec.addresses`, which Cilium
 * (1.17 and later) hands to LB-IPAM for the Gateway's Service. Both listeners serve `*.<domain>`,
 * which matches every name under the domain but not the domain itself (Gateway API's
 * Listener.hostname): the apex is not served, and config refuses a name that routes it.
 */
export function sharedGateway(options: SharedGatewayOptions): KubernetesObject {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: options.name, namespace: options.namespace },
    spec: {
      gatewayClassName: options.gatewayClassName,
      addresses: [{ type: "IPAddress", value: options.address }],
      listeners: [
        {
          name: LISTENERS.http,
          protocol: "HTTP",
          port: 80,
          hostname: `*.${options.domain}`,
          allowedRoutes: { namespaces: { from: "Same" } },
        },
        {
          name: LISTENERS.https,
          protocol: "HTTPS",
          port: 443,
          hostname: `*.${options.domain}`,
          tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", group: "", name: options.certificateSecret }] },
          allowedRoutes: { namespaces: { from: "All" } },
        },
      ],
    },
  };
}

/** Redirects every plain-HTTP request on the Gateway to HTTPS (301). */
export function httpsRedirectRoute(name: string, gateway: GatewayRef): KubernetesObject {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name, namespace: gateway.namespace },
    spec: {
      parentRefs: [{ name: gateway.name, namespace: gateway.namespace, sectionName: LISTENERS.http }],
      rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    },
  };
}

/** Routes `hostname` on the Gateway's HTTPS listener to a Service port. */
export function httpsRoute(options: {
  readonly name: string;
  readonly namespace: pulumi.Input<string>;
  readonly hostname: string;
  readonly gateway: GatewayRef;
  readonly service: { readonly name: string; readonly port: number };
}): KubernetesObject {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: options.name, namespace: options.namespace },
    spec: {
      parentRefs: [{ name: options.gateway.name, namespace: options.gateway.namespace, sectionName: LISTENERS.https }],
      hostnames: [options.hostname],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [{ name: options.service.name, port: options.service.port }],
        },
      ],
    },
  };
}
