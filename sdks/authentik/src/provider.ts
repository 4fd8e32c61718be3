import * as pulumi from "@pulumi/pulumi";
import { getPackage, resourceOptions } from "./utilities";

/**
 * The `authentik` provider: which authentik instance to manage and the API token to use. As in the
 * generated SDK, settings that are not strings (`insecure`, `headers`) reach the engine JSON-encoded.
 */
export class Provider extends pulumi.ProviderResource {
  /** @internal */
  static readonly __pulumiType = "authentik";

  static isInstance(obj: unknown): obj is Provider {
    return (obj as { __pulumiType?: string } | null)?.__pulumiType === `pulumi:providers:${Provider.__pulumiType}`;
  }

  /** The authentik API token (secret). */
  declare readonly token: pulumi.Output<string>;
  /** The authentik API endpoint. */
  declare readonly url: pulumi.Output<string>;

  constructor(name: string, args: ProviderArgs, opts: pulumi.ResourceOptions = {}) {
    // `args` is undefined only when the engine rebuilds a provider from its URN.
    const given = args as ProviderArgs | undefined;
    // Required in the provider's schema; the generated SDK checks them the same way.
    for (const key of ["token", "url"] as const) {
      if (given?.[key] === undefined && !opts.urn) throw new Error(`Missing required property '${key}'`);
    }
    const inputs: pulumi.Inputs = {
      headers: pulumi.output(given?.headers ? pulumi.secret(given.headers) : undefined).apply((v) => JSON.stringify(v)),
      insecure: pulumi.output(given?.insecure).apply((v) => JSON.stringify(v)),
      token: given?.token ? pulumi.secret(given.token) : undefined,
      url: given?.url,
    };
    super(Provider.__pulumiType, name, inputs, resourceOptions(opts, ["token"]), false /*dependency*/, getPackage());
  }
}

/** The settings of the `authentik` provider (stack configuration `authentik:<key>` for the default provider). */
export interface ProviderArgs {
  /** Extra HTTP headers sent with every request (secret). */
  headers?: pulumi.Input<Record<string, pulumi.Input<string>> | undefined>;
  /** Skip TLS verification. */
  insecure?: pulumi.Input<boolean | undefined>;
  /** The authentik API token (secret). */
  token: pulumi.Input<string>;
  /** The authentik API endpoint, e.g. `https://auth.example.net`. */
  url: pulumi.Input<string>;
}
