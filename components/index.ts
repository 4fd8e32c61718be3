// The package entry: every component and its Args, importable without side effects.
export * from "./proxmox-cluster";
export * from "./talos-bootstrap";
export * from "./gateway-api-crds";
export * from "./cilium-install";
export * from "./cluster-addons";
export * from "./cert-manager";
export * from "./gateway";
export * from "./argocd-install";
export * from "./netbird-peer";
export * from "./edge-server";
export * from "./github-login";
export * from "./forward-auth";
export * from "./oidc-app";
export * from "./service-account";
export * from "./public-service";
// Types the Args and public fields above use, so a caller needs only this entry (test/api checks
// that every one is here).
export type { NodeTaint, TalosDocument, TalosRole } from "../lib/talos";
export type { KubernetesObject, HelmValues, ObjectMeta } from "../lib/kubernetes";
export type { LoadBalancerBlock } from "../lib/cilium";
export type { AppNaming, ArgoCdSso, PodSecurityLevel, RepoCredentials, ResourceExclusion } from "../lib/argocd";
export type { LetsEncryptIssuer } from "../lib/cert-manager";
export type { GatewayRef } from "../lib/gateway-api";
export type { FirewallRule } from "../lib/edge";
export type { EdgeTraefik, ServiceMiddlewares, Upstream } from "../lib/services";
export type { AccessRule } from "../lib/authentik-access";
export type { RedirectMatching } from "../lib/authentik";
export type { Allow, AllowedGroup } from "./authentik-parts";
export type { InstalledRelease } from "./kubernetes-parts";
export type { SshConnection } from "./remote-parts";
