/**
 * The lab's policy rules as plain functions over a small, neutral view of a resource. Two adapters
 * feed them: the CrossGuard pack (policy/policies.ts, from what the Pulumi engine sends a policy
 * pack) and the offline plan (policy/recorded.ts, from what the mock runtime recorded). The rules
 * know nothing of either; where one side cannot see something (the policy SDK does not receive
 * `retainOnDelete` or `import`), the adapter leaves it `undefined` and the rule says it could not
 * check rather than guessing. No imports: the pack loads this file on its own. See docs/policy.md.
 */

/** A value not known yet (a preview's unknown). Rules never report a violation on one. */
export const UNKNOWN: unique symbol = Symbol.for("homelab.policy.unknown");
export type Unknown = typeof UNKNOWN;

/** A resource as the rules see it. */
export interface PolicyResource {
  readonly urn: string;
  /** Type token, e.g. `hcloud:index/firewall:Firewall`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** Properties as plain values: secrets unwrapped (their paths in `secretPaths`), unknowns {@link UNKNOWN}. */
  readonly props: Readonly<Record<string, unknown>>;
  /**
   * Paths ({@link formatPath}) of the values held secret: a value is secret when its own path or an
   * enclosing one is listed. `undefined`: the source cannot tell (then no secretness rule runs).
   */
  readonly secretPaths?: readonly string[];
  readonly options: {
    readonly protect: boolean;
    /** `undefined`: not visible to the source (the policy SDK). */
    readonly retainOnDelete?: boolean;
    /** The `import` option's id; `""` when not imported, `undefined` when not visible. */
    readonly importId?: string;
  };
  /** Input name → URNs its value came from (Pulumi's property dependencies); `{}` when not given. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

/** The names of the rules: the policy names of the pack and of `--policy-config` keys. */
export const RULE_NAMES = [
  "firewall-exposure",
  "authentik-app-bound",
  "credentials-secret",
  "stateful-protected",
  "adopted-retained",
  "remote-host-key-pinned",
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export interface Violation {
  readonly rule: RuleName;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly message: string;
  /**
   * Not a violation: what the rule would judge is unknown until apply (a preview's unknown), so it
   * was not judged. Reported as a note; the engine sends known values when it applies the change.
   */
  readonly unknown?: true;
}

/** Settings of the rules that take any (policy config; see {@link settingsFrom}). */
export interface PolicySettings {
  readonly firewall: {
    /** What may be open to everyone: `tcp/443`, `udp/51820`, `icmp`. */
    readonly publicPorts: readonly string[];
    /** Networks SSH may be admitted from; empty: not checked (SSH from everyone is still refused). */
    readonly sshAllowFrom: readonly string[];
    /** TCP ports that are SSH whatever their rule's description says. */
    readonly sshPorts: readonly number[];
    /** SSH from everyone is accepted (the hetzner program's `ssh.allowSshFromAnywhere`). */
    readonly allowSshFromAnywhere: boolean;
  };
  readonly protect: {
    /** Stateful resources must be protected. */
    readonly required: boolean;
    /** Logical names of stateful resources that may stay unprotected. */
    readonly unprotected: readonly string[];
  };
}

/**
 * The defaults: what the example programs open (HTTP, HTTPS — also over UDP for HTTP/3 —, NetBird's
 * default WireGuard port 51820, ICMP), SSH on 22 or wherever its rule says "SSH", and stateful
 * resources protected.
 */
export const DEFAULT_SETTINGS: PolicySettings = {
  firewall: {
    publicPorts: ["tcp/80", "tcp/443", "udp/443", "udp/51820", "icmp"],
    sshAllowFrom: [],
    sshPorts: [22],
    allowSshFromAnywhere: false,
  },
  protect: { required: true, unprotected: [] },
};

/** Per-rule configuration as `pulumi preview --policy-pack-config` and `plan --policy-config` take it. */
export type PolicyConfig = Partial<Record<RuleName, Record<string, unknown>>>;

/**
 * Settings from per-rule configuration (missing keys: the defaults). Throws on a value of the wrong
 * shape, naming `<rule>.<key>`.
 */
export function settingsFrom(config: PolicyConfig): PolicySettings {
  const fw = config["firewall-exposure"] ?? {};
  const pr = config["stateful-protected"] ?? {};
  const strings = (rule: RuleName, key: string, value: unknown, fallback: readonly string[]): readonly string[] => {
    if (value === undefined) return fallback;
    if (!Array.isArray(value) || !value.every((v) => typeof v === "string"))
      throw new Error(`${rule}.${key} must be a list of strings`);
    return value;
  };
  const bool = (rule: RuleName, key: string, value: unknown, fallback: boolean): boolean => {
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") throw new Error(`${rule}.${key} must be true or false`);
    return value;
  };
  const d = DEFAULT_SETTINGS;
  const publicPorts = strings("firewall-exposure", "publicPorts", fw.publicPorts, d.firewall.publicPorts);
  for (const p of publicPorts)
    if (!/^(icmp|esp|gre|(tcp|udp)\/\d{1,5}(-\d{1,5})?)$/.test(p))
      throw new Error(`firewall-exposure.publicPorts: ${JSON.stringify(p)} is not like tcp/443, udp/51820, icmp, esp or gre`);
  const sshAllowFrom = strings("firewall-exposure", "sshAllowFrom", fw.sshAllowFrom, d.firewall.sshAllowFrom);
  for (const cidr of sshAllowFrom)
    if (parseNetwork(cidr) === undefined)
      throw new Error(`firewall-exposure.sshAllowFrom: ${JSON.stringify(cidr)} is not a network`);
  const sshPorts = fw.sshPorts === undefined ? d.firewall.sshPorts : fw.sshPorts;
  if (!Array.isArray(sshPorts) || !sshPorts.every((p) => Number.isInteger(p)))
    throw new Error("firewall-exposure.sshPorts must be a list of port numbers");
  return {
    firewall: {
      publicPorts,
      sshAllowFrom,
      sshPorts: sshPorts as number[],
      allowSshFromAnywhere: bool("firewall-exposure", "allowSshFromAnywhere", fw.allowSshFromAnywhere, false),
    },
    protect: {
      required: bool("stateful-protected", "required", pr.required, d.protect.required),
      unprotected: strings("stateful-protected", "unprotected", pr.unprotected, d.protect.unprotected),
    },
  };
}

// ---------------------------------------------------------------- paths and values

export type Segment = string | number;

/** `["connection", "privateKey"]` → `connection.privateKey`; `["data", "tls.crt"]` → `data["tls.crt"]`. */
export function formatPath(path: readonly Segment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A path pattern: `*` matches any key or index. */
type Pattern = readonly string[];

/** Every present (not `undefined` or `null`) value at `pattern` under `value`, with its path. */
function valuesAt(value: unknown, pattern: Pattern, path: Segment[] = []): { path: Segment[]; value: unknown }[] {
  if (value === undefined || value === null) return [];
  if (pattern.length === 0) return [{ path, value }];
  const [head, ...rest] = pattern as [string, ...string[]];
  if (Array.isArray(value)) return head === "*" ? value.flatMap((v, i) => valuesAt(v, rest, [...path, i])) : [];
  if (!isRecord(value)) return [];
  const keys = head === "*" ? Object.keys(value) : Object.prototype.hasOwnProperty.call(value, head) ? [head] : [];
  return keys.flatMap((k) => valuesAt(value[k], rest, [...path, k]));
}

/** True when the value at `path` is secret: it or an enclosing value is listed in `secretPaths`. */
function isSecretAt(path: readonly Segment[], secretPaths: ReadonlySet<string>): boolean {
  for (let n = path.length; n >= 0; n--) if (secretPaths.has(formatPath(path.slice(0, n)))) return true;
  return false;
}

/** True when an unknown hides somewhere in `value`. */
function holdsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(holdsUnknown);
  if (isRecord(value)) return Object.values(value).some(holdsUnknown);
  return false;
}

function violation(rule: RuleName, r: PolicyResource, message: string): Violation {
  return { rule, urn: r.urn, type: r.type, name: r.name, message };
}

function notJudged(rule: RuleName, r: PolicyResource, what: string): Violation {
  return { rule, urn: r.urn, type: r.type, name: r.name, message: `${what} is unknown until apply: not judged`, unknown: true };
}

// ---------------------------------------------------------------- networks

interface Network {
  readonly bits: 32 | 128;
  readonly network: bigint;
  readonly prefix: number;
}

function parseAddress(text: string): { bits: 32 | 128; value: bigint } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { bits: 32, value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n) };
  }
  if (!/^[0-9a-fA-F:]+$/.test(text) || text.split("::").length > 2) return undefined;
  const [head = "", tail] = text.split("::");
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || missing < 0) return undefined;
  const all = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { bits: 128, value: all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

/** `203.0.113.0/24`, `2001:db8::/48` or a single address; `undefined` when not one. */
export function parseNetwork(text: string): Network | undefined {
  const [address = "", prefixText, ...rest] = text.split("/");
  const parsed = parseAddress(address);
  if (parsed === undefined || rest.length > 0) return undefined;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? parsed.bits : Number(prefixText);
  if (prefix > parsed.bits) return undefined;
  const host = BigInt(parsed.bits - prefix);
  return { bits: parsed.bits, network: (parsed.value >> host) << host, prefix };
}

function within(inner: Network, outer: Network): boolean {
  const host = BigInt(outer.bits - outer.prefix);
  return inner.bits === outer.bits && inner.prefix >= outer.prefix && (inner.network >> host) << host === outer.network;
}

// ---------------------------------------------------------------- firewall-exposure

export const FIREWALL_TYPE = "hcloud:index/firewall:Firewall";

/**
 * The edge firewall admits from everyone only what the lab serves publicly. Hetzner drops every
 * inbound packet no rule admits, so the rules are the whole exposure: an inbound rule whose sources
 * include an everyone-network (`0.0.0.0/0`, `::/0`, any `/0`) must be one of `publicPorts`
 * (by default HTTP, HTTPS and HTTP/3, NetBird's WireGuard port and ICMP) — or SSH when SSH from
 * everyone is allowed. SSH rules (a rule whose description names SSH, or a TCP rule on one of
 * `sshPorts`) admit only networks inside `sshAllowFrom` when that list is set.
 */
export function firewallExposure(resources: readonly PolicyResource[], settings: PolicySettings): Violation[] {
  const out: Violation[] = [];
  const { publicPorts, sshAllowFrom, sshPorts, allowSshFromAnywhere } = settings.firewall;
  const allowList = sshAllowFrom.map((text) => ({ text, network: parseNetwork(text)! }));
  for (const r of resources) {
    if (r.type !== FIREWALL_TYPE) continue;
    const rules = r.props.rules;
    if (holdsUnknown(rules)) {
      out.push(notJudged("firewall-exposure", r, "rules"));
      continue;
    }
    if (!Array.isArray(rules)) continue; // no rules: Hetzner admits nothing
    rules.forEach((rule: unknown, i) => {
      if (!isRecord(rule) || rule.direction !== "in") return;
      const { protocol, port, description } = rule;
      if (typeof protocol !== "string" || !Array.isArray(rule.sourceIps)) return;
      const sources = rule.sourceIps.filter((s): s is string => typeof s === "string");
      const label = `rule ${i} (${typeof description === "string" ? JSON.stringify(description) : "no description"})`;
      const what = protocol === "icmp" || typeof port !== "string" ? protocol : `${protocol}/${port}`;
      const ssh =
        (typeof description === "string" && /\bssh\b/i.test(description)) ||
        (protocol === "tcp" && typeof port === "string" && sshPorts.some((p) => String(p) === port));
      const everyone = sources.filter((s) => parseNetwork(s)?.prefix === 0);
      if (everyone.length > 0 && !publicPorts.includes(what) && !(ssh && allowSshFromAnywhere)) {
        out.push(
          violation(
            "firewall-exposure",
            r,
            `${label} opens ${what} to everyone (${everyone.join(", ")}); only ${publicPorts.join(", ")} may be${
              ssh ? " (SSH from everyone needs allowSshFromAnywhere)" : ""
            }`,
          ),
        );
        return;
      }
      if (ssh && allowList.length > 0 && everyone.length === 0) {
        const outside = sources.filter((s) => {
          const network = parseNetwork(s);
          return network === undefined || !allowList.some((a) => within(network, a.network));
        });
        if (outside.length > 0)
          out.push(
            violation(
              "firewall-exposure",
              r,
              `${label} admits SSH from ${outside.join(", ")}, outside the allow list ${sshAllowFrom.join(", ")}`,
            ),
          );
      }
    });
  }
  return out;
}

// ---------------------------------------------------------------- authentik-app-bound

export const APPLICATION_TYPE = "authentik:index/application:Application";
export const POLICY_BINDING_TYPE = "authentik:index/policyBinding:PolicyBinding";

/**
 * Every Authentik application has a policy binding (a group, user or policy) whose `target` is the
 * application's `uuid`: an application without one admits every signed-in user. The binding is
 * found by its `target` input's property dependencies naming the application's URN (known even in
 * a preview, when the uuid is not), or else by equal known values of `target` and `uuid`. A binding
 * that names no group, user or policy binds nothing.
 */
export function authentikAppBound(resources: readonly PolicyResource[]): Violation[] {
  const out: Violation[] = [];
  const bindings = resources.filter((r) => r.type === POLICY_BINDING_TYPE);
  for (const b of bindings) {
    const subject = ["group", "user", "policy"].some((k) => {
      const v = b.props[k];
      return v === UNKNOWN || (v !== undefined && v !== null && v !== "");
    });
    if (!subject) out.push(violation("authentik-app-bound", b, "binds no group, user or policy"));
  }
  for (const app of resources) {
    if (app.type !== APPLICATION_TYPE) continue;
    const uuid = app.props.uuid;
    const bound = bindings.some((b) => {
      if ((b.propertyDependencies.target ?? []).includes(app.urn)) return true;
      return typeof uuid === "string" && uuid !== "" && b.props.target === uuid;
    });
    if (!bound)
      out.push(
        violation(
          "authentik-app-bound",
          app,
          `no policy binding targets this application (${POLICY_BINDING_TYPE} with target: <application>.uuid): every signed-in user may use it`,
        ),
      );
  }
  return out;
}

// ---------------------------------------------------------------- credentials-secret

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
/** Environment variable names that carry credentials. */
const CREDENTIAL_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_?KEY|CREDENTIAL|TALOSCONFIG|KUBECONFIG)/i;
const CONNECTION = ["password", "privateKey", "privateKeyPassword"].flatMap((k) => [
  ["connection", k],
  ["connection", "proxy", k],
]);

