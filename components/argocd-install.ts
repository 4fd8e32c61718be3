import * as pulumi from "@pulumi/pulumi";
import type { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import type { Secret } from "@pulumi/kubernetes/core/v1/secret";
import type { Release } from "@pulumi/kubernetes/helm/v3/release";
import {
  appNameTemplate,
  appProject,
  applicationSet,
  argoCdValues,
  categoryNameClashes,
  IN_CLUSTER_SERVER,
  oidcClientSecret,
  podSecurityTemplate,
  repositorySecret,
  selfManagedApplication,
  type AppNaming,
  type ArgoCdSso,
  type PodSecurityLevel,
  type RepoCredentials,
  type ResourceExclusion,
} from "../lib/argocd";
import { httpsRoute, type GatewayRef } from "../lib/gateway-api";
import type { KubernetesObject } from "../lib/kubernetes";
import { CHARTS } from "../lib/platform-versions";
import { applyObject, applySecret, dependsOnOf, installRelease, type InstalledRelease } from "./kubernetes-parts";

export interface ArgoCDInstallArgs {
  /** argo-cd chart version (argo-helm), e.g. `10.1.1`. @default the pinned version (lib/platform-versions) */
  version?: string;
  /** Namespace of Argo CD and of its AppProject and ApplicationSets. @default "argocd" */
  namespace?: string;
  /** Host name of the UI, served through `gateway`. */
  hostname: string;
  /** The shared Gateway the UI's HTTPRoute attaches to (its HTTPS listener). */
  gateway: GatewayRef;
  /** The git repository of the lab's apps: `<path>/<category>/<app>`. */
  repo: {
    /** Clone URL (https or ssh). */
    url: string;
    /** Branch, tag or commit. @default "HEAD" */
    revision?: string;
    /** Directory holding the category directories. @default "apps" */
    path?: string;
    /**
     * For a private repository: an HTTPS token (`{ username, token }`) or an SSH key
     * (`{ sshPrivateKey }`), kept secret in Argo CD's repository Secret. @default none (public)
     */
    credentials?: RepoCredentials;
  };
  /**
   * `per-category`: one ApplicationSet per category over `<path>/<category>/*`; `single`: one over
   * `<path>/*\/*`. @default "per-category"
   */
  applicationSets?: "per-category" | "single";
  /** Category directories (`per-category`). @default [] */
  categories?: readonly string[];
  /**
   * How Applications are named: `category-app` (`<category>-<app>`), or `app` (the app directory
   * alone, as earlier releases of this library did). A set deployed by an earlier release runs
   * once with `app` first, so the controller takes the resources finalizer off its Applications
   * before they are renamed (lib/argocd `appNamingAfter`). @default "category-app"
   */
  appNames?: pulumi.Input<AppNaming>;
  /**
   * `pod-security.kubernetes.io/enforce` of the namespaces Argo CD creates for the apps: `default`,
   * or the level of the app's category. @default { default: "baseline", categories: {} }
   */
  podSecurity?: {
    /** The level of an app whose category is not in `categories`. @default "baseline" */
    default?: PodSecurityLevel;
    /** Category directory → level, e.g. `{ infra: "privileged" }` for storage and network agents. @default {} */
    categories?: Readonly<Record<string, PodSecurityLevel>>;
  };
  /** Generated Applications revert changes made in the cluster by hand. @default false */
  selfHeal?: boolean;
  /** The AppProject of the generated Applications. */
  project?: {
    /** The AppProject's name, which every generated Application names as its `project`. @default "homelab" */
    name?: string;
    /** Repositories apps may come from. @default [repo.url] */
    sourceRepos?: readonly string[];
    /** Where apps may deploy. @default [{ server: in-cluster, namespace: "*" }] */
    destinations?: readonly {
      /** API server URL of the cluster. */
      server: string;
      /** A namespace, or a pattern (`apps-*`). */
      namespace: string;
    }[];
    /** Cluster-scoped kinds apps may create, `group/Kind` (`Kind` for the core group). @default ["Namespace"] */
    clusterResources?: readonly string[];
    /** Namespaced kinds apps may create, as `clusterResources`. @default every kind */
    namespaceResources?: readonly string[];
  };
  /** An Application through which Argo CD manages its own install from this repository directory. */
  selfManage?: {
    /** The directory of the repository holding Argo CD's own install. */
    path: string;
  };
  /** OIDC single sign-on; the local admin is disabled when set. */
  sso?: ArgoCdSso;
  /** argocd-cm `kustomize.buildOptions`. @default "--enable-helm" (kustomizations may inflate Helm charts) */
  kustomizeBuildOptions?: string;
  /** How long the controller and server wait for manifest generation, seconds. @default 180 */
  repoServerTimeoutSeconds?: number;
  /** Kinds Argo CD should also ignore, appended to the platform's list (lib/argocd). @default [] */
  extraResourceExclusions?: readonly ResourceExclusion[];
  /** Helm values deep-merged over the ones set here. @default {} */
  values?: Readonly<Record<string, unknown>>;
}

/**
 * Argo CD from the argo-helm chart, served through the shared Gateway, with the lab's AppProject
 * and ApplicationSets generating one Application per app directory in git, named
 * `<category>-<app>`. The AppProject and the ApplicationSets wait for the release (its CRDs); the
 * ApplicationSets for the project and the repository Secret (with `repo.credentials`).
 *
 * Nothing an app deployed is deleted with its Application or ApplicationSet (lib/argocd
 * `applicationSet`): a set removed (a category, a mode switch) leaves its Applications running,
 * and a set generating the same names adopts them.
 *
 * With `selfManage`, Argo CD takes its own install over from git: the release then ignores later
 * version and values changes, so Pulumi and Argo CD do not undo each other.
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { Provider } from "@pulumi/kubernetes/provider";
 * import { ArgoCDInstall } from "homelab";
 *
 * const provider = new Provider("lab", { kubeconfig: new pulumi.StackReference("talos").requireOutput("kubeconfig") });
 * new ArgoCDInstall("argocd", {
 *   hostname: "argocd.lab.example.net",
 *   gateway: { name: "homelab", namespace: "gateway" }, // a Gateway component's `ref`
 *   repo: {
 *     url: "https://github.com/me/homelab-apps.git",
 *     credentials: { username: "git", token: new pulumi.Config().requireSecret("appsRepoToken") },
 *   },
 *   categories: ["infra", "media"],
 *   podSecurity: { categories: { infra: "privileged" } },
 * }, { provider });
 */
export class ArgoCDInstall extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:kubernetes:ArgoCDInstall";

  public readonly release: Release;
  public readonly route: CustomResource;
  public readonly project: CustomResource;
  /** The ApplicationSets, by name. */
  public readonly applicationSets: Readonly<Record<string, CustomResource>>;
  public readonly selfManaged?: CustomResource;
  /** The Secret holding the OIDC client secret (with `sso`). */
  public readonly oidcSecret?: Secret;
  /** Argo CD's repository Secret of the apps repository (with `repo.credentials`). */
  public readonly repoSecret?: Secret;
  /** The release's chart, version and final values (this component's, then `values`). */
  public readonly installed: InstalledRelease;
  public readonly objects: readonly KubernetesObject[];
  /** `https://<hostname>`. */
  public readonly url: string;

  constructor(name: string, args: ArgoCDInstallArgs, opts?: pulumi.ComponentResourceOptions) {
    const mode = args.applicationSets ?? "per-category";
    const categories = args.categories ?? [];
    if (mode === "per-category" && categories.length === 0) {
      throw new Error(`ArgoCDInstall ${name}: per-category ApplicationSets need at least one category`);
    }
    const repeated = categories.find((c, i) => categories.indexOf(c) !== i);
    if (repeated !== undefined) throw new Error(`ArgoCDInstall ${name}: category ${repeated} is listed twice`);
    const fail = (problem: string) => {
      throw new Error(`ArgoCDInstall ${name}: ${problem}`);
    };
    if (mode === "per-category") {
      const [clash] = categoryNameClashes(categories);
      if (clash) fail(clash.problem);
      const unknown = Object.keys(args.podSecurity?.categories ?? {}).find((c) => !categories.includes(c));
      if (unknown !== undefined) fail(`podSecurity names ${unknown}, which is not one of the categories`);
    }
    const credentials = args.repo.credentials;
    const https = args.repo.url.startsWith("https://");
    if (credentials && "token" in credentials && !https) {
      fail(`a token authenticates an https:// repository, not ${args.repo.url}`);
    }
    if (credentials && "sshPrivateKey" in credentials && https) {
      fail(`an SSH key authenticates an ssh:// or git@ repository, not ${args.repo.url}`);
    }
    super(ArgoCDInstall.__pulumiType, name, {}, opts);
    const namespace = args.namespace ?? "argocd";
    const revision = args.repo.revision ?? "HEAD";
    const appsPath = args.repo.path ?? "apps";
    const projectName = args.project?.name ?? "homelab";

    const installed = installRelease(
      this,
      name,
      {
        chart: CHARTS.argocd,
        version: args.version,
        releaseName: "argocd",
        namespace,
        values: argoCdValues({
          hostname: args.hostname,
          repoServerTimeoutSeconds: args.repoServerTimeoutSeconds ?? 180,
          extraResourceExclusions: args.extraResourceExclusions,
          sso: args.sso,
          kustomizeBuildOptions: args.kustomizeBuildOptions ?? "--enable-helm",
        }),
        overrides: args.values,
        ignoreChanges: args.selfManage ? ["version", "values"] : undefined,
      },
      dependsOnOf(opts),
    );
    this.installed = installed;
    this.release = installed.release;
    this.url = `https://${args.hostname}`;

    const objects: KubernetesObject[] = [];
    const route = httpsRoute({
      name: "argocd-server",
      namespace,
      hostname: args.hostname,
      gateway: args.gateway,
      service: { name: "argocd-server", port: 80 },
    });
    const project = appProject({
      name: projectName,
      namespace,
      sourceRepos: args.project?.sourceRepos ?? [args.repo.url],
      destinations: args.project?.destinations ?? [{ server: IN_CLUSTER_SERVER, namespace: "*" }],
      clusterResources: args.project?.clusterResources ?? ["Namespace"],
      namespaceResources: args.project?.namespaceResources,
    });
    objects.push(route, project);
    if (args.sso) {
      // The client secret stays secret whatever the caller passed.
      const secret = oidcClientSecret(namespace, pulumi.secret(args.sso.clientSecret));
      objects.push(secret);
      this.oidcSecret = applySecret(this, `${name}-oidc`, secret, [this.release]);
    }
    this.route = applyObject(this, `${name}-server`, route, [this.release]);
    this.project = applyObject(this, `${name}-${projectName}`, project, [this.release]);
    if (credentials) {
      // The token or key stays secret whatever the caller passed.
      const secret = repositorySecret({
        namespace,
        url: args.repo.url,
        credentials:
          "token" in credentials
            ? { username: credentials.username, token: pulumi.secret(credentials.token) }
            : { sshPrivateKey: pulumi.secret(credentials.sshPrivateKey) },
      });
      objects.push(secret);
      this.repoSecret = applySecret(this, `${name}-repo`, secret, [this.release]);
    }
    // The git generator and the Applications fetch with the repository's credentials.
    const repoReady = this.repoSecret ? [this.repoSecret] : [];
    const appName = pulumi.output(args.appNames ?? "category-app").apply((naming) => appNameTemplate(naming, appsPath));
    const levels = { default: args.podSecurity?.default ?? "baseline", categories: args.podSecurity?.categories ?? {} };

    const sets =
      mode === "single"
        ? [
            {
              name: "apps",
              directories: `${appsPath}/*/*`,
              labels: undefined,
              podSecurity: podSecurityTemplate(levels, appsPath),
            },
          ]
        : categories.map((category) => ({
            name: `apps-${category}`,
            directories: `${appsPath}/${category}/*`,
            labels: { "homelab/category": category },
            podSecurity: podSecurityTemplate(levels, appsPath, category),
          }));
    const applicationSets: Record<string, CustomResource> = {};
    for (const set of sets) {
      const object = applicationSet({
        name: set.name,
        namespace,
        project: projectName,
        repoUrl: args.repo.url,
        revision,
        directories: set.directories,
        labels: set.labels,
        appName,
        podSecurity: set.podSecurity,
        sync: { selfHeal: args.selfHeal ?? false },
      });
      objects.push(object);
      applicationSets[set.name] = applyObject(this, `${name}-${set.name}`, object, [this.project, ...repoReady]);
    }
    this.applicationSets = applicationSets;

    if (args.selfManage) {
      const object = selfManagedApplication({
        name: "argocd",
        namespace,
        repoUrl: args.repo.url,
        revision,
        path: args.selfManage.path,
      });
      objects.push(object);
      this.selfManaged = applyObject(this, `${name}-self`, object, [this.release, ...repoReady]);
    }
    this.objects = objects;
    this.registerOutputs({ url: this.url });
  }
}
