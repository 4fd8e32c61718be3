import type * as pulumi from "@pulumi/pulumi";
import { getCertificateKeyPairOutput, getFlowOutput, getPropertyMappingProviderScopeOutput } from "@pulumi/authentik";
import { DEFAULT_FLOWS, MANAGED_SCOPES, SELF_SIGNED_KEY_PAIR, type ManagedScope } from "../lib/authentik";

/**
 * The lookups of objects every Authentik has (the default flows, the self-signed key pair, the
 * managed scope mappings) that the authentik and services programs both build on. Invokes only;
 * the provider arrives through `opts`.
 */

/** The consent (authorization) and logout (invalidation) flows OAuth2 and proxy providers use. */
export function defaultProviderFlows(opts: pulumi.InvokeOutputOptions): {
  authorizationFlow: pulumi.Output<string>;
  invalidationFlow: pulumi.Output<string>;
} {
  return {
    authorizationFlow: getFlowOutput({ slug: DEFAULT_FLOWS.authorization }, opts).id,
    invalidationFlow: getFlowOutput({ slug: DEFAULT_FLOWS.invalidation }, opts).id,
  };
}

/** The self-signed key pair's id: what OIDC tokens are signed with. */
export function selfSignedKeyPair(opts: pulumi.InvokeOutputOptions): pulumi.Output<string> {
  return getCertificateKeyPairOutput({ name: SELF_SIGNED_KEY_PAIR, fetchCertificate: false, fetchKey: false }, opts).id;
}

/** The ids of the managed scope mappings of `scopes`, in that order (one lookup). */
export function managedScopeIds(scopes: readonly ManagedScope[], opts: pulumi.InvokeOutputOptions): pulumi.Output<string[]> {
  return getPropertyMappingProviderScopeOutput({ managedLists: scopes.map((s) => MANAGED_SCOPES[s]) }, opts).ids;
}

/**
 * Options for an Authentik application. Its Terraform id is its slug: the provider renames an
 * application in place and moves its id, but Pulumi keeps a resource's id across updates, so later
 * updates would go to the old slug. A new slug is therefore a new application, and the old one goes
 * first: a provider belongs to one application at a time.
 */
export function applicationOptions(parent: pulumi.Resource): pulumi.CustomResourceOptions {
  return { parent, replaceOnChanges: ["slug"], deleteBeforeReplace: true };
}
