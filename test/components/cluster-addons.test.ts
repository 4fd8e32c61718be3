import { describe, expect, test } from "vitest";
import { ClusterAddons } from "../../components/cluster-addons";
import { CHARTS } from "../../lib/platform-versions";
import { register } from "../helpers/pulumi";

describe("ClusterAddons", () => {
  test("both add-ons by default: the approver from its release manifest, metrics-server from its chart, after the approver", async () => {
    const r = await register(() => new ClusterAddons("addons"));
    expect(r.childrenOf(r.get("addons", ClusterAddons.__pulumiType))).toEqual([
      "kubernetes:helm.sh/v3:Release::addons-metrics-server",
      "kubernetes:yaml/v2:ConfigFile::addons-kubelet-serving-cert-approver",
    ]);
    expect(r.get("addons-kubelet-serving-cert-approver").inputs).toEqual({
      file: "https://raw.githubusercontent.com/alex1989hu/kubelet-serving-cert-approver/v0.11.0/deploy/standalone-install.yaml",
    });
    expect(r.get("addons-metrics-server").inputs).toMatchObject({
      name: "metrics-server",
      chart: "metrics-server",
      repositoryOpts: { repo: CHARTS.metricsServer.repo },
      version: "3.13.1",
      namespace: "kube-system",
      values: {},
    });
    expect(r.names(r.get("addons-metrics-server").dependencies)).toEqual(["addons-kubelet-serving-cert-approver"]);
  });

  test("each is switchable and versioned; alone, metrics-server waits for dependsOn", async () => {
    const r = await register(
      () => new ClusterAddons("addons", { kubeletServingCertApprover: false, metricsServer: { version: "3.12.2" } }),
    );
    expect(r.childrenOf(r.get("addons", ClusterAddons.__pulumiType))).toEqual([
      "kubernetes:helm.sh/v3:Release::addons-metrics-server",
    ]);
    expect(r.get("addons-metrics-server").inputs.version).toBe("3.12.2");
    const approverOnly = await register(
      () => new ClusterAddons("addons", { kubeletServingCertApprover: { version: "v0.10.3" }, metricsServer: false }),
    );
    expect(approverOnly.childrenOf(approverOnly.get("addons", ClusterAddons.__pulumiType))).toEqual([
      "kubernetes:yaml/v2:ConfigFile::addons-kubelet-serving-cert-approver",
    ]);
    expect(approverOnly.get("addons-kubelet-serving-cert-approver").inputs.file).toContain(
      "/v0.10.3/deploy/standalone-install.yaml",
    );
  });
});
