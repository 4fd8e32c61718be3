import type * as pulumi from "@pulumi/pulumi";
import { toYaml } from "./yaml";
import type { HelmValues, KubernetesObject } from "./kubernetes";

/** Argo CD: chart values, the AppProject, the ApplicationSets and the self-managing Application. */

/** The in-cluster API server, as Argo CD names the cluster it runs in. */
export const IN_CLUSTER_SERVER = "https://kubernetes.default.svc";

/** Kinds Argo CD neither watches nor shows (an entry of `resource.exclusions`). */
export interface ResourceExclusion {
  readonly apiGroups: readonly string[];
  readonly kinds: readonly string[];
  readonly clusters?: readonly string[];
}

/**
 * The exclusions this platform needs: the control plane's churn (Endpoints, Leases, access
 * reviews), Cilium's per-pod objects and cert-manager's intermediate requests — the entries of the
 * chart's own default that apply here. Setting `resource.exclusions` replaces that default, which
 * is why they are all listed; extra ones are appended.
 */
export const RESOURCE_EXCLUSIONS: readonly ResourceExclusion[] = [
  { apiGroups: ["", "discovery.k8s.io"], kinds: ["Endpoints", "EndpointSlice"], clusters: ["*"] },
  { apiGroups: ["coordination.k8s.io"], kinds: ["Lease"], clusters: ["*"] },
  {
    apiGroups: ["authentication.k8s.io", "authorization.k8s.io"],
    kinds: [
      "SelfSubjectReview",
      "TokenReview",
      "LocalSubjectAccessReview",
      "SelfSubjectAccessReview",
      "SelfSubjectRulesReview",
      "SubjectAccessReview",
    ],
    clusters: ["*"],
  },
  { apiGroups: ["certificates.k8s.io"], kinds: ["CertificateSigningRequest"], clusters: ["*"] },
  { apiGroups: ["cert-manager.io"], kinds: ["CertificateRequest"], clusters: ["*"] },
  { apiGroups: ["cilium.io"], kinds: ["CiliumIdentity", "CiliumEndpoint", "CiliumEndpointSlice"], clusters: ["*"] },
];

/** The Secret holding the OIDC client secret (Argo CD reads Secrets labelled part-of argocd). */
export const OIDC_SECRET = { name: "argocd-oidc", key: "clientSecret" } as const;

/** The OIDC client secret, where `oidc.config` points. */
export function oidcClientSecret(namespace: string, clientSecret: pulumi.Input<string>): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: OIDC_SECRET.name, namespace, labels: { "app.kubernetes.io/part-of": "argocd" } },
    type: "Opaque",
    stringData: { [OIDC_SECRET.key]: clientSecret },
  };
}

/** Single sign-on through an OIDC provider. */
export interface ArgoCdSso {
  /** Name on the login button. */
  readonly name: string;
  readonly issuer: string;
  readonly clientId: string;
  /** Kept in its own Secret (see {@link oidcClientSecret}), never in the values. */
  readonly clientSecret: pulumi.Input<string>;
  readonly scopes: readonly string[];
  /** Groups given Argo CD's admin role. */
  readonly adminGroups: readonly string[];
}

/** What the chart values depend on. */
export interface ArgoCdValuesOptions {
  /** Host name of the UI. */
  readonly hostname: string;
  /** How long the controller and server wait for the repo server (manifest generation), seconds. */
  readonly repoServerTimeoutSeconds: number;
  /** Exclusions appended to {@link RESOURCE_EXCLUSIONS}. */
  readonly extraResourceExclusions?: readonly ResourceExclusion[];
  readonly sso?: Omit<ArgoCdSso, "clientSecret">;
}

/**
 * Chart values. TLS ends at the shared Gateway, so the server speaks plain HTTP behind it; with
 * SSO, the local admin is disabled and Dex is not run (Argo CD talks OIDC to the provider itself).
 * The values hold no secret, so a diff of them stays readable.
 */
