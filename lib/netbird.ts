import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { KubernetesObject } from "./kubernetes";

/**
 * NetBird, the tunnel between the edge VPS and the lab. The edge runs the client in its compose
 * project (lib/edge.ts); inside the cluster a routing peer (these objects, applied by the
 * NetBirdPeer component) carries the edge's traffic into the LAN. Pure: objects as plain data.
 */

/**
 * The NetBird client image, one pin for the edge and the lab. Release v0.67.1 of
 * netbirdio/netbird; its `.goreleaser.yaml` publishes the client (`client/Dockerfile`) as the
 * multi-arch manifest `netbirdio/netbird:<version>` (no `v`).
 */
export const NETBIRD_CLIENT_IMAGE = "docker.io/netbirdio/netbird:0.67.1";

/** NetBird's cloud management service: where both the edge's client and the lab's peer register unless config names another. */
export const NETBIRD_CLOUD_MANAGEMENT_URL = "https://api.netbird.io:443";

/** The key of the setup key inside its Secret. */
export const SETUP_KEY_KEY = "setup-key";

/**
 * The pod template's annotation holding the setup key's SHA-256: a rotated key changes the
 * template, so the Deployment rolls its pods onto the new key (pulumi-kubernetes never restarts
 * pods for a changed Secret by itself).
 */
export const SETUP_KEY_HASH_ANNOTATION = "homelab/setup-key-sha256";

/**
 * Where the client keeps its identity (WireGuard key, peer config): the profile manager's
 * `DefaultConfigPathDir` in v0.67.1 (`client/internal/profilemanager/service.go`).
 */
export const NETBIRD_STATE_DIR = "/var/lib/netbird";

/**
 * Pod Security Admission: Talos enforces `baseline`, which admits no NET_ADMIN. The peer's
 * namespace is `privileged` in all three modes, so applying the peer neither fails nor warns.
 */
export const PRIVILEGED_NAMESPACE_LABELS: Readonly<Record<string, string>> = {
  "pod-security.kubernetes.io/enforce": "privileged",
  "pod-security.kubernetes.io/audit": "privileged",
  "pod-security.kubernetes.io/warn": "privileged",
};

/** The SHA-256 (hex) of a setup key, for {@link SETUP_KEY_HASH_ANNOTATION}. Call it inside a secret Output only. */
export function setupKeyHash(setupKey: string): string {
  return createHash("sha256").update(setupKey).digest("hex");
}

/** The routing peer's namespace, privileged for Pod Security. */
export function peerNamespace(name: string): KubernetesObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { ...PRIVILEGED_NAMESPACE_LABELS } } };
}

/** The Secret the peers read the setup key from (`setupKey` stays a secret Input). */
export function setupKeySecret(name: string, namespace: pulumi.Input<string>, setupKey: pulumi.Input<string>): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace },
    type: "Opaque",
    stringData: { [SETUP_KEY_KEY]: setupKey },
  };
}

/** Inputs of {@link routingPeerDeployment}. */
export interface RoutingPeerOptions {
  readonly name: string;
  readonly namespace: pulumi.Input<string>;
  readonly image: string;
  readonly managementUrl: string;
  readonly replicas: number;
  /** The Secret holding the setup key under {@link SETUP_KEY_KEY}. */
  readonly secretName: string;
  /** {@link setupKeyHash} of the key (a secret Input). */
  readonly setupKeyHash: pulumi.Input<string>;
}

/**
 * The routing peers: a Deployment of the NetBird client, the way NetBird's own Kubernetes operator
 * runs its routers (`internal/controller/nbroutingpeer_controller.go`): in the pod network (not the
 * node's: NetBird's routes and nftables stay in the pod's namespace, away from Cilium's), with
 * NET_ADMIN for its WireGuard interface and firewall, the setup key from a Secret and the
 * management URL in the environment. Talos's kernel has WireGuard (Talos makes WireGuard links
 * itself: its `WireguardConfig` document, KubeSpan), so the client runs kernel WireGuard in the
 * pod's namespace and needs no `/dev/net/tun`, which only its userspace fallback opens.
 *
 * Each pod registers as a peer of the setup key's groups (its name in NetBird is the pod's); a
 * network route through that group has every replica route the LAN, masquerading, so the edge
 * fails over between them. Replicas spread over nodes where they can, and a rollout starts a new
 * peer before an old one stops. The state directory is an `emptyDir`: a restarted container keeps
 * its peer, a new pod registers a new one (an ephemeral setup key lets NetBird remove the old).
 * Ready means the daemon needs no login (`netbird status --check ready`, which the pinned release
 * has), so a rollout with a bad key stops with the old peers still routing. No API
 * token is mounted: the client never talks to Kubernetes.
 */
export function routingPeerDeployment(o: RoutingPeerOptions): KubernetesObject {
  const labels = { "app.kubernetes.io/name": o.name, "app.kubernetes.io/component": "routing-peer" };
  const selector = { "app.kubernetes.io/name": o.name };
  const spec: k8s.apps.v1.DeploymentSpec = {
    replicas: o.replicas,
    selector: { matchLabels: selector },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: {
      metadata: { labels, annotations: { [SETUP_KEY_HASH_ANNOTATION]: o.setupKeyHash } },
      spec: {
        automountServiceAccountToken: false,
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: selector } },
              },
            ],
          },
        },
        containers: [
          {
            name: "netbird",
            image: o.image,
            env: [
              { name: "NB_SETUP_KEY", valueFrom: { secretKeyRef: { name: o.secretName, key: SETUP_KEY_KEY } } },
              { name: "NB_MANAGEMENT_URL", value: o.managementUrl },
            ],
            securityContext: { capabilities: { add: ["NET_ADMIN"] } },
            readinessProbe: {
              exec: { command: ["netbird", "status", "--check", "ready"] },
              periodSeconds: 10,
              timeoutSeconds: 5,
            },
            volumeMounts: [{ name: "state", mountPath: NETBIRD_STATE_DIR }],
          },
        ],
        volumes: [{ name: "state", emptyDir: {} }],
      },
    },
  };
  return { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: o.name, namespace: o.namespace, labels }, spec };
}
