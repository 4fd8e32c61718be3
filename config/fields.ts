import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { isIPv6 } from "node:net";
import { parseCidr, parseIpv4 } from "../lib/net";
import { parseStackName, referencedStack } from "../lib/stacks";

/** Shared zod field types for every program's config. */

/**
 * How a field is written in a stack file beyond what its zod input type says, for the JSON
 * Schemas of the stack files (config/schema.ts): a secret may be `{secure: ...}`, some fields take
 * a string shorthand.
 */
export interface StackFileShape {
  /** Written as `{secure: <ciphertext>}` once encrypted (`pulumi config set --secret`). */
  readonly secret?: true;
  /** A JSON Schema of the string shorthand the field also accepts. */
  readonly shorthand?: Readonly<Record<string, unknown>>;
  /** JSON Schema keywords saying what a refinement checks, which zod cannot put in the schema itself. */
  readonly refined?: Readonly<Record<string, unknown>>;
}

/** Fields whose stack-file form differs from their zod input type. */
export const stackFileShapes = z.registry<StackFileShape>();

/** A dotted-quad IPv4 address. */
export const ipv4 = z.string().refine((v) => parseIpv4(v) !== undefined, {
  error: (issue) => `must be an IPv4 address like 192.168.1.10, got ${JSON.stringify(issue.input)}`,
});

/** An IPv4 address as a JSON Schema pattern: what {@link parseIpv4} accepts (no leading zeros). */
const IPV4_PATTERN = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}";
stackFileShapes.add(ipv4, { refined: { pattern: `^${IPV4_PATTERN}$` } });

/** An IPv4 network in CIDR form whose address is the network address (`10.10.0.0/24`). */
export const ipv4Cidr = z.string().refine((v) => parseCidr(v) !== undefined, {
  error: (issue) => `must be an IPv4 network like 10.10.0.0/24 (host bits zero), got ${JSON.stringify(issue.input)}`,
});
// The form only: that the host bits are zero is the loader's to say.
stackFileShapes.add(ipv4Cidr, { refined: { pattern: `^${IPV4_PATTERN}/(3[0-2]|[12]?\\d)$` } });

/** An RFC 1123 label: what a hostname, a Kubernetes node name and a Proxmox node name accept. */
export const dnsLabel = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
  error: (issue) =>
    `must be a DNS label (lowercase letters, digits and '-', at most 63, starting and ending alphanumeric), got ${JSON.stringify(issue.input)}`,
});

/** A DNS name made of labels (`lab.example.net`). */
export const dnsName = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, {
    error: (issue) => `must be a lowercase DNS name like lab.example.net, got ${JSON.stringify(issue.input)}`,
  });

/** A host name (a DNS name) or an IPv4 or IPv6 address: an NTP server, a syslog target. */
export const hostOrIp = z
  .string()
  .refine((v) => (/^[\d.]+$/.test(v) ? parseIpv4(v) !== undefined : dnsName.safeParse(v).success || isIPv6(v)), {
    error: (issue) => `must be a host name or an IP address, got ${JSON.stringify(issue.input)}`,
  });

/** A StackReference: `talos-dev`, or fully qualified `org/project/talos-dev`. */
export const stackReference = z.string().regex(/^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/, {
  error: (i) => `must be a stack name like talos-dev or org/project/talos-dev, got ${JSON.stringify(i.input)}`,
});

/**
 * What is wrong with a StackReference that names a stack of another program than `program`
 * (`reads`: the outputs this stack reads from it), or `undefined`.
 */
export function stackProgramProblem(reference: string, program: string, reads: string): string | undefined {
  const name = referencedStack(reference);
  const actual = parseStackName(name)?.program;
  if (actual === program) return undefined;
  return `"${name}" is ${actual ? `a stack of the ${actual} program` : "not a stack name of this project"}; name a ${program} stack (${program} or ${program}-<env>), whose ${reads} this stack reads`;
}

