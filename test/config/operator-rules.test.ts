import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { authentikConfigSpec } from "../../config/authentik";
import { hetznerConfigSpec } from "../../config/hetzner";
import { ConfigError } from "../../config/loader";
import { loadCatalog } from "../../config/services";
import { CONFIG_TEST_KEY, configProblems, smallAuthentik } from "../helpers/fixtures";

// Config rules operators get wrong (issue 16, item 8): each rule's exact message, and a close
// config that is accepted.

const KEY = CONFIG_TEST_KEY;

function hetzner(): Record<string, any> {
  return {
    server: { type: "cx23", location: "fsn1" },
    ssh: { publicKeys: [KEY], allowFrom: ["203.0.113.0/24", "2001:db8:7::/48"] },
    domain: "example.net",
    traefik: { acmeEmail: "me@example.net" },
    netbird: { setupKey: "setup-key" },
    authentik: { adminEmail: "me@example.net", secretKey: "k", postgresPassword: "p", bootstrapToken: "t" },
  };
}

const authentik = smallAuthentik;

const problems = configProblems;
const edge = (edit: (c: Record<string, any>) => void) => problems(hetznerConfigSpec, hetzner, edit);
const sso = (edit: (c: Record<string, any>) => void) => problems(authentikConfigSpec, authentik, edit);
const redirect = (...uris: unknown[]) => sso((c) => (c.apps[0].redirectUris = uris));

