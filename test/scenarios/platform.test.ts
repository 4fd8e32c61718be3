import { describe, expect, test } from "vitest";
import { diff, operations, plan, steps } from "./harness";

/** Day 2 of the platform (Pulumi.platform.yaml): what `pulumi up` does with a chart bump and a category removed. */

describe("day 2 of the platform", () => {
  test("a chart version bumped: that release only, an update (helm upgrade), nothing replaced", async () => {
    const b = await plan("platform");
    const head = await plan("platform", (c) => (c["homelab:certManager"].version = "v1.21.2"), { after: b });
    const d = diff(b, head);
    expect(operations(d)).toEqual({ "cert-manager": "update" });
    expect(d.steps[0]!.changes.map((c) => [c.path, c.before, c.after])).toEqual([["version", "v1.21.1", "v1.21.2"]]);
  });

  test("an Argo CD category removed: its ApplicationSet is deleted (a stateful delete, listed first); nothing else changes", async () => {
    const b = await plan("platform");
    const head = await plan("platform", (c) => (c["homelab:argocd"].categories = ["infra", "media"]), { after: b });
    const d = diff(b, head);
    expect(operations(d)).toEqual({ "argocd-apps-monitoring": "delete" });
    expect(d.steps[0]!.stateful).toBe("an ApplicationSet and the Applications it generated");
    expect(d.sequence.map((s) => `${s.action} ${s.name}`)).toEqual(["delete argocd-apps-monitoring"]);
  });

  test("a rotated kubeconfig (same cluster) updates the Kubernetes provider; no object is replaced", async () => {
    const b = await plan("platform");
    const rotated = await plan("platform", undefined, {
      answer: (type, _name, inputs) =>
        type === "pulumi:pulumi:StackReference" && inputs.name === "talos"
          ? {
              id: "talos",
              state: {
                outputs: {
                  kubeconfig: "rotated kubeconfig",
                  nodeIps: {},
                  endpoint: "https://10.20.0.10:6443",
                  kubeletServingCertificates: true,
                },
                secretOutputNames: ["kubeconfig"],
              },
            }
          : undefined,
    });
    const d = diff(b, rotated);
    expect(operations(d)).toEqual({ kubernetes: "update" });
    expect(d.steps[0]!.notes).toEqual([]);
  });

  test("the NetBird peer turned on: exactly its namespace, setup key Secret and Deployment are created, in that order", async () => {
    const b = await plan("platform", (c) => delete c["homelab:netbird"]);
    const head = await plan("platform", undefined, { after: b });
    const d = diff(b, head);
    expect(operations(d)).toEqual({
      "netbird-peer Deployment": "create",
      "netbird-peer-namespace": "create",
      "netbird-peer-setup-key": "create",
    });
    expect(steps(d)).toEqual([
      "create netbird-peer-namespace",
      "create netbird-peer-setup-key",
      "create netbird-peer Deployment",
    ]);
  });

  test("a rotated NetBird setup key replaces its Secret and rolls the peers (the pod template's key hash); the key never shows", async () => {
    const b = await plan("platform");
    const head = await plan(
      "platform",
      (c) => (c["homelab:netbird"] = { ...c["homelab:netbird"], setupKey: "rotated-setup-key" }),
      {
        after: b,
      },
    );
    const d = diff(b, head);
    // pulumi-kubernetes replaces a Secret whose data changes; a fixed name deletes it first. The
    // Deployment takes no input from it (only dependsOn), so it is updated, not replaced with it.
    expect(operations(d)).toEqual({
      "netbird-peer": "update",
      "netbird-peer-setup-key": "replace (delete-before-replace)",
    });
    expect(d.steps.map((s) => [s.name, s.changes.map((c) => [c.path, c.kind])])).toEqual([
      ["netbird-peer-setup-key", [["stringData", "secret"]]],
      ["netbird-peer", [['spec.template.metadata.annotations["homelab/setup-key-sha256"]', "secret"]]],
    ]);
    expect(steps(d)).toEqual([
      "delete-replaced netbird-peer-setup-key",
      "create-replacement netbird-peer-setup-key",
      "update netbird-peer",
    ]);
    expect(JSON.stringify(d)).not.toContain("rotated-setup-key");
  });
});
