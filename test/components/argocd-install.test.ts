import { describe, expect, test } from "vitest";
import { ArgoCDInstall, type ArgoCDInstallArgs } from "../../components/argocd-install";
import { CHARTS } from "../../lib/platform-versions";
import { register, reveal } from "../helpers/pulumi";

const base: ArgoCDInstallArgs = {
  hostname: "argocd.lab.example.net",
  gateway: { name: "homelab", namespace: "gateway" },
  repo: { url: "https://github.com/me/apps.git", revision: "main" },
  categories: ["infra", "media"],
};

function build(args: Partial<ArgoCDInstallArgs> = {}) {
  return register(() => new ArgoCDInstall("argocd", { ...base, ...args }));
}

describe("ArgoCDInstall", () => {
  test("children: release, UI route, AppProject, one ApplicationSet per category", async () => {
    const r = await build();
    expect(r.childrenOf(r.get("argocd", ArgoCDInstall.__pulumiType))).toEqual([
      "kubernetes:argoproj.io/v1alpha1:AppProject::argocd-homelab",
      "kubernetes:argoproj.io/v1alpha1:ApplicationSet::argocd-apps-infra",
      "kubernetes:argoproj.io/v1alpha1:ApplicationSet::argocd-apps-media",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::argocd-server",
      "kubernetes:helm.sh/v3:Release::argocd",
    ]);
    expect(r.get("argocd", "kubernetes:helm.sh/v3:Release").inputs).toMatchObject({
      name: "argocd",
      chart: "argo-cd",
      repositoryOpts: { repo: "https://argoproj.github.io/argo-helm" },
      version: CHARTS.argocd.version,
      namespace: "argocd",
    });
    const media = r.get("argocd-apps-media").inputs as Record<string, any>;
    expect(media.metadata).toEqual({
      name: "apps-media",
      namespace: "argocd",
      annotations: { "pulumi.com/deletionPropagationPolicy": "orphan" },
    });
    expect(media.spec.generators).toEqual([
      { git: { repoURL: "https://github.com/me/apps.git", revision: "main", directories: [{ path: "apps/media/*" }] } },
    ]);
    expect(media.spec.template.metadata).toEqual({
      name: "{{ normalize (index .path.segments 1) }}-{{ .path.basenameNormalized }}",
      labels: { "homelab/category": "media" },
    });
    expect(media.spec.template.spec.syncPolicy.managedNamespaceMetadata).toEqual({
      labels: { "pod-security.kubernetes.io/enforce": "baseline" },
    });
    expect(media.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
    expect(media.spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: false });
    const route = r.get("argocd-server").inputs as Record<string, any>;
    expect(route.spec).toEqual({
      parentRefs: [{ name: "homelab", namespace: "gateway", sectionName: "https" }],
      hostnames: ["argocd.lab.example.net"],
      rules: [{ matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ name: "argocd-server", port: 80 }] }],
    });
    expect((r.get("argocd-homelab").inputs as Record<string, any>).spec.sourceRepos).toEqual(["https://github.com/me/apps.git"]);
    const [values] = reveal(r.get("argocd", "kubernetes:helm.sh/v3:Release").inputs.values) as [Record<string, any>, boolean];
    expect(values.configs.cm["kustomize.buildOptions"]).toBe("--enable-helm");
  });

  test("order: release → AppProject → ApplicationSets; the route waits for the release's namespace", async () => {
    const r = await build();
    expect(r.names(r.get("argocd-homelab").dependencies)).toEqual(["argocd"]);
    expect(r.names(r.get("argocd-apps-infra").dependencies)).toEqual(["argocd-homelab"]);
    expect(r.names(r.get("argocd-apps-media").dependencies)).toEqual(["argocd-homelab"]);
    expect(r.names(r.get("argocd-server").dependencies)).toEqual(["argocd"]);
  });

  test("single mode: one ApplicationSet over every category; selfHeal on request", async () => {
    const r = await build({
      applicationSets: "single",
      categories: undefined,
      selfHeal: true,
      repo: { url: base.repo.url, path: "k8s/apps" },
    });
    const sets = r.ofType("kubernetes:argoproj.io/v1alpha1:ApplicationSet");
    expect(sets.map((s) => s.name)).toEqual(["argocd-apps"]);
    const spec = (sets[0]!.inputs as Record<string, any>).spec;
    expect(spec.generators[0].git).toEqual({ repoURL: base.repo.url, revision: "HEAD", directories: [{ path: "k8s/apps/*/*" }] });
    expect(spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  test("self-management: an Application in the default project, and the release stops tracking version and values", async () => {
    const r = await build({ selfManage: { path: "platform/argocd" } });
    const app = r.get("argocd-self").inputs as Record<string, any>;
    expect(app.spec.project).toBe("default");
    expect(app.spec.source).toEqual({ repoURL: base.repo.url, targetRevision: "main", path: "platform/argocd" });
    expect(r.get("argocd", "kubernetes:helm.sh/v3:Release").ignoreChanges).toEqual(["version", "values"]);
    expect((await build()).get("argocd", "kubernetes:helm.sh/v3:Release").ignoreChanges).toEqual([]);
  });

  test("SSO: the client secret lives in its own secret Secret, never in the values; the admin is disabled", async () => {
    const r = await build({
      sso: {
        name: "Authentik",
        issuer: "https://auth.example.net/application/o/argocd/",
        clientId: "argocd",
        clientSecret: "oidc-canary",
        scopes: ["openid"],
        adminGroups: [],
      },
    });
    const release = r.get("argocd", "kubernetes:helm.sh/v3:Release");
    const [values, secret] = reveal(release.inputs.values) as [Record<string, any>, boolean];
    expect(secret).toBe(false);
    expect(JSON.stringify(values)).not.toContain("oidc-canary");
    expect(values.configs.cm["admin.enabled"]).toBe(false);
    expect(values.configs.cm["oidc.config"]).toContain("clientSecret: $argocd-oidc:clientSecret");
    const oidc = r.get("argocd-oidc");
    expect(oidc.inputs.metadata).toEqual({
      name: "argocd-oidc",
      namespace: "argocd",
      labels: { "app.kubernetes.io/part-of": "argocd" },
    });
    expect(reveal(oidc.inputs.stringData)).toEqual([{ clientSecret: "oidc-canary" }, true]);
    expect(r.names(oidc.dependencies)).toEqual(["argocd"]);
  });

  test("a private repository: its token in Argo CD's repository Secret, secret even when given plain; the sets and the self-managing Application wait for it", async () => {
    const r = await build({
      repo: { ...base.repo, credentials: { username: "me", token: "repo-canary" } },
      selfManage: { path: "platform/argocd" },
    });
    const secret = r.get("argocd-repo");
    expect(secret.type).toBe("kubernetes:core/v1:Secret");
    expect(secret.inputs.metadata).toEqual({
      name: "argocd-repo-apps",
      namespace: "argocd",
      labels: { "argocd.argoproj.io/secret-type": "repository" },
    });
    expect(reveal(secret.inputs.stringData)).toEqual([
      { type: "git", url: "https://github.com/me/apps.git", username: "me", password: "repo-canary" },
      true,
    ]);
    expect(r.names(secret.dependencies)).toEqual(["argocd"]);
    expect(r.names(r.get("argocd-apps-media").dependencies)).toEqual(["argocd-homelab", "argocd-repo"]);
    expect(r.names(r.get("argocd-self").dependencies)).toEqual(["argocd", "argocd-repo"]);
    const [values] = reveal(r.get("argocd", "kubernetes:helm.sh/v3:Release").inputs.values);
    expect(JSON.stringify(values)).not.toContain("repo-canary");

    const ssh = await build({ repo: { url: "git@github.com:me/apps.git", credentials: { sshPrivateKey: "key-canary" } } });
    expect(reveal(ssh.get("argocd-repo").inputs.stringData)).toEqual([
      { type: "git", url: "git@github.com:me/apps.git", sshPrivateKey: "key-canary" },
      true,
    ]);
    expect(r.ofType("kubernetes:core/v1:Secret").map((s) => s.name)).toEqual(["argocd-repo"]);
    expect((await build()).ofType("kubernetes:core/v1:Secret")).toEqual([]);
  });

  test("pod-security levels per category, namespaced kinds of the project, names of a lab's first run after upgrading (appNames: app)", async () => {
    const r = await build({
      podSecurity: { categories: { media: "privileged" } },
      project: { namespaceResources: ["apps/Deployment"] },
      appNames: "app",
    });
    const level = (set: string) =>
      (r.get(set).inputs as Record<string, any>).spec.template.spec.syncPolicy.managedNamespaceMetadata.labels;
    expect(level("argocd-apps-media")).toEqual({ "pod-security.kubernetes.io/enforce": "privileged" });
    expect(level("argocd-apps-infra")).toEqual({ "pod-security.kubernetes.io/enforce": "baseline" });
    expect((r.get("argocd-apps-infra").inputs as Record<string, any>).spec.template.metadata.name).toBe(
      "{{ .path.basenameNormalized }}",
    );
    expect((r.get("argocd-homelab").inputs as Record<string, any>).spec.namespaceResourceWhitelist).toEqual([
      { group: "apps", kind: "Deployment" },
    ]);
  });

  test.each<[string, Partial<ArgoCDInstallArgs>, string]>([
    ["no categories", { categories: [] }, "ArgoCDInstall argocd: per-category ApplicationSets need at least one category"],
    ["a repeated category", { categories: ["media", "media"] }, "ArgoCDInstall argocd: category media is listed twice"],
    [
      "categories whose app names could meet",
      { categories: ["media", "media-tv"] },
      "ArgoCDInstall argocd: categories media and media-tv can name two apps alike: an app tv-<name> of media and an app <name> of media-tv would both be the Application media-tv-<name>; rename one of the two category directories",
    ],
    [
      "a pod-security level of no category",
      { podSecurity: { categories: { games: "privileged" } } },
      "ArgoCDInstall argocd: podSecurity names games, which is not one of the categories",
    ],
    [
      "a token for an SSH repository",
      { repo: { url: "git@github.com:me/apps.git", credentials: { username: "git", token: "t" } } },
      "ArgoCDInstall argocd: a token authenticates an https:// repository, not git@github.com:me/apps.git",
    ],
    [
      "an SSH key for an https repository",
      { repo: { url: base.repo.url, credentials: { sshPrivateKey: "k" } } },
      "ArgoCDInstall argocd: an SSH key authenticates an ssh:// or git@ repository, not https://github.com/me/apps.git",
    ],
  ])("rejects %s before creating anything", async (_what, args, message) => {
    await expect(build(args)).rejects.toThrow(message);
  });
});
