import { describe, expect, test } from "vitest";
import {
  adoptedRetained,
  APPLICATION_TYPE,
  authentikAppBound,
  checkAll,
  credentialsSecret,
  DEFAULT_SETTINGS,
  FIREWALL_TYPE,
  firewallExposure,
  formatPath,
  parseNetwork,
  POLICY_BINDING_TYPE,
  remoteHostKeyPinned,
  settingsFrom,
  statefulProtected,
  UNKNOWN,
  type PolicyResource,
  type PolicySettings,
} from "../../policy/rules";

// Small resource sets in the rules' own shape: each rule's violation, and its look-alikes that pass.

let counter = 0;
function resource(type: string, props: Record<string, unknown>, more: Partial<PolicyResource> = {}): PolicyResource {
  const name = more.name ?? `r${++counter}`;
  return {
    urn: `urn:pulumi:test::homelab::${type}::${name}`,
    type,
    name,
    props,
    secretPaths: [],
    options: { protect: false, retainOnDelete: false, importId: "" },
    propertyDependencies: {},
    ...more,
  };
}

const ANYWHERE = ["0.0.0.0/0", "::/0"];
const rule = (protocol: string, port: string | undefined, sourceIps: string[], description: string) => ({
  direction: "in",
  protocol,
  ...(port === undefined ? {} : { port }),
  sourceIps,
  description,
});
/** The edge's rules as the hetzner example opens them. */
const EDGE_RULES = [
  rule("tcp", "80", ANYWHERE, "HTTP (redirects to HTTPS)"),
  rule("tcp", "443", ANYWHERE, "HTTPS (Traefik)"),
  rule("udp", "51820", ANYWHERE, "NetBird (WireGuard)"),
  rule("icmp", undefined, ANYWHERE, "ICMP (ping, path MTU discovery)"),
  rule("tcp", "22", ["203.0.113.7/32", "2001:db8:1234::/48"], "SSH (admin)"),
];
const firewall = (rules: unknown) => resource(FIREWALL_TYPE, { name: "edge", rules }, { name: "edge" });
const messages = (found: { message: string }[]) => found.map((v) => v.message);
const withFirewall = (firewall: Partial<PolicySettings["firewall"]>): PolicySettings => ({
  ...DEFAULT_SETTINGS,
  firewall: { ...DEFAULT_SETTINGS.firewall, ...firewall },
});

describe("firewall-exposure", () => {
  test("the example's rules pass: HTTP(S), WireGuard and ICMP from everyone, SSH from the allow list", () => {
    expect(firewallExposure([firewall(EDGE_RULES)], DEFAULT_SETTINGS)).toEqual([]);
    expect(firewallExposure([firewall(EDGE_RULES)], withFirewall({ sshAllowFrom: ["203.0.113.0/24", "2001:db8::/32"] }))).toEqual(
      [],
    );
  });

  test("SSH from everyone is a violation, found by its description whatever the port", () => {
    const found = firewallExposure(
      [firewall([...EDGE_RULES.slice(0, 4), rule("tcp", "2222", ANYWHERE, "SSH (admin)")])],
      DEFAULT_SETTINGS,
    );
    expect(found).toEqual([
      {
        rule: "firewall-exposure",
        urn: "urn:pulumi:test::homelab::hcloud:index/firewall:Firewall::edge",
        type: FIREWALL_TYPE,
        name: "edge",
        message:
          'rule 4 ("SSH (admin)") opens tcp/2222 to everyone (0.0.0.0/0, ::/0); only tcp/80, tcp/443, udp/443, udp/51820, icmp may be (SSH from everyone needs allowSshFromAnywhere)',
      },
    ]);
    // ... and accepted when the policy config says SSH from everyone is allowed (the program's opt-in).
    expect(
      firewallExposure([firewall([rule("tcp", "2222", ANYWHERE, "SSH (admin)")])], withFirewall({ allowSshFromAnywhere: true })),
    ).toEqual([]);
  });

  test("any other port open to everyone is a violation, on either family; a port in publicPorts is not", () => {
    const rules = [
      rule("tcp", "8080", ["::/0"], "Dashboard"),
      rule("udp", "60000-61000", ["0.0.0.0/0"], "mosh"),
      rule("tcp", "22", ANYWHERE, ""),
    ];
    expect(messages(firewallExposure([firewall(rules)], DEFAULT_SETTINGS))).toEqual([
      'rule 0 ("Dashboard") opens tcp/8080 to everyone (::/0); only tcp/80, tcp/443, udp/443, udp/51820, icmp may be',
      'rule 1 ("mosh") opens udp/60000-61000 to everyone (0.0.0.0/0); only tcp/80, tcp/443, udp/443, udp/51820, icmp may be',
      // Port 22 is SSH even without a description that says so.
      'rule 2 ("") opens tcp/22 to everyone (0.0.0.0/0, ::/0); only tcp/80, tcp/443, udp/443, udp/51820, icmp may be (SSH from everyone needs allowSshFromAnywhere)',
    ]);
    expect(firewallExposure([firewall(rules.slice(0, 1))], withFirewall({ publicPorts: ["tcp/8080"] }))).toEqual([]);
  });

  test("SSH from a network outside the allow list is a violation when the list is set", () => {
    const rules = [rule("tcp", "22", ["203.0.113.7/32", "198.51.100.0/24", "2001:db8:1234::/48"], "SSH (admin)")];
    expect(
      messages(firewallExposure([firewall(rules)], withFirewall({ sshAllowFrom: ["203.0.113.0/24", "2001:db8::/32"] }))),
    ).toEqual(['rule 0 ("SSH (admin)") admits SSH from 198.51.100.0/24, outside the allow list 203.0.113.0/24, 2001:db8::/32']);
  });

  test("outbound rules, other resource types and firewalls without rules are not its business", () => {
    const out = { direction: "out", protocol: "tcp", port: "25", destinationIps: ANYWHERE };
    expect(
      firewallExposure(
        [
          firewall([out]),
          firewall(undefined),
          resource("hcloud:index/server:Server", { rules: [rule("tcp", "22", ANYWHERE, "")] }),
        ],
        DEFAULT_SETTINGS,
      ),
    ).toEqual([]);
  });

  test("rules unknown until apply are not judged, and say so", () => {
    expect(firewallExposure([firewall(UNKNOWN)], DEFAULT_SETTINGS)).toEqual([
      expect.objectContaining({ message: "rules is unknown until apply: not judged", unknown: true }),
    ]);
    expect(firewallExposure([firewall([rule("tcp", "22", [UNKNOWN as never], "SSH")])], DEFAULT_SETTINGS)).toEqual([
      expect.objectContaining({ unknown: true }),
    ]);
  });
});

