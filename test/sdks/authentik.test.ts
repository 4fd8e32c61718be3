import * as authentik from "@pulumi/authentik";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { register, reveal, type RecordedPackage } from "../helpers/pulumi";

/**
 * The local @pulumi/authentik must be wire-compatible with the SDK `pulumi package add
 * terraform-provider goauthentik/authentik 2026.5.0` generates: the same package registration
 * (a parameterized `terraform-provider` package), type tokens, property names and secrets, and the
 * package reference on every resource, provider and invoke. Everything here is checked against the
 * transcribed provider attributes (sdks/authentik/attributes.json).
 */
const SDK = join(__dirname, "..", "..", "sdks", "authentik");
/** The provider's attributes (goauthentik/terraform-provider-authentik v2026.5.0), transcribed: see the SDK's README. */
const ATTRIBUTES = join(SDK, "attributes.json");
const pkg = JSON.parse(readFileSync(join(SDK, "package.json"), "utf8"));
const spec = JSON.parse(readFileSync(ATTRIBUTES, "utf8"));

interface Attribute {
  type: string;
  sensitive?: boolean;
  generated?: boolean;
}
interface Item {
  required: Record<string, Attribute>;
  optional: Record<string, Attribute>;
  readOnly: Record<string, Attribute>;
  pulumi: { token: string; sdkRequiredArgs: string[]; properties: Record<string, string> };
}

/** A value of the attribute's type; the mocks only care that it serializes. */
function sample(a: Attribute): unknown {
  switch (a.type) {
    case "String":
      return "v";
    case "Boolean":
      return true;
    case "Number":
      return 1;
    case "List of String":
      return ["v"];
    case "List of Number":
      return [1];
    case "List of Map of String":
      return [{ key: "v" }];
    case "Map of String":
      return { key: "v" };
    default:
      throw new Error(`no sample for ${a.type}`);
  }
}

/** `[camelCase name, attribute]` of the item's attributes of these kinds. */
const attributes = (item: Item, kinds: ("required" | "optional" | "readOnly")[]) =>
  kinds.flatMap((kind) => Object.entries(item[kind]).map(([tf, a]) => [item.pulumi.properties[tf]!, a] as const));
const inputNames = (item: Item) => attributes(item, ["required", "optional"]).map(([name]) => name);
const samples = (item: Item) =>
  Object.fromEntries(attributes(item, ["required", "optional"]).map(([name, a]) => [name, sample(a)]));
const sensitive = (item: Item, kinds: ("required" | "optional" | "readOnly")[]) =>
  attributes(item, kinds)
    .filter(([, a]) => a.sensitive)
    .map(([name]) => name)
    .sort();
const sorted = (names: Iterable<string>) => [...names].sort();
/** Inputs as the engine keeps them: properties registered as `undefined` are not sent. */
const sent = (inputs: Record<string, unknown>) => sorted(Object.keys(inputs).filter((k) => inputs[k] !== undefined));

/** The package reference Pulumi's mock monitor answers RegisterPackage with. */
const MOCK_REF = "mock-uuid";

type ResourceClass = (new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource) & {
  __pulumiType: string;
};
const resources: Record<string, ResourceClass> = {
  authentik_provider_oauth2: authentik.ProviderOauth2,
  authentik_application: authentik.Application,
  authentik_provider_proxy: authentik.ProviderProxy,
  authentik_outpost: authentik.Outpost,
  authentik_source_oauth: authentik.SourceOauth,
  authentik_stage_identification: authentik.StageIdentification,
  authentik_user: authentik.User,
  authentik_token: authentik.Token,
  authentik_group: authentik.Group,
  authentik_property_mapping_provider_scope: authentik.PropertyMappingProviderScope,
  authentik_policy_binding: authentik.PolicyBinding,
  authentik_policy_expression: authentik.PolicyExpression,
  authentik_rbac_role: authentik.RbacRole,
  authentik_rbac_permission_role: authentik.RbacPermissionRole,
  authentik_outpost_provider_attachment: authentik.OutpostProviderAttachment,
  authentik_property_mapping_source_oauth: authentik.PropertyMappingSourceOauth,
};

const functions: Record<string, [(args: any) => Promise<unknown>, (args: any) => pulumi.Output<unknown>]> = {
  authentik_flow: [authentik.getFlow, authentik.getFlowOutput],
  authentik_certificate_key_pair: [authentik.getCertificateKeyPair, authentik.getCertificateKeyPairOutput],
  authentik_property_mapping_provider_scope: [
    authentik.getPropertyMappingProviderScope,
    authentik.getPropertyMappingProviderScopeOutput,
  ],
  authentik_stage: [authentik.getStage, authentik.getStageOutput],
  authentik_group: [authentik.getGroup, authentik.getGroupOutput],
  authentik_outpost: [authentik.getOutpost, authentik.getOutpostOutput],
  authentik_rbac_permission: [authentik.getRbacPermission, authentik.getRbacPermissionOutput],
};

