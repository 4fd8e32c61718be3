import { describe, expect, test } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import {
  appNameTemplate,
  appNamingAfter,
  appProject,
  applicationSet,
  argoCdValues,
  categoryNameClashes,
  podSecurityTemplate,
  repositorySecret,
  RESOURCE_EXCLUSIONS,
  selfManagedApplication,
} from "../../lib/argocd";
import { cloudflareTokenSecret, letsEncryptIssuer, selfSignedCa, wildcardCertificate } from "../../lib/cert-manager";
import { ciliumValues, l2AnnouncementPolicy, loadBalancerIpPool, poolClashes } from "../../lib/cilium";
import { httpsRedirectRoute, httpsRoute, sharedGateway } from "../../lib/gateway-api";
import { awaitingCondition, deepMerge, durationSeconds, manifestFileName, type KubernetesObject } from "../../lib/kubernetes";
import { parse } from "yaml";
import { kubernetesObjectProblems } from "../../cli/check";

/**
 * Every object the platform declares, validated with the kubernetes-models packages (generated
 * from the same CRDs the cluster gets), through the plan checker's own lookup of them.
 */
async function problems(object: KubernetesObject): Promise<string[]> {
  const found = await kubernetesObjectProblems(object);
  if (found === undefined) throw new Error(`no model for ${object.apiVersion} ${object.kind}`);
  return found;
}

const gatewayRef = { name: "homelab", namespace: "gateway" };

