import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "@pulumi/kubernetes/apps/v1/deployment";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
import type { Secret } from "@pulumi/kubernetes/core/v1/secret";
import type * as k8s from "@pulumi/kubernetes/types/input";
import type { KubernetesObject } from "../lib/kubernetes";
import {
  NETBIRD_CLIENT_IMAGE,
  NETBIRD_CLOUD_MANAGEMENT_URL,
  peerNamespace,
  routingPeerDeployment,
  setupKeyHash,
  setupKeySecret,
} from "../lib/netbird";
import { applySecret, dependsOnOf } from "./kubernetes-parts";

export interface NetBirdPeerArgs {
  /**
   * A NetBird setup key that puts the peers in the group the network route names: reusable (every
   * replica and every new pod registers with it), ideally ephemeral (NetBird removes a pod's peer
   * once it has been offline a while). Kept secret end to end.
   */
  setupKey: pulumi.Input<string>;
  /** NetBird's management service. @default "https://api.netbird.io:443" (NetBird cloud, as the edge) */
  managementUrl?: string;
  /** The namespace made for the peers (labelled privileged for Pod Security). @default "netbird" */
  namespace?: string;
  /** Routing peers (pods), spread over nodes where they can be. @default 2 */
  replicas?: number;
  /** The NetBird client image. @default the pinned `netbirdio/netbird` release (lib/netbird.ts) */
  image?: string;
}

/**
 * NetBird routing peers in the cluster: the LAN side of the edge's tunnel. A privileged namespace,
 * the setup key as a Secret, and a Deployment of the NetBird client in the pod network with
 * NET_ADMIN (see lib/netbird.ts for why each). A rotated setup key replaces the Secret and rolls
 * the pods (the key's hash is in the pod template), so the new key is proven at once while the old
 * peers keep routing. What only NetBird's dashboard can do — the network route for the LAN through
 * the peers' group, the access policy from the edge — is in the README.
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { Provider } from "@pulumi/kubernetes/provider";
 * import { NetBirdPeer } from "homelab";
 *
 * const provider = new Provider("lab", { kubeconfig: new pulumi.StackReference("talos").requireOutput("kubeconfig") });
 * new NetBirdPeer("netbird-peer", {
 *   setupKey: new pulumi.Config().requireSecret("netbirdSetupKey"),
 *   replicas: 2,
 * }, { provider });
 */
export class NetBirdPeer extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:kubernetes:NetBirdPeer";

  public readonly namespace: Namespace;
  public readonly secret: Secret;
  public readonly deployment: Deployment;
  /** The Kubernetes objects declared (the setup key and its hash are secret Inputs). */
  public readonly objects: readonly KubernetesObject[];

  constructor(name: string, args: NetBirdPeerArgs, opts?: pulumi.ComponentResourceOptions) {
    const replicas = args.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new Error(`NetBirdPeer ${name}: replicas must be a whole number of at least 1, got ${replicas}`);
    }
    super(NetBirdPeer.__pulumiType, name, {}, opts);
    const dependsOn = dependsOnOf(opts);
    const setupKey = pulumi.secret(args.setupKey);

    const namespaceObject = peerNamespace(args.namespace ?? "netbird");
    this.namespace = new Namespace(`${name}-namespace`, { metadata: namespaceObject.metadata }, { parent: this, dependsOn });
    const namespace = this.namespace.metadata.name;

    const secretObject = setupKeySecret(`${name}-setup-key`, namespace, setupKey);
    this.secret = applySecret(this, `${name}-setup-key`, secretObject, dependsOn);

    const deploymentObject = routingPeerDeployment({
      name,
      namespace,
      image: args.image ?? NETBIRD_CLIENT_IMAGE,
      managementUrl: args.managementUrl ?? NETBIRD_CLOUD_MANAGEMENT_URL,
      replicas,
      // The name as a plain string and the Secret in dependsOn: the Deployment takes no input from
      // the Secret, so the Secret's delete-before-replace (a rotated key) never replaces it too.
      secretName: secretObject.metadata.name,
      setupKeyHash: setupKey.apply(setupKeyHash),
    });
    const { metadata, spec } = deploymentObject as KubernetesObject & { spec: k8s.apps.v1.DeploymentSpec };
    this.deployment = new Deployment(name, { metadata, spec }, { parent: this, dependsOn: [this.secret] });
    this.objects = [namespaceObject, secretObject, deploymentObject];
    this.registerOutputs({});
  }
}
