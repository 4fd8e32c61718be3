import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { categoryNameClashes, IN_CLUSTER_SERVER, POD_SECURITY_LEVELS, type RepoCredentials } from "../lib/argocd";
import type { LoadBalancerBlock } from "../lib/cilium";
import {
  formatIpv4,
  hostAddressProblem,
  parseCidr,
  parseIpv4,
  parseIpv4Range,
  rangeContains,
  rangesOverlap,
  type Ipv4Range,
} from "../lib/net";
import {
  CHART_VERSION,
  CHARTS,
  GATEWAY_API_VERSION,
  KUBELET_SERVING_CERT_APPROVER_VERSION,
  TESTED_CILIUM_MINORS,
} from "../lib/platform-versions";
import {
  dnsLabel,
  dnsName,
  email,
  httpsUrl,
  imageReference,
  ipv4,
  ipv4Cidr,
  labelKey,
  labelValue,
  secretString,
  stackReference,
  stackProgramProblem,
} from "./fields";
import { formatKey, type CheckContext, type ConfigSpec } from "./loader";
import { NETBIRD_CLIENT_IMAGE, NETBIRD_CLOUD_MANAGEMENT_URL } from "../lib/netbird";

/**
 * Config of the `platform` program: which cluster, the LAN its load balancer addresses come from,
 * and the pieces installed on it. Keys are `homelab:<section>` in `Pulumi.platform.yaml`.
 */

const chartVersion = (pinned: string) =>
  z
    .string()
    .regex(CHART_VERSION, {
      error: (i) => `must be a chart version like ${pinned} (MAJOR.MINOR.PATCH), got ${JSON.stringify(i.input)}`,
    })
    .default(pinned);

/** A Go regular expression as Cilium takes it (RE2); checked with JavaScript's, which agrees on the common subset. */
const interfacePattern = z.string().refine(
  (v) => {
    try {
      new RegExp(v);
      return true;
    } catch {
      return false;
    }
  },
  { error: (i) => `must be a regular expression like ^eth[0-9]+, got ${JSON.stringify(i.input)}` },
);

const GIT_URL = /^(https:\/\/[^\s/]+\/\S+|ssh:\/\/\S+|[\w.-]+@[\w.-]+:\S+)$/;
const gitUrlError = (input: unknown) =>
  `must be a git URL (https://host/org/repo.git or git@host:org/repo.git), got ${JSON.stringify(input)}`;

/** A git repository URL Argo CD can clone: https://, ssh:// or scp-like `git@host:org/repo.git`. */
const gitUrl = z.string().regex(GIT_URL, { error: (i) => gitUrlError(i.input) });

/** A source repository of the AppProject: a URL, or a URL pattern (`https://github.com/me/*`), never just `*`. */
const sourceRepo = z
  .string()
  .refine((v) => v !== "*", { error: "must name a repository (or a pattern like https://github.com/me/*), not *" })
  .refine((v) => v === "*" || GIT_URL.test(v), { error: (i) => gitUrlError(i.input) });

/** A path inside the repository: relative, no `..`, no leading or trailing slash. */
const repoPath = z.string().regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[^\s]*[^/\s]$/, {
  error: (i) => `must be a path inside the repository like apps (relative, no ..), got ${JSON.stringify(i.input)}`,
});

/** How long `pulumi up` waits for an object's condition: a Go duration (`5m`, `1h30m`, `90s`), not zero. */
const waitTimeout = (pinned: string) =>
  z
    .string()
    .regex(/^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/, {
      error: (i) => `must be a duration like ${pinned} or 1h30m, got ${JSON.stringify(i.input)}`,
    })
    .refine((v) => !/^(0+[hms])+$/.test(v), {
      error: (i) => `${String(i.input)} is zero: pulumi up would give up at once; give a positive duration like ${pinned}`,
    })
    .default(pinned);

const freeValues = z.record(z.string(), z.unknown(), { error: "must be a map of Helm values" }).default({});

