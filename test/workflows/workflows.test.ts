import { execFileSync, spawnSync } from "node:child_process";
import { once } from "node:events";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { exampleStacks } from "../../cli/plan";

const DIR = join(__dirname, "..", "..", ".github", "workflows");
/**
 * The scripts run with stdin on /dev/null, as a runner's steps do. Node's stdin pipe is a socket,
 * and bash run with a socket on stdin (as sshd starts it) reads ~/.bashrc: a developer's (pyenv,
 * cargo, ...) would run in every script, slowly, and could change what it does.
 */
const NO_STDIN: ["ignore", "pipe", "pipe"] = ["ignore", "pipe", "pipe"];
const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .sort();

/**
 * Every example stack, in the order a fresh lab deploys them: each reads only stacks before it, and
 * the authentik and services stacks call https://auth.<domain>, which resolves once the cloudflare
 * stack has written its record.
 */
const STACKS = ["talos", "platform", "hetzner", "cloudflare", "authentik", "services"];

describe("GitHub Actions workflows", () => {
  test("the workflows know every example stack", () => {
    expect([...STACKS].sort()).toEqual(exampleStacks());
  });

  test("the three workflows are there", () => {
    expect(files).toEqual(["ci.yml", "deploy.yml", "preview.yml"]);
  });

  test.each(files)("%s is valid against the GitHub workflow schema", (file) => {
    expect(validateWorkflow(readFileSync(join(DIR, file), "utf8")).errors).toEqual([]);
  });

  test("the check can fail: a misspelt key is reported", () => {
    const broken = readFileSync(join(DIR, "ci.yml"), "utf8").replace("runs-on:", "runs_on:");
    expect(validateWorkflow(broken).errors.map((e) => ("path" in e ? e.path : ""))).toContain("/jobs/test");
  });

  test("deploys go in dependency order, core stacks only by hand behind an environment", () => {
    const deploy = parse(readFileSync(join(DIR, "deploy.yml"), "utf8"));
    expect(Object.keys(deploy.jobs)).toEqual(STACKS);
    for (const core of ["talos", "hetzner"]) {
      expect(deploy.jobs[core].environment).toBe("core");
      expect(deploy.jobs[core].if).toBe(`github.event_name == 'workflow_dispatch' && inputs.stack == '${core}'`);
    }
    expect(deploy.jobs.platform.needs).toBe("talos");
    expect(deploy.jobs.cloudflare.needs).toBe("hetzner");
    // After cloudflare, whose record makes auth.<domain> resolve; after hetzner too, so a failed
    // hetzner run (which skips cloudflare) stops it.
    expect(deploy.jobs.authentik.needs).toEqual(["hetzner", "cloudflare"]);
    expect(deploy.jobs.services.needs).toEqual(["authentik", "cloudflare"]);
    expect(deploy.jobs.authentik.if).toBe(
      "always() && needs.hetzner.result != 'failure' && needs.cloudflare.result != 'failure' && (github.event_name == 'push' || inputs.stack == 'authentik')",
    );
    expect(deploy.jobs.authentik.if).toContain("github.event_name == 'push'");
    // The authentik stack reads the services token's current key (Authentik renews an expired one)
    // and the outpost's provider list before it uses or sends them; no other stack refreshes.
    const ups = Object.fromEntries(
      Object.entries(deploy.jobs as Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>).map(
        ([job, j]) => [job, j.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))?.with?.refresh],
      ),
    );
    expect(ups).toEqual({
      talos: undefined,
      platform: undefined,
      hetzner: undefined,
      authentik: true,
      cloudflare: undefined,
      services: undefined,
    });
    expect(deploy.on.workflow_dispatch.inputs.stack.options).toEqual(STACKS);
    expect(deploy.concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
  });

  test("pull requests get the offline plan without secrets, and a real preview only where secrets exist", () => {
    const preview = parse(readFileSync(join(DIR, "preview.yml"), "utf8"));
    expect(JSON.stringify(preview.jobs["offline-plan"])).not.toContain("secrets.");
    const steps = preview.jobs["pulumi-preview"].steps as { id?: string; if?: string; uses?: string }[];
    // The first step finds out whether the secrets exist; every later one runs only if they do.
    expect(steps.map((s) => s.id ?? s.if)).toEqual(["secrets", ...Array(4).fill("steps.secrets.outputs.available == 'true'")]);
    expect(steps.at(-1)?.uses).toBe("pulumi/actions@v6");
    // Every example stack, in dependency order.
    expect(preview.jobs["pulumi-preview"].strategy.matrix.stack).toEqual(STACKS);
  });

  test("talos and platform deploy from a self-hosted runner in the lab (repository variable LAB_RUNNER_LABEL, default any self-hosted runner); the edge's stacks from GitHub's, those that SSH to the edge from EDGE_RUNNER_LABEL's when it is set", () => {
    const deploy = parse(readFileSync(join(DIR, "deploy.yml"), "utf8"));
    const runsOn = Object.fromEntries(
      Object.entries(deploy.jobs as Record<string, { "runs-on": string }>).map(([job, j]) => [job, j["runs-on"]]),
    );
    const lab = "${{ vars.LAB_RUNNER_LABEL || 'self-hosted' }}";
    const edge = "${{ vars.EDGE_RUNNER_LABEL || 'ubuntu-latest' }}";
    expect(runsOn).toEqual({
      talos: lab,
      platform: lab,
      hetzner: edge,
      cloudflare: "ubuntu-latest",
      authentik: "ubuntu-latest",
      services: edge,
    });
    // The schema check does not read expressions: each runs-on expression names only the contexts
    // GitHub makes available there (github, needs, strategy, matrix, vars, inputs; contexts.md).
    const allowed = ["github", "needs", "strategy", "matrix", "vars", "inputs"];
    const contexts = (text: string) =>
      [...text.matchAll(/\$\{\{(.*?)\}\}/g)].flatMap(([, e]) => [...e!.matchAll(/\b([a-z_]+)\.[A-Za-z_]/g)].map((m) => m[1]!));
    expect(contexts(lab)).toEqual(["vars"]);
    expect(contexts(edge)).toEqual(["vars"]);
    for (const [job, value] of Object.entries(runsOn))
      expect(
        contexts(value).filter((c) => !allowed.includes(c)),
        job,
      ).toEqual([]);
    expect(contexts("${{ secrets.RUNNER }}").filter((c) => !allowed.includes(c))).toEqual(["secrets"]);
  });

  test("talos's talosctl goes into the job's own directory, for the runner's architecture", () => {
    const deploy = parse(readFileSync(join(DIR, "deploy.yml"), "utf8"));
    const job = deploy.jobs.talos as { env: Record<string, string>; steps: { name?: string; run?: string }[] };
    const script = job.steps.find((s) => s.name === "Install talosctl")!.run!;
    const work = mkdtempSync(join(tmpdir(), "talosctl-"));
    // A stand-in curl that records its arguments and writes the file asked for.
    writeFileSync(
      join(work, "curl"),
      '#!/bin/sh\necho "$@" >> "$CURL_LOG"\nwhile [ "$1" != "-o" ]; do shift; done\necho binary > "$2"\n',
    );
    chmodSync(join(work, "curl"), 0o755);
    const run = (arch: string) => {
      const temp = mkdtempSync(join(work, "runner-"));
      const env = {
        PATH: `${work}:${process.env.PATH}`,
        RUNNER_ARCH: arch,
        RUNNER_TEMP: temp,
        GITHUB_PATH: join(temp, "github_path"),
        CURL_LOG: join(temp, "curl.log"),
        TALOSCTL_VERSION: job.env.TALOSCTL_VERSION!,
      };
      writeFileSync(env.GITHUB_PATH, "");
      execFileSync("bash", ["-e", "-c", script], { env, stdio: NO_STDIN });
      return { temp, curl: readFileSync(env.CURL_LOG, "utf8"), path: readFileSync(env.GITHUB_PATH, "utf8") };
    };
    const arm = run("ARM64");
    expect(arm.curl).toBe(
      `-fsSL -o ${arm.temp}/bin/talosctl https://github.com/siderolabs/talos/releases/download/v1.13.9/talosctl-linux-arm64\n`,
    );
    expect(arm.path).toBe(`${arm.temp}/bin\n`);
    expect(readFileSync(join(arm.temp, "bin", "talosctl"), "utf8")).toBe("binary\n");
    expect(run("X64").curl).toContain("/talosctl-linux-amd64\n");
    expect(() => run("ARM")).toThrow(/talosctl: no release for runner architecture ARM/);
  });
});

