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

/** The `groups` scope Authentik lacks (Argo CD and Grafana map roles from it): every group's name. */
export const GROUPS_SCOPE = {
  name: "homelab: groups",
  scopeName: "groups",
  description: "The names of the user's groups",
  expression: 'return {"groups": [group.name for group in request.user.ak_groups.all()]}',
} as const;

/** How a redirect URI is matched: exactly, or as a regular expression. */
export type RedirectMatching = "strict" | "regex";

/** One allowed redirect URI as the OAuth2 provider takes it (a map of strings). */
export function redirectUri(url: string, matching: RedirectMatching): Record<string, string> {
  return { matching_mode: matching, url };
}

/** What is wrong with a redirect URI, or `undefined`: a regex must compile, a strict one must be an absolute URL. */
export function redirectUriProblem(url: string, matching: RedirectMatching): string | undefined {
  if (matching === "regex") {
    try {
      new RegExp(url);
      return undefined;
    } catch {
      return `${url} is not a valid regular expression`;
    }
  }
  return /^[a-z][a-z0-9+.-]*:\/\/\S+$/.test(url) ? undefined : `${url} must be an absolute URL (or use matching: regex)`;
}

/** True for a plain-HTTP redirect URI other than the local machine's (a native app's loopback is fine). */
export function isPlainHttpRedirect(url: string): boolean {
  return /^http:\/\//.test(url) && !/^http:\/\/(localhost|127\.0\.0\.1)([:/]|$)/.test(url);
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