interface CredentialPath {
  readonly pattern: Pattern;
  /** Only values this accepts are credentials (default: every present value). */
  readonly when?: (value: unknown, path: readonly Segment[]) => boolean;
}

/**
 * Where credentials sit in the inputs of the types the lab's programs use, and the providers'
 * token inputs. Outputs (a `tls` private key, a token's key) are the providers' to mark secret.
 */
export const CREDENTIAL_PATHS: Readonly<Record<string, readonly CredentialPath[]>> = {
  "authentik:index/sourceOauth:SourceOauth": [{ pattern: ["consumerSecret"] }],
  "authentik:index/providerOauth2:ProviderOauth2": [{ pattern: ["clientSecret"] }],
  "authentik:index/user:User": [{ pattern: ["password"] }],
  "authentik:index/token:Token": [{ pattern: ["key"] }],
  "command:remote:Command": [
    ...CONNECTION.map((pattern) => ({ pattern })),
    { pattern: ["environment", "*"], when: (_v, path) => CREDENTIAL_NAME.test(String(path[1])) },
  ],
  "command:remote:CopyToRemote": CONNECTION.map((pattern) => ({ pattern })),
  "command:local:Command": [{ pattern: ["environment", "*"], when: (_v, path) => CREDENTIAL_NAME.test(String(path[1])) }],
  // User data is read by anyone with access to the project; it must not carry a private key in the clear.
  "hcloud:index/server:Server": [{ pattern: ["userData"], when: (v) => typeof v === "string" && PRIVATE_KEY.test(v) }],
  "kubernetes:core/v1:Secret": [{ pattern: ["data", "*"] }, { pattern: ["stringData", "*"] }],
  "talos:machine/configurationApply:ConfigurationApply": [
    { pattern: ["clientConfiguration", "clientKey"] },
    { pattern: ["machineConfigurationInput"] },
  ],
  "talos:machine/bootstrap:Bootstrap": [{ pattern: ["clientConfiguration", "clientKey"] }],
  "talos:cluster/kubeconfig:Kubeconfig": [{ pattern: ["clientConfiguration", "clientKey"] }],
  "pulumi:providers:hcloud": [{ pattern: ["token"] }],
  "pulumi:providers:cloudflare": [{ pattern: ["apiToken"] }, { pattern: ["apiKey"] }, { pattern: ["apiUserServiceKey"] }],
  "pulumi:providers:authentik": [{ pattern: ["token"] }],
  "pulumi:providers:proxmoxve": [
    { pattern: ["apiToken"] },
    { pattern: ["password"] },
    { pattern: ["ssh", "password"] },
    { pattern: ["ssh", "privateKey"] },
  ],
  "pulumi:providers:kubernetes": [{ pattern: ["kubeconfig"] }],
};