// Docker's reference grammar (distribution/reference, `reference.go`): [host[:port]/]path[:tag][@digest].
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
// A first component is a registry when it has a dot or a port, or is localhost (Docker's splitDockerDomain).
const REGISTRY = `(?:(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})+|localhost|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?|${DOMAIN_COMPONENT}:[0-9]+)`;
const IMAGE_NAME = `(?:${REGISTRY}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const IMAGE_TAG = "[\\w][\\w.-]{0,127}";
const IMAGE_DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";

/**
 * An image reference that names a version: a tag, a digest or both (`traefik:v3.7.20`,
 * `x@sha256:...`). The tag `latest` alone names none (it moves with every release); with a digest
 * the digest pins it.
 */
export const IMAGE_REFERENCE = new RegExp(`^${IMAGE_NAME}(?::(?!latest$)${IMAGE_TAG}(?:@${IMAGE_DIGEST})?|@${IMAGE_DIGEST})$`);
const UNPINNED_IMAGE = new RegExp(`^${IMAGE_NAME}$`);
const LATEST_IMAGE = new RegExp(`^${IMAGE_NAME}:latest$`);

/** The parts of an image reference (one {@link IMAGE_REFERENCE} accepts), as Docker reads it. */
export interface ImageReference {
  /** `docker.io` when the name has no registry of its own. */
  readonly registry: string;
  /** `library/postgres` for Docker Hub's official images written without it (`postgres`). */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

/**
 * Splits an image reference as Docker does: the first component is a registry when it has a `.`
 * or a `:`, or is `localhost`; otherwise the image is Docker Hub's (`library/` for one component).
 */
export function parseImageReference(reference: string): ImageReference | undefined {
  if (!IMAGE_REFERENCE.test(reference)) return undefined;
  const [name, digest] = reference.split("@") as [string, string?];
  const colon = name.lastIndexOf(":");
  const [repository, tag] = colon > name.lastIndexOf("/") ? [name.slice(0, colon), name.slice(colon + 1)] : [name, undefined];
  const slash = repository.indexOf("/");
  const first = slash < 0 ? "" : repository.slice(0, slash);
  const hasRegistry = first !== "" && (/[.:]/.test(first) || first === "localhost");
  const registry = hasRegistry ? first : "docker.io";
  const rest = hasRegistry ? repository.slice(slash + 1) : repository;
  const path = registry === "docker.io" && !rest.includes("/") ? `library/${rest}` : rest;
  return { registry, path, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/** What is wrong with an image reference that {@link IMAGE_REFERENCE} refuses, `pinned` being a good one. */
function imageReferenceProblem(input: unknown, pinned: string): string {
  const short = pinned.replace(/^docker\.io\/(library\/)?/, "");
  const text = JSON.stringify(input);
  if (typeof input === "string" && UNPINNED_IMAGE.test(input)) {
    return `${text} names no tag or digest, so Docker would pull whatever "latest" is at the time; pin a release like ${short}`;
  }
  if (typeof input === "string" && LATEST_IMAGE.test(input)) {
    return `${text}: the tag "latest" moves with every release, so Docker would pull whatever it is at the time; pin a release like ${short} (or add a digest: ${input}@sha256:...)`;
  }
  if (
    typeof input === "string" &&
    UNPINNED_IMAGE.test(input.toLowerCase().split(/[:@]/)[0]!) &&
    /[A-Z]/.test(input.split(/[:@]/)[0]!)
  ) {
    return `${text}: an image's repository name is lowercase (Docker refuses uppercase in it), like ${short}`;
  }
  return `must be an image reference like ${short} or ${pinned} ([registry[:port]/]name[:tag][@digest]: name components of lowercase letters and digits joined by ., _, __ or -; a tag of up to 128 letters, digits, _, . and -, not starting with . or -; a digest like sha256:<64 hex digits>), got ${text}`;
}

