import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { engineDiff, type EngineDiff, type PlannedResource, type PlannedStack } from "../../testing/engine";
import type { RecordedResource } from "../../testing/mock-runtime";
import { mockResource } from "../../testing/placeholders";
import { PROVIDER_RULES } from "../../testing/provider-rules";
import { operations, plan, resource, steps, type Config, type Plan } from "./harness";
import { ArgoCdCluster } from "./argocd";
import { carryOut, EdgeHost, plain, TalosHost } from "./hosts";
import { KEY_A, redeployCreating } from "./edge-harness";

/**
 * Upgrading homelab itself: a lab deployed by the previous main (5e2d9a6, the last whose commands
 * had `triggers`), planned by this one with the same example config. The fixtures are what that
 * commit's `npm run plan -- --all --out` wrote (`resources.json`, its `invokes` left out).
 *
 * That commit wrote every encrypted config value as the same `[secret]` placeholder, this one as
 * `[secret:<fingerprint>]`: the fingerprints of the secrets derived from them cannot be compared,
 * so both sides drop them (an unchanged config has unchanged secrets).
 */

const FIXTURES = join(__dirname, "fixtures", "5e2d9a6");

function withoutSecretFingerprints(p: PlannedStack): PlannedStack {
  return {
    stack: p.stack,
    resources: p.resources.map(
      (r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== "secretHashes")) as unknown as PlannedResource,
    ),
  };
}

/** The previous main's plan of `stack`. */
function previousMain(stack: string): PlannedStack {
  return JSON.parse(readFileSync(join(FIXTURES, `${stack}.json`), "utf8")) as PlannedStack;
}

/**
 * Where an example stack file has changed since that commit, the lab's config as it was then: an
 * upgrade keeps the lab's config. The talos example has since moved its search domain out of the
 * lab's wildcard (with homelab:domain to check it) and dropped its kubelet patch, which this
 * version renders itself; that config still loads here, with a warning for each.
 */
const THAT_MAINS_CONFIG: Record<string, (config: Config) => void> = {
  talos: (c) => {
    delete c["homelab:domain"];
    c["homelab:network"].searchDomains = ["lab.example.net"];
    c["homelab:cluster"].patches = [{ machine: { kubelet: { extraArgs: { "rotate-server-certificates": "true" } } } }];
  },
  // The platform example has since gained a NetBird section, the apps repository's credentials and
  // the categories' pod-security levels, which that lab did not have.
  platform: (c) => {
    delete c["homelab:netbird"];
    delete c["homelab:argocd"].repo.credentials;
    delete c["homelab:argocd"].podSecurity;
  },
};

/** This version's plans of the example stacks, each made once. */
const plans = new Map<string, Promise<Plan>>();

/** The diff of upgrading `stack` from the previous main to this one, and this one's plan. */
async function upgrade(stack: string, options?: Parameters<typeof plan>[2]): Promise<{ d: EngineDiff; head: Plan }> {
  let planned = options ? undefined : plans.get(stack);
  if (!planned) {
    planned = plan(stack, THAT_MAINS_CONFIG[stack], options);
    if (!options) plans.set(stack, planned);
  }
  const head = await planned;
  const d = engineDiff(withoutSecretFingerprints(previousMain(stack)), withoutSecretFingerprints(head.planned));
  return { d, head };
}

/**
 * The previous main's plan as a {@link Plan} the stand-ins can carry out: its recorded inputs (the
 * secret ones masked in the fixture: a connection, an environment) completed with this plan's of
 * the same resource, which the same config gives the same values.
 */
function previousAsPlan(stack: string, head: Plan): Plan {
  const planned = previousMain(stack);
  const resources = planned.resources.map((r) => {
    const inputs = { ...(r.inputs as Record<string, unknown>) };
    const now = head.run.resources.find(
      (h) => h.type === r.type && (h.name === r.name || h.aliases.some((a) => "name" in a && a.name === r.name)),
    );
    for (const key of ["connection", "environment"]) if (inputs[key] === "[secret]" && now) inputs[key] = now.inputs[key];
    // That main pinned no SSH host key.
    if (inputs.connection) {
      const { hostKey: _none, ...connection } = plain(inputs.connection) as { hostKey?: string };
      inputs.connection = connection;
    }
    return { ...r, inputs } as unknown as RecordedResource;
  });
  return { ...head, stack, planned, run: { ...head.run, resources } };
}

const hosts: { remove(): void }[] = [];
afterAll(() => hosts.forEach((h) => h.remove()));

