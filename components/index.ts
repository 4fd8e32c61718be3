// The package entry: every component and its Args, importable without side effects.
export * from "./proxmox-cluster";
export * from "./talos-bootstrap";
export * from "./gateway-api-crds";
export * from "./cilium-install";
export * from "./cluster-addons";
export * from "./cert-manager";
export * from "./gateway";
export * from "./argocd-install";
