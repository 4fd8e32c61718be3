import * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { authentikConfigSpec } from "../../config/authentik";
import { hetznerConfigSpec } from "../../config/hetzner";
import { ConfigError, loadConfig, rawConfig, type ConfigSpec } from "../../config/loader";
import { EDGE_IMAGES } from "../../lib/edge";
import { smallAuthentik } from "../helpers/fixtures";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyForTheConfigTestsxxxxxxxxxxxxxxxx me@laptop";

/** A small valid hetzner config. */
function hetzner(): Record<string, any> {
  return {
    server: { type: "cx23", location: "fsn1" },
    ssh: { publicKeys: [KEY], allowFrom: ["203.0.113.7/32"] },
    domain: "example.net",
    traefik: { acmeEmail: "me@example.net", cloudflareToken: "cf-dns-token" },
    netbird: { setupKey: "setup-key" },
    authentik: { adminEmail: "me@example.net", secretKey: "k", postgresPassword: "p", bootstrapToken: "t" },
  };
}

const authentik = smallAuthentik;

const SECRETS = {
  hetzner: [
    "traefik.cloudflareToken",
    "netbird.setupKey",
    "authentik.secretKey",
    "authentik.postgresPassword",
    "authentik.bootstrapToken",
  ],
  authentik: ["github.clientSecret"],
};

function load<C>(
  spec: ConfigSpec<any, C, any>,
  base: () => Record<string, any>,
  secrets: string[],
  edit: (c: Record<string, any>) => void,
) {
  const config = base();
  edit(config);
  const secretKeys = [...new Set(secrets.map((s) => s.split(".")[0]!))];
  return loadConfig("test", spec, rawConfig(config, secretKeys));
}