/** The one package a run registered: this SDK's, exactly as its package.json describes it. */
function expectPackageRegistered(packages: readonly RecordedPackage[]): void {
  expect(packages).toEqual([
    {
      name: "terraform-provider",
      version: "1.4.0",
      downloadUrl: "",
      parameterization: {
        name: "authentik",
        version: "2026.5.0",
        value: Uint8Array.from(Buffer.from(pkg.pulumi.parameterization.value, "base64")),
      },
      ref: MOCK_REF,
    },
  ]);
}

test("package identity: name, version and the parameterized terraform-provider package", () => {
  expect(pkg.name).toBe("@pulumi/authentik");
  expect(pkg.version).toBe("2026.5.0");
  expect(pkg.pulumi).toEqual({
    resource: true,
    name: "terraform-provider",
    version: "1.4.0",
    parameterization: { name: "authentik", version: "2026.5.0", value: expect.any(String) },
  });
  const parameter = JSON.parse(Buffer.from(pkg.pulumi.parameterization.value, "base64").toString("utf8"));
  expect(Object.keys(parameter)).toEqual(["remote"]);
  expect(Object.keys(parameter.remote).sort()).toEqual(["url", "version"]);
  expect(parameter.remote.version).toBe("2026.5.0");
  expect(parameter.remote.url).toMatch(/^[a-z0-9.-]+\/goauthentik\/authentik$/);
  expect(spec.source.tag).toBe(`v${pkg.version}`);
});

test("every transcribed resource and data source is provided, and nothing else", () => {
  expect(sorted(Object.keys(resources))).toEqual(sorted(Object.keys(spec.resources)));
  expect(sorted(Object.keys(functions))).toEqual(sorted(Object.keys(spec.dataSources)));
  const tokens = Object.values(resources).map((r) => r.__pulumiType);
  expect(sorted(tokens)).toEqual(sorted(Object.values(spec.resources as Record<string, Item>).map((r) => r.pulumi.token)));
  // The package exports these resources, their lookups, the provider, the types namespace and nothing else.
  const classes = Object.values(resources).map((r) => r.name);
  const lookups = Object.keys(spec.dataSources as Record<string, Item>).flatMap((ds) => {
    const fn = (spec.dataSources[ds] as Item).pulumi.token.split(":")[2]!;
    return [fn, `${fn}Output`];
  });
  // (`default` is the test runner's view of a CommonJS module, not an export.)
  expect(sorted(Object.keys(authentik).filter((k) => k !== "default"))).toEqual(
    sorted([...classes, ...lookups, "Provider", "types"]),
  );
});

describe.each(Object.entries(resources))("%s", (tfName, Resource) => {
  const item = spec.resources[tfName] as Item;

  test("token, every input property, secrets, package registration and reference", async () => {
    expect(Resource.__pulumiType).toBe(item.pulumi.token);
    const r = await register(() => new Resource("it", samples(item)));
    const registered = r.get("it", item.pulumi.token);
    expect(sent(registered.inputs)).toEqual(sorted(inputNames(item)));
    const secrets = sensitive(item, ["required", "optional"]);
    for (const key of sent(registered.inputs)) {
      expect(reveal(registered.inputs[key])[1], `${key} secret`).toBe(secrets.includes(key));
    }
    expect(sorted(registered.additionalSecretOutputs)).toEqual(sensitive(item, ["required", "optional", "readOnly"]));
    // With a package reference the plugin is the registered package's: the runtime sends no version
    // or download URL of its own. The SDK still asks for its version, as the generated one does.
    expect(registered.packageRef).toBe(MOCK_REF);
    expect(registered.version).toBe("");
    expect(registered.pluginDownloadURL).toBe("");
    expect((r.result as unknown as { __version?: string }).__version).toBe("2026.5.0");
    expectPackageRegistered(r.run.packages);
  });

  test("every attribute is an Output of the resource, the Terraform id as <resource>Id", async () => {
    const r = await register(() => new Resource("it", samples(item)));
    const names = attributes(item, ["required", "optional", "readOnly"]).map(([name]) => name);
    expect(names).toContain(`${item.pulumi.token.split("/")[1]!.split(":")[0]}Id`);
    for (const key of names) {
      expect(pulumi.Output.isInstance((r.result as unknown as Record<string, unknown>)[key]), key).toBe(true);
    }
  });

  test.each(item.pulumi.sdkRequiredArgs)("requires %s", (key) => {
    const args = samples(item);
    delete args[key];
    expect(() => new Resource("it", args)).toThrow(`Missing required property '${key}'`);
  });

  if ("name" in item.required || "name" in item.optional) {
    test("name is optional (the provider names the object when it is left out)", async () => {
      expect(item.pulumi.sdkRequiredArgs).not.toContain("name");
      const args = samples(item);
      delete args.name;
      const r = await register(() => new Resource("it", args));
      expect(sent(r.get("it", item.pulumi.token).inputs)).toEqual(sorted(inputNames(item).filter((k) => k !== "name")));
    });
  }

  test("a lookup sends every attribute from the given state", async () => {
    const state = Object.fromEntries(
      attributes(item, ["required", "optional", "readOnly"]).map(([name, a]) => [name, sample(a)]),
    );
    const r = await register(() => (Resource as unknown as { get: (...args: unknown[]) => unknown }).get("it", "some-id", state));
    const read = r.get("it", item.pulumi.token);
    expect(read.read).toBe(true);
    expect(sent(read.inputs)).toEqual(sorted(Object.keys(state)));
    expect(read.packageRef).toBe(MOCK_REF);
  });
});