/**
 * What the previous main's hetzner stack exported that this one reads back as its own last outputs
 * (no `serverId`, no `sshHostKey`: that main had neither), as a real upgrade run reads them.
 */
const HETZNER_OUTPUTS = { outputs: { sshHost: "203.0.113.10", sshUser: "ops", sshPort: 22 }, secretOutputs: [] };

/** What the previous main's platform stack exported (no `argocdAppNames`: that main named apps after their directory). */
const PLATFORM_OUTPUTS = {
  outputs: {
    gatewayAddress: "10.20.0.200",
    argocdUrl: "https://argocd.lab.example.net",
    domain: "lab.example.net",
    kubernetesStack: "talos",
  },
  secretOutputs: [],
} as unknown as Plan;

/** The example apps repository: `apps/<category>/<app>`. */
const APPS = [
  "apps/infra/homepage",
  "apps/media/immich",
  "apps/media/jellyfin",
  "apps/monitoring/grafana",
  "apps/monitoring/node-exporter",
];

/** What those apps deploy: `<namespace>/<kind>/<name>` → the Application tracking it. */
const deployedBy = (name: (category: string, app: string) => string) =>
  APPS.flatMap((dir) => {
    const [, category, app] = dir.split("/") as [string, string, string];
    return [
      [`${app}/Deployment/${app}`, name(category, app)],
      [`${app}/PersistentVolumeClaim/${app}-data`, name(category, app)],
    ];
  }).sort();

const ROLLOUTS = ["cp1", "cp2", "cp3", "w1", "w2", "w3", "gpu1"].map((n) => `homelab-${n}-rollout`);

/**
 * The cluster as the previous main left it: every node running the image its config names, and
 * each rollout's recorded stdout what that main's create printed (`installer-image: <image>`).
 */
function clusterOfPreviousMain(head: Plan): { host: TalosHost; state: Map<string, string> } {
  const host = new TalosHost();
  hosts.push(host);
  const state = new Map<string, string>();
  carryOut(engineDiff(undefined, head.planned), undefined, head, host, state);
  for (const name of ROLLOUTS) {
    const env = (plain(resource(head, name).inputs) as { environment: Record<string, string> }).environment;
    state.set(resource(head, name).urn, `installer-image: ${env.INSTALLER_IMAGE}\n`);
  }
  host.clear();
  return { host, state };
}

