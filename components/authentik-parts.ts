import * as pulumi from "@pulumi/pulumi";
import {
  getCertificateKeyPairOutput,
  getFlowOutput,
  getPropertyMappingProviderScopeOutput,
  PolicyBinding,
  type Application,
} from "@pulumi/authentik";
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

/**
 * The ids of the managed scope mappings of `scopes`, in that order: one lookup per scope by its
 * managed name, so each id is paired with its scope by name. (The provider's `managedList` lookup
 * returns ids in Authentik's order, sorted by scope name, without saying which is which.)
 */
export function managedScopeIds(scopes: readonly ManagedScope[], opts: pulumi.InvokeOutputOptions): pulumi.Output<string[]> {
  return pulumi.all(scopes.map((s) => getPropertyMappingProviderScopeOutput({ managed: MANAGED_SCOPES[s] }, opts).id));
}

/** An Authentik group an application admits: its name (names the binding) and id. */
export interface AllowedGroup {
  /**
   * The group's name: it names the group's policy binding (`<name>-allow-<group>`), so renaming it
   * here replaces that binding.
   */
  readonly name: string;
  /** The group's id (UUID), e.g. `getGroupOutput({ name }).id` of `homelab/authentik`. */
  readonly id: pulumi.Input<string>;
}

/** At least one group: an application nobody is bound to admits every signed-in user, so it cannot be expressed. */
export type Allow = readonly [AllowedGroup, ...AllowedGroup[]];

/** What is wrong with an allow list, or `undefined`. */
export function allowProblem(allow: readonly AllowedGroup[] | undefined): string | undefined {
  if (allow === undefined || allow.length === 0) {
    return "allow must name at least one group (Authentik lets every signed-in user into an application with no binding)";
  }
  const names = allow.map((g) => g.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  return twice === undefined ? undefined : `allow names ${twice} twice`;
}

/**
 * The policy bindings that admit `allow`'s groups to an application, one per group (named by the
 * group, so adding or removing a group touches only its binding). With Authentik's default
 * policy engine mode `any`, a member of any of them gets in; everyone else is denied.
 */
export function allowBindings(parent: pulumi.Resource, name: string, application: Application, allow: Allow): PolicyBinding[] {
  return allow.map(
    (group, order) =>
      new PolicyBinding(
        `${name}-allow-${group.name}`,
        { target: application.uuid, group: group.id, order, enabled: true },
        { parent },
      ),
  );
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
