import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  ANYWHERE,
  BACKUP_DIR,
  DEFAULT_LOG_ROTATION,
  EDGE_IMAGES,
  EDGE_OS_IMAGES,
  type EdgeOsImage,
  type FirewallRule,
} from "../lib/edge";
import {
  dnsLabel,
  dnsName,
  email,
  httpsUrl,
  imageReference,
  ipCidr,
  labelKey,
  labelValue,
  parseImageReference,
  secretString,
  sshPublicKeyProblem,
} from "./fields";
import { NETBIRD_CLOUD_MANAGEMENT_URL } from "../lib/netbird";
import type { CheckContext, ConfigSpec } from "./loader";
import { networkWithin, parseIpNetwork } from "../lib/net";

/**
 * Config of the `hetzner` program: the edge VPS (server, SSH, firewall) and what runs on it
 * (Traefik, NetBird, Authentik). Keys are `homelab:<section>` in `Pulumi.hetzner.yaml`.
 */

/**
 * Hetzner Cloud locations: Falkenstein, Nuremberg, Helsinki, Ashburn, Hillsboro, Singapore
 * (`hcloud location list`).
 */
export const HETZNER_LOCATIONS = ["fsn1", "nbg1", "hel1", "ash", "hil", "sin"] as const;

/**
 * Hetzner Cloud server types (`hcloud server-type list`; @pulumi/hcloud's docs use cx23): shared
 * vCPU x86 (CX: cx22-cx52 and their successors cx23-cx53; CPX: cpx11-cpx51 and cpx12-cpx62), Arm
 * (CAX) and dedicated vCPU (CCX). A type Hetzner adds later is refused until it is listed here.
 */
export const HETZNER_SERVER_TYPES = [
  ...["cx23", "cx33", "cx43", "cx53", "cx22", "cx32", "cx42", "cx52"],
  ...["cpx12", "cpx22", "cpx32", "cpx42", "cpx52", "cpx62", "cpx11", "cpx21", "cpx31", "cpx41", "cpx51"],
  ...["cax11", "cax21", "cax31", "cax41"],
  ...["ccx13", "ccx23", "ccx33", "ccx43", "ccx53", "ccx63"],
] as const;

const port = z.number().int().min(1).max(65535);

