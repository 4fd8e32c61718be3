import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { parseStackName, referencedStack } from "../lib/stacks";

/**
 * What the offline plan answers where a real run would ask a provider. Every answer is a fixed
 * function of the inputs, so the same config always gives the same plan. Resources echo their
 * inputs as state and add the outputs below; invokes echo their arguments and add the results
 * below. Anything not listed is left out, so it reads as unknown, as in `pulumi preview`.
 */

/**
 * Text standing in for a value only a real provider could produce.
 *
 * @example
 * placeholder("talosconfig"); // "<placeholder: talosconfig>"
 * const answer = mockInvoke("talos:client/getConfiguration:getConfiguration", { clusterName: "lab" });
 * expect(answer.talosConfig).toBe(placeholder("talosconfig"));
 */
export function placeholder(what: string): string {
  return `<placeholder: ${what}>`;
}

type Inputs = Record<string, unknown>;

function hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

const certificate = (what: string) => ({ cert: placeholder(`${what} certificate`), key: placeholder(`${what} key`) });

const clientConfiguration = () => ({
  caCertificate: placeholder("Talos CA certificate"),
  clientCertificate: placeholder("Talos admin certificate"),
  clientKey: placeholder("Talos admin key"),
});

/**
 * What another stack's outputs read as, by the program that stack runs (a StackReference names
 * `talos`, `talos-dev` or `org/project/talos-dev`), and which of them that program keeps secret.
 */
export const STACK_OUTPUTS: Record<string, { outputs: (stack: string) => Inputs; secret: readonly string[] }> = {
  talos: {
    outputs: (stack) => ({
      kubeconfig: placeholder(`kubeconfig of stack ${stack}`),
      talosconfig: placeholder(`talosconfig of stack ${stack}`),
      endpoint: placeholder(`Kubernetes API endpoint of stack ${stack}`),
      nodeIps: {},
      vmIds: {},
      // The default (homelab:cluster.kubeletServingCertificates), which the platform stack requires.
      kubeletServingCertificates: true,
    }),
    secret: ["kubeconfig", "talosconfig"],
  },
  hetzner: {
    outputs: (stack) => ({
      ipv4: "203.0.113.10",
      ipv6: "2001:db8::1",
      serverId: numericId("edge"),
      sshHost: "203.0.113.10",
      sshUser: "ops",
      sshPort: 22,
      sshHostKey: standInSshPublicKey("edge-host-key"),
      domain: "example.net",
      authentikUrl: "https://auth.example.net",
      composeVolumes: ["certs", "data", "database", "letsencrypt", "media", "netbird", "templates"].map((v) => `edge_${v}`),
      authentikToken: placeholder(`Authentik API token of stack ${stack}`),
      traefik: {
        dynamicDir: "/opt/edge/traefik/dynamic",
        certResolver: "letsencrypt",
        entryPoint: "websecure",
        forwardAuthMiddleware: "authentik@file",
        forwardAuthAddress: "http://authentik-server:9000/outpost.goauthentik.io/auth/traefik",
        authentikService: "authentik@file",
      },
    }),
    secret: ["authentikToken"],
  },
  authentik: {
    outputs: (stack) => ({
      authentikUrl: "https://auth.example.net",
      servicesToken: placeholder(`services token of stack ${stack}`),
      githubCallbackUrl: "https://auth.example.net/source/oauth/callback/github/",
      forwardAuth: { mode: "domain", outpost: "authentik Embedded Outpost" },
      apps: {},
      appClientSecrets: {},
      access: { groups: ["homelab-admins", "homelab-users"], defaultGroup: "homelab-users" },
    }),
    secret: ["servicesToken", "appClientSecrets"],
  },
  services: {
    outputs: () => ({ services: {}, oidc: {}, oidcClientSecrets: {} }),
    secret: ["oidcClientSecrets"],
  },
};

/**
 * A StackReference's answer: the referenced program's outputs, with their secrecy. A stack that
 * reads itself (its own last outputs) reads none, as on its first run.
 */
