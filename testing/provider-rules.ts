/**
 * What each provider does with a change, as data: for every resource type the six programs
 * register, the inputs whose change replaces the resource (Terraform `ForceNew` /
 * `RequiresReplace`, Kubernetes force-new fields, Pulumi package `replaceOnChanges`), the order a
 * replacement takes when the provider decides it, what a delete does, and updates with side
 * effects. Each entry names the source it was transcribed from (repository, path, version).
 *
 * The engine-faithful plan diff (`testing/engine.ts`) reads this with the options the SDK sent on
 * the wire; `test/testing/provider-rules.test.ts` fails when a program registers a type that has
 * no entry here. Paths are Pulumi property paths (`disks[*].fileId`, `*` any key or index).
 *
 * Facts only: every line is what the provider's own code does, read at the versions named.
 */

/** A replacing input, optionally only under a condition on the new inputs. */
export type ReplaceOn =
  | string
  | {
      readonly path: string;
      /** Only a change of exactly this path (the whole input set, unset or swapped), not one below it. */
      readonly exact?: true;
      /** Not a replacement when the input at `path` has this value (e.g. `migrate: true`). */
      readonly unless?: { readonly path: string; readonly equals: unknown };
      /** A replacement only when a version goes down (a higher one is an update). */
      readonly onlyLower?: true;
      readonly note?: string;
    };

export interface TypeRules {
  /** Where these rules were read: repository, path, version or commit. */
  readonly source: string;
  /** A component (no provider: its children carry the changes). */
  readonly component?: true;
  /** Read every run, never managed (`pulumi:pulumi:StackReference`). */
  readonly read?: true;
  /** Inputs whose change replaces the resource. */
  readonly replaceOn?: readonly ReplaceOn[];
  /**
   * The order of a replacement the provider asks for (the `deleteBeforeReplace` option overrides
   * it): `named` deletes first when the resource has an explicit name at this input path (the
   * Terraform bridge for an auto-named `name`; Kubernetes for `metadata.name`). Default: create first.
   */
  readonly providerDeleteBeforeReplace?: { readonly whenSet: string };
  /** What deleting it destroys: set for resources whose delete loses data, access or a running machine. */
  readonly stateful?: string;
  /** The provider refuses to delete it while an input has a value (a `pulumi up` that deletes it fails). */
  readonly deleteRefusedWhen?: { readonly path: string; readonly equals: unknown; readonly why: string };
  /**
   * Kubernetes: what a delete does to the objects this one owns, by the propagation policy the
   * provider sends: `annotation` (an input path) in the inputs of the state, else foreground.
   */
  readonly deletePropagation?: {
    readonly annotation: string;
    readonly source: string;
    readonly effects: Readonly<Record<"foreground" | "background" | "orphan", string>>;
  };
  /** Updates with side effects worth a reviewer's eye, by input path. */
  readonly updateEffects?: Readonly<Record<string, string>>;
  /**
   * Where the object names a condition its create or update waits for, and for how long in seconds
   * (pulumi-kubernetes' `pulumi.com/waitFor` and `pulumi.com/timeoutSeconds` annotations): the step
   * fails, naming the object, when the condition is not met in time.
   */
  readonly awaits?: { readonly condition: string; readonly timeoutSeconds: string; readonly source: string };
  /**
   * Inputs the resource's id is made from: an in-place change gives the object a new id in the
   * provider, but Pulumi never changes an id on update, so later updates and refreshes use the old
   * one (pulumi/pulumi `pkg/resource/deploy/step.go`: an update step keeps `old.ID`).
   */
  readonly idFrom?: readonly string[];
  /**
   * Top-level inputs with a provider default: the state of a resource created or imported without
   * one holds the default, so leaving it out and setting it to that value are the same (no diff).
   */
  readonly defaults?: Readonly<Record<string, unknown>>;
  /** `@pulumi/command`: which script each step runs (`create`, `update`, `delete` inputs). */
  readonly scripts?: true;
  /** For provider resources: how a config change reaches the resources of that provider. */
  readonly providerConfig?: {
    readonly replaceOn: readonly string[];
    /** Inputs whose change may replace the provider (content the plan cannot see), unless `unlessSet` is set. */
    readonly mayReplaceOn?: readonly string[];
    readonly unlessSet?: string;
  };
}