/** An env-file-safe secret: one line, no spaces, quotes, backslashes or `$` (compose would change it). */
const envSecret = (what: string) =>
  secretString({
    format: /^[^\s$'"\\]+$/,
    formatName: `${what}: one line without spaces, quotes, backslashes or $ (compose reads it from an env file)`,
  });

/** Hetzner labels follow Kubernetes' rules for keys and values. */
const labels = z.record(labelKey, labelValue).default({});

const server = z.strictObject({
  name: dnsLabel.default("edge").describe("The server's name in Hetzner (also its firewall's)."),
  type: z
    .enum(HETZNER_SERVER_TYPES)
    .describe("Hetzner server type, e.g. `cx23` (x86) or `cax11` (Arm); Authentik wants 2 GB of memory or more."),
  image: z
    .enum(Object.keys(EDGE_OS_IMAGES) as [EdgeOsImage, ...EdgeOsImage[]])
    .default("ubuntu-24.04")
    .describe("OS image; one whose distribution packages Docker and Compose v2. Read when the server is created only."),
  location: z.enum(HETZNER_LOCATIONS).describe("Hetzner location."),
  ipv4: z.boolean().default(true).describe("A public IPv4 address (billed extra); without one, everything goes over IPv6."),
  ipv6: z.boolean().default(true).describe("A public IPv6 network."),
  backups: z.boolean().default(false).describe("Hetzner's daily backups (20% of the server price)."),
  labels: labels.describe("Labels on the server, its firewall and SSH keys (`managed-by: homelab` is always set)."),
  protect: z
    .boolean()
    .default(true)
    .describe(
      "Protect the server, firewall and keys: Pulumi refuses to delete them and Hetzner to delete or rebuild the server.",
    ),
});

const SSH_PUBLIC_KEY =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+=*( .*)?$/;

/**
 * A Hetzner SSH key already in the project (made by hand, or by another stack): Hetzner refuses a
 * second key with the same name or public key, so such a key is referenced, never made.
 */
const existingSshKey = z.strictObject({
  existing: z
    .union([z.string().min(1), z.number().int().min(1)], {
      error: (i) => `must be the key's name (a string) or its id (a number), got ${JSON.stringify(i.input)}`,
    })
    .describe("The Hetzner SSH key's name (a string) or id (a number), as `hcloud ssh-key list` shows it."),
});

const ssh = z.strictObject({
  adminUser: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: (i) => `must be a Linux user name like ops, got ${JSON.stringify(i.input)}` })
    .refine((v) => v !== "root", { error: "must not be root: root logins are disabled" })
    .default("ops")
    .describe("The admin user cloud-init creates (key-only, passwordless sudo); the remote commands log in as it."),
  publicKeys: z
    .array(
      z.union(
        [
          z
            .string()
            .regex(SSH_PUBLIC_KEY, {
              error: (i) =>
                `must be an OpenSSH public key line like ssh-ed25519 AAAA... me@laptop, got ${JSON.stringify(String(i.input).slice(0, 40))}`,
            })
            .superRefine((line, ctx) => {
              // The line's form is the regex's; this reads the key inside it.
              const problem = SSH_PUBLIC_KEY.test(line) ? sshPublicKeyProblem(line) : undefined;
              if (problem) ctx.addIssue({ code: "custom", message: problem });
            }),
          existingSshKey,
        ],
        { error: "must be an OpenSSH public key line, or {existing: <name or id>} for a key already in the Hetzner project" },
      ),
    )
    .min(1)
    .describe(
      "The admin's public keys: OpenSSH public key lines (a Hetzner key is made for each; the key inside is read, and must be the line's type and whole), or `{existing: <name or id>}` for a key already in the Hetzner project (looked up, never made or deleted).",
    ),
  privateKey: secretString({ format: /^-----BEGIN [A-Z ]*PRIVATE KEY-----/, formatName: "a PEM or OpenSSH private key" })
    .optional()
    .describe("The private key Pulumi logs in with (secret). Unset: the SSH agent (`SSH_AUTH_SOCK`)."),
  port: port.default(22).describe("The SSH port (not 80 or 443: Traefik's)."),
  allowFrom: z
    .array(ipCidr)
    .default([])
    .describe("Networks SSH is allowed from (where you and `pulumi up` run), e.g. `203.0.113.7/32`."),
  allowSshFromAnywhere: z
    .boolean()
    .default(false)
    .describe("Allow SSH from every address. Key-only logins make this survivable, but prefer `allowFrom`."),
});

const rule = z.strictObject({
  protocol: z.enum(["tcp", "udp", "icmp"]),
  port: z
    .string()
    .regex(/^\d{1,5}(-\d{1,5})?$/, {
      error: (i) => `must be a port like 8443 or a range like 60000-61000, got ${JSON.stringify(i.input)}`,
    })
    .optional()
    .describe("A port or range; required for tcp and udp, not allowed for icmp."),
  sourceIps: z.array(ipCidr).min(1).describe("Networks allowed (CIDR); `0.0.0.0/0` and `::/0` for everyone."),
  description: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe("What the rule is for, shown in Hetzner's console (optional, as Hetzner has it)."),
});

const firewall = z.strictObject({
  rules: z
    .array(rule)
    .default([])
    .describe("Inbound rules besides the defaults (HTTP, HTTPS, NetBird's WireGuard port, ICMP, SSH from `ssh.allowFrom`)."),
});

