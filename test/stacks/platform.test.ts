import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { planStack } from "../../cli/plan";
import { planText, resourcesJson } from "../../cli/render";
import { readStackFile } from "../../cli/stack-file";
import { runStack } from "../../stacks";
import { servingCertificateAddons, servingCertificatesProblem, talosKubeconfig } from "../../stacks/platform";
import { register, reveal, valueOf, type Registered } from "../helpers/pulumi";
import { frozenRun } from "../helpers/frozen";

const ROOT = join(__dirname, "..", "..");
const CANARY = "cf-canary-token-7f3a9c";

/** The shipped example platform stack under mocks, with the Cloudflare token set to a canary. */
async function example(stack = "platform", edit: (values: Record<string, string>) => void = () => undefined) {
  const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.platform.yaml"));
  values["homelab:certManager"] = JSON.stringify({ ...JSON.parse(values["homelab:certManager"]!), cloudflareApiToken: CANARY });
  edit(values);
  return register(() => runStack(stack), { stack, config: values, secretKeys });
}

/** The example as shipped, run once for the tests that only read it (a run is a pure function of its config). */
let shippedRun: ReturnType<typeof example> | undefined;
const shipped = () => (shippedRun ??= example().then(frozenRun));

/** Names of what `name` waits for (its dependencies), sorted. */
function waitsFor(r: Registered<unknown>, name: string, type?: string): string[] {
  return r.names(r.get(name, type).dependencies);
}