const kubernetes = z
  .strictObject({
    stack: stackReference
      .optional()
      .describe(
        "The talos stack whose `kubeconfig` output reaches the cluster (a StackReference). Default `talos`, or `talos-<env>` for a stack `platform-<env>`.",
      ),
    kubeconfig: secretString()
      .optional()
      .describe("A kubeconfig for a cluster this repo did not build, instead of `stack`. Secret."),
    context: z.string().min(1).optional().describe("The kubeconfig context to use; its current context when unset."),
    deleteUnreachable: z
      .boolean()
      .default(true)
      .describe(
        "When the cluster cannot be reached, `pulumi refresh` drops this stack's objects (its Helm releases included) from the state (the Kubernetes provider's `deleteUnreachable`), so a destroyed cluster does not wedge the stack. A refresh while the cluster is only out of reach (VPN down) forgets them too: set false where that can happen. Default true.",
      ),
  })
  .prefault({});

const network = z.strictObject({
  cidr: ipv4Cidr.describe("The LAN the nodes and the load balancer addresses are on, e.g. `10.20.0.0/24`."),
  gateway: ipv4.describe("The LAN's router."),
  vip: ipv4.optional().describe("The Kubernetes API VIP, when the cluster has one."),
  nodeIps: z.array(ipv4).default([]).describe("Every node's address: the load balancer pool must not hand them out."),
});

const cilium = z.strictObject({
  version: chartVersion(CHARTS.cilium.version).describe("Cilium chart version."),
  loadBalancerPool: z
    .array(
      z.string().refine((v) => parseIpv4Range(v) !== undefined, {
        error: (i) =>
          `must be an address range like 10.20.0.200-10.20.0.239 (start ≤ stop), a CIDR or an address, got ${JSON.stringify(i.input)}`,
      }),
    )
    .min(1)
    .describe(
      "Addresses Cilium hands to LoadBalancer Services and Gateways, announced on the LAN (ARP): ranges `10.20.0.200-10.20.0.239`, CIDRs or single addresses, inside the LAN and free of the gateway, the VIP and the nodes.",
    ),
  l2: z
    .strictObject({
      interfaces: z
        .array(interfacePattern)
        .min(1)
        .default(["^e.*"])
        .describe("Interfaces that answer ARP for pool addresses (regular expressions). Default: `^e.*` (the VM's NIC)."),
      nodeSelector: z
        .record(labelKey, labelValue)
        .default({})
        .describe("Nodes that may announce (node labels); every node when empty."),
    })
    .prefault({})
    .describe("Where L2 announcements are made."),
  values: freeValues.describe("Extra Helm values, deep-merged over the ones this project sets (maps merge, lists replace)."),
  protect: z
    .boolean()
    .default(true)
    .describe(
      "Protect the Cilium release (the cluster's network), its pool and L2 policy: `pulumi destroy`, a removal or a replacement fails until this is false and applied. Default true.",
    ),
});

const certManager = z.strictObject({
  version: chartVersion(CHARTS.certManager.version).describe("cert-manager chart version."),
  email: email.optional().describe("ACME account email (Let's Encrypt expiry notices). Needed by the Let's Encrypt issuers."),
  cloudflareApiToken: secretString()
    .optional()
    .describe("Cloudflare API token with Zone:DNS:Edit and Zone:Zone:Read on the lab's zone, for DNS-01. Secret."),
  issuer: z
    .enum(["letsencrypt-production", "letsencrypt-staging", "selfsigned"])
    .default("letsencrypt-production")
    .describe("The issuer of the wildcard certificate. Default `letsencrypt-production`."),
  selfSignedCa: z
    .boolean()
    .default(false)
    .describe("Also create a self-signed CA and its ClusterIssuer (always when `issuer` is `selfsigned`). Default false."),
  readyTimeout: z
    .strictObject({
      issuers: waitTimeout("5m").describe(
        "How long `pulumi up` waits for each ClusterIssuer (and the self-signed CA's certificate) to be Ready. Default `5m`.",
      ),
      certificate: waitTimeout("15m").describe(
        "How long `pulumi up` waits for the wildcard certificate to be Ready (issued: a DNS-01 order with Let's Encrypt). Default `15m`.",
      ),
    })
    .prefault({})
    .describe("How long `pulumi up` waits for cert-manager's objects to be Ready; past that it fails naming the object."),
  values: freeValues.describe("Extra Helm values, deep-merged last."),
});

