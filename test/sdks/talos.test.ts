import * as talos from "@pulumiverse/talos";
import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { register, reveal } from "../helpers/pulumi";

/**
 * The local @pulumiverse/talos must be wire-compatible with the published 0.8.1: the same type
 * tokens, property names, secrets, plugin version and plugin download URL. Everything here is
 * checked against the provider's own schema (sdks/talos/schema.json, byte-identical to the
 * pulumi-talos v0.8.1 schema).
 */
const SDK = join(__dirname, "..", "..", "sdks", "talos");
const schema = JSON.parse(readFileSync(join(SDK, "schema.json"), "utf8"));
const pkg = JSON.parse(readFileSync(join(SDK, "package.json"), "utf8"));

interface Property {
  type?: string;
  $ref?: string;
  secret?: boolean;
}

/** A value of the property's shape; the mocks only care that it serializes. */
function sample(p: Property): unknown {
  if (p.type === "string") return "v";
  if (p.type === "boolean") return true;
  if (p.type === "integer" || p.type === "number") return 1;
  if (p.type === "array") return ["v"];
  return { field: "v" };
}

const samples = (props: Record<string, Property>) => Object.fromEntries(Object.entries(props).map(([k, p]) => [k, sample(p)]));
const secretNames = (props: Record<string, Property>) =>
  Object.keys(props)
    .filter((k) => props[k]!.secret)
    .sort();

type ResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;
const resources: Record<string, ResourceClass> = {
  "talos:cluster/kubeconfig:Kubeconfig": talos.cluster.Kubeconfig,
  "talos:imageFactory/schematic:Schematic": talos.imagefactory.Schematic,
  "talos:machine/bootstrap:Bootstrap": talos.machine.Bootstrap,
  "talos:machine/configurationApply:ConfigurationApply": talos.machine.ConfigurationApply,
  "talos:machine/secrets:Secrets": talos.machine.Secrets,
};

const functions: Record<string, (args: any) => pulumi.Output<unknown>> = {
  "talos:machine/getConfiguration:getConfiguration": talos.machine.getConfigurationOutput,
  "talos:client/getConfiguration:getConfiguration": talos.client.getConfigurationOutput,
  "talos:cluster/getHealth:getHealth": talos.cluster.getHealthOutput,
};

test("package identity: name, version, plugin name and download URL", () => {
  expect(pkg.name).toBe(schema.language.nodejs.packageName);
  expect(pkg.version).toBe("0.8.1");
  expect(pkg.pulumi).toEqual({ resource: true, name: schema.name, version: pkg.version, server: schema.pluginDownloadURL });
});

test("every resource of the schema is provided", () => {
  expect(Object.keys(resources).sort()).toEqual(Object.keys(schema.resources).sort());
});

describe.each(Object.entries(resources))("%s", (token, Resource) => {
  const spec = schema.resources[token];

  test("token, every input property, secret wrapping, plugin version and download URL", async () => {
    expect((Resource as unknown as { __pulumiType: string }).__pulumiType).toBe(token);
    const r = await register(() => new Resource("it", samples(spec.inputProperties)));
    const registered = r.get("it", token);
    expect(Object.keys(registered.inputs).sort()).toEqual(Object.keys(spec.inputProperties).sort());
    for (const [key, value] of Object.entries(registered.inputs)) {
      expect(reveal(value)[1], `${key} secret`).toBe(spec.inputProperties[key].secret === true);
    }
    expect([...registered.additionalSecretOutputs].sort()).toEqual(secretNames(spec.properties));
    expect(registered.version).toBe("0.8.1");
    expect(registered.pluginDownloadURL).toBe(schema.pluginDownloadURL);
  });

  test("every output property is an Output of the resource", async () => {
    const r = await register(() => new Resource("it", samples(spec.inputProperties)));
    for (const key of Object.keys(spec.properties)) {
      expect(pulumi.Output.isInstance((r.result as unknown as Record<string, unknown>)[key]), key).toBe(true);
    }
  });

  test.each((spec.requiredInputs ?? []) as string[])("requires %s", (key) => {
    const args = samples(spec.inputProperties);
    delete args[key];
    expect(() => new Resource("it", args)).toThrow(`Missing required property '${key}'`);
  });
});

test("the provider takes exactly the schema's configuration", async () => {
  const r = await register(() => new talos.Provider("it", samples(schema.provider.inputProperties)));
  const provider = r.get("it", "pulumi:providers:talos");
  expect(Object.keys(provider.inputs).sort()).toEqual(Object.keys(schema.provider.inputProperties).sort());
  expect(provider.version).toBe("0.8.1");
  expect(provider.pluginDownloadURL).toBe(schema.pluginDownloadURL);
});

describe.each(Object.entries(functions))("%s", (token, invoke) => {
  test("sends every input under the schema's names, with the plugin version and download URL", async () => {
    const spec = schema.functions[token];
    const r = await register(() => invoke(samples(spec.inputs.properties)));
    const [call] = r.invokes(token);
    expect(Object.keys(call!.args).sort()).toEqual(Object.keys(spec.inputs.properties).sort());
    expect(call!.version).toBe("0.8.1");
    expect(call!.pluginDownloadURL).toBe(schema.pluginDownloadURL);
  });
});