const everyObject: [string, KubernetesObject][] = [
  ["pool", loadBalancerIpPool("cilium", [{ start: "10.0.0.200", stop: "10.0.0.220" }, { cidr: "10.0.0.224/28" }])],
  ["L2 policy (default selector)", l2AnnouncementPolicy("cilium", { interfaces: ["^e.*"], nodeSelector: {} })],
  ["L2 policy (labels)", l2AnnouncementPolicy("cilium", { interfaces: ["^eth0$"], nodeSelector: { "lab/announce": "true" } })],
  [
    "Let's Encrypt production",
    letsEncryptIssuer("letsencrypt-production", { email: "a@example.net", zone: "example.net", tokenSecret: "cf" }),
  ],
  [
    "Let's Encrypt staging",
    letsEncryptIssuer("letsencrypt-staging", { email: "a@example.net", zone: "example.net", tokenSecret: "cf" }),
  ],
  ...selfSignedCa("cert-manager", "lab.example.net").map((o, i): [string, KubernetesObject] => [`self-signed CA ${i}`, o]),
  [
    "wildcard certificate",
    wildcardCertificate({
      name: "wildcard",
      namespace: "gateway",
      domain: "lab.example.net",
      secretName: "tls",
      issuer: "selfsigned",
    }),
  ],
  [
    "Gateway",
    sharedGateway({
      ...gatewayRef,
      gatewayClassName: "cilium",
      domain: "lab.example.net",
      certificateSecret: "tls",
      address: "10.0.0.200",
    }),
  ],
  [
    "Gateway waiting for Programmed",
    awaitingCondition(
      sharedGateway({
        ...gatewayRef,
        gatewayClassName: "cilium",
        domain: "lab.example.net",
        certificateSecret: "tls",
        address: "10.0.0.200",
      }),
      "Programmed",
      300,
    ),
  ],
  ["redirect route", httpsRedirectRoute("homelab-https-redirect", gatewayRef)],
  [
    "UI route",
    httpsRoute({
      name: "ui",
      namespace: "argocd",
      hostname: "argocd.lab.example.net",
      gateway: gatewayRef,
      service: { name: "argocd-server", port: 80 },
    }),
  ],
  [
    "AppProject",
    appProject({
      name: "homelab",
      namespace: "argocd",
      sourceRepos: ["https://github.com/me/apps.git"],
      destinations: [{ server: "https://kubernetes.default.svc", namespace: "*" }],
      clusterResources: ["Namespace", "rbac.authorization.k8s.io/ClusterRole"],
      namespaceResources: ["apps/Deployment", "Service", "*/*"],
    }),
  ],
  [
    "ApplicationSet",
    applicationSet({
      name: "apps-media",
      namespace: "argocd",
      project: "homelab",
      repoUrl: "https://github.com/me/apps.git",
      revision: "main",
      directories: "apps/media/*",
      labels: { "homelab/category": "media" },
      appName: appNameTemplate("category-app", "apps"),
      podSecurity: "baseline",
      sync: { selfHeal: false },
    }),
  ],
  [
    "ApplicationSet choosing each category's pod-security level",
    applicationSet({
      name: "apps",
      namespace: "argocd",
      project: "homelab",
      repoUrl: "https://github.com/me/apps.git",
      revision: "main",
      directories: "apps/*/*",
      appName: appNameTemplate("category-app", "apps"),
      podSecurity: podSecurityTemplate({ default: "baseline", categories: { monitoring: "privileged" } }, "apps"),
      sync: { selfHeal: false },
    }),
  ],
  [
    "repository Secret (https token)",
    repositorySecret({
      namespace: "argocd",
      url: "https://github.com/me/apps.git",
      credentials: { username: "git", token: "t" },
    }),
  ],
  [
    "repository Secret (SSH key)",
    repositorySecret({
      namespace: "argocd",
      url: "git@github.com:me/apps.git",
      credentials: { sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH PRIVATE KEY-----\n" },
    }),
  ],
  [
    "self-managing Application",
    selfManagedApplication({
      name: "argocd",
      namespace: "argocd",
      repoUrl: "https://github.com/me/apps.git",
      revision: "main",
      path: "platform/argocd",
    }),
  ],
];

describe("platform objects against the kubernetes-models schemas", () => {
  test.each(everyObject)("%s is a valid object", async (_name, object) => {
    expect(await problems(object)).toEqual([]);
  });

  test("the check can fail: a misplaced field is rejected", async () => {
    const pool = loadBalancerIpPool("cilium", [{ cidr: "10.0.0.224/28" }]);
    expect(await problems({ ...pool, spec: { blocks: "10.0.0.224/28" } })).toEqual([expect.stringContaining("must be array")]);
    const route = httpsRedirectRoute("r", gatewayRef);
    expect(await problems({ ...route, spec: { parentRefs: [{ sectionName: "http" }] } })).toEqual([
      expect.stringContaining("must have required property 'name'"),
    ]);
  });
});

describe("Cilium", () => {
  test("values: Talos's settings (KubePrism, capabilities, cgroup), Gateway API and L2 announcements", () => {
    expect(ciliumValues()).toEqual({
      ipam: { mode: "kubernetes" },
      kubeProxyReplacement: true,
      cgroup: { autoMount: { enabled: false }, hostRoot: "/sys/fs/cgroup" },
      securityContext: {
        capabilities: {
          ciliumAgent: [
            "CHOWN",
            "KILL",
            "NET_ADMIN",
            "NET_RAW",
            "IPC_LOCK",
            "SYS_ADMIN",
            "SYS_RESOURCE",
            "DAC_OVERRIDE",
            "FOWNER",
            "SETGID",
            "SETUID",
          ],
          cleanCiliumState: ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"],
        },
      },
      k8sServiceHost: "localhost",
      k8sServicePort: 7445,
      k8sClientRateLimit: { qps: 20, burst: 40 },
      l2announcements: { enabled: true },
      gatewayAPI: { enabled: true, enableAlpn: true, enableAppProtocol: true, gatewayClass: { create: "true" } },
      operator: { rollOutPods: true },
      rollOutCiliumPods: true,
    });
  });

  test("the L2 policy leaves control planes out unless a node selector is given", () => {
    expect(l2AnnouncementPolicy("p", { interfaces: ["^e.*"], nodeSelector: {} }).spec).toEqual({
      nodeSelector: { matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" }] },
      interfaces: ["^e.*"],
      loadBalancerIPs: true,
    });
    expect(l2AnnouncementPolicy("p", { interfaces: ["^eth0$"], nodeSelector: { zone: "a" } }).spec).toEqual({
      nodeSelector: { matchLabels: { zone: "a" } },
      interfaces: ["^eth0$"],
      loadBalancerIPs: true,
    });
  });
});

describe("cert-manager", () => {
  test("the issuers solve DNS-01 through Cloudflare with the token Secret, against Let's Encrypt's directories", () => {
    const issuer = letsEncryptIssuer("letsencrypt-staging", { email: "a@example.net", zone: "example.net", tokenSecret: "cf" });
    expect(issuer.spec).toEqual({
      acme: {
        server: "https://acme-staging-v02.api.letsencrypt.org/directory",
        email: "a@example.net",
        privateKeySecretRef: { name: "letsencrypt-staging-account-key" },
        solvers: [
          {
            selector: { dnsZones: ["example.net"] },
            dns01: { cloudflare: { apiTokenSecretRef: { name: "cf", key: "api-token" } } },
          },
        ],
      },
    });
    expect(
      letsEncryptIssuer("letsencrypt-production", { email: "a@example.net", zone: "z", tokenSecret: "cf" }).spec,
    ).toMatchObject({
      acme: { server: "https://acme-v02.api.letsencrypt.org/directory" },
    });
    expect(cloudflareTokenSecret("cf", "cert-manager", "t")).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "cf", namespace: "cert-manager" },
      type: "Opaque",
      stringData: { "api-token": "t" },
    });
  });

  test("the wildcard certificate covers every name directly under the domain, not the domain itself (no listener serves it)", () => {
    const cert = wildcardCertificate({
      name: "w",
      namespace: "gateway",
      domain: "lab.example.net",
      secretName: "tls",
      issuer: "letsencrypt-production",
    });
    expect(cert.spec).toEqual({
      secretName: "tls",
      dnsNames: ["*.lab.example.net"],
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      issuerRef: { name: "letsencrypt-production", kind: "ClusterIssuer", group: "cert-manager.io" },
    });
  });
});