const gateway = z.strictObject({
  name: dnsLabel.default("homelab").describe("The Gateway's name. Default `homelab`."),
  namespace: dnsLabel.default("gateway").describe("Namespace of the Gateway and its certificate. Default `gateway`."),
  address: ipv4.describe("The Gateway's fixed address, from `homelab:cilium.loadBalancerPool`."),
  programmedTimeout: waitTimeout("5m").describe(
    "How long `pulumi up` waits for the Gateway to be Programmed (its controller configured it; not while its address is unassigned); past that it fails naming the Gateway. Default `5m`.",
  ),
  crds: z
    .strictObject({
      version: z
        .string()
        .regex(/^v\d+\.\d+\.\d+$/, {
          error: (i) => `must be a Gateway API release like ${GATEWAY_API_VERSION}, got ${JSON.stringify(i.input)}`,
        })
        .default(GATEWAY_API_VERSION)
        .describe("Gateway API release. Default: the one the pinned Cilium implements."),
      channel: z
        .enum(["standard", "experimental"])
        .default("standard")
        .describe("`experimental` adds the alpha kinds (TCPRoute, UDPRoute, ...). Default `standard`."),
      protect: z
        .boolean()
        .default(true)
        .describe(
          "Protect the CRDs (deleting one deletes every Gateway and route of its kind, the apps' included): `pulumi destroy`, a removal or a replacement fails until this is false and applied. Default true.",
        ),
    })
    .prefault({})
    .describe("The Gateway API CRDs installed."),
});

/** A kind as an AppProject list names it: `group/Kind`, `Kind` for the core group, `*` for any. */
const projectKind = z.string().regex(/^([a-z0-9.-]+\/|\*\/)?([A-Z][A-Za-z0-9]*|\*)$/, {
  error: (i) => `must be a kind like Namespace or rbac.authorization.k8s.io/ClusterRole, got ${JSON.stringify(i.input)}`,
});

const podSecurityLevel = z.enum(POD_SECURITY_LEVELS);

const project = z
  .strictObject({
    name: dnsLabel.default("homelab").describe("AppProject name. Default `homelab`."),
    sourceRepos: z
      .array(sourceRepo)
      .min(1)
      .optional()
      .describe("Repositories apps may come from. Default: the apps repository only."),
    destinations: z
      .array(z.strictObject({ server: z.string().min(1).default(IN_CLUSTER_SERVER), namespace: z.string().min(1) }))
      .min(1)
      .default([{ server: IN_CLUSTER_SERVER, namespace: "*" }])
      .describe("Where apps may deploy. Default: any namespace of this cluster."),
    clusterResources: z
      .array(projectKind)
      .default(["Namespace"])
      .describe(
        "Cluster-scoped kinds apps may create (`group/Kind`, `Kind` for the core group, `*` any): Argo CD refuses to sync any other. Monitoring and storage apps need more (`apiextensions.k8s.io/CustomResourceDefinition`, `rbac.authorization.k8s.io/ClusterRole`, `rbac.authorization.k8s.io/ClusterRoleBinding`, `admissionregistration.k8s.io/*`, `storage.k8s.io/StorageClass`, ...). Default: Namespace only.",
      ),
    namespaceResources: z
      .array(projectKind)
      .min(1, { error: "must list at least one kind: leave it out to allow every kind (Argo CD reads an empty list as none)" })
      .optional()
      .describe("Namespaced kinds apps may create, as `clusterResources`. Default: every kind."),
  })
  .prefault({});