const traefik = z.strictObject({
  acmeEmail: email.describe("Let's Encrypt account email (expiry notices)."),
  acmeStaging: z
    .boolean()
    .default(false)
    .describe("Use Let's Encrypt's staging CA (untrusted certificates) while trying things out."),
  logLevel: z.enum(["DEBUG", "INFO", "WARN", "ERROR"]).default("INFO"),
  cloudflareToken: envSecret("a Cloudflare API token")
    .optional()
    .describe(
      "A Cloudflare API token with Zone:Read and DNS:Edit on the zone (secret; cert-manager's scope): Traefik gets every certificate by the DNS-01 challenge, whether or not the name's public record exists yet, proxied or not. Unset: TLS-ALPN, which needs each name's record to point at the VPS, unproxied, when Traefik first asks.",
    ),
  cloudflareProxied: z
    .boolean()
    .default(false)
    .describe(
      "The edge's names go through Cloudflare's proxy (the cloudflare stack's edge.proxied, the services stack's services.proxied): Traefik keeps X-Forwarded-* headers from Cloudflare's published ranges only. Needs cloudflareToken.",
    ),
});

const netbird = z.strictObject({
  managementUrl: httpsUrl.default(NETBIRD_CLOUD_MANAGEMENT_URL).describe("NetBird's management service (cloud or self-hosted)."),
  setupKey: envSecret("a NetBird setup key").describe("A NetBird setup key for the VPS (secret; reusable keys are fine)."),
  wireguardPort: port.default(51820).describe("NetBird's WireGuard UDP port, opened in the firewall."),
  hostname: dnsLabel.optional().describe("The VPS's name in NetBird. Default: `server.name`."),
});

const authentik = z.strictObject({
  hostname: dnsName.optional().describe("Authentik's public host name. Default: `auth.<domain>`."),
  adminEmail: email.describe("The email of Authentik's first admin (akadmin)."),
  secretKey: envSecret("a random key").describe("AUTHENTIK_SECRET_KEY (secret): e.g. `openssl rand -base64 60 | tr -d '\\n'`."),
  postgresPassword: envSecret("a random password").describe("The PostgreSQL password (secret)."),
  bootstrapToken: envSecret("a random token").describe(
    "An API token for akadmin, created on Authentik's first start (secret). The authentik stack uses it.",
  ),
  bootstrapPassword: envSecret("a password")
    .optional()
    .describe("akadmin's password, set on the first start (secret). Unset: set it through the recovery flow."),
});

const backup = z.strictObject({
  enabled: z.boolean().default(true).describe(`Dump Authentik's database on a schedule into ${BACKUP_DIR} on the VPS.`),
  schedule: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
      error: (i) => `must be a time of day HH:MM (UTC, 24-hour), like 03:30, got ${JSON.stringify(i.input)}`,
    })
    .default("03:30")
    .describe("The time of day (UTC, `HH:MM`) of the daily dump; a time missed while the VPS was down is caught up at start."),
  keep: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(7)
    .describe("Dumps kept on the VPS: after each scheduled dump, the oldest beyond this many are deleted."),
});

const logs = z.strictObject({
  maxSize: z
    .string()
    .regex(/^[1-9]\d*[kmg]$/, {
      error: (i) => `must be a size like 10m (a whole number and k, m or g), got ${JSON.stringify(i.input)}`,
    })
    .default(DEFAULT_LOG_ROTATION.maxSize)
    .describe("The size at which Docker rotates a container's log file (json-file `max-size`)."),
  maxFiles: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(DEFAULT_LOG_ROTATION.maxFiles)
    .describe("Log files kept per container, the current one included (json-file `max-file`)."),
});

const images = z
  .strictObject({
    traefik: imageReference(EDGE_IMAGES.traefik),
    netbird: imageReference(EDGE_IMAGES.netbird),
    authentik: imageReference(EDGE_IMAGES.authentik),
    postgresql: imageReference(EDGE_IMAGES.postgresql),
  })
  .prefault({});

