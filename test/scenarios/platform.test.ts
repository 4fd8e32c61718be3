import { describe, expect, test } from "vitest";
import { engineDiff } from "../../testing/engine";
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

  test("pointing the stack at another cluster (kubernetes.stack) is BLOCKED at the protected foundations: the Gateway API CRDs and Cilium are never replaced", async () => {
    const b = await plan("platform");
    const moved = await plan("platform", (c) => (c["homelab:kubernetes"] = { stack: "talos-lab2" }), { after: b });
    const d = diff(b, moved);
    const refused =
      "replacing a protected resource: the engine refuses and `pulumi up` stops here (unprotect it first: protect false, then the replacement)";
    expect(d.failures).toEqual([
      `kubernetes:yaml/v2:ConfigFile gateway-api: ${refused}`,
      `kubernetes:helm.sh/v3:Release cilium: ${refused}`,
      `kubernetes:cilium.io/v2:CiliumLoadBalancerIPPool cilium-pool: ${refused}`,
      `kubernetes:cilium.io/v2alpha1:CiliumL2AnnouncementPolicy cilium-l2: ${refused}`,
    ]);
    // The provider is replaced (a new clusterIdentifier), and with it every object it manages.
    expect(d.steps.find((s) => s.name === "kubernetes")!.op).toBe("replace");
    expect(steps(d).filter((s) => s.endsWith("[blocked]"))).toEqual([
      "create-replacement gateway-api [blocked]",
      "create-replacement cilium [blocked]",
      "create-replacement cilium-pool [blocked]",
      "create-replacement cilium-l2 [blocked]",
    ]);
  });

  test("pulumi destroy fails at the protected foundations (its preview already: nothing is deleted); with protection turned off first, it goes through", async () => {
    const b = await plan("platform");
    const destroy = engineDiff(b.planned, { stack: "platform", resources: [] });
    const refused =
      "deleting a protected resource: the engine refuses and `pulumi up` fails (set protect false and run `pulumi up` first)";
    expect(destroy.failures).toEqual([
      `kubernetes:cilium.io/v2alpha1:CiliumL2AnnouncementPolicy cilium-l2: ${refused}`,
      `kubernetes:cilium.io/v2:CiliumLoadBalancerIPPool cilium-pool: ${refused}`,
      `kubernetes:helm.sh/v3:Release cilium: ${refused}`,
      `homelab:kubernetes:CiliumInstall cilium: ${refused}`,
      `kubernetes:yaml/v2:ConfigFile gateway-api: ${refused}`,
      `homelab:kubernetes:GatewayApiCrds gateway-api: ${refused}`,
    ]);

    // Protection off: an update of the state alone (no provider call), then a destroy that goes through.
    const unprotected = await plan(
      "platform",
      (c) => {
        c["homelab:cilium"].protect = false;
        c["homelab:gateway"].crds = { protect: false };
      },
      { after: b },
    );
    const off = diff(b, unprotected);
    expect(operations(off)).toEqual({ "cilium Release": "update", "cilium-l2": "update", "cilium-pool": "update" });
    for (const s of off.steps) {
      expect(s.changes, s.name).toEqual([]);
      expect(s.notes, s.name).toEqual(["only its options change (protect): recorded in the state, no provider call"]);
    }
    expect(off.steps.filter((s) => s.component).map((s) => `${s.type} ${s.name}`)).toEqual([
      "kubernetes:yaml/v2:ConfigFile gateway-api",
      "homelab:kubernetes:CiliumInstall cilium",
      "homelab:kubernetes:GatewayApiCrds gateway-api",
    ]);
    expect(engineDiff(unprotected.planned, { stack: "platform", resources: [] }).failures).toEqual([]);
  });

  test("a wait timeout changed: that object's annotation is updated in place, and the update waits for the condition", async () => {
    const b = await plan("platform");
    const head = await plan(
      "platform",
      (c) => {
        c["homelab:certManager"].readyTimeout = { certificate: "30m" };
        c["homelab:gateway"].programmedTimeout = "10m";
      },
      { after: b },
    );
    const d = diff(b, head);
    expect(operations(d)).toEqual({ "cert-manager-wildcard": "update", homelab: "update" });
    expect(d.failures).toEqual([]);
    const step = (name: string) => d.steps.find((s) => s.name === name && !s.component)!;
    expect(step("cert-manager-wildcard").changes).toEqual([
      { path: 'metadata.annotations["pulumi.com/timeoutSeconds"]', before: "900", after: "1800", kind: "value" },
    ]);
    expect(step("cert-manager-wildcard").notes).toEqual([
      "waits for condition=Ready (up to 1800 s): `pulumi up` fails naming this object when it is not met",
    ]);
    expect(step("homelab").notes).toEqual([
      "waits for condition=Programmed (up to 600 s): `pulumi up` fails naming this object when it is not met",
    ]);
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
