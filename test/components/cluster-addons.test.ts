import { describe, expect, test } from "vitest";
import { ClusterAddons } from "../../components/cluster-addons";
import { CHARTS } from "../../lib/platform-versions";
import { register } from "../helpers/pulumi";

describe("ClusterAddons", () => {
  test("both add-ons by default; metrics-server waits for the approver", async () => {
    const r = await register(() => new ClusterAddons("addons"));
    expect(r.childrenOf(r.get("addons", ClusterAddons.__pulumiType))).toEqual([
      "kubernetes:helm.sh/v3:Release::addons-kubelet-serving-cert-approver",
      "kubernetes:helm.sh/v3:Release::addons-metrics-server",
    ]);
    expect(r.get("addons-kubelet-serving-cert-approver").inputs).toMatchObject({
      name: "kubelet-serving-cert-approver",
      chart: "kubelet-serving-cert-approver",
      repositoryOpts: { repo: CHARTS.kubeletServingCertApprover.repo },
      version: CHARTS.kubeletServingCertApprover.version,
      namespace: "kubelet-serving-cert-approver",
    });
    expect(r.get("addons-metrics-server").inputs).toMatchObject({
      name: "metrics-server",
      chart: "metrics-server",
      version: CHARTS.metricsServer.version,
      namespace: "kube-system",
    });
    expect(r.names(r.get("addons-metrics-server").dependencies)).toEqual(["addons-kubelet-serving-cert-approver"]);
  });

  test("each is switchable; alone, metrics-server waits for dependsOn", async () => {
    const r = await register(
      () => new ClusterAddons("addons", { kubeletServingCertApprover: false, metricsServer: { version: "3.12.2" } }),
    );
    expect(r.childrenOf(r.get("addons", ClusterAddons.__pulumiType))).toEqual([
      "kubernetes:helm.sh/v3:Release::addons-metrics-server",
    ]);
    expect(r.get("addons-metrics-server").inputs.version).toBe("3.12.2");
    const none = await register(() => new ClusterAddons("addons", { kubeletServingCertApprover: false, metricsServer: false }));
    expect(none.childrenOf(none.get("addons", ClusterAddons.__pulumiType))).toEqual([]);
  });
});