const argocd = z.strictObject({
  version: chartVersion(CHARTS.argocd.version).describe("argo-cd chart version."),
  hostname: dnsName.optional().describe("Host name of the UI, under `homelab:domain`. Default `argocd.<domain>`."),
  repo: z
    .strictObject({
      url: gitUrl,
      revision: z.string().min(1).default("HEAD").describe("Branch, tag or commit. Default `HEAD`."),
      path: repoPath.default("apps").describe("Directory of the apps: `<path>/<category>/<app>`. Default `apps`."),
      credentials: z
        .strictObject({
          token: secretString()
            .optional()
            .describe("An access token for an https:// repository (basic auth's password). Secret."),
          username: z
            .string()
            .min(1)
            .optional()
            .describe(
              "The user name sent with `token`. Default `git`: GitHub and GitLab take any non-empty name with a token; some hosts want the account's.",
            ),
          sshPrivateKey: secretString({
            format: /^-----BEGIN [A-Z ]*PRIVATE KEY-----/,
            formatName: "a PEM or OpenSSH private key",
          })
            .optional()
            .describe("A private key (a read-only deploy key) for an ssh:// or git@ repository. Secret."),
        })
        .optional()
        .describe(
          "For a private repository: `token` (https) or `sshPrivateKey` (ssh), kept in Argo CD's repository Secret `argocd-repo-apps`. Default: none (a public repository).",
        ),
    })
    .describe("The git repository Argo CD deploys the lab's apps from."),
  applicationSets: z
    .enum(["per-category", "single"])
    .default("per-category")
    .describe(
      "`per-category`: one ApplicationSet per entry of `categories` over `<path>/<category>/*`; `single`: one over `<path>/*\\/*`. Default `per-category`.",
    ),
  categories: z
    .array(dnsLabel)
    .default([])
    .describe(
      "Category directories (`per-category`). Applications are named `<category>-<app>`, so no category may be another's name plus `-...` (their apps could meet).",
    ),
  podSecurity: z
    .strictObject({
      default: podSecurityLevel.default("baseline").describe("Default `baseline` (what Talos enforces cluster-wide)."),
      categories: z
        .record(dnsLabel, podSecurityLevel)
        .default({})
        .describe("A category's own level, e.g. `monitoring: privileged` (node exporters read the host). Default: none."),
    })
    .prefault({})
    .describe(
      "The Pod Security level (`pod-security.kubernetes.io/enforce`: privileged, baseline, restricted) of the namespaces Argo CD creates for each category's apps.",
    ),
  selfHeal: z.boolean().default(false).describe("Revert changes made in the cluster by hand. Default false."),
  project,
  selfManage: z
    .strictObject({ path: repoPath })
    .optional()
    .describe("Let Argo CD manage its own install from this directory of the repository afterwards."),
  sso: z
    .strictObject({
      name: z.string().min(1).default("SSO").describe("Name on the login button. Default `SSO`."),
      issuer: z
        .string()
        .regex(/^https:\/\/\S+$/, { error: (i) => `must be an https:// URL, got ${JSON.stringify(i.input)}` })
        .describe("Issuer URL."),
      clientId: z.string().min(1),
      clientSecret: secretString().describe("Secret."),
      scopes: z
        .array(z.string().min(1))
        .default(["openid", "profile", "email"])
        .describe(
          "Default `openid profile email`: Authentik's profile scope carries the `groups` claim (the authentik stack has no `groups` scope).",
        ),
      adminGroups: z.array(z.string().min(1)).default([]).describe("Groups (the `groups` claim) that get Argo CD's admin role."),
    })
    .optional()
    .describe("Single sign-on (OIDC, e.g. Authentik); the local admin is disabled when set."),
  extraResourceExclusions: z
    .array(
      z.strictObject({
        apiGroups: z.array(z.string()).min(1),
        kinds: z.array(z.string().min(1)).min(1),
        clusters: z.array(z.string().min(1)).optional(),
      }),
    )
    .default([])
    .describe("Kinds Argo CD should also ignore, appended to the platform's exclusions."),
  values: freeValues.describe("Extra Helm values, deep-merged last."),
});

