import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { planStack } from "../../cli/plan";
import { authentikConfigSpec } from "../../config/authentik";
import { cloudflareConfigSpec } from "../../config/cloudflare";
import { parseImageReference, sshPublicKeyProblem } from "../../config/fields";
import { hetznerConfigSpec } from "../../config/hetzner";
import { loadConfig, rawConfig } from "../../config/loader";
import { platformConfigSpec } from "../../config/platform";
import { proxmoxCpuType } from "../../config/proxmox-fields";
import { loadCatalog, servicesConfigSpec } from "../../config/services";
import { CONFIG_TEST_KEY, configProblems, smallAuthentik } from "../helpers/fixtures";
import { planCli } from "../helpers/plan-cli";

// Issue 20: what the config of the platform, hetzner, cloudflare, authentik and services stacks
// promises, each rule's exact message, and exit 2 with nothing planned where a user met it.

const ROOT = join(__dirname, "..", "..");
const { work, plan } = planCli("promises-");

/** The example `Pulumi.<stack>.yaml`, its `homelab:` keys changed by `edit`, written to a file of its own. */
function stackFile(stack: string, edit: (config: Record<string, any>) => void): string {
  const doc = parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, any> };
  const values: Record<string, any> = {};
  for (const [key, value] of Object.entries(doc.config)) if (key.startsWith("homelab:")) values[key.slice(8)] = value;
  edit(values);
  const config = Object.fromEntries([
    ...Object.entries(doc.config).filter(([key]) => !key.startsWith("homelab:")),
    ...Object.entries(values).map(([key, value]) => [`homelab:${key}`, value]),
  ]);
  const file = join(work, `Pulumi.${stack}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify({ ...doc, config }));
  return file;
}

/** A plan that stops at the config: exit 2, the problems' lines, nothing on stdout. */
async function refused(stack: string, edit: (config: Record<string, any>) => void): Promise<string[]> {
  const run = await plan(stack, "--config", stackFile(stack, edit));
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: "" });
  const lines = run.stderr.split("\n");
  expect(lines.slice(-2)).toEqual(["Nothing was planned.", ""]);
  return lines.slice(1, -2).map((l) => l.trim());
}

const problems = configProblems;

const KEY = CONFIG_TEST_KEY;
const hetzner = (): Record<string, any> => ({
  server: { type: "cx23", location: "fsn1" },
  ssh: { publicKeys: [KEY], allowFrom: ["203.0.113.0/24"] },
  domain: "example.net",
  traefik: { acmeEmail: "me@example.net" },
  netbird: { setupKey: "setup-key" },
  authentik: { adminEmail: "me@example.net", secretKey: "k", postgresPassword: "p", bootstrapToken: "t" },
});
const edge = (edit: (c: Record<string, any>) => void) => problems(hetznerConfigSpec, hetzner, edit);
const cloudflare = (): Record<string, any> => ({
  zone: "example.org",
  lab: { domain: "lab.example.org", address: "10.20.0.200" },
});
const dns = (edit: (c: Record<string, any>) => void) => problems(cloudflareConfigSpec, cloudflare, edit);

describe("the services catalog directory", () => {
  test("one that does not exist: exit 2 naming homelab:services.catalog, with the directory meant", async () => {
    const lines = await refused("services", (c) => (c.services.catalog = "service"));
    expect(lines).toEqual([
      `homelab:services.catalog: service does not exist (looked for ${join(ROOT, "service")}: a relative catalog is relative to the project) (did you mean "services"?)`,
    ]);
  });

  test("one that is a file: exit 2 naming homelab:services.catalog", async () => {
    const lines = await refused("services", (c) => (c.services.catalog = "services/jellyfin.yaml"));
    expect(lines).toEqual([
      "homelab:services.catalog: services/jellyfin.yaml is a file; the catalog is a directory of service files (<name>.yaml)",
    ]);
  });

  test("an absolute path that does not exist is named as written", () => {
    const dir = join(work, "nowhere");
    expect(() => loadCatalog(dir, { zone: "example.net", labDomain: "lab.example.net" }, "services", dir)).toThrow(
      `homelab:services.catalog: ${dir} does not exist`,
    );
  });
});

describe("a problem at one level never hides another", () => {
  test("services: a zone without the lab domain, every host name outside it, and an import entry, in one run", async () => {
    const lines = await refused("services", (c) => {
      c.services.zone = "example.org";
      c.services.proxied = "yes";
      c.import = { "old.example.org/A": `${"0".repeat(32)}/${"f".repeat(32)}` };
    });
    expect(lines).toEqual([
      'homelab:services.proxied: must be true or false, got "yes"',
      "homelab:services.labDomain: lab.example.net is not in the zone example.org",
      'homelab:import["old.example.org/A"]: old.example.org/A is not a record of a published service (its records: tv.example.net/A, tv.example.net/AAAA, status.example.net/A, status.example.net/AAAA, wiki.example.net/A, wiki.example.net/AAAA)',
      "services/jellyfin.yaml: hostname: tv.example.net is not in the zone example.org",
      "services/status.yaml: hostname: status.example.net is not in the zone example.org",
      "services/wiki.yaml: hostname: wiki.example.net is not in the zone example.org",
    ]);
  });

  test("services: an invalid zone skips only the zone checks; files, routes and duplicates are still checked", () => {
    const dir = join(work, "catalog-levels");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "a.yaml"),
      "name: a\nhostname: a.example.net\nupstream:\n  route: a.example.org\nauth: forward\ncolor: red\n",
    );
    writeFileSync(join(dir, "b.yaml"), "name: b\nhostname: a.example.net\nupstream:\n  url: http://10.0.0.2\nauth: forward\n");
    expect(
      problems(
        servicesConfigSpec,
        () => ({ services: { zone: "Example.Net", labDomain: "lab.example.net", catalog: dir } }),
        () => undefined,
      ),
    ).toEqual([
      'homelab:services.zone: must be a lowercase DNS name like lab.example.net, got "Example.Net"',
      `${dir}/a.yaml: color: unknown key (known keys: name, hostname, upstream, auth, public, allow, reason, oidc, middlewares, enabled)`,
      `${dir}/a.yaml: upstream.route: a.example.org is not a lab name (under lab.example.net), which the shared Gateway serves`,
      `${dir}/b.yaml: hostname: a.example.net is also the hostname of ${dir}/a.yaml`,
    ]);
  });

  test("platform: an invalid LAN still compares the VIP with the router and the node addresses with each other", () => {
    const config = parse(readFileSync(join(ROOT, "Pulumi.platform.yaml"), "utf8")).config as Record<string, any>;
    const base = () => {
      const values = Object.fromEntries(Object.entries(structuredClone(config)).map(([k, v]) => [k.slice(8), v]));
      values.network = { cidr: "10.20.0.0/33", gateway: "10.20.0.1", vip: "10.20.0.1", nodeIps: ["10.20.0.11", "10.20.0.11"] };
      return values;
    };
    expect(problems(platformConfigSpec, base, () => undefined).filter((p) => p.startsWith("homelab:network"))).toEqual([
      'homelab:network.cidr: must be an IPv4 network like 10.10.0.0/24 (host bits zero), got "10.20.0.0/33"',
      "homelab:network.vip: 10.20.0.1 is the LAN's router (homelab:network.gateway): the Kubernetes API VIP is an address of the control planes; give it a free one",
      "homelab:network.nodeIps[1]: 10.20.0.11 is listed twice (also nodeIps[0])",
    ]);
  });
});

describe("image references in Docker's grammar", () => {
  test.each([
    ["traefik:v3.6.27", "docker.io", "library/traefik", "v3.6.27"],
    ["postgres:16.9-alpine", "docker.io", "library/postgres", "16.9-alpine"],
    ["library/postgres:16", "docker.io", "library/postgres", "16"],
    ["ghcr.io/goauthentik/server:2026.5.9", "ghcr.io", "goauthentik/server", "2026.5.9"],
    ["localhost:5000/edge/traefik:v3", "localhost:5000", "edge/traefik", "v3"],
    ["my_org/a__b-c.d:1_0", "docker.io", "my_org/a__b-c.d", "1_0"],
  ])("%s is accepted: registry %s, path %s, tag %s", (image, registry, path, tag) => {
    expect(parseImageReference(image)).toEqual({ registry, path, tag });
    const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
    expect(parseImageReference(`${image}@${digest}`)).toEqual({ registry, path, tag, digest });
    expect(edge((c) => (c.images = { traefik: image, postgresql: `${image.replace(/:[^:/]*$/, "")}@${digest}` }))).toEqual([]);
  });

  test("the config keeps an image as written, and the hetzner stack plans it", () => {
    const loaded = loadConfig("hetzner", hetznerConfigSpec, rawConfig({ ...hetzner(), images: { traefik: "traefik:v3.6.27" } }));
    expect(loaded.config.images).toEqual({
      traefik: "traefik:v3.6.27",
      netbird: "docker.io/netbirdio/netbird:0.67.1",
      authentik: "docker.io/authentik/server:2026.5.9",
      postgresql: "docker.io/library/postgres:16.15-alpine",
    });
  });

  test("bad ones are refused, each saying what is wrong", () => {
    const grammar = (got: string, short = "traefik:v3.7.20", pinned = "docker.io/library/traefik:v3.7.20") =>
      `must be an image reference like ${short} or ${pinned} ([registry[:port]/]name[:tag][@digest]: name components of lowercase letters and digits joined by ., _, __ or -; a tag of up to 128 letters, digits, _, . and -, not starting with . or -; a digest like sha256:<64 hex digits>), got ${JSON.stringify(got)}`;
    expect(
      edge(
        (c) =>
          (c.images = {
            traefik: "traefik",
            netbird: "NetBirdIO/netbird:0.67.1",
            authentik: "authentik/server:.2026",
            postgresql: "postgres@sha256:abc",
          }),
      ),
    ).toEqual([
      'homelab:images.traefik: "traefik" names no tag or digest, so Docker would pull whatever "latest" is at the time; pin a release like traefik:v3.7.20',
      'homelab:images.netbird: "NetBirdIO/netbird:0.67.1": an image\'s repository name is lowercase (Docker refuses uppercase in it), like netbirdio/netbird:0.67.1',
      `homelab:images.authentik: ${grammar("authentik/server:.2026", "authentik/server:2026.5.9", "docker.io/authentik/server:2026.5.9")}`,
      `homelab:images.postgresql: ${grammar("postgres@sha256:abc", "postgres:16.15-alpine", "docker.io/library/postgres:16.15-alpine")}`,
    ]);
    // The tag latest alone moves with every release; a digest pins it, and latest.1 is another tag.
    const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
    expect(
      edge(
        (c) =>
          (c.images = {
            traefik: "traefik:latest",
            netbird: `netbirdio/netbird:latest@${digest}`,
            authentik: "authentik/server:latest.1",
          }),
      ),
    ).toEqual([
      `homelab:images.traefik: "traefik:latest": the tag "latest" moves with every release, so Docker would pull whatever it is at the time; pin a release like traefik:v3.7.20 (or add a digest: traefik:latest@sha256:...)`,
    ]);
    expect(edge((c) => (c.images = { traefik: `traefik:${"v".repeat(129)}` }))).toEqual([
      `homelab:images.traefik: ${grammar(`traefik:${"v".repeat(129)}`)}`,
    ]);
  });

  test("a server without IPv4 takes no image from ghcr.io, however the reference is written", () => {
    expect(
      edge((c) => {
        c.server.ipv4 = false;
        c.ssh.allowFrom = ["2001:db8::/48"];
        c.images = { authentik: "ghcr.io/goauthentik/server:2026.5.9", traefik: "traefik:v3.6.27" };
      }),
    ).toEqual([
      "homelab:images.authentik: ghcr.io/goauthentik/server:2026.5.9 is on ghcr.io, which has no IPv6 address, and the server has no IPv4 (server.ipv4: false): Docker could not pull it; use an image from a registry reachable over IPv6 (Docker Hub: docker.io/...), or turn server.ipv4 on",
    ]);
  });
});

describe("a firewall rule without a description", () => {
  test("is accepted, and the Hetzner firewall gets the rule without one", async () => {
    const rule = { protocol: "tcp", port: "8443", sourceIps: ["203.0.113.0/24"] };
    const loaded = loadConfig("hetzner", hetznerConfigSpec, rawConfig({ ...hetzner(), firewall: { rules: [rule] } }));
    expect(loaded.config.firewallRules.at(-1)).toEqual({ direction: "in", ...rule });
    const planned = await planStack(
      "hetzner",
      stackFile("hetzner", (c) => (c.firewall = { rules: [rule] })),
    );
    const firewall = planned.resources.find((r) => r.type === "hcloud:index/firewall:Firewall");
    const rules = (firewall?.inputs as { rules: Record<string, unknown>[] }).rules;
    expect(rules.at(-1)).toEqual({ direction: "in", protocol: "tcp", port: "8443", sourceIps: ["203.0.113.0/24"] });
    expect(rules[0]).toEqual({
      direction: "in",
      protocol: "tcp",
      port: "80",
      sourceIps: ["0.0.0.0/0", "::/0"],
      description: "HTTP (redirects to HTTPS)",
    });
  });

  test("one given is still at most 255 characters and not empty", () => {
    const rule = (description: string) => ({ protocol: "udp", port: "3478", sourceIps: ["0.0.0.0/0"], description });
    expect(edge((c) => (c.firewall = { rules: [rule(""), rule("x".repeat(256))] }))).toEqual([
      "homelab:firewall.rules[0].description: must not be empty",
      "homelab:firewall.rules[1].description: must be at most 255, got " + JSON.stringify("x".repeat(256)),
    ]);
  });
});

describe("native apps' redirect URIs (RFC 8252)", () => {
  const sso = (...uris: unknown[]) => problems(authentikConfigSpec, smallAuthentik, (c) => (c.apps[0].redirectUris = uris));

  test("a private-use scheme of a reverse domain name is accepted, strict or as a pinned regex", () => {
    expect(
      sso("org.example.tasks:/oauth2redirect", "app.immich:///oauth-callback", "com.example.app://callback", {
        url: "^org\\.example\\.tasks:/oauth2redirect(/.*)?$",
        matching: "regex",
      }),
    ).toEqual([]);
    const dir = join(work, "catalog-native");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "tasks.yaml"),
      "name: tasks\nhostname: tasks.example.net\nupstream:\n  url: http://10.20.0.70\nauth: oidc\noidc:\n  clientType: public\n  redirectUris: [org.example.tasks:/oauth2redirect]\n",
    );
    expect(loadCatalog(dir, { zone: "example.net", labDomain: "lab.example.net" })[0]!.oidc!.redirectUris).toEqual([
      { url: "org.example.tasks:/oauth2redirect", matching: "strict" },
    ]);
  });

  test("a scheme that is no reverse domain, a fragment, plain HTTP and an unpinned regex are still refused", () => {
    expect(
      sso("tasks:/oauth2redirect", "org.example.tasks:/cb#done", "org.example.tasks:cb", "http://tasks.lan/cb", {
        url: "^org.example.tasks:/.*$",
        matching: "regex",
      }),
    ).toEqual([
      "homelab:apps[0].redirectUris[0]: tasks:/oauth2redirect has the private-use scheme tasks, which is not a reverse domain name: a native app's scheme is one of a domain it controls, like com.example.app:/callback (RFC 8252, section 7.1)",
      "homelab:apps[0].redirectUris[1]: org.example.tasks:/cb#done has a fragment (#): a redirect URI must not have one (RFC 6749, section 3.1.2)",
      "homelab:apps[0].redirectUris[2]: org.example.tasks:cb must be an absolute URL (or use matching: regex)",
      "homelab:apps[0].redirectUris[3]: http://tasks.lan/cb is plain HTTP: the authorization code would cross the network unencrypted; use https:// (plain HTTP is for loopback redirects only: localhost, 127.0.0.1, [::1])",
      "homelab:apps[0].redirectUris[4]: ^org.example.tasks:/.*$ could match another host: a regex redirect URI must start with ^ and a literal scheme://host (no wildcards, dots escaped as \\.), then / or $, e.g. ^https://app\\.example\\.net/callback/.*$",
    ]);
  });
});

describe("the lab's wildcard and the zone", () => {
  test("a wildcard to a loopback or 0.0.0.0/8 address is refused", () => {
    expect(dns((c) => (c.lab.address = "127.0.0.1"))).toEqual([
      "homelab:lab.address: 127.0.0.1 is a loopback address: every lab name would resolve to the machine that asks, not the shared Gateway; use the Gateway's LAN address (the platform stack's homelab:gateway.address)",
    ]);
    expect(dns((c) => (c.lab.address = "0.0.0.0"))).toEqual([
      "homelab:lab.address: 0.0.0.0 is a \"this host\" address (0.0.0.0/8): every lab name would resolve to the machine that asks, not the shared Gateway; use the Gateway's LAN address (the platform stack's homelab:gateway.address)",
    ]);
  });

  test("a lab domain at the zone's apex is refused, in the cloudflare and the services stack", () => {
    const apex =
      "example.org is the zone's apex: its wildcard *.example.org would answer every name of the zone that has no record of its own (a typo, a removed service) with the lab's LAN address; use a name under it like lab.example.org";
    expect(dns((c) => (c.lab.domain = "example.org"))).toEqual([`homelab:lab.domain: ${apex}`]);
    const dir = join(work, "catalog-empty");
    mkdirSync(dir);
    expect(
      problems(
        servicesConfigSpec,
        () => ({ services: { zone: "example.org", labDomain: "example.org", catalog: dir } }),
        () => undefined,
      ),
    ).toEqual([`homelab:services.labDomain: ${apex}`]);
  });

  test("an edge name written as a full name is refused, saying what to write", async () => {
    expect(dns((c) => (c.edge = { names: ["auth.example.org", "example.org", "sso.eu"] }))).toEqual([
      "homelab:edge.names[0]: auth.example.org is a full name, but edge names are relative to the zone example.org (this one would be auth.example.org.example.org): write auth",
      "homelab:edge.names[1]: example.org is a full name, but edge names are relative to the zone example.org (this one would be example.org.example.org): write @ for the apex",
    ]);
    expect(await refused("cloudflare", (c) => (c.edge.names = ["auth.example.net"]))).toEqual([
      "homelab:edge.names[0]: auth.example.net is a full name, but edge names are relative to the zone example.net (this one would be auth.example.net.example.net): write auth",
    ]);
  });

  test("TTLs: 1 or 60 to 86400; 30 to 59 only on Enterprise zones (a warning)", () => {
    expect(dns((c) => ((c.lab.ttl = 86401), (c.edge = { ttl: 0 })))).toEqual([
      "homelab:lab.ttl: must be 1 (automatic) or 60 to 86400 seconds (from 30 on Enterprise zones), got 86401",
      "homelab:edge.ttl: must be 1 (automatic) or 60 to 86400 seconds (from 30 on Enterprise zones), got 0",
    ]);
    const loaded = loadConfig(
      "cloudflare",
      cloudflareConfigSpec,
      rawConfig({ ...cloudflare(), lab: { ...cloudflare().lab, ttl: 30 } }),
    );
    expect(loaded.warnings).toEqual([
      "homelab:lab.ttl: 30 seconds is below 60, which only Enterprise zones allow (Cloudflare refuses it on other plans)",
    ]);
    expect(dns((c) => ((c.lab.ttl = 86400), (c.edge = { ttl: 60 })))).toEqual([]);
  });
});

describe("the edge VPS: SSH keys, server types, locations", () => {
  /** A key line of `type` whose blob holds `fields`, in the SSH wire format. */
  const real = (type: string, fields: Buffer[]) => {
    const lengthPrefixed = (b: Buffer) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(b.length);
      return Buffer.concat([length, b]);
    };
    return `${type} ${Buffer.concat([lengthPrefixed(Buffer.from(type)), ...fields.map(lengthPrefixed)]).toString("base64")} me@laptop`;
  };

  test("a public key cut short, of another type, or with a damaged field is refused", () => {
    const cut = KEY.slice(0, KEY.indexOf(" me@") - 12);
    const rsaAsEd = `ssh-rsa ${KEY.split(" ")[1]!}`;
    const wrongLength = real("ssh-ed25519", [Buffer.alloc(31, 7), Buffer.alloc(1)]);
    const whole = real("ssh-ed25519", [Buffer.alloc(32, 7)]);
    const blob = Buffer.concat([Buffer.from(whole.split(" ")[1]!, "base64"), Buffer.from([0x78])]).toString("base64");
    const extra = `ssh-ed25519 ${blob} me@laptop`;
    expect(sshPublicKeyProblem(whole)).toBeUndefined();
    expect(edge((c) => (c.ssh.publicKeys = [cut, rsaAsEd, wrongLength, extra]))).toEqual([
      "homelab:ssh.publicKeys[0]: is cut short: an ssh-ed25519 key is 51 bytes, this one 42; copy the whole line from the .pub file",
      'homelab:ssh.publicKeys[1]: says ssh-rsa, but the key inside is "ssh-ed25519": the line\'s type and key do not belong together',
      "homelab:ssh.publicKeys[2]: is damaged: its public key field is 31 bytes where ssh-ed25519 has 32; copy the whole line from the .pub file",
      "homelab:ssh.publicKeys[3]: has 1 byte(s) after the key (52 bytes where the key ends at 51): OpenSSH refuses it; copy the whole line from the .pub file",
    ]);
  });

  test("RSA: the exponent and the modulus are read; a modulus cut short or under 1024 bits is refused", () => {
    const modulus = Buffer.concat([Buffer.from([0, 0xc1]), Buffer.alloc(255, 0x5a)]);
    const rsa = real("ssh-rsa", [Buffer.from([1, 0, 1]), modulus]);
    expect(sshPublicKeyProblem(rsa)).toBeUndefined();
    expect(sshPublicKeyProblem(rsa.replace(/.{40} me@laptop$/, " me@laptop"))).toMatch(
      /^is cut short: the blob ends inside its modulus \(\d+ bytes\); copy the whole line from the \.pub file$/,
    );
    expect(sshPublicKeyProblem(real("ssh-rsa", [Buffer.from([1, 0, 1]), Buffer.from([0, 0x80, ...Buffer.alloc(63)])]))).toBe(
      "holds an RSA modulus of 512 bits; OpenSSH refuses RSA keys below 1024 bits (use ssh-ed25519)",
    );
    const ecdsa = real("ecdsa-sha2-nistp256", [Buffer.from("nistp256"), Buffer.alloc(65, 4)]);
    expect(sshPublicKeyProblem(ecdsa)).toBeUndefined();
    expect(sshPublicKeyProblem(real("ecdsa-sha2-nistp256", [Buffer.from("nistp384"), Buffer.alloc(65, 4)]))).toBe(
      'says ecdsa-sha2-nistp256, but its curve field is "nistp384", not nistp256; copy the whole line from the .pub file',
    );
    expect(edge((c) => (c.ssh.publicKeys = [rsa, ecdsa]))).toEqual([]);
  });

  test("an unknown server type or location, with the one probably meant", () => {
    expect(edge((c) => (c.server = { type: "cx24", location: "hel" }))).toEqual([
      'homelab:server.type: must be one of "cx23", "cx33", "cx43", "cx53", "cx22", "cx32", "cx42", "cx52", "cpx12", "cpx22", "cpx32", "cpx42", "cpx52", "cpx62", "cpx11", "cpx21", "cpx31", "cpx41", "cpx51", "cax11", "cax21", "cax31", "cax41", "ccx13", "ccx23", "ccx33", "ccx43", "ccx53", "ccx63", got "cx24" (did you mean "cx23"?)',
      'homelab:server.location: must be one of "fsn1", "nbg1", "hel1", "ash", "hil", "sin", got "hel" (did you mean "hel1"?)',
    ]);
    for (const type of ["cpx62", "cax41", "ccx13", "cx53"]) expect(edge((c) => (c.server.type = type))).toEqual([]);
  });
});

describe("Proxmox CPU types", () => {
  test.each([
    ["banana", '"banana" is not a Proxmox CPU model; e.g. host, x86-64-v2-AES, x86-64-v3, EPYC-Rome, or custom-<name>'],
    [
      "hots",
      '"hots" is not a Proxmox CPU model (did you mean "host"?); e.g. host, x86-64-v2-AES, x86-64-v3, EPYC-Rome, or custom-<name>',
    ],
    [
      "Skylake-Servr",
      '"Skylake-Servr" is not a Proxmox CPU model (did you mean "Skylake-Server"?); e.g. host, x86-64-v2-AES, x86-64-v3, EPYC-Rome, or custom-<name>',
    ],
    ["kvm64", '"kvm64" lacks x86-64-v2, which Talos needs; use host, x86-64-v2-AES or a newer model'],
  ])("%s is refused", (type, message) => {
    const result = proxmoxCpuType.safeParse(type);
    expect(result.success ? [] : result.error.issues.map((i) => i.message)).toEqual([message]);
  });

  test.each(["host", "x86-64-v2-AES", "x86-64-v3", "EPYC-Genoa", "Skylake-Server", "custom-fast", "EPYC-Turin-v2"])(
    "%s is accepted (a newer version of a known model with a warning from the checks)",
    (type) => expect(proxmoxCpuType.safeParse(type).success).toBe(true),
  );
});

describe("services: the catalog is read once", () => {
  test("the config resolves to the enabled services its check read (the program runs on those, not on a second reading)", () => {
    const dir = join(work, "catalog-once");
    mkdirSync(dir);
    writeFileSync(join(dir, "b.yaml"), "name: b\nhostname: b.example.net\nupstream:\n  url: http://10.0.0.2\nauth: forward\n");
    writeFileSync(
      join(dir, "a.yaml"),
      "name: a\nhostname: a.example.net\nupstream:\n  url: http://10.0.0.1\nauth: forward\nenabled: false\n",
    );
    const raw = rawConfig({ services: { zone: "example.net", labDomain: "lab.example.net", catalog: dir } });
    const { config } = loadConfig("services", servicesConfigSpec, raw);
    expect(config.catalog).toEqual(loadCatalog(dir, { zone: "example.net", labDomain: "lab.example.net" }, "services", dir));
    expect(config.catalog.map((s) => [s.name, s.file, s.enabled])).toEqual([["b", `${dir}/b.yaml`, true]]);
  });
});
