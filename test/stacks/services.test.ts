import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, test, vi } from "vitest";
import { main, planStack } from "../../cli/plan";
import { planText, resourcesJson } from "../../cli/render";
import { readStackFile } from "../../cli/stack-file";
import { ConfigError, loadConfig, readPulumiConfig } from "../../config/loader";
import { DEFAULT_FLOWS, MANAGED_SCOPES, SELF_SIGNED_KEY_PAIR } from "../../lib/authentik";
import { EMBEDDED_OUTPOST_NAME } from "../../lib/edge";
import { programs, runStack } from "../../stacks";
import { accessProblem, slugClashProblem } from "../../stacks/services";
import { mockInvoke, mockResource, register, reveal, STACK_OUTPUTS, valueOf, type Registered } from "../helpers/pulumi";
import { frozenRun } from "../helpers/frozen";

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

/** The example as shipped, run once for the tests that only read it (a run is a pure function of its config). */
let shippedRun: ReturnType<typeof example> | undefined;
const shipped = () => (shippedRun ??= example().then(frozenRun));

const children = (r: Registered<unknown>, name: string) => r.childrenOf(r.get(name, "homelab:edge:PublicService"));
const hetzner = STACK_OUTPUTS.hetzner!.outputs("hetzner");

const PROXY = "authentik:index/providerProxy:ProviderProxy";
const OAUTH2 = "authentik:index/providerOauth2:ProviderOauth2";
const APP = "authentik:index/application:Application";
const BINDING = "authentik:index/policyBinding:PolicyBinding";
const ATTACHMENT = "authentik:index/outpostProviderAttachment:OutpostProviderAttachment";
const GET_GROUP = "authentik:index/getGroup:getGroup";
const GET_OUTPOST = "authentik:index/getOutpost:getOutpost";
const SCOPE_LOOKUP = "authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope";
/** The numeric id the mocks give a provider (Authentik's primary keys are numbers). */
const pk = (type: string, name: string) => Number(mockResource(type, name, {}).id);
/** Ids the program looks up by name: the embedded outpost, an Authentik group, a flow, a managed scope mapping. */
const outpostId = mockInvoke(GET_OUTPOST, { name: EMBEDDED_OUTPOST_NAME }).id;
const groupId = (name: string) => mockInvoke(GET_GROUP, { name }).id;
const flowId = (slug: string) => mockInvoke("authentik:index/getFlow:getFlow", { slug }).id;
const scopeId = (scope: keyof typeof MANAGED_SCOPES) => mockInvoke(SCOPE_LOOKUP, { managed: MANAGED_SCOPES[scope] }).id;
/** The authentik stack's access output, as the mocks answer it. */
const ACCESS = STACK_OUTPUTS.authentik!.outputs("authentik").access as { groups: string[]; defaultGroup: string };

/** A binding that admits the group `group` (order `order`) to the service's application `app`. */
function expectAllowBinding(r: Registered<unknown>, name: string, app: string, group: string, order: number) {
  const binding = r.get(name, BINDING);
  expect(binding.inputs, name).toEqual({
    target: mockResource(APP, app, { slug: app }).state.uuid,
    group: groupId(group),
    order,
    enabled: true,
  });
  const application = r.get(app, APP);
  expect(binding.propertyDependencies.target, name).toEqual([application.urn]);
  expect(binding.parent, name).toBe(application.parent);
}