const addons = z
  .strictObject({
    kubeletServingCertApprover: z
      .strictObject({
        enabled: z.boolean().default(true),
        version: z
          .string()
          .regex(/^v\d+\.\d+\.\d+$/, {
            error: (i) => `must be a release tag like ${KUBELET_SERVING_CERT_APPROVER_VERSION}, got ${JSON.stringify(i.input)}`,
          })
          .default(KUBELET_SERVING_CERT_APPROVER_VERSION)
          .describe("A release tag of alex1989hu/kubelet-serving-cert-approver (it ships no chart)."),
      })
      .prefault({})
      .describe("Approves the kubelets' serving-certificate requests (Talos `rotate-server-certificates`)."),
    metricsServer: z
      .strictObject({ enabled: z.boolean().default(true), version: chartVersion(CHARTS.metricsServer.version) })
      .prefault({})
      .describe("`kubectl top` and the HorizontalPodAutoscaler."),
  })
  .prefault({});

const netbird = z.strictObject({
  setupKey: secretString({ format: /^\S+$/, formatName: "a NetBird setup key: one line without spaces" }).describe(
    "A NetBird setup key for the routing peers (secret): reusable, ideally ephemeral, auto-assigning the group the LAN's network route goes through.",
  ),
  managementUrl: httpsUrl
    .default(NETBIRD_CLOUD_MANAGEMENT_URL)
    .describe(
      "NetBird's management service: the one the edge's client uses (`homelab:netbird.managementUrl` of the hetzner stack).",
    ),
  namespace: dnsLabel
    .default("netbird")
    .describe("The routing peers' own namespace, labelled privileged for Pod Security (NET_ADMIN). Default `netbird`."),
  replicas: z
    .number()
    .int()
    .min(1)
    .default(2)
    .describe("Routing peers (pods), spread over nodes where they can be; the edge fails over between them. Default 2."),
  image: imageReference(NETBIRD_CLIENT_IMAGE).describe("The NetBird client image. Default: the release the edge runs."),
});

/** The zod schema of each `homelab:` key of the platform program. */
export const platformSections = {
  kubernetes: kubernetes.describe("The cluster: a talos stack's kubeconfig output, or a kubeconfig."),
  network: network.describe("The LAN, and the addresses the LoadBalancer pool must leave alone."),
  domain: dnsName.describe("The lab's domain: the Gateway serves *.<domain> with a wildcard certificate."),
  cilium: cilium.describe("Cilium: chart version, LoadBalancer pool, L2 announcements, extra values."),
  certManager: certManager.prefault({}).describe("cert-manager: issuers and the wildcard certificate."),
  gateway: gateway.describe("The shared Gateway and the Gateway API CRDs."),
  argocd: argocd.describe("Argo CD: the UI, the apps repository, AppProject and ApplicationSets, SSO."),
  addons: addons.describe("kubelet-serving-cert-approver and metrics-server."),
  netbird: netbird.optional().describe("NetBird routing peers: the LAN side of the edge's tunnel. Off unless set."),
};

type Sections = typeof platformSections;
type Parsed = { [K in keyof Sections]: z.output<Sections[K]> };

/** The platform program's validated config. */
export interface PlatformConfig {
  /** `kubeconfig` when given, else `stack` (unset: the program's sibling talos stack). */
  readonly kubernetes: {
    readonly stack?: string;
    readonly kubeconfig?: pulumi.Output<string>;
    readonly context?: string;
    readonly deleteUnreachable: boolean;
  };
  readonly domain: string;
  readonly network: Parsed["network"];
  readonly cilium: Omit<Parsed["cilium"], "loadBalancerPool"> & { readonly loadBalancerPool: readonly LoadBalancerBlock[] };
  readonly certManager: Parsed["certManager"];
  readonly gateway: Parsed["gateway"];
  readonly argocd: Omit<Parsed["argocd"], "hostname" | "project" | "repo"> & {
    readonly hostname: string;
    readonly repo: Omit<Parsed["argocd"]["repo"], "credentials"> & { readonly credentials?: RepoCredentials };
    readonly project: Omit<Parsed["argocd"]["project"], "sourceRepos"> & { readonly sourceRepos: readonly string[] };
  };
  readonly addons: Parsed["addons"];
  /** Off when unset. */
  readonly netbird?: Parsed["netbird"];
}