describe("upgrading homelab from the previous main", () => {
  test("talos: every command updates (none is replaced, no old delete runs); VMs, images and configs stay", async () => {
    const { d } = await upgrade("talos");
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({
      "homelab-kubernetes": "update",
      ...Object.fromEntries(ROLLOUTS.map((n) => [n, "update"])),
    });
    // The rollouts' and the Kubernetes step's `triggers` stay as the state has them.
    for (const name of [...ROLLOUTS, "homelab-kubernetes"]) {
      expect(d.steps.find((s) => s.name === name)?.ignored).toEqual(["triggers"]);
    }
    expect(d.counts).toEqual({ create: 0, update: 8, replace: 0, delete: 0, same: 25 });
    // That lab's config loads as it is, with a warning for each thing this version would have changed.
    expect((await upgrade("talos")).head.run.result.warnings).toEqual([
      "homelab:network.searchDomains: pods inherit the nodes' search domains; set homelab:domain (the lab's wildcard domain) so they are checked against it",
      "homelab:cluster.patches[0].machine.kubelet.extraArgs.rotate-server-certificates: homelab:cluster.kubeletServingCertificates (true) already renders this; remove it from the patch",
    ]);
    expect(steps(d)).toEqual(["update homelab-kubernetes runs update", ...ROLLOUTS.map((n) => `update ${n} runs update`)]);
  });

  test("talos, carried out: the rollouts ask each node and do nothing; Kubernetes only verifies", async () => {
    const { d, head } = await upgrade("talos");
    const { host, state } = clusterOfPreviousMain(head);
    const ran = carryOut(d, previousAsPlan("talos", head), head, host, state);
    expect(ran.map((r) => r.step.name)).toEqual(["homelab-kubernetes", ...ROLLOUTS]);
    expect(host.calls().filter((c) => !/ (version|get extensions)$/.test(c))).toEqual(["10.20.0.11 upgrade-k8s --to 1.36.3"]);
    expect(host.kubernetes()).toBe("1.36.3");
  });

  test("talos, a node whose last apply was staged: its rollout reboots it once into that config (the previous main never did)", async () => {
    const staged = (type: string, name: string, inputs: Record<string, unknown>) => {
      if (type !== "talos:machine/configurationApply:ConfigurationApply" || name !== "homelab-w1-config") return undefined;
      const made = mockResource(type, name, inputs);
      return { ...made, state: { ...made.state, resolvedApplyMode: "staged" } };
    };
    const { d, head } = await upgrade("talos", { answer: staged });
    const { host, state } = clusterOfPreviousMain(head);
    carryOut(d, previousAsPlan("talos", head), head, host, state);
    expect(host.calls().filter((c) => !/ (version|get extensions)$/.test(c))).toEqual([
      "10.20.0.11 upgrade-k8s --to 1.36.3",
      "10.20.0.21 reboot --wait --timeout 15m",
      "10.20.0.11 health --wait-timeout 15m",
    ]);
  });

  test("hetzner: every command updates; the old authorized-keys step continues as the SSH step; nothing is deleted", async () => {
    const { d } = await upgrade("hetzner", { after: HETZNER_OUTPUTS as unknown as Plan });
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({
      "edge-ea0c10be": "update", // protect dropped: recorded in the state only
      // The backup service's script and settings (backups are on by default).
      "edge-backup-postgresql-backup-sh": "create",
      "edge-backup-settings-env": "create",
      "edge-cloud-init": "update",
      "edge-compose-up": "update",
      "edge-compose-yaml": "update",
      "edge-host-key": "create",
      "edge-secrets-authentik-env": "update",
      "edge-secrets-netbird-env": "update",
      "edge-secrets-postgresql-env": "update",
      // Traefik's env file: the Cloudflare token of the DNS-01 challenge.
      "edge-secrets-traefik-env": "create",
      "edge-ssh": "update",
      "edge-sshd-host-key": "create",
      "edge-traefik-dynamic-authentik-yaml": "update",
      "edge-traefik-traefik-yaml": "update",
    });
    expect(d.steps.find((s) => s.name === "edge-ssh")?.previousUrn).toMatch(/::edge-authorized-keys$/);
    expect(steps(d)).toEqual([
      "update edge-ea0c10be",
      "create edge-host-key",
      "update edge-cloud-init runs create",
      // It connects without checking the host key (that main pinned none) and installs this one's.
      "create edge-sshd-host-key runs create",
      "update edge-ssh runs create",
      ...redeployCreating("edge-backup-postgresql-backup-sh", "edge-backup-settings-env", "edge-secrets-traefik-env"),
    ]);
  });

  test("hetzner, carried out on the edge the previous main built: no file goes missing, compose never goes down, SSH keeps answering", async () => {
    const { d, head } = await upgrade("hetzner", { after: HETZNER_OUTPUTS as unknown as Plan });
    const before = previousAsPlan("hetzner", head);
    const host = new EdgeHost([KEY_A]);
    hosts.push(host);
    const state = new Map<string, string>();
    carryOut(engineDiff(undefined, before.planned), undefined, before, host, state);
    const files = ["compose.yaml", "traefik/traefik.yaml", "traefik/dynamic/authentik.yaml", "secrets/netbird.env"];
    expect(files.filter((f) => host.file(`/opt/edge/${f}`) === undefined)).toEqual([]);
    const ups = host.log().filter((l) => l.startsWith("docker compose up")).length;
    const unpinned = host.unpinned.length; // every step of that main's

    const ran = carryOut(d, before, head, host, state, () => {
      expect(files.filter((f) => host.file(`/opt/edge/${f}`) === undefined)).toEqual([]);
      expect(host.file("/home/ops/.ssh/authorized_keys")).toContain("admin@laptop");
    });
    expect(ran.map((r) => `${r.step.name} ${r.step.runs}`)).toEqual([
      "edge-cloud-init create",
      "edge-sshd-host-key create",
      "edge-ssh create",
      "edge-backup-postgresql-backup-sh create",
      "edge-backup-settings-env create",
      "edge-compose-yaml update",
      "edge-secrets-authentik-env update",
      "edge-secrets-netbird-env update",
      "edge-secrets-postgresql-env update",
      "edge-secrets-traefik-env create",
      "edge-traefik-dynamic-authentik-yaml update",
      "edge-traefik-traefik-yaml update",
      "edge-compose-up update",
    ]);
    expect(host.refused).toEqual([]);
    // The server's own key is replaced by this version's before any step that pins it: only
    // cloud-init's wait (which runs before) and the host key step connect without checking it.
    expect(host.unpinned.slice(unpinned)).toEqual(["edge-cloud-init", "edge-sshd-host-key"]);
    expect(host.hostKey()).toBe(head.outputs.sshHostKey);
    expect(host.log().filter((l) => l.includes("compose down"))).toEqual([]);
    expect(host.log().filter((l) => l.startsWith("docker compose up")).length).toBe(ups + 1);
  });

  test("services: each route file is rewritten in place (an update), none removed; the forward-auth provider attaches itself and every app gets its group binding", async () => {
    const { d } = await upgrade("services");
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({
      "jellyfin OutpostProviderAttachment": "create",
      "jellyfin ProviderProxy": "update",
      "jellyfin-allow-default": "create",
      "wiki-allow-default": "create",
      "jellyfin-route": "update",
      "status-route": "update",
      "wiki-route": "update",
    });
    // A login to the service now lasts a day (homelab:authentik.sessionLength), not Authentik's 10 minutes.
    expect(d.steps.find((s) => s.name === "jellyfin" && s.op === "update")!.changes.map((c) => c.path)).toEqual([
      "accessTokenValidity",
    ]);
    expect(steps(d)).toEqual([
      "create wiki-allow-default",
      "update jellyfin ProviderProxy",
      "create jellyfin OutpostProviderAttachment",
      "create jellyfin-allow-default",
      "update jellyfin-route runs update",
      "update status-route runs update",
      "update wiki-route runs update",
    ]);
  });

  test("authentik: access and bindings are added, the services group loses superuser for a role, the token is replaced by an expiring one (new first, old last); nothing adopted is touched, only the retired groups scope goes", async () => {
    const { d } = await upgrade("authentik");
    expect(d.failures).toEqual([]);
    const ops = operations(d);
    expect(Object.entries(ops).filter(([, op]) => op !== "create")).toEqual([
      ["argocd", "update"],
      ["github", "update"],
      ["grafana", "update"],
      ["groups-scope", "delete"],
      ["homelab-services Group", "update"],
      ["homelab-services Token", "replace (create-before-delete)"],
    ]);
    expect(d.steps.filter((s) => s.op === "update").map((s) => [s.name, s.changes.map((c) => c.path)])).toEqual([
      ["github", ["additionalScopes", "groupMatchingMode", "propertyMappings"]],
      ["argocd", ["propertyMappings[3]"]],
      ["grafana", ["propertyMappings[3]"]],
      ["homelab-services", ["isSuperuser", "roles"]],
    ]);
    // The apps stop using the groups scope before it is deleted; the old token goes last.
    const order = steps(d);
    expect(order.indexOf("update argocd")).toBeLessThan(order.indexOf("delete groups-scope"));
    expect(order.slice(-2)).toEqual(["delete groups-scope", "delete-replaced homelab-services Token"]);
    expect(Object.keys(ops).filter((n) => ["github-identification", "forward-auth-outpost"].includes(n))).toEqual([]);
  });

  test("platform, run before the talos stack of this version: refused before anything in the cluster is touched (that talos stack does not say whether kubelets have serving certificates)", async () => {
    const thatTalosStack = (type: string, _name: string, inputs: Record<string, unknown>) =>
      type === "pulumi:pulumi:StackReference"
        ? {
            id: "talos",
            state: {
              ...inputs,
              outputs: {
                kubeconfig: "apiVersion: v1",
                talosconfig: "",
                endpoint: "https://10.20.0.10:6443",
                nodeIps: {},
                vmIds: {},
              },
              secretOutputNames: ["kubeconfig", "talosconfig"],
            },
          }
        : undefined;
    await expect(plan("platform", undefined, { answer: thatTalosStack })).rejects.toThrow(
      "stack talos exports no kubeletServingCertificates output (a talos stack of an earlier version), and homelab:addons.kubeletServingCertApprover and homelab:addons.metricsServer need kubelet serving certificates signed by the cluster CA: deploy the talos stack of this version first",
    );
  });

  test("platform: updates only, nothing replaced: the provider's cluster identifier and deleteUnreachable, the foundations' protection (state only), the wait annotations, the certificate without the apex", async () => {
    const { d } = await upgrade("platform", { after: PLATFORM_OUTPUTS });
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({
      kubernetes: "update",
      "cilium Release": "update",
      "cilium-pool": "update",
      "cilium-l2": "update",
      // Argo CD's release and ApplicationSets: their own changes of this release, pinned by their tests.
      argocd: "update",
      "argocd-apps-infra": "update",
      "argocd-apps-media": "update",
      "argocd-apps-monitoring": "update",
      "cert-manager-letsencrypt-production": "update",
      "cert-manager-letsencrypt-staging": "update",
      "cert-manager-wildcard": "update",
      homelab: "update",
    });
    const step = (name: string, type: string) => d.steps.find((s) => s.name === name && s.type === type)!;
    const changes = (name: string, type: string) => step(name, type).changes.map((c) => [c.path, c.before, c.after]);
    expect(changes("kubernetes", "pulumi:providers:kubernetes")).toEqual([
      ["clusterIdentifier", undefined, "talos"],
      ["deleteUnreachable", undefined, "true"],
    ]);
    // Protection is recorded in the state: no call to the cluster, nothing re-applied.
    const stateOnly = ["only its options change (protect): recorded in the state, no provider call"];
    for (const [name, type] of [
      ["cilium", "kubernetes:helm.sh/v3:Release"],
      ["cilium-pool", "kubernetes:cilium.io/v2:CiliumLoadBalancerIPPool"],
      ["cilium-l2", "kubernetes:cilium.io/v2alpha1:CiliumL2AnnouncementPolicy"],
      ["gateway-api", "kubernetes:yaml/v2:ConfigFile"],
      ["gateway-api", "homelab:kubernetes:GatewayApiCrds"],
      ["cilium", "homelab:kubernetes:CiliumInstall"],
    ] as const) {
      expect(changes(name, type), name).toEqual([]);
      expect(step(name, type).notes, name).toEqual(stateOnly);
    }
    const waits = (condition: string, seconds: number) => [
      "metadata.annotations",
      undefined,
      { "pulumi.com/timeoutSeconds": String(seconds), "pulumi.com/waitFor": `condition=${condition}` },
    ];
    const issuer = "kubernetes:cert-manager.io/v1:ClusterIssuer";
    expect(changes("cert-manager-letsencrypt-production", issuer)).toEqual([waits("Ready", 300)]);
    expect(changes("cert-manager-letsencrypt-staging", issuer)).toEqual([waits("Ready", 300)]);
    expect(changes("homelab", "kubernetes:gateway.networking.k8s.io/v1:Gateway")).toEqual([waits("Programmed", 300)]);
    // The certificate drops the apex (no listener serves it): cert-manager issues it once more.
    const certificate = "kubernetes:cert-manager.io/v1:Certificate";
    expect(changes("cert-manager-wildcard", certificate)).toEqual([
      waits("Ready", 900),
      ["spec.dnsNames[0]", "lab.example.net", "*.lab.example.net"],
      ["spec.dnsNames[1]", "*.lab.example.net", undefined],
    ]);
    expect(step("cert-manager-wildcard", certificate).notes).toEqual([
      `spec.dnsNames: ${PROVIDER_RULES["kubernetes:cert-manager.io/v1:Certificate"]!.updateEffects!["spec.dnsNames"]}`,
      "waits for condition=Ready (up to 900 s): `pulumi up` fails naming this object when it is not met",
    ]);
    expect(steps(d)).toEqual([
      "update kubernetes",
      "update cilium Release",
      "update cilium-pool",
      "update cilium-l2",
      "update argocd",
      "update argocd-apps-infra",
      "update argocd-apps-media",
      "update argocd-apps-monitoring",
      "update cert-manager-letsencrypt-production",
      "update cert-manager-letsencrypt-staging",
      "update cert-manager-wildcard",
      "update homelab",
    ]);
  });

  test("platform, Argo CD carried out: the upgrade run keeps the Applications' names and takes the resources finalizer off them; the next run names them <category>-<app>; nothing an app deployed is deleted", async () => {
    const { d, head } = await upgrade("platform", { after: PLATFORM_OUTPUTS });
    expect(head.outputs.argocdAppNames).toBe("app");
    const sets = d.steps.filter((s) => s.type === "kubernetes:argoproj.io/v1alpha1:ApplicationSet");
    expect(sets.map((s) => [s.name, s.op, s.changes.map((c) => c.path)])).toEqual(
      ["infra", "media", "monitoring"].map((c) => [
        `argocd-apps-${c}`,
        "update",
        ["metadata.annotations", "spec.template.metadata.finalizers", "spec.template.spec.syncPolicy.managedNamespaceMetadata"],
      ]),
    );
    // The release, for argocd-cm's kustomize.buildOptions (the chart restarts the controller and repo server for it).
    expect(
      d.steps
        .find((s) => s.name === "argocd" && s.type === "kubernetes:helm.sh/v3:Release")!
        .changes.map((c) => [c.path, c.after]),
    ).toEqual([['values.configs.cm["kustomize.buildOptions"]', "--enable-helm"]]);
    const before = withoutSecretFingerprints(previousMain("platform"));
    const cluster = ArgoCdCluster.deployed(APPS, before);
    expect([...cluster.objects].sort()).toEqual(deployedBy((_c, app) => app));
    expect([...cluster.applications.values()].every((a) => a.finalizers.includes("resources-finalizer.argocd.argoproj.io"))).toBe(
      true,
    );

    cluster.carryOut(d, before, head.planned, true);
    expect(cluster.deleted).toEqual([]);
    expect([...cluster.applications.values()].map((a) => [a.name, a.finalizers]).sort()).toEqual(
      ["grafana", "homepage", "immich", "jellyfin", "node-exporter"].map((n) => [n, []]),
    );

    // The next run renames them: the sets create <category>-<app> and delete the old ones, which
    // no longer carry the finalizer; the new ones take over what the old ones deployed.
    const next = await plan("platform", THAT_MAINS_CONFIG.platform, { after: head });
    expect(next.outputs.argocdAppNames).toBe("category-app");
    const rename = engineDiff(head.planned, next.planned);
    expect(operations(rename)).toEqual({
      "argocd-apps-infra": "update",
      "argocd-apps-media": "update",
      "argocd-apps-monitoring": "update",
    });
    expect(rename.steps.map((s) => s.changes.map((c) => [c.path, c.before, c.after]))).toEqual(
      ["infra", "media", "monitoring"].map(() => [
        [
          "spec.template.metadata.name",
          "{{ .path.basenameNormalized }}",
          "{{ normalize (index .path.segments 1) }}-{{ .path.basenameNormalized }}",
        ],
      ]),
    );
    cluster.carryOut(rename, head.planned, next.planned, true);
    expect(cluster.deleted).toEqual([]);
    expect([...cluster.objects].sort()).toEqual(deployedBy((c, app) => `${c}-${app}`));
    expect([...cluster.applications.keys()].sort()).toEqual([
      "infra-homepage",
      "media-immich",
      "media-jellyfin",
      "monitoring-grafana",
      "monitoring-node-exporter",
    ]);

    // What renaming in the upgrade run itself would have done: each old Application deleted with
    // its finalizer still on takes what it deployed (its volume claims included) with it.
    const fresh = await plan("platform", THAT_MAINS_CONFIG.platform);
    const atOnce = ArgoCdCluster.deployed(APPS, before);
    atOnce.carryOut(engineDiff(before, withoutSecretFingerprints(fresh.planned)), before, fresh.planned, true);
    expect(atOnce.deleted.sort()).toEqual(deployedBy((_c, app) => app).map(([key]) => key));
  });

  test("platform, a category removed in the upgrade run itself: the state holds no propagation annotation yet, so the set goes with foreground propagation and its apps' objects with it; remove categories from the next run on", async () => {
    const head = await plan(
      "platform",
      (c) => {
        THAT_MAINS_CONFIG.platform!(c);
        c["homelab:argocd"].categories = ["infra", "media"];
      },
      { after: PLATFORM_OUTPUTS },
    );
    const before = withoutSecretFingerprints(previousMain("platform"));
    const d = engineDiff(before, withoutSecretFingerprints(head.planned));
    const removed = d.steps.find((s) => s.name === "argocd-apps-monitoring")!;
    expect(removed.op).toBe("delete");
    expect(removed.notes).toEqual([
      'deleted with foreground propagation (no metadata.annotations["pulumi.com/deletionPropagationPolicy"] in the state: the default): Kubernetes deletes the Applications it generated first, and Argo CD, for each one carrying the resources finalizer, what it deployed',
    ]);
    const cluster = ArgoCdCluster.deployed(APPS, before);
    cluster.carryOut(d, before, head.planned, true);
    expect(cluster.deleted.sort()).toEqual([
      "grafana/Deployment/grafana",
      "grafana/PersistentVolumeClaim/grafana-data",
      "node-exporter/Deployment/node-exporter",
      "node-exporter/PersistentVolumeClaim/node-exporter-data",
    ]);
  });

  test("cloudflare: nothing changes", async () => {
    expect(operations((await upgrade("cloudflare")).d)).toEqual({});
  });
});
