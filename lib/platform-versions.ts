/**
 * What the platform stack installs, pinned: chart repositories, chart versions and the Gateway API
 * release. Config may move a version; these are the ones the project plans and checks against
 * (the validator keeps values schemas for the Cilium and cert-manager versions listed as tested).
 */

/** A Helm chart: its repository and the version installed unless config says otherwise. */
export interface ChartPin {
  /** Chart name in the repository. */
  readonly chart: string;
  /** Helm repository URL. */
  readonly repo: string;
  readonly version: string;
}

export const CHARTS = {
  cilium: { chart: "cilium", repo: "https://helm.cilium.io/", version: "1.19.6" },
  certManager: { chart: "cert-manager", repo: "https://charts.jetstack.io", version: "v1.21.1" },
  argocd: { chart: "argo-cd", repo: "https://argoproj.github.io/argo-helm", version: "10.1.1" },
  metricsServer: { chart: "metrics-server", repo: "https://kubernetes-sigs.github.io/metrics-server/", version: "3.13.1" },
} as const satisfies Record<string, ChartPin>;

/** kubelet-serving-cert-approver ships no chart: its release tags carry the install manifest Talos's docs use. */
export const KUBELET_SERVING_CERT_APPROVER_VERSION = "v0.11.0";

/** The approver's standalone install manifest at a release tag. */
export function kubeletServingCertApproverUrl(version: string): string {
  return `https://raw.githubusercontent.com/alex1989hu/kubelet-serving-cert-approver/${version}/deploy/standalone-install.yaml`;
}

/** Cilium minors whose charts this project has checked its values against. */
export const TESTED_CILIUM_MINORS = ["1.18", "1.19", "1.20"] as const;

/**
 * The Gateway API release whose CRDs are installed: the one the pinned Cilium release implements
 * (Cilium 1.19: Gateway API v1.4). Newer releases serve the same `v1` kinds, so the Gateway and
 * routes here are valid in either; move it with Cilium.
 */
export const GATEWAY_API_VERSION = "v1.4.1";

/** The release asset holding every CRD of a channel. */
export function gatewayApiInstallUrl(version: string, channel: "standard" | "experimental"): string {
  return `https://github.com/kubernetes-sigs/gateway-api/releases/download/${version}/${channel}-install.yaml`;
}

/** A chart version: `1.19.6` or `v1.21.1`, optionally with a pre-release (`1.20.0-rc.1`). */
export const CHART_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * Charts whose values artifacts start `# chart: NAME VERSION`, the line the artifact validator
 * picks a values schema by; it rejects that line for charts it does not know, so the others get a
 * plain comment.
 */
const VALIDATED_CHARTS: readonly string[] = ["cilium", "cert-manager", "argo-cd"];

/** Line 1 of a release's values artifact. */
export function valuesHeader(chart: string, version: string): string {
  return VALIDATED_CHARTS.includes(chart) ? `# chart: ${chart} ${version}` : `# values of chart ${chart} ${version}`;
}
