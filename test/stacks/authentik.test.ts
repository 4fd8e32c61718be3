import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { planStack } from "../../cli/plan";
import { planText, resourcesJson } from "../../cli/render";
import { readStackFile } from "../../cli/stack-file";
import { DEFAULT_FLOWS, GROUPS_SCOPE, MANAGED_SCOPES, SELF_SIGNED_KEY_PAIR } from "../../lib/authentik";
import { EMBEDDED_OUTPOST_NAME, forwardAuthAddress } from "../../lib/edge";
import { runStack } from "../../stacks";
import { edgeOutputs } from "../../stacks/authentik";
import { mockInvoke, mockResource, register, reveal, STACK_OUTPUTS, valueOf, type Registered } from "../helpers/pulumi";

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

/** The numeric id the mocks give a resource (Authentik's primary keys are numbers). */
const pk = (type: string, name: string) => Number(mockResource(type, name, {}).id);
const PROXY = "authentik:index/providerProxy:ProviderProxy";
const OAUTH2 = "authentik:index/providerOauth2:ProviderOauth2";
const flowId = (slug: string) => mockInvoke("authentik:index/getFlow:getFlow", { slug }).id;
const scopeId = (scope: keyof typeof MANAGED_SCOPES, managed: string[]) =>
  (
    mockInvoke("authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope", { managedLists: managed })
      .ids as string[]
  )[managed.indexOf(MANAGED_SCOPES[scope])];

