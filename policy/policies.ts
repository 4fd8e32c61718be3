import {
  Secret,
  type PolicyConfigSchema,
  type PolicyResource as SdkResource,
  type ReportViolation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
import {
  credentialsOf,
  credentialsSecret,
  DEFAULT_SETTINGS,
  formatPath,
  RULES,
  settingsFrom,
  UNKNOWN,
  type PolicyResource,
  type Rule,
  type RuleName,
  type Segment,
} from "./rules";

/**
 * The CrossGuard side of the policy pack: each rule of policy/rules.ts as a policy of
 * @pulumi/policy, with the SDK's arguments adapted to the rules' view of a resource. What the SDK
 * hands a policy, and what it withholds, decides how each rule runs here (docs/policy.md):
 *
 * - validations get properties with secrets already unwrapped, so secretness is invisible to them;
 *   only a remediation receives secrets as `Secret` values. The credentials rule therefore runs at
 *   enforcement level `remediate`: its remediation (which changes nothing) records what it found,
 *   and its validation, which the engine calls next for the same resource, reports it — as
 *   mandatory (the SDK reports a remediate-level policy's violations so);
 * - the resource options it gets are protect, ignoreChanges, deleteBeforeReplace, aliases,
 *   customTimeouts, additionalSecretOutputs and parent — not `retainOnDelete` nor `import`, so the
 *   adopted-retained rule is not applicable here (the offline plan checks it);
 * - the stack's resources come with their property dependencies (URNs resolved to resources), which
 *   is how a policy binding is matched to its application while the uuid is unknown.
 *
 * Nothing here runs at import: policy/index.ts serves these.
 */

// The wire sentinels of unknown values (the engine sends unknowns as these strings; @pulumi/policy's
// proxy.ts keeps the same list, unexported).
const UNKNOWN_SENTINELS = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/**
 * The object behind the SDK's proxies (an unknown-checking proxy, and in remediations a
 * secret-preserving one inside it): read through them, an unknown throws and a secret is unwrapped.
 */
function unproxied(value: unknown): unknown {
  let current = value as Record<string, unknown> | undefined;
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null && current.__isSpecialProxy === true; depth++)
    current = current.__getSpecialProxyTarget as Record<string, unknown>;
  return current;
}

/** Plain values (unknowns {@link UNKNOWN}), collecting the paths of `Secret`s when `secrets` is given. */
function plain(value: unknown, path: Segment[], secrets: string[] | undefined): unknown {
  if (value instanceof Secret) {
    secrets?.push(formatPath(path));
    return plain(value.value, path, secrets);
  }
  if (typeof value === "string" && UNKNOWN_SENTINELS.has(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map((v, i) => plain(v, [...path, i], secrets));
  // Assets and archives stay what they are; only plain objects are walked.
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, [...path, k], secrets)]));
  return value;
}

/** A resource from a validation's or remediation's arguments (`withSecrets`: a remediation's, which keep them). */
export function fromResourceArgs(args: ResourceValidationArgs, withSecrets = false): PolicyResource {
  const secrets: string[] | undefined = withSecrets ? [] : undefined;
  const props = plain(unproxied(args.props) ?? {}, [], secrets) as Record<string, unknown>;
  return {
    urn: args.urn,
    type: args.type,
    name: args.name,
    props,
    ...(secrets === undefined ? {} : { secretPaths: secrets }),
    options: { protect: args.opts.protect },
    propertyDependencies: {},
  };
}

/** A resource of a stack validation (its properties are the resource's outputs). */
export function fromStackResource(r: SdkResource): PolicyResource {
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    props: plain(unproxied(r.props) ?? {}, [], undefined) as Record<string, unknown>,
    options: { protect: r.opts.protect },
    propertyDependencies: Object.fromEntries(
      Object.entries(r.propertyDependencies).map(([k, deps]) => [k, deps.map((d) => d.urn)]),
    ),
  };
}

const settingsOf = (rule: RuleName, args: { getConfig<T extends object>(): T }) =>
  settingsFrom({ [rule]: args.getConfig<Record<string, unknown>>() });

const ruleNamed = (name: RuleName): Rule => RULES.find((r) => r.name === name)!;

