// Shared plumbing of the local @pulumi/authentik SDK. What reaches the engine must match what
// `pulumi package add terraform-provider goauthentik/authentik 2026.5.0` generates: a parameterized
// package. The engine runs the `terraform-provider` plugin, parameterized with the goauthentik/authentik
// Terraform provider; the package is registered once (RegisterPackage) and every resource, provider and
// invoke carries the package reference the engine answers with.
import * as pulumi from "@pulumi/pulumi";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";

/** This package's package.json: its version and the `pulumi` block `pulumi package add` writes. */
interface Manifest {
  version: string;
  pulumi: {
    /** The base provider plugin the engine runs (`terraform-provider`) and its version. */
    name: string;
    version: string;
    /** The package this SDK presents (`authentik`), its version and the base64 parameter value. */
    parameterization: { name: string; version: string; value: string };
  };
}

function manifest(): Manifest {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("../package.json") as Manifest;
}

/** The SDK version (the Terraform provider version), read from this package's package.json. */
export function getVersion(): string {
  const { version } = manifest();
  return version.startsWith("v") ? version.slice(1) : version;
}

/** Options every resource, provider and invoke of this package carries. */
export function resourceOptsDefaults(): { version: string } {
  return { version: getVersion() };
}

type Monitor = ReturnType<typeof pulumi.runtime.getMonitor>;

// The package reference, per resource monitor. A program has one monitor, so this registers the
// package once per process, as the generated SDK does; a new monitor (tests set up fresh mocks for
// every run) gets the package registered again instead of a reference from an earlier engine.
let registration: { monitor: Monitor; ref: Promise<string> } | undefined;

/**
 * Registers the parameterized package with the engine (once) and returns its package reference,
 * which every resource, the provider and every invoke of this package pass along.
 */
export function getPackage(): Promise<string> {
  const monitor = pulumi.runtime.getMonitor();
  if (registration === undefined || registration.monitor !== monitor) {
    registration = { monitor, ref: registerPackage(monitor) };
  }
  return registration.ref;
}

async function registerPackage(monitor: Monitor): Promise<string> {
  if (!pulumi.runtime.supportsParameterization()) {
    throw new Error("The Pulumi CLI does not support parameterization. Please update the Pulumi CLI");
  }
  if (monitor === undefined) throw new Error("@pulumi/authentik: no Pulumi engine to register the package with");
  const { pulumi: plugin } = manifest();
  const parameterization = new resproto.Parameterization();
  parameterization.setName(plugin.parameterization.name);
  parameterization.setVersion(plugin.parameterization.version);
  parameterization.setValue(Uint8Array.from(Buffer.from(plugin.parameterization.value, "base64")));
  const request = new resproto.RegisterPackageRequest();
  request.setName(plugin.name);
  request.setVersion(plugin.version);
  request.setDownloadUrl("");
  request.setParameterization(parameterization);
  return new Promise<string>((resolve, reject) => {
    monitor.registerPackage(request, (error, response) => (error ? reject(error) : resolve(response.getRef())));
  });
}

/**
 * Builds a resource's input bag. On a lookup (`opts.id` set) every property comes from `state`;
 * otherwise the inputs come from `args`, outputs are registered as `undefined`, and sensitive
 * inputs are wrapped as secrets so they never leave the program in plain text.
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

/** Merges the package defaults and, when the resource has sensitive attributes, `additionalSecretOutputs`. */
export function resourceOptions<T extends pulumi.ResourceOptions>(opts: T | undefined, secretOutputs: readonly string[] = []): T {
  let merged = pulumi.mergeOptions(resourceOptsDefaults(), opts ?? {}) as T;
  if (secretOutputs.length > 0) {
    merged = pulumi.mergeOptions(merged, { additionalSecretOutputs: [...secretOutputs] }) as T;
  }
  return merged;
}

/** Exactly the data source's argument `names`, taken from `args`. */
function pick(names: readonly string[], args: object | undefined): pulumi.Inputs {
  return Object.fromEntries(names.map((name) => [name, (args as Record<string, unknown> | undefined)?.[name]]));
}

/** Invokes data source `token` with the arguments `names`, the package defaults and the package reference. */
export function invoke<Result>(
  token: string,
  names: readonly string[],
  args: object | undefined,
  opts?: pulumi.InvokeOptions,
): Promise<Result> {
  const options = pulumi.mergeOptions(resourceOptsDefaults(), opts ?? {}) as pulumi.InvokeOptions;
  return pulumi.runtime.invoke(token, pick(names, args), options, getPackage()) as Promise<Result>;
}

/** {@link invoke} over Inputs, as an Output. */
export function invokeOutput<Result>(
  token: string,
  names: readonly string[],
  args: object | undefined,
  opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<Result> {
  const options = pulumi.mergeOptions(resourceOptsDefaults(), opts ?? {}) as pulumi.InvokeOutputOptions;
  return pulumi.runtime.invokeOutput<Result>(token, pick(names, args), options, getPackage());
}
