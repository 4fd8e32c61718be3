import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { CiliumInstall } from "../../components/cilium-install";
import { GatewayApiCrds } from "../../components/gateway-api-crds";
import { ciliumValues } from "../../lib/cilium";
import { CHARTS } from "../../lib/platform-versions";
import { register } from "../helpers/pulumi";

describe("GatewayApiCrds", () => {
  test("the standard channel of the pinned release by default; experimental on request", async () => {
    const r = await register(() => {
      new GatewayApiCrds("crds");
      new GatewayApiCrds("experimental", { version: "v1.5.0", channel: "experimental" });
    });
    expect(r.childrenOf(r.get("crds", GatewayApiCrds.__pulumiType))).toEqual(["kubernetes:yaml/v2:ConfigFile::crds"]);
    expect(r.get("crds", "kubernetes:yaml/v2:ConfigFile").inputs).toEqual({
      file: "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml",
    });
    expect(r.get("experimental", "kubernetes:yaml/v2:ConfigFile").inputs.file).toBe(
      "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.0/experimental-install.yaml",
    );
  });
});

describe("CiliumInstall", () => {
  const pool = [{ start: "10.0.0.200", stop: "10.0.0.220" }];

  test("children: the release, the pool and the L2 policy; the objects wait for the release, the release for dependsOn", async () => {
    const r = await register(() => {
      const crds = new GatewayApiCrds("crds");
      return new CiliumInstall("cilium", { loadBalancerPool: pool }, { dependsOn: [crds] });
    });
    expect(r.childrenOf(r.get("cilium", CiliumInstall.__pulumiType))).toEqual([
      "kubernetes:cilium.io/v2:CiliumLoadBalancerIPPool::cilium-pool",
      "kubernetes:cilium.io/v2alpha1:CiliumL2AnnouncementPolicy::cilium-l2",
      "kubernetes:helm.sh/v3:Release::cilium",
    ]);
    const release = r.get("cilium", "kubernetes:helm.sh/v3:Release");
    expect(r.names(release.dependencies)).toEqual(["crds"]);
    expect(r.names(r.get("cilium-pool").dependencies)).toEqual(["cilium"]);
    expect(r.names(r.get("cilium-l2").dependencies)).toEqual(["cilium"]);
    // Every input the release gets (the values are pinned in test/lib/platform-objects.test.ts).
    expect(release.inputs).toEqual({
      name: "cilium",
      chart: "cilium",
      repositoryOpts: { repo: "https://helm.cilium.io/" },
      version: CHARTS.cilium.version,
      namespace: "kube-system",
      createNamespace: true,
      atomic: true,
      cleanupOnFail: true,
      timeout: 600,
      values: ciliumValues(),
      compat: "true",
    });
    expect(r.get("cilium-pool").inputs).toEqual({
      apiVersion: "cilium.io/v2",
      kind: "CiliumLoadBalancerIPPool",
      metadata: { name: "cilium" },
      spec: { blocks: [{ start: "10.0.0.200", stop: "10.0.0.220" }], allowFirstLastIPs: "Yes" },
    });
    expect(r.get("cilium-l2").inputs).toEqual({
      apiVersion: "cilium.io/v2alpha1",
      kind: "CiliumL2AnnouncementPolicy",
      metadata: { name: "cilium" },
      spec: {
        nodeSelector: { matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" }] },
        interfaces: ["^e.*"],
        loadBalancerIPs: true,
      },
    });
  });

  test("user values are deep-merged last: maps merge, lists replace", async () => {
    const r = await register(
      () =>
        new CiliumInstall("cilium", {
          version: "1.18.12",
          loadBalancerPool: pool,
          values: {
            hubble: { relay: { enabled: true } },
            gatewayAPI: { enableAlpn: false },
            securityContext: { capabilities: { ciliumAgent: ["NET_ADMIN"] } },
          },
        }),
    );
    const values = r.get("cilium", "kubernetes:helm.sh/v3:Release").inputs.values as Record<string, any>;
    expect(values.hubble).toEqual({ relay: { enabled: true } });
    expect(values.gatewayAPI).toEqual({
      enabled: true,
      enableAlpn: false,
      enableAppProtocol: true,
      gatewayClass: { create: "true" },
    });
    expect(values.securityContext.capabilities).toEqual({
      ciliumAgent: ["NET_ADMIN"],
      cleanCiliumState: ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"],
    });
    expect(r.get("cilium", "kubernetes:helm.sh/v3:Release").inputs.version).toBe("1.18.12");
    expect(r.result.installed.values).toEqual(values);
  });

  test("an empty pool is rejected before anything is created", async () => {
    let created = 0;
    await expect(
      register(() => {
        pulumi.runtime.registerStackTransformation(() => {
          created++;
          return undefined;
        });
        return new CiliumInstall("cilium", { loadBalancerPool: [] });
      }),
    ).rejects.toThrow("CiliumInstall cilium: loadBalancerPool needs at least one block");
    expect(created).toBe(0);
  });
});
