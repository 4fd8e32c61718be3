// Shared plumbing of the local @pulumiverse/talos SDK. What reaches the engine must match the
// published 0.8.1 SDK exactly: the same plugin version and plugin download URL on every resource,
// provider and invoke, so the engine installs and runs the same provider plugin.
import * as pulumi from "@pulumi/pulumi";

/** Where the engine downloads the `talos` resource plugin from (schema `pluginDownloadURL`). */
export const PLUGIN_DOWNLOAD_URL = "github://api.github.com/pulumiverse";

/** The SDK (and provider plugin) version, read from this package's package.json. */
export function getVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require("../package.json") as { version: string };
  return version.startsWith("v") ? version.slice(1) : version;
}

/** Options every resource, provider and invoke of this package carries. */
export function resourceOptsDefaults(): { version: string; pluginDownloadURL: string } {
  return { version: getVersion(), pluginDownloadURL: PLUGIN_DOWNLOAD_URL };
}

/**
 * Builds a resource's input bag. On a lookup (`opts.id` set) every property comes from `state`;
 * otherwise the inputs come from `args`, outputs are registered as `undefined`, and properties the
 * schema marks secret are wrapped so they never leave the program in plain text.
 */
export function resourceInputs(
  argsOrState: Record<string, unknown> | undefined,
  opts: pulumi.CustomResourceOptions,
  spec: {
    inputs: readonly string[];
    outputs?: readonly string[];
    secretInputs?: readonly string[];
    required?: readonly string[];
  },
): pulumi.Inputs {
  const bag: pulumi.Inputs = {};
  const all = [...spec.inputs, ...(spec.outputs ?? [])];
  if (opts.id) {
    for (const key of all) bag[key] = argsOrState?.[key];
    return bag;
  }
  for (const key of spec.required ?? []) {
    if ((argsOrState === undefined || argsOrState[key] === undefined) && !opts.urn) {
      throw new Error(`Missing required property '${key}'`);
    }
  }
  for (const key of spec.inputs) {
    const value = argsOrState?.[key];
    bag[key] = value !== undefined && spec.secretInputs?.includes(key) ? pulumi.secret(value) : value;
  }
  for (const key of spec.outputs ?? []) bag[key] = undefined;
  return bag;
}

/** Merges the package defaults and, when the schema has secret outputs, `additionalSecretOutputs`. */
export function resourceOptions<T extends pulumi.ResourceOptions>(opts: T | undefined, secretOutputs: readonly string[] = []): T {
  let merged = pulumi.mergeOptions(resourceOptsDefaults(), opts ?? {}) as T;
  if (secretOutputs.length > 0) {
    merged = pulumi.mergeOptions(merged, { additionalSecretOutputs: [...secretOutputs] }) as T;
  }
  return merged;
}

function invokeOptions<T extends pulumi.InvokeOptions | pulumi.InvokeOutputOptions>(opts: T | undefined): T {
  return pulumi.mergeOptions(resourceOptsDefaults(), opts ?? {}) as T;
}

/**
 * The plain and Output forms of a provider function: both send exactly the schema's argument
 * `names` under `token`, with the package defaults in the options.
 */
export function providerFunction<Args extends object, OutputArgs extends object, Result>(
  token: string,
  names: readonly string[],
) {
  const pick = (args: object): pulumi.Inputs =>
    Object.fromEntries(names.map((name) => [name, (args as Record<string, unknown>)[name]]));
  return {
    plain: (args: Args, opts?: pulumi.InvokeOptions): Promise<Result> =>
      pulumi.runtime.invoke(token, pick(args), invokeOptions(opts)) as Promise<Result>,
    output: (args: OutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<Result> =>
      pulumi.runtime.invokeOutput<Result>(token, pick(args), invokeOptions(opts)),
  };
}
