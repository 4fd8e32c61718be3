/**
 * Authentik facts the authentik program builds on: the objects a fresh Authentik creates itself
 * (flows, the self-signed key pair, the scope mappings, the embedded outpost, the default
 * identification stage), the URLs it serves, and the documents it takes as text. Pure data.
 */

/** Flows every Authentik has from its default blueprints, by slug. */
export const DEFAULT_FLOWS = {
  /** Consent is implied: infra apps skip the "allow this app" page. */
  authorization: "default-provider-authorization-implicit-consent",
  invalidation: "default-provider-invalidation-flow",
  sourceAuthentication: "default-source-authentication",
  sourceEnrollment: "default-source-enrollment",
} as const;

/** The identification stage of the default authentication flow (where login sources are listed). */
export const DEFAULT_IDENTIFICATION_STAGE = "default-authentication-identification";

/** The key pair Authentik generates on its first start; OIDC tokens are signed with it by default. */
export const SELF_SIGNED_KEY_PAIR = "authentik Self-signed Certificate";

/** The managed scope mappings of the OAuth2 provider, by scope. */
export const MANAGED_SCOPES = {
  openid: "goauthentik.io/providers/oauth2/scope-openid",
  email: "goauthentik.io/providers/oauth2/scope-email",
  profile: "goauthentik.io/providers/oauth2/scope-profile",
  offline_access: "goauthentik.io/providers/oauth2/scope-offline_access",
  entitlements: "goauthentik.io/providers/oauth2/scope-entitlements",
} as const;
export type ManagedScope = keyof typeof MANAGED_SCOPES;

/** How a redirect URI is matched: exactly, or as a regular expression. */
export type RedirectMatching = "strict" | "regex";

/** One allowed redirect URI as the OAuth2 provider takes it (a map of strings). */
export function redirectUri(url: string, matching: RedirectMatching): Record<string, string> {
  return { matching_mode: matching, url };
}

/**
 * What is wrong with a redirect URI, or `undefined`. Every one: no fragment (RFC 6749, section
 * 3.1.2), and plain HTTP only to the local machine (RFC 8252's loopback redirects for native apps).
 * A strict one must be an absolute URL. A regex one must compile, and must pin the host: Authentik
 * sends the authorization code to whatever URL the pattern admits, so `.*`, or a host with a
 * wildcard in it, hands codes to anyone. The rule is simple on purpose: `^`, a literal
 * `scheme://host[:port]` (dots escaped as `\.`), then `/` or `$`; whatever follows the first `/`
 * is free.
 */
export function redirectUriProblem(url: string, matching: RedirectMatching): string | undefined {
  let scheme: string;
  let host: string;
  if (matching === "regex") {
    try {
      new RegExp(url);
    } catch {
      return `${url} is not a valid regular expression`;
    }
    const pinned = REGEX_PREFIX.exec(url) ?? REGEX_PRIVATE_USE_PREFIX.exec(url);
    if (!pinned || hasTopLevelAlternative(url)) {
      return `${url} could match another host: a regex redirect URI must start with ^ and a literal scheme://host (no wildcards, dots escaped as \\.), then / or $, e.g. ^https://app\\.example\\.net/callback/.*$`;
    }
    scheme = pinned[1]!.replaceAll("\\", "");
    host = (pinned[2] ?? "").replaceAll("\\", "").replace(/:\d*$/, "");
  } else {
    const singleLabel = /^([a-z][a-z0-9+-]*):\/(?!\/)\S*$/.exec(url);
    if (singleLabel && !["http", "https"].includes(singleLabel[1]!)) {
      return `${url} has the private-use scheme ${singleLabel[1]!}, which is not a reverse domain name: a native app's scheme is one of a domain it controls, like com.example.app:/callback (RFC 8252, section 7.1)`;
    }
    if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/.test(url) && !PRIVATE_USE_REDIRECT.test(url)) {
      return `${url} must be an absolute URL (or use matching: regex)`;
    }
    scheme = url.slice(0, url.indexOf(":"));
    try {
      host = new URL(url).hostname;
    } catch {
      host = "";
    }
  }
  if (url.includes("#")) return `${url} has a fragment (#): a redirect URI must not have one (RFC 6749, section 3.1.2)`;
  if (scheme === "http" && !LOOPBACK_HOSTS.includes(host)) {
    return `${url} is plain HTTP: the authorization code would cross the network unencrypted; use https:// (plain HTTP is for loopback redirects only: localhost, 127.0.0.1, [::1])`;
  }
  return undefined;
}