/** A container image reference naming a version (`traefik:v3.7.20`, `docker.io/netbirdio/netbird:0.67.1`), `pinned` by default. */
export const imageReference = (pinned: string) =>
  z
    .string()
    .regex(IMAGE_REFERENCE, { error: (i) => imageReferenceProblem(i.input, pinned) })
    .default(pinned);

/** An email address. */
export const email = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, {
  error: (i) => `must be an email address, got ${JSON.stringify(i.input)}`,
});

/** An IPv4 or IPv6 network in CIDR form (`203.0.113.7/32`, `2001:db8::/48`). */
export const ipCidr = z.string().refine(
  (v) => {
    if (parseCidr(v) !== undefined) return true;
    const [address, bits, ...rest] = v.split("/");
    return rest.length === 0 && isIPv6(address ?? "") && /^\d{1,3}$/.test(bits ?? "") && Number(bits) <= 128;
  },
  { error: (i) => `must be a network in CIDR form like 203.0.113.7/32 or 2001:db8::/48, got ${JSON.stringify(i.input)}` },
);

/** An `https://` URL. */
export const httpsUrl = z.string().refine(
  (v) => {
    try {
      return new URL(v).protocol === "https:";
    } catch {
      return false;
    }
  },
  { error: (issue) => `must be an https:// URL, got ${JSON.stringify(issue.input)}` },
);

/**
 * What the offline plan hands the program in place of an encrypted value it never decrypts. Format
 * checks of secret fields accept it, since the real value is not known there.
 */
export const SECRET_PLACEHOLDER = "[secret]";

/**
 * The placeholder of one encrypted value: {@link SECRET_PLACEHOLDER} with a fingerprint of its
 * ciphertext, so a rotated secret reaches the resources it feeds as a changed (masked) value.
 */
export function secretPlaceholder(ciphertextFingerprint: string): string {
  return `[secret:${ciphertextFingerprint}]`;
}

/** True for {@link SECRET_PLACEHOLDER} and what {@link secretPlaceholder} makes. */
export function isSecretPlaceholder(value: string): boolean {
  return value === SECRET_PLACEHOLDER || /^\[secret:[0-9a-f]+\]$/.test(value);
}

/** Options of {@link secretString}. */
export interface SecretStringOptions {
  /** A format the value must have (checked on the plain value, which is never shown). */
  readonly format?: RegExp;
  /** What the format is, for the error: `an API token USER@REALM!TOKENID=SECRET`. */
  readonly formatName?: string;
}

/**
 * A secret string. Whatever way it was stored (encrypted, or in plain text by mistake), the program
 * only ever sees it as a secret Output, so it is masked in plans, state and stack outputs. Its
 * errors never repeat the value.
 */
export const secretString = (options: SecretStringOptions = {}) => {
  const schema = z
    .string({
      error: (issue) => (issue.input === undefined ? "is required" : "must be a string (the value is secret and not shown)"),
    })
    .min(1, { error: "must not be empty" })
    .refine((v) => options.format === undefined || isSecretPlaceholder(v) || options.format.test(v), {
      error: `must be ${options.formatName ?? "in the expected format"} (the value is secret and not shown)`,
    })
    .transform((v) => pulumi.secret(v));
  stackFileShapes.add(schema, { secret: true });
  return schema;
};

/** A MAC address a NIC can have: six hex octets, unicast (even first octet) and not all zeros. */
export const unicastMac = z
  .string()
  .regex(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/, {
    error: (i) => `must be a MAC address like 02:11:22:33:44:55, got ${JSON.stringify(i.input)}`,
  })
  .refine((v) => (parseInt(v.slice(0, 2), 16) & 1) === 0, {
    error: (i) =>
      `${String(i.input)} is a multicast address (odd first octet), which no NIC can have; use a unicast one, e.g. starting with 02: (locally administered)`,
  })
  .refine((v) => !/^00(:00){5}$/.test(v), { error: "00:00:00:00:00:00 is not a usable MAC address" });

// ---------------------------------------------------------------- Kubernetes

