import type * as pulumi from "@pulumi/pulumi";
import { toYaml } from "./yaml";
import type { HelmValues, KubernetesObject } from "./kubernetes";

/**
 * Argo CD: chart values, the repository Secret, the AppProject, the ApplicationSets and the
 * self-managing Application. Behaviour cited here was read in Argo CD v3.4.4 (the appVersion of
 * the pinned argo-cd chart 10.1.1) and pulumi-kubernetes v4.32.0.
 */

/** The in-cluster API server, as Argo CD names the cluster it runs in. */
export const IN_CLUSTER_SERVER = "https://kubernetes.default.svc";

/** Kinds Argo CD neither watches nor shows (an entry of `resource.exclusions`). */
export interface ResourceExclusion {
  /** API groups of the kinds (`""` is the core group, `cilium.io`, ...); `"*"` matches every group. */
  readonly apiGroups: readonly string[];
  /** Kinds, e.g. `Lease`, `CiliumEndpoint`; `"*"` matches every kind of those groups. */
  readonly kinds: readonly string[];
  /** API server URLs the exclusion applies to (`"*"`: every cluster). @default every cluster */
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

/**
 * Credentials of a private apps repository: an HTTPS token (the password of basic auth: Argo CD
 * takes "any non-empty string as username" for GitHub and GitLab tokens, docs/user-guide/
 * private-repositories.md; some hosts want the account name) or an SSH private key.
 */
export type RepoCredentials =
  | {
      /** The basic-auth user name: the account name where the host wants it, any non-empty string for GitHub. */
      readonly username: string;
      /** An access token with read access to the repository (the basic-auth password); kept secret. */
      readonly token: pulumi.Input<string>;
    }
  | {
      /** A PEM private key (OpenSSH format) of a deploy key with read access; kept secret. */
      readonly sshPrivateKey: pulumi.Input<string>;
    };

/** The name of the apps repository's Secret. */
export const REPOSITORY_SECRET = "argocd-repo-apps";

/**
 * The apps repository as Argo CD's declarative setup takes it (docs/operator-manual/
 * declarative-setup.md, "Repositories"): a Secret labelled `argocd.argoproj.io/secret-type:
 * repository` with `type`, `url` and `username`/`password` or `sshPrivateKey`. Argo CD finds it
 * by its label and URL (util/db/repository_secrets.go `getRepositorySecret`) through the secrets
 * informer of its settings manager, at each request: a changed Secret needs no restart.
 */
export function repositorySecret(options: {
  readonly namespace: string;
  readonly url: string;
  readonly credentials: RepoCredentials;
}): KubernetesObject {
  const c = options.credentials;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: REPOSITORY_SECRET,
      namespace: options.namespace,
      labels: { "argocd.argoproj.io/secret-type": "repository" },
    },
    type: "Opaque",
    stringData: {
      type: "git",
      url: options.url,
      ...("token" in c ? { username: c.username, password: c.token } : { sshPrivateKey: c.sshPrivateKey }),
    },
  };
}