function problems<C>(
  spec: ConfigSpec<any, C, any>,
  base: () => Record<string, any>,
  edit: (c: Record<string, any>) => void,
): string[] {
  try {
    load(spec, base, [], edit);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.key}: ${p.message}`);
    throw error;
  }
  throw new Error("the config was accepted");
}

describe("hetzner config", () => {
  const bad = (edit: (c: Record<string, any>) => void) => problems(hetznerConfigSpec, hetzner, edit);

  test("defaults: edge on Ubuntu 24.04 with both address families, protected; auth.<domain>; pinned images; secrets stay secret", () => {
    const { config, warnings } = load(hetznerConfigSpec, hetzner, SECRETS.hetzner, () => undefined);
    expect(warnings).toEqual([]);
    expect(config.server).toEqual({
      name: "edge",
      type: "cx23",
      image: "ubuntu-24.04",
      location: "fsn1",
      ipv4: true,
      ipv6: true,
      backups: false,
      labels: {},
      protect: true,
    });
    expect(config.ssh).toEqual({
      adminUser: "ops",
      publicKeys: [KEY],
      existingKeys: [],
      port: 22,
      allowFrom: ["203.0.113.7/32"],
      allowSshFromAnywhere: false,
    });
    expect(config.firewallRules).toEqual([]);
    expect(config.authentik.hostname).toBe("auth.example.net");
    expect(config.netbird.hostname).toBe("edge");
    expect(config.netbird.managementUrl).toBe("https://api.netbird.io:443");
    expect(config.images).toEqual(EDGE_IMAGES);
    for (const value of [config.netbird.setupKey, config.authentik.secretKey, config.authentik.bootstrapToken]) {
      expect(pulumi.Output.isInstance(value)).toBe(true);
    }
  });

  test("SSH: no admin network is an error (Pulumi works over SSH); 0.0.0.0/0 needs allowSshFromAnywhere", () => {
    expect(bad((c) => (c.ssh.allowFrom = []))).toEqual([
      "homelab:ssh.allowFrom: is empty, so the firewall would block SSH, and Pulumi configures the VPS over SSH: list the networks you run pulumi up from (e.g. 203.0.113.7/32), or set allowSshFromAnywhere: true",
    ]);
    expect(bad((c) => (c.ssh.allowFrom = ["203.0.113.7/32", "::/0"]))).toEqual([
      "homelab:ssh.allowFrom[1]: ::/0 opens SSH to everyone; set ssh.allowSshFromAnywhere: true if that is meant",
    ]);
    const open = load(hetznerConfigSpec, hetzner, SECRETS.hetzner, (c) =>
      Object.assign(c.ssh, { allowFrom: ["0.0.0.0/0"], allowSshFromAnywhere: true }),
    );
    expect(open.warnings).toEqual(["homelab:ssh.allowFrom: is ignored: allowSshFromAnywhere opens SSH to every address"]);
  });

  test("keys, users, networks and rules are checked where they are written", () => {
    expect(
      bad((c) => {
        c.ssh.publicKeys = ["AAAA not a key"];
        c.ssh.adminUser = "root";
        c.ssh.allowFrom = ["203.0.113.7"];
        c.firewall = {
          rules: [
            { protocol: "icmp", port: "8", sourceIps: ["0.0.0.0/0"], description: "ping" },
            { protocol: "tcp", sourceIps: ["10.0.0.0/8"], description: "no port" },
            { protocol: "udp", port: "9000-8000", sourceIps: ["::/0"], description: "backwards" },
          ],
        };
      }),
    ).toEqual([
      "homelab:ssh.adminUser: must not be root: root logins are disabled",
      'homelab:ssh.publicKeys[0]: must be an OpenSSH public key line like ssh-ed25519 AAAA... me@laptop, got "AAAA not a key"',
      'homelab:ssh.allowFrom[0]: must be a network in CIDR form like 203.0.113.7/32 or 2001:db8::/48, got "203.0.113.7"',
      "homelab:firewall.rules[0].port: must not be set for icmp (ICMP has no ports)",
      "homelab:firewall.rules[1].port: is required for tcp",
      "homelab:firewall.rules[2].port: 9000-8000 is not a port range within 1-65535",
    ]);
  });

  test("admin keys: public key lines, or {existing: <name or id>} for a key already in the Hetzner project; each key once", () => {
    const { config } = load(hetznerConfigSpec, hetzner, SECRETS.hetzner, (c) => {
      c.ssh.publicKeys = [{ existing: "ci-deploy" }, KEY, { existing: 4711 }];
    });
    expect(config.ssh.publicKeys).toEqual([KEY]);
    expect(config.ssh.existingKeys).toEqual([
      { existing: "ci-deploy", index: 0 },
      { existing: 4711, index: 2 },
    ]);
    // Existing keys alone are enough.
    expect(
      load(hetznerConfigSpec, hetzner, SECRETS.hetzner, (c) => (c.ssh.publicKeys = [{ existing: 1 }])).config.ssh,
    ).toMatchObject({
      publicKeys: [],
      existingKeys: [{ existing: 1, index: 0 }],
    });
    expect(
      bad((c) => {
        c.ssh.publicKeys = [
          { existing: "" },
          { existing: -3 },
          { existing: true },
          { exists: "laptop" },
          42,
          KEY,
          `${KEY.split(" ").slice(0, 2).join(" ")} other@comment`,
          { existing: "ci-deploy" },
          { existing: "ci-deploy" },
        ];
      }),
    ).toEqual([
      "homelab:ssh.publicKeys[0].existing: must not be empty",
      "homelab:ssh.publicKeys[1].existing: must be at least 1, got -3",
      "homelab:ssh.publicKeys[2]: must be an OpenSSH public key line, or {existing: <name or id>} for a key already in the Hetzner project",
      "homelab:ssh.publicKeys[3]: must be an OpenSSH public key line, or {existing: <name or id>} for a key already in the Hetzner project",
      "homelab:ssh.publicKeys[4]: must be an OpenSSH public key line, or {existing: <name or id>} for a key already in the Hetzner project",
      "homelab:ssh.publicKeys[6]: is the same key as ssh.publicKeys[5]; list each key once",
      "homelab:ssh.publicKeys[8]: is the same key as ssh.publicKeys[7]; list each key once",
    ]);
  });

  test("certificates: DNS-01 with a Cloudflare token (secret), Cloudflare's proxy only with it; without one, TLS-ALPN and a warning", () => {
    const { config } = load(hetznerConfigSpec, hetzner, SECRETS.hetzner, () => undefined);
    expect({ ...config.traefik, cloudflareToken: undefined }).toEqual({
      acmeEmail: "me@example.net",
      acmeStaging: false,
      logLevel: "INFO",
      cloudflareToken: undefined,
      cloudflareProxied: false,
    });
    expect(pulumi.Output.isInstance(config.traefik.cloudflareToken)).toBe(true);
    const proxied = load(hetznerConfigSpec, hetzner, SECRETS.hetzner, (c) => (c.traefik.cloudflareProxied = true));
    expect(proxied.warnings).toEqual([]);
    expect(proxied.config.traefik.cloudflareProxied).toBe(true);
    const tlsAlpn = load(
      hetznerConfigSpec,
      hetzner,
      SECRETS.hetzner.filter((k) => !k.startsWith("traefik.")),
      (c) => delete c.traefik.cloudflareToken,
    );
    expect(tlsAlpn.config.traefik.cloudflareToken).toBeUndefined();
    expect(tlsAlpn.warnings).toEqual([
      "homelab:traefik.cloudflareToken: is unset, so Traefik gets certificates by TLS-ALPN, which fails for a name whose public record does not point at the VPS yet (auth.<domain> before the cloudflare stack has run, a service before its record) and is not retried; set a Cloudflare API token (Zone:Read, DNS:Edit) for the DNS-01 challenge",
    ]);
    expect(
      bad((c) => {
        delete c.traefik.cloudflareToken;
        c.traefik.cloudflareProxied = true;
      }),
    ).toEqual([
      "homelab:traefik.cloudflareProxied: needs traefik.cloudflareToken: behind Cloudflare's proxy, Let's Encrypt's TLS-ALPN challenge reaches Cloudflare, not Traefik, so no certificate would be issued; set a Cloudflare API token (Zone:Read, DNS:Edit) for the DNS-01 challenge",
    ]);
    expect(bad((c) => (c.traefik.cloudflareToken = "token with spaces"))).toEqual([
      "homelab:traefik.cloudflareToken: must be a Cloudflare API token: one line without spaces, quotes, backslashes or $ (compose reads it from an env file) (the value is secret and not shown)",
    ]);
  });

  test("a server without IPv4: an image on ghcr.io (no IPv6 address) is an error naming the image; Docker Hub's are pulled over IPv6", () => {
    const ipv6Only = (c: Record<string, any>) => {
      c.server.ipv4 = false;
      c.ssh.allowFrom = ["2001:db8:1234::/48"];
    };
    // Authentik's image from Docker Hub, where Authentik publishes it too.
    expect(
      load(hetznerConfigSpec, hetzner, SECRETS.hetzner, (c) => {
        ipv6Only(c);
        c.images = { authentik: "docker.io/authentik/server:2026.5.9" };
      }).warnings,
    ).toEqual([]);
    expect(
      bad((c) => {
        ipv6Only(c);
        c.images = { authentik: "ghcr.io/goauthentik/server:2026.5.9", traefik: "ghcr.io/traefik/traefik:v3.7.20" };
      }),
    ).toEqual([
      "homelab:images.traefik: ghcr.io/traefik/traefik:v3.7.20 is on ghcr.io, which has no IPv6 address, and the server has no IPv4 (server.ipv4: false): Docker could not pull it; use an image from a registry reachable over IPv6 (Docker Hub: docker.io/...), or turn server.ipv4 on",
      "homelab:images.authentik: ghcr.io/goauthentik/server:2026.5.9 is on ghcr.io, which has no IPv6 address, and the server has no IPv4 (server.ipv4: false): Docker could not pull it; use an image from a registry reachable over IPv6 (Docker Hub: docker.io/...), or turn server.ipv4 on",
    ]);
    // With IPv4, any registry.
    expect(
      load(hetznerConfigSpec, hetzner, SECRETS.hetzner, (c) => (c.images = { authentik: "ghcr.io/goauthentik/server:2026.5.9" }))
        .config.images.authentik,
    ).toBe("ghcr.io/goauthentik/server:2026.5.9");
  });

  test("backups and logs: on by default (03:30 UTC, 7 dumps; 10m × 3 log files); times, counts and sizes are checked where they are written", () => {
    const { config } = load(hetznerConfigSpec, hetzner, SECRETS.hetzner, () => undefined);
    expect(config.backup).toEqual({ enabled: true, schedule: "03:30", keep: 7 });
    expect(config.logs).toEqual({ maxSize: "10m", maxFiles: 3 });
    const set = load(hetznerConfigSpec, hetzner, SECRETS.hetzner, (c) => {
      c.backup = { schedule: "23:05", keep: 30 };
      c.logs = { maxSize: "1g", maxFiles: 10 };
    }).config;
    expect([set.backup, set.logs]).toEqual([
      { enabled: true, schedule: "23:05", keep: 30 },
      { maxSize: "1g", maxFiles: 10 },
    ]);
    expect(
      bad((c) => {
        c.backup = { schedule: "3:30", keep: 0, every: "day" };
        c.logs = { maxSize: "10MB", maxFiles: 0 };
      }),
    ).toEqual([
      'homelab:backup.schedule: must be a time of day HH:MM (UTC, 24-hour), like 03:30, got "3:30"',
      "homelab:backup.keep: must be at least 1, got 0",
      "homelab:backup.every: unknown key (known keys: enabled, schedule, keep)",
      'homelab:logs.maxSize: must be a size like 10m (a whole number and k, m or g), got "10MB"',
      "homelab:logs.maxFiles: must be at least 1, got 0",
    ]);
  });

  test("Authentik's host is under the domain; secrets are checked without showing them; unknown keys get a suggestion", () => {
    expect(
      bad((c) => {
        c.authentik.hostname = "sso.example.org";
        c.authentik.postgresPassword = "has$dollar";
        delete c.server.location;
        c.server.locaton = "fsn1";
      }),
    ).toEqual([
      'homelab:server.location: must be one of "fsn1", "nbg1", "hel1", "ash", "hil", "sin", got undefined',
      'homelab:server.locaton: unknown key (did you mean "location"?)',
      "homelab:authentik.postgresPassword: must be a random password: one line without spaces, quotes, backslashes or $ (compose reads it from an env file) (the value is secret and not shown)",
      "homelab:authentik.hostname: sso.example.org is not under example.net",
    ]);
  });
});

describe("authentik config", () => {
  const bad = (edit: (c: Record<string, any>) => void) => problems(authentikConfigSpec, authentik, edit);

  test("defaults: the sibling hetzner stack, GitHub by identifier, domain-wide forward auth, strict redirect URIs, openid email profile", () => {
    const { config, warnings } = load(authentikConfigSpec, authentik, SECRETS.authentik, () => undefined);
    expect(warnings).toEqual([]);
    expect(config.authentik).toEqual({});
    expect({ ...config.github, clientSecret: undefined }).toEqual({
      clientId: "Iv1.abc",
      clientSecret: undefined,
      slug: "github",
      userMatchingMode: "identifier",
      identificationStage: "default-authentication-identification",
    });
    expect(config.forwardAuth).toEqual({
      mode: "domain",
      slug: "forward-auth",
      name: "Forward auth",
      accessTokenValidity: "hours=24",
      allow: ["homelab-users"],
    });
    expect(config.apps).toEqual([
      {
        name: "Grafana",
        slug: "grafana",
        redirectUris: [{ url: "https://grafana.example.net/login/generic_oauth", matching: "strict" }],
        clientType: "confidential",
        scopes: ["openid", "email", "profile"],
        accessTokenValidity: "minutes=10",
        refreshTokenValidity: "days=30",
        allow: ["homelab-users"],
      },
    ]);
    expect(config.serviceAccount).toEqual({
      username: "homelab-services",
      group: "homelab-automation",
      role: "homelab-services",
      tokenGeneration: 1,
    });
  });

  test("which Authentik: a hetzner stack, or url with token, never both", () => {
    expect(bad((c) => (c.authentik = { stack: "talos", url: "https://auth.example.net" }))).toEqual([
      "homelab:authentik: set stack (the hetzner stack's outputs) or url and token, not both",
      "homelab:authentik.token: is required with url (an API token of an admin)",
      'homelab:authentik.stack: "talos" is a stack of the talos program; name a hetzner stack (hetzner or hetzner-<env>), whose authentikUrl and authentikToken outputs this stack reads',
    ]);
    expect(bad((c) => (c.authentik = { token: "t" }))).toEqual(["homelab:authentik.url: is required with token"]);
    expect(bad((c) => (c.authentik = { url: "https://sso.example.net" }))).toEqual([
      "homelab:authentik.token: is required with url (an API token of an admin)",
    ]);
    expect(bad((c) => delete c.adopt.embeddedOutpost)).toEqual(["homelab:adopt.embeddedOutpost: is required"]);
    expect(bad((c) => (c.adopt.identificationStage = "default-authentication-identification"))).toEqual([
      'homelab:adopt.identificationStage: must be a UUID like 0b4b6f5c-5a4e-4c3b-9f4e-2a1d3c4b5a6f (from Authentik\'s admin UI), got "default-authentication-identification"',
    ]);
  });

  test("forward auth: single mode needs the app's URL, domain mode takes none", () => {
    expect(bad((c) => (c.forwardAuth = { mode: "single" }))).toEqual([
      "homelab:forwardAuth.externalHost: is required in single mode (the URL of the one app it protects)",
    ]);
    expect(bad((c) => (c.forwardAuth = { externalHost: "https://app.example.net" }))).toEqual([
      "homelab:forwardAuth.externalHost: is only for single mode; domain mode uses Authentik's own URL",
    ]);
  });

  test("apps: unique slugs, absolute or valid-regex redirect URIs, openid required; plain HTTP only to loopback", () => {
    expect(
      bad((c) => {
        c.apps.push(
          { name: "Again", slug: "grafana", redirectUris: ["/relative", { url: "^https://(", matching: "regex" }] },
          { name: "No id token", slug: "forward-auth", redirectUris: ["https://x.example.net/cb"], scopes: ["email"] },
        );
      }),
    ).toEqual([
      "homelab:apps[1].slug: grafana is also apps[0]'s slug",
      "homelab:apps[1].redirectUris[0]: /relative must be an absolute URL (or use matching: regex)",
      "homelab:apps[1].redirectUris[1]: ^https://( is not a valid regular expression",
      "homelab:apps[2].slug: forward-auth is forward auth's slug",
      "homelab:apps[2].scopes: must include openid (an OIDC client without it gets no ID token)",
    ]);
    expect(bad((c) => c.apps[0].redirectUris.push("http://grafana.lan/cb", "http://localhost:8000/cb"))).toEqual([
      "homelab:apps[0].redirectUris[1]: http://grafana.lan/cb is plain HTTP: the authorization code would cross the network unencrypted; use https:// (plain HTTP is for loopback redirects only: localhost, 127.0.0.1, [::1])",
    ]);
  });
});