/** A label name (and a non-empty label value): 63 letters, digits, `-_.`, alphanumeric at both ends. */
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** `[prefix/]name`: a DNS subdomain prefix and a 63-character name (Kubernetes and Hetzner label keys). */
export const labelKey = z.string().refine(
  (v) => {
    const slash = v.lastIndexOf("/");
    const prefix = slash < 0 ? undefined : v.slice(0, slash);
    return LABEL_NAME.test(v.slice(slash + 1)) && (prefix === undefined || dnsName.safeParse(prefix).success);
  },
  { error: (i) => `must be a label key like example.com/role, got ${JSON.stringify(i.input)}` },
);
export const labelValue = z.string().refine((v) => v === "" || LABEL_NAME.test(v), {
  error: (i) => `must be a label value (at most 63 letters, digits, - _ .), got ${JSON.stringify(i.input)}`,
});

/** A Kubernetes taint, written `key=value:Effect` / `key:Effect` or as a map. */
export const taint = z.preprocess(
  (value) => {
    if (typeof value !== "string") return value;
    const match = /^([^=:]+)(?:=([^:]*))?:([^:]+)$/.exec(value);
    return match ? { key: match[1], ...(match[2] !== undefined ? { value: match[2] } : {}), effect: match[3] } : { key: value };
  },
  z.strictObject({
    key: labelKey,
    value: labelValue.optional(),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
  }),
);
stackFileShapes.add(taint, {
  shorthand: {
    type: "string",
    pattern: "^[^=:]+(=[^:]*)?:(NoSchedule|PreferNoSchedule|NoExecute)$",
    description: "key=value:Effect",
  },
});

/** Authentik's duration format: `hours=1;minutes=30`; never zero (a token or login that expires as it is issued). */
const VALIDITY = /^(weeks|days|hours|minutes|seconds)=\d+(;(weeks|days|hours|minutes|seconds)=\d+)*$/;
export const validity = z
  .string()
  .regex(VALIDITY, {
    error: (i) => `must be a duration like minutes=10 or hours=1;minutes=30, got ${JSON.stringify(i.input)}`,
  })
  .refine((v) => !VALIDITY.test(v) || /=0*[1-9]/.test(v), {
    error: (i) =>
      `${String(i.input)} is zero: every token or login would expire as it is issued; give a positive duration like minutes=10`,
  });

/**
 * `homelab:import` of the programs that write DNS records: records that exist in the zone already,
 * adopted by Pulumi's `import` option, by `<name>/<type>` (`auth.example.net/A`) → the provider's
 * import id `<zone id>/<record id>` (the error naming such a record gives the exact entry).
 */
export const dnsImports = z
  .record(
    z.string().regex(/^[^\s/]+\/(A|AAAA)$/, {
      error: (i) => `must be <name>/<type> like auth.example.net/A (A or AAAA), got ${JSON.stringify(i.input)}`,
    }),
    z.string().regex(/^[0-9a-f]{32}\/[0-9a-f]{32}$/, {
      error: (i) =>
        `must be <zone id>/<record id> (two 32-digit hex ids, as the error naming the record gives it), got ${JSON.stringify(i.input)}`,
    }),
  )
  .default({})
  .describe(
    "Records that exist in the zone already, adopted (imported, then updated) instead of created: `<name>/<type>` → `<zone id>/<record id>`. Keep an entry after the import: the engine skips it once the record is in the state.",
  );

// ---------------------------------------------------------------- SSH public keys

/** What each OpenSSH public key type holds after its type string (RFC 4253 6.6, RFC 5656 3.1, OpenSSH PROTOCOL.u2f). */
const SSH_KEY_LAYOUTS: Readonly<Record<string, { readonly curve?: string; readonly point?: number; readonly sk?: true }>> = {
  "ssh-ed25519": { point: 32 },
  "ecdsa-sha2-nistp256": { curve: "nistp256", point: 65 },
  "ecdsa-sha2-nistp384": { curve: "nistp384", point: 97 },
  "ecdsa-sha2-nistp521": { curve: "nistp521", point: 133 },
  "sk-ssh-ed25519@openssh.com": { point: 32, sk: true },
  "sk-ecdsa-sha2-nistp256@openssh.com": { curve: "nistp256", point: 65, sk: true },
  "ssh-rsa": {},
};

