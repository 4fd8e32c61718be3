import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { exampleStacks, PROJECT_ROOT } from "../../cli/plan";
import { planCli } from "../helpers/plan-cli";

// `npm run plan -- ... --policy`: the policy rules over what each program registered.

const { work, plan } = planCli("plan-policy-");

/** A file in the work directory. */
function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

/** The talos example with its cluster's protection off, as a dev stack would have it. */
function unprotectedTalos(): string {
  const document = parse(readFileSync(join(PROJECT_ROOT, "Pulumi.talos.yaml"), "utf8"));
  document.config["homelab:cluster"].protect = false;
  return file("Pulumi.talos-dev.yaml", stringify(document));
}

const VMS = ["cp1", "cp2", "cp3", "gpu1", "w1", "w2", "w3"];
const UNPROTECTED =
  "holds state and is not protected: set the program's protect config, or opt the stack out in the policy config";

describe("npm run plan -- --policy", () => {
  test("npm run plan -- --all --policy passes on the examples", async () => {
    const { code, stdout, stderr } = await plan("--all", "--policy");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const reports = stdout.split("\n").filter((line) => line.startsWith("Policy "));
    expect(reports).toEqual(exampleStacks().map((stack) => `Policy (homelab pack): stack ${stack} passes every rule.`));
    expect(exampleStacks()).toEqual(
      expect.arrayContaining(["authentik", "cloudflare", "hetzner", "platform", "services", "talos"]),
    );
    // Every check was judged: nothing the rules look at is unknown in the examples' plans.
    expect(stdout).not.toMatch(/^ {2}unknown /m);
  });

  test("a violation lists stack, level, rule, type, name and message, and exits 1", async () => {
    const { code, stdout } = await plan("talos", "--config", unprotectedTalos(), "--policy");
    expect(code).toBe(1);
    const report = stdout.slice(stdout.indexOf("Policy (homelab pack)"));
    expect(report).toBe(
      [
        "Policy (homelab pack): stack talos: 8 mandatory, 0 advisory violation(s):",
        ...VMS.map((n) => `  mandatory  [stateful-protected]  proxmoxve:index/vmLegacy:VmLegacy  homelab-${n}: ${UNPROTECTED}`),
        `  mandatory  [stateful-protected]  talos:machine/secrets:Secrets  homelab-secrets: ${UNPROTECTED}`,
        "",
      ].join("\n"),
    );
  });

  test("--policy-config opts the stack out (the same JSON as pulumi preview --policy-pack-config)", async () => {
    const config = file("dev-policy.json", JSON.stringify({ "stateful-protected": { required: false } }));
    const { code, stdout } = await plan("talos", "--config", unprotectedTalos(), "--policy", "--policy-config", config);
    expect(code).toBe(0);
    expect(stdout).toContain("Policy (homelab pack): stack talos passes every rule.\n");
    // Advisory: reported, not failing.
    const advisory = file("advisory.json", JSON.stringify({ "stateful-protected": "advisory" }));
    const second = await plan("talos", "--config", unprotectedTalos(), "--policy", "--policy-config", advisory);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("Policy (homelab pack): stack talos: 0 mandatory, 8 advisory violation(s):\n");
    expect(second.stdout).toContain(
      `  advisory   [stateful-protected]  proxmoxve:index/vmLegacy:VmLegacy  homelab-cp1: ${UNPROTECTED}\n`,
    );
  });

  test("with --format json the plan stays one JSON document and the report goes to stderr; markdown gets a table", async () => {
    const json = await plan("talos", "--config", unprotectedTalos(), "--policy", "--format", "json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).stack).toBe("talos");
    expect(json.stderr).toContain(
      `  mandatory  [stateful-protected]  talos:machine/secrets:Secrets  homelab-secrets: ${UNPROTECTED}\n`,
    );
    const markdown = await plan("talos", "--config", unprotectedTalos(), "--policy", "--format", "markdown");
    expect(markdown.code).toBe(1);
    expect(markdown.stdout).toContain(
      "### Policy: `talos` — 8 violation(s)\n\n| level | rule | type | name | message |\n| --- | --- | --- | --- | --- |\n" +
        `| mandatory | stateful-protected | \`proxmoxve:index/vmLegacy:VmLegacy\` | \`homelab-cp1\` | ${UNPROTECTED} |\n`,
    );
  });

  test("bad usage and a bad policy config exit 2 and plan nothing", async () => {
    const usage = await plan("talos", "--policy-config", "x.json");
    expect([usage.code, usage.stderr.split("\n")[0]]).toEqual([2, "plan: --policy-config needs --policy"]);
    const bad = file("bad-policy.json", JSON.stringify({ "firewall-exposure": { publicPorts: ["ssh"] } }));
    const result = await plan("talos", "--policy", "--policy-config", bad);
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `plan: --policy-config ${bad}: firewall-exposure.publicPorts: "ssh" is not like tcp/443, udp/51820, icmp, esp or gre\nNothing was planned.\n`,
    });
  });
});