describe("await annotations", () => {
  test("awaitingCondition: pulumi-kubernetes' waitFor and timeoutSeconds, the object's own annotations kept, nothing else changed", () => {
    const issuer = letsEncryptIssuer("letsencrypt-staging", { email: "a@example.net", zone: "example.net", tokenSecret: "cf" });
    const annotated = { ...issuer, metadata: { ...issuer.metadata, annotations: { "lab/owner": "me" } } };
    expect(awaitingCondition(annotated, "Ready", 300)).toEqual({
      ...issuer,
      metadata: {
        name: "letsencrypt-staging",
        annotations: { "lab/owner": "me", "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "300" },
      },
    });
    expect(annotated.metadata.annotations).toEqual({ "lab/owner": "me" });
  });

  test("awaitingCondition refuses a timeout that is not a positive whole number of seconds, and a malformed condition", () => {
    const route = httpsRedirectRoute("r", gatewayRef);
    expect(() => awaitingCondition(route, "Ready", 0)).toThrow(
      "awaitingCondition: the timeout must be a positive whole number of seconds, got 0",
    );
    expect(() => awaitingCondition(route, "Ready", 1.5)).toThrow(
      "awaitingCondition: the timeout must be a positive whole number of seconds, got 1.5",
    );
    expect(() => awaitingCondition(route, "Ready=True", 60)).toThrow('awaitingCondition: "Ready=True" is not a condition type');
  });

  test.each([
    ["5m", 300],
    ["15m", 900],
    ["1h30m", 5400],
    ["90s", 90],
    ["1h0m5s", 3605],
    ["0s", 0],
    ["15", undefined],
    ["", undefined],
    ["5 m", undefined],
    ["m", undefined],
    ["1m1h", undefined],
  ])("durationSeconds(%j) = %s", (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });
});

describe("Gateway API", () => {
  test("the shared Gateway: HTTP for the redirect only, HTTPS from every namespace, a fixed address", () => {
    const gateway = sharedGateway({
      ...gatewayRef,
      gatewayClassName: "cilium",
      domain: "lab.example.net",
      certificateSecret: "tls",
      address: "10.0.0.200",
    });
    expect(gateway.spec).toEqual({
      gatewayClassName: "cilium",
      addresses: [{ type: "IPAddress", value: "10.0.0.200" }],
      listeners: [
        {
          name: "http",
          protocol: "HTTP",
          port: 80,
          hostname: "*.lab.example.net",
          allowedRoutes: { namespaces: { from: "Same" } },
        },
        {
          name: "https",
          protocol: "HTTPS",
          port: 443,
          hostname: "*.lab.example.net",
          tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", group: "", name: "tls" }] },
          allowedRoutes: { namespaces: { from: "All" } },
        },
      ],
    });
    expect(httpsRedirectRoute("r", gatewayRef).spec).toEqual({
      parentRefs: [{ name: "homelab", namespace: "gateway", sectionName: "http" }],
      rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
    });
  });
});

describe("Argo CD", () => {
  test("ApplicationSets: git directories, goTemplate, <category>-<app> names, the app's namespace with its pod-security level, automated sync; no finalizer, preserved resources, orphaned on delete", () => {
    const set = applicationSet({
      name: "apps",
      namespace: "argocd",
      project: "homelab",
      repoUrl: "https://github.com/me/apps.git",
      revision: "main",
      directories: "apps/*/*",
      appName: appNameTemplate("category-app", "apps"),
      podSecurity: "restricted",
      sync: { selfHeal: true },
    });
    expect(set.metadata).toEqual({
      name: "apps",
      namespace: "argocd",
      annotations: { "pulumi.com/deletionPropagationPolicy": "orphan" },
    });
    expect(set.spec).toEqual({
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [{ git: { repoURL: "https://github.com/me/apps.git", revision: "main", directories: [{ path: "apps/*/*" }] } }],
      template: {
        metadata: { name: "{{ normalize (index .path.segments 1) }}-{{ .path.basenameNormalized }}" },
        spec: {
          project: "homelab",
          source: { repoURL: "https://github.com/me/apps.git", targetRevision: "main", path: "{{ .path.path }}" },
          destination: { server: "https://kubernetes.default.svc", namespace: "{{ .path.basenameNormalized }}" },
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ["CreateNamespace=true", "ServerSideApply=true"],
            retry: { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } },
            managedNamespaceMetadata: { labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
          },
        },
      },
      syncPolicy: { preserveResourcesOnDeletion: true },
    });
  });

  test.each<[string, Parameters<typeof appNameTemplate>, string]>([
    [
      "<category>-<app> under apps",
      ["category-app", "apps"],
      "{{ normalize (index .path.segments 1) }}-{{ .path.basenameNormalized }}",
    ],
    [
      "<category>-<app> under k8s/apps",
      ["category-app", "k8s/apps"],
      "{{ normalize (index .path.segments 2) }}-{{ .path.basenameNormalized }}",
    ],
    ["the app alone (a lab's first run after upgrading)", ["app", "apps"], "{{ .path.basenameNormalized }}"],
  ])("Application names: %s", (_what, args, template) => {
    expect(appNameTemplate(...args)).toBe(template);
  });

  test.each<[string, Parameters<typeof appNamingAfter>[0], string]>([
    ["a first run", {}, "category-app"],
    ["a lab deployed before <category>-<app> names", { argocdUrl: "https://argocd.lab.example.net" }, "app"],
    ["the run after that one", { argocdUrl: "https://argocd.lab.example.net", argocdAppNames: "app" }, "category-app"],
    ["a later run", { argocdUrl: "https://argocd.lab.example.net", argocdAppNames: "category-app" }, "category-app"],
  ])("Application naming after %s: %s", (_what, last, naming) => {
    expect(appNamingAfter(last)).toBe(naming);
  });

  test.each<[string, Parameters<typeof podSecurityTemplate>, string]>([
    [
      "a category's own level",
      [{ default: "baseline", categories: { monitoring: "privileged" } }, "apps", "monitoring"],
      "privileged",
    ],
    ["the default for another", [{ default: "baseline", categories: { monitoring: "privileged" } }, "apps", "media"], "baseline"],
    ["the single set, no category of its own", [{ default: "restricted", categories: {} }, "apps"], "restricted"],
    [
      "the single set chooses by the category directory, levels in order, the default last",
      [
        {
          default: "baseline",
          categories: { web: "restricted", monitoring: "privileged", storage: "privileged", infra: "baseline" },
        },
        "k8s/apps",
      ],
      '{{ if eq (index .path.segments 2) "monitoring" "storage" }}privileged{{ else if eq (index .path.segments 2) "web" }}restricted{{ else }}baseline{{ end }}',
    ],
  ])("pod-security levels: %s", (_what, args, template) => {
    expect(podSecurityTemplate(...args)).toBe(template);
  });

  test("categories whose <category>-<app> names could meet: reported at the longer one", () => {
    expect(categoryNameClashes(["infra", "media", "monitoring"])).toEqual([]);
    expect(categoryNameClashes(["media-tv", "infra", "media"])).toEqual([
      {
        index: 0,
        problem:
          "categories media and media-tv can name two apps alike: an app tv-<name> of media and an app <name> of media-tv would both be the Application media-tv-<name>; rename one of the two category directories",
      },
    ]);
  });

  test("the repository Secret: labelled for Argo CD, the token or key in stringData (secret as given)", () => {
    const token = pulumi.secret("t0ken");
    const https = repositorySecret({
      namespace: "argocd",
      url: "https://github.com/me/apps.git",
      credentials: { username: "git", token },
    });
    expect(https.metadata).toEqual({
      name: "argocd-repo-apps",
      namespace: "argocd",
      labels: { "argocd.argoproj.io/secret-type": "repository" },
    });
    expect(https.type).toBe("Opaque");
    expect(https.stringData).toEqual({ type: "git", url: "https://github.com/me/apps.git", username: "git", password: token });
    const ssh = repositorySecret({ namespace: "argocd", url: "git@github.com:me/apps.git", credentials: { sshPrivateKey: "k" } });
    expect(ssh.stringData).toEqual({ type: "git", url: "git@github.com:me/apps.git", sshPrivateKey: "k" });
  });

  test("the AppProject lists sources, destinations and cluster kinds (core group empty); namespaced kinds only when given", () => {
    const project = appProject({
      name: "homelab",
      namespace: "argocd",
      sourceRepos: ["https://github.com/me/apps.git"],
      destinations: [{ server: "https://kubernetes.default.svc", namespace: "media" }],
      clusterResources: ["Namespace", "rbac.authorization.k8s.io/ClusterRole"],
    });
    expect(project.spec).toEqual({
      description: "Apps deployed from the lab's git repository",
      sourceRepos: ["https://github.com/me/apps.git"],
      destinations: [{ server: "https://kubernetes.default.svc", namespace: "media" }],
      clusterResourceWhitelist: [
        { group: "", kind: "Namespace" },
        { group: "rbac.authorization.k8s.io", kind: "ClusterRole" },
      ],
    });
    const limited = appProject({
      name: "homelab",
      namespace: "argocd",
      sourceRepos: ["https://github.com/me/apps.git"],
      destinations: [],
      clusterResources: [],
      namespaceResources: ["apps/Deployment", "Service", "*/*"],
    });
    expect((limited.spec as Record<string, unknown>).namespaceResourceWhitelist).toEqual([
      { group: "apps", kind: "Deployment" },
      { group: "", kind: "Service" },
      { group: "*", kind: "*" },
    ]);
  });

  test("values: insecure server behind the Gateway, timeouts, exclusions; SSO disables the admin and reads the secret from argocd-secret", () => {
    const plain = argoCdValues({
      hostname: "argocd.lab.example.net",
      repoServerTimeoutSeconds: 120,
      extraResourceExclusions: [{ apiGroups: ["velero.io"], kinds: ["Backup"] }],
      kustomizeBuildOptions: "--enable-helm",
    });
    expect(plain).toMatchObject({
      global: { domain: "argocd.lab.example.net" },
      configs: {
        params: {
          "server.insecure": true,
          "controller.repo.server.timeout.seconds": "120",
          "server.repo.server.timeout.seconds": "120",
        },
      },
      repoServer: { env: [{ name: "ARGOCD_EXEC_TIMEOUT", value: "120s" }] },
      dex: { enabled: false },
    });
    const cm = (plain.configs as { cm: Record<string, string> }).cm;
    expect(cm).not.toHaveProperty("admin.enabled");
    expect(parse(cm["resource.exclusions"]!)).toEqual([...RESOURCE_EXCLUSIONS, { apiGroups: ["velero.io"], kinds: ["Backup"] }]);
    expect(cm["kustomize.buildOptions"]).toBe("--enable-helm");

    const sso = argoCdValues({
      hostname: "argocd.lab.example.net",
      repoServerTimeoutSeconds: 180,
      kustomizeBuildOptions: "--enable-helm",
      sso: {
        name: "Authentik",
        issuer: "https://auth.example.net/application/o/argocd/",
        clientId: "argocd",
        scopes: ["openid"],
        adminGroups: ["admins"],
      },
    });
    const configs = sso.configs as Record<string, Record<string, unknown>>;
    expect(configs.cm!["admin.enabled"]).toBe(false);
    expect(parse(configs.cm!["oidc.config"] as string)).toEqual({
      name: "Authentik",
      issuer: "https://auth.example.net/application/o/argocd/",
      clientID: "argocd",
      clientSecret: "$argocd-oidc:clientSecret",
      requestedScopes: ["openid"],
    });
    expect(configs).not.toHaveProperty("secret");
    expect(configs.rbac).toEqual({
      "policy.default": "role:readonly",
      "policy.csv": "g, admins, role:admin",
      scopes: "[groups]",
    });
  });
});

