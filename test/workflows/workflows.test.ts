import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { exampleStacks } from "../../cli/plan";

const DIR = join(__dirname, "..", "..", ".github", "workflows");
const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .sort();

/** Every example stack, in dependency order: each reads only stacks before it. */
const STACKS = ["talos", "platform", "hetzner", "authentik", "cloudflare", "services"];

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
    expect(deploy.jobs.authentik.needs).toBe("hetzner");
    expect(deploy.jobs.cloudflare.needs).toBe("hetzner");
    expect(deploy.jobs.services.needs).toEqual(["authentik", "cloudflare"]);
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

  test("talos and platform deploy from a self-hosted runner in the lab (repository variable LAB_RUNNER_LABEL, default any self-hosted runner); the edge's stacks from GitHub's", () => {
    const deploy = parse(readFileSync(join(DIR, "deploy.yml"), "utf8"));
    const runsOn = Object.fromEntries(
      Object.entries(deploy.jobs as Record<string, { "runs-on": string }>).map(([job, j]) => [job, j["runs-on"]]),
    );
    const lab = "${{ vars.LAB_RUNNER_LABEL || 'self-hosted' }}";
    expect(runsOn).toEqual({
      talos: lab,
      platform: lab,
      hetzner: "ubuntu-latest",
      authentik: "ubuntu-latest",
      cloudflare: "ubuntu-latest",
      services: "ubuntu-latest",
    });
    // The schema check does not read expressions: each runs-on expression names only the contexts
    // GitHub makes available there (github, needs, strategy, matrix, vars, inputs; contexts.md).
    const allowed = ["github", "needs", "strategy", "matrix", "vars", "inputs"];
    const contexts = (text: string) =>
      [...text.matchAll(/\$\{\{(.*?)\}\}/g)].flatMap(([, e]) => [...e!.matchAll(/\b([a-z_]+)\.[A-Za-z_]/g)].map((m) => m[1]!));
    expect(contexts(lab)).toEqual(["vars"]);
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
      execFileSync("bash", ["-e", "-c", script], { env, stdio: "pipe" });
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
