// The package entry: every component and its Args, importable without side effects.
export * from "./proxmox-cluster";
export * from "./talos-bootstrap";
export * from "./gateway-api-crds";
export * from "./cilium-install";
export * from "./cluster-addons";
export * from "./cert-manager";
export * from "./gateway";
export * from "./argocd-install";
// Types the Args above use, so a caller needs only this entry.
export type { NodeTaint, TalosDocument, TalosRole } from "../lib/talos";
export type { KubernetesObject, HelmValues } from "../lib/kubernetes";
export type { LoadBalancerBlock } from "../lib/cilium";
export type { ArgoCdSso, ResourceExclusion } from "../lib/argocd";
export type { GatewayRef } from "../lib/gateway-api";