export const platformConfigSpec: ConfigSpec<Sections, PlatformConfig> = {
  sections: platformSections,
  check(ctx) {
    checkKubernetes(ctx);
    checkNetwork(ctx);
    checkPool(ctx);
    checkCertManager(ctx);
    checkArgocd(ctx);
    checkVersions(ctx);
    checkNetbird(ctx);
  },
  resolve(parsed) {
    return {
      kubernetes: parsed.kubernetes,
      domain: parsed.domain,
      network: parsed.network,
      cilium: { ...parsed.cilium, loadBalancerPool: parsed.cilium.loadBalancerPool.map(poolBlock) },
      certManager: parsed.certManager,
      gateway: parsed.gateway,
      argocd: {
        ...parsed.argocd,
        hostname: parsed.argocd.hostname ?? `argocd.${parsed.domain}`,
        repo: repoWithCredentials(parsed.argocd.repo),
        project: { ...parsed.argocd.project, sourceRepos: parsed.argocd.project.sourceRepos ?? [parsed.argocd.repo.url] },
      },
      addons: parsed.addons,
      ...(parsed.netbird ? { netbird: parsed.netbird } : {}),
    };
  },
};

/** The repository with its credentials as Argo CD's repository Secret takes them (the checks ran). */
function repoWithCredentials(repo: Parsed["argocd"]["repo"]): PlatformConfig["argocd"]["repo"] {
  const { credentials: c, ...rest } = repo;
  if (c?.token) return { ...rest, credentials: { username: c.username ?? "git", token: c.token } };
  if (c?.sshPrivateKey) return { ...rest, credentials: { sshPrivateKey: c.sshPrivateKey } };
  return rest;
}

function poolBlock(text: string): LoadBalancerBlock {
  const range = parseIpv4Range(text)!;
  return range.cidr ? { cidr: range.cidr.text } : { start: formatIpv4(range.start), stop: formatIpv4(range.stop) };
}

type Ctx = CheckContext<Sections>;

function checkKubernetes(ctx: Ctx): void {
  const k = ctx.valid.kubernetes ?? {};
  if (ctx.given(["kubernetes", "stack"]) && ctx.given(["kubernetes", "kubeconfig"])) {
    ctx.report(["kubernetes"], "set stack (a talos stack's kubeconfig output) or kubeconfig, not both");
  }
  const problem = k.stack === undefined ? undefined : stackProgramProblem(k.stack, "talos", "kubeconfig output");
  if (problem) ctx.report(["kubernetes", "stack"], problem);
}

function checkNetwork(ctx: Ctx): void {
  const net = ctx.valid.network;
  const cidr = net?.cidr === undefined ? undefined : parseCidr(net.cidr);
  if (!net) return;
  // Without a valid LAN only its own checks skip: the addresses are still compared with each other.
  const inLan = (path: (string | number)[], ip: string | undefined) => {
    const problem = ip === undefined || !cidr ? undefined : hostAddressProblem(cidr, parseIpv4(ip)!);
    if (problem) ctx.report(path, `${ip} ${problem}`);
  };
  inLan(["network", "gateway"], net.gateway);
  inLan(["network", "vip"], net.vip);
  if (net.vip !== undefined && net.vip === net.gateway) {
    ctx.report(
      ["network", "vip"],
      `${net.vip} is the LAN's router (homelab:network.gateway): the Kubernetes API VIP is an address of the control planes; give it a free one`,
    );
  }
  const seen = new Map<string, number>();
  net.nodeIps?.forEach((ip, i) => {
    inLan(["network", "nodeIps", i], ip);
    if (ip === undefined) return;
    const first = seen.get(ip);
    if (first !== undefined) ctx.report(["network", "nodeIps", i], `${ip} is listed twice (also nodeIps[${first}])`);
    else seen.set(ip, i);
  });
}