describe("the authentik stack on the example config", () => {
  test("registers exactly the expected resources, each authentik one with the provider from the hetzner stack", async () => {
    const r = await example();
    expect(r.run.resources.map((x) => `${x.type}::${x.name}`).sort()).toEqual([
      "authentik:index/application:Application::argocd",
      "authentik:index/application:Application::forward-auth",
      "authentik:index/application:Application::grafana",
      "authentik:index/application:Application::netbird",
      "authentik:index/group:Group::homelab-services",
      "authentik:index/outpost:Outpost::forward-auth-outpost",
      "authentik:index/propertyMappingProviderScope:PropertyMappingProviderScope::groups-scope",
      "authentik:index/providerOauth2:ProviderOauth2::argocd",
      "authentik:index/providerOauth2:ProviderOauth2::grafana",
      "authentik:index/providerOauth2:ProviderOauth2::netbird",
      "authentik:index/providerProxy:ProviderProxy::forward-auth",
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
    ]);
    expect(r.childrenOf(r.get("forward-auth", "homelab:authentik:ForwardAuth"))).toEqual([
      "authentik:index/application:Application::forward-auth",
      "authentik:index/outpost:Outpost::forward-auth-outpost",
      "authentik:index/providerProxy:ProviderProxy::forward-auth",
    ]);
    expect(r.childrenOf(r.get("grafana", "homelab:authentik:OidcApp"))).toEqual([
      "authentik:index/application:Application::grafana",
      "authentik:index/providerOauth2:ProviderOauth2::grafana",
    ]);
    const provider = r.get("authentik", "pulumi:providers:authentik");
    for (const res of r.run.resources.filter((x) => x.type.startsWith("authentik:"))) {
      expect(res.provider?.startsWith(`${provider.urn}::`), `${res.name} uses ${res.provider}`).toBe(true);
    }
    const hetzner = STACK_OUTPUTS.hetzner!.outputs("hetzner");
    expect(provider.inputs.url).toBe(hetzner.authentikUrl);
    expect(reveal(provider.inputs.token)).toEqual([hetzner.authentikToken, true]);
    expect(r.get("hetzner", "pulumi:pulumi:StackReference").inputs.name).toBe("hetzner");
  });

  test("invokes: the default flows by slug, the self-signed key pair, the managed scope mappings", async () => {
    const r = await example();
    expect(
      r
        .invokes("authentik:index/getFlow:getFlow")
        .map((i) => i.args.slug)
        .sort(),
    ).toEqual(Object.values(DEFAULT_FLOWS).sort());
    expect(r.invokes("authentik:index/getCertificateKeyPair:getCertificateKeyPair").map((i) => i.args)).toEqual([
      { name: SELF_SIGNED_KEY_PAIR, fetchCertificate: false, fetchKey: false },
    ]);
    expect(
      r.invokes("authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope").map((i) => i.args),
    ).toEqual([
      { managedLists: [MANAGED_SCOPES.openid, MANAGED_SCOPES.email, MANAGED_SCOPES.profile, MANAGED_SCOPES.offline_access] },
    ]);
  });

  test("forward auth: a domain-wide proxy provider, its hidden application, bound to the adopted embedded outpost", async () => {
    const r = await example();
    const authorizationFlow = flowId(DEFAULT_FLOWS.authorization);
    const invalidationFlow = flowId(DEFAULT_FLOWS.invalidation);
    expect(r.get("forward-auth", PROXY).inputs).toEqual({
      name: "Forward auth",
      mode: "forward_domain",
      externalHost: "https://auth.example.net",
      cookieDomain: "example.net",
      authorizationFlow,
      invalidationFlow,
      accessTokenValidity: "hours=24",
    });
    expect(r.get("forward-auth", "authentik:index/application:Application").inputs).toEqual({
      name: "Forward auth",
      slug: "forward-auth",
      protocolProvider: pk(PROXY, "forward-auth"),
      metaHide: true,
    });
    const outpost = r.get("forward-auth-outpost");
    expect(outpost.inputs).toEqual({
      name: EMBEDDED_OUTPOST_NAME,
      type: "proxy",
      protocolProviders: [pk(PROXY, "forward-auth")],
      config: JSON.stringify({
        authentik_host: "https://auth.example.net/",
        authentik_host_insecure: false,
        authentik_host_browser: "",
        log_level: "info",
      }),
    });
    expect(outpost.importId).toBe(OUTPOST_ID);
  });

  test("GitHub: an OAuth source matched by GitHub id, offered on the adopted identification stage", async () => {
    const r = await example();
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
    });
    const stage = r.get("github-identification");
    expect(stage.inputs).toEqual({
      name: "default-authentication-identification",
      userFields: ["email", "username"],
      sources: [mockResource("authentik:index/sourceOauth:SourceOauth", "github", { slug: "github" }).state.uuid],
    });
    expect(stage.importId).toBe(STAGE_ID);
  });

  test("OIDC apps: strict and regex redirect URIs, scopes by mapping id (groups from the stack's own mapping), signed with the self-signed key", async () => {
    const r = await example();
    const managed = [MANAGED_SCOPES.openid, MANAGED_SCOPES.email, MANAGED_SCOPES.profile, MANAGED_SCOPES.offline_access];
    const groups = r.get("groups-scope");
    expect(groups.inputs).toEqual({ ...GROUPS_SCOPE });
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
      propertyMappings: [
        scopeId("openid", managed),
        scopeId("email", managed),
        scopeId("profile", managed),
        mockResource("authentik:index/propertyMappingProviderScope:PropertyMappingProviderScope", "groups-scope", {}).id,
      ],
      ...common,
    });
    expect(r.get("netbird", OAUTH2).inputs).toMatchObject({
      clientType: "public",
      allowedRedirectUris: [
        { matching_mode: "regex", url: "^http://localhost:53000/?$" },
        { matching_mode: "strict", url: "https://netbird.example.net/auth" },
        { matching_mode: "strict", url: "https://netbird.example.net/silent-auth" },
      ],
      propertyMappings: [
        scopeId("openid", managed),
        scopeId("email", managed),
        scopeId("profile", managed),
        scopeId("offline_access", managed),
      ],
    });
    expect(r.get("grafana", "authentik:index/application:Application").inputs).toEqual({
      name: "Grafana",
      slug: "grafana",
      protocolProvider: pk(OAUTH2, "grafana"),
      metaLaunchUrl: "https://grafana.lab.example.net",
      group: "Infrastructure",
    });
  });

  test("the services stack's account: a service-account user in a superuser group, with a non-expiring API token", async () => {
    const r = await example();
    const user = pk("authentik:index/user:User", "homelab-services");
    expect(r.get("homelab-services", "authentik:index/user:User").inputs).toEqual({
      username: "homelab-services",
      name: "homelab-services",
      type: "service_account",
      path: "service-accounts",
    });
    expect(r.get("homelab-services", "authentik:index/group:Group").inputs).toEqual({
      name: "homelab-automation",
      isSuperuser: true,
      users: [user],
    });
    const token = r.get("homelab-services", "authentik:index/token:Token");
    expect(token.inputs).toEqual({
      identifier: "homelab-services",
      user,
      intent: "api",
      expiring: false,
      retrieveKey: true,
      description: "The homelab services stack: providers and applications of public services",
    });
    expect(r.names(token.dependencies)).toEqual(["homelab-services", "homelab-services"]);
  });

  test("outputs: URL, the services token (secret), GitHub's callback, forward auth, each app's client id and issuer; client secrets apart and secret", async () => {
    const r = await example();
    const outputs = Object.fromEntries(
      await Promise.all(Object.entries(r.result.outputs).map(async ([k, v]) => [k, await valueOf(v)] as const)),
    );
    expect(
      Object.entries(outputs)
        .filter(([, v]) => v.secret)
        .map(([k]) => k)
        .sort(),
    ).toEqual(["appClientSecrets", "servicesToken"]);
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
    expect(outputs.servicesToken!.value).toBe(mockResource("authentik:index/token:Token", "homelab-services", {}).state.key);
  });

  test("day 2: a new app adds exactly its provider and application", async () => {
    const urns = (r: Registered<unknown>) => r.run.resources.map((x) => x.urn).sort();
    const before = await example();
    const after = await example((v) => {
      const apps = JSON.parse(v["homelab:apps"]!);
      v["homelab:apps"] = JSON.stringify([
        ...apps,
        { name: "Jellyfin", slug: "jellyfin", redirectUris: ["https://tv.example.net/sso/OID/redirect/authentik"] },
      ]);
    });
    const added = after.run.resources.filter((x) => !urns(before).includes(x.urn));
    expect(added.map((x) => `${x.type}::${x.name}`).sort()).toEqual([
      "authentik:index/application:Application::jellyfin",
      "authentik:index/providerOauth2:ProviderOauth2::jellyfin",
      "homelab:authentik:OidcApp::jellyfin",
    ]);
    expect(urns(before).filter((u) => !urns(after).includes(u))).toEqual([]);
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
    expect(items.resources.filter((x) => x.type.startsWith("authentik:"))).toHaveLength(15);
    expect(items.invokes.filter((x) => x.token.startsWith("authentik:"))).toHaveLength(6);
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
