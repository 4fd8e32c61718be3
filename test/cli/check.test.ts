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
      join("hetzner", "artifacts", "edge-host-key.sh"),
      join("hetzner", "artifacts", "edge-postgresql-backup.sh"),
      join("hetzner", "artifacts", "edge-ssh.sh"),
      join("platform", "artifacts", "argocd.values.yaml"),
      join("platform", "artifacts", "metrics-server.values.yaml"),
      join("talos", "artifacts", "kubernetes-upgrade.sh"),
      join("talos", "artifacts", "talos-rollout.sh"),
    ]);
    expect(results.filter((r) => r.status === "ok")).toHaveLength(34);
    expect(
      results.filter((r) => /(traefik|traefik-static|cloud-init|compose)\.yaml$/.test(r.file)).map((r) => [r.file, r.status]),
    ).toEqual([
      [join("hetzner", "artifacts", "authentik.traefik.yaml"), "ok"],
      [join("hetzner", "artifacts", "edge.cloud-init.yaml"), "ok"],
      [join("hetzner", "artifacts", "edge.compose.yaml"), "ok"],
      [join("hetzner", "artifacts", "edge.traefik-static.yaml"), "ok"],
      [join("services", "artifacts", "jellyfin.traefik.yaml"), "ok"],
      [join("services", "artifacts", "status.traefik.yaml"), "ok"],
      [join("services", "artifacts", "wiki.traefik.yaml"), "ok"],
    ]);
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
    expect(failed[0]!.errors).toEqual(["/ must NOT have additional properties 'crdz'"]);
    expect(failed[1]!.errors[0]).toContain("disabled must be boolean");
    expect(failed[2]!.errors).toContain("doc 1: /machine must NOT have additional properties");
  });

  test("a misspelt Traefik key, an unknown static key, a cloud-config without its header and a bad compose value fail", async () => {
    const dir = join(work, "broken-edge");
    cpSync(join(planned, "hetzner"), dir, { recursive: true });
    const edit = (file: string, change: (text: string) => string) => {
      const path = join(dir, "artifacts", file);
      writeFileSync(path, change(readFileSync(path, "utf8")));
    };
    edit("authentik.traefik.yaml", (t) => t.replace("trustForwardHeader:", "trustForwardHeaders:"));
    edit("edge.traefik-static.yaml", (t) => `${t}pilot: {}\n`);
    edit("edge.cloud-init.yaml", (t) => t.replace("#cloud-config\n", ""));
    edit("edge.compose.yaml", (t) => t.replace("restart: unless-stopped", "restart: [always]"));
    const failed = (await checkPlanDir(dir)).filter((r) => r.status === "fail");
    expect(Object.fromEntries(failed.map((r) => [r.file, r.errors[0]]))).toEqual({
      [join("artifacts", "authentik.traefik.yaml")]:
        "/http/middlewares/authentik/forwardAuth must NOT have additional properties 'trustForwardHeaders'",
      [join("artifacts", "edge.cloud-init.yaml")]: "line 1 must be #cloud-config",
      [join("artifacts", "edge.compose.yaml")]: "/services/traefik/restart must be string",
      [join("artifacts", "edge.traefik-static.yaml")]: "/ must NOT have additional properties 'pilot'",
    });
  });
});
