import { parseIpv4, parseIpv4Range, rangeContains } from "./net";
import type { HelmValues, KubernetesObject } from "./kubernetes";

/**
 * Cilium on Talos: the chart values and the load-balancer objects. Values follow Talos's guide
 * for Cilium with kube-proxy disabled (`cluster.proxy.disabled`, `cni: none`).
 */

/** KubePrism: Talos's node-local, highly available Kubernetes API endpoint. */
export const KUBEPRISM = { host: "localhost", port: 7445 } as const;

/**
 * Capabilities of the agent container. Talos does not allow the agent SYS_MODULE (it loads no
 * modules), so the chart's default list is replaced by this one.
 */
export const CILIUM_AGENT_CAPABILITIES = [
  "CHOWN",
  "KILL",
  "NET_ADMIN",
  "NET_RAW",
  "IPC_LOCK",
  "SYS_ADMIN",
  "SYS_RESOURCE",
  "DAC_OVERRIDE",
  "FOWNER",
  "SETGID",
  "SETUID",
] as const;
export const CILIUM_CLEAN_STATE_CAPABILITIES = ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"] as const;

/** What the values depend on. */
export interface CiliumValuesOptions {
  /** Agent and operator API client rate limit (L2 announcements hold a lease per Service). */
  readonly clientRateLimit?: { readonly qps: number; readonly burst: number };
}

/** The chart values this project sets (before the user's `values` are merged over them). */
export function ciliumValues(options: CiliumValuesOptions = {}): HelmValues {
  const rate = options.clientRateLimit ?? { qps: 20, burst: 40 };
  return {
    ipam: { mode: "kubernetes" },
    kubeProxyReplacement: true,
    // Talos mounts cgroup v2 itself; Cilium must not mount another.
    cgroup: { autoMount: { enabled: false }, hostRoot: "/sys/fs/cgroup" },
    securityContext: {
      capabilities: { ciliumAgent: [...CILIUM_AGENT_CAPABILITIES], cleanCiliumState: [...CILIUM_CLEAN_STATE_CAPABILITIES] },
    },
    // Without kube-proxy there is no Service VIP yet: reach the API server through KubePrism.
    k8sServiceHost: KUBEPRISM.host,
    k8sServicePort: KUBEPRISM.port,
    k8sClientRateLimit: { qps: rate.qps, burst: rate.burst },
    l2announcements: { enabled: true },
    // The GatewayClass is created whatever the chart detects at render time: the CRDs are installed first.
    gatewayAPI: { enabled: true, enableAlpn: true, enableAppProtocol: true, gatewayClass: { create: "true" } },
    operator: { rollOutPods: true },
    rollOutCiliumPods: true,
  };
}

/** One block of a pool: a CIDR, or an inclusive range. */
export type LoadBalancerBlock =
  | {
      /** Every address of this IPv4 or IPv6 CIDR, network and broadcast included, e.g. `10.20.0.224/28`. */
      readonly cidr: string;
    }
  | {
      /** The first address of an inclusive range, e.g. `10.20.0.200`. */
      readonly start: string;
      /** The last address of the range (inclusive), e.g. `10.20.0.239`. */
      readonly stop: string;
    };

/**
 * The pool LB-IPAM assigns LoadBalancer addresses from (every Service, no selector). Every address
 * of a CIDR block is allocatable (set rather than left to the default): config already keeps the
 * LAN's network and broadcast addresses out of the pool.
 */
export function loadBalancerIpPool(name: string, blocks: readonly LoadBalancerBlock[]): KubernetesObject {
  return {
    apiVersion: "cilium.io/v2",
    kind: "CiliumLoadBalancerIPPool",
    metadata: { name },
    spec: { blocks: blocks.map((b) => ({ ...b })), allowFirstLastIPs: "Yes" },
  };
}

/** What announces pool addresses over ARP, and where. */
export interface L2PolicyOptions {
  /** Interface name patterns (regular expressions). */
  readonly interfaces: readonly string[];
  /** Labels a node needs to announce; every node when empty. */
  readonly nodeSelector: Readonly<Record<string, string>>;
}

/**
 * Announces every LoadBalancer address over ARP from one node at a time. Control planes are left
 * out unless the node selector says otherwise: they carry the API VIP and no workloads.
 */
export function l2AnnouncementPolicy(name: string, options: L2PolicyOptions): KubernetesObject {
  const selector =
    Object.keys(options.nodeSelector).length > 0
      ? { matchLabels: { ...options.nodeSelector } }
      : { matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" }] };
  return {
    apiVersion: "cilium.io/v2alpha1",
    kind: "CiliumL2AnnouncementPolicy",
    metadata: { name },
    spec: { nodeSelector: selector, interfaces: [...options.interfaces], loadBalancerIPs: true },
  };
}

/** A block as config writes it: `10.0.0.224/28` or `10.0.0.200-10.0.0.220`. */
function blockText(block: LoadBalancerBlock): string {
  return "cidr" in block ? block.cidr : `${block.start}-${block.stop}`;
}

/** What another stack says is taken on the LAN: node name → address, and the API endpoint URL. */
export interface TakenAddresses {
  readonly nodeIps: Readonly<Record<string, string>>;
  /** `https://<vip>:6443` */
  readonly endpoint?: string;
}

/**
 * Addresses of the cluster (as the talos stack reports them) that fall inside the LoadBalancer
 * pool: one line each, naming the node or the endpoint. Config lists the node IPs too, but the
 * cluster's own outputs are the truth once it exists (a node added since, say).
 */
export function poolClashes(pool: readonly LoadBalancerBlock[], taken: TakenAddresses): string[] {
  const ranges = pool.map((b) => ({ text: blockText(b), range: parseIpv4Range(blockText(b)) }));
  const inPool = (ip: string) => {
    const value = parseIpv4(ip);
    return value === undefined ? undefined : ranges.find((r) => r.range && rangeContains(r.range, value))?.text;
  };
  const clashes: string[] = [];
  for (const [node, ip] of Object.entries(taken.nodeIps).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const block = inPool(ip);
    if (block) clashes.push(`node ${node} has ${ip}, inside pool block ${block}`);
  }
  const vip = taken.endpoint === undefined ? undefined : /^https?:\/\/([\d.]+)(:\d+)?/.exec(taken.endpoint)?.[1];
  const vipBlock = vip === undefined ? undefined : inPool(vip);
  if (vip && vipBlock) clashes.push(`the Kubernetes endpoint ${vip} is inside pool block ${vipBlock}`);
  return clashes;
}
