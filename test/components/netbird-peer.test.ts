import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { NetBirdPeer, type NetBirdPeerArgs } from "../../components/netbird-peer";
import { register, reveal } from "../helpers/pulumi";

const KEY = "nb-setup-key-canary-51c2";
const KEY_SHA256 = createHash("sha256").update(KEY).digest("hex");

function build(args: Partial<NetBirdPeerArgs> = {}) {
  return register(() => new NetBirdPeer("peer", { setupKey: KEY, ...args }));
}

/** The Deployment's inputs with the secret annotation revealed (value, secretness). */
function deploymentOf(r: Awaited<ReturnType<typeof build>>) {
  const inputs = r.get("peer", "kubernetes:apps/v1:Deployment").inputs as {
    metadata: unknown;
    spec: { template: { metadata: { annotations: Record<string, unknown> } } };
  };
  const annotation = reveal(inputs.spec.template.metadata.annotations["homelab/setup-key-sha256"]);
  return { inputs, annotation };
}

describe("NetBirdPeer", () => {
  test("children: a privileged namespace, the setup key Secret and the Deployment", async () => {
    const r = await build();
    expect(r.childrenOf(r.get("peer", NetBirdPeer.__pulumiType))).toEqual([
      "kubernetes:apps/v1:Deployment::peer",
      "kubernetes:core/v1:Namespace::peer-namespace",
      "kubernetes:core/v1:Secret::peer-setup-key",
    ]);
    expect(r.get("peer-namespace").inputs).toEqual({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: "netbird",
        labels: {
          "pod-security.kubernetes.io/enforce": "privileged",
          "pod-security.kubernetes.io/audit": "privileged",
          "pod-security.kubernetes.io/warn": "privileged",
        },
      },
    });
  });

  test("the Deployment: the pinned client in the pod network with NET_ADMIN, the key from the Secret, NetBird cloud by default", async () => {
    const r = await build();
    const { inputs, annotation } = deploymentOf(r);
    expect(annotation).toEqual([KEY_SHA256, true]);
    const labels = { "app.kubernetes.io/name": "peer", "app.kubernetes.io/component": "routing-peer" };
    expect({ ...inputs, spec: { ...inputs.spec, template: { ...inputs.spec.template, metadata: { labels } } } }).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "peer", namespace: "netbird", labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: { "app.kubernetes.io/name": "peer" } },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: {
                      topologyKey: "kubernetes.io/hostname",
                      labelSelector: { matchLabels: { "app.kubernetes.io/name": "peer" } },
                    },
                  },
                ],
              },
            },
            containers: [
              {
                name: "netbird",
                image: "docker.io/netbirdio/netbird:0.67.1",
                env: [
                  { name: "NB_SETUP_KEY", valueFrom: { secretKeyRef: { name: "peer-setup-key", key: "setup-key" } } },
                  { name: "NB_MANAGEMENT_URL", value: "https://api.netbird.io:443" },
                ],
                securityContext: { capabilities: { add: ["NET_ADMIN"] } },
                readinessProbe: {
                  exec: { command: ["netbird", "status", "--check", "ready"] },
                  periodSeconds: 10,
                  timeoutSeconds: 5,
                },
                volumeMounts: [{ name: "state", mountPath: "/var/lib/netbird" }],
              },
            ],
            volumes: [{ name: "state", emptyDir: {} }],
          },
        },
      },
    });
    // Not in the node's network, not privileged: NET_ADMIN in the pod's own network namespace.
    expect(JSON.stringify(inputs)).not.toMatch(/hostNetwork|privileged|\/dev\/net\/tun/);
  });

  test("the setup key is secret in the Secret and appears nowhere else; the Deployment holds only its hash, secret too", async () => {
    const r = await build();
    const secret = r.get("peer-setup-key");
    expect(secret.inputs.metadata).toEqual({ name: "peer-setup-key", namespace: "netbird" });
    expect(secret.inputs.type).toBe("Opaque");
    expect(reveal(secret.inputs.stringData)).toEqual([{ "setup-key": KEY }, true]);
    const { inputs, annotation } = deploymentOf(r);
    expect(annotation[1]).toBe(true);
    expect(JSON.stringify(inputs)).not.toContain(KEY);
    expect(JSON.stringify(r.get("peer-namespace").inputs)).not.toContain(KEY);
    expect(JSON.stringify(r.get("peer", NetBirdPeer.__pulumiType).inputs)).not.toContain(KEY);
  });

  test("order: namespace → Secret → Deployment; the Deployment takes no input from the Secret (its dependsOn only)", async () => {
    const r = await build();
    expect(r.names(r.get("peer-namespace").dependencies)).toEqual([]);
    expect(r.names(r.get("peer-setup-key").dependencies)).toEqual(["peer-namespace"]);
    const deployment = r.get("peer", "kubernetes:apps/v1:Deployment");
    expect(r.names(deployment.dependencies)).toEqual(["peer-namespace", "peer-setup-key"]);
    expect(Object.fromEntries(Object.entries(deployment.propertyDependencies).map(([k, v]) => [k, r.names(v)]))).toEqual({
      apiVersion: [],
      kind: [],
      metadata: ["peer-namespace"],
      spec: [],
    });
  });

  test("settings: management URL, namespace, replicas and image", async () => {
    const r = await build({
      managementUrl: "https://netbird.example.net:443",
      namespace: "edge-tunnel",
      replicas: 3,
      image: "ghcr.io/netbirdio/netbird:0.67.4",
    });
    const inputs = r.get("peer", "kubernetes:apps/v1:Deployment").inputs as any;
    expect(inputs.metadata.namespace).toBe("edge-tunnel");
    expect(inputs.spec.replicas).toBe(3);
    expect(inputs.spec.template.spec.containers[0].image).toBe("ghcr.io/netbirdio/netbird:0.67.4");
    expect(inputs.spec.template.spec.containers[0].env[1]).toEqual({
      name: "NB_MANAGEMENT_URL",
      value: "https://netbird.example.net:443",
    });
    expect((r.get("peer-namespace").inputs as any).metadata.name).toBe("edge-tunnel");
    expect((r.get("peer-setup-key").inputs as any).metadata.namespace).toBe("edge-tunnel");
  });

  test("objects: what the plan writes, in order, the key masked by the caller", async () => {
    const r = await build();
    expect(r.result.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      "Namespace/netbird",
      "Secret/peer-setup-key",
      "Deployment/peer",
    ]);
  });

  test("replicas below one are rejected before anything is created", async () => {
    await expect(build({ replicas: 0 })).rejects.toThrow(
      "NetBirdPeer peer: replicas must be a whole number of at least 1, got 0",
    );
    await expect(build({ replicas: 1.5 })).rejects.toThrow(
      "NetBirdPeer peer: replicas must be a whole number of at least 1, got 1.5",
    );
  });
});