const work = mkdtempSync(join(tmpdir(), "rules-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The catalog problems of one service file (YAML text), as `file: key: message` lines. */
function service(text: string): string[] {
  const dir = mkdtempSync(join(work, "catalog-"));
  writeFileSync(join(dir, "svc.yaml"), text);
  try {
    loadCatalog(dir, { zone: "example.net", labDomain: "lab.example.net" });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.key}: ${p.message}`);
    throw error;
  }
}
const oidcService = (...uris: string[]) =>
  service(
    `name: wiki\nhostname: wiki.example.net\nupstream:\n  route: wiki.lab.example.net\nauth: oidc\noidc:\n  redirectUris: [${uris.map((u) => JSON.stringify(u)).join(", ")}]\n`,
  );
const upstream = (url: string, name = "tv") =>
  service(`name: ${name}\nhostname: tv.example.net\nupstream:\n  url: ${JSON.stringify(url)}\nauth: forward\n`);

describe("hetzner", () => {
  test("rule 1: SSH on Traefik's ports 80 and 443 is rejected; another port is fine", () => {
    expect(edge((c) => (c.ssh.port = 443))).toEqual([
      "homelab:ssh.port: 443 is Traefik's HTTPS port, open to everyone; give SSH a port of its own (22, or one like 2222)",
    ]);
    expect(edge((c) => (c.ssh.port = 80))).toEqual([
      "homelab:ssh.port: 80 is Traefik's HTTP port, open to everyone; give SSH a port of its own (22, or one like 2222)",
    ]);
    expect(edge((c) => (c.ssh.port = 2222))).toEqual([]);
  });

  test("rule 2: an extra TCP rule may not reopen the SSH port wider than ssh.allowFrom; inside it, or another port, is fine", () => {
    const rule = (port: string, sourceIps: string[], protocol = "tcp") => ({ protocol, port, sourceIps, description: "extra" });
    expect(
      edge((c) => {
        c.ssh.port = 2222;
        c.firewall = {
          rules: [
            rule("2222", ["0.0.0.0/0"]),
            rule("2000-3000", ["203.0.113.7/32", "198.51.100.0/24", "2001:db8::/32"]),
            rule("22", ["0.0.0.0/0"]),
            rule("2222", ["0.0.0.0/0"], "udp"),
            rule("2222", ["203.0.113.128/25", "2001:db8:7:1::/64"]),
          ],
        };
      }),
    ).toEqual([
      "homelab:firewall.rules[0].sourceIps[0]: 0.0.0.0/0 reopens SSH (tcp 2222) to more than ssh.allowFrom: add it there, or set ssh.allowSshFromAnywhere: true if everyone is meant",
      "homelab:firewall.rules[1].sourceIps[1]: 198.51.100.0/24 reopens SSH (tcp 2222) to more than ssh.allowFrom: add it there, or set ssh.allowSshFromAnywhere: true if everyone is meant",
      "homelab:firewall.rules[1].sourceIps[2]: 2001:db8::/32 reopens SSH (tcp 2222) to more than ssh.allowFrom: add it there, or set ssh.allowSshFromAnywhere: true if everyone is meant",
    ]);
    // SSH open to everyone already: a rule cannot widen it.
    expect(
      edge((c) => {
        Object.assign(c.ssh, { allowFrom: [], allowSshFromAnywhere: true });
        c.firewall = { rules: [rule("22", ["0.0.0.0/0"])] };
      }),
    ).toEqual([]);
  });

  test("rule 3: an IPv6-only server needs an IPv6 network in ssh.allowFrom", () => {
    expect(
      edge((c) => {
        c.server.ipv4 = false;
        c.ssh.allowFrom = ["203.0.113.7/32"];
      }),
    ).toEqual([
      "homelab:ssh.allowFrom: has only IPv4 networks, but the server has no IPv4 address (server.ipv4: false): nobody could reach SSH, and Pulumi configures the VPS over it; list the IPv6 networks you run pulumi up from",
    ]);
    expect(
      edge((c) => {
        c.server.ipv4 = false;
        c.ssh.allowFrom = ["203.0.113.7/32", "2001:db8:7::/48"];
      }),
    ).toEqual([]);
    expect(edge((c) => (c.ssh.allowFrom = ["203.0.113.7/32"]))).toEqual([]);
  });
});

const HOST_RULE =
  "could match another host: a regex redirect URI must start with ^ and a literal scheme://host (no wildcards, dots escaped as \\.), then / or $, e.g. ^https://app\\.example\\.net/callback/.*$";
const PLAIN_HTTP =
  "is plain HTTP: the authorization code would cross the network unencrypted; use https:// (plain HTTP is for loopback redirects only: localhost, 127.0.0.1, [::1])";

test("a value close to one of a fixed set gets a did-you-mean; one close to none gets the list alone", () => {
  expect(edge((c) => (c.server.location = "fsn"))).toEqual([
    'homelab:server.location: must be one of "fsn1", "nbg1", "hel1", "ash", "hil", "sin", got "fsn" (did you mean "fsn1"?)',
  ]);
  expect(sso((c) => (c.apps[0].clientType = "confidental"))).toEqual([
    'homelab:apps[0].clientType: must be one of "confidential", "public", got "confidental" (did you mean "confidential"?)',
  ]);
  expect(edge((c) => (c.server.location = "mars"))).toEqual([
    'homelab:server.location: must be one of "fsn1", "nbg1", "hel1", "ash", "hil", "sin", got "mars"',
  ]);
});

describe("redirect URIs: the authentik stack's apps and the services catalog alike", () => {
  test("rule 4: a regex must pin the host (^, a literal scheme://host, then / or $)", () => {
    const regex = (url: string) => ({ url, matching: "regex" });
    expect(
      redirect(
        regex(".*"),
        regex("https://.*\\.example\\.net/cb"),
        regex("^https://.*\\.example\\.net/cb"),
        regex("^https://grafana.example.net/cb"),
        regex("^https://grafana\\.example\\.net"),
        regex("^https://grafana\\.example\\.net/|.*"),
      ),
    ).toEqual([
      `homelab:apps[0].redirectUris[0]: .* ${HOST_RULE}`,
      `homelab:apps[0].redirectUris[1]: https://.*\\.example\\.net/cb ${HOST_RULE}`,
      `homelab:apps[0].redirectUris[2]: ^https://.*\\.example\\.net/cb ${HOST_RULE}`,
      `homelab:apps[0].redirectUris[3]: ^https://grafana.example.net/cb ${HOST_RULE}`,
      `homelab:apps[0].redirectUris[4]: ^https://grafana\\.example\\.net ${HOST_RULE}`,
      `homelab:apps[0].redirectUris[5]: ^https://grafana\\.example\\.net/|.* ${HOST_RULE}`,
    ]);
    expect(
      redirect(
        regex("^https://grafana\\.example\\.net/login/.*$"),
        regex("^https://grafana\\.example\\.net:8443/(a|b)$"),
        regex("^https://grafana\\.example\\.net$"),
        regex("^http://localhost:53000/?$"),
      ),
    ).toEqual([]);
    expect(
      service(
        "name: wiki\nhostname: wiki.example.net\nupstream:\n  route: wiki.lab.example.net\nauth: oidc\noidc:\n  redirectUris:\n    - url: .*\n      matching: regex\n",
      ),
    ).toEqual([`services/svc.yaml: oidc.redirectUris[0]: .* ${HOST_RULE}`]);
  });

  test("rule 5: a redirect URI has no fragment", () => {
    const fragment = "has a fragment (#): a redirect URI must not have one (RFC 6749, section 3.1.2)";
    expect(
      redirect("https://grafana.example.net/cb#done", { url: "^https://grafana\\.example\\.net/cb(#.*)?$", matching: "regex" }),
    ).toEqual([
      `homelab:apps[0].redirectUris[0]: https://grafana.example.net/cb#done ${fragment}`,
      `homelab:apps[0].redirectUris[1]: ^https://grafana\\.example\\.net/cb(#.*)?$ ${fragment}`,
    ]);
    expect(oidcService("https://wiki.example.net/cb#x")).toEqual([
      `services/svc.yaml: oidc.redirectUris[0]: https://wiki.example.net/cb#x ${fragment}`,
    ]);
    expect(redirect("https://grafana.example.net/cb?next=/home")).toEqual([]);
  });

  test("rule 6: plain HTTP is an error everywhere, but for loopback (RFC 8252 native apps)", () => {
    expect(
      redirect(
        "http://grafana.lan/cb",
        "http://localhost:80@evil.example.com/cb",
        { url: "^http://grafana\\.lan/cb$", matching: "regex" },
        "http://localhost:8000/cb",
        "http://127.0.0.1/cb",
        "http://[::1]:8000/cb",
        { url: "^http://\\[::1\\]:8000/.*$", matching: "regex" },
      ),
    ).toEqual([
      `homelab:apps[0].redirectUris[0]: http://grafana.lan/cb ${PLAIN_HTTP}`,
      `homelab:apps[0].redirectUris[1]: http://localhost:80@evil.example.com/cb ${PLAIN_HTTP}`,
      `homelab:apps[0].redirectUris[2]: ^http://grafana\\.lan/cb$ ${PLAIN_HTTP}`,
    ]);
    expect(oidcService("http://wiki.example.net/cb", "http://127.0.0.1:9000/cb")).toEqual([
      `services/svc.yaml: oidc.redirectUris[0]: http://wiki.example.net/cb ${PLAIN_HTTP}`,
    ]);
  });
});

