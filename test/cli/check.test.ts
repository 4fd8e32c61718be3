import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { checkPlanDir } from "../../cli/check";
import { main } from "../../cli/plan";

const work = mkdtempSync(join(tmpdir(), "check-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The plan of every example stack, written once. */
let planned: string;
beforeAll(async () => {
  planned = join(work, "plan");
  const code = await main(["--all", "--out", planned], { stdout: () => undefined, stderr: () => undefined, cwd: work });
  expect(code).toBe(0);
});

describe("npm run check", () => {
  test("every artifact of every example stack passes; scripts and unpinned charts are skipped", async () => {
    const results = await checkPlanDir(planned);
    expect(results.filter((r) => r.status === "fail")).toEqual([]);
    expect(results.filter((r) => r.status === "skip").map((r) => r.file)).toEqual([
      join("platform", "artifacts", "argocd.values.yaml"),
      join("platform", "artifacts", "metrics-server.values.yaml"),
      join("talos", "artifacts", "kubernetes-upgrade.sh"),
      join("talos", "artifacts", "talos-rollout.sh"),
    ]);
    expect(results.filter((r) => r.status === "ok")).toHaveLength(23);
  });

  test("a misspelt Talos key, a Kubernetes field of the wrong type and an unknown cert-manager value fail", async () => {
    const dir = join(work, "broken");
    cpSync(planned, dir, { recursive: true });
    const edit = (file: string, change: (text: string) => string) => {
      const path = join(dir, file);
      writeFileSync(path, change(readFileSync(path, "utf8")));
    };
    edit(join("talos", "artifacts", "cp1.talos.yaml"), (t) => t.replace("install:", "instal:"));
    // The pool's last lines are its spec's: an appended indented line lands in the spec.
    edit(join("platform", "artifacts", "ciliumloadbalancerippool-cilium.k8s.yaml"), (t) => `${t}  disabled: "no"\n`);
    edit(join("platform", "artifacts", "cert-manager.values.yaml"), (t) => `${t}crdz: {}\n`);
    const failed = (await checkPlanDir(dir)).filter((r) => r.status === "fail");
    expect(failed.map((r) => r.file)).toEqual([
      join("platform", "artifacts", "cert-manager.values.yaml"),
      join("platform", "artifacts", "ciliumloadbalancerippool-cilium.k8s.yaml"),
      join("talos", "artifacts", "cp1.talos.yaml"),
    ]);
    expect(failed[0]!.errors).toEqual(["/ must NOT have additional properties"]);
    expect(failed[1]!.errors[0]).toContain("disabled must be boolean");
    expect(failed[2]!.errors).toContain("doc 1: /machine must NOT have additional properties");
  });
});
