import { describe, expect, test } from "vitest";
import { engineDiff } from "../../testing/engine";
import { ArgoCdCluster } from "./argocd";
import { diff, operations, plan, steps } from "./harness";

/**
 * Day 2 of the platform (Pulumi.platform.yaml): what `pulumi up` does with a chart bump, a category
 * removed, a rotated kubeconfig, another cluster, a destroy, a wait timeout and protection turned off.
 */

/** The example apps repository: `apps/<category>/<app>`. */
const GIT = [
  "apps/infra/homepage",
  "apps/media/immich",
  "apps/media/jellyfin",
  "apps/monitoring/grafana",
  "apps/monitoring/node-exporter",
];

/** The engine's note on an ApplicationSet deleted as this version deploys it. */
const ORPHANED =
  'deleted with orphan propagation (metadata.annotations["pulumi.com/deletionPropagationPolicy"] orphan in the state): the Applications it generated stay, with what they deployed: Kubernetes only removes their ownerReferences';

/** Each Application's controlling ApplicationSet. */
function owners(cluster: ArgoCdCluster): Record<string, string> {
  return Object.fromEntries([...cluster.applications.values()].map((a) => [a.name, a.owner ?? "(none)"]).sort());
}

describe("day 2 of the platform", () => {
  test("a chart version bumped: that release only, an update (helm upgrade), nothing replaced", async () => {
    const b = await plan("platform");
    const head = await plan("platform", (c) => (c["homelab:certManager"].version = "v1.21.2"), { after: b });
    const d = diff(b, head);
    expect(operations(d)).toEqual({ "cert-manager": "update" });
    expect(d.steps[0]!.changes.map((c) => [c.path, c.before, c.after])).toEqual([["version", "v1.21.1", "v1.21.2"]]);
  });

  test("an Argo CD category removed: its ApplicationSet is deleted with orphan propagation; its Applications stay, and nothing they deployed is deleted; the category added back adopts them", async () => {
    const b = await plan("platform");
    const head = await plan(
      "platform",
      (c) => {
        c["homelab:argocd"].categories = ["infra", "media"];
        delete c["homelab:argocd"].podSecurity;
      },
      { after: b },
    );
    const d = diff(b, head);
    expect(operations(d)).toEqual({ "argocd-apps-monitoring": "delete" });
    expect(d.steps[0]!.stateful).toBe("an ApplicationSet; the Applications it generated too, unless the delete orphans them");
    expect(d.steps[0]!.notes).toEqual([ORPHANED]);
    expect(d.sequence.map((s) => `${s.action} ${s.name}`)).toEqual(["delete argocd-apps-monitoring"]);

    // In the cluster: the monitoring apps run on, owned by no set, still synced from git.
    const cluster = ArgoCdCluster.deployed(GIT, b.planned);
    const deployed = [...cluster.objects];
    for (const settleBetween of [true, false]) {
      const c = ArgoCdCluster.deployed(GIT, b.planned);
      c.carryOut(d, b.planned, head.planned, settleBetween);
      expect(c.deleted).toEqual([]);
      expect([...c.objects]).toEqual(deployed);
      expect(owners(c)).toEqual({
        "infra-homepage": "apps-infra",
        "media-immich": "apps-media",
        "media-jellyfin": "apps-media",
        "monitoring-grafana": "(none)",
        "monitoring-node-exporter": "(none)",
      });
    }
    cluster.carryOut(d, b.planned, head.planned, true);
    expect(cluster.applications.get("monitoring-grafana")).toEqual({
      name: "monitoring-grafana",
      finalizers: [],
      path: "apps/monitoring/grafana",
      namespace: "grafana",
      labels: { "homelab/category": "monitoring" },
      namespaceLabels: { "pod-security.kubernetes.io/enforce": "privileged" },
    });

    // Added back: its set takes the Applications over (same names), deleting nothing.
    const back = await plan("platform", undefined, { after: head });
    const again = diff(head, back);
    expect(operations(again)).toEqual({ "argocd-apps-monitoring": "create" });
    cluster.carryOut(again, head.planned, back.planned, true);
    expect(cluster.deleted).toEqual([]);
    expect(owners(cluster)["monitoring-grafana"]).toBe("apps-monitoring");
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

describe("day 2 of Argo CD: nothing an app deployed is deleted by accident", () => {
  const single = (c: Record<string, any>) => {
    c["homelab:argocd"].applicationSets = "single";
    c["homelab:argocd"].categories = [];
  };

  test("switching per-category → single and back: the new set adopts the same Applications (created first, the old sets orphan them last); nothing is deleted, however the controllers interleave", async () => {
    const b = await plan("platform");
    const one = await plan("platform", single, { after: b });
    const d = diff(b, one);
    expect(operations(d)).toEqual({
      "argocd-apps": "create",
      "argocd-apps-infra": "delete",
      "argocd-apps-media": "delete",
      "argocd-apps-monitoring": "delete",
    });
    expect(steps(d)).toEqual([
      "create argocd-apps",
      "delete argocd-apps-monitoring",
      "delete argocd-apps-media",
      "delete argocd-apps-infra",
    ]);
    for (const s of d.steps.filter((s) => s.op === "delete")) expect(s.notes, s.name).toEqual([ORPHANED]);

    const deployed = [...ArgoCdCluster.deployed(GIT, b.planned).objects];
    for (const settleBetween of [true, false]) {
      const cluster = ArgoCdCluster.deployed(GIT, b.planned);
      const seen: string[] = [];
      cluster.carryOut(d, b.planned, one.planned, settleBetween, (step) => {
        if (step.name === "argocd-apps") seen.push(cluster.errors.get("apps") ?? "no error");
      });
      // While the old sets still own them, the new one reports each Application it cannot take.
      expect(seen).toEqual([
        settleBetween
          ? "Object argocd/infra-homepage is already owned by another ApplicationSet controller apps-infra"
          : "no error",
      ]);
      expect(cluster.deleted).toEqual([]);
      expect([...cluster.objects]).toEqual(deployed);
      expect(cluster.errors).toEqual(new Map());
      expect(owners(cluster)).toEqual({
        "infra-homepage": "apps",
        "media-immich": "apps",
        "media-jellyfin": "apps",
        "monitoring-grafana": "apps",
        "monitoring-node-exporter": "apps",
      });
      // The single set chooses each category's level: monitoring's stays privileged.
      expect(cluster.namespaces.get("grafana")).toEqual({ "pod-security.kubernetes.io/enforce": "privileged" });
      expect(cluster.namespaces.get("jellyfin")).toEqual({ "pod-security.kubernetes.io/enforce": "baseline" });

      const back = await plan("platform", undefined, { after: one });
      const d2 = diff(one, back);
      expect(operations(d2)).toEqual({
        "argocd-apps": "delete",
        "argocd-apps-infra": "create",
        "argocd-apps-media": "create",
        "argocd-apps-monitoring": "create",
      });
      cluster.carryOut(d2, one.planned, back.planned, settleBetween);
      expect(cluster.deleted).toEqual([]);
      expect([...cluster.objects]).toEqual(deployed);
      expect(owners(cluster)["media-jellyfin"]).toBe("apps-media");
    }
  });

  test("an app directory deleted from git: its set deletes the Application, what it deployed stays; moved to another category: the new Application takes it over; deleted on purpose: kubectl delete namespace, or argocd app delete for an app no set owns", async () => {
    const b = await plan("platform");
    const cluster = ArgoCdCluster.deployed(GIT, b.planned);
    cluster.git = GIT.filter((dir) => dir !== "apps/media/immich");
    cluster.settle();
    expect(cluster.applications.has("media-immich")).toBe(false);
    expect(cluster.deleted).toEqual([]);
    expect(cluster.objects.get("immich/PersistentVolumeClaim/immich-data")).toBe("media-immich");
    // On purpose: the namespace, and everything in it.
    cluster.deleteNamespace("immich");
    expect(cluster.deleted).toEqual(["immich/Deployment/immich", "immich/PersistentVolumeClaim/immich-data"]);

    // Moved from media to infra: renamed, and the new Application syncs the same objects.
    const moved = ArgoCdCluster.deployed(GIT, b.planned);
    moved.git = GIT.map((dir) => (dir === "apps/media/jellyfin" ? "apps/infra/jellyfin" : dir));
    moved.settle();
    expect(moved.deleted).toEqual([]);
    expect(moved.objects.get("jellyfin/PersistentVolumeClaim/jellyfin-data")).toBe("infra-jellyfin");
    expect(owners(moved)["infra-jellyfin"]).toBe("apps-infra");

    // An app whose category is gone: argocd app delete cascades; --cascade=false leaves its objects.
    const head = await plan(
      "platform",
      (c) => {
        c["homelab:argocd"].categories = ["infra", "media"];
        delete c["homelab:argocd"].podSecurity;
      },
      { after: b },
    );
    const orphaned = ArgoCdCluster.deployed(GIT, b.planned);
    orphaned.carryOut(diff(b, head), b.planned, head.planned, true);
    orphaned.argocdAppDelete("monitoring-node-exporter", false);
    orphaned.argocdAppDelete("monitoring-grafana");
    orphaned.settle();
    expect(orphaned.deleted).toEqual(["grafana/Deployment/grafana", "grafana/PersistentVolumeClaim/grafana-data"]);
    expect(orphaned.objects.get("node-exporter/Deployment/node-exporter")).toBe("monitoring-node-exporter");
    expect([...orphaned.applications.keys()].filter((n) => n.startsWith("monitoring-"))).toEqual([]);
  });

  test("Application names are <category>-<app>: one app name in two categories stays two Applications; names that still meet (apps/a-b/c, apps/a/b-c) are reported in the set's status, the second not generated", async () => {
    const head = await plan("platform", single);
    const twice = ArgoCdCluster.deployed(["apps/infra/grafana", "apps/monitoring/grafana"], head.planned);
    expect(owners(twice)).toEqual({ "infra-grafana": "apps", "monitoring-grafana": "apps" });
    expect(twice.errors).toEqual(new Map());

    const meeting = ArgoCdCluster.deployed(["apps/a-b/c", "apps/a/b-c"], head.planned);
    expect(meeting.errors).toEqual(new Map([["apps", "ApplicationSet apps contains applications with duplicate name: a-b-c"]]));
    expect([...meeting.applications.values()].map((a) => [a.name, a.path])).toEqual([["a-b-c", "apps/a-b/c"]]);
  });

  test("a rotated repository token: only the repository Secret is replaced (deleted first: a named Secret whose data changes); no release, ApplicationSet or pod restarts; the token never shows", async () => {
    const b = await plan("platform");
    const head = await plan("platform", (c) => (c["homelab:argocd"].repo.credentials = { token: "rotated-repo-token" }), {
      after: b,
    });
    const d = diff(b, head);
    expect(operations(d)).toEqual({ "argocd-repo": "replace (delete-before-replace)" });
    expect(d.steps[0]!.changes.map((c) => [c.path, c.kind])).toEqual([["stringData", "secret"]]);
    expect(steps(d)).toEqual(["delete-replaced argocd-repo", "create-replacement argocd-repo"]);
    expect(JSON.stringify(d)).not.toContain("rotated-repo-token");
  });
});
