import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { planStack } from "../../cli/plan";
import { planText, resourcesJson } from "../../cli/render";
import { readStackFile } from "../../cli/stack-file";
import { DEFAULT_FLOWS, MANAGED_SCOPES, SELF_SIGNED_KEY_PAIR, type ManagedScope } from "../../lib/authentik";
import { githubAccessPolicy, githubGroupsMapping, type AccessRule } from "../../lib/authentik-access";
import { EMBEDDED_OUTPOST_NAME, forwardAuthAddress } from "../../lib/edge";
import { runStack } from "../../stacks";
import { edgeOutputs } from "../../stacks/authentik";
import { mockInvoke, mockResource, register, reveal, STACK_OUTPUTS, valueOf, type Registered } from "../helpers/pulumi";
import { frozenRun } from "../helpers/frozen";

const ROOT = join(__dirname, "..", "..");
const CANARY = "gh-canary-client-secret-c0ffee";
const OUTPOST_ID = "3f0c2b5e-8d1a-4c6e-9b2f-7a4d5e6f8a9b";
const STAGE_ID = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

type Values = Record<string, string>;

/** The shipped example authentik stack under mocks, with a canary GitHub secret. */
async function example(edit: (values: Values) => void = () => undefined, stack = "authentik") {
  const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.authentik.yaml"));
  values["homelab:github"] = JSON.stringify({ ...JSON.parse(values["homelab:github"]!), clientSecret: CANARY });
  edit(values);
  return register(() => runStack(stack), { stack, config: values, secretKeys });
}

/** The example as shipped, run once for the tests that only read it (a run is a pure function of its config). */
let shippedRun: ReturnType<typeof example> | undefined;
const shipped = () => (shippedRun ??= example().then(frozenRun));

/** Changes one config section (parsed JSON) of the example. */
const section = (key: string, change: (value: any) => unknown) => (values: Values) => {
  values[`homelab:${key}`] = JSON.stringify(change(JSON.parse(values[`homelab:${key}`] ?? "null")));
};

/** The numeric id the mocks give a resource (Authentik's primary keys are numbers). */
const pk = (type: string, name: string) => Number(mockResource(type, name, {}).id);
const PROXY = "authentik:index/providerProxy:ProviderProxy";
const OAUTH2 = "authentik:index/providerOauth2:ProviderOauth2";
const APP = "authentik:index/application:Application";
const GROUP = "authentik:index/group:Group";
const BINDING = "authentik:index/policyBinding:PolicyBinding";
const OUTPOST = "authentik:index/outpost:Outpost";
const ATTACHMENT = "authentik:index/outpostProviderAttachment:OutpostProviderAttachment";
const MAPPING = "authentik:index/propertyMappingSourceOauth:PropertyMappingSourceOauth";
const POLICY = "authentik:index/policyExpression:PolicyExpression";
const ROLE = "authentik:index/rbacRole:RbacRole";
const PERMISSION = "authentik:index/rbacPermissionRole:RbacPermissionRole";
const SCOPE_LOOKUP = "authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope";
const flowId = (slug: string) => mockInvoke("authentik:index/getFlow:getFlow", { slug }).id;
/** The id of a managed scope mapping, as its own lookup by managed name answers. */
const scopeId = (scope: ManagedScope) => mockInvoke(SCOPE_LOOKUP, { managed: MANAGED_SCOPES[scope] }).id;
/** The id of an access group (`access-<name>`) and the uuid a policy binds an application by. */
const groupId = (group: string) => mockResource(GROUP, `access-${group}`, {}).id;
const appUuid = (slug: string) => mockResource(APP, slug, { slug }).state.uuid;

/** homelab:access of the example, as the GitHub component receives it. */
const RULES: AccessRule[] = [
  { group: "homelab-admins", users: ["octocat"], orgs: [], teams: [] },
  { group: "homelab-users", users: ["octocat", "hubot"], orgs: [], teams: ["example-org/family"] },
];

/** The services account's global permissions: public services' providers, applications and bindings, and reads. */
const PERMISSIONS = [
  "authentik_providers_oauth2.add_oauth2provider",
  "authentik_providers_proxy.add_proxyprovider",
  "authentik_core.add_application",
  "authentik_policies.add_policybinding",
  "authentik_providers_oauth2.change_oauth2provider",
  "authentik_providers_proxy.change_proxyprovider",
  "authentik_core.change_application",
  "authentik_policies.change_policybinding",
  "authentik_providers_oauth2.delete_oauth2provider",
  "authentik_providers_proxy.delete_proxyprovider",
  "authentik_core.delete_application",
  "authentik_policies.delete_policybinding",
  "authentik_providers_oauth2.view_oauth2provider",
  "authentik_providers_proxy.view_proxyprovider",
  "authentik_core.view_application",
  "authentik_policies.view_policybinding",
  "authentik_flows.view_flow",
  "authentik_providers_oauth2.view_scopemapping",
  "authentik_crypto.view_certificatekeypair",
  "authentik_core.view_group",
];