describe("the platform stack on the example config", () => {
  test("registers exactly the expected resources, each with the kubernetes provider", async () => {
    const r = await shipped();
    const rows = r.run.resources.map((x) => `${x.type}::${x.name}`).sort();
    expect(rows).toEqual([
      "homelab:kubernetes:ArgoCDInstall::argocd",
      "homelab:kubernetes:CertManager::cert-manager",
      "homelab:kubernetes:CiliumInstall::cilium",
      "homelab:kubernetes:ClusterAddons::addons",
      "homelab:kubernetes:Gateway::homelab",
      "homelab:kubernetes:GatewayApiCrds::gateway-api",
      "homelab:kubernetes:NetBirdPeer::netbird-peer",
      "kubernetes:apps/v1:Deployment::netbird-peer",
      "kubernetes:argoproj.io/v1alpha1:AppProject::argocd-homelab",
      "kubernetes:argoproj.io/v1alpha1:ApplicationSet::argocd-apps-infra",
      "kubernetes:argoproj.io/v1alpha1:ApplicationSet::argocd-apps-media",
      "kubernetes:argoproj.io/v1alpha1:ApplicationSet::argocd-apps-monitoring",
      "kubernetes:cert-manager.io/v1:Certificate::cert-manager-wildcard",
      "kubernetes:cert-manager.io/v1:ClusterIssuer::cert-manager-letsencrypt-production",
      "kubernetes:cert-manager.io/v1:ClusterIssuer::cert-manager-letsencrypt-staging",
      "kubernetes:cilium.io/v2:CiliumLoadBalancerIPPool::cilium-pool",
      "kubernetes:cilium.io/v2alpha1:CiliumL2AnnouncementPolicy::cilium-l2",
      "kubernetes:core/v1:Namespace::gateway",
      "kubernetes:core/v1:Namespace::netbird-peer-namespace",
      "kubernetes:core/v1:Secret::argocd-repo",
      "kubernetes:core/v1:Secret::cert-manager-cloudflare-token",
      "kubernetes:core/v1:Secret::netbird-peer-setup-key",
      "kubernetes:gateway.networking.k8s.io/v1:Gateway::homelab",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::argocd-server",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::homelab-https-redirect",
      "kubernetes:helm.sh/v3:Release::addons-metrics-server",
      "kubernetes:helm.sh/v3:Release::argocd",
      "kubernetes:helm.sh/v3:Release::cert-manager",
      "kubernetes:helm.sh/v3:Release::cilium",
      "kubernetes:yaml/v2:ConfigFile::addons-kubelet-serving-cert-approver",
      "kubernetes:yaml/v2:ConfigFile::gateway-api",
      "pulumi:providers:kubernetes::kubernetes",
      "pulumi:pulumi:Stack::homelab-platform",
      "pulumi:pulumi:StackReference::previous",
      "pulumi:pulumi:StackReference::talos",
    ]);
    const provider = r.get("kubernetes", "pulumi:providers:kubernetes");
    for (const res of r.run.resources.filter((x) => x.type.startsWith("kubernetes:"))) {
      expect(res.provider?.startsWith(`${provider.urn}::`), `${res.name} uses ${res.provider}`).toBe(true);
    }
  });

  test("the kubeconfig is the talos stack's output, read through a StackReference and kept secret", async () => {
    const r = await shipped();
    const reference = r.get("talos", "pulumi:pulumi:StackReference");
    expect(reference.read).toBe(true);
    expect(reference.inputs.name).toBe("talos");
    const [kubeconfig, secret] = reveal(r.get("kubernetes", "pulumi:providers:kubernetes").inputs.kubeconfig);
    expect(secret).toBe(true);
    expect(kubeconfig).toBe("<placeholder: kubeconfig of stack talos>");
  });

  test("a stack platform-dev reads talos-dev; homelab:kubernetes.stack names another", async () => {
    const dev = await example("platform-dev");
    expect(dev.get("talos", "pulumi:pulumi:StackReference").inputs.name).toBe("talos-dev");
    expect((await valueOf(dev.result.outputs.kubernetesStack)).value).toBe("talos-dev");
    const named = await example(
      "platform",
      (v) => (v["homelab:kubernetes"] = JSON.stringify({ stack: "me/homelab/talos-lab2" })),
    );
    expect(named.get("talos", "pulumi:pulumi:StackReference").inputs.name).toBe("me/homelab/talos-lab2");
    const [kubeconfig] = reveal(named.get("kubernetes", "pulumi:providers:kubernetes").inputs.kubeconfig);
    expect(kubeconfig).toBe("<placeholder: kubeconfig of stack talos-lab2>");
  });

  test("a kubeconfig from config (a cluster built elsewhere) replaces the StackReference and stays secret", async () => {
    const r = await example(
      "platform",
      (v) => (v["homelab:kubernetes"] = JSON.stringify({ kubeconfig: "apiVersion: v1\nkind: Config\n", context: "lab" })),
    );
    // Only the stack's own last outputs are read (for Argo CD's Application naming).
    expect(r.ofType("pulumi:pulumi:StackReference").map((x) => x.inputs.name)).toEqual(["platform"]);
    const provider = r.get("kubernetes", "pulumi:providers:kubernetes");
    expect(reveal(provider.inputs.kubeconfig)).toEqual(["apiVersion: v1\nkind: Config\n", true]);
    expect(provider.inputs.context).toBe("lab");
    expect(r.result.outputs).not.toHaveProperty("kubernetesStack");
  });

  test("ordering: CRDs → Cilium → pool and L2 policy → Gateway; cert-manager → issuers → certificate → Gateway; Argo CD → AppProject → ApplicationSets", async () => {
    const r = await shipped();
    expect(waitsFor(r, "gateway-api", "kubernetes:yaml/v2:ConfigFile")).toEqual([]);
    expect(waitsFor(r, "cilium", "kubernetes:helm.sh/v3:Release")).toEqual(["gateway-api"]);
    expect(waitsFor(r, "cilium-pool")).toEqual(["cilium"]);
    expect(waitsFor(r, "cilium-l2")).toEqual(["cilium"]);
    // Every other release needs the CNI to run pods.
    expect(waitsFor(r, "cert-manager", "kubernetes:helm.sh/v3:Release")).toEqual(["cilium"]);
    expect(waitsFor(r, "argocd", "kubernetes:helm.sh/v3:Release")).toEqual(["cilium", "gateway-api"]);
    expect(waitsFor(r, "addons-kubelet-serving-cert-approver")).toEqual(["cilium"]);
    expect(waitsFor(r, "addons-metrics-server")).toEqual(["addons-kubelet-serving-cert-approver"]);
    expect(waitsFor(r, "cert-manager-cloudflare-token")).toEqual(["cert-manager"]);
    expect(waitsFor(r, "cert-manager-letsencrypt-production")).toEqual(["cert-manager", "cert-manager-cloudflare-token"]);
    expect(waitsFor(r, "cert-manager-wildcard")).toEqual(["cert-manager-letsencrypt-production", "gateway"]);
    expect(waitsFor(r, "homelab", "kubernetes:gateway.networking.k8s.io/v1:Gateway")).toEqual([
      "cert-manager-wildcard",
      "cilium",
      "cilium-l2",
      "cilium-pool",
      "gateway",
      "gateway-api",
    ]);
    expect(waitsFor(r, "homelab-https-redirect")).toEqual(["gateway", "homelab"]);
    expect(waitsFor(r, "argocd-homelab")).toEqual(["argocd"]);
    for (const set of ["argocd-apps-infra", "argocd-apps-media", "argocd-apps-monitoring"]) {
      // The repository's credentials first; `previous` is the stack's own last outputs (a read),
      // which the Application naming comes from.
      expect(waitsFor(r, set)).toEqual(["argocd-homelab", "argocd-repo", "previous"]);
    }
    expect(waitsFor(r, "argocd-server")).toEqual(["argocd", "gateway"]);
    // dependsOn the GatewayApiCrds component reaches the ConfigFile that installs the CRDs.
    expect(r.get("cilium", "kubernetes:helm.sh/v3:Release").dependencies).toEqual([
      r.get("gateway-api", "kubernetes:yaml/v2:ConfigFile").urn,
    ]);
  });

  test("the Cloudflare token stays secret: Secret input, and nowhere in the plan's text, resources or artifacts", async () => {
    const r = await shipped();
    const secret = r.get("cert-manager-cloudflare-token");
    expect(reveal(secret.inputs.stringData)).toEqual([{ "api-token": CANARY }, true]);

    const dir = mkdtempSync(join(tmpdir(), "platform-"));
    const config = join(dir, "Pulumi.platform.yaml");
    const text = readFileSync(join(ROOT, "Pulumi.platform.yaml"), "utf8").replace(
      "secure: REPLACE-WITH-pulumi-config-set--secret",
      `secure: ${CANARY}`,
    );
    writeFileSync(config, text);
    const plan = await planStack("platform", config);
    expect(planText(plan)).not.toContain(CANARY);
    expect(JSON.stringify(resourcesJson(plan))).not.toContain(CANARY);
    for (const [name, artifact] of Object.entries(plan.artifacts)) {
      expect(artifact.secret, name).toBe(false);
      expect(String(artifact.value), name).not.toContain(CANARY);
    }
    expect(plan.artifacts["secret-cloudflare-api-token.k8s.yaml"]!.value).toContain('api-token: "[secret]"');
  });

  test("outputs: the Gateway address, Argo CD's URL, the domain and the talos stack read", async () => {
    const r = await shipped();
    const outputs = Object.fromEntries(
      await Promise.all(Object.entries(r.result.outputs).map(async ([k, v]) => [k, (await valueOf(v)).value] as const)),
    );
    expect(outputs).toEqual({
      gatewayAddress: "10.20.0.200",
      argocdUrl: "https://argocd.lab.example.net",
      argocdAppNames: "category-app",
      domain: "lab.example.net",
      kubernetesStack: "talos",
    });
  });

  test("the apps repository's token stays secret: config, the repository Secret's stringData, never in the plan's text, resources or artifacts ([secret])", async () => {
    const token = "repo-canary-token-2b91";
    const r = await example("platform", (v) => {
      const argocd = JSON.parse(v["homelab:argocd"]!);
      v["homelab:argocd"] = JSON.stringify({ ...argocd, repo: { ...argocd.repo, credentials: { token } } });
    });
    expect(reveal(r.get("argocd-repo").inputs.stringData)).toEqual([
      { type: "git", url: "https://github.com/example/homelab-apps.git", username: "git", password: token },
      true,
    ]);

    const dir = mkdtempSync(join(tmpdir(), "platform-"));
    const config = join(dir, "Pulumi.platform.yaml");
    const text = readFileSync(join(ROOT, "Pulumi.platform.yaml"), "utf8").replace(
      /credentials:\n(\s+)token:\n\s+secure: REPLACE-WITH-pulumi-config-set--secret/,
      `credentials:\n$1token: ${token}`,
    );
    expect(text).toContain(`token: ${token}`);
    writeFileSync(config, text);
    const plan = await planStack("platform", config);
    expect(planText(plan)).not.toContain(token);
    expect(JSON.stringify(resourcesJson(plan))).not.toContain(token);
    for (const [name, artifact] of Object.entries(plan.artifacts)) expect(String(artifact.value), name).not.toContain(token);
    expect(plan.artifacts["secret-argocd-repo-apps.k8s.yaml"]!.value).toBe(
      [
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        "  name: argocd-repo-apps",
        "  namespace: argocd",
        "  labels:",
        "    argocd.argoproj.io/secret-type: repository",
        "type: Opaque",
        "stringData:",
        "  type: git",
        "  url: https://github.com/example/homelab-apps.git",
        "  username: git",
        '  password: "[secret]"',
        "",
      ].join("\n"),
    );
  });

  test("the foundations are protected by default: the Gateway API CRDs (their manifest) and Cilium's release, pool and L2 policy; config turns it off", async () => {
    const protectedNames = (r: Registered<unknown>) =>
      r.run.resources
        .filter((x) => x.protect)
        .map((x) => `${x.type}::${x.name}`)
        .sort();
    expect(protectedNames(await shipped())).toEqual([
      "homelab:kubernetes:CiliumInstall::cilium",
      "homelab:kubernetes:GatewayApiCrds::gateway-api",
      "kubernetes:cilium.io/v2:CiliumLoadBalancerIPPool::cilium-pool",
      "kubernetes:cilium.io/v2alpha1:CiliumL2AnnouncementPolicy::cilium-l2",
      "kubernetes:helm.sh/v3:Release::cilium",
      // A remote component: the provider hands protect on to every CRD it registers.
      "kubernetes:yaml/v2:ConfigFile::gateway-api",
    ]);
    const off = await example("platform", (v) => {
      v["homelab:cilium"] = JSON.stringify({ ...JSON.parse(v["homelab:cilium"]!), protect: false });
      v["homelab:gateway"] = JSON.stringify({ ...JSON.parse(v["homelab:gateway"]!), crds: { protect: false } });
    });
    expect(protectedNames(off)).toEqual([]);
  });

  test("the Kubernetes provider forgets objects of a cluster it cannot reach (deleteUnreachable) unless config says otherwise", async () => {
    const provider = (r: Registered<unknown>) => r.get("kubernetes", "pulumi:providers:kubernetes").inputs;
    // The SDK sends provider config as JSON text.
    expect(provider(await shipped()).deleteUnreachable).toBe("true");
    const off = await example("platform", (v) => {
      v["homelab:kubernetes"] = JSON.stringify({ deleteUnreachable: false });
    });
    expect(provider(off).deleteUnreachable).toBe("false");
  });

  test("pulumi up waits for the issuers and the certificate to be Ready and the Gateway Programmed, for as long as config says", async () => {
    const waits = (r: Registered<unknown>) =>
      Object.fromEntries(
        r.run.resources
          .map((x) => [x.name, (x.inputs.metadata as { annotations?: Record<string, string> } | undefined)?.annotations] as const)
          .filter(([, a]) => a?.["pulumi.com/waitFor"] !== undefined)
          .map(([name, a]) => [name, `${a!["pulumi.com/waitFor"]} ${a!["pulumi.com/timeoutSeconds"]}`]),
      );
    expect(waits(await shipped())).toEqual({
      "cert-manager-letsencrypt-production": "condition=Ready 300",
      "cert-manager-letsencrypt-staging": "condition=Ready 300",
      "cert-manager-wildcard": "condition=Ready 900",
      homelab: "condition=Programmed 300",
    });
    const longer = await example("platform", (v) => {
      const cm = JSON.parse(v["homelab:certManager"]!);
      v["homelab:certManager"] = JSON.stringify({ ...cm, readyTimeout: { issuers: "2m", certificate: "1h" } });
      v["homelab:gateway"] = JSON.stringify({ ...JSON.parse(v["homelab:gateway"]!), programmedTimeout: "90s" });
    });
    expect(waits(longer)).toEqual({
      "cert-manager-letsencrypt-production": "condition=Ready 120",
      "cert-manager-letsencrypt-staging": "condition=Ready 120",
      "cert-manager-wildcard": "condition=Ready 3600",
      homelab: "condition=Programmed 90",
    });
  });

  test("day 2: a new category adds exactly its ApplicationSet; a chart bump changes only its release", async () => {
    const urns = (r: Registered<unknown>) => r.run.resources.map((x) => x.urn).sort();
    const before = await shipped();
    const more = await example("platform", (v) => {
      const argocd = JSON.parse(v["homelab:argocd"]!);
      v["homelab:argocd"] = JSON.stringify({ ...argocd, categories: ["games", ...argocd.categories] });
    });
    expect(
      urns(more)
        .filter((u) => !urns(before).includes(u))
        .map((u) => u.split("::").pop()),
    ).toEqual(["argocd-apps-games"]);
    expect(urns(before).filter((u) => !urns(more).includes(u))).toEqual([]);

    const bumped = await example("platform", (v) => {
      v["homelab:cilium"] = JSON.stringify({ ...JSON.parse(v["homelab:cilium"]!), version: "1.20.0" });
    });
    expect(urns(bumped)).toEqual(urns(before));
    const changed = bumped.run.resources
      .filter((x) => JSON.stringify(x.inputs) !== JSON.stringify(before.run.resources.find((y) => y.urn === x.urn)!.inputs))
      .map((x) => x.name);
    expect(changed).toEqual(["cilium"]);
    expect(bumped.get("cilium", "kubernetes:helm.sh/v3:Release").inputs.version).toBe("1.20.0");
  });

  test("the talos stack's own node IPs and endpoint are checked against the pool before the kubeconfig is used", async () => {
    const pool = [{ start: "10.20.0.200", stop: "10.20.0.239" }];
    const answer = (outputs: Record<string, unknown>) => (type: string, _name: string, inputs: Record<string, unknown>) =>
      type === "pulumi:pulumi:StackReference"
        ? {
            id: "talos",
            state: { ...inputs, outputs: { kubeconfig: "apiVersion: v1", ...outputs }, secretOutputNames: ["kubeconfig"] },
          }
        : undefined;
    const clash = await register(() => talosKubeconfig("talos", pool), {
      answer: answer({ nodeIps: { cp1: "10.20.0.11", w9: "10.20.0.205" }, endpoint: "https://10.20.0.230:6443" }),
    });
    await expect(valueOf(clash.result)).rejects.toThrow(
      [
        "homelab:cilium.loadBalancerPool overlaps the cluster of stack talos:",
        "  node w9 has 10.20.0.205, inside pool block 10.20.0.200-10.20.0.239",
        "  the Kubernetes endpoint 10.20.0.230 is inside pool block 10.20.0.200-10.20.0.239",
      ].join("\n"),
    );
    const clear = await register(() => talosKubeconfig("talos", pool), {
      answer: answer({ nodeIps: { cp1: "10.20.0.11" }, endpoint: "https://10.20.0.10:6443" }),
    });
    expect(await valueOf(clear.result)).toEqual({ value: "apiVersion: v1", secret: true, known: true });
  });
});