function stackReference(name: string, inputs: Inputs): { id: string; outputs: Inputs } {
  const reference = typeof inputs.name === "string" ? inputs.name : name;
  const stack = referencedStack(reference);
  if (stack === pulumi.getStack()) return { id: reference, outputs: { outputs: {}, secretOutputNames: [] } };
  const known = STACK_OUTPUTS[parseStackName(stack)?.program ?? ""];
  return {
    id: reference,
    outputs: { outputs: known?.outputs(stack) ?? {}, secretOutputNames: [...(known?.secret ?? [])] },
  };
}

/** Outputs added to a resource's echoed inputs, and its id, by type token. */
const resourceOutputs: Record<string, (name: string, inputs: Inputs) => { id?: string; outputs?: Inputs }> = {
  "pulumi:pulumi:StackReference": stackReference,
  /** Talos machine secrets: a complete bundle of placeholders, so configuration invokes can run. */
  "talos:machine/secrets:Secrets": (name) => ({
    id: `${name}-secrets`,
    outputs: {
      machineSecrets: {
        certs: {
          etcd: certificate("etcd CA"),
          k8s: certificate("Kubernetes CA"),
          k8sAggregator: certificate("aggregator CA"),
          k8sServiceaccount: { key: placeholder("service account key") },
          os: certificate("Talos CA"),
        },
        cluster: { id: placeholder("cluster id"), secret: placeholder("cluster secret") },
        secrets: { bootstrapToken: placeholder("bootstrap token"), secretboxEncryptionSecret: placeholder("secretbox key") },
        trustdinfo: { token: placeholder("trustd token") },
      },
      clientConfiguration: clientConfiguration(),
    },
  }),
  /** The Image Factory's id is a content hash too; this one is the SHA-256 of the schematic text. */
  "talos:imageFactory/schematic:Schematic": (_name, inputs) => ({
    id: hex(typeof inputs.schematic === "string" ? inputs.schematic : ""),
  }),
  /**
   * The hash is the provider's own: SHA-256 of the rendered configuration (here, of the input).
   * `staged_if_needing_reboot` resolves as a dry run finding no reboot needed would (`auto`).
   */
  "talos:machine/configurationApply:ConfigurationApply": (name, inputs) => ({
    id: name,
    outputs: {
      machineConfiguration: placeholder("applied machine configuration"),
      machineConfigurationHash: hex(JSON.stringify(inputs.machineConfigurationInput ?? "")),
      resolvedApplyMode: inputs.applyMode === "staged_if_needing_reboot" ? "auto" : (inputs.applyMode ?? "auto"),
    },
  }),
  "talos:cluster/kubeconfig:Kubeconfig": (name) => ({
    id: name,
    outputs: {
      kubeconfigRaw: placeholder("admin kubeconfig"),
      kubernetesClientConfiguration: { ...clientConfiguration(), host: placeholder("Kubernetes API URL") },
    },
  }),
  /** The provider's own id format: `<datastore>:<content type>/<file name>`. */
  "proxmoxve:download/file:File": (_name, inputs) => ({
    id: `${String(inputs.datastoreId)}:${String(inputs.contentType)}/${String(inputs.fileName)}`,
  }),
  /** Hetzner Cloud ids are numbers (the hcloud provider parses them); addresses from the documentation ranges. */
  "hcloud:index/server:Server": (name) => ({
    id: numericId(name),
    outputs: { ipv4Address: "203.0.113.10", ipv6Address: "2001:db8::1", ipv6Network: "2001:db8::/64", status: "running" },
  }),
  "hcloud:index/firewall:Firewall": (name) => ({ id: numericId(name) }),
  /** A key pair: a stand-in public key (authorized_keys form, with the provider's newline) and a placeholder private key. */
  "tls:index/privateKey:PrivateKey": (name, inputs) => ({
    id: hex(`private key ${name}`).slice(0, 40),
    outputs: {
      privateKeyOpenssh: `${placeholder(`${String(inputs.algorithm)} private key of ${name}`)}\n`,
      publicKeyOpenssh: `${standInSshPublicKey(name)}\n`,
      publicKeyFingerprintSha256: placeholder(`fingerprint of ${name}`),
    },
  }),
  "hcloud:index/sshKey:SshKey": (name, inputs) => ({
    id: numericId(name),
    outputs: { fingerprint: placeholder(`fingerprint of ${String(inputs.name)}`) },
  }),
  /** Authentik's providers, users and groups have numeric primary keys; sources and outposts UUIDs. */
  "authentik:index/providerOauth2:ProviderOauth2": (name, inputs) => ({
    id: numericId(name),
    outputs: { clientSecret: inputs.clientType === "public" ? "" : placeholder(`client secret of ${name}`) },
  }),
  "authentik:index/providerProxy:ProviderProxy": (name) => ({
    id: numericId(name),
    outputs: { clientId: placeholder(`client id of ${name}`) },
  }),
  "authentik:index/user:User": (name) => ({ id: numericId(name) }),
  "authentik:index/group:Group": (name) => ({ id: uuid(name) }),
  "authentik:index/sourceOauth:SourceOauth": (name, inputs) => ({
    id: String(inputs.slug),
    outputs: { uuid: uuid(name), callbackUri: placeholder(`callback URL of source ${String(inputs.slug)}`) },
  }),
  "authentik:index/outpost:Outpost": (name) => ({ id: uuid(name) }),
  /** An application's Terraform id is its slug; policies bind to its uuid. */
  "authentik:index/application:Application": (name, inputs) => ({
    id: String(inputs.slug),
    outputs: { uuid: uuid(`application ${name}`) },
  }),
  "authentik:index/policyBinding:PolicyBinding": (name) => ({ id: uuid(`binding ${name}`) }),
  "authentik:index/policyExpression:PolicyExpression": (name) => ({ id: uuid(`policy ${name}`) }),
  "authentik:index/propertyMappingSourceOauth:PropertyMappingSourceOauth": (name) => ({ id: uuid(`mapping ${name}`) }),
  "authentik:index/rbacRole:RbacRole": (name) => ({ id: uuid(`role ${name}`) }),
  "authentik:index/rbacPermissionRole:RbacPermissionRole": (name) => ({ id: numericId(`permission ${name}`) }),
  /** The provider's id format: `<outpost>:<provider>`. */
  "authentik:index/outpostProviderAttachment:OutpostProviderAttachment": (_name, inputs) => ({
    id: `${String(inputs.outpost)}:${String(inputs.protocolProvider)}`,
  }),
  "authentik:index/token:Token": (name) => ({ id: name, outputs: { key: placeholder(`API token ${name}`) } }),
  /** Proxmox identifies a VM by its VM id. */
  "proxmoxve:index/vmLegacy:VmLegacy": (name, inputs) => ({ id: typeof inputs.vmId === "number" ? String(inputs.vmId) : name }),
};