describe("authentik-app-bound", () => {
  const app = (name: string, props: Record<string, unknown> = {}) =>
    resource(APPLICATION_TYPE, { slug: name, ...props }, { name });
  const binding = (name: string, props: Record<string, unknown>, targetDeps: string[] = []) =>
    resource(
      POLICY_BINDING_TYPE,
      { order: 0, ...props },
      { name, propertyDependencies: targetDeps.length ? { target: targetDeps } : {} },
    );

  test("an application whose binding's target came from it passes, even with the uuid unknown (a preview)", () => {
    const argocd = app("argocd", { uuid: UNKNOWN });
    expect(authentikAppBound([argocd, binding("argocd-admins", { target: UNKNOWN, group: UNKNOWN }, [argocd.urn])])).toEqual([]);
  });

  test("without property dependencies, equal known values bind (target = uuid)", () => {
    const grafana = app("grafana", { uuid: "0b5e…-uuid" });
    expect(authentikAppBound([grafana, binding("grafana-users", { target: "0b5e…-uuid", group: "g" })])).toEqual([]);
  });

  test("an application no binding targets is a violation; a binding to another application does not count", () => {
    const [wiki, tv] = [app("wiki", { uuid: "u-wiki" }), app("tv", { uuid: "u-tv" })];
    const found = authentikAppBound([wiki, tv, binding("tv-users", { target: "u-tv", user: 7 }, [tv.urn])]);
    expect(found).toEqual([
      {
        rule: "authentik-app-bound",
        urn: wiki.urn,
        type: APPLICATION_TYPE,
        name: "wiki",
        message:
          "no policy binding targets this application (authentik:index/policyBinding:PolicyBinding with target: <application>.uuid): every signed-in user may use it",
      },
    ]);
  });

  test("a binding that names no group, user or policy binds nothing", () => {
    const wiki = app("wiki");
    expect(messages(authentikAppBound([wiki, binding("wiki-nobody", { target: UNKNOWN, group: "" }, [wiki.urn])]))).toEqual([
      "binds no group, user or policy",
    ]);
  });
});

