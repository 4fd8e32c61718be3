import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { PROJECT_ROOT } from "../../cli/plan";
import { planCli } from "../helpers/plan-cli";

const { work, plan } = planCli("plan-");

/** A copy of an example stack file with `edit` applied to its `config:`. */
function exampleWith(edit: (config: Record<string, any>) => void, stack = "talos"): string {
  const document = parse(readFileSync(join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  edit(document.config);
  const path = join(work, `Pulumi.${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, stringify(document));
  return path;
}

describe("npm run plan", () => {
  test("plans the example stack like pulumi preview", async () => {
    const { code, stdout, stderr } = await plan("talos");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toContain("Previewing stack talos (program talos) offline, under Pulumi mocks: nothing is applied.\n");
    expect(stdout).toMatch(/ \+   pulumi:pulumi:Stack\s+homelab-talos\n/);
    expect(stdout).toMatch(/ \+   │  ├─ proxmoxve:index\/vmLegacy:VmLegacy\s+homelab-cp1\n/);
    expect(stdout).toContain(
      '    endpoint                   : "https://10.20.0.10:6443"\n    kubeconfig                 : "[secret]"\n' +
        "    kubeletServingCertificates : true\n",
    );
    expect(stdout).toContain('    talosconfig                : "[secret]"\n');
    expect(stdout).toContain("Resources:\n    + 36 to create\n");
    expect(stdout).toContain(
      "      7  proxmoxve:index/vmLegacy:VmLegacy\n      7  talos:machine/configurationApply:ConfigurationApply\n",
    );
  });

  test("--out writes resources.json, graph.mmd and one Talos patch per node", async () => {
    const out = join(work, "out");
    const { code, stderr } = await plan("talos", "--out", out);
    expect(code).toBe(0);
    expect(stderr).toBe(`wrote ${out}\n`);
    expect(readdirSync(out).sort()).toEqual(["artifacts", "graph.mmd", "resources.json"]);
    expect(readdirSync(join(out, "artifacts")).sort()).toEqual([
      ...["cp1", "cp2", "cp3", "gpu1"].map((n) => `${n}.talos.yaml`),
      "kubernetes-upgrade.sh",
      "talos-rollout.sh",
      ...["w1", "w2", "w3"].map((n) => `${n}.talos.yaml`),
    ]);
    const resources = JSON.parse(readFileSync(join(out, "resources.json"), "utf8"));
    expect(resources.resources).toHaveLength(36);
    // Per node its configuration; three talosconfigs (exported, rollouts', Kubernetes step's); the health check.
    expect(resources.invokes).toHaveLength(11);
    const secrets = resources.resources.find((r: any) => r.name === "homelab-secrets");
    expect(secrets).toMatchObject({
      type: "talos:machine/secrets:Secrets",
      protect: true,
      ignoreChanges: ["talosVersion"],
      inputs: { talosVersion: "v1.13" },
    });
    const apply = resources.resources.find((r: any) => r.name === "homelab-w1-config");
    expect(apply.inputs).toEqual({
      applyMode: "staged_if_needing_reboot",
      clientConfiguration: "[secret]",
      endpoint: "10.20.0.21",
      machineConfigurationInput: "[secret]",
      node: "10.20.0.21",
      onDestroy: { graceful: true, reboot: false, reset: true },
    });
    expect(apply.replaceWith).toEqual([
      "urn:pulumi:talos::homelab::homelab:proxmox:ProxmoxCluster$proxmoxve:index/vmLegacy:VmLegacy::homelab-w1",
    ]);
    expect(apply.deleteBeforeReplace).toBe(true);
    const graph = readFileSync(join(out, "graph.mmd"), "utf8");
    expect(graph.startsWith("flowchart LR\n")).toBe(true);
    expect(graph).toMatch(
      /r\d+\["homelab-cp1-config<br\/><small>talos:machine\/configurationApply:ConfigurationApply<\/small>"\]/,
    );
  });

  test("same input, byte-identical output", async () => {
    const [a, b] = [join(work, "a"), join(work, "b")];
    const first = await plan("talos", "--out", a, "--format", "json");
    const second = await plan("talos", "--out", b, "--format", "json");
    expect(second.stdout).toBe(first.stdout);
    for (const file of ["resources.json", "graph.mmd", "artifacts/cp1.talos.yaml", "artifacts/gpu1.talos.yaml"]) {
      expect(readFileSync(join(b, file), "utf8"), file).toBe(readFileSync(join(a, file), "utf8"));
    }
  });

  test("never prints a secret, even one stored in plain text", async () => {
    const config = exampleWith((c) => (c["homelab:proxmox"].apiToken = "root@pam!pulumi=s3cr3t-t0ken"));
    const out = join(work, "secret");
    const run = await plan("talos", "--config", config, "--out", out, "--format", "json");
    expect(run.code).toBe(0);
    const written = [
      run.stdout,
      run.stderr,
      readFileSync(join(out, "resources.json"), "utf8"),
      readFileSync(join(out, "graph.mmd"), "utf8"),
    ];
    for (const text of written) expect(text).not.toContain("s3cr3t");
    expect(run.stderr).toContain(
      "warning: homelab:proxmox.apiToken is stored in plain text; encrypt it with `pulumi config set --secret --path 'homelab:proxmox.apiToken' ...`\n",
    );
    const provider = JSON.parse(readFileSync(join(out, "resources.json"), "utf8")).resources.find(
      (r: any) => r.type === "pulumi:providers:proxmoxve",
    );
    expect(provider.inputs.apiToken).toBe("[secret]");
    expect(JSON.parse(run.stdout).outputs).toMatchObject({ kubeconfig: "[secret]", talosconfig: "[secret]" });
  });

  test("encrypted values are never decrypted: they plan as placeholders, masked", async () => {
    const config = exampleWith((c) => (c["homelab:proxmox"].apiToken = { secure: "v1:abcdef" }));
    const run = await plan("talos", "--config", config, "--format", "json");
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const provider = JSON.parse(run.stdout).resources.find((r: any) => r.type === "pulumi:providers:proxmoxve");
    expect(provider.inputs).toEqual({
      apiToken: "[secret]",
      endpoint: "https://pve1.lab.example.net:8006/",
      insecure: "true",
      ssh: '{"username":"root","agent":true}',
    });
  });

  test("bad config: exit 2, every problem by key path, nothing planned, no stack trace", async () => {
    const config = exampleWith((c) => {
      c["homelab:nodes"][1].ip = "10.20.0.11";
      c["homelab:nodes"][2].ip = "192.168.1.13";
      delete c["homelab:cluster"].talosVersion;
    });
    const out = join(work, "bad");
    const run = await plan("talos", "--config", config, "--out", out);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      [
        "plan: invalid configuration for stack talos (3 problems):",
        "  homelab:cluster.talosVersion: is required",
        "  homelab:nodes[1].ip: IP 10.20.0.11 is already used by nodes[0]",
        "  homelab:nodes[2].ip: 192.168.1.13 is outside the LAN CIDR 10.20.0.0/24",
        "Nothing was planned.",
        "",
      ].join("\n"),
    );
    expect(existsSync(out)).toBe(false);
  });

  test("a node search domain under the lab's wildcard (pods would resolve github.com to the Gateway): exit 2, both keys named, nothing planned", async () => {
    const config = exampleWith((c) => (c["homelab:network"].searchDomains = ["apps.lab.example.net"]));
    const out = join(work, "dns-trap");
    const run = await plan("talos", "--config", config, "--out", out);
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr).toBe(
      [
        "plan: invalid configuration for stack talos (1 problem):",
        "  homelab:network.searchDomains[0]: apps.lab.example.net is under the lab's domain (homelab:domain lab.example.net), whose wildcard *.lab.example.net resolves to the Gateway: pods inherit the nodes' search domains (ndots 5), so github.com, Let's Encrypt and Cloudflare's API would first be tried as github.com.apps.lab.example.net and answered with the Gateway's address; use a search domain outside lab.example.net, or none",
        "Nothing was planned.",
        "",
      ].join("\n"),
    );
    expect(existsSync(out)).toBe(false);
  });

  test.each<[string[], string]>([
    [["edge"], 'plan: stack "edge" selects no program'],
    [["talos-dev"], "Pulumi.talos-dev.yaml: cannot read it (ENOENT)"],
    [[], "plan: name a stack, or --all"],
    [["talos", "--all"], "plan: give stack names or --all, not both"],
    [["talos", "--format", "yaml"], 'plan: --format must be one of text, json, markdown, got "yaml"'],
    [["--all", "--config", "x.yaml"], "plan: --config applies to exactly one named stack"],
    [["talos", "--bogus"], "plan: Unknown option '--bogus'"],
  ])("usage problems exit 2: %j", async (argv, message) => {
    const run = await plan(...argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test("an --out that cannot be written is reported, not thrown", async () => {
    const file = join(work, "a-file");
    writeFileSync(file, "");
    const run = await plan("talos", "--out", file);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`plan: cannot write ${file}: EEXIST: file already exists, mkdir '${file}'\n`);
  });

  test("--help prints usage and exits 0", async () => {
    const run = await plan("--help");
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^Usage: npm run plan -- <stack>\.\.\. \| --all \[options\]/);
  });

  test("warnings are part of the text report", async () => {
    const config = exampleWith(
      (c) => ((c["homelab:proxmox"].password = "hunter2"), (c["homelab:proxmox"].username = "root@pam")),
    );
    const run = await plan("talos", "--config", config);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/\nWarnings:\n    homelab:proxmox\.password is stored in plain text; encrypt it with .*\n$/);
    expect(run.stdout).not.toContain("hunter2");
  });

  test("--all plans every example stack; --format markdown suits a PR comment", async () => {
    const run = await plan("--all", "--format", "markdown");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("### Offline plan: `talos` (program `talos`)\n\n**+ 36 to create.**");
    expect(run.stdout).toContain('| `kubeconfig` | `"[secret]"` |');
    expect(run.stdout).toContain("### Offline plan: `platform` (program `platform`)\n\n**+ 33 to create, > 2 to read.**");
    expect(run.stdout).toContain("pulumi:pulumi:StackReference  talos  (read)");
    expect(run.stdout).toContain("### Offline plan: `hetzner` (program `hetzner`)\n\n**+ 19 to create, > 1 to read.**");
    expect(run.stdout).toContain(
      "### Offline plan: `authentik` (program `authentik`)\n\n**+ 54 to create, = 2 to import, > 1 to read.**",
    );
    expect(run.stdout).toContain("authentik:index/outpost:Outpost  forward-auth-outpost  (import)");
    expect(run.stdout.indexOf("`platform`")).toBeLessThan(run.stdout.indexOf("`talos`"));
  });
});

test("the real command exits 2 on bad config", async () => {
  const config = exampleWith((c) => (c["homelab:nodes"][0].vmId = "811"));
  const run = promisify(execFile)(
    process.execPath,
    ["--require", join(PROJECT_ROOT, "cli", "register.cjs"), join(PROJECT_ROOT, "cli", "plan.ts"), "talos", "--config", config],
    {
      cwd: PROJECT_ROOT,
    },
  );
  await expect(run).rejects.toMatchObject({
    code: 2,
    stdout: "",
    stderr:
      'plan: invalid configuration for stack talos (1 problem):\n  homelab:nodes[0].vmId: must be a number, got "811"\nNothing was planned.\n',
  });
});

describe("npm run plan -- platform", () => {
  test("--out writes every Kubernetes object and every release's values", async () => {
    const out = join(work, "platform");
    const { code, stdout } = await plan("platform", "--out", out);
    expect(code).toBe(0);
    expect(stdout).toMatch(/ >   └─ pulumi:pulumi:StackReference\s+talos  read\n/);
    expect(stdout).toContain("Resources:\n    + 33 to create\n    > 2 to read\n");
    expect(readdirSync(join(out, "artifacts")).sort()).toEqual([
      "applicationset-apps-infra.k8s.yaml",
      "applicationset-apps-media.k8s.yaml",
      "applicationset-apps-monitoring.k8s.yaml",
      "appproject-homelab.k8s.yaml",
      "argocd.values.yaml",
      "cert-manager.values.yaml",
      "certificate-wildcard-lab-example-net.k8s.yaml",
      "cilium.values.yaml",
      "ciliuml2announcementpolicy-cilium.k8s.yaml",
      "ciliumloadbalancerippool-cilium.k8s.yaml",
      "clusterissuer-letsencrypt-production.k8s.yaml",
      "clusterissuer-letsencrypt-staging.k8s.yaml",
      "deployment-netbird-peer.k8s.yaml",
      "gateway-homelab.k8s.yaml",
      "httproute-argocd-server.k8s.yaml",
      "httproute-homelab-https-redirect.k8s.yaml",
      "metrics-server.values.yaml",
      "namespace-gateway.k8s.yaml",
      "namespace-netbird.k8s.yaml",
      "secret-argocd-repo-apps.k8s.yaml",
      "secret-cloudflare-api-token.k8s.yaml",
      "secret-netbird-peer-setup-key.k8s.yaml",
    ]);
    expect(readFileSync(join(out, "artifacts", "cilium.values.yaml"), "utf8")).toMatch(
      /^# chart: cilium 1\.19\.6\nipam:\n  mode: kubernetes\n/,
    );
    expect(readFileSync(join(out, "artifacts", "metrics-server.values.yaml"), "utf8")).toBe(
      "# values of chart metrics-server 3.13.1\n{}\n",
    );
    const resources = JSON.parse(readFileSync(join(out, "resources.json"), "utf8"));
    const references = resources.resources.filter((r: { type: string }) => r.type === "pulumi:pulumi:StackReference");
    // The stack's own last outputs (Argo CD's Application naming), and the talos stack's.
    expect(references.map((r: { name: string }) => r.name)).toEqual(["previous", "talos"]);
    expect(references[1]).toMatchObject({
      name: "talos",
      read: true,
      inputs: { name: "talos" },
    });
  });

  test("bad config exits 2 with every problem by key path, and plans nothing", async () => {
    const config = exampleWith((c) => {
      c["homelab:cilium"].loadBalancerPool = ["10.20.0.5-10.20.0.12"];
      c["homelab:kubernetes"] = { stack: "platform" };
    }, "platform");
    const out = join(work, "bad-platform");
    const run = await plan("platform", "--config", config, "--out", out);
    expect(run).toEqual({
      code: 2,
      stdout: "",
      stderr: [
        "plan: invalid configuration for stack platform (5 problems):",
        '  homelab:kubernetes.stack: "platform" is a stack of the platform program; name a talos stack (talos or talos-<env>), whose kubeconfig output this stack reads',
        "  homelab:cilium.loadBalancerPool[0]: 10.20.0.5-10.20.0.12 includes 10.20.0.10 (homelab:network.vip)",
        "  homelab:cilium.loadBalancerPool[0]: 10.20.0.5-10.20.0.12 includes 10.20.0.11 (homelab:network.nodeIps[0])",
        "  homelab:cilium.loadBalancerPool[0]: 10.20.0.5-10.20.0.12 includes 10.20.0.12 (homelab:network.nodeIps[1])",
        "  homelab:gateway.address: 10.20.0.200 is not in homelab:cilium.loadBalancerPool, which Cilium assigns from",
        "Nothing was planned.",
        "",
      ].join("\n"),
    });
    expect(existsSync(out)).toBe(false);
  });
});

describe("npm run plan -- hetzner / authentik: bad config", () => {
  test("exits 2 with every problem by key path, secrets not shown, and plans nothing", async () => {
    const hetzner = exampleWith((c) => {
      c["homelab:ssh"].allowFrom = ["0.0.0.0/0"];
      c["homelab:authentik"].secretKey = "has a space";
      c["homelab:server"].location = "mars";
    }, "hetzner");
    const out = join(work, "bad-hetzner");
    expect(await plan("hetzner", "--config", hetzner, "--out", out)).toEqual({
      code: 2,
      stdout: "",
      stderr: [
        "plan: invalid configuration for stack hetzner (3 problems):",
        '  homelab:server.location: must be one of "fsn1", "nbg1", "hel1", "ash", "hil", "sin", got "mars"',
        "  homelab:ssh.allowFrom[0]: 0.0.0.0/0 opens SSH to everyone; set ssh.allowSshFromAnywhere: true if that is meant",
        "  homelab:authentik.secretKey: must be a random key: one line without spaces, quotes, backslashes or $ (compose reads it from an env file) (the value is secret and not shown)",
        "Nothing was planned.",
        "",
      ].join("\n"),
    });
    expect(existsSync(out)).toBe(false);

    const authentik = exampleWith((c) => {
      c["homelab:authentik"] = { stack: "platform" };
      c["homelab:apps"][0].slug = "Argo CD";
    }, "authentik");
    const run = await plan("authentik", "--config", authentik);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n").slice(0, 3)).toEqual([
      "plan: invalid configuration for stack authentik (2 problems):",
      '  homelab:authentik.stack: "platform" is a stack of the platform program; name a hetzner stack (hetzner or hetzner-<env>), whose authentikUrl and authentikToken outputs this stack reads',
      '  homelab:apps[0].slug: must be a slug (lowercase letters, digits, -) like grafana, got "Argo CD"',
    ]);
  });
});

describe("npm run plan -- --diff", () => {
  test("one config value changed: exactly one changed input; a new ciphertext shows as a changed secret, never printed", async () => {
    const base = join(work, "diff-base");
    expect((await plan("talos", "platform", "--out", base)).code).toBe(0);
    const config = exampleWith((c) => {
      c["homelab:cilium"].version = "1.20.0";
      c["homelab:certManager"].cloudflareApiToken = { secure: "rotated-ciphertext" };
    }, "platform");
    const run = await plan("platform", "--config", config, "--diff", base);
    // The rotated token reaches the Secret that holds it: a Secret's data replaces it (the
    // Kubernetes provider), deleting the named one first.
    expect(run).toEqual({
      code: 0,
      stdout: [
        "Stack platform: 0 to create, 1 to update, 1 to replace, 0 to delete, 21 unchanged",
        "Replacements, deletes and blocked steps:",
        "  -+ kubernetes:core/v1:Secret  cert-manager-cloudflare-token  (replace, delete first)",
        "      because stringData: the provider replaces on stringData",
        "      ~ stringData: [secret] changed",
        "Other changes:",
        "  ~  kubernetes:helm.sh/v3:Release  cilium",
        '      ~ version: "1.19.6" => "1.20.0"',
        "  ~ config homelab:certManager.cloudflareApiToken: [secret] changed",
        "In the order `pulumi up` runs them:",
        "    1. update             cilium",
        "    2. delete old         cert-manager-cloudflare-token",
        "    3. create replacement cert-manager-cloudflare-token",
        "",
      ].join("\n"),
      stderr: "",
    });
    expect(run.stdout).not.toContain("rotated-ciphertext");
    const same = await plan("talos", "--diff", base);
    expect(same.stdout).toBe("Stack talos: 0 to create, 0 to update, 0 to replace, 0 to delete, 33 unchanged\n  no changes\n");
  });

  test("each stack is planned as the run after its base: a program reading its own last outputs reads the base's", async () => {
    const base = join(work, "diff-base-hetzner");
    expect((await plan("hetzner", "--out", base)).code).toBe(0);
    const written = JSON.parse(readFileSync(join(base, "resources.json"), "utf8"));
    expect(written.outputs).toMatchObject({ sshPort: 22, sshUser: "ops", authentikToken: "[secret]" });
    // A new SSH port: the firewall keeps the port sshd answers on now (the base's), as a real run would.
    const config = exampleWith((c) => (c["homelab:ssh"].port = 2222), "hetzner");
    const run = await plan("hetzner", "--config", config, "--diff", base);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('      ~ rules[4].port: "22" => "2222"\n');
    expect(run.stdout).toContain('      ~ rules[5]: (absent) => {"description":"SSH (admin, until sshd...');
    expect(run.stdout).toContain('      ~ stdin: line 31: + "Port 22" + "Port 2222"\n');
  });

  test("a base directory that does not exist is a usage error", async () => {
    const run = await plan("talos", "--diff", join(work, "nowhere"));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`plan: --diff: ${join(work, "nowhere")} does not exist\n`);
  });
});
