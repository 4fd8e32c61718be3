/**
 * Who gets into the lab through GitHub, as Authentik expressions (Python text) and the services
 * account's permissions. Pure data and text.
 *
 * Two expressions share one rule table:
 * - the GitHub source's user property mapping returns `groups`: the Authentik groups the GitHub
 *   account belongs in. Authentik syncs them at every login through the source (groups of this
 *   source the account no longer qualifies for are taken away), linking our groups by name.
 * - a policy on the source's authentication and enrollment flows denies a GitHub account that
 *   qualifies for no group: it can neither enroll nor sign in. Other sources pass untouched.
 */

/** One access group: the GitHub accounts that belong in it. */
export interface AccessRule {
  /** The Authentik group. */
  readonly group: string;
  /** GitHub logins (case-insensitive). */
  readonly users: readonly string[];
  /** GitHub organisations whose members belong (membership read with the `read:org` scope). */
  readonly orgs: readonly string[];
  /** GitHub teams as `org/team-slug`. */
  readonly teams: readonly string[];
}

/** True when a rule needs the GitHub API (organisation or team membership), so the source asks for `read:org`. */
export function needsOrgScope(rules: readonly AccessRule[]): boolean {
  return rules.some((r) => r.orgs.length > 0 || r.teams.length > 0);
}

/** The rule table as a Python literal (JSON of strings and lists is valid Python), lower-cased. */
function rulesLiteral(rules: readonly AccessRule[]): string {
  const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase());
  return JSON.stringify(
    rules.map((r) => ({ group: r.group, users: lower(r.users), orgs: lower(r.orgs), teams: lower(r.teams) })),
  );
}

/**
 * The Python function both expressions define: the groups a GitHub login (and its OAuth access
 * token, for membership) qualifies for. A failed GitHub API call raises, so the policy fails closed.
 */
function groupsFunction(rules: readonly AccessRule[]): string {
  return [
    `RULES = ${rulesLiteral(rules)}`,
    "",
    "def homelab_groups(login, access_token):",
    '    login = str(login or "").lower()',
    "    orgs, teams = set(), set()",
    '    if access_token and any(r["orgs"] or r["teams"] for r in RULES):',
    '        headers = {"Authorization": "Bearer " + access_token, "Accept": "application/vnd.github+json"}',
    '        if any(r["orgs"] for r in RULES):',
    '            res = requests.get("https://api.github.com/user/orgs", headers=headers, params={"per_page": 100}, timeout=10)',
    "            res.raise_for_status()",
    '            orgs = {str(o["login"]).lower() for o in res.json()}',
    '        if any(r["teams"] for r in RULES):',
    '            res = requests.get("https://api.github.com/user/teams", headers=headers, params={"per_page": 100}, timeout=10)',
    "            res.raise_for_status()",
    '            teams = {(str(t["organization"]["login"]) + "/" + str(t["slug"])).lower() for t in res.json()}',
    "    return [",
    '        r["group"] for r in RULES',
    '        if login in r["users"] or orgs.intersection(r["orgs"]) or teams.intersection(r["teams"])',
    "    ]",
  ].join("\n");
}

/**
 * The GitHub source's user property mapping: `{"groups": [...]}` for the account (`info` is
 * GitHub's user info, `token` the OAuth token response).
 */
export function githubGroupsMapping(rules: readonly AccessRule[]): string {
  return [
    "# homelab (authentik stack): the Authentik groups of a GitHub account, from homelab:access.",
    groupsFunction(rules),
    "",
    'return {"groups": homelab_groups(info.get("login"), (token or {}).get("access_token"))}',
    "",
  ].join("\n");
}

/** The policy on the GitHub source's flows: only accounts homelab:access names get through. */
export function githubAccessPolicy(sourceSlug: string, rules: readonly AccessRule[]): string {
  return [
    "# homelab (authentik stack): only GitHub accounts homelab:access names may enroll or sign in.",
    groupsFunction(rules),
    "",
    'source = context.get("source")',
    `if source is None or source.slug != ${JSON.stringify(sourceSlug)}:`,
    "    return True",
    'info = context.get("oauth_userinfo") or {}',
    'connection = context.get("goauthentik.io/sources/connection")',
    'if homelab_groups(info.get("login"), getattr(connection, "access_token", None)):',
    "    return True",
    'ak_message("This GitHub account is not allowed here.")',
    "return False",
    "",
  ].join("\n");
}

/**
 * The services account's permissions (Authentik RBAC, `<app>.<codename>`): create, change and
 * delete the providers, applications and policy bindings of public services; read what those
 * refer to (flows, scope mappings, key pairs, groups). Nothing on users, tokens, flows' contents,
 * sources or the system. Changing the outpost (to attach its forward-auth providers) is granted on
 * the embedded outpost only (see {@link SERVICES_OUTPOST_PERMISSIONS}).
 */
export const SERVICES_PERMISSIONS = [
  ...["add", "change", "delete", "view"].flatMap((verb) => [
    `authentik_providers_oauth2.${verb}_oauth2provider`,
    `authentik_providers_proxy.${verb}_proxyprovider`,
    `authentik_core.${verb}_application`,
    `authentik_policies.${verb}_policybinding`,
  ]),
  "authentik_flows.view_flow",
  "authentik_providers_oauth2.view_scopemapping",
  "authentik_crypto.view_certificatekeypair",
  "authentik_core.view_group",
] as const;

/** Object permissions on the embedded outpost: find it by name, attach providers to it. */
export const SERVICES_OUTPOST_PERMISSIONS = ["view_outpost", "change_outpost"] as const;
export const OUTPOST_MODEL = "authentik_outposts.outpost";