/** OpenSSH refuses RSA keys below this many bits (SSH_RSA_MINIMUM_MODULUS_SIZE). */
const RSA_MINIMUM_BITS = 1024;

/**
 * What is wrong with an OpenSSH public key line whose blob does not hold the whole key its type
 * names (a line cut short when copied, a damaged field, or another key's type), or `undefined`.
 * The blob is the SSH wire format: the type string again, then the key's fields as
 * length-prefixed strings; an ed25519 key is 51 bytes, an RSA key its exponent and modulus.
 * Bytes after the key's last field are refused too: OpenSSH does not accept such a key.
 */
export function sshPublicKeyProblem(line: string): string | undefined {
  const [type = "", blob = ""] = line.split(" ");
  const layout = SSH_KEY_LAYOUTS[type];
  if (!layout) return undefined;
  const bytes = Buffer.from(blob, "base64");
  const again = "copy the whole line from the .pub file";
  let offset = 0;
  /** The next length-prefixed field, or the length it claims when the blob ends before it does. */
  const next = (): { value: Buffer } | { claimed?: number } => {
    if (offset + 4 > bytes.length) return {};
    const length = bytes.readUInt32BE(offset);
    if (offset + 4 + length > bytes.length) return { claimed: length };
    const value = bytes.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    return { value };
  };
  const cut = (what: string) => `is cut short: the blob ends inside its ${what} (${bytes.length} bytes); ${again}`;
  /** Bytes left over after the key's last field. */
  const trailing = () =>
    offset === bytes.length
      ? undefined
      : `has ${bytes.length - offset} byte(s) after the key (${bytes.length} bytes where the key ends at ${offset}): OpenSSH refuses it; ${again}`;
  const inside = next();
  if (!("value" in inside)) return cut("type");
  if (inside.value.toString("latin1") !== type) {
    return `says ${type}, but the key inside is ${JSON.stringify(inside.value.toString("latin1").slice(0, 40))}: the line's type and key do not belong together`;
  }
  if (type === "ssh-rsa") {
    if (!("value" in next())) return cut("exponent");
    const n = next();
    if (!("value" in n)) return cut("modulus");
    const first = n.value.findIndex((b) => b !== 0);
    const bits = first < 0 ? 0 : (n.value.length - first) * 8 - (Math.clz32(n.value[first]!) - 24);
    if (bits < RSA_MINIMUM_BITS) {
      return `holds an RSA modulus of ${bits} bits; OpenSSH refuses RSA keys below ${RSA_MINIMUM_BITS} bits (use ssh-ed25519)`;
    }
    return trailing();
  }
  const full =
    4 + type.length + (layout.curve === undefined ? 0 : 4 + layout.curve.length) + 4 + layout.point! + (layout.sk ? 4 : 0);
  if (bytes.length < full) {
    return `is cut short: an ${type} key is ${full}${layout.sk ? " or more" : ""} bytes, this one ${bytes.length}; ${again}`;
  }
  if (layout.curve !== undefined) {
    const curve = next();
    const name = "value" in curve ? curve.value.toString("latin1") : undefined;
    if (name !== layout.curve) {
      return `says ${type}, but its curve field is ${name === undefined ? "damaged" : JSON.stringify(name.slice(0, 20))}, not ${layout.curve}; ${again}`;
    }
  }
  const point = next();
  const size = "value" in point ? point.value.length : point.claimed;
  if (size !== layout.point) {
    return `is damaged: its public key field is ${size === undefined ? "missing" : `${size} bytes`} where ${type} has ${layout.point!}; ${again}`;
  }
  if (layout.sk && !("value" in next())) return cut("application (an sk key names one, like ssh:)");
  return trailing();
}
