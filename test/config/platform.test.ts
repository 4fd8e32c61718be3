import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig, rawConfig } from "../../config/loader";
import { platformConfigSpec } from "../../config/platform";
import { IN_CLUSTER_SERVER } from "../../lib/argocd";
import { CHARTS } from "../../lib/platform-versions";
import { smallPlatform } from "../helpers/fixtures";

function load(edit: (c: Record<string, any>) => void = () => undefined, secretKeys: string[] = []) {
  const config = smallPlatform();
  edit(config);
  return loadConfig("platform", platformConfigSpec, rawConfig(config, secretKeys));
}

/** The problems `edit` causes, as `key: message` lines. */
function problems(edit: (c: Record<string, any>) => void): string[] {
  try {
    load(edit);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.key}: ${p.message}`);
    throw error;
  }
  throw new Error("the config was accepted");
}

describe("platform config", () => {
  test("Argo CD SSO asks for openid, profile and email by default: Authentik's profile scope carries the groups claim", () => {
    const { config } = load((c) => {
      c.argocd.sso = { issuer: "https://auth.example.net/application/o/argocd/", clientId: "argocd", clientSecret: "s" };
    });
    expect(config.argocd.sso?.scopes).toEqual(["openid", "profile", "email"]);
  });

  test("defaults: pinned charts, the sibling talos stack, argocd.<domain>, the repo as only source", () => {
    const { config, warnings } = load();
    expect(warnings).toEqual([]);
    expect(config.kubernetes).toEqual({ deleteUnreachable: true });
    expect(config.cilium).toEqual({
      version: CHARTS.cilium.version,
      loadBalancerPool: [{ start: "10.0.0.200", stop: "10.0.0.220" }],
      l2: { interfaces: ["^e.*"], nodeSelector: {} },
      values: {},
      protect: true,
    });
    expect(config.certManager).toEqual({
      version: "v1.21.1",
      issuer: "selfsigned",
      selfSignedCa: false,
      readyTimeout: { issuers: "5m", certificate: "15m" },
      values: {},
    });
    expect(config.gateway).toEqual({
      name: "homelab",
      namespace: "gateway",
      address: "10.0.0.200",
      programmedTimeout: "5m",
      crds: { version: "v1.4.1", channel: "standard", protect: true },
    });
    expect(config.argocd).toEqual({
      version: CHARTS.argocd.version,
      hostname: "argocd.lab.example.net",
      repo: { url: "https://github.com/me/apps.git", revision: "HEAD", path: "apps" },
      applicationSets: "single",
      categories: [],
      podSecurity: { default: "baseline", categories: {} },
      selfHeal: false,
      project: {
        name: "homelab",
        sourceRepos: ["https://github.com/me/apps.git"],
        destinations: [{ server: IN_CLUSTER_SERVER, namespace: "*" }],
        clusterResources: ["Namespace"],
      },
      extraResourceExclusions: [],
      values: {},
    });
    expect(config.addons).toEqual({
      kubeletServingCertApprover: { enabled: true, version: "v0.11.0" },
      metricsServer: { enabled: true, version: CHARTS.metricsServer.version },
    });
  });

  test("pool blocks: ranges, CIDRs and single addresses", () => {
    const { config } = load((c) => (c.cilium.loadBalancerPool = ["10.0.0.224/28", "10.0.0.200", " 10.0.0.201 - 10.0.0.203 "]));
    expect(config.cilium.loadBalancerPool).toEqual([
      { cidr: "10.0.0.224/28" },
      { start: "10.0.0.200", stop: "10.0.0.200" },
      { start: "10.0.0.201", stop: "10.0.0.203" },
    ]);
  });

  test("the pool must be inside the LAN, clear of the gateway, the VIP and the nodes, and not overlap itself", () => {
    expect(
      problems((c) => {
        c.cilium.loadBalancerPool = [
          "10.0.0.5-10.0.0.15",
          "10.1.0.0/28",
          "10.0.0.250-10.0.0.255",
          "10.0.0.12",
          "10.0.0.30-10.0.0.20",
          "10.0.0.1-10.0.0.2",
        ];
        c.gateway.address = "10.0.0.100";
      }),
    ).toEqual([
      "homelab:cilium.loadBalancerPool[0]: 10.0.0.5-10.0.0.15 includes 10.0.0.10 (homelab:network.vip)",
      "homelab:cilium.loadBalancerPool[0]: 10.0.0.5-10.0.0.15 includes 10.0.0.11 (homelab:network.nodeIps[0])",
      "homelab:cilium.loadBalancerPool[1]: 10.1.0.0/28: 10.1.0.0 is outside the LAN CIDR 10.0.0.0/24",
      "homelab:cilium.loadBalancerPool[2]: 10.0.0.250-10.0.0.255: 10.0.0.255 is the broadcast address of 10.0.0.0/24",
      "homelab:cilium.loadBalancerPool[3]: 10.0.0.12 overlaps loadBalancerPool[0] (10.0.0.5-10.0.0.15)",
      'homelab:cilium.loadBalancerPool[4]: must be an address range like 10.20.0.200-10.20.0.239 (start ≤ stop), a CIDR or an address, got "10.0.0.30-10.0.0.20"',
      "homelab:cilium.loadBalancerPool[5]: 10.0.0.1-10.0.0.2 includes 10.0.0.1 (homelab:network.gateway)",
      "homelab:gateway.address: 10.0.0.100 is not in homelab:cilium.loadBalancerPool, which Cilium assigns from",
    ]);
  });

  test("network addresses must be usable hosts of the LAN, node IPs listed once", () => {
    expect(
      problems((c) => {
        c.network.gateway = "10.0.1.1";
        c.network.nodeIps = ["10.0.0.11", "10.0.0.0", "10.0.0.11"];
      }),
    ).toEqual([
      "homelab:network.gateway: 10.0.1.1 is outside the LAN CIDR 10.0.0.0/24",
      "homelab:network.nodeIps[1]: 10.0.0.0 is the network address of 10.0.0.0/24",
      "homelab:network.nodeIps[2]: 10.0.0.11 is listed twice (also nodeIps[0])",
    ]);
  });

  test("chart versions must be MAJOR.MINOR.PATCH; an untested Cilium minor is a warning", () => {
    expect(
      problems((c) => {
        c.cilium.version = "1.19";
        c.certManager.version = "latest";
        c.argocd.version = "v10";
        c.addons = { metricsServer: { version: "3.13" }, kubeletServingCertApprover: { version: "0.11.0" } };
        c.gateway.crds = { version: "1.4", channel: "beta" };
      }),
    ).toEqual([
      'homelab:cilium.version: must be a chart version like 1.19.6 (MAJOR.MINOR.PATCH), got "1.19"',
      'homelab:certManager.version: must be a chart version like v1.21.1 (MAJOR.MINOR.PATCH), got "latest"',
      'homelab:gateway.crds.version: must be a Gateway API release like v1.4.1, got "1.4"',
      'homelab:gateway.crds.channel: must be one of "standard", "experimental", got "beta"',
      'homelab:argocd.version: must be a chart version like 10.1.1 (MAJOR.MINOR.PATCH), got "v10"',
      'homelab:addons.kubeletServingCertApprover.version: must be a release tag like v0.11.0, got "0.11.0"',
      'homelab:addons.metricsServer.version: must be a chart version like 3.13.1 (MAJOR.MINOR.PATCH), got "3.13"',
    ]);
    expect(load((c) => (c.cilium.version = "1.21.0")).warnings).toEqual([
      "homelab:cilium.version: Cilium 1.21 is not one this project's values are checked against (1.18, 1.19, 1.20)",
    ]);
  });

  test("unknown keys, with a suggestion", () => {
    expect(
      problems((c) => {
        c.cilium.loadBalancerPol = [];
        c.argocd.selfheal = true;
        c.certmanager = {};
      }),
    ).toEqual([
      'homelab:certmanager: unknown key (did you mean "certManager"?)',
      'homelab:cilium.loadBalancerPol: unknown key (did you mean "loadBalancerPool"?)',
      'homelab:argocd.selfheal: unknown key (did you mean "selfHeal"?)',
    ]);
  });

  test("the StackReference must name a talos stack; stack and kubeconfig exclude each other", () => {
    expect(problems((c) => (c.kubernetes = { stack: "platform-dev" }))).toEqual([
      'homelab:kubernetes.stack: "platform-dev" is a stack of the platform program; name a talos stack (talos or talos-<env>), whose kubeconfig output this stack reads',
    ]);
    expect(problems((c) => (c.kubernetes = { stack: "me/homelab/Talos" }))).toEqual([
      'homelab:kubernetes.stack: "Talos" is not a stack name of this project; name a talos stack (talos or talos-<env>), whose kubeconfig output this stack reads',
    ]);
    expect(problems((c) => (c.kubernetes = { stack: "talos", kubeconfig: "apiVersion: v1" }))).toEqual([
      "homelab:kubernetes: set stack (a talos stack's kubeconfig output) or kubeconfig, not both",
    ]);
    expect(load((c) => (c.kubernetes = { stack: "me/homelab/talos-lab2" })).config.kubernetes).toEqual({
      stack: "me/homelab/talos-lab2",
      deleteUnreachable: true,
    });
  });

  test("a kubeconfig from config is a secret, whatever way it was stored", () => {
    const { config, warnings } = load((c) => (c.kubernetes = { kubeconfig: "apiVersion: v1" }));
    expect(pulumi.Output.isInstance(config.kubernetes.kubeconfig)).toBe(true);
    expect(warnings).toEqual([
      "homelab:kubernetes.kubeconfig is stored in plain text; encrypt it with `pulumi config set --secret --path 'homelab:kubernetes.kubeconfig' ...`",
    ]);
  });

  test("Let's Encrypt issuers need the ACME email and the Cloudflare token", () => {
    expect(problems((c) => (c.certManager = { issuer: "letsencrypt-staging" }))).toEqual([
      "homelab:certManager.email: is required for the letsencrypt-staging issuer (the ACME account's contact)",
      "homelab:certManager.cloudflareApiToken: is required for the letsencrypt-staging issuer (DNS-01 through Cloudflare); set it with pulumi config set --secret --path 'homelab:certManager.cloudflareApiToken' ..., or use issuer: selfsigned",
    ]);
    expect(problems((c) => (c.certManager = { email: "nope", cloudflareApiToken: "t" }))).toEqual([
      'homelab:certManager.email: must be an email address, got "nope"',
    ]);
  });

  test("Argo CD: categories for per-category sets, a host under the domain, named sources and clusters", () => {
    expect(
      problems((c) => {
        c.argocd = {
          repo: { url: "ftp://example.net/apps", path: "../apps" },
          hostname: "argo.other.net",
          project: { sourceRepos: ["*"], destinations: [{ server: "*", namespace: "apps" }] },
        };
      }),
    ).toEqual([
      'homelab:argocd.repo.url: must be a git URL (https://host/org/repo.git or git@host:org/repo.git), got "ftp://example.net/apps"',
      'homelab:argocd.repo.path: must be a path inside the repository like apps (relative, no ..), got "../apps"',
      "homelab:argocd.categories: per-category ApplicationSets need the category directories (e.g. [infra, media]), or set applicationSets: single",
      "homelab:argocd.hostname: argo.other.net is not directly under lab.example.net: the Gateway's HTTPS listener and wildcard certificate cover *.lab.example.net only",
      "homelab:argocd.project.sourceRepos[0]: must name a repository (or a pattern like https://github.com/me/*), not *",
      "homelab:argocd.project.destinations[0].server: must name a cluster, not *",
    ]);
    expect(problems((c) => (c.argocd.categories = ["media", "media"]))).toEqual([
      "homelab:argocd.categories[1]: media is listed twice",
    ]);
  });

  test("the apex is refused: argocd.hostname may not be the lab domain itself, which no listener serves", () => {
    expect(problems((c) => (c.argocd.hostname = "lab.example.net"))).toEqual([
      "homelab:argocd.hostname: lab.example.net is the lab domain itself, which the Gateway does not serve (its listeners and wildcard certificate cover *.lab.example.net, not the apex); use a name under it like argocd.lab.example.net",
    ]);
    expect(problems((c) => (c.argocd.hostname = "a.b.lab.example.net"))).toEqual([
      "homelab:argocd.hostname: a.b.lab.example.net is not directly under lab.example.net: the Gateway's HTTPS listener and wildcard certificate cover *.lab.example.net only",
    ]);
    expect(load((c) => (c.argocd.hostname = "cd.lab.example.net")).config.argocd.hostname).toBe("cd.lab.example.net");
  });

  test("wait timeouts are Go durations, never zero; protection and deleteUnreachable are booleans that can be turned off", () => {
    expect(
      problems((c) => {
        c.certManager.readyTimeout = { issuers: "0m", certificate: "15 minutes" };
        c.gateway.programmedTimeout = "0h0s";
        c.gateway.crds = { protect: "yes" };
        c.cilium.protect = 1;
        c.kubernetes = { deleteUnreachable: "false" };
      }),
    ).toEqual([
      'homelab:kubernetes.deleteUnreachable: must be true or false, got "false"',
      "homelab:cilium.protect: must be true or false, got 1",
      "homelab:certManager.readyTimeout.issuers: 0m is zero: pulumi up would give up at once; give a positive duration like 5m",
      'homelab:certManager.readyTimeout.certificate: must be a duration like 15m or 1h30m, got "15 minutes"',
      "homelab:gateway.programmedTimeout: 0h0s is zero: pulumi up would give up at once; give a positive duration like 5m",
      'homelab:gateway.crds.protect: must be true or false, got "yes"',
    ]);
    const { config } = load((c) => {
      c.certManager.readyTimeout = { certificate: "1h30m" };
      c.gateway.programmedTimeout = "90s";
      c.gateway.crds = { protect: false };
      c.cilium.protect = false;
      c.kubernetes = { deleteUnreachable: false };
    });
    expect(config.certManager.readyTimeout).toEqual({ issuers: "5m", certificate: "1h30m" });
    expect(config.gateway.programmedTimeout).toBe("90s");
    expect(config.gateway.crds.protect).toBe(false);
    expect(config.cilium.protect).toBe(false);
    expect(config.kubernetes.deleteUnreachable).toBe(false);
  });

  test("Argo CD: a private repository's token (user git by default) or SSH key, secret even in plain text", async () => {
    const { config, warnings } = load((c) => (c.argocd.repo.credentials = { token: "repo-canary" }));
    expect(warnings).toEqual([
      "homelab:argocd.repo.credentials.token is stored in plain text; encrypt it with `pulumi config set --secret --path 'homelab:argocd.repo.credentials.token' ...`",
    ]);
    const credentials = config.argocd.repo.credentials as { username: string; token: pulumi.Output<string> };
    expect(credentials.username).toBe("git");
    expect(await pulumi.isSecret(credentials.token)).toBe(true);
    const ssh = load((c) => {
      c.argocd.repo = {
        url: "git@github.com:me/apps.git",
        credentials: { sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\nx" },
      };
    }).config.argocd.repo;
    expect(Object.keys(ssh.credentials!)).toEqual(["sshPrivateKey"]);
    expect(load().config.argocd.repo).toEqual({ url: "https://github.com/me/apps.git", revision: "HEAD", path: "apps" });
  });

  test("Argo CD: credentials of one kind, the kind the URL takes; categories whose app names could meet; pod-security levels of categories that exist", () => {
    expect(problems((c) => (c.argocd.repo.credentials = { username: "me" }))).toEqual([
      "homelab:argocd.repo.credentials: set token (an https:// repository) or sshPrivateKey (ssh)",
    ]);
    expect(
      problems(
        (c) => (c.argocd.repo.credentials = { token: "t", sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----", username: "me" }),
      ),
    ).toEqual([
      "homelab:argocd.repo.credentials: set token or sshPrivateKey, not both",
      "homelab:argocd.repo.credentials.sshPrivateKey: authenticates an ssh:// or git@ repository; https://github.com/me/apps.git is reached over https: set token instead",
    ]);
    expect(
      problems((c) => {
        c.argocd.repo = { url: "ssh://git@example.net/me/apps.git", credentials: { token: "t" } };
      }),
    ).toEqual([
      "homelab:argocd.repo.credentials.token: authenticates an https:// repository; ssh://git@example.net/me/apps.git is reached over SSH: set sshPrivateKey instead",
    ]);
    expect(
      problems((c) => {
        c.argocd.repo = { url: "git@github.com:me/apps.git", credentials: { username: "me", sshPrivateKey: "ssh-ed25519 AAAA" } };
      }),
    ).toEqual([
      "homelab:argocd.repo.credentials.sshPrivateKey: must be a PEM or OpenSSH private key (the value is secret and not shown)",
      "homelab:argocd.repo.credentials.username: goes with token (https); an SSH key needs none",
    ]);
    expect(
      problems((c) => {
        c.argocd.applicationSets = "per-category";
        c.argocd.categories = ["media", "infra", "media-tv"];
        c.argocd.podSecurity = { default: "privileged", categories: { monitoring: "privileged", infra: "baseline" } };
      }),
    ).toEqual([
      "homelab:argocd.podSecurity.categories.monitoring: monitoring is not one of homelab:argocd.categories (media, infra, media-tv)",
      "homelab:argocd.categories[2]: categories media and media-tv can name two apps alike: an app tv-<name> of media and an app <name> of media-tv would both be the Application media-tv-<name>; rename one of the two category directories",
    ]);
    expect(problems((c) => (c.argocd.podSecurity = { default: "strict" }))).toEqual([
      'homelab:argocd.podSecurity.default: must be one of "privileged", "baseline", "restricted", got "strict"',
    ]);
    expect(problems((c) => (c.argocd.project = { namespaceResources: [] }))).toEqual([
      "homelab:argocd.project.namespaceResources: must list at least one kind: leave it out to allow every kind (Argo CD reads an empty list as none)",
    ]);
  });

  test("Argo CD: the single set takes pod-security levels of any category (they are directories in git)", () => {
    const { config } = load((c) => (c.argocd.podSecurity = { categories: { storage: "privileged" } }));
    expect(config.argocd.podSecurity).toEqual({ default: "baseline", categories: { storage: "privileged" } });
  });

  test("one problem never hides another: every section's errors at once", () => {
    expect(
      problems((c) => {
        c.network.cidr = "10.0.0.1/24";
        c.domain = "Lab";
        c.cilium.loadBalancerPool = ["10.0.0.10"];
        c.gateway = {};
        delete c.argocd.repo;
      }),
    ).toEqual([
      'homelab:network.cidr: must be an IPv4 network like 10.10.0.0/24 (host bits zero), got "10.0.0.1/24"',
      'homelab:domain: must be a lowercase DNS name like lab.example.net, got "Lab"',
      "homelab:cilium.loadBalancerPool[0]: 10.0.0.10 includes 10.0.0.10 (homelab:network.vip)",
      "homelab:gateway.address: is required",
      "homelab:argocd.repo: is required",
    ]);
  });
});

describe("platform config: NetBird routing peers", () => {
  test("off unless homelab:netbird is set; set, the same management service and client as the edge by default, the key secret", async () => {
    expect(load().config.netbird).toBeUndefined();
    const { config, warnings } = load((c) => (c.netbird = { setupKey: "nb-key" }), ["netbird"]);
    expect(warnings).toEqual([]);
    const { setupKey, ...rest } = config.netbird!;
    expect(rest).toEqual({
      managementUrl: "https://api.netbird.io:443",
      namespace: "netbird",
      replicas: 2,
      image: "docker.io/netbirdio/netbird:0.67.1",
    });
    expect(pulumi.Output.isInstance(setupKey)).toBe(true);
    expect(await new Promise((resolve) => setupKey.apply(resolve))).toBe("nb-key");
    expect(await pulumi.isSecret(setupKey)).toBe(true);
  });

  test("every bad NetBird setting by its key path; the key's value is never shown", () => {
    expect(problems((c) => (c.netbird = {}))).toEqual(["homelab:netbird.setupKey: is required"]);
    const found = problems(
      (c) =>
        (c.netbird = {
          setupKey: "two words",
          managementUrl: "http://netbird.example.net",
          namespace: "NetBird",
          replicas: 0,
          image: "netbirdio/netbird",
          hostname: "lab",
        }),
    );
    expect(found).toEqual([
      "homelab:netbird.setupKey: must be a NetBird setup key: one line without spaces (the value is secret and not shown)",
      'homelab:netbird.managementUrl: must be an https:// URL, got "http://netbird.example.net"',
      "homelab:netbird.namespace: must be a DNS label (lowercase letters, digits and '-', at most 63, starting and ending alphanumeric), got \"NetBird\"",
      "homelab:netbird.replicas: must be at least 1, got 0",
      'homelab:netbird.image: "netbirdio/netbird" names no tag or digest, so Docker would pull whatever "latest" is at the time; pin a release like netbirdio/netbird:0.67.1',
      "homelab:netbird.hostname: unknown key (known keys: setupKey, managementUrl, namespace, replicas, image)",
    ]);
    expect(found.join("\n")).not.toContain("two words");
  });

  test("the peers' namespace is their own: not the Gateway's, a release's or Kubernetes' own", () => {
    expect(problems((c) => (c.netbird = { setupKey: "k", namespace: "gateway" }))).toEqual([
      "homelab:netbird.namespace: gateway is the Gateway's (homelab:gateway.namespace) namespace; the routing peers need one of their own, which this stack creates and labels privileged for Pod Security",
    ]);
    expect(problems((c) => (c.netbird = { setupKey: "k", namespace: "argocd" }))).toEqual([
      "homelab:netbird.namespace: argocd is Argo CD's namespace; the routing peers need one of their own, which this stack creates and labels privileged for Pod Security",
    ]);
    expect(problems((c) => (c.netbird = { setupKey: "k", namespace: "kube-system" }))).toEqual([
      "homelab:netbird.namespace: kube-system is Kubernetes' own (Cilium and metrics-server are installed there) namespace; the routing peers need one of their own, which this stack creates and labels privileged for Pod Security",
    ]);
  });
});