/** A binding that admits `group` (order `order`) to the application `slug`, and what it waits for. */
function expectAllowBinding(r: Registered<unknown>, name: string, slug: string, group: string, order: number) {
  const binding = r.get(name, BINDING);
  expect(binding.inputs, name).toEqual({ target: appUuid(slug), group: groupId(group), order, enabled: true });
  expect(binding.propertyDependencies, name).toEqual({
    target: [r.get(slug, APP).urn],
    group: [r.get(`access-${group}`, GROUP).urn],
    order: [],
    enabled: [],
  });
  expect(binding.parent, name).toBe(r.get(slug, APP).parent);
}

describe("the authentik stack on the example config", () => {
  test("registers exactly the expected resources, each authentik one with the provider from the hetzner stack", async () => {
    const r = await shipped();
    const permissions = [
      ...PERMISSIONS.map((p) => `${PERMISSION}::homelab-services-${p}`),
      `${PERMISSION}::homelab-services-outpost-change_outpost`,
      `${PERMISSION}::homelab-services-outpost-view_outpost`,
    ];
    expect(r.run.resources.map((x) => `${x.type}::${x.name}`).sort()).toEqual(
      [
        `${APP}::argocd`,
        `${APP}::forward-auth`,
        `${APP}::grafana`,
        `${APP}::netbird`,
        `${GROUP}::access-homelab-admins`,
        `${GROUP}::access-homelab-users`,
        `${GROUP}::homelab-services`,
        `${OUTPOST}::forward-auth-outpost`,
        `${ATTACHMENT}::forward-auth`,
        `${BINDING}::argocd-allow-homelab-admins`,
        `${BINDING}::forward-auth-allow-homelab-users`,
        `${BINDING}::github-access-authentication`,
        `${BINDING}::github-access-enrollment`,
        `${BINDING}::grafana-allow-homelab-users`,
        `${BINDING}::netbird-allow-homelab-admins`,
        `${POLICY}::github-access`,
        `${MAPPING}::github-groups`,
        `${OAUTH2}::argocd`,
        `${OAUTH2}::grafana`,
        `${OAUTH2}::netbird`,
        `${PROXY}::forward-auth`,
        ...permissions,
        `${ROLE}::homelab-services`,
        "authentik:index/sourceOauth:SourceOauth::github",
        "authentik:index/stageIdentification:StageIdentification::github-identification",
        "authentik:index/token:Token::homelab-services",
        "authentik:index/user:User::homelab-services",
        "homelab:authentik:ForwardAuth::forward-auth",
        "homelab:authentik:GitHubLogin::github",
        "homelab:authentik:OidcApp::argocd",
        "homelab:authentik:OidcApp::grafana",
        "homelab:authentik:OidcApp::netbird",
        "homelab:authentik:ServiceAccount::homelab-services",
        "pulumi:providers:authentik::authentik",
        "pulumi:pulumi:Stack::homelab-authentik",
        "pulumi:pulumi:StackReference::hetzner",
      ].sort(),
    );
    expect(r.childrenOf(r.get("homelab-authentik", "pulumi:pulumi:Stack"))).toEqual([
      `${GROUP}::access-homelab-admins`,
      `${GROUP}::access-homelab-users`,
      "homelab:authentik:ForwardAuth::forward-auth",
      "homelab:authentik:GitHubLogin::github",
      "homelab:authentik:OidcApp::argocd",
      "homelab:authentik:OidcApp::grafana",
      "homelab:authentik:OidcApp::netbird",
      "homelab:authentik:ServiceAccount::homelab-services",
      "pulumi:providers:authentik::authentik",
      "pulumi:pulumi:StackReference::hetzner",
    ]);
    expect(r.childrenOf(r.get("github", "homelab:authentik:GitHubLogin"))).toEqual([
      `${BINDING}::github-access-authentication`,
      `${BINDING}::github-access-enrollment`,
      `${POLICY}::github-access`,
      `${MAPPING}::github-groups`,
      "authentik:index/sourceOauth:SourceOauth::github",
      "authentik:index/stageIdentification:StageIdentification::github-identification",
    ]);
    expect(r.childrenOf(r.get("forward-auth", "homelab:authentik:ForwardAuth"))).toEqual([
      `${APP}::forward-auth`,
      `${OUTPOST}::forward-auth-outpost`,
      `${ATTACHMENT}::forward-auth`,
      `${BINDING}::forward-auth-allow-homelab-users`,
      `${PROXY}::forward-auth`,
    ]);
    expect(r.childrenOf(r.get("grafana", "homelab:authentik:OidcApp"))).toEqual([
      `${APP}::grafana`,
      `${BINDING}::grafana-allow-homelab-users`,
      `${OAUTH2}::grafana`,
    ]);
    expect(r.childrenOf(r.get("homelab-services", "homelab:authentik:ServiceAccount"))).toEqual(
      [
        `${GROUP}::homelab-services`,
        ...permissions,
        `${ROLE}::homelab-services`,
        "authentik:index/token:Token::homelab-services",
        "authentik:index/user:User::homelab-services",
      ].sort(),
    );
    const provider = r.get("authentik", "pulumi:providers:authentik");
    for (const res of r.run.resources.filter((x) => x.type.startsWith("authentik:"))) {
      expect(res.provider?.startsWith(`${provider.urn}::`), `${res.name} uses ${res.provider}`).toBe(true);
    }
    const hetzner = STACK_OUTPUTS.hetzner!.outputs("hetzner");
    expect(provider.inputs.url).toBe(hetzner.authentikUrl);
    expect(reveal(provider.inputs.token)).toEqual([hetzner.authentikToken, true]);
    expect(r.get("hetzner", "pulumi:pulumi:StackReference").inputs.name).toBe("hetzner");
  });

  test("invokes: the default flows by slug, the self-signed key pair, each managed scope mapping by its managed name", async () => {
    const r = await shipped();
    expect([...new Set(r.run.invokes.map((i) => i.token))].sort()).toEqual([
      "authentik:index/getCertificateKeyPair:getCertificateKeyPair",
      "authentik:index/getFlow:getFlow",
      SCOPE_LOOKUP,
    ]);
    expect(
      r
        .invokes("authentik:index/getFlow:getFlow")
        .map((i) => i.args.slug)
        .sort(),
    ).toEqual(Object.values(DEFAULT_FLOWS).sort());
    expect(r.invokes("authentik:index/getFlow:getFlow").map((i) => Object.keys(i.args))).toEqual([
      ["slug"],
      ["slug"],
      ["slug"],
      ["slug"],
    ]);
    expect(r.invokes("authentik:index/getCertificateKeyPair:getCertificateKeyPair").map((i) => i.args)).toEqual([
      { name: SELF_SIGNED_KEY_PAIR, fetchCertificate: false, fetchKey: false },
    ]);
    // One lookup per scope any app asks for (never `managedLists`, whose ids do not say which is which).
    expect(r.invokes(SCOPE_LOOKUP).map((i) => i.args)).toEqual([
      { managed: MANAGED_SCOPES.openid },
      { managed: MANAGED_SCOPES.email },
      { managed: MANAGED_SCOPES.profile },
      { managed: MANAGED_SCOPES.offline_access },
    ]);
  });

  test("forward auth: a domain-wide proxy provider and its hidden application, attached to the adopted embedded outpost, whose provider list it leaves alone", async () => {
    const r = await shipped();
    const authorizationFlow = flowId(DEFAULT_FLOWS.authorization);
    const invalidationFlow = flowId(DEFAULT_FLOWS.invalidation);
    const proxy = r.get("forward-auth", PROXY);
    expect(proxy.inputs).toEqual({
      name: "Forward auth",
      mode: "forward_domain",
      externalHost: "https://auth.example.net",
      cookieDomain: "example.net",
      authorizationFlow,
      invalidationFlow,
      accessTokenValidity: "hours=24",
    });
    expect(r.get("forward-auth", APP).inputs).toEqual({
      name: "Forward auth",
      slug: "forward-auth",
      protocolProvider: pk(PROXY, "forward-auth"),
      metaHide: true,
    });
    const outpost = r.get("forward-auth-outpost");
    expect(outpost.inputs).toEqual({
      name: EMBEDDED_OUTPOST_NAME,
      type: "proxy",
      // The attachments own the list: an import keeps what is there, no update sends this one.
      protocolProviders: [],
      config: JSON.stringify({
        authentik_host: "https://auth.example.net/",
        authentik_host_insecure: false,
        authentik_host_browser: "",
        log_level: "info",
      }),
    });
    expect(outpost.ignoreChanges).toEqual(["protocolProviders"]);
    expect(outpost.importId).toBe(OUTPOST_ID);
    expect(outpost.retainOnDelete).toBe(true);
    const attachment = r.get("forward-auth", ATTACHMENT);
    expect(attachment.inputs).toEqual({
      outpost: "3f0c2b5e-8d1a-4c6e-9b2f-7a4d5e6f8a9b", // homelab:adopt.embeddedOutpost: an imported resource keeps its id
      protocolProvider: pk(PROXY, "forward-auth"),
    });
    expect(attachment.propertyDependencies).toEqual({ outpost: [outpost.urn], protocolProvider: [proxy.urn] });
    // Created and deleted with the stack: never adopted, never left behind.
    expect({ importId: attachment.importId, retainOnDelete: attachment.retainOnDelete }).toEqual({
      importId: "",
      retainOnDelete: false,
    });
    expectAllowBinding(r, "forward-auth-allow-homelab-users", "forward-auth", "homelab-users", 0);
  });

  test("access: a non-superuser Authentik group per homelab:access group, each application bound to exactly its allowed groups in order", async () => {
    const r = await shipped();
    expect(r.ofType(GROUP).map((g) => [g.name, g.inputs])).toEqual([
      ["access-homelab-admins", { name: "homelab-admins", isSuperuser: false }],
      ["access-homelab-users", { name: "homelab-users", isSuperuser: false }],
      ["homelab-services", expect.anything()],
    ]);
    // Unset allow: the default group; an app's own allow: only those groups.
    expectAllowBinding(r, "forward-auth-allow-homelab-users", "forward-auth", "homelab-users", 0);
    expectAllowBinding(r, "argocd-allow-homelab-admins", "argocd", "homelab-admins", 0);
    expectAllowBinding(r, "grafana-allow-homelab-users", "grafana", "homelab-users", 0);
    expectAllowBinding(r, "netbird-allow-homelab-admins", "netbird", "homelab-admins", 0);
    expect(
      r
        .ofType(BINDING)
        .filter((b) => b.inputs.target !== undefined && b.inputs.group !== undefined)
        .map((b) => b.name),
    ).toEqual([
      "argocd-allow-homelab-admins",
      "forward-auth-allow-homelab-users",
      "grafana-allow-homelab-users",
      "netbird-allow-homelab-admins",
    ]);

    // Several groups: one binding each, ordered as listed.
    const two = await example(section("forwardAuth", (fa) => ({ ...fa, allow: ["homelab-admins", "homelab-users"] })));
    expect(two.childrenOf(two.get("forward-auth", "homelab:authentik:ForwardAuth")).filter((c) => c.startsWith(BINDING))).toEqual(
      [`${BINDING}::forward-auth-allow-homelab-admins`, `${BINDING}::forward-auth-allow-homelab-users`],
    );
    expectAllowBinding(two, "forward-auth-allow-homelab-admins", "forward-auth", "homelab-admins", 0);
    expectAllowBinding(two, "forward-auth-allow-homelab-users", "forward-auth", "homelab-users", 1);
  });

  test("GitHub: an OAuth source matched by GitHub id that maps accounts into the access groups, offered on the adopted identification stage, its flows closed to accounts no group names", async () => {
    const r = await shipped();
    const mapping = r.get("github-groups", MAPPING);
    const source = r.get("github", "authentik:index/sourceOauth:SourceOauth");
    expect({ ...source.inputs, consumerSecret: reveal(source.inputs.consumerSecret) }).toEqual({
      name: "GitHub",
      slug: "github",
      providerType: "github",
      consumerKey: "Iv1.0123456789abcdef",
      consumerSecret: [CANARY, true],
      authenticationFlow: flowId(DEFAULT_FLOWS.sourceAuthentication),
      enrollmentFlow: flowId(DEFAULT_FLOWS.sourceEnrollment),
      userMatchingMode: "identifier",
      promoted: true,
      propertyMappings: [mockResource(MAPPING, "github-groups", {}).id],
      groupMatchingMode: "name_link",
      // homelab-users names a team: membership is read from GitHub.
      additionalScopes: "read:org",
    });
    expect(source.propertyDependencies.propertyMappings).toEqual([mapping.urn]);
    expect(source.replaceOnChanges).toEqual(["slug"]);
    const rules =
      'RULES = [{"group":"homelab-admins","users":["octocat"],"orgs":[],"teams":[]},{"group":"homelab-users","users":["octocat","hubot"],"orgs":[],"teams":["example-org/family"]}]';
    expect(mapping.inputs).toEqual({ name: "homelab: github groups", expression: githubGroupsMapping(RULES) });
    expect((mapping.inputs.expression as string).split("\n")).toContain(rules);
    const policy = r.get("github-access", POLICY);
    expect(policy.inputs).toEqual({ name: "homelab: github access", expression: githubAccessPolicy("github", RULES) });
    expect((policy.inputs.expression as string).split("\n")).toContain(rules);
    expect((policy.inputs.expression as string).split("\n")).toContain('if source is None or source.slug != "github":');
    for (const [role, flow] of [
      ["authentication", DEFAULT_FLOWS.sourceAuthentication],
      ["enrollment", DEFAULT_FLOWS.sourceEnrollment],
    ] as const) {
      const binding = r.get(`github-access-${role}`, BINDING);
      expect(binding.inputs, role).toEqual({
        target: flowId(flow),
        policy: mockResource(POLICY, "github-access", {}).id,
        order: 0,
        enabled: true,
      });
      expect(binding.propertyDependencies, role).toEqual({ target: [], policy: [policy.urn], order: [], enabled: [] });
    }
    const stage = r.get("github-identification");
    expect(stage.inputs).toEqual({
      name: "default-authentication-identification",
      userFields: ["email", "username"],
      caseInsensitiveMatching: true,
      sources: [mockResource("authentik:index/sourceOauth:SourceOauth", "github", { slug: "github" }).state.uuid],
    });
    expect(stage.importId).toBe(STAGE_ID);
    expect(stage.retainOnDelete).toBe(true);

    // Only GitHub logins, no organisation or team: no read:org scope.
    const users = await example(
      section("access", (a) => ({
        ...a,
        groups: { "homelab-admins": { users: ["octocat"] }, "homelab-users": { users: ["Hubot"] } },
      })),
    );
    const plain = users.get("github", "authentik:index/sourceOauth:SourceOauth").inputs;
    expect(Object.keys(plain).sort()).toEqual(
      Object.keys(source.inputs)
        .filter((k) => k !== "additionalScopes")
        .sort(),
    );
    const usersOnly: AccessRule[] = [
      { group: "homelab-admins", users: ["octocat"], orgs: [], teams: [] },
      { group: "homelab-users", users: ["Hubot"], orgs: [], teams: [] },
    ];
    expect(users.get("github-groups", MAPPING).inputs.expression).toBe(githubGroupsMapping(usersOnly));
    expect((users.get("github-groups", MAPPING).inputs.expression as string).split("\n")).toContain(
      'RULES = [{"group":"homelab-admins","users":["octocat"],"orgs":[],"teams":[]},{"group":"homelab-users","users":["hubot"],"orgs":[],"teams":[]}]',
    );
  });

  test("OIDC apps: strict and regex redirect URIs, scopes by mapping id, signed with the self-signed key; no scope mapping of the stack's own", async () => {
    const r = await shipped();
    const common = {
      authorizationFlow: flowId(DEFAULT_FLOWS.authorization),
      invalidationFlow: flowId(DEFAULT_FLOWS.invalidation),
      signingKey: mockInvoke("authentik:index/getCertificateKeyPair:getCertificateKeyPair", { name: SELF_SIGNED_KEY_PAIR }).id,
      accessTokenValidity: "minutes=10",
      refreshTokenValidity: "days=30",
      subMode: "hashed_user_id",
    };
    expect(r.get("argocd", OAUTH2).inputs).toEqual({
      name: "Argo CD",
      clientId: "argocd",
      clientType: "confidential",
      allowedRedirectUris: [{ matching_mode: "strict", url: "https://argocd.lab.example.net/auth/callback" }],
      propertyMappings: [scopeId("openid"), scopeId("email"), scopeId("profile")],
      ...common,
    });
    expect(r.get("netbird", OAUTH2).inputs).toEqual({
      name: "NetBird",
      clientId: "netbird",
      clientType: "public",
      allowedRedirectUris: [
        { matching_mode: "regex", url: "^http://localhost:53000/?$" },
        { matching_mode: "strict", url: "https://netbird.example.net/auth" },
        { matching_mode: "strict", url: "https://netbird.example.net/silent-auth" },
      ],
      propertyMappings: [scopeId("openid"), scopeId("email"), scopeId("profile"), scopeId("offline_access")],
      ...common,
    });
    expect(r.get("grafana", APP).inputs).toEqual({
      name: "Grafana",
      slug: "grafana",
      protocolProvider: pk(OAUTH2, "grafana"),
      metaLaunchUrl: "https://grafana.lab.example.net",
      group: "Infrastructure",
    });
    expect(r.ofType("authentik:index/propertyMappingProviderScope:PropertyMappingProviderScope")).toEqual([]);
  });

  test("an app's scope mappings are the ids of exactly its scopes, in its order, each paired with its scope by name", async () => {
    const scopes: ManagedScope[] = ["profile", "openid", "entitlements"];
    const r = await example(
      section("apps", (apps) => [
        ...apps,
        { name: "Paperless", slug: "paperless", redirectUris: ["https://docs.example.net/accounts/oidc/callback/"], scopes },
      ]),
    );
    // The mocks answer a managedLists lookup in Authentik's order (sorted by managed name): a
    // program that paired ids with scopes by position would get other ids than these.
    const managed = (Object.keys(MANAGED_SCOPES) as ManagedScope[]).map((s) => MANAGED_SCOPES[s]);
    expect(mockInvoke(SCOPE_LOOKUP, { managedLists: managed }).ids).not.toEqual(
      (Object.keys(MANAGED_SCOPES) as ManagedScope[]).map(scopeId),
    );
    expect(r.get("paperless", OAUTH2).inputs.propertyMappings).toEqual([
      scopeId("profile"),
      scopeId("openid"),
      scopeId("entitlements"),
    ]);
    expect(new Set(Object.values(MANAGED_SCOPES).map((m) => mockInvoke(SCOPE_LOOKUP, { managed: m }).id)).size).toBe(
      Object.keys(MANAGED_SCOPES).length,
    );
    // The other apps keep theirs; one lookup per scope asked for, entitlements added.
    expect(r.get("argocd", OAUTH2).inputs.propertyMappings).toEqual([scopeId("openid"), scopeId("email"), scopeId("profile")]);
    expect(r.get("netbird", OAUTH2).inputs.propertyMappings).toEqual([
      scopeId("openid"),
      scopeId("email"),
      scopeId("profile"),
      scopeId("offline_access"),
    ]);
    expect(r.invokes(SCOPE_LOOKUP).map((i) => i.args)).toEqual([
      { managed: MANAGED_SCOPES.openid },
      { managed: MANAGED_SCOPES.email },
      { managed: MANAGED_SCOPES.profile },
      { managed: MANAGED_SCOPES.offline_access },
      { managed: MANAGED_SCOPES.entitlements },
    ]);
  });

  test("the services stack's account: a service-account user in a non-superuser group holding an RBAC role of exactly its permissions, with an expiring API token", async () => {
    const r = await shipped();
    const user = r.get("homelab-services", "authentik:index/user:User");
    expect(user.inputs).toEqual({
      username: "homelab-services",
      name: "homelab-services",
      type: "service_account",
      path: "service-accounts",
    });
    const role = r.get("homelab-services", ROLE);
    expect(role.inputs).toEqual({ name: "homelab-services" });
    const roleId = mockResource(ROLE, "homelab-services", {}).id;
    const outpost = r.get("forward-auth-outpost", OUTPOST);
    const permissions = r.ofType(PERMISSION);
    expect(Object.fromEntries(permissions.map((p) => [p.name, p.inputs]))).toEqual({
      ...Object.fromEntries(PERMISSIONS.map((permission) => [`homelab-services-${permission}`, { role: roleId, permission }])),
      // On the embedded outpost only: find it, attach providers to it.
      ...Object.fromEntries(
        ["view_outpost", "change_outpost"].map((permission) => [
          `homelab-services-outpost-${permission}`,
          {
            role: roleId,
            model: "authentik_outposts.outpost",
            permission,
            objectId: "3f0c2b5e-8d1a-4c6e-9b2f-7a4d5e6f8a9b", // homelab:adopt.embeddedOutpost
          },
        ]),
      ),
    });
    for (const p of permissions) {
      expect(p.propertyDependencies.role, p.name).toEqual([role.urn]);
      if (p.inputs.objectId !== undefined) expect(p.propertyDependencies.objectId, p.name).toEqual([outpost.urn]);
    }
    const group = r.get("homelab-services", GROUP);
    expect(group.inputs).toEqual({
      name: "homelab-automation",
      isSuperuser: false,
      roles: [roleId],
      users: [pk("authentik:index/user:User", "homelab-services")],
    });
    expect(group.propertyDependencies).toEqual({ name: [], isSuperuser: [], roles: [role.urn], users: [user.urn] });
    const token = r.get("homelab-services", "authentik:index/token:Token");
    expect(token.inputs).toEqual({
      identifier: "homelab-services-1",
      user: pk("authentik:index/user:User", "homelab-services"),
      intent: "api",
      expiring: true,
      retrieveKey: true,
      description: "The homelab services stack: providers and applications of public services",
    });
    // It is made once the account holds its permissions, and a new identifier is a new token.
    expect([...token.dependencies].sort()).toEqual([user.urn, group.urn, ...permissions.map((p) => p.urn)].sort());
    expect(token.replaceOnChanges).toEqual(["identifier"]);

    // Rotation: the next generation is a new identifier.
    const rotated = await example(section("serviceAccount", (sa) => ({ ...(sa ?? {}), tokenGeneration: 2 })));
    expect(rotated.get("homelab-services", "authentik:index/token:Token").inputs.identifier).toBe("homelab-services-2");
  });

  test("outputs: URL, the services token (secret), GitHub's callback, forward auth, each app's client id and issuer, the access groups; client secrets apart and secret", async () => {
    const r = await shipped();
    const outputs = Object.fromEntries(
      await Promise.all(Object.entries(r.result.outputs).map(async ([k, v]) => [k, await valueOf(v)] as const)),
    );
    expect(Object.keys(outputs).sort()).toEqual([
      "access",
      "appClientSecrets",
      "apps",
      "authentikUrl",
      "forwardAuth",
      "githubCallbackUrl",
      "servicesToken",
    ]);
    expect(
      Object.entries(outputs)
        .filter(([, v]) => v.secret)
        .map(([k]) => k)
        .sort(),
    ).toEqual(["appClientSecrets", "servicesToken"]);
    expect(outputs.authentikUrl!.value).toBe("https://auth.example.net");
    expect(outputs.githubCallbackUrl!.value).toBe(
      mockResource("authentik:index/sourceOauth:SourceOauth", "github", { slug: "github" }).state.callbackUri,
    );
    expect(outputs.forwardAuth!.value).toEqual({
      mode: "domain",
      providerId: String(pk(PROXY, "forward-auth")),
      outpost: EMBEDDED_OUTPOST_NAME,
      address: forwardAuthAddress(),
    });
    expect(outputs.apps!.value).toEqual({
      argocd: { clientId: "argocd", issuer: "https://auth.example.net/application/o/argocd/" },
      grafana: { clientId: "grafana", issuer: "https://auth.example.net/application/o/grafana/" },
      netbird: { clientId: "netbird", issuer: "https://auth.example.net/application/o/netbird/" },
    });
    expect(outputs.appClientSecrets!.value).toEqual({
      argocd: mockResource(OAUTH2, "argocd", { clientType: "confidential" }).state.clientSecret,
      grafana: mockResource(OAUTH2, "grafana", { clientType: "confidential" }).state.clientSecret,
      netbird: "",
    });
    // What the services stack resolves its services' groups from (and its mocks answer).
    expect(outputs.access!.value).toEqual({ groups: ["homelab-admins", "homelab-users"], defaultGroup: "homelab-users" });
    expect(outputs.access!.value).toEqual(STACK_OUTPUTS.authentik!.outputs("authentik").access);
    expect(outputs.servicesToken!.value).toBe(mockResource("authentik:index/token:Token", "homelab-services", {}).state.key);
  });

  test("day 2: a new app adds exactly its provider, application and binding; a new access group exactly its group, changing only GitHub's mapping and policy", async () => {
    const urns = (r: Registered<unknown>) => r.run.resources.map((x) => x.urn).sort();
    const before = await shipped();
    const after = await example(
      section("apps", (apps) => [
        ...apps,
        { name: "Jellyfin", slug: "jellyfin", redirectUris: ["https://tv.example.net/sso/OID/redirect/authentik"] },
      ]),
    );
    const added = after.run.resources.filter((x) => !urns(before).includes(x.urn));
    expect(added.map((x) => `${x.type}::${x.name}`).sort()).toEqual([
      `${APP}::jellyfin`,
      `${BINDING}::jellyfin-allow-homelab-users`,
      `${OAUTH2}::jellyfin`,
      "homelab:authentik:OidcApp::jellyfin",
    ]);
    expect(urns(before).filter((u) => !urns(after).includes(u))).toEqual([]);

    const grown = await example(section("access", (a) => ({ ...a, groups: { ...a.groups, family: { users: ["monalisa"] } } })));
    expect(grown.run.resources.filter((x) => !urns(before).includes(x.urn)).map((x) => `${x.type}::${x.name}`)).toEqual([
      `${GROUP}::access-family`,
    ]);
    expect(urns(before).filter((u) => !urns(grown).includes(u))).toEqual([]);
    const inputs = (r: Registered<unknown>) => new Map(r.run.resources.map((x) => [x.urn, JSON.stringify(x.inputs)]));
    const [a, b] = [inputs(before), inputs(grown)];
    expect(
      [...a.keys()]
        .filter((u) => a.get(u) !== b.get(u))
        .map((u) => before.run.resources.find((x) => x.urn === u)!.name)
        .sort(),
    ).toEqual(["github-access", "github-groups"]);
  });

  test("the GitHub secret and the tokens never appear in the plan's text or resources; every authentik item is in resources.json", async () => {
    const dir = mkdtempSync(join(tmpdir(), "authentik-"));
    const config = join(dir, "Pulumi.authentik.yaml");
    writeFileSync(
      config,
      readFileSync(join(ROOT, "Pulumi.authentik.yaml"), "utf8").replace(
        "secure: REPLACE-WITH-pulumi-config-set--secret",
        `secure: ${CANARY}`,
      ),
    );
    const plan = await planStack("authentik", config);
    const json = JSON.stringify(resourcesJson(plan));
    for (const text of [planText(plan), json]) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(String(STACK_OUTPUTS.hetzner!.outputs("hetzner").authentikToken));
    }
    const items = resourcesJson(plan) as { resources: { type: string }[]; invokes: { token: string }[] };
    // 4 applications, 3 groups, the outpost and its attachment, 6 bindings, the policy and the
    // mapping, 4 providers, 22 permissions and the role, the source, the stage, the token, the user.
    expect(items.resources.filter((x) => x.type.startsWith("authentik:"))).toHaveLength(48);
    // 4 flows, 4 scope mappings, the key pair.
    expect(items.invokes.filter((x) => x.token.startsWith("authentik:"))).toHaveLength(9);
  });
});