/** Single sign-on through an OIDC provider. */
export interface ArgoCdSso {
  /** Name on the login button. */
  readonly name: string;
  /** The OIDC issuer URL Argo CD discovers the provider from, e.g. `https://auth.example.net/application/o/argocd/`. */
  readonly issuer: string;
  /** The OAuth client id registered with the provider for Argo CD. */
  readonly clientId: string;
  /** Kept in its own Secret (see {@link oidcClientSecret}), never in the values. */
  readonly clientSecret: pulumi.Input<string>;
  /** Scopes Argo CD requests (`requestedScopes`), e.g. `["openid", "profile", "email", "groups"]`: the groups scope feeds `adminGroups`. */
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
  /**
   * argocd-cm's `kustomize.buildOptions`, passed to every `kustomize build`: `--enable-helm` lets
   * an app's kustomization inflate Helm charts (`helmCharts:`), which Argo CD's Kustomize does not
   * do otherwise (docs/user-guide/kustomize.md, "Kustomizing Helm charts").
   */
  readonly kustomizeBuildOptions: string;
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
    "kustomize.buildOptions": options.kustomizeBuildOptions,
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

/** `group/Kind` (`Kind` for the core group) as an AppProject list entry. */
function groupKind(kind: string): { group: string; kind: string } {
  const slash = kind.lastIndexOf("/");
  return { group: slash < 0 ? "" : kind.slice(0, slash), kind: kind.slice(slash + 1) };
}

/**
 * The AppProject every generated Application belongs to. Cluster-scoped kinds are denied unless
 * listed; namespaced kinds are all allowed unless `namespaceResources` lists some (Argo CD's
 * `IsGroupKindNamePermitted`, pkg/apis/application/v1alpha1/app_project_types.go: an unset
 * namespaced allow-list allows everything, an unset cluster one nothing).
 */
export function appProject(options: {
  readonly name: string;
  readonly namespace: string;
  readonly sourceRepos: readonly string[];
  readonly destinations: readonly { readonly server: string; readonly namespace: string }[];
  /** `group/Kind`, or `Kind` for the core group. */
  readonly clusterResources: readonly string[];
  /** Namespaced kinds apps may create, as `clusterResources`; every kind when unset. */
  readonly namespaceResources?: readonly string[];
}): KubernetesObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "AppProject",
    metadata: { name: options.name, namespace: options.namespace },
    spec: {
      description: "Apps deployed from the lab's git repository",
      sourceRepos: [...options.sourceRepos],
      destinations: options.destinations.map((d) => ({ server: d.server, namespace: d.namespace })),
      clusterResourceWhitelist: options.clusterResources.map(groupKind),
      ...(options.namespaceResources ? { namespaceResourceWhitelist: options.namespaceResources.map(groupKind) } : {}),
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

/** The Pod Security Standards levels, most permissive first (`pod-security.kubernetes.io/enforce`). */
export const POD_SECURITY_LEVELS = ["privileged", "baseline", "restricted"] as const;
/** A Pod Security Standards level: `privileged` (no restriction), `baseline` or `restricted`. */
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** Each category's Pod Security level: `categories[c]`, else `default`. */
export interface PodSecurityLevels {
  readonly default: PodSecurityLevel;
  readonly categories: Readonly<Record<string, PodSecurityLevel>>;
}

/**
 * How generated Applications are named. `category-app`: `<category>-<app>`, so apps of the same
 * directory name in two categories stay two Applications. `app`: the app directory's name alone,
 * as releases before it named them; a stack deployed by one runs once with it (see
 * {@link appNamingAfter}).
 */
export type AppNaming = "category-app" | "app";

/** Where the category is in `.path.segments` of an app directory `<appsPath>/<category>/<app>`. */
function categorySegment(appsPath: string): number {
  return appsPath.split("/").length;
}

/**
 * The Go template of an Application's name. `category-app`: the category directory (through
 * Argo CD's `normalize`, the sanitizer of `basenameNormalized`, applicationset/utils/utils.go),
 * `-`, the app directory's `basenameNormalized`: the same name in per-category and single mode,
 * so a set of the other mode adopts the Applications (see {@link applicationSet}).
 */
export function appNameTemplate(naming: AppNaming, appsPath: string): string {
  if (naming === "app") return "{{ .path.basenameNormalized }}";
  return `{{ normalize (index .path.segments ${categorySegment(appsPath)}) }}-{{ .path.basenameNormalized }}`;
}

/**
 * Categories whose `<category>-<app>` names can meet: with `media` and `media-extra`, an app
 * `extra-tv` of media and an app `tv` of media-extra would both be `media-extra-tv`, and the set
 * generating it second would fail on it. Each problem is reported at the longer category (its
 * index in `categories`).
 */
export function categoryNameClashes(categories: readonly string[]): { readonly index: number; readonly problem: string }[] {
  const clashes: { index: number; problem: string }[] = [];
  categories.forEach((longer, index) => {
    const shorter = categories.find((c) => longer.startsWith(`${c}-`));
    if (shorter === undefined) return;
    const rest = longer.slice(shorter.length + 1);
    clashes.push({
      index,
      problem: `categories ${shorter} and ${longer} can name two apps alike: an app ${rest}-<name> of ${shorter} and an app <name> of ${longer} would both be the Application ${longer}-<name>; rename one of the two category directories`,
    });
  });
  return clashes;
}

/**
 * The pod-security level of the namespaces of `category`'s apps: the level itself for a set of
 * one category; for the single set, a Go template choosing by the category directory (plain
 * `eq`, which takes several operands), or the default level when no category has its own.
 */
export function podSecurityTemplate(levels: PodSecurityLevels, appsPath: string, category?: string): string {
  if (category !== undefined) return levels.categories[category] ?? levels.default;
  const segment = `(index .path.segments ${categorySegment(appsPath)})`;
  const branches = POD_SECURITY_LEVELS.filter((l) => l !== levels.default)
    .map((level) => ({
      level,
      categories: Object.keys(levels.categories).filter((c) => levels.categories[c] === level),
    }))
    .filter((b) => b.categories.length > 0);
  if (branches.length === 0) return levels.default;
  const tests = branches.map(
    (b, i) =>
      `{{ ${i === 0 ? "if" : "else if"} eq ${segment} ${b.categories.map((c) => JSON.stringify(c)).join(" ")} }}${b.level}`,
  );
  return `${tests.join("")}{{ else }}${levels.default}{{ end }}`;
}

/** pulumi-kubernetes' annotation choosing how a delete propagates to the objects it owns. */
export const DELETION_PROPAGATION_ANNOTATION = "pulumi.com/deletionPropagationPolicy";

/**
 * An ApplicationSet over app directories `<directory>` (a glob such as `apps/media/*`): one
 * Application per directory, named by `appName` ({@link appNameTemplate}), deployed to a
 * namespace named after the app directory, created by Argo CD with the pod-security level
 * `podSecurity` (`managedNamespaceMetadata`, applied to an existing namespace at the next sync:
 * a changed value makes the Application OutOfSync, controller/state.go).
 *
 * Nothing an app deployed is deleted with its Application or its ApplicationSet:
 * - `preserveResourcesOnDeletion` and no finalizer in the template: the controller then gives the
 *   Applications no `resources-finalizer.argocd.argoproj.io` (applicationset/utils/utils.go
 *   `RenderTemplateParams` adds it only when the template has no finalizers and preservation is
 *   off; a template's own finalizer would be kept, preservation or not) and takes it off the ones
 *   that have it (`createOrUpdateInCluster` sets each generated Application's finalizers). An
 *   Application deleted without it leaves what it deployed: an app directory deleted from git,
 *   or renamed, leaves its objects running, unmanaged.
 * - `pulumi.com/deletionPropagationPolicy: orphan`: pulumi-kubernetes deletes the set with that
 *   propagation (provider/pkg/metadata/overrides.go, default foreground), read from the inputs in
 *   the state, so from the run after the one that added it. Kubernetes then only removes the
 *   Applications' ownerReferences; they stay and keep syncing from git, and a set generating the
 *   same names adopts them (`SetControllerReference` takes an Application without an owner, and
 *   fails, reporting it in the set's status, for one another set owns).
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
  /** The Applications' name, a Go template ({@link appNameTemplate}). */
  readonly appName: pulumi.Input<string>;
  /** The app namespaces' pod-security level, or a Go template choosing it ({@link podSecurityTemplate}). */
  readonly podSecurity: string;
  readonly sync: AppSyncOptions;
}): KubernetesObject {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: {
      name: options.name,
      namespace: options.namespace,
      annotations: { [DELETION_PROPAGATION_ANNOTATION]: "orphan" },
    },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [
        { git: { repoURL: options.repoUrl, revision: options.revision, directories: [{ path: options.directories }] } },
      ],
      template: {
        metadata: {
          name: options.appName,
          ...(options.labels ? { labels: { ...options.labels } } : {}),
        },
        spec: {
          project: options.project,
          source: { repoURL: options.repoUrl, targetRevision: options.revision, path: "{{ .path.path }}" },
          destination: { server: IN_CLUSTER_SERVER, namespace: "{{ .path.basenameNormalized }}" },
          syncPolicy: {
            ...appSyncPolicy(options.sync),
            managedNamespaceMetadata: { labels: { "pod-security.kubernetes.io/enforce": options.podSecurity } },
          },
        },
      },
      syncPolicy: { preserveResourcesOnDeletion: true },
    },
  };
}

/**
 * The Application naming of this run, from the stack's last outputs: a stack whose last run
 * predates `argocdAppNames` (its Applications carry the resources finalizer) keeps the old names
 * for one run, in which the ApplicationSet controller takes the finalizer off them; renaming them
 * in that run would delete the old ones with the finalizer still on, and with them what they
 * deployed. Every other run, a first one included, names `<category>-<app>`.
 */
export function appNamingAfter(last: { readonly argocdUrl?: unknown; readonly argocdAppNames?: unknown }): AppNaming {
  return last.argocdUrl !== undefined && last.argocdAppNames === undefined ? "app" : "category-app";
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
