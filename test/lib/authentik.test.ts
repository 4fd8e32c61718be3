import { describe, expect, test } from "vitest";
import {
  AUTHENTIK_RESERVED_SLUGS,
  cookieDomainProblem,
  isPlainHttpRedirect,
  redirectUriProblem,
  reservedSlugProblem,
} from "../../lib/authentik";

describe("redirectUriProblem", () => {
  test.each([
    ["https://grafana.example.net/login/generic_oauth", "strict"],
    ["https://grafana.example.net/cb?next=/home", "strict"],
    ["http://localhost:8000/cb", "strict"],
    ["http://127.0.0.1/cb", "strict"],
    ["http://[::1]:8000/cb", "strict"],
    ["com.example.app://callback", "strict"],
    ["^https://grafana\\.example\\.net/login/.*$", "regex"],
    ["^https://grafana\\.example\\.net$", "regex"],
    ["^https:\\/\\/grafana\\.example\\.net\\/cb$", "regex"],
    ["^https://grafana\\.example\\.net:8443/(a|b)$", "regex"],
    ["^http://localhost:53000/?$", "regex"],
    ["^http://\\[::1\\]:8000/.*$", "regex"],
    ["^com\\.example\\.app://callback/.*$", "regex"],
  ] as const)("accepts %s (%s)", (url, matching) => expect(redirectUriProblem(url, matching)).toBeUndefined());

  const host = (url: string) =>
    `${url} could match another host: a regex redirect URI must start with ^ and a literal scheme://host (no wildcards, dots escaped as \\.), then / or $, e.g. ^https://app\\.example\\.net/callback/.*$`;
  const http = (url: string) =>
    `${url} is plain HTTP: the authorization code would cross the network unencrypted; use https:// (plain HTTP is for loopback redirects only: localhost, 127.0.0.1, [::1])`;
  test.each([
    ["/relative", "strict", "/relative must be an absolute URL (or use matching: regex)"],
    ["^https://(", "regex", "^https://( is not a valid regular expression"],
    [".*", "regex", host(".*")],
    ["https://grafana\\.example\\.net/cb", "regex", host("https://grafana\\.example\\.net/cb")],
    ["^https://.*\\.example\\.net/cb", "regex", host("^https://.*\\.example\\.net/cb")],
    ["^https://[a-z]+\\.example\\.net/cb", "regex", host("^https://[a-z]+\\.example\\.net/cb")],
    ["^https://grafana.example.net/cb", "regex", host("^https://grafana.example.net/cb")],
    ["^https://grafana\\.example\\.net", "regex", host("^https://grafana\\.example\\.net")],
    ["^https://grafana\\.example\\.net/|.*", "regex", host("^https://grafana\\.example\\.net/|.*")],
    ["^https?://grafana\\.example\\.net/cb", "regex", host("^https?://grafana\\.example\\.net/cb")],
    [
      "https://grafana.example.net/cb#x",
      "strict",
      "https://grafana.example.net/cb#x has a fragment (#): a redirect URI must not have one (RFC 6749, section 3.1.2)",
    ],
    ["http://grafana.lan/cb", "strict", http("http://grafana.lan/cb")],
    ["http://localhost:80@evil.example.com/", "strict", http("http://localhost:80@evil.example.com/")],
    ["http://127.0.0.2/cb", "strict", http("http://127.0.0.2/cb")],
    ["^http://grafana\\.lan/cb$", "regex", http("^http://grafana\\.lan/cb$")],
  ] as const)("rejects %s (%s)", (url, matching, problem) => expect(redirectUriProblem(url, matching)).toBe(problem));

  test("isPlainHttpRedirect: plain HTTP to anything but loopback", () => {
    expect(
      ["http://grafana.lan/", "http://localhost/", "http://localhost:80@evil.example.com/", "https://x.example.net/"].map(
        isPlainHttpRedirect,
      ),
    ).toEqual([true, false, true, false]);
  });
});

test("reserved slugs: Authentik's OAuth2 endpoints beside /application/o/<slug>/", () => {
  expect(AUTHENTIK_RESERVED_SLUGS).toEqual(["authorize", "token", "device", "userinfo", "introspect", "revoke"]);
  expect(reservedSlugProblem("revoke")).toBe(
    "revoke is reserved by Authentik: /application/o/revoke/ is its OAuth2 revoke endpoint, where this application's issuer would be",
  );
  expect(reservedSlugProblem("grafana")).toBeUndefined();
});

test.each([
  ["https://auth.example.net", "example.net", undefined],
  ["https://example.net", "example.net", undefined],
  ["https://auth.lab.example.net/", "example.net", undefined],
  [
    "https://auth.notexample.net",
    "example.net",
    "Authentik's host auth.notexample.net is not under example.net, the cookie domain of domain-mode forward auth: the login cookie could not be shared; serve Authentik under example.net, or use forwardAuth.mode: single",
  ],
])("cookieDomainProblem(%s, %s)", (url, domain, problem) => expect(cookieDomainProblem(url, domain)).toBe(problem));
