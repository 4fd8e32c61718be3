import { readdirSync, readFileSync } from "node:fs";
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
});