/** Addresses the pool must leave alone, with the key that names each. */
function takenAddresses(ctx: Ctx): { ip: number; text: string; key: string }[] {
  const net = ctx.valid.network ?? {};
  const taken: { ip: number; text: string; key: string }[] = [];
  const add = (ip: string | undefined, path: (string | number)[]) => {
    if (ip !== undefined) taken.push({ ip: parseIpv4(ip)!, text: ip, key: formatKey(path) });
  };
  add(net.gateway, ["network", "gateway"]);
  add(net.vip, ["network", "vip"]);
  net.nodeIps?.forEach((ip, i) => add(ip, ["network", "nodeIps", i]));
  return taken;
}

function checkPool(ctx: Ctx): void {
  const pool = ctx.valid.cilium?.loadBalancerPool ?? [];
  const lanText = ctx.valid.network?.cidr;
  const lan = lanText === undefined ? undefined : parseCidr(lanText);
  const taken = takenAddresses(ctx);
  const blocks: (Ipv4Range | undefined)[] = pool.map((text) => (text === undefined ? undefined : parseIpv4Range(text)));
  blocks.forEach((block, i) => {
    if (!block) return;
    const path = ["cilium", "loadBalancerPool", i];
    if (lan) {
      const ends = [block.start, block.stop].map((ip) => ({ ip, problem: hostAddressProblem(lan, ip) }));
      const outside = ends.find((e) => e.problem);
      if (outside) ctx.report(path, `${block.text}: ${formatIpv4(outside.ip)} ${outside.problem!}`);
    }
    for (const t of taken) {
      if (rangeContains(block, t.ip)) ctx.report(path, `${block.text} includes ${t.text} (${t.key})`);
    }
    blocks.slice(0, i).forEach((other, j) => {
      if (other && rangesOverlap(block, other)) ctx.report(path, `${block.text} overlaps loadBalancerPool[${j}] (${other.text})`);
    });
  });
  const address = ctx.valid.gateway?.address;
  if (address !== undefined && !ctx.invalid(["cilium", "loadBalancerPool"]) && ctx.valid.cilium?.loadBalancerPool) {
    const ip = parseIpv4(address)!;
    if (!blocks.some((b) => b && rangeContains(b, ip))) {
      ctx.report(
        ["gateway", "address"],
        `${address} is not in ${formatKey(["cilium", "loadBalancerPool"])}, which Cilium assigns from`,
      );
    }
  }
}

function checkCertManager(ctx: Ctx): void {
  const cm = ctx.valid.certManager;
  if (!cm?.issuer?.startsWith("letsencrypt")) return;
  if (!ctx.given(["certManager", "email"])) {
    ctx.report(["certManager", "email"], `is required for the ${cm.issuer} issuer (the ACME account's contact)`);
  }
  if (!ctx.given(["certManager", "cloudflareApiToken"])) {
    ctx.report(
      ["certManager", "cloudflareApiToken"],
      `is required for the ${cm.issuer} issuer (DNS-01 through Cloudflare); set it with pulumi config set --secret --path 'homelab:certManager.cloudflareApiToken' ..., or use issuer: selfsigned`,
    );
  }
}

function checkArgocd(ctx: Ctx): void {
  const argo = ctx.valid.argocd;
  if (!argo) return;
  if (argo.applicationSets === "per-category" && argo.categories?.length === 0) {
    ctx.report(
      ["argocd", "categories"],
      "per-category ApplicationSets need the category directories (e.g. [infra, media]), or set applicationSets: single",
    );
  }
  const seen = new Set<string>();
  argo.categories?.forEach((c, i) => {
    if (c === undefined) return;
    if (seen.has(c)) ctx.report(["argocd", "categories", i], `${c} is listed twice`);
    seen.add(c);
  });
  const domain = ctx.valid.domain;
  if (argo.hostname !== undefined && argo.hostname === domain) {
    ctx.report(
      ["argocd", "hostname"],
      `${argo.hostname} is the lab domain itself, which the Gateway does not serve (its listeners and wildcard certificate cover *.${domain}, not the apex); use a name under it like argocd.${domain}`,
    );
  } else if (
    argo.hostname !== undefined &&
    domain !== undefined &&
    argo.hostname.slice(argo.hostname.indexOf(".") + 1) !== domain
  ) {
    ctx.report(
      ["argocd", "hostname"],
      `${argo.hostname} is not directly under ${domain}: the Gateway's HTTPS listener and wildcard certificate cover *.${domain} only`,
    );
  }
  argo.project?.destinations?.forEach((d, i) => {
    if (d?.server === "*") ctx.report(["argocd", "project", "destinations", i, "server"], "must name a cluster, not *");
  });
  checkArgocdApps(ctx);
  checkRepoCredentials(ctx);
}

