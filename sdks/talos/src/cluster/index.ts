export * from "./kubeconfig";
export * from "./getHealth";