/** The zod schema of each `homelab:` key of the hetzner program. */
export const hetznerSections = {
  server: server.describe("The VPS: type, image, location, addresses, backups, protection."),
  ssh: ssh.describe("The admin user and who may reach SSH."),
  firewall: firewall.prefault({}).describe("More inbound firewall rules."),
  domain: dnsName.describe("The public domain; Authentik is served at `auth.<domain>` unless set otherwise."),
  traefik: traefik.describe("Traefik: the ACME account and challenge, Cloudflare's proxy, log level."),
  netbird: netbird.describe("NetBird: the tunnel from the VPS to the lab."),
  authentik: authentik.describe("Authentik: host name, first admin, secrets."),
  images: images.describe("Container images, pinned by default; move a tag here."),
  backup: backup.prefault({}).describe("Scheduled dumps of Authentik's PostgreSQL database on the VPS."),
  logs: logs.prefault({}).describe("Docker's log rotation for every container of the edge."),
};

type Sections = typeof hetznerSections;
type Parsed = { [K in keyof Sections]: z.output<Sections[K]> };

/** An admin key already in the Hetzner project: `ssh.publicKeys[index]` is `{existing}`. */
export interface ExistingSshKeyRef {
  /** Its name (a string) or id (a number). */
  readonly existing: string | number;
  readonly index: number;
}

/** The hetzner program's validated config. */
export interface HetznerConfig {
  readonly server: Parsed["server"];
  readonly ssh: Omit<Parsed["ssh"], "privateKey" | "publicKeys"> & {
    readonly privateKey?: pulumi.Output<string>;
    /** The public key lines (a Hetzner key is made for each). */
    readonly publicKeys: readonly string[];
    /** Keys already in the Hetzner project, by name or id, with their index in `ssh.publicKeys`. */
    readonly existingKeys: readonly ExistingSshKeyRef[];
  };
  /** Every inbound rule: the defaults first, then config's. */
  readonly firewallRules: readonly FirewallRule[];
  readonly domain: string;
  readonly traefik: Parsed["traefik"];
  readonly netbird: Omit<Parsed["netbird"], "hostname"> & { readonly hostname: string };
  readonly authentik: Omit<Parsed["authentik"], "hostname"> & { readonly hostname: string };
  readonly images: Parsed["images"];
  readonly backup: Parsed["backup"];
  readonly logs: Parsed["logs"];
}

type Ctx = CheckContext<Sections>;

export const hetznerConfigSpec: ConfigSpec<Sections, HetznerConfig> = {
  sections: hetznerSections,
  check(ctx) {
    checkSsh(ctx);
    checkSshKeys(ctx);
    checkSshReach(ctx);
    checkRules(ctx);
    checkAuthentik(ctx);
    checkAddresses(ctx);
    checkCertificates(ctx);
    checkImageRegistries(ctx);
  },
  resolve(parsed) {
    return {
      server: parsed.server,
      ssh: {
        ...parsed.ssh,
        publicKeys: parsed.ssh.publicKeys.filter((k): k is string => typeof k === "string"),
        existingKeys: parsed.ssh.publicKeys.flatMap((k, index) =>
          typeof k === "string" ? [] : [{ existing: k.existing, index }],
        ),
      },
      firewallRules: parsed.firewall.rules.map((r) => ({
        direction: "in" as const,
        protocol: r.protocol,
        ...(r.port === undefined ? {} : { port: r.port }),
        sourceIps: r.sourceIps,
        ...(r.description === undefined ? {} : { description: r.description }),
      })),
      domain: parsed.domain,
      traefik: parsed.traefik,
      netbird: { ...parsed.netbird, hostname: parsed.netbird.hostname ?? parsed.server.name },
      authentik: { ...parsed.authentik, hostname: parsed.authentik.hostname ?? `auth.${parsed.domain}` },
      images: parsed.images,
      backup: parsed.backup,
      logs: parsed.logs,
    };
  },
};