/** Per category: names that cannot meet, pod-security levels of categories that exist. */
function checkArgocdApps(ctx: Ctx): void {
  const argo = ctx.valid.argocd;
  if (argo?.applicationSets !== "per-category" || !argo.categories || ctx.invalid(["argocd", "categories"])) return;
  const categories = argo.categories.filter((c): c is string => c !== undefined);
  for (const clash of categoryNameClashes(categories)) ctx.report(["argocd", "categories", clash.index], clash.problem);
  for (const category of Object.keys(argo.podSecurity?.categories ?? {})) {
    if (!categories.includes(category)) {
      ctx.report(
        ["argocd", "podSecurity", "categories", category],
        `${category} is not one of ${formatKey(["argocd", "categories"])} (${categories.join(", ")})`,
      );
    }
  }
}

/** Credentials of one kind, the kind the repository URL takes. */
function checkRepoCredentials(ctx: Ctx): void {
  const at = (key: string) => ["argocd", "repo", "credentials", key];
  if (!ctx.given(["argocd", "repo", "credentials"])) return;
  const [token, key, username] = [ctx.given(at("token")), ctx.given(at("sshPrivateKey")), ctx.given(at("username"))];
  if (!token && !key) {
    ctx.report(["argocd", "repo", "credentials"], "set token (an https:// repository) or sshPrivateKey (ssh)");
    return;
  }
  if (token && key) ctx.report(["argocd", "repo", "credentials"], "set token or sshPrivateKey, not both");
  if (username && !token) ctx.report(at("username"), "goes with token (https); an SSH key needs none");
  const url = ctx.valid.argocd?.repo?.url;
  if (url === undefined) return;
  const https = url.startsWith("https://");
  if (token && !https) {
    ctx.report(at("token"), `authenticates an https:// repository; ${url} is reached over SSH: set sshPrivateKey instead`);
  }
  if (key && https) {
    ctx.report(
      at("sshPrivateKey"),
      `authenticates an ssh:// or git@ repository; ${url} is reached over https: set token instead`,
    );
  }
}

function checkVersions(ctx: Ctx): void {
  const version = ctx.valid.cilium?.version;
  if (version === undefined) return;
  const minor = /^v?(\d+\.\d+)\./.exec(version)?.[1];
  if (minor && !(TESTED_CILIUM_MINORS as readonly string[]).includes(minor)) {
    ctx.warn(
      ["cilium", "version"],
      `Cilium ${minor} is not one this project's values are checked against (${TESTED_CILIUM_MINORS.join(", ")})`,
    );
  }
}

/** Namespaces the platform's releases or Kubernetes itself own, and whose they are. */
const TAKEN_NAMESPACES: Readonly<Record<string, string>> = {
  default: "Kubernetes' own",
  "kube-system": "Kubernetes' own (Cilium and metrics-server are installed there)",
  "kube-public": "Kubernetes' own",
  "kube-node-lease": "Kubernetes' own",
  "cert-manager": "cert-manager's",
  argocd: "Argo CD's",
  "kubelet-serving-cert-approver": "kubelet-serving-cert-approver's",
};

function checkNetbird(ctx: Ctx): void {
  const namespace = ctx.valid.netbird?.namespace;
  if (namespace === undefined) return;
  const owner =
    namespace === ctx.valid.gateway?.namespace
      ? `the Gateway's (${formatKey(["gateway", "namespace"])})`
      : TAKEN_NAMESPACES[namespace];
  if (owner) {
    ctx.report(
      ["netbird", "namespace"],
      `${namespace} is ${owner} namespace; the routing peers need one of their own, which this stack creates and labels privileged for Pod Security`,
    );
  }
}
