import { describe, expect, test } from "vitest";
import { kubernetesObjectProblems } from "../../cli/check";
import { EDGE_IMAGES } from "../../lib/edge";
import {
  NETBIRD_CLIENT_IMAGE,
  NETBIRD_CLOUD_MANAGEMENT_URL,
  peerNamespace,
  routingPeerDeployment,
  setupKeyHash,
  setupKeySecret,
} from "../../lib/netbird";

const deployment = routingPeerDeployment({
  name: "netbird-peer",
  namespace: "netbird",
  image: NETBIRD_CLIENT_IMAGE,
  managementUrl: NETBIRD_CLOUD_MANAGEMENT_URL,
  replicas: 2,
  secretName: "netbird-peer-setup-key",
  setupKeyHash: setupKeyHash("key"),
});

describe("NetBird objects", () => {
  test("the edge and the lab's peers run one pinned client release", () => {
    expect(NETBIRD_CLIENT_IMAGE).toBe("docker.io/netbirdio/netbird:0.67.1");
    expect(EDGE_IMAGES.netbird).toBe(NETBIRD_CLIENT_IMAGE);
  });

  test("the setup key's hash is its SHA-256 in hex", () => {
    expect(setupKeyHash("key")).toBe("2c70e12b7a0646f92279f427c7b38e7334d8e5389cff167a1dc30e73f826b683");
    expect(setupKeyHash("key ")).not.toBe(setupKeyHash("key"));
  });

  test.each([
    ["namespace", peerNamespace("netbird")],
    ["setup key Secret", setupKeySecret("netbird-peer-setup-key", "netbird", "key")],
    ["routing peer Deployment", deployment],
  ])("the %s is valid against its kubernetes-models schema", async (_name, object) => {
    expect(await kubernetesObjectProblems(object)).toEqual([]);
  });

  test("the check can fail: a Deployment with a wrong type is rejected", async () => {
    const broken = { ...deployment, spec: { ...(deployment.spec as object), replicas: "two" } };
    const problems = await kubernetesObjectProblems(broken);
    expect(problems).toHaveLength(1);
    expect(problems![0]).toContain("replicas");
  });
});