const isAnywhere = (cidr: string) => (ANYWHERE as readonly string[]).includes(cidr);

function checkSsh(ctx: Ctx): void {
  const ssh = ctx.valid.ssh;
  if (!ssh || ctx.invalid(["ssh", "allowFrom"])) return;
  const from = ssh.allowFrom ?? [];
  from.forEach((cidr, i) => {
    if (cidr !== undefined && isAnywhere(cidr) && !ssh.allowSshFromAnywhere) {
      ctx.report(["ssh", "allowFrom", i], `${cidr} opens SSH to everyone; set ssh.allowSshFromAnywhere: true if that is meant`);
    }
  });
  if (from.length === 0 && !ssh.allowSshFromAnywhere) {
    ctx.report(
      ["ssh", "allowFrom"],
      "is empty, so the firewall would block SSH, and Pulumi configures the VPS over SSH: list the networks you run pulumi up from (e.g. 203.0.113.7/32), or set allowSshFromAnywhere: true",
    );
  }
  if (from.length > 0 && ssh.allowSshFromAnywhere) {
    ctx.warn(["ssh", "allowFrom"], "is ignored: allowSshFromAnywhere opens SSH to every address");
  }
}

/**
 * Each admin key once: a public key listed twice would be two Hetzner keys of one fingerprint
 * (Hetzner refuses the second), an existing key named twice one key given to the server twice.
 */
function checkSshKeys(ctx: Ctx): void {
  const seen = new Map<string, number>();
  ctx.valid.ssh?.publicKeys?.forEach((key, i) => {
    if (key === undefined) return;
    // A public key by its type and blob (the comment is not part of it); an existing one by its name or id.
    const identity = typeof key === "string" ? key.split(" ").slice(0, 2).join(" ") : `existing ${JSON.stringify(key.existing)}`;
    const first = seen.get(identity);
    if (first !== undefined) {
      ctx.report(["ssh", "publicKeys", i], `is the same key as ssh.publicKeys[${first}]; list each key once`);
    } else {
      seen.set(identity, i);
    }
  });
}

/**
 * SSH stays where `ssh.allowFrom` puts it: not on Traefik's ports, not reopened wider by an extra
 * rule, and reachable over an address family the server has.
 */
function checkSshReach(ctx: Ctx): void {
  const ssh = ctx.valid.ssh;
  const port = ssh?.port;
  if (port === 80 || port === 443) {
    ctx.report(
      ["ssh", "port"],
      `${port} is Traefik's ${port === 80 ? "HTTP" : "HTTPS"} port, open to everyone; give SSH a port of its own (22, or one like 2222)`,
    );
  }
  if (!ssh || ssh.allowSshFromAnywhere !== false || ctx.invalid(["ssh", "allowFrom"])) return;
  const from = (ssh.allowFrom ?? []).flatMap((cidr) => (cidr === undefined ? [] : [parseIpNetwork(cidr)!]));
  if (ctx.valid.server?.ipv4 === false && from.length > 0 && from.every((n) => n.family === 4)) {
    ctx.report(
      ["ssh", "allowFrom"],
      "has only IPv4 networks, but the server has no IPv4 address (server.ipv4: false): nobody could reach SSH, and Pulumi configures the VPS over it; list the IPv6 networks you run pulumi up from",
    );
  }
  if (port === undefined) return;
  ctx.valid.firewall?.rules?.forEach((r, i) => {
    if (r?.protocol !== "tcp" || r.port === undefined) return;
    const [low, high = low] = r.port.split("-").map(Number) as [number, number?];
    if (port < low || port > high) return;
    r.sourceIps?.forEach((source, j) => {
      const network = source === undefined ? undefined : parseIpNetwork(source);
      if (network === undefined || from.some((allowed) => networkWithin(network, allowed))) return;
      ctx.report(
        ["firewall", "rules", i, "sourceIps", j],
        `${source} reopens SSH (tcp ${port}) to more than ssh.allowFrom: add it there, or set ssh.allowSshFromAnywhere: true if everyone is meant`,
      );
    });
  });
}

