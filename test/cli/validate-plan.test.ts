import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";

/**
 * scripts/validate-plan.mjs (CI's schema check of the offline plan) against a stand-in for the
 * shared validator: an item of an Authentik type the shared transcription lacks is checked against
 * sdks/authentik/attributes.json instead, and any other failure stays a failure.
 */

const SCRIPT = join(__dirname, "..", "..", "scripts", "validate-plan.mjs");
const BINDING = "authentik:index/policyBinding:PolicyBinding";
const unlisted = (pointer: string, token: string) => ({
  doc: 1,
  pointer,
  message: `resource type '${token}' is not in authentik/terraform-provider-authentik-attributes.json`,
});

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Runs the script on a plan whose resources.json holds `inputs` for one PolicyBinding, the validator reporting `errors`. */
function validate(inputs: Record<string, unknown>, errors = [unlisted("/resources/0/type", BINDING)]) {
  const dir = mkdtempSync(join(tmpdir(), "homelab-validate-plan-"));
  dirs.push(dir);
  const resources = join(dir, "resources.json");
  writeFileSync(resources, JSON.stringify({ resources: [{ type: BINDING, name: "wiki-allow", inputs }] }));
  const report = {
    files: [
      { file: join(dir, "ok.yaml"), kind: "talos-machine-config", status: "ok", errors: [], summary: "1 document" },
      { file: resources, kind: "resources", status: "fail", errors, summary: "1 resources, 0 checked" },
    ],
  };
  writeFileSync(join(dir, "report.json"), JSON.stringify(report));
  const validator = join(dir, "validate");
  writeFileSync(validator, `#!/bin/sh\n[ "$1 $2" = '${dir} --json' ] || exit 2\ncat '${join(dir, "report.json")}'\n`);
  chmodSync(validator, 0o755);
  const run = spawnSync(process.execPath, [SCRIPT, dir], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, HOMELAB_VALIDATE_ARTIFACTS: validator },
  });
  return { code: run.status, lines: run.stdout.trim().split("\n") };
}

describe("scripts/validate-plan.mjs", () => {
  test("an item of a type the shared transcription lacks passes when its inputs are the provider's", () => {
    const r = validate({ enabled: true, group: "g-1", order: 0, target: "app-1" });
    expect(r.lines).toEqual([
      "ok   ok.yaml: 1 document",
      "ok   resources.json: 1 resources, 0 checked; 1 of its Authentik items against sdks/authentik/attributes.json",
      "1 Authentik items of types the shared transcription lacks were checked against sdks/authentik/attributes.json",
      "2 passed, 0 failed",
    ]);
    expect(r.code).toBe(0);
  });

  test("an input the provider does not have, or an argument the SDK requires left out, fails", () => {
    const r = validate({ group: "g-1", order: 0, targte: "app-1" });
    expect(r.lines.slice(1)).toEqual([
      `FAIL resources.json: /resources/0/type: ${BINDING} has no input targte (sdks/authentik/attributes.json)`,
      `     /resources/0/type: ${BINDING} needs target (sdks/authentik/attributes.json)`,
      "1 Authentik items of types the shared transcription lacks were checked against sdks/authentik/attributes.json",
      "1 passed, 1 failed",
    ]);
    expect(r.code).toBe(1);
  });

  test("any other failure stays a failure, and so does a type our transcription lacks too", () => {
    const r = validate({ order: 0, target: "app-1" }, [
      unlisted("/resources/0/type", BINDING),
      { doc: 1, pointer: "/resources/0/inputs/order", message: "must be integer" },
      unlisted("/resources/0/type", "authentik:index/notAType:NotAType"),
    ]);
    expect(r.lines.slice(1, 4)).toEqual([
      "FAIL resources.json: /resources/0/inputs/order: must be integer",
      `     /resources/0/type: resource type 'authentik:index/notAType:NotAType' is not in authentik/terraform-provider-authentik-attributes.json`,
      "1 Authentik items of types the shared transcription lacks were checked against sdks/authentik/attributes.json",
    ]);
    expect(r.lines.at(-1)).toBe("1 passed, 1 failed");
    expect(r.code).toBe(1);
  });
});