/** The credential values present in a resource's properties, by path (unknown ones included). */
export function credentialsOf(r: PolicyResource): { path: Segment[]; value: unknown }[] {
  return (CREDENTIAL_PATHS[r.type] ?? []).flatMap(({ pattern, when }) =>
    valuesAt(r.props, pattern).filter(({ path, value }) => value !== "" && (when === undefined || when(value, path))),
  );
}

/**
 * Tokens, client secrets, keys and passwords are never plain inputs: each credential input (see
 * {@link CREDENTIAL_PATHS}) must be a secret, or sit inside one, or the state and the preview show
 * it. A value not known yet is not judged. Needs `secretPaths` (resources without them are skipped).
 */
export function credentialsSecret(resources: readonly PolicyResource[]): Violation[] {
  const out: Violation[] = [];
  for (const r of resources) {
    if (r.secretPaths === undefined) continue;
    const secret = new Set(r.secretPaths);
    for (const { path, value } of credentialsOf(r)) {
      if (isSecretAt(path, secret)) continue;
      if (holdsUnknown(value)) {
        out.push(notJudged("credentials-secret", r, formatPath(path)));
        continue;
      }
      out.push(
        violation(
          "credentials-secret",
          r,
          `${formatPath(path)} is a plain value: pass it as a secret (pulumi.secret or a secret config value)`,
        ),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------- stateful-protected

/** Types that hold state a deletion loses: VMs and their disks, the cluster's secrets, the VPS, volumes. */
export const STATEFUL_TYPES: readonly string[] = [
  "proxmoxve:index/vmLegacy:VmLegacy",
  "proxmoxve:index/vm:Vm",
  "talos:machine/secrets:Secrets",
  "hcloud:index/server:Server",
  "hcloud:index/volume:Volume",
  "kubernetes:core/v1:PersistentVolumeClaim",
];

/**
 * Stateful resources are protected (`protect`: Pulumi refuses to delete or replace them), unless
 * the policy config says the stack does without (`required: false`, the programs' `protect: false`)
 * or names the resource in `unprotected`.
 */
export function statefulProtected(resources: readonly PolicyResource[], settings: PolicySettings): Violation[] {
  if (!settings.protect.required) return [];
  return resources
    .filter((r) => STATEFUL_TYPES.includes(r.type) && !r.options.protect && !settings.protect.unprotected.includes(r.name))
    .map((r) =>
      violation(
        "stateful-protected",
        r,
        "holds state and is not protected: set the program's protect config, or opt the stack out in the policy config",
      ),
    );
}

// ---------------------------------------------------------------- adopted-retained

/**
 * Objects the lab adopts (imports) from Authentik — the default identification stage, the embedded
 * outpost, anything Authentik made itself — are retained on delete: deleting Authentik's own
 * objects locks everyone out. Needs `importId` and `retainOnDelete` (the policy SDK sees neither).
 */
export function adoptedRetained(resources: readonly PolicyResource[]): Violation[] {
  return resources
    .filter(
      (r) =>
        r.type.startsWith("authentik:") &&
        typeof r.options.importId === "string" &&
        r.options.importId !== "" &&
        r.options.retainOnDelete === false,
    )
    .map((r) =>
      violation(
        "adopted-retained",
        r,
        `is adopted (import ${r.options.importId}) but not retained on delete: set retainOnDelete so Pulumi never deletes Authentik's own object`,
      ),
    );
}

// ---------------------------------------------------------------- remote-host-key-pinned

export const REMOTE_TYPES: readonly string[] = ["command:remote:Command", "command:remote:CopyToRemote"];

/**
 * Remote commands pin the host's SSH key (`connection.hostKey`): without it the command provider
 * accepts any key, and a spoofed host receives the commands and their secrets. A connection not
 * known yet is not judged.
 */
export function remoteHostKeyPinned(resources: readonly PolicyResource[]): Violation[] {
  const out: Violation[] = [];
  for (const r of resources) {
    if (!REMOTE_TYPES.includes(r.type)) continue;
    const connection = r.props.connection;
    if (connection === UNKNOWN) {
      out.push(notJudged("remote-host-key-pinned", r, "connection"));
      continue;
    }
    const hostKey = isRecord(connection) ? connection.hostKey : undefined;
    if (hostKey === UNKNOWN || (typeof hostKey === "string" && hostKey.trim() !== "")) continue;
    out.push(violation("remote-host-key-pinned", r, "connection.hostKey is not set: the host's SSH key is not pinned"));
  }
  return out;
}

// ---------------------------------------------------------------- all rules

export interface Rule {
  readonly name: RuleName;
  readonly description: string;
  /** `resource`: judges each resource alone; `stack`: needs the other resources. */
  readonly scope: "resource" | "stack";
  check(resources: readonly PolicyResource[], settings: PolicySettings): Violation[];
}

export const RULES: readonly Rule[] = [
  {
    name: "firewall-exposure",
    description: "The edge firewall admits from everyone only HTTP(S), WireGuard and ICMP, and SSH only from the allow list.",
    scope: "resource",
    check: firewallExposure,
  },
  {
    name: "authentik-app-bound",
    description: "Every Authentik application has a policy binding that targets it.",
    scope: "stack",
    check: (resources) => authentikAppBound(resources),
  },
  {
    name: "credentials-secret",
    description: "Tokens, client secrets, keys and passwords are secrets, never plain inputs.",
    scope: "resource",
    check: (resources) => credentialsSecret(resources),
  },
  {
    name: "stateful-protected",
    description: "Stateful resources (VMs, Talos secrets, the VPS, volumes) are protected unless the stack opted out.",
    scope: "resource",
    check: statefulProtected,
  },
  {
    name: "adopted-retained",
    description: "Objects adopted from Authentik are retained on delete.",
    scope: "resource",
    check: (resources) => adoptedRetained(resources),
  },
  {
    name: "remote-host-key-pinned",
    description: "Remote commands pin the host's SSH key (connection.hostKey).",
    scope: "resource",
    check: (resources) => remoteHostKeyPinned(resources),
  },
];

/** Every violation of every enabled rule, in rule order, then by URN. */
export function checkAll(
  resources: readonly PolicyResource[],
  settings: PolicySettings = DEFAULT_SETTINGS,
  enabled: (rule: RuleName) => boolean = () => true,
): Violation[] {
  return RULES.filter((rule) => enabled(rule.name)).flatMap((rule) =>
    rule.check(resources, settings).sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0)),
  );
}