describe("services", () => {
  test("rule 7: an upstream URL on a public address, on loopback, or with credentials is rejected; a LAN, NetBird or host name upstream is fine", () => {
    expect(upstream("http://203.0.113.9:8096")).toEqual([
      "services/svc.yaml: upstream.url: 203.0.113.9 is a public address: the edge would send the service's traffic across the internet, outside the NetBird tunnel; use its LAN or NetBird address (RFC 1918, CGNAT 100.64.0.0/10, IPv6 ULA)",
    ]);
    expect(upstream("http://[2001:db8::5]:80")).toEqual([
      "services/svc.yaml: upstream.url: 2001:db8::5 is a public address: the edge would send the service's traffic across the internet, outside the NetBird tunnel; use its LAN or NetBird address (RFC 1918, CGNAT 100.64.0.0/10, IPv6 ULA)",
    ]);
    for (const url of ["http://127.0.0.1:8096", "http://localhost:8096"]) {
      const host = new URL(url).hostname;
      expect(upstream(url)).toEqual([
        `services/svc.yaml: upstream.url: ${host} is a loopback address: on the edge that is Traefik's own container, not the service; use the service's LAN or NetBird address`,
      ]);
    }
    // The password is not repeated.
    expect(upstream("http://admin:hunter2@10.20.0.50:8096")).toEqual([
      "services/svc.yaml: upstream.url: must not hold credentials (user:password@): they would be written in plain text to Traefik's file on the VPS, to the state and to the plan",
    ]);
    for (const url of ["http://10.20.0.50:8096", "http://100.64.3.4:3000", "http://[fd00::50]:80", "https://nas.home.arpa"]) {
      expect(upstream(url)).toEqual([]);
    }
  });

  test("a route upstream is a name directly under the lab domain: not the apex, which no listener serves, nor two labels down, which the wildcard certificate does not cover", () => {
    const routed = (route: string) =>
      service(`name: wiki\nhostname: wiki.example.net\nupstream:\n  route: ${route}\nauth: forward\n`);
    expect(routed("lab.example.net")).toEqual([
      "services/svc.yaml: upstream.route: lab.example.net is the lab domain itself, which the shared Gateway does not serve (its listeners and wildcard certificate cover *.lab.example.net, not the apex); use a name under it",
    ]);
    expect(routed("wiki.team.lab.example.net")).toEqual([
      "services/svc.yaml: upstream.route: wiki.team.lab.example.net is not directly under lab.example.net: the shared Gateway's wildcard certificate covers *.lab.example.net only (one label), so Traefik could not verify it",
    ]);
    expect(routed("wiki.other.net")).toEqual([
      "services/svc.yaml: upstream.route: wiki.other.net is not a lab name (under lab.example.net), which the shared Gateway serves",
    ]);
    expect(routed("wiki.lab.example.net")).toEqual([]);
  });

  test("rule 8: a service with an Authentik application may not take a slug Authentik reserves or forward auth's", () => {
    const named = (name: string, auth = "forward") =>
      service(`name: ${name}\nhostname: x.example.net\nupstream:\n  url: http://10.0.0.9\nauth: ${auth}\n`);
    expect(named("token")).toEqual([
      "services/svc.yaml: name: token is reserved by Authentik: /application/o/token/ is its OAuth2 token endpoint, where this application's issuer would be; the name is the service's Authentik application slug: choose another",
    ]);
    expect(named("forward-auth")).toEqual([
      "services/svc.yaml: name: forward-auth is the slug of the authentik stack's forward-auth application (its forwardAuth.slug default); the name is the service's Authentik application slug: choose another",
    ]);
    expect(named("tokens")).toEqual([]);
    // No Authentik application: the name is free.
    expect(
      service(
        "name: token\nhostname: x.example.net\nupstream:\n  url: http://10.0.0.9\nauth: none\npublic: true\nreason: a public token page\n",
      ),
    ).toEqual([]);
  });
});