function checkRules(ctx: Ctx): void {
  ctx.valid.firewall?.rules?.forEach((r, i) => {
    if (!r?.protocol) return;
    const path = ["firewall", "rules", i, "port"];
    if (r.protocol === "icmp" && r.port !== undefined) ctx.report(path, "must not be set for icmp (ICMP has no ports)");
    if (r.protocol !== "icmp" && r.port === undefined && !ctx.given(path)) ctx.report(path, `is required for ${r.protocol}`);
    if (r.port !== undefined) {
      const [low, high = low] = r.port.split("-").map(Number) as [number, number?];
      if (low < 1 || high > 65535 || high < low) ctx.report(path, `${r.port} is not a port range within 1-65535`);
    }
  });
}

function checkAuthentik(ctx: Ctx): void {
  const hostname = ctx.valid.authentik?.hostname;
  const domain = ctx.valid.domain;
  if (hostname !== undefined && domain !== undefined && !hostname.endsWith(`.${domain}`)) {
    ctx.report(["authentik", "hostname"], `${hostname} is not under ${domain}`);
  }
}

function checkAddresses(ctx: Ctx): void {
  const s = ctx.valid.server;
  if (s?.ipv4 === false && s.ipv6 === false) {
    ctx.report(["server", "ipv6"], "the server needs a public IPv4 or IPv6 address (both are off)");
  }
}

/**
 * Behind Cloudflare's proxy only DNS-01 gets a certificate (Let's Encrypt's TLS-ALPN connection
 * ends at Cloudflare); without a token, the TLS-ALPN challenge is kept, with its known failure.
 */
function checkCertificates(ctx: Ctx): void {
  const t = ctx.valid.traefik;
  if (t === undefined || ctx.invalid(["traefik", "cloudflareToken"])) return;
  if (t.cloudflareToken !== undefined) return;
  if (t.cloudflareProxied) {
    ctx.report(
      ["traefik", "cloudflareProxied"],
      "needs traefik.cloudflareToken: behind Cloudflare's proxy, Let's Encrypt's TLS-ALPN challenge reaches Cloudflare, not Traefik, so no certificate would be issued; set a Cloudflare API token (Zone:Read, DNS:Edit) for the DNS-01 challenge",
    );
  } else {
    ctx.warn(
      ["traefik", "cloudflareToken"],
      "is unset, so Traefik gets certificates by TLS-ALPN, which fails for a name whose public record does not point at the VPS yet (auth.<domain> before the cloudflare stack has run, a service before its record) and is not retried; set a Cloudflare API token (Zone:Read, DNS:Edit) for the DNS-01 challenge",
    );
  }
}

/**
 * Registries without an IPv6 address: a server without IPv4 cannot pull from them. GitHub's
 * container registry has no AAAA record (github.com/orgs/community/discussions/10539, open);
 * Docker Hub is dual-stack since 2023 ("Docker Hub Registry IPv6 Support Now Generally Available").
 */
export const IPV4_ONLY_REGISTRIES = ["ghcr.io"] as const;

function checkImageRegistries(ctx: Ctx): void {
  if (ctx.valid.server?.ipv4 !== false) return;
  const images = ctx.valid.images ?? {};
  for (const [service, image] of Object.entries(images)) {
    const registry = typeof image === "string" ? parseImageReference(image)?.registry : undefined;
    if (registry === undefined) continue;
    if (!(IPV4_ONLY_REGISTRIES as readonly string[]).includes(registry)) continue;
    ctx.report(
      ["images", service],
      `${image} is on ${registry}, which has no IPv6 address, and the server has no IPv4 (server.ipv4: false): Docker could not pull it; use an image from a registry reachable over IPv6 (Docker Hub: docker.io/...), or turn server.ipv4 on`,
    );
  }
}