describe("the hetzner stack's forward auth and the authentik stack's outpost agree", () => {
  const answer = (outputs: Record<string, unknown>) => (type: string, _name: string, inputs: Record<string, unknown>) =>
    type === "pulumi:pulumi:StackReference"
      ? { id: "hetzner", state: { ...inputs, outputs, secretOutputNames: ["authentikToken"] } }
      : undefined;

  test("the hetzner program's own outputs feed the authentik program: the outpost sends browsers to the same Authentik", async () => {
    const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.hetzner.yaml"));
    const hetzner = await register(() => runStack("hetzner"), { stack: "hetzner", config: values, secretKeys });
    const outputs = Object.fromEntries(
      await Promise.all(Object.entries(hetzner.result.outputs).map(async ([k, v]) => [k, (await valueOf(v)).value] as const)),
    );
    const sso = readStackFile(join(ROOT, "Pulumi.authentik.yaml"));
    const r = await register(() => runStack("authentik"), {
      stack: "authentik",
      config: sso.values,
      secretKeys: sso.secretKeys,
      answer: answer(outputs),
    });
    const config = JSON.parse(r.get("forward-auth-outpost").inputs.config as string);
    expect(config.authentik_host).toBe(`${String(outputs.authentikUrl)}/`);
    expect(r.get("forward-auth", PROXY).inputs.externalHost).toBe(outputs.authentikUrl);
    expect(r.get("forward-auth-outpost").inputs.name).toBe(EMBEDDED_OUTPOST_NAME);
    expect((outputs.traefik as { forwardAuthAddress: string }).forwardAuthAddress).toBe(forwardAuthAddress());
  });

  test("a Traefik that calls another address ends the run before Authentik is touched", async () => {
    const hetzner = STACK_OUTPUTS.hetzner!.outputs("hetzner");
    const wrong = {
      ...hetzner,
      traefik: {
        ...(hetzner.traefik as object),
        forwardAuthAddress: "http://authentik-proxy:9000/outpost.goauthentik.io/auth/traefik",
      },
    };
    const r = await register(() => edgeOutputs("hetzner"), { answer: answer(wrong) });
    await expect(valueOf(r.result.url)).rejects.toThrow(
      "stack hetzner's Traefik sends forward auth to http://authentik-proxy:9000/outpost.goauthentik.io/auth/traefik, but the providers here are bound to the embedded outpost at http://authentik-server:9000/outpost.goauthentik.io/auth/traefik: deploy the hetzner stack of this version first",
    );
    const right = await register(() => edgeOutputs("hetzner"), { answer: answer(hetzner) });
    expect(await valueOf(right.result.url)).toEqual({ value: hetzner.authentikUrl, secret: false, known: true });
  });
});