/** The rules of {@link redirectUriProblem} in a sentence, for the config's descriptions. */
export const REDIRECT_RULES =
  "https only (plain http to localhost, 127.0.0.1 or [::1]), or a native app's private-use scheme of a reverse domain name (com.example.app:/callback, RFC 8252); no #fragment; a regex starts with ^ and a literal scheme://host[:port] (no wildcards, dots escaped as \\.), then / or $, or with ^ and a literal private-use scheme and :/.";

/**
 * A native app's private-use URI (RFC 8252, section 7.1): a scheme that is a reverse domain name
 * the app's publisher controls (at least one dot), then `:/` and a path (one slash: there is no
 * authority). `com.example.app://callback` (an authority) is an absolute URL as any other.
 */
const PRIVATE_USE_REDIRECT = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:\/(?!\/)\S*$/;

/** A regex redirect URI pinned to a private-use scheme: `^`, the literal scheme (dots as `\.`), then `:/` and no second `/`. */
const REGEX_PRIVATE_USE_PREFIX = /^\^([a-z][a-z0-9+-]*(?:\\\.[a-z0-9+-]+)+):(?:\\?\/)(?!\\?\/)/;

/** A regex redirect URI's pinned start: `^`, a literal scheme, `://`, a literal host and port, then `/` or `$`. */
const REGEX_PREFIX = /^\^((?:[a-z]|\\\.)(?:[a-z0-9-]|\\\.)*):(?:\\?\/){2}((?:[A-Za-z0-9-]|\\[.[\]]|:)+)(?=\\?\/|\$)/;

/** True when `|` splits the whole pattern (`^https://a\\.net/|.*`): its other branch pins nothing. */
function hasTopLevelAlternative(pattern: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) return true;
  }
  return false;
}

/** The hosts a plain-HTTP redirect may go to: the local machine (RFC 8252, section 7.3). */
const LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];

/** True for a plain-HTTP redirect URI other than the local machine's (a native app's loopback is fine). */
export function isPlainHttpRedirect(url: string): boolean {
  if (!url.startsWith("http://")) return false;
  try {
    return !LOOPBACK_HOSTS.includes(new URL(url).hostname);
  } catch {
    return true;
  }
}

/**
 * Application slugs Authentik itself refuses ("The slug '…' is reserved and cannot be used for
 * applications", authentik/core/api/applications.py): the OAuth2 endpoints beside
 * `/application/o/<slug>/` (authentik/providers/oauth2/urls.py). An application `token` would
 * have its issuer at the token endpoint.
 */
export const AUTHENTIK_RESERVED_SLUGS = ["authorize", "token", "device", "userinfo", "introspect", "revoke"] as const;

/** Why an application may not have `slug` (Authentik refuses it), or `undefined`. */
export function reservedSlugProblem(slug: string): string | undefined {
  if (!(AUTHENTIK_RESERVED_SLUGS as readonly string[]).includes(slug)) return undefined;
  return `${slug} is reserved by Authentik: /application/o/${slug}/ is its OAuth2 ${slug} endpoint, where this application's issuer would be`;
}

/** The slug of the authentik stack's forward-auth application (`forwardAuth.slug`'s default). */
export const FORWARD_AUTH_SLUG = "forward-auth";

/**
 * Why a domain-mode forward-auth login cannot work with Authentik at `authentikUrl` for the cookie
 * domain `domain`, or `undefined`: the outpost sets its cookie for `domain` from Authentik's own
 * host, which a browser only accepts from a host under it.
 */
export function cookieDomainProblem(authentikUrl: string, domain: string): string | undefined {
  let host: string;
  try {
    host = new URL(authentikUrl).hostname;
  } catch {
    return undefined;
  }
  if (host === domain || host.endsWith(`.${domain}`)) return undefined;
  return `Authentik's host ${host} is not under ${domain}, the cookie domain of domain-mode forward auth: the login cookie could not be shared; serve Authentik under ${domain}, or use forwardAuth.mode: single`;
}

/** The OIDC issuer of an application: `https://auth.example.net/application/o/<slug>/` (per-provider issuer mode). */
export function issuerUrl(authentikUrl: string, slug: string): string {
  return `${authentikUrl.replace(/\/$/, "")}/application/o/${slug}/`;
}

/**
 * The embedded outpost's configuration (JSON text): where browsers are sent to log in. Without
 * `authentik_host` the outpost redirects to the address it was reached on, which for Traefik's
 * forwardAuth is the internal container address.
 */
export function outpostConfig(authentikUrl: string): string {
  return JSON.stringify({
    authentik_host: `${authentikUrl.replace(/\/$/, "")}/`,
    authentik_host_insecure: false,
    authentik_host_browser: "",
    log_level: "info",
  });
}