/**
 * An ed25519 public key in authorized_keys form, made from a name: its wire form is right
 * (`ssh-ed25519`, then 32 bytes, here a hash of the name), so SSH parsers read it; nobody holds its
 * private half.
 */
export function standInSshPublicKey(name: string): string {
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const wire = Buffer.concat([
    field(Buffer.from("ssh-ed25519")),
    field(createHash("sha256").update(`host key ${name}`).digest()),
  ]);
  return `ssh-ed25519 ${wire.toString("base64")}`;
}

/** A stable numeric id from a name, as Hetzner's ids are numbers. */
function numericId(name: string): string {
  return String(parseInt(hex(name).slice(0, 8), 16));
}

/** A stable UUID-shaped id from a name. */
function uuid(name: string): string {
  const h = hex(name);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Mock answer for a resource registration: the inputs echoed as state, plus the outputs a real
 * provider would add for that type (ids, addresses, keys) as fixed functions of the name and inputs.
 * `MockRunOptions.answer` falls back to it.
 *
 * @example
 * // Answer one server differently, every other resource as the plan does.
 * await register(program, {
 *   answer: (type, name, inputs) =>
 *     type === "hcloud:index/server:Server" ? { id: "42", state: { ...mockResource(type, name, inputs).state, ipv4Address: "" } } : undefined,
 * });
 */
export function mockResource(type: string, name: string, inputs: Inputs): { id: string; state: Inputs } {
  const made = resourceOutputs[type]?.(name, inputs) ?? {};
  return { id: made.id ?? `${name}-id`, state: { ...inputs, ...made.outputs } };
}

/** Results added to an invoke's echoed arguments, by token. */
const invokeResults: Record<string, (args: Inputs) => Inputs> = {
  /** Its text names a hash of every argument (patches and versions included), as the real one changes with them. */
  "talos:machine/getConfiguration:getConfiguration": (args) => ({
    id: String(args.clusterName),
    machineConfiguration: placeholder(
      `generated ${String(args.machineType)} machine configuration ${hex(JSON.stringify(args)).slice(0, 16)}`,
    ),
  }),
  "talos:client/getConfiguration:getConfiguration": (args) => ({
    id: String(args.clusterName),
    talosConfig: placeholder("talosconfig"),
  }),
  /** The Cloudflare zone of that name (its id is a 32-digit hex string). */
  "cloudflare:index/getZone:getZone": (args) => ({
    id: hex(`zone ${String((args.filter as { name?: string } | undefined)?.name)}`).slice(0, 32),
    zoneId: hex(`zone ${String((args.filter as { name?: string } | undefined)?.name)}`).slice(0, 32),
    name: (args.filter as { name?: string } | undefined)?.name,
  }),
  /**
   * The zone's records: none, as in a zone this lab has not written to yet (a test answers with
   * records of its own to see a clash).
   */
  "cloudflare:index/getDnsRecords:getDnsRecords": () => ({ results: [] }),
  /**
   * A Hetzner SSH key found by name or id: a numeric id (the one asked for, or one made from the
   * name) and a stand-in ed25519 public key made from what was asked.
   */
  "hcloud:index/getSshKey:getSshKey": (args) => {
    const { id, name } = args as { id?: number; name?: string };
    const asked = id !== undefined ? `id ${id}` : `name ${String(name)}`;
    return {
      id: id ?? Number(numericId(`ssh key ${asked}`)),
      name: name ?? `key-${String(id)}`,
      publicKey: standInSshPublicKey(`ssh key ${asked}`),
      fingerprint: placeholder(`fingerprint of the SSH key ${asked}`),
      labels: {},
    };
  },
  /** Authentik's default objects, found by slug or name. */
  "authentik:index/getFlow:getFlow": (args) => ({ id: uuid(`flow ${String(args.slug)}`), name: String(args.slug) }),
  "authentik:index/getCertificateKeyPair:getCertificateKeyPair": (args) => ({ id: uuid(`key pair ${String(args.name)}`) }),
  /**
   * By `managed` name: that mapping. By `managedLists`: ids in Authentik's order (sorted by scope
   * name, as the provider returns them), not in the order asked, as the real one does.
   */
  "authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope": (args) =>
    args.managed !== undefined
      ? { id: uuid(`scope ${args.managed as string}`) }
      : {
          id: "-1",
          ids: [...((args.managedLists ?? []) as string[])].sort().map((m) => uuid(`scope ${m}`)),
        },
  "authentik:index/getOutpost:getOutpost": (args) => ({ id: uuid(`outpost ${String(args.name)}`) }),
  "authentik:index/getGroup:getGroup": (args) => ({ id: uuid(`group ${String(args.name)}`) }),
  "authentik:index/getStage:getStage": (args) => ({ id: uuid(`stage ${String(args.name)}`) }),
  /** The health check passes (a real one waits up to its timeout, then fails the run). */
  "talos:cluster/getHealth:getHealth": () => ({ id: placeholder("healthy cluster") }),
};

/**
 * Mock answer for an invoke: the arguments echoed, plus the results a real provider would add for
 * that token (a zone's id, a flow's id, ...), fixed functions of the arguments. Tests use it to
 * know what a program received.
 *
 * @example
 * const zoneId = mockInvoke("cloudflare:index/getZone:getZone", { filter: { name: "example.net" } }).zoneId;
 * expect(r.get("wildcard-lab.example.net").inputs.zoneId).toBe(zoneId);
 */
export function mockInvoke(token: string, args: Inputs): Inputs {
  return { ...args, ...invokeResults[token]?.(args) };
}