describe("kubelet serving certificates: the approver and metrics-server need the talos stack's", () => {
  const BOTH = ["homelab:addons.kubeletServingCertApprover", "homelab:addons.metricsServer"];
  const OLDER =
    "stack talos exports no kubeletServingCertificates output (a talos stack of an earlier version), and homelab:addons.kubeletServingCertApprover and homelab:addons.metricsServer need kubelet serving certificates signed by the cluster CA: deploy the talos stack of this version first";
  const OFF =
    "stack talos has kubelet serving certificates off (its kubeletServingCertificates output is false: homelab:cluster.kubeletServingCertificates there), so its kubelets serve self-signed certificates, which metrics-server cannot verify and the kubelet-serving-cert-approver has nothing to approve: turn it on in stack talos first, or set homelab:addons.kubeletServingCertApprover.enabled and homelab:addons.metricsServer.enabled to false here";
  /** The talos stack's outputs as a StackReference reads them: the example's, with `outputs` over them. */
  const talosAnswer = (outputs: Record<string, unknown>) => (type: string, _name: string, inputs: Record<string, unknown>) =>
    type === "pulumi:pulumi:StackReference"
      ? {
          id: "talos",
          state: {
            ...inputs,
            outputs: { kubeconfig: "apiVersion: v1", nodeIps: {}, endpoint: "https://10.20.0.10:6443", ...outputs },
            secretOutputNames: ["kubeconfig"],
          },
        }
      : undefined;

  test("which add-ons need them, by config key", () => {
    const addons = (approver: boolean, metrics: boolean) =>
      servingCertificateAddons({
        addons: {
          kubeletServingCertApprover: { enabled: approver, version: "v0.10.3" },
          metricsServer: { enabled: metrics, version: "3.13.0" },
        },
      });
    expect(addons(true, true)).toEqual(BOTH);
    expect(addons(false, true)).toEqual(["homelab:addons.metricsServer"]);
    expect(addons(false, false)).toEqual([]);
  });

  test.each<[string, unknown, readonly string[], string | undefined]>([
    ["on", true, BOTH, undefined],
    ["a talos stack of an earlier version (no output)", undefined, BOTH, OLDER],
    ["off", false, BOTH, OFF],
    [
      "off, metrics-server alone",
      false,
      ["homelab:addons.metricsServer"],
      "stack talos has kubelet serving certificates off (its kubeletServingCertificates output is false: homelab:cluster.kubeletServingCertificates there), so its kubelets serve self-signed certificates, which metrics-server cannot verify and the kubelet-serving-cert-approver has nothing to approve: turn it on in stack talos first, or set homelab:addons.metricsServer.enabled to false here",
    ],
    ["off, with neither add-on", false, [], undefined],
    ["an earlier talos stack, with neither add-on", undefined, [], undefined],
  ])("%s", (_name, exported, addons, expected) => {
    expect(servingCertificatesProblem("talos", exported, addons)).toBe(expected);
  });

  test("checked with the pool before the kubeconfig is used: both problems at once, each exactly", async () => {
    const pool = [{ start: "10.20.0.200", stop: "10.20.0.239" }];
    const both = await register(() => talosKubeconfig("talos", pool, BOTH), {
      answer: talosAnswer({ nodeIps: { w9: "10.20.0.205" }, kubeletServingCertificates: false }),
    });
    await expect(valueOf(both.result)).rejects.toThrow(
      [
        "homelab:cilium.loadBalancerPool overlaps the cluster of stack talos:",
        "  node w9 has 10.20.0.205, inside pool block 10.20.0.200-10.20.0.239",
        OFF,
      ].join("\n"),
    );
    await expect(valueOf(both.result)).rejects.toBeInstanceOf(pulumi.RunError);
    const older = await register(() => talosKubeconfig("talos", pool, BOTH), { answer: talosAnswer({}) });
    await expect(valueOf(older.result)).rejects.toThrow(OLDER);
    const on = await register(() => talosKubeconfig("talos", pool, BOTH), {
      answer: talosAnswer({ kubeletServingCertificates: true }),
    });
    expect(await valueOf(on.result)).toEqual({ value: "apiVersion: v1", secret: true, known: true });
  });

  test("the platform stack refuses a talos stack with them off, or of an earlier version; with both add-ons off it goes ahead", async () => {
    const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.platform.yaml"));
    const run = (outputs: Record<string, unknown>, edit: (v: Record<string, string>) => void = () => undefined) => {
      const config = { ...values };
      edit(config);
      return register(() => runStack("platform"), { stack: "platform", config, secretKeys, answer: talosAnswer(outputs) });
    };
    await expect(run({ kubeletServingCertificates: false })).rejects.toThrow(OFF);
    await expect(run({})).rejects.toThrow(OLDER);
    const without = await run(
      { kubeletServingCertificates: false },
      (v) =>
        (v["homelab:addons"] = JSON.stringify({
          kubeletServingCertApprover: { enabled: false },
          metricsServer: { enabled: false },
        })),
    );
    expect(reveal(without.get("kubernetes", "pulumi:providers:kubernetes").inputs.kubeconfig)).toEqual(["apiVersion: v1", true]);
    expect(
      without
        .ofType("kubernetes:helm.sh/v3:Release")
        .map((x) => x.name)
        .sort(),
    ).toEqual(["argocd", "cert-manager", "cilium"]);
  });
});