describe("the services stack on the example catalog", () => {
  test("the program runs on the catalog its config check read: with the files gone after the check, it plans the same services", async () => {
    const dir = catalog();
    const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.services.yaml"));
    values["homelab:services"] = JSON.stringify({ ...JSON.parse(values["homelab:services"]!), catalog: dir });
    const spec = await programs.services!.config();
    const run = await register(
      async () => {
        const loaded = loadConfig("services", spec, readPulumiConfig());
        rmSync(dir, { recursive: true }); // a second reading would find no catalog
        return (await programs.services!.load())(loaded.config, { stack: "services" });
      },
      { stack: "services", config: values, secretKeys },
    );
    expect(existsSync(dir)).toBe(false);
    const names = (r: Registered<unknown>) =>
      r.run.resources.filter((x) => x.type === "homelab:edge:PublicService").map((x) => x.name);
    expect(names(run)).toEqual(names(await shipped()));
    expect(names(run).length).toBeGreaterThan(0);
  });

  test("one PublicService per file; exact children per auth mode", async () => {
    const r = await shipped();
    expect(r.ofType("homelab:edge:PublicService").map((x) => x.name)).toEqual(["jellyfin", "status", "wiki"]);
    const records = (name: string) => [
      `cloudflare:index/dnsRecord:DnsRecord::${name}-a`,
      `cloudflare:index/dnsRecord:DnsRecord::${name}-aaaa`,
    ];
    expect(children(r, "status")).toEqual([...records("status"), "command:remote:Command::status-route"]);
    expect(children(r, "jellyfin")).toEqual([
      `${APP}::jellyfin`,
      `${ATTACHMENT}::jellyfin`,
      `${BINDING}::jellyfin-allow-default`,
      `${PROXY}::jellyfin`,
      ...records("jellyfin"),
      "command:remote:Command::jellyfin-route",
    ]);
    expect(children(r, "wiki")).toEqual([
      ...records("wiki"),
      "command:remote:Command::wiki-route",
      "homelab:authentik:OidcApp::wiki",
    ]);
    expect(r.childrenOf(r.get("wiki", "homelab:authentik:OidcApp"))).toEqual([
      `${APP}::wiki`,
      `${BINDING}::wiki-allow-default`,
      `${OAUTH2}::wiki`,
    ]);
    expect(r.childrenOf(r.get("homelab-services", "pulumi:pulumi:Stack"))).toEqual([
      "homelab:edge:PublicService::jellyfin",
      "homelab:edge:PublicService::status",
      "homelab:edge:PublicService::wiki",
      "pulumi:providers:authentik::authentik",
      "pulumi:pulumi:StackReference::authentik",
      "pulumi:pulumi:StackReference::hetzner",
    ]);
  });

  test("DNS to the VPS, the route file in Traefik's directory, forward auth per host, the services account's token", async () => {
    const r = await shipped();
    const record = {
      zoneId: mockInvoke("cloudflare:index/getZone:getZone", { filter: { name: "example.net" } }).zoneId,
      name: "tv.example.net",
      ttl: 1,
      proxied: false,
      comment: "managed by homelab/services",
    };
    expect(r.get("jellyfin-a").inputs).toEqual({ ...record, type: "A", content: hetzner.ipv4 });
    expect(r.get("jellyfin-aaaa").inputs).toEqual({ ...record, type: "AAAA", content: hetzner.ipv6 });
    const route = r.get("jellyfin-route");
    const text = (await valueOf(r.result.artifacts["jellyfin.traefik.yaml"]!)).value;
    expect(reveal(route.inputs.stdin)).toEqual([text, false]);
    expect(route.inputs.create).toContain(`mv -f "$tmp" '/opt/edge/traefik/dynamic/service-jellyfin.yaml'`);
    expect(route.inputs.delete).toBe("rm -f '/opt/edge/traefik/dynamic/service-jellyfin.yaml'");
    const [connection, secret] = reveal(route.inputs.connection);
    expect(secret).toBe(true);
    // The edge's host key, as the hetzner stack exports it: every route's connection pins it.
    expect(connection).toEqual({
      host: hetzner.sshHost,
      user: "ops",
      port: 22,
      hostKey: hetzner.sshHostKey,
      privateKey: KEY_CANARY,
      dialErrorLimit: 10,
      perDialTimeout: 15,
    });
    expect(hetzner.sshHostKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}$/);
    expect(
      r.ofType("command:remote:Command").map((c) => [c.name, (reveal(c.inputs.connection)[0] as { hostKey?: string }).hostKey]),
    ).toEqual(r.ofType("command:remote:Command").map((c) => [c.name, hetzner.sshHostKey]));
    expect(parse(text).http.routers.jellyfin.middlewares).toEqual(["jellyfin-ratelimit", "authentik@file"]);
    expect(parse(text).http.routers["jellyfin-outpost"]).toMatchObject({ service: "authentik@file" });
    expect(r.get("jellyfin", PROXY).inputs).toEqual({
      name: "tv.example.net",
      mode: "forward_single",
      externalHost: "https://tv.example.net",
      authorizationFlow: flowId(DEFAULT_FLOWS.authorization),
      invalidationFlow: flowId(DEFAULT_FLOWS.invalidation),
      // homelab:authentik.sessionLength's default: a day's login.
      accessTokenValidity: "hours=24",
    });
    const provider = r.get("authentik", "pulumi:providers:authentik");
    expect(reveal(provider.inputs.token)).toEqual([STACK_OUTPUTS.authentik!.outputs("authentik").servicesToken, true]);
    const wiki = parse((await valueOf(r.result.artifacts["wiki.traefik.yaml"]!)).value);
    expect(wiki.http.services.wiki.loadBalancer).toEqual({
      servers: [{ url: "https://wiki.lab.example.net" }],
      passHostHeader: false,
    });
    expect(wiki.http.routers.wiki.middlewares).toBeUndefined();
  });

  test("SSO: each service's application admits its groups (the authentik stack's default group unless the file names some), forward-auth providers attached to the embedded outpost, OIDC scopes by name", async () => {
    const r = await shipped();
    // Looked up once each, by name: the outpost Traefik calls, and the authentik stack's default group.
    expect(r.invokes(GET_OUTPOST).map((i) => i.args)).toEqual([{ name: EMBEDDED_OUTPOST_NAME }]);
    expect(r.invokes(GET_GROUP).map((i) => i.args)).toEqual([{ name: ACCESS.defaultGroup }]);
    expect(ACCESS.defaultGroup).toBe("homelab-users");
    const attachment = r.get("jellyfin", ATTACHMENT);
    expect(attachment.inputs).toEqual({ outpost: outpostId, protocolProvider: pk(PROXY, "jellyfin") });
    expect(attachment.propertyDependencies).toEqual({ outpost: [], protocolProvider: [r.get("jellyfin", PROXY).urn] });
    expect(attachment.parent).toBe(r.get("jellyfin", "homelab:edge:PublicService").urn);
    expect(r.get("jellyfin", APP).inputs).toEqual({
      name: "tv.example.net",
      slug: "jellyfin",
      protocolProvider: pk(PROXY, "jellyfin"),
      metaLaunchUrl: "https://tv.example.net",
    });
    expectAllowBinding(r, "jellyfin-allow-default", "jellyfin", "homelab-users", 0);
    expectAllowBinding(r, "wiki-allow-default", "wiki", "homelab-users", 0);
    expect(r.ofType(BINDING).map((b) => b.name)).toEqual(["jellyfin-allow-default", "wiki-allow-default"]);
    expect(r.ofType(ATTACHMENT).map((a) => a.name)).toEqual(["jellyfin"]);
    expect(r.get("wiki", OAUTH2).inputs).toEqual({
      name: "wiki.example.net",
      clientId: "wiki",
      clientType: "confidential",
      allowedRedirectUris: [{ matching_mode: "strict", url: "https://wiki.example.net/auth/oidc.callback" }],
      propertyMappings: [scopeId("openid"), scopeId("email"), scopeId("profile")],
      authorizationFlow: flowId(DEFAULT_FLOWS.authorization),
      invalidationFlow: flowId(DEFAULT_FLOWS.invalidation),
      signingKey: mockInvoke("authentik:index/getCertificateKeyPair:getCertificateKeyPair", { name: SELF_SIGNED_KEY_PAIR }).id,
      accessTokenValidity: "minutes=10",
      refreshTokenValidity: "days=30",
      subMode: "hashed_user_id",
    });
    expect(r.invokes(SCOPE_LOOKUP).map((i) => i.args)).toEqual([
      { managed: MANAGED_SCOPES.openid },
      { managed: MANAGED_SCOPES.email },
      { managed: MANAGED_SCOPES.profile },
    ]);

    // A file's own groups, by name and in its order.
    const named = await example(
      catalog({
        "notes.yaml":
          "name: notes\nhostname: notes.example.net\nupstream:\n  url: http://10.20.0.60:3000\nauth: forward\nallow: [homelab-admins, homelab-users]\n",
        "admin.yaml":
          "name: admin\nhostname: admin.example.net\nupstream:\n  url: http://10.20.0.61:8080\nauth: oidc\noidc:\n  redirectUris: [https://admin.example.net/callback]\nallow: [homelab-admins]\n",
      }),
    );
    expect(named.childrenOf(named.get("notes", "homelab:edge:PublicService")).filter((c) => c.startsWith(BINDING))).toEqual([
      `${BINDING}::notes-allow-homelab-admins`,
      `${BINDING}::notes-allow-homelab-users`,
    ]);
    expectAllowBinding(named, "notes-allow-homelab-admins", "notes", "homelab-admins", 0);
    expectAllowBinding(named, "notes-allow-homelab-users", "notes", "homelab-users", 1);
    expect(named.childrenOf(named.get("admin", "homelab:authentik:OidcApp"))).toEqual([
      `${APP}::admin`,
      `${BINDING}::admin-allow-homelab-admins`,
      `${OAUTH2}::admin`,
    ]);
    expectAllowBinding(named, "admin-allow-homelab-admins", "admin", "homelab-admins", 0);
    expectAllowBinding(named, "jellyfin-allow-default", "jellyfin", "homelab-users", 0);
    expect(
      named
        .invokes(GET_GROUP)
        .map((i) => i.args.name)
        .sort(),
    ).toEqual(["homelab-admins", "homelab-users", "homelab-users"]);
    expect(named.get("notes", ATTACHMENT).inputs).toEqual({ outpost: outpostId, protocolProvider: pk(PROXY, "notes") });
  });

  test("a group the authentik stack does not have ends the run naming the file; so does an authentik stack without access groups", async () => {
    const dir = catalog({
      "notes.yaml":
        "name: notes\nhostname: notes.example.net\nupstream:\n  url: http://10.20.0.60:3000\nauth: forward\nallow: [homelab-users, family]\n",
    });
    // The one error, and no lookup of a group tried with it (a lookup's failed arguments would log it again).
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      await expect(example(dir)).rejects.toThrow(
        `${dir}/notes.yaml: allow: family: not a group of the authentik stack's homelab:access.groups (homelab-admins, homelab-users)`,
      );
      expect(logged.mock.calls).toEqual([]);
    } finally {
      logged.mockRestore();
    }
    const services = [
      { file: "services/a.yaml", allow: ["family", "homelab-users"] },
      { file: "services/b.yaml" },
      { file: "services/c.yaml", allow: ["admins"] },
    ];
    expect(accessProblem(ACCESS, services)).toBe(
      "services/a.yaml: allow: family; services/c.yaml: allow: admins: not a group of the authentik stack's homelab:access.groups (homelab-admins, homelab-users)",
    );
    expect(accessProblem(undefined, [{ file: "services/b.yaml" }])).toBe(
      "the authentik stack exports no access groups (its access output): deploy the authentik stack of this version first",
    );
    expect(accessProblem(ACCESS, services.slice(1, 2))).toBeUndefined();
  });

  test("outputs: each service's host, auth and URL; each OIDC service's client id and issuer; the client secrets apart and secret", async () => {
    const r = await shipped();
    const outputs = Object.fromEntries(
      await Promise.all(Object.entries(r.result.outputs).map(async ([k, v]) => [k, await valueOf(v)] as const)),
    );
    expect(outputs).toEqual({
      services: {
        value: {
          jellyfin: { hostname: "tv.example.net", auth: "forward", url: "https://tv.example.net" },
          status: { hostname: "status.example.net", auth: "none", url: "https://status.example.net" },
          wiki: { hostname: "wiki.example.net", auth: "oidc", url: "https://wiki.example.net" },
        },
        secret: false,
        known: true,
      },
      oidc: {
        value: { wiki: { clientId: "wiki", issuer: "https://auth.example.net/application/o/wiki/" } },
        secret: false,
        known: true,
      },
      oidcClientSecrets: {
        value: { wiki: mockResource(OAUTH2, "wiki", { clientType: "confidential" }).state.clientSecret },
        secret: true,
        known: true,
      },
    });
    // What other stacks read this one as (the mocks) agrees on the names and on what is secret.
    expect(Object.keys(STACK_OUTPUTS.services!.outputs("services")).sort()).toEqual(Object.keys(outputs).sort());
    expect(STACK_OUTPUTS.services!.secret).toEqual(["oidcClientSecrets"]);
  });

  test("a service's record that exists already ends the run before any record is written, naming the file and the import entry that adopts it; homelab:import adopts it", async () => {
    const zoneId = String(mockInvoke("cloudflare:index/getZone:getZone", { filter: { name: "example.net" } }).zoneId);
    const existing = {
      id: "7".repeat(32),
      name: "tv.example.net",
      type: "AAAA",
      content: "2001:db8::7",
      comment: "managed by homelab/cloudflare",
    };
    // The shipped catalog, so the file is named as the config names it (services/<file>).
    const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.services.yaml"));
    const options = (config: Record<string, string>) => ({
      stack: "services",
      config,
      secretKeys,
      answerInvoke: (token: string, args: Record<string, unknown>) =>
        token === "cloudflare:index/getDnsRecords:getDnsRecords" ? { ...args, results: [existing] } : undefined,
    });
    await expect(register(() => runStack("services"), options(values))).rejects.toThrow(
      `records that exist already stand in the way (1):\n  services/jellyfin.yaml: hostname: tv.example.net already has an AAAA record that the services stack did not make (record ${existing.id} → 2001:db8::7, comment "managed by homelab/cloudflare"): adopt it with homelab:import: { "tv.example.net/AAAA": "${zoneId}/${existing.id}" }`,
    );
    const importId = `${zoneId}/${existing.id}`;
    const r = await register(
      () => runStack("services"),
      options({ ...values, "homelab:import": JSON.stringify({ "tv.example.net/AAAA": importId }) }),
    );
    expect(r.invokes("cloudflare:index/getDnsRecords:getDnsRecords").map((i) => i.args)).toEqual([{ zoneId, maxItems: 10000 }]);
    expect(r.ofType("cloudflare:index/dnsRecord:DnsRecord").map((x) => [x.name, x.importId])).toEqual([
      ["jellyfin-a", ""],
      ["jellyfin-aaaa", importId],
      ["status-a", ""],
      ["status-aaaa", ""],
      ["wiki-a", ""],
      ["wiki-aaaa", ""],
    ]);
    // An entry for no record of the catalog is a config error, found once the catalog is read.
    await expect(
      register(
        () => runStack("services"),
        options({ ...values, "homelab:import": JSON.stringify({ "old.example.net/A": importId }) }),
      ),
    ).rejects.toThrow(
      'homelab:import["old.example.net/A"]: old.example.net/A is not a record of a published service (its records: tv.example.net/A, tv.example.net/AAAA, status.example.net/A, status.example.net/AAAA, wiki.example.net/A, wiki.example.net/AAAA)',
    );
  });

  test("a VPS without IPv6: services.ipv6 off leaves out every AAAA record", async () => {
    const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.services.yaml"));
    values["homelab:services"] = JSON.stringify({ ...JSON.parse(values["homelab:services"]!), catalog: catalog(), ipv6: false });
    const r = await register(() => runStack("services"), { stack: "services", config: values, secretKeys });
    expect(r.ofType("cloudflare:index/dnsRecord:DnsRecord").map((x) => x.name)).toEqual(["jellyfin-a", "status-a", "wiki-a"]);
  });

  test("adding a file adds exactly its records, route file and SSO objects; removing one removes exactly its own", async () => {
    const rows = (r: Registered<unknown>) => new Map(r.run.resources.map((x) => [x.urn, `${x.type}::${x.name}`]));
    const before = rows(await shipped());
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
      `${APP}::notes`,
      `${ATTACHMENT}::notes`,
      `${BINDING}::notes-allow-default`,
      `${PROXY}::notes`,
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
    const original = await shipped();
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
      "open.yaml":
        "name: open\nhostname: open.example.net\nupstream:\n  url: http://10.0.0.2\nauth: none\nallow: [homelab-users]\n",
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
    expect(lines[0]).toBe("plan: invalid configuration for stack services (10 problems):");
    expect(lines[1]).toMatch(/^  services\/broken\.yaml: is not YAML: /);
    expect(lines.slice(2)).toEqual([
      "  services/cb.yaml: oidc.redirectUris[0]: /relative must be an absolute URL (or use matching: regex)",
      "  services/open.yaml: public: must be true for auth: none (a service without authentication is published to everyone)",
      "  services/open.yaml: reason: is required for auth: none: say why this service is public without authentication",
      "  services/open.yaml: allow: is only for forward or oidc auth (a service with auth: none lets everyone in)",
      "  services/outside.yaml: colour: unknown key (known keys: name, hostname, upstream, auth, public, allow, reason, oidc, middlewares, enabled)",
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

test("a service may not take the slug of an infra app of the authentik stack", () => {
  expect(slugClashProblem({ grafana: {}, argocd: {} }, ["wiki", "grafana"])).toBe(
    "services grafana would take the Authentik slug of an app of the authentik stack (homelab:apps there); rename the service or the app",
  );
  expect(slugClashProblem(undefined, ["wiki"])).toBeUndefined();
});

test("the services stack attaches its forward-auth providers to the embedded outpost itself; the authentik stack no longer reads the services stack", async () => {
  const services = await shipped();
  const provider = services.get("jellyfin", PROXY);
  const attachment = services.get("jellyfin", ATTACHMENT);
  expect(attachment.inputs).toEqual({ outpost: outpostId, protocolProvider: pk(PROXY, "jellyfin") });
  expect(attachment.propertyDependencies.protocolProvider).toEqual([provider.urn]);
  // With the services stack's own provider (and token): the attachment is this stack's resource.
  expect(attachment.provider).toBe(provider.provider);
  expect(attachment.provider?.startsWith(`${services.get("authentik", "pulumi:providers:authentik").urn}::`)).toBe(true);
  expect(services.invokes(GET_OUTPOST).map((i) => i.args)).toEqual([{ name: EMBEDDED_OUTPOST_NAME }]);
  // No forward-auth service: no outpost to look up, nothing attached.
  const noForward = await example(catalog({ "jellyfin.yaml": undefined }));
  expect(noForward.invokes(GET_OUTPOST)).toEqual([]);
  expect(noForward.ofType(ATTACHMENT)).toEqual([]);

  // The authentik stack attaches only its own provider, leaves the outpost's list to the attachments, reads no services stack.
  const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.authentik.yaml"));
  const sso = await register(() => runStack("authentik"), { stack: "authentik", config: values, secretKeys });
  expect(sso.ofType("pulumi:pulumi:StackReference").map((x) => x.inputs)).toEqual([{ name: "hetzner" }]);
  expect(sso.get("forward-auth-outpost").inputs.protocolProviders).toEqual([]);
  expect(sso.get("forward-auth-outpost").ignoreChanges).toEqual(["protocolProviders"]);
  expect(sso.ofType(ATTACHMENT).map((x) => [x.name, x.inputs.protocolProvider])).toEqual([
    ["forward-auth", pk(PROXY, "forward-auth")],
  ]);
  // The setting that named the services stack is now an error that says what to do.
  values["homelab:forwardAuth"] = JSON.stringify({
    ...JSON.parse(values["homelab:forwardAuth"]!),
    servicesStack: "services-prod",
  });
  const error = await register(() => runStack("authentik"), { stack: "authentik", config: values, secretKeys }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems).toEqual([
    {
      key: "homelab:forwardAuth.servicesStack",
      message: "is no longer used: the services stack attaches its own forward-auth providers to the embedded outpost; remove it",
    },
  ]);
});
