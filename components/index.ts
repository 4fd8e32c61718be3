// The package entry: every component and its Args, importable without side effects.
export * from "./proxmox-cluster";
export * from "./talos-bootstrap";