export function argoCdValues(options: ArgoCdValuesOptions): HelmValues {
  const timeout = String(options.repoServerTimeoutSeconds);
  const cm: Record<string, unknown> = {
    "resource.exclusions": toYaml([...RESOURCE_EXCLUSIONS, ...(options.extraResourceExclusions ?? [])]),
  };
  const values: Record<string, unknown> = {
    global: { domain: options.hostname },
    crds: { install: true, keep: true },
    configs: {
      params: {
        "server.insecure": true,
        "controller.repo.server.timeout.seconds": timeout,
        "server.repo.server.timeout.seconds": timeout,
      },
      cm,
    },
    // Helm and Kustomize runs share the repo server's exec timeout.
    repoServer: { env: [{ name: "ARGOCD_EXEC_TIMEOUT", value: `${timeout}s` }] },
    dex: { enabled: false },
  };
  if (options.sso) {
    const sso = options.sso;
    cm["admin.enabled"] = false;
    cm["oidc.config"] = toYaml({
      name: sso.name,
      issuer: sso.issuer,
      clientID: sso.clientId,
      // `$<secret>:<key>`: read from the Secret below, so neither the config map nor the values hold it.
      clientSecret: `$${OIDC_SECRET.name}:${OIDC_SECRET.key}`,
      requestedScopes: [...sso.scopes],
    });
    values.configs = {
      ...(values.configs as object),
      rbac: {
        "policy.default": "role:readonly",
        "policy.csv": sso.adminGroups.map((g) => `g, ${g}, role:admin`).join("\n"),
        scopes: "[groups]",
      },
    };
  }
  return values;
}

/** The AppProject every generated Application belongs to. */
export function appProject(options: {
  readonly name: string;
  readonly namespace: string;
  readonly sourceRepos: readonly string[];
  readonly destinations: readonly { readonly server: string; readonly namespace: string }[];
  /** `group/Kind`, or `Kind` for the core group. */
  readonly clusterResources: readonly string[];
}): KubernetesObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: options.name, namespace: options.namespace },
    spec: {
      description: "Apps deployed from the lab's git repository",
      sourceRepos: [...options.sourceRepos],
      destinations: options.destinations.map((d) => ({ server: d.server, namespace: d.namespace })),
      clusterResourceWhitelist: options.clusterResources.map((kind) => {
        const slash = kind.lastIndexOf("/");
        return { group: slash < 0 ? "" : kind.slice(0, slash), kind: kind.slice(slash + 1) };
      }),
    },
  };
}

/** How generated Applications sync. */
export interface AppSyncOptions {
  readonly selfHeal: boolean;
}

/** Automated sync with prune, namespaces created, server-side apply, retried with backoff. */
export function appSyncPolicy(options: AppSyncOptions) {
  return {
    automated: { prune: true, selfHeal: options.selfHeal },
    syncOptions: ["CreateNamespace=true", "ServerSideApply=true"],
    retry: { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } },
  };
}

/**
 * An ApplicationSet over app directories `<directory>` (a glob such as `apps/media/*`): one
 * Application per directory, named after it and deployed to a namespace of the same name. The
 * Application's finalizer removes an app's resources when its directory is deleted from git; the
 * ApplicationSet itself preserves them, so deleting it (a config change) never empties the cluster.
 */
export function applicationSet(options: {
  readonly name: string;
  readonly namespace: string;
  readonly project: string;
  readonly repoUrl: string;
  readonly revision: string;
  /** The directory glob, e.g. `apps/media/*` or `apps/*\/*`. */
  readonly directories: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly sync: AppSyncOptions;
}): KubernetesObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: { name: options.name, namespace: options.namespace },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [
        { git: { repoURL: options.repoUrl, revision: options.revision, directories: [{ path: options.directories }] } },
      ],
      template: {
        metadata: {
          name: "{{ .path.basenameNormalized }}",
          ...(options.labels ? { labels: { ...options.labels } } : {}),
          finalizers: ["resources-finalizer.argocd.argoproj.io"],
        },
        spec: {
          project: options.project,
          source: { repoURL: options.repoUrl, targetRevision: options.revision, path: "{{ .path.path }}" },
          destination: { server: IN_CLUSTER_SERVER, namespace: "{{ .path.basenameNormalized }}" },
          syncPolicy: appSyncPolicy(options.sync),
        },
      },
      syncPolicy: { preserveResourcesOnDeletion: true },
    },
  };
}

/**
 * The Application through which Argo CD manages its own install from git once Pulumi has
 * installed it. It belongs to the `default` project: the install has cluster-scoped kinds
 * (CRDs, ClusterRoles) the apps' project does not allow. No automated prune: a wrong commit
 * must not delete Argo CD.
 */
export function selfManagedApplication(options: {
  readonly name: string;
  readonly namespace: string;
  readonly repoUrl: string;
  readonly revision: string;
  readonly path: string;
}): KubernetesObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name: options.name, namespace: options.namespace },
    spec: {
      project: "default",
      source: { repoURL: options.repoUrl, targetRevision: options.revision, path: options.path },
      destination: { server: IN_CLUSTER_SERVER, namespace: options.namespace },
      syncPolicy: { syncOptions: ["ServerSideApply=true"], automated: { prune: false, selfHeal: false } },
    },
  };
}
