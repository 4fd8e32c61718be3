import { describe, expect, test } from "vitest";
import { Gateway } from "../../components/gateway";
import { register } from "../helpers/pulumi";

describe("Gateway", () => {
  test("children: the Gateway and its HTTPS redirect; the Gateway waits for dependsOn, the redirect for the Gateway", async () => {
    const r = await register(() => {
      const gateway = new Gateway(
        "homelab",
        { namespace: "gateway", domain: "lab.example.net", certificateSecret: "lab-tls", address: "10.0.0.200" },
        { dependsOn: [] },
      );
      return gateway.ref;
    });
    expect(r.childrenOf(r.get("homelab", Gateway.__pulumiType))).toEqual([
      "kubernetes:gateway.networking.k8s.io/v1:Gateway::homelab",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::homelab-https-redirect",
    ]);
    const gateway = r.get("homelab", "kubernetes:gateway.networking.k8s.io/v1:Gateway").inputs as Record<string, any>;
    expect(gateway.metadata).toEqual({
      name: "homelab",
      namespace: "gateway",
      annotations: { "pulumi.com/waitFor": "condition=Programmed", "pulumi.com/timeoutSeconds": "300" },
    });
    expect(gateway.spec.gatewayClassName).toBe("cilium");
    expect(gateway.spec.addresses).toEqual([{ type: "IPAddress", value: "10.0.0.200" }]);
    expect(gateway.spec.listeners[1].tls.certificateRefs).toEqual([{ kind: "Secret", group: "", name: "lab-tls" }]);
    expect(r.names(r.get("homelab-https-redirect").dependencies)).toEqual(["homelab"]);
    expect(r.result).toEqual({ name: "homelab", namespace: "gateway" });
  });

  test("programmedTimeout sets how long pulumi up waits for Programmed; the redirect route does not wait; a bad one is rejected first", async () => {
    const args = { namespace: "gateway", domain: "lab.example.net", certificateSecret: "lab-tls", address: "10.0.0.200" };
    const r = await register(() => new Gateway("homelab", { ...args, programmedTimeout: 900 }).ref);
    const gateway = r.get("homelab", "kubernetes:gateway.networking.k8s.io/v1:Gateway").inputs as Record<string, any>;
    expect(gateway.metadata.annotations).toEqual({
      "pulumi.com/waitFor": "condition=Programmed",
      "pulumi.com/timeoutSeconds": "900",
    });
    expect(r.get("homelab-https-redirect").inputs.metadata).toEqual({ name: "homelab-https-redirect", namespace: "gateway" });
    await expect(register(() => new Gateway("homelab", { ...args, programmedTimeout: -1 }).ref)).rejects.toThrow(
      "Gateway homelab: programmedTimeout must be a positive whole number of seconds, got -1",
    );
  });
});