describe("NetBird routing peers (homelab:netbird)", () => {
  test("after Cilium; the setup key secret in the Secret and nowhere in the plan's text, resources or artifacts; none without the section", async () => {
    const r = await shipped();
    expect(waitsFor(r, "netbird-peer-namespace")).toEqual(["cilium"]);
    expect(waitsFor(r, "netbird-peer-setup-key")).toEqual(["cilium", "netbird-peer-namespace"]);
    expect(waitsFor(r, "netbird-peer", "kubernetes:apps/v1:Deployment")).toEqual([
      "netbird-peer-namespace",
      "netbird-peer-setup-key",
    ]);
    const [stringData, secret] = reveal(r.get("netbird-peer-setup-key").inputs.stringData);
    expect(secret).toBe(true);
    expect(stringData).toEqual({ "setup-key": expect.stringMatching(/^\[secret:[0-9a-f]{16}\]$/) });

    const canary = "nb-canary-setup-key-42e1";
    const stand = "secure: REPLACE-WITH-pulumi-config-set--secret";
    const text = readFileSync(join(ROOT, "Pulumi.platform.yaml"), "utf8");
    const at = text.lastIndexOf(stand); // homelab:netbird's, the file's last secret
    const config = join(mkdtempSync(join(tmpdir(), "platform-")), "Pulumi.platform.yaml");
    writeFileSync(config, `${text.slice(0, at)}secure: ${canary}${text.slice(at + stand.length)}`);
    const plan = await planStack("platform", config);
    expect(planText(plan)).not.toContain(canary);
    expect(JSON.stringify(resourcesJson(plan))).not.toContain(canary);
    for (const [name, artifact] of Object.entries(plan.artifacts)) expect(String(artifact.value), name).not.toContain(canary);
    expect(plan.artifacts["secret-netbird-peer-setup-key.k8s.yaml"]!.value).toContain('setup-key: "[secret]"');
    expect(plan.artifacts["deployment-netbird-peer.k8s.yaml"]!.value).toContain('homelab/setup-key-sha256: "[secret]"');

    const off = await example("platform", (v) => delete v["homelab:netbird"]);
    expect(off.run.resources.filter((x) => x.name.startsWith("netbird"))).toEqual([]);
  });
});