const BPG =
  "bpg/terraform-provider-proxmox d6bd1ffe (= v0.111.1 for these files; @muhlba91/pulumi-proxmoxve 8.6.0 bridges v0.111.1 or newer)";
const TALOS = "siderolabs/terraform-provider-talos v0.11.0 (d6960816), bridged by pulumiverse/pulumi-talos v0.8.1";
const HCLOUD = "hetznercloud/terraform-provider-hcloud v1.68.0 (93291f49), bridged by @pulumi/hcloud 1.41.0";
const TLS =
  "hashicorp/terraform-provider-tls internal/provider/resource_private_key.go (v4.2.1-23-gd72d90e1), bridged by @pulumi/tls 5.6.1";
const CLOUDFLARE = "cloudflare/terraform-provider-cloudflare v5.22.0 (a2efdc57), bridged by @pulumi/cloudflare 6.22.1";
const AUTHENTIK = "goauthentik/terraform-provider-authentik v2026.5.0 (69d1bb26)";
const K8S =
  "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (forceNewProperties; v4.32.0 = 94977969, unchanged to 4.34.2's SDK docs)";
const COMMAND =
  "pulumi/pulumi-command v1.2.1 (7f3eb6f3): schema marks only triggers replaceOnChanges; the Node SDK adds replaceOnChanges triggers[*]; Update runs `update`, else `create`; Delete runs the recorded `delete`";
const BRIDGE_CONFIG =
  "pulumi/pulumi-terraform-bridge pkg/tfbridge/provider.go configDiffer.DiffConfig (v3.129.0, v3.135.0): provider config changes are updates unless ForcesProviderReplace, which this provider never sets";
const CERT_MANAGER_TRIGGER =
  "cert-manager internal/controller/certificates/policies/policies.go (0fa83c3f): NewTriggerPolicyChain's SecretIssuerAnnotationsNotUpToDate, CurrentCertificateRequestNotValidForSpec";
const AUTHENTIK_SLUG_ID =
  "the Terraform id is the slug: an in-place slug change PUTs to the old slug and the provider moves its id, which Pulumi does not follow";

/** pulumi-kubernetes' await annotations, which every object may carry. */
const K8S_AWAITS = {
  condition: 'metadata.annotations["pulumi.com/waitFor"]',
  timeoutSeconds: 'metadata.annotations["pulumi.com/timeoutSeconds"]',
  source:
    "pulumi/pulumi-kubernetes provider/pkg/metadata/overrides.go ReadyCondition, TimeoutDuration (customTimeouts first, else the annotation; 10 minutes without either) and provider/pkg/await/await.go Creation, Update (v4.32.0 = 94977969; the annotation since 4.18.0): a preview does not wait",
} as const;

/** A custom resource of a CRD: only its name (and namespace) force replacement. */
const customResource = (kind: string): TypeRules => ({
  source: `${K8S}: ${kind} is not in the force-new table, so only metadata.name and metadata.namespace`,
  replaceOn: ["metadata.name", "metadata.namespace"],
  providerDeleteBeforeReplace: { whenSet: "metadata.name" },
  awaits: K8S_AWAITS,
});

const authentik = (file: string, extra: Partial<TypeRules> = {}): TypeRules => ({
  source: `${AUTHENTIK} pkg/provider/${file}: no ForceNew attribute; updates are a PUT`,
  replaceOn: [],
  stateful: "an Authentik object (users' links, sessions or settings that point at it)",
  ...extra,
});