describe("helpers", () => {
  test("deepMerge: maps merge, lists and scalars replace, inputs untouched", () => {
    const base = { a: { b: 1, c: [1, 2] }, d: "x" };
    const merged = deepMerge(base, { a: { c: [3], e: null }, f: true });
    expect(merged).toEqual({ a: { b: 1, c: [3], e: null }, d: "x", f: true });
    expect(base).toEqual({ a: { b: 1, c: [1, 2] }, d: "x" });
  });

  test("artifact file names: <kind>-<name>.k8s.yaml, lower case", () => {
    const pool = loadBalancerIpPool("cilium", [{ cidr: "10.0.0.224/28" }]);
    expect(manifestFileName(pool)).toBe("ciliumloadbalancerippool-cilium.k8s.yaml");
  });
});

describe("poolClashes", () => {
  const pool = [{ start: "10.0.0.200", stop: "10.0.0.220" }, { cidr: "10.0.0.240/28" }];

  test("names every node and the endpoint inside the pool, nodes by name", () => {
    expect(
      poolClashes(pool, {
        nodeIps: { w2: "10.0.0.241", cp1: "10.0.0.11", w1: "10.0.0.200" },
        endpoint: "https://10.0.0.220:6443",
      }),
    ).toEqual([
      "node w1 has 10.0.0.200, inside pool block 10.0.0.200-10.0.0.220",
      "node w2 has 10.0.0.241, inside pool block 10.0.0.240/28",
      "the Kubernetes endpoint 10.0.0.220 is inside pool block 10.0.0.200-10.0.0.220",
    ]);
  });

  test("nothing for addresses outside it, a host-name endpoint or none", () => {
    expect(poolClashes(pool, { nodeIps: { cp1: "10.0.0.11" }, endpoint: "https://10.0.0.10:6443" })).toEqual([]);
    expect(poolClashes(pool, { nodeIps: {}, endpoint: "https://k8s.lab.example.net:6443" })).toEqual([]);
    expect(poolClashes(pool, { nodeIps: {} })).toEqual([]);
  });
});