/** A rule that judges one resource at a time, as a resource policy. */
function resourcePolicy(name: RuleName, extra: Partial<ResourceValidationPolicy> = {}): ResourceValidationPolicy {
  const rule = ruleNamed(name);
  return {
    name,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      // Unknowns are not judged in a preview: the engine sends known values when it applies the change.
      for (const v of rule.check([fromResourceArgs(args)], settingsOf(name, args))) if (!v.unknown) report(v.message);
    },
    ...extra,
  };
}

/**
 * What each resource's remediation found, by URN, until its validation reports it. The engine calls
 * Remediate and then Analyze for a resource before it moves to the next, in this one process.
 */
const credentialFindings = new Map<string, string[]>();

const credentialsPolicy: ResourceValidationPolicy = {
  name: "credentials-secret",
  description: ruleNamed("credentials-secret").description,
  // The only place the SDK shows secretness; see the header. Reported as mandatory.
  enforcementLevel: "remediate",
  remediateResource: (args) => {
    credentialFindings.set(
      args.urn,
      credentialsSecret([fromResourceArgs(args, true)])
        .filter((v) => !v.unknown)
        .map((v) => v.message),
    );
    return undefined; // nothing changed: a plain credential is the program's to fix
  },
  validateResource: (args, report) => {
    const found = credentialFindings.get(args.urn);
    credentialFindings.delete(args.urn);
    if (found !== undefined) {
      for (const message of found) report(message);
      return;
    }
    // Not remediated first (the policy's level was configured away from `remediate`): no way to see secretness.
    const present = credentialsOf(fromResourceArgs(args));
    if (present.length > 0)
      report(
        `cannot see whether ${present.map((c) => formatPath(c.path)).join(", ")} ${present.length === 1 ? "is" : "are"} secret: ` +
          "this policy sees secrets only at enforcement level remediate",
      );
  },
};

const firewallSchema: PolicyConfigSchema = {
  properties: {
    publicPorts: {
      type: "array",
      items: { type: "string", pattern: "^(icmp|esp|gre|(tcp|udp)/[0-9]{1,5}(-[0-9]{1,5})?)$" },
      description: "What may be open to everyone: tcp/<port>, udp/<port> or icmp.",
      default: [...DEFAULT_SETTINGS.firewall.publicPorts],
    },
    sshAllowFrom: {
      type: "array",
      items: { type: "string" },
      description: "Networks SSH may be admitted from (the hetzner program's ssh.allowFrom); empty: not checked.",
      default: [],
    },
    sshPorts: {
      type: "array",
      items: { type: "integer" },
      description: "TCP ports that are SSH.",
      default: [...DEFAULT_SETTINGS.firewall.sshPorts],
    },
    allowSshFromAnywhere: { type: "boolean", description: "SSH from everyone is accepted.", default: false },
  },
};

const protectSchema: PolicyConfigSchema = {
  properties: {
    required: { type: "boolean", description: "Stateful resources must be protected.", default: true },
    unprotected: {
      type: "array",
      items: { type: "string" },
      description: "Logical names of stateful resources that may stay unprotected.",
      default: [],
    },
  },
};

const bindingPolicy: StackValidationPolicy = {
  name: "authentik-app-bound",
  description: ruleNamed("authentik-app-bound").description,
  enforcementLevel: "mandatory",
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    const resources = args.resources.map(fromStackResource);
    for (const v of ruleNamed("authentik-app-bound").check(resources, settingsFrom({}))) if (!v.unknown) report(v.message, v.urn);
  },
};

const retainedPolicy: ResourceValidationPolicy = {
  name: "adopted-retained",
  description: ruleNamed("adopted-retained").description,
  enforcementLevel: "mandatory",
  validateResource: (args) => {
    args.notApplicable(
      "a policy pack is not sent the import and retainOnDelete options; the offline plan checks this rule (npm run plan -- <stack> --policy)",
    );
  },
};

/** The pack's policies, in the rules' order. */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  resourcePolicy("firewall-exposure", { configSchema: firewallSchema }),
  bindingPolicy,
  credentialsPolicy,
  resourcePolicy("stateful-protected", { configSchema: protectSchema }),
  retainedPolicy,
  resourcePolicy("remote-host-key-pinned"),
];
