import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, test } from "vitest";
import { main, planStack } from "../../cli/plan";
import { planText, resourcesJson } from "../../cli/render";
import { readStackFile } from "../../cli/stack-file";
import * as pulumi from "@pulumi/pulumi";
import { runStack } from "../../stacks";
import { withoutSlugClashes } from "../../stacks/services";
import { servicesForwardProviders } from "../../stacks/authentik";
import { mockResource, register, reveal, STACK_OUTPUTS, valueOf, type Registered } from "../helpers/pulumi";

const ROOT = join(__dirname, "..", "..");
const work = mkdtempSync(join(tmpdir(), "services-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const KEY_CANARY = "-----BEGIN OPENSSH PRIVATE KEY-----canary-7d1e";

/** A copy of the shipped catalog, changed by `edit` (file name → text, `undefined` to delete). */
function catalog(edit: Record<string, string | undefined> = {}): string {
  const dir = mkdtempSync(join(work, "catalog-"));
  cpSync(join(ROOT, "services"), dir, { recursive: true });
  for (const [file, text] of Object.entries(edit)) {
    if (text === undefined) rmSync(join(dir, file));
    else writeFileSync(join(dir, file), text);
  }
  return dir;
}

/** The example services stack under mocks, with its catalog in `dir`. */
async function example(dir = catalog(), stack = "services") {
  const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.services.yaml"));
  values["homelab:services"] = JSON.stringify({ ...JSON.parse(values["homelab:services"]!), catalog: dir });
  values["homelab:edge"] = JSON.stringify({ sshPrivateKey: KEY_CANARY });
  return register(() => runStack(stack), { stack, config: values, secretKeys: [...secretKeys, "homelab:edge"] });
}

const children = (r: Registered<unknown>, name: string) => r.childrenOf(r.get(name, "homelab:edge:PublicService"));
const hetzner = STACK_OUTPUTS.hetzner!.outputs("hetzner");

describe("the services stack on the example catalog", () => {
  test("one PublicService per file; exact children per auth mode", async () => {
    const r = await example();
    expect(r.ofType("homelab:edge:PublicService").map((x) => x.name)).toEqual(["jellyfin", "status", "wiki"]);
    const records = (name: string) => [
      `cloudflare:index/dnsRecord:DnsRecord::${name}-a`,
      `cloudflare:index/dnsRecord:DnsRecord::${name}-aaaa`,
    ];
    expect(children(r, "status")).toEqual([...records("status"), "command:remote:Command::status-route"]);
    expect(children(r, "jellyfin")).toEqual([
      "authentik:index/application:Application::jellyfin",
      "authentik:index/providerProxy:ProviderProxy::jellyfin",
      ...records("jellyfin"),
      "command:remote:Command::jellyfin-route",
    ]);
    expect(children(r, "wiki")).toEqual([
      ...records("wiki"),
      "command:remote:Command::wiki-route",
      "homelab:authentik:OidcApp::wiki",
    ]);
    expect(r.childrenOf(r.get("wiki", "homelab:authentik:OidcApp"))).toEqual([
      "authentik:index/application:Application::wiki",
      "authentik:index/providerOauth2:ProviderOauth2::wiki",
    ]);
  });

  test("DNS to the VPS, the route file in Traefik's directory, forward auth per host, the services account's token", async () => {
    const r = await example();
    expect(r.get("jellyfin-a").inputs).toMatchObject({
      name: "tv.example.net",
      type: "A",
      content: hetzner.ipv4,
      proxied: false,
      comment: "managed by homelab/services",
    });
    expect(r.get("jellyfin-aaaa").inputs).toMatchObject({ type: "AAAA", content: hetzner.ipv6 });
    const route = r.get("jellyfin-route");
    const text = (await valueOf(r.result.artifacts["jellyfin.traefik.yaml"]!)).value;
    expect(reveal(route.inputs.stdin)).toEqual([text, false]);
    expect(route.inputs.create).toContain(`mv -f "$tmp" '/opt/edge/traefik/dynamic/service-jellyfin.yaml'`);
    expect(route.inputs.delete).toBe("rm -f '/opt/edge/traefik/dynamic/service-jellyfin.yaml'");
    const [connection, secret] = reveal(route.inputs.connection);
    expect(secret).toBe(true);
    expect(connection).toMatchObject({ host: hetzner.sshHost, user: "ops", port: 22, privateKey: KEY_CANARY });
    expect(parse(text).http.routers.jellyfin.middlewares).toEqual(["jellyfin-ratelimit", "authentik@file"]);
    expect(parse(text).http.routers["jellyfin-outpost"]).toMatchObject({ service: "authentik@file" });
    expect(r.get("jellyfin", "authentik:index/providerProxy:ProviderProxy").inputs).toMatchObject({
      name: "tv.example.net",
      mode: "forward_single",
      externalHost: "https://tv.example.net",
    });
    const provider = r.get("authentik", "pulumi:providers:authentik");
    expect(reveal(provider.inputs.token)).toEqual([STACK_OUTPUTS.authentik!.outputs("authentik").servicesToken, true]);
    const wiki = parse((await valueOf(r.result.artifacts["wiki.traefik.yaml"]!)).value);
    expect(wiki.http.services.wiki.loadBalancer).toEqual({
      servers: [{ url: "https://wiki.lab.example.net" }],
      passHostHeader: false,
    });
    expect(wiki.http.routers.wiki.middlewares).toBeUndefined();
    expect(await valueOf(r.result.outputs.forwardAuthProviders!)).toMatchObject({
      value: [Number(mockResource("authentik:index/providerProxy:ProviderProxy", "jellyfin", {}).id)],
    });
  });

  test("a VPS without IPv6: services.ipv6 off leaves out every AAAA record", async () => {
    const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.services.yaml"));
    values["homelab:services"] = JSON.stringify({ ...JSON.parse(values["homelab:services"]!), catalog: catalog(), ipv6: false });
    const r = await register(() => runStack("services"), { stack: "services", config: values, secretKeys });
    expect(r.ofType("cloudflare:index/dnsRecord:DnsRecord").map((x) => x.name)).toEqual(["jellyfin-a", "status-a", "wiki-a"]);
  });

  test("adding a file adds exactly its records, route file and SSO objects; removing one removes exactly its own", async () => {
    const rows = (r: Registered<unknown>) => new Map(r.run.resources.map((x) => [x.urn, `${x.type}::${x.name}`]));
    const before = rows(await example());
    const added = rows(
      await example(
        catalog({
          "notes.yaml": "name: notes\nhostname: notes.example.net\nupstream:\n  url: http://10.20.0.60:3000\nauth: forward\n",
        }),
      ),
    );
    expect(
      [...added.keys()]
        .filter((u) => !before.has(u))
        .map((u) => added.get(u))
        .sort(),
    ).toEqual([
      "authentik:index/application:Application::notes",
      "authentik:index/providerProxy:ProviderProxy::notes",
      "cloudflare:index/dnsRecord:DnsRecord::notes-a",
      "cloudflare:index/dnsRecord:DnsRecord::notes-aaaa",
      "command:remote:Command::notes-route",
      "homelab:edge:PublicService::notes",
    ]);
    expect([...before.keys()].filter((u) => !added.has(u))).toEqual([]);

    const removed = rows(await example(catalog({ "status.yaml": undefined })));
    expect(
      [...before.keys()]
        .filter((u) => !removed.has(u))
        .map((u) => before.get(u))
        .sort(),
    ).toEqual([
      "cloudflare:index/dnsRecord:DnsRecord::status-a",
      "cloudflare:index/dnsRecord:DnsRecord::status-aaaa",
      "command:remote:Command::status-route",
      "homelab:edge:PublicService::status",
    ]);
    // Changing a file changes that service's own resources only (here: its route file).
    const inputs = (r: Registered<unknown>) => new Map(r.run.resources.map((x) => [x.urn, JSON.stringify(x.inputs)]));
    const original = await example();
    const jellyfin = readFileSync(join(ROOT, "services", "jellyfin.yaml"), "utf8");
    const changed = await example(catalog({ "jellyfin.yaml": jellyfin.replace("average: 50", "average: 20") }));
    const [a, b] = [inputs(original), inputs(changed)];
    expect([...a.keys()].filter((u) => a.get(u) !== b.get(u)).map((u) => before.get(u))).toEqual([
      "command:remote:Command::jellyfin-route",
    ]);
    // Disabled is the same as removed.
    const text = readFileSync(join(ROOT, "services", "status.yaml"), "utf8");
    const disabled = rows(await example(catalog({ "status.yaml": `${text}enabled: false\n` })));
    expect([...disabled.values()].sort()).toEqual([...removed.values()].sort());
  });

  test("the catalog is checked first: exit 2, every problem by file and key path, nothing planned", async () => {
    const dir = catalog({
      "dup.yaml": "name: jellyfin2\nhostname: tv.example.net\nupstream:\n  url: http://10.0.0.1\nauth: forward\n",
      "outside.yaml": "name: outside\nhostname: x.example.org\nupstream:\n  route: x.example.org\nauth: forward\ncolour: red\n",
      "open.yaml": "name: open\nhostname: open.example.net\nupstream:\n  url: http://10.0.0.2\nauth: none\n",
      "broken.yaml": "name: [unclosed\n",
      "again.yaml": "name: status\nhostname: again.example.net\nupstream:\n  url: http://10.0.0.3\nauth: forward\n",
      "cb.yaml":
        "name: cb\nhostname: cb.example.net\nupstream:\n  url: http://10.0.0.4\nauth: oidc\noidc:\n  redirectUris: [/relative]\n",
    });
    const config = join(work, "Pulumi.bad-catalog.yaml");
    writeFileSync(
      config,
      readFileSync(join(ROOT, "Pulumi.services.yaml"), "utf8").replace(
        "labDomain: lab.example.net",
        `labDomain: lab.example.net\n    catalog: ${dir}`,
      ),
    );
    const out = join(work, "bad-catalog-out");
    let stdout = "";
    let stderr = "";
    const code = await main(["services", "--config", config, "--out", out], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      cwd: work,
    });
    expect({ code, stdout, out: existsSync(out) }).toEqual({ code: 2, stdout: "", out: false });
    // Keys name each file as the catalog is configured (here a temporary directory; normally services/).
    const lines = stderr.replaceAll(dir, "services").split("\n");
    expect(lines[0]).toBe("plan: invalid configuration for stack services (9 problems):");
    expect(lines[1]).toMatch(/^  services\/broken\.yaml: is not YAML: /);
    expect(lines.slice(2)).toEqual([
      "  services/cb.yaml: oidc.redirectUris[0]: /relative must be an absolute URL (or use matching: regex)",
      "  services/open.yaml: public: must be true for auth: none (a service without authentication is published to everyone)",
      "  services/open.yaml: reason: is required for auth: none: say why this service is public without authentication",
      "  services/outside.yaml: colour: unknown key (known keys: name, hostname, upstream, auth, public, reason, oidc, middlewares, enabled)",
      "  services/outside.yaml: hostname: x.example.org is not in the zone example.net",
      "  services/outside.yaml: upstream.route: x.example.org is not a lab name (under lab.example.net), which the shared Gateway serves",
      "  services/status.yaml: name: status is also the name of services/again.yaml",
      "  services/jellyfin.yaml: hostname: tv.example.net is also the hostname of services/dup.yaml",
      "Nothing was planned.",
      "",
    ]);
  });

  test("no secret in the plan: the services token and the SSH key stay out of text, resources and artifacts", async () => {
    const config = join(work, "Pulumi.services.yaml");
    writeFileSync(
      config,
      `${readFileSync(join(ROOT, "Pulumi.services.yaml"), "utf8")}  homelab:edge:\n    sshPrivateKey:\n      secure: ${KEY_CANARY}\n`,
    );
    const plan = await planStack("services", config);
    const token = String(STACK_OUTPUTS.authentik!.outputs("authentik").servicesToken);
    for (const part of [
      planText(plan),
      JSON.stringify(resourcesJson(plan)),
      ...Object.values(plan.artifacts).map((a) => String(a.value)),
    ]) {
      expect(part).not.toContain(KEY_CANARY);
      expect(part).not.toContain(token);
    }
    expect(Object.keys(plan.artifacts).sort()).toEqual(["jellyfin.traefik.yaml", "status.traefik.yaml", "wiki.traefik.yaml"]);
  });
});

test("a service may not take the slug of an infra app of the authentik stack", async () => {
  const clash = await register(() =>
    withoutSlugClashes(pulumi.output("t"), pulumi.output<Record<string, unknown> | undefined>({ grafana: {}, argocd: {} }), [
      "wiki",
      "grafana",
    ]),
  );
  await expect(valueOf(clash.result)).rejects.toThrow(
    "services grafana would take the Authentik slug of an app of the authentik stack (homelab:apps there); rename the service or the app",
  );
  const fine = await register(() =>
    withoutSlugClashes(pulumi.output("t"), pulumi.output<Record<string, unknown> | undefined>(undefined), ["wiki"]),
  );
  expect(await valueOf(fine.result)).toEqual({ value: "t", secret: false, known: true });
});

test("the authentik stack binds the services stack's forward-auth providers to the outpost Traefik calls", async () => {
  const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.authentik.yaml"));
  values["homelab:forwardAuth"] = JSON.stringify({
    ...JSON.parse(values["homelab:forwardAuth"]!),
    servicesStack: "services-prod",
  });
  // The services stack's answer; the hetzner stack's falls back to the plan's placeholders.
  const sso = await register(() => runStack("authentik"), {
    stack: "authentik",
    config: values,
    secretKeys,
    answer: (type, name, inputs) =>
      type === "pulumi:pulumi:StackReference" && name === "services"
        ? { id: "services-prod", state: { ...inputs, outputs: { forwardAuthProviders: [11, 12] }, secretOutputNames: [] } }
        : undefined,
  });
  expect(sso.get("services", "pulumi:pulumi:StackReference").inputs.name).toBe("services-prod");
  expect(sso.get("forward-auth-outpost").inputs.protocolProviders).toEqual([
    Number(mockResource("authentik:index/providerProxy:ProviderProxy", "forward-auth", {}).id),
    11,
    12,
  ]);
  // A services stack that has published none yet leaves the domain provider alone.
  const none = await register(() => servicesForwardProviders("services"));
  expect(await valueOf(none.result)).toEqual({ value: [], secret: false, known: true });
});