describe("deploys that log in to the edge over SSH (hetzner, services)", () => {
  const ROOT = join(__dirname, "..", "..");
  const deploy = () => parse(readFileSync(join(DIR, "deploy.yml"), "utf8"));
  type Step = {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    env?: Record<string, string>;
    with?: Record<string, unknown>;
  };

  test("the hetzner and services jobs put EDGE_SSH_PRIVATE_KEY into an ssh-agent, check that the edge's SSH port answers, deploy, and stop the agent; no other job sees the key", () => {
    const jobs = deploy().jobs as Record<string, { steps: Step[] }>;
    for (const [job, stack] of [
      ["hetzner", "hetzner"],
      ["services", "services"],
    ] as const) {
      const steps = jobs[job]!.steps;
      expect(steps.map((s) => s.name ?? s.uses ?? s.run)).toEqual([
        "actions/checkout@v4",
        "actions/setup-node@v4",
        "npm ci",
        "SSH agent with the edge's key",
        "pulumi/actions@v6",
        "The edge's SSH port answers this runner",
        "pulumi/actions@v6",
        "Stop the SSH agent",
      ]);
      expect(steps[3]).toEqual({
        name: "SSH agent with the edge's key",
        env: { EDGE_SSH_PRIVATE_KEY: "${{ secrets.EDGE_SSH_PRIVATE_KEY }}" },
        run: "bash scripts/deploy-ssh-agent.sh",
      });
      // The first pulumi/actions step installs the CLI only, for the check.
      expect(steps[4]).toEqual({ uses: "pulumi/actions@v6" });
      expect(steps[5]).toEqual({
        name: "The edge's SSH port answers this runner",
        env: { EDGE_STACK: "hetzner" },
        run: "bash scripts/deploy-ssh-reachable.sh",
      });
      expect(steps[6]!.with).toMatchObject({ command: "up", "stack-name": stack });
      expect(steps[7]).toEqual({
        name: "Stop the SSH agent",
        if: "always()",
        run: 'if [ -n "${SSH_AGENT_PID:-}" ]; then ssh-agent -k >/dev/null; fi',
      });
    }
    // The key reaches that one step of those two jobs, and nothing else.
    const seen = Object.entries(jobs).flatMap(([job, j]) =>
      j.steps.flatMap((s, i) => (JSON.stringify(s).includes("EDGE_SSH_PRIVATE_KEY") ? [`${job}[${i}]`] : [])),
    );
    expect(seen).toEqual(["hetzner[3]", "services[3]"]);
    expect(JSON.stringify({ ...deploy(), jobs: {} })).not.toContain("EDGE_SSH_PRIVATE_KEY");
  });

  test("scripts/deploy-ssh-agent.sh: the key goes to an agent of the job's own through stdin, later steps get its socket, nothing prints the key; a bad key stops the job, a missing one warns", () => {
    const work = mkdtempSync(join(tmpdir(), "agent-"));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "deploy@ci", "-f", join(work, "key")]);
    const key = readFileSync(join(work, "key"), "utf8");
    const run = (secret: string | undefined) => {
      const temp = mkdtempSync(join(work, "runner-"));
      const env: Record<string, string> = { PATH: process.env.PATH!, RUNNER_TEMP: temp, GITHUB_ENV: join(temp, "github_env") };
      if (secret !== undefined) env.EDGE_SSH_PRIVATE_KEY = secret;
      writeFileSync(env.GITHUB_ENV!, "");
      const r = spawnSync("bash", [join(ROOT, "scripts", "deploy-ssh-agent.sh")], { env, encoding: "utf8", stdio: NO_STDIN });
      return { ...r, temp, githubEnv: readFileSync(env.GITHUB_ENV!, "utf8") };
    };
    const ok = run(key.trimEnd()); // as GitHub hands a secret over: no trailing newline
    try {
      expect(ok.status).toBe(0);
      const sock = join(ok.temp, "ssh-agent.sock");
      expect(ok.githubEnv).toMatch(new RegExp(`^SSH_AUTH_SOCK=${sock}\nSSH_AGENT_PID=\\d+\n$`));
      // Later steps reach the key through that socket.
      const listed = execFileSync("ssh-add", ["-l"], { env: { PATH: process.env.PATH!, SSH_AUTH_SOCK: sock }, encoding: "utf8" });
      expect(listed).toMatch(/^256 SHA256:\S+ deploy@ci \(ED25519\)\n$/);
      expect(ok.stdout).toBe(listed);
      for (const line of key.split("\n").filter((l) => l.length > 20)) expect(ok.stdout + ok.stderr).not.toContain(line);
    } finally {
      const pid = /SSH_AGENT_PID=(\d+)/.exec(ok.githubEnv)?.[1];
      if (pid) process.kill(Number(pid));
    }
    const bad = run("-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(
      /^::error::ssh-add refused EDGE_SSH_PRIVATE_KEY \(an unencrypted OpenSSH or PEM private key is needed\): /,
    );
    expect(bad.stderr).not.toContain("not a key");
    expect(bad.githubEnv).toBe("");
    // Its agent is stopped again (ssh-agent -k removes the socket).
    expect(existsSync(join(bad.temp, "ssh-agent.sock"))).toBe(false);
    const missing = run(undefined);
    expect(missing.status).toBe(0);
    expect(missing.stdout).toBe(
      "::warning::The repository secret EDGE_SSH_PRIVATE_KEY is not set: Pulumi logs in to the edge only with a private key in the stack's config (homelab:ssh.privateKey, homelab:edge.sshPrivateKey), and fails to without one.\n",
    );
    expect(missing.githubEnv).toBe("");
  });

  test("scripts/deploy-ssh-reachable.sh: an SSH port that answers lets the deploy go on; one that does not answer within 10 s stops it, saying why (GitHub's runners come from many changing addresses) and what to do; a refusal and a first deploy go on", async () => {
    const work = mkdtempSync(join(tmpdir(), "reachable-"));
    // A stand-in pulumi that answers `stack output --stack hetzner --json` with $OUTPUTS (or fails).
    writeFileSync(
      join(work, "pulumi"),
      '#!/bin/sh\necho "$@" >> "$PULUMI_LOG"\n[ -n "$OUTPUTS" ] || { echo "error: no stack named hetzner" >&2; exit 255; }\nprintf \'%s\\n\' "$OUTPUTS"\n',
    );
    chmodSync(join(work, "pulumi"), 0o755);
    const run = (outputs: string, path = `${work}:${process.env.PATH}`) => {
      const log = join(work, `pulumi-${Math.random()}.log`);
      const r = spawnSync("bash", [join(ROOT, "scripts", "deploy-ssh-reachable.sh")], {
        env: { PATH: path, OUTPUTS: outputs, PULUMI_LOG: log, EDGE_STACK: "hetzner" },
        encoding: "utf8",
        stdio: NO_STDIN,
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr, pulumi: readFileSync(log, "utf8") };
    };
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const open = (server.address() as AddressInfo).port;
    const closing = createServer().listen(0, "127.0.0.1");
    await once(closing, "listening");
    const closed = (closing.address() as AddressInfo).port;
    closing.close();
    await once(closing, "close");
    try {
      const answers = run(JSON.stringify({ sshHost: "127.0.0.1", sshPort: open, authentikToken: "[secret]" }));
      expect(answers).toEqual({
        status: 0,
        stdout: `SSH on 127.0.0.1 port ${open} answers this runner.\n`,
        stderr: "",
        pulumi: "stack output --stack hetzner --json\n",
      });
      expect(run(JSON.stringify({ sshHost: "127.0.0.1", sshPort: closed }))).toMatchObject({
        status: 0,
        stdout: `SSH on 127.0.0.1 port ${closed} refuses the connection (nothing listens there now); the deploy goes on and reports what it finds.\n`,
      });
      expect(run("")).toMatchObject({
        status: 0,
        stdout: "The hetzner stack has no sshHost output yet (its first deploy): nothing to check.\n",
        stderr: "",
      });
      // Packets dropped by the firewall: `timeout` ends the connect after 10 s (status 124).
      writeFileSync(join(work, "timeout"), "#!/bin/sh\nexit 124\n");
      chmodSync(join(work, "timeout"), 0o755);
      const dropped = run(JSON.stringify({ sshHost: "203.0.113.10", sshPort: 2222 }));
      expect(dropped.status).toBe(1);
      expect(dropped.stderr).toBe(
        "::error::SSH on 203.0.113.10 port 2222 does not answer this runner: the edge's firewall admits SSH only from the hetzner stack's homelab:ssh.allowFrom. GitHub-hosted runners come from many addresses, which change, so allowFrom cannot name them: run this job on a runner with a fixed address listed there (repository variable EDGE_RUNNER_LABEL), or set homelab:ssh.allowSshFromAnywhere: true (key-only logins).\n",
      );
    } finally {
      server.close();
    }
  });
});