describe("authentik", () => {
  test("rule 8 (the stack's own apps): Authentik's reserved slugs are refused for apps and forward auth", () => {
    expect(
      sso((c) => {
        c.apps[0].slug = "authorize";
        c.forwardAuth = { slug: "userinfo" };
      }),
    ).toEqual([
      "homelab:forwardAuth.slug: userinfo is reserved by Authentik: /application/o/userinfo/ is its OAuth2 userinfo endpoint, where this application's issuer would be; choose another slug",
      "homelab:apps[0].slug: authorize is reserved by Authentik: /application/o/authorize/ is its OAuth2 authorize endpoint, where this application's issuer would be; choose another slug",
    ]);
  });

  test("rule 9: domain-mode forward auth needs Authentik under the domain; single mode does not", () => {
    expect(sso((c) => (c.authentik = { url: "https://sso.example.org", token: "t" }))).toEqual([
      "homelab:authentik.url: Authentik's host sso.example.org is not under example.net, the cookie domain of domain-mode forward auth: the login cookie could not be shared; serve Authentik under example.net, or use forwardAuth.mode: single",
    ]);
    expect(sso((c) => (c.authentik = { url: "https://auth.example.net", token: "t" }))).toEqual([]);
    expect(
      sso((c) => {
        c.authentik = { url: "https://sso.example.org", token: "t" };
        c.forwardAuth = { mode: "single", externalHost: "https://app.example.net" };
      }),
    ).toEqual([]);
  });

  test("rule 10: OIDC client ids (clientId, else the slug) are unique across apps", () => {
    const app = (slug: string, clientId?: string) => ({
      name: slug,
      slug,
      redirectUris: [`https://${slug}.example.net/cb`],
      ...(clientId ? { clientId } : {}),
    });
    expect(sso((c) => c.apps.push(app("grafana-2", "grafana"), app("wiki", "shared"), app("shared")))).toEqual([
      "homelab:apps[1].clientId: grafana is also the client id of apps[0] (apps[0]'s slug); client ids are unique in Authentik: give each app its own clientId",
      "homelab:apps[3].clientId: shared (the default: the slug) is also the client id of apps[2] (apps[2]'s clientId); client ids are unique in Authentik: give each app its own clientId",
    ]);
    expect(sso((c) => c.apps.push(app("grafana-2", "grafana-two"), app("shared")))).toEqual([]);
  });

  test("rule 11: a zero token or login lifetime is rejected wherever one is set", () => {
    expect(
      sso((c) => {
        c.forwardAuth = { accessTokenValidity: "hours=0" };
        Object.assign(c.apps[0], { accessTokenValidity: "minutes=0;seconds=0", refreshTokenValidity: "days=00" });
      }),
    ).toEqual([
      "homelab:forwardAuth.accessTokenValidity: hours=0 is zero: every token or login would expire as it is issued; give a positive duration like minutes=10",
      "homelab:apps[0].accessTokenValidity: minutes=0;seconds=0 is zero: every token or login would expire as it is issued; give a positive duration like minutes=10",
      "homelab:apps[0].refreshTokenValidity: days=00 is zero: every token or login would expire as it is issued; give a positive duration like minutes=10",
    ]);
    expect(
      sso((c) => {
        c.forwardAuth = { accessTokenValidity: "hours=0;minutes=30" };
        c.apps[0].accessTokenValidity = "seconds=10";
      }),
    ).toEqual([]);
    // A malformed duration gets the format's message only.
    expect(sso((c) => (c.forwardAuth = { accessTokenValidity: "0" }))).toEqual([
      'homelab:forwardAuth.accessTokenValidity: must be a duration like minutes=10 or hours=1;minutes=30, got "0"',
    ]);
  });
});