describe("credentials-secret", () => {
  test("a plain credential input is a violation; a secret one, or one inside a secret, is not", () => {
    const plain = resource(
      "authentik:index/sourceOauth:SourceOauth",
      { consumerKey: "Iv1.x", consumerSecret: "hunter2" },
      { name: "github" },
    );
    const secret = resource(
      "authentik:index/sourceOauth:SourceOauth",
      { consumerSecret: "hunter2" },
      { secretPaths: ["consumerSecret"] },
    );
    const command = (secretPaths: string[]) =>
      resource(
        "command:remote:Command",
        { connection: { host: "h", privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----" } },
        { secretPaths, name: "cmd" },
      );
    expect(credentialsSecret([plain, secret, command(["connection"])])).toEqual([
      {
        rule: "credentials-secret",
        urn: plain.urn,
        type: "authentik:index/sourceOauth:SourceOauth",
        name: "github",
        message: "consumerSecret is a plain value: pass it as a secret (pulumi.secret or a secret config value)",
      },
    ]);
    expect(messages(credentialsSecret([command([])]))).toEqual([
      "connection.privateKey is a plain value: pass it as a secret (pulumi.secret or a secret config value)",
    ]);
  });

  test("each type's credential paths: providers' tokens, Secret data, client keys, credential environment variables", () => {
    const cases: [string, Record<string, unknown>, string[]][] = [
      ["pulumi:providers:hcloud", { token: "t" }, ["token"]],
      ["pulumi:providers:cloudflare", { apiToken: "t" }, ["apiToken"]],
      ["pulumi:providers:authentik", { url: "https://auth", token: "t" }, ["token"]],
      [
        "pulumi:providers:proxmoxve",
        { endpoint: "https://pve", apiToken: "t", ssh: { username: "root", password: "p" } },
        ["apiToken", "ssh.password"],
      ],
      ["authentik:index/providerOauth2:ProviderOauth2", { clientId: "argocd", clientSecret: "s" }, ["clientSecret"]],
      ["authentik:index/user:User", { username: "svc", password: "p" }, ["password"]],
      [
        "kubernetes:core/v1:Secret",
        { data: { "tls.key": "a2V5" }, stringData: { token: "t" } },
        ['data["tls.key"]', "stringData.token"],
      ],
      [
        "talos:machine/bootstrap:Bootstrap",
        { clientConfiguration: { caCertificate: "ca", clientKey: "k" } },
        ["clientConfiguration.clientKey"],
      ],
      [
        "command:local:Command",
        { environment: { TALOSCONFIG_DATA: "x", CONFIG_HASH: "abc", API_TOKEN: "t" } },
        ["environment.TALOSCONFIG_DATA", "environment.API_TOKEN"],
      ],
      [
        "hcloud:index/server:Server",
        { userData: "#cloud-config\nssh_keys:\n  ed25519_private: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n" },
        ["userData"],
      ],
      // User data without a private key in it is not a credential.
      ["hcloud:index/server:Server", { userData: "#cloud-config\nusers: []\n" }, []],
      // A type without credential inputs.
      ["cloudflare:index/dnsRecord:DnsRecord", { content: "203.0.113.10", password: "not a credential of this type" }, []],
    ];
    for (const [type, props, paths] of cases)
      expect({ type, paths: messages(credentialsSecret([resource(type, props)])).map((m) => m.split(" ")[0]) }).toEqual({
        type,
        paths,
      });
  });

  test("an unknown credential is not judged; a source that cannot see secretness checks nothing", () => {
    expect(credentialsSecret([resource("pulumi:providers:hcloud", { token: UNKNOWN })])).toEqual([
      expect.objectContaining({ message: "token is unknown until apply: not judged", unknown: true }),
    ]);
    expect(credentialsSecret([resource("pulumi:providers:hcloud", { token: "t" }, { secretPaths: undefined })])).toEqual([]);
  });
});

describe("stateful-protected", () => {
  const vm = (name: string, protect: boolean) =>
    resource(
      "proxmoxve:index/vmLegacy:VmLegacy",
      { vmId: 111 },
      { name, options: { protect, retainOnDelete: false, importId: "" } },
    );

  test("an unprotected VM, server or Talos secrets is a violation; a protected one, or another type, is not", () => {
    const found = statefulProtected(
      [
        vm("lab-cp1", false),
        vm("lab-w1", true),
        resource("talos:machine/secrets:Secrets", {}, { name: "lab-secrets" }),
        resource("hcloud:index/sshKey:SshKey", {}),
      ],
      DEFAULT_SETTINGS,
    );
    expect(found.map((v) => [v.name, v.message])).toEqual([
      [
        "lab-cp1",
        "holds state and is not protected: set the program's protect config, or opt the stack out in the policy config",
      ],
      [
        "lab-secrets",
        "holds state and is not protected: set the program's protect config, or opt the stack out in the policy config",
      ],
    ]);
  });

  test("the policy config opts a stack out, or names the resources that may stay unprotected", () => {
    expect(statefulProtected([vm("lab-cp1", false)], settingsFrom({ "stateful-protected": { required: false } }))).toEqual([]);
    expect(
      statefulProtected([vm("lab-cp1", false)], settingsFrom({ "stateful-protected": { unprotected: ["lab-cp1"] } })),
    ).toEqual([]);
  });
});

describe("adopted-retained", () => {
  const stage = (options: PolicyResource["options"]) =>
    resource(
      "authentik:index/stageIdentification:StageIdentification",
      { name: "default-authentication-identification" },
      { name: "github-identification", options },
    );

  test("an adopted (imported) Authentik object not retained on delete is a violation", () => {
    expect(messages(adoptedRetained([stage({ protect: false, retainOnDelete: false, importId: "5f1c-uuid" })]))).toEqual([
      "is adopted (import 5f1c-uuid) but not retained on delete: set retainOnDelete so Pulumi never deletes Authentik's own object",
    ]);
  });

  test("retained, created rather than adopted, or options not visible (the policy SDK): nothing to report", () => {
    expect(
      adoptedRetained([
        stage({ protect: false, retainOnDelete: true, importId: "5f1c-uuid" }),
        stage({ protect: false, retainOnDelete: false, importId: "" }),
        stage({ protect: false }),
        resource("hcloud:index/server:Server", {}, { options: { protect: false, retainOnDelete: false, importId: "42" } }),
      ]),
    ).toEqual([]);
  });
});

describe("remote-host-key-pinned", () => {
  const command = (type: string, connection: unknown) => resource(type, { connection, create: "true" }, { name: "edge-ssh" });

  test("a remote command or copy without connection.hostKey, or with an empty one, is a violation", () => {
    const found = remoteHostKeyPinned([
      command("command:remote:Command", { host: "203.0.113.10", user: "ops" }),
      command("command:remote:CopyToRemote", { host: "203.0.113.10", hostKey: " " }),
    ]);
    expect(found.map((v) => [v.type, v.message])).toEqual([
      ["command:remote:Command", "connection.hostKey is not set: the host's SSH key is not pinned"],
      ["command:remote:CopyToRemote", "connection.hostKey is not set: the host's SSH key is not pinned"],
    ]);
  });

  test("a pinned key passes, known or not yet; an unknown connection is not judged; local commands are not remote", () => {
    expect(
      remoteHostKeyPinned([
        command("command:remote:Command", { host: "h", hostKey: "ssh-ed25519 AAAAC3Nz" }),
        command("command:remote:Command", { host: "h", hostKey: UNKNOWN }),
        command("command:local:Command", undefined),
      ]),
    ).toEqual([]);
    expect(remoteHostKeyPinned([command("command:remote:Command", UNKNOWN)])).toEqual([
      expect.objectContaining({ message: "connection is unknown until apply: not judged", unknown: true }),
    ]);
  });
});

describe("settings and helpers", () => {
  test("settingsFrom: defaults, overrides, and errors that name the rule and key", () => {
    expect(settingsFrom({})).toEqual(DEFAULT_SETTINGS);
    expect(settingsFrom({ "firewall-exposure": { publicPorts: ["tcp/443"], sshAllowFrom: ["10.0.0.0/8"] } }).firewall).toEqual({
      ...DEFAULT_SETTINGS.firewall,
      publicPorts: ["tcp/443"],
      sshAllowFrom: ["10.0.0.0/8"],
    });
    expect(() => settingsFrom({ "firewall-exposure": { publicPorts: ["443"] } })).toThrow(
      'firewall-exposure.publicPorts: "443" is not like tcp/443, udp/51820, icmp, esp or gre',
    );
    expect(() => settingsFrom({ "firewall-exposure": { sshAllowFrom: ["10.0.0.0/33"] } })).toThrow(
      'firewall-exposure.sshAllowFrom: "10.0.0.0/33" is not a network',
    );
    expect(() => settingsFrom({ "stateful-protected": { required: "no" } })).toThrow(
      "stateful-protected.required must be true or false",
    );
  });

  test("parseNetwork reads both families, compressed IPv6 included; formatPath quotes odd keys", () => {
    expect(parseNetwork("::/0")).toEqual({ bits: 128, network: 0n, prefix: 0 });
    expect(parseNetwork("2001:db8::1")).toEqual({ bits: 128, network: 0x20010db8000000000000000000000001n, prefix: 128 });
    expect(parseNetwork("203.0.113.7/24")).toEqual({ bits: 32, network: 0xcb007100n, prefix: 24 });
    expect(["1.2.3", "::1::", "10.0.0.256", "a/b"].map(parseNetwork)).toEqual([undefined, undefined, undefined, undefined]);
    expect(formatPath(["data", "tls.crt", 0, "x"])).toBe('data["tls.crt"][0].x');
  });

  test("checkAll runs every enabled rule", () => {
    const bad = [firewall([rule("tcp", "22", ANYWHERE, "SSH")]), resource("hcloud:index/server:Server", {}, { name: "edge" })];
    expect(checkAll(bad).map((v) => `${v.rule} ${v.name}`)).toEqual(["firewall-exposure edge", "stateful-protected edge"]);
    expect(checkAll(bad, DEFAULT_SETTINGS, (rule) => rule !== "stateful-protected").map((v) => v.rule)).toEqual([
      "firewall-exposure",
    ]);
  });
});