describe("the provider", () => {
  test("takes exactly url, token, insecure and headers, with the package reference", async () => {
    const r = await register(
      () => new authentik.Provider("it", { url: "https://auth.example", token: "t", insecure: true, headers: { "X-Lab": "v" } }),
    );
    expect(authentik.Provider.isInstance(r.result)).toBe(true);
    const provider = r.get("it", "pulumi:providers:authentik");
    expect(sent(provider.inputs)).toEqual(
      sorted(Object.keys(spec.provider.required).concat(Object.keys(spec.provider.optional))),
    );
    expect(sent(provider.inputs)).toEqual(["headers", "insecure", "token", "url"]);
    expect(reveal(provider.inputs.url)).toEqual(["https://auth.example", false]);
    expect(reveal(provider.inputs.token)).toEqual(["t", true]);
    // Non-string settings reach the engine JSON-encoded, as the generated SDK sends them.
    expect(reveal(provider.inputs.insecure)).toEqual(["true", false]);
    expect(reveal(provider.inputs.headers)).toEqual([JSON.stringify({ "X-Lab": "v" }), true]);
    expect(provider.additionalSecretOutputs).toEqual(["token"]);
    expect(provider.packageRef).toBe(MOCK_REF);
    expect(provider.version).toBe("");
    expect((r.result as unknown as { __version?: string }).__version).toBe("2026.5.0");
    expectPackageRegistered(r.run.packages);
  });

  test.each(["token", "url"])("requires %s, as the provider's schema does", (key) => {
    const args: Record<string, string> = { url: "https://auth.example", token: "t" };
    delete args[key];
    expect(Object.keys(spec.provider.required)).toContain(key);
    expect(() => new authentik.Provider("it", args as never)).toThrow(`Missing required property '${key}'`);
  });

  test("sends nothing for settings left out", async () => {
    const r = await register(() => new authentik.Provider("it", { url: "https://auth.example", token: "t" }));
    expect(sent(r.get("it", "pulumi:providers:authentik").inputs)).toEqual(["token", "url"]);
  });

  test("a resource given the provider refers to it", async () => {
    const r = await register(() => {
      const provider = new authentik.Provider("it", { url: "https://auth.example", token: "t" });
      return new authentik.Group("group", { name: "admins" }, { provider });
    });
    const provider = r.get("it", "pulumi:providers:authentik");
    expect(r.get("group", "authentik:index/group:Group").provider).toBe(`${provider.urn}::it-id`);
    expectPackageRegistered(r.run.packages);
  });
});

describe.each(Object.entries(functions))("data source %s", (tfName, [plain, output]) => {
  const item = spec.dataSources[tfName] as Item;
  const token = item.pulumi.token;
  // `id` is an optional argument of a data source, unless it declares `id` computed-only (documented as
  // generated: authentik_certificate_key_pair), as in the generated SDK.
  const takesId = !item.readOnly.id?.generated;

  test.each([
    ["plain", plain],
    ["Output", output],
  ] as const)("%s form sends exactly its arguments, with the package reference", async (_form, invoke) => {
    const r = await register(() => {
      const result = invoke({ ...samples(item), ...(takesId ? { id: "some-id" } : {}) });
      if (result instanceof Promise) result.catch(() => undefined);
    });
    const calls = r.invokes(token);
    expect(calls).toHaveLength(1);
    expect(sent(calls[0]!.args)).toEqual(sorted([...inputNames(item), ...(takesId ? ["id"] : [])]));
    expect(calls[0]!.version).toBe("2026.5.0");
    expect(calls[0]!.pluginDownloadURL).toBeUndefined();
    expect(calls[0]!.packageRef).toBe(MOCK_REF);
    expectPackageRegistered(r.run.packages);
  });

  if (item.pulumi.sdkRequiredArgs.length === 0) {
    test("takes no arguments at all", async () => {
      const r = await register(() => output(undefined));
      expect(sent(r.invokes(token)[0]!.args)).toEqual([]);
    });
  }
});