export const PROVIDER_RULES: Readonly<Record<string, TypeRules>> = {
  // ---------------------------------------------------------------- Pulumi itself
  "pulumi:pulumi:Stack": { source: "pulumi/pulumi: the root component of every program", component: true },
  "pulumi:pulumi:StackReference": {
    source: "pulumi/pulumi sdk/nodejs/stackReference.ts: read from the backend on every run",
    read: true,
  },
  "homelab:*": { source: "this repository's components (components/*.ts): no provider", component: true },

  // ---------------------------------------------------------------- command
  "pulumi:providers:command": { source: COMMAND, providerConfig: { replaceOn: [] } },
  "command:local:Command": { source: COMMAND, replaceOn: [{ path: "triggers", exact: true }], scripts: true },
  "command:remote:Command": {
    source: `${COMMAND}; with no \`delete\` the delete opens no SSH connection`,
    replaceOn: [{ path: "triggers", exact: true }],
    scripts: true,
  },

  // ---------------------------------------------------------------- Proxmox
  "pulumi:providers:proxmoxve": { source: BRIDGE_CONFIG, providerConfig: { replaceOn: [] } },
  "proxmoxve:index/vmLegacy:VmLegacy": {
    source: `${BPG} proxmoxtf/resource/vm/vm.go (schema, CustomizeDiff), vm/disk/schema.go`,
    replaceOn: [
      "vmId",
      { path: "nodeName", unless: { path: "migrate", equals: true }, note: "with migrate the VM moves live" },
      "clone",
      "disks[*].fileId",
      "initialization.type",
      "initialization.userDataFileId",
      "initialization.vendorDataFileId",
      "initialization.networkDataFileId",
      "initialization.metaDataFileId",
      "amdSev",
      "tpmState.version",
      "efiDisk.type",
    ],
    providerDeleteBeforeReplace: { whenSet: "name" },
    stateful: "the VM and its disks",
    updateEffects: {
      cpu: "reboots the VM (unless only hot-plugged vCPUs change)",
      memory: "reboots the VM (unless memory only grows with memory hot-plug)",
      agent: "reboots the VM",
      hostpcis: "reboots the VM",
      bios: "reboots the VM",
      machine: "reboots the VM",
      scsiHardware: "reboots the VM",
      operatingSystem: "reboots the VM",
      bootOrders: "reboots the VM",
      initialization: "rebuilds the cloud-init drive and reboots the VM",
      "disks[*].datastoreId": "powers the VM off to move the disk",
      "disks[*].size": "grows the disk (shrinking fails)",
      nodeName: "migrates the VM to the new host",
    },
  },
  "proxmoxve:download/file:File": {
    source: `${BPG} fwprovider/nodes/resource_download_file.go (RequiresReplace on each of these)`,
    replaceOn: [
      "contentType",
      "fileName",
      "datastoreId",
      "nodeName",
      "url",
      "checksum",
      "checksumAlgorithm",
      "decompressionAlgorithm",
    ],
  },

  // ---------------------------------------------------------------- Talos
  "pulumi:providers:talos": { source: BRIDGE_CONFIG, providerConfig: { replaceOn: [] } },
  "talos:machine/secrets:Secrets": {
    source: `${TALOS} pkg/talos/talos_machine_secrets_resource.go: talosVersion replaces only when lowered (regenerating every secret)`,
    replaceOn: [{ path: "talosVersion", onlyLower: true, note: "a higher version is a state-only update" }],
    stateful: "the cluster's CAs and keys: every node and client stops trusting the cluster",
  },
  "talos:machine/configurationApply:ConfigurationApply": {
    source: `${TALOS} pkg/talos/talos_machine_configuration_apply_resource.go: no RequiresReplace; an update re-applies the config with applyMode; Delete resets the node only with onDestroy.reset`,
    replaceOn: [],
    stateful: "the node's Talos install when onDestroy.reset is on (cordon, drain, leave etcd, wipe)",
    updateEffects: {
      machineConfigurationInput: "applies the new config (applyMode decides about a reboot)",
      node: "applies the config to the new address; the old node is not reset",
    },
  },
  "talos:machine/bootstrap:Bootstrap": {
    source: `${TALOS} pkg/talos/talos_machine_bootstrap_resource.go: no RequiresReplace; updates only write state (never bootstraps again)`,
    replaceOn: [],
  },
  "talos:cluster/kubeconfig:Kubeconfig": {
    source: `${TALOS} pkg/talos/talos_cluster_kubeconfig_resource.go: no RequiresReplace; renewed in place near expiry`,
    replaceOn: [],
  },
  "talos:imageFactory/schematic:Schematic": {
    source: `${TALOS} pkg/talos/talos_image_factory_schematic_resource.go: no RequiresReplace; an update registers the schematic again and sets a new id`,
    replaceOn: [],
    idFrom: ["schematic"],
  },

  // ---------------------------------------------------------------- Hetzner Cloud
  "pulumi:providers:hcloud": { source: BRIDGE_CONFIG, providerConfig: { replaceOn: [] } },
  "hcloud:index/server:Server": {
    source: `${HCLOUD} internal/server/resource.go (ForceNew: image, location, user_data, ssh_keys); pulumi-terraform-bridge nameRequiresDeleteBeforeReplace`,
    replaceOn: ["image", "location", "userData", "sshKeys"],
    providerDeleteBeforeReplace: { whenSet: "name" },
    stateful: "the VPS and its disk: everything on it (Authentik's database, certificates, NetBird's identity)",
    deleteRefusedWhen: {
      path: "deleteProtection",
      equals: true,
      why: "Hetzner refuses to delete a server with delete protection (the provider never lifts it)",
    },
    updateEffects: {
      serverType: "powers the server off hard, resizes it, starts it again",
      publicNets: "powers the server off hard and reassigns its addresses",
    },
  },
  "hcloud:index/firewall:Firewall": {
    source: `${HCLOUD} internal/firewall/resource.go: no ForceNew; rule changes replace the rule set atomically (SetRules)`,
    replaceOn: [],
  },
  "hcloud:index/sshKey:SshKey": {
    source: `${HCLOUD} internal/sshkey/resource.go: publicKey RequiresReplace (plugin framework: create first)`,
    replaceOn: ["publicKey"],
  },

  // ---------------------------------------------------------------- TLS
  "pulumi:providers:tls": { source: BRIDGE_CONFIG, providerConfig: { replaceOn: [] } },
  "tls:index/privateKey:PrivateKey": {
    source: `${TLS}: algorithm, rsa_bits and ecdsa_curve RequiresReplace; the key is made on create and kept in the state`,
    replaceOn: ["algorithm", "rsaBits", "ecdsaCurve"],
    stateful: "a generated key: whatever pins or holds it (an SSH host key on a server) must be given the new one",
  },

  // ---------------------------------------------------------------- Cloudflare
  "pulumi:providers:cloudflare": { source: BRIDGE_CONFIG, providerConfig: { replaceOn: [] } },
  "cloudflare:index/dnsRecord:DnsRecord": {
    source: `${CLOUDFLARE} internal/services/dns_record/schema.go: zone_id and type RequiresReplace; the rest a PUT`,
    replaceOn: ["zoneId", "type"],
    stateful: "a public DNS record (the name stops resolving)",
  },

  // ---------------------------------------------------------------- Authentik
  "pulumi:providers:authentik": { source: BRIDGE_CONFIG, providerConfig: { replaceOn: [] } },
  "authentik:index/application:Application": authentik("resource_application.go", {
    idFrom: ["slug"],
    source: `${AUTHENTIK} pkg/provider/resource_application.go: no ForceNew; ${AUTHENTIK_SLUG_ID}`,
  }),
  "authentik:index/sourceOauth:SourceOauth": authentik("resource_source_oauth.go", {
    idFrom: ["slug"],
    source: `${AUTHENTIK} pkg/provider/resource_source_oauth.go: no ForceNew; ${AUTHENTIK_SLUG_ID}`,
    stateful: "the GitHub login and every user's link to their GitHub account",
  }),
  "authentik:index/token:Token": authentik("resource_token.go", {
    idFrom: ["identifier"],
    source: `${AUTHENTIK} pkg/provider/resource_token.go: no ForceNew; the Terraform id is the identifier (moved in place, not followed by Pulumi)`,
    stateful: "an API token: whoever holds its key loses access",
  }),
  "authentik:index/providerOauth2:ProviderOauth2": authentik("resource_provider_oauth2.go"),
  "authentik:index/providerProxy:ProviderProxy": authentik("resource_provider_proxy.go"),
  "authentik:index/outpost:Outpost": authentik("resource_outpost.go", {
    stateful: "an outpost: the hosts it serves stop answering",
    updateEffects: {
      config:
        "PUTs the whole outpost, protocol_providers as this stack's state last read them: providers attached since (by the services stack) are dropped unless the run refreshes first (pulumi up --refresh)",
    },
  }),
  "authentik:index/stageIdentification:StageIdentification": authentik("resource_stage_identification.go", {
    stateful: "a login stage: a flow without it cannot sign anyone in",
    defaults: { caseInsensitiveMatching: true },
  }),
  "authentik:index/user:User": authentik("resource_user.go", {
    updateEffects: { password: "is set on create only: a later change reaches no one" },
  }),
  "authentik:index/group:Group": authentik("resource_group.go"),
  "authentik:index/propertyMappingProviderScope:PropertyMappingProviderScope": authentik(
    "resource_property_mapping_provider_scope.go",
  ),
  "authentik:index/propertyMappingSourceOauth:PropertyMappingSourceOauth": authentik("resource_property_mapping_source_oauth.go"),
  "authentik:index/policyExpression:PolicyExpression": authentik("resource_policy_expression.go"),
  "authentik:index/policyBinding:PolicyBinding": authentik("resource_policy_binding.go", {
    stateful: "an access rule: while it is gone, the object it guards admits whoever its other bindings admit",
  }),
  "authentik:index/rbacRole:RbacRole": authentik("resource_rbac_role.go"),
  "authentik:index/rbacPermissionRole:RbacPermissionRole": authentik("resource_rbac_permission_role.go", {
    source: `${AUTHENTIK} pkg/provider/resource_rbac_permission_role.go: every attribute ForceNew, no update function`,
    replaceOn: ["role", "permission", "model", "objectId"],
  }),
  "authentik:index/outpostProviderAttachment:OutpostProviderAttachment": authentik("resource_outpost_provider_attachment.go", {
    source: `${AUTHENTIK} pkg/provider/resource_outpost_provider_attachment.go: outpost and protocol_provider ForceNew, no update function; create PATCHes the outpost's list adding the provider, delete PATCHes it without that one`,
    replaceOn: ["outpost", "protocolProvider"],
    stateful: "a provider on the outpost: its hosts get no answer from forward auth",
  }),

  // ---------------------------------------------------------------- Kubernetes
  "pulumi:providers:kubernetes": {
    source:
      "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go DiffConfig (v4.32.0): replaced when clusterIdentifier changes; without one, when the kubeconfig's active cluster entry changes or is unknown",
    providerConfig: {
      replaceOn: ["clusterIdentifier"],
      mayReplaceOn: ["kubeconfig", "context", "cluster"],
      unlessSet: "clusterIdentifier",
    },
  },
  "kubernetes:helm.sh/v3:Release": {
    source: "pulumi/pulumi-kubernetes provider/pkg/provider/helm_release.go Diff (forceNewFields .name, .namespace; v4.32.0)",
    replaceOn: ["name", "namespace"],
    stateful: "a Helm release: helm uninstall removes everything the chart made (its CRDs stay)",
  },
  "kubernetes:yaml/v2:ConfigFile": {
    source:
      "pulumi/pulumi-kubernetes provider/pkg/provider/yaml/v2/configfile.go: a remote component; each object becomes a child diffed on its own (not visible offline)",
    component: true,
  },
  "kubernetes:core/v1:Namespace": {
    source: `${K8S}: metadata.name (cluster-scoped)`,
    replaceOn: ["metadata.name"],
    providerDeleteBeforeReplace: { whenSet: "metadata.name" },
    stateful: "a namespace and everything in it",
  },
  "kubernetes:core/v1:Secret": {
    source: `${K8S}: a Secret's type, data and stringData force replacement unless the provider's enableSecretMutable is set`,
    replaceOn: ["metadata.name", "metadata.namespace", "type", "data", "stringData"],
    providerDeleteBeforeReplace: { whenSet: "metadata.name" },
  },
  "kubernetes:apps/v1:Deployment": {
    source: `${K8S}: apps/v1 Deployment: .spec.selector (its matchLabels and matchExpressions), besides metadata.name and metadata.namespace; the pod template updates in place (a rollout)`,
    replaceOn: ["metadata.name", "metadata.namespace", "spec.selector"],
    providerDeleteBeforeReplace: { whenSet: "metadata.name" },
  },
  "kubernetes:argoproj.io/v1alpha1:AppProject": customResource("AppProject"),
  "kubernetes:argoproj.io/v1alpha1:Application": {
    ...customResource("Application"),
    stateful: "an Argo CD application (with its resources finalizer, what it deployed)",
  },
  "kubernetes:argoproj.io/v1alpha1:ApplicationSet": {
    ...customResource("ApplicationSet"),
    stateful: "an ApplicationSet; the Applications it generated too, unless the delete orphans them",
    deletePropagation: {
      annotation: 'metadata.annotations["pulumi.com/deletionPropagationPolicy"]',
      source:
        "pulumi/pulumi-kubernetes provider/pkg/metadata/overrides.go DeletionPropagation (orphan, background, else foreground) and provider/pkg/await/await.go Deletion, given the inputs of the state by provider/pkg/provider/provider.go Delete (v4.32.0 = 94977969); the Applications' ownerReferences from argoproj/argo-cd applicationset/controllers/applicationset_controller.go (v3.4.4, SetControllerReference)",
      effects: {
        foreground:
          "Kubernetes deletes the Applications it generated first, and Argo CD, for each one carrying the resources finalizer, what it deployed",
        background:
          "Kubernetes deletes the Applications it generated after it, and Argo CD, for each one carrying the resources finalizer, what it deployed",
        orphan: "the Applications it generated stay, with what they deployed: Kubernetes only removes their ownerReferences",
      },
    },
  },
  "kubernetes:cert-manager.io/v1:Certificate": {
    ...customResource("Certificate"),
    updateEffects: Object.fromEntries(
      ["spec.dnsNames", "spec.issuerRef"].map((path) => [
        path,
        `cert-manager issues the certificate again (an ACME order with Let's Encrypt); the Secret keeps the old one meanwhile (${CERT_MANAGER_TRIGGER})`,
      ]),
    ),
  },
  "kubernetes:cert-manager.io/v1:ClusterIssuer": customResource("ClusterIssuer"),
  "kubernetes:cilium.io/v2:CiliumLoadBalancerIPPool": customResource("CiliumLoadBalancerIPPool"),
  "kubernetes:cilium.io/v2alpha1:CiliumL2AnnouncementPolicy": customResource("CiliumL2AnnouncementPolicy"),
  "kubernetes:gateway.networking.k8s.io/v1:Gateway": customResource("Gateway"),
  "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute": customResource("HTTPRoute"),
};

/**
 * The rules of a type in `table` (these by default): its own entry, or its package's
 * (`homelab:*`); undefined when it has none.
 *
 * @example
 * rulesFor("hcloud:index/server:Server")?.replaceOn; // ["image", "location", "userData", "sshKeys"]
 * rulesFor("homelab:edge:EdgeServer")?.component; // true: its children carry the changes
 */
export function rulesFor(type: string, table: Readonly<Record<string, TypeRules>> = PROVIDER_RULES): TypeRules | undefined {
  return table[type] ?? table[`${type.split(":")[0]}:*`];
}
