import { createHash } from "node:crypto";
import { NETBIRD_CLIENT_IMAGE, NETBIRD_STATE_DIR } from "./netbird";
import { toYaml } from "./yaml";

/**
 * The edge VPS, as documents: its cloud-init, firewall rules, the compose project (Traefik,
 * NetBird, Authentik) and Traefik's static and dynamic configuration. Pure functions: the hetzner
 * program and the EdgeServer component turn them into resources, the plan writes them out.
 *
 * Secrets never appear in a document here. Containers read them from env files under `secrets/`
 * ({@link secretEnvFile}), which the component writes with secret stdin and mode 0600.
 */

/**
 * Images the compose project runs, each pinned to a release tag (a new tag is a change of the
 * compose file, which `compose up` applies). All four come from Docker Hub, which answers over IPv6
 * as well as IPv4 ("Docker Hub Registry IPv6 Support Now Generally Available", Docker's blog), so
 * a server without IPv4 (`server.ipv4: false`) pulls them too; GitHub's registry (ghcr.io), where
 * Authentik also publishes, has no IPv6 address.
 */
export const EDGE_IMAGES = {
  // Traefik v3.7.20: traefik/traefik-helm-chart v42.4.3 (2026-11-24) "update traefik docker tag to
  // v3.7.20". v3.7 is the minor under support (docs/content/deprecation/releases.md of
  // traefik/traefik: 3.6 ended with 3.7.0); docs/content/migrate/v3.md names nothing for v3.7 that
  // the edge's configuration (file provider, ACME, forward auth) uses.
  traefik: "docker.io/library/traefik:v3.7.20",
  netbird: NETBIRD_CLIENT_IMAGE,
  // Authentik 2026.5.9: goauthentik/authentik release version/2026.5.9 (2026-11-25), the newest of
  // 2026.5. Authentik pushes every release to ghcr.io/goauthentik/server and to Docker Hub as
  // authentik/server (goauthentik/authentik pull request 15321, "move images from beryju/* to
  // authentik/*"; the 2025.8 release notes).
  authentik: "docker.io/authentik/server:2026.5.9",
  // PostgreSQL 16.15: its release notes ("Release notes for 18.5, 17.11, 16.15, 15.19, 14.24",
  // pgsql-committers, 2026-08-09), the newest 16.x found; Docker's official image tags every minor
  // with its alpine variant (docker-library/postgres versions.json). Pinned to the minor so a new one
  // is a change of the compose file, not whatever a first pull got; every 16.x reads the same data.
  postgresql: "docker.io/library/postgres:16.15-alpine",
} as const;

/** The compose project's directory on the VPS (owned by the admin user, made by cloud-init). */
export const PROJECT_DIR = "/opt/edge";
/** Traefik's watched directory for dynamic configuration, on the VPS. */
export const DYNAMIC_DIR = `${PROJECT_DIR}/traefik/dynamic`;

/**
 * Traefik's certificate resolver: Let's Encrypt, by the DNS-01 challenge through Cloudflare's API
 * when the hetzner stack has a Cloudflare token (`traefik.cloudflareToken`), else by TLS-ALPN on :443.
 */
export const CERT_RESOLVER = "letsencrypt";
/** Traefik's entry points. */
export const ENTRY_POINTS = { web: "web", websecure: "websecure" } as const;

/**
 * Where Traefik reaches Authentik: the compose service of the Authentik server on the shared
 * network, and the port the server listens on for HTTP (9000) inside its container.
 */
export const AUTHENTIK_SERVICE = "authentik-server";
export const AUTHENTIK_HTTP_PORT = 9000;
/** The path prefix Authentik serves its outposts' endpoints under (in the server: the embedded outpost). */
export const OUTPOST_PATH_PREFIX = "/outpost.goauthentik.io";
/**
 * The embedded outpost: it runs inside the Authentik server container, so it answers on the
 * server's own address. This is the outpost forward-auth providers must be bound to, because it
 * is the one Traefik calls.
 */
export const EMBEDDED_OUTPOST_NAME = "authentik Embedded Outpost";
/** Traefik's service (file provider) for Authentik itself: `authentik@file`. */
export const AUTHENTIK_ROUTER_SERVICE = "authentik";
/** The Traefik middleware (file provider) protected routers name: `authentik@file`. */
export const FORWARD_AUTH_MIDDLEWARE = "authentik";

/** The address Traefik's forwardAuth calls: the embedded outpost's Traefik endpoint. */
export function forwardAuthAddress(): string {
  return `http://${AUTHENTIK_SERVICE}:${AUTHENTIK_HTTP_PORT}${OUTPOST_PATH_PREFIX}/auth/traefik`;
}

/** Headers the outpost answers with that Traefik passes on to the protected service. */
export const AUTHENTIK_RESPONSE_HEADERS = [
  "X-authentik-username",
  "X-authentik-groups",
  "X-authentik-entitlements",
  "X-authentik-email",
  "X-authentik-name",
  "X-authentik-uid",
  "X-authentik-jwt",
  "X-authentik-meta-jwks",
  "X-authentik-meta-outpost",
  "X-authentik-meta-provider",
  "X-authentik-meta-app",
  "X-authentik-meta-version",
] as const;

// ---------------------------------------------------------------- firewall

/** A Hetzner Cloud firewall rule (inbound), as the hcloud provider takes it. */
export interface FirewallRule {
  /** Inbound only: a Hetzner firewall allows every outbound connection unless an `out` rule exists. */
  readonly direction: "in";
  /** The IP protocol the rule allows. */
  readonly protocol: "tcp" | "udp" | "icmp";
  /** A port or range `8000-8100`; absent for ICMP. */
  readonly port?: string;
  /** Source networks (CIDRs, IPv4 and IPv6) allowed; `0.0.0.0/0` and `::/0` for anywhere. */
  readonly sourceIps: readonly string[];
  /** Shown in Hetzner's console; optional there too. */
  readonly description?: string;
}

export const ANYWHERE = ["0.0.0.0/0", "::/0"] as const;

/** Inputs of {@link edgeFirewallRules}. */
export interface EdgeFirewallInput {
  /** CIDRs SSH is allowed from. */
  readonly sshFrom: readonly string[];
  /** Allow SSH from anywhere (explicit opt-in). */
  readonly allowSshFromAnywhere: boolean;
  readonly sshPort: number;
  /** The port SSH answers on now, when it differs from `sshPort`: kept open until sshd has moved. */
  readonly keepSshPort?: number;
  /** NetBird's WireGuard UDP port. */
  readonly wireguardPort: number;
  /** More rules from config, after the defaults. */
  readonly extra: readonly FirewallRule[];
}

/**
 * The edge's inbound rules. Hetzner drops every inbound packet no rule allows, so this list is
 * the whole exposure: HTTP and HTTPS and the WireGuard port from anywhere, ICMP (ping and path-MTU
 * discovery, which IPv6 needs), SSH only from the admin CIDRs unless SSH from anywhere is asked
 * for, then the config's own rules. Outbound is not filtered.
 */
export function edgeFirewallRules(input: EdgeFirewallInput): FirewallRule[] {
  const sshFrom = input.allowSshFromAnywhere ? [...ANYWHERE] : [...input.sshFrom];
  const rules: FirewallRule[] = [
    { direction: "in", protocol: "tcp", port: "80", sourceIps: [...ANYWHERE], description: "HTTP (redirects to HTTPS)" },
    { direction: "in", protocol: "tcp", port: "443", sourceIps: [...ANYWHERE], description: "HTTPS (Traefik)" },
    {
      direction: "in",
      protocol: "udp",
      port: String(input.wireguardPort),
      sourceIps: [...ANYWHERE],
      description: "NetBird (WireGuard)",
    },
    { direction: "in", protocol: "icmp", sourceIps: [...ANYWHERE], description: "ICMP (ping, path MTU discovery)" },
  ];
  if (sshFrom.length > 0) {
    rules.push({ direction: "in", protocol: "tcp", port: String(input.sshPort), sourceIps: sshFrom, description: "SSH (admin)" });
  }
  // Last, so that it comes and goes without moving the other rules.
  const keep: FirewallRule[] =
    sshFrom.length > 0 && input.keepSshPort !== undefined && input.keepSshPort !== input.sshPort
      ? [
          {
            direction: "in",
            protocol: "tcp",
            port: String(input.keepSshPort),
            sourceIps: sshFrom,
            description: "SSH (admin, until sshd has moved)",
          },
        ]
      : [];
  return [...rules, ...input.extra, ...keep];
}

// ---------------------------------------------------------------- cloud-init

/** The VPS images whose distribution packages Docker and Compose v2. */
export const EDGE_OS_IMAGES = {
  "ubuntu-24.04": { compose: "docker-compose-v2" },
  "ubuntu-22.04": { compose: "docker-compose-v2" },
  "debian-13": { compose: "docker-compose" },
} as const;
export type EdgeOsImage = keyof typeof EDGE_OS_IMAGES;

/**
 * Inputs of {@link edgeCloudInit}. The admin's keys may be Outputs (`K`) in the document form
 * ({@link edgeCloudConfig}): keys looked up in the Hetzner project are.
 */
export interface EdgeCloudInitInput<K = string> {
  readonly image: EdgeOsImage;
  readonly adminUser: string;
  readonly sshPublicKeys: readonly K[];
  readonly sshPort: number;
}

/**
 * The VPS's user data: the admin user (key-only, passwordless sudo, in the docker group), SSH
 * hardening, Docker and Compose from the distribution, unattended upgrades, and the project
 * directory. Deliberately small and free of anything that changes often: everything else reaches
 * the VPS through remote commands, so config changes never replace the server.
 */
export function edgeCloudInit(input: EdgeCloudInitInput): string {
  return cloudConfigText(edgeCloudConfig(input));
}

/** {@link edgeCloudInit} as a document (the EdgeServer component adds the SSH host key to it). */
export function edgeCloudConfig<K = string>(input: EdgeCloudInitInput<K>): Record<string, unknown> {
  const user = input.adminUser;
  const sshd = sshdDropIn({ ports: [input.sshPort], users: [user] });
  return {
    users: [
      {
        name: user,
        shell: "/bin/bash",
        groups: ["sudo"],
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
        ssh_authorized_keys: [...input.sshPublicKeys],
      },
    ],
    disable_root: true,
    ssh_pwauth: false,
    package_update: true,
    package_upgrade: true,
    packages: ["docker.io", EDGE_OS_IMAGES[input.image].compose, "unattended-upgrades"],
    write_files: [
      { path: SSHD_DROP_IN, permissions: "0644", content: sshd },
      {
        path: "/etc/apt/apt.conf.d/20auto-upgrades",
        permissions: "0644",
        content: 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n',
      },
    ],
    runcmd: [
      ["systemctl", "enable", "--now", "docker"],
      ["usermod", "-aG", "docker", user],
      ["install", "-d", "-o", user, "-g", user, "-m", "0750", PROJECT_DIR],
      // Ubuntu 24.04 starts sshd from ssh.socket, whose port comes from sshd_config at daemon-reload;
      // elsewhere ssh.service listens itself. Restart whichever is in charge.
      "systemctl daemon-reload; if systemctl is-active --quiet ssh.socket; then systemctl restart ssh.socket; else systemctl restart ssh; fi",
    ],
  };
}

/** A cloud-config document as user data: `#cloud-config`, then the YAML. */
export function cloudConfigText(document: unknown): string {
  return `#cloud-config\n${toYaml(document)}`;
}

/** The cloud-config keys {@link sshHostKeyCloudConfig} sets: a document given to it must leave them out. */
export const SSH_HOST_KEY_CLOUD_CONFIG_KEYS = ["ssh_keys", "ssh_deletekeys", "ssh_genkeytypes"] as const;

/**
 * The cloud-config that makes `key` the server's only SSH host key from its first boot (leaves may
 * be Outputs; the private half is a secret): cloud-init deletes the image's host keys
 * (`ssh_deletekeys`), writes this ed25519 pair (`ssh_keys`; with it, cloud-init generates none),
 * and `ssh_genkeytypes` names ed25519 alone in case it ever did. sshd is held to this key by
 * the `HostKey` line of {@link sshdDropIn}, since openssh-server's package scripts make any
 * missing default key again on every upgrade.
 */
export function sshHostKeyCloudConfig<T>(key: { readonly privateKey: T; readonly publicKey: T }) {
  return {
    ssh_deletekeys: true,
    ssh_genkeytypes: ["ed25519"],
    ssh_keys: { ed25519_private: key.privateKey, ed25519_public: key.publicKey },
  };
}

/** Where sshd reads the edge's own settings (cloud-init writes it first, the SSH step after). */
export const SSHD_DROP_IN = "/etc/ssh/sshd_config.d/90-homelab.conf";
/** The edge's SSH host key (its public half beside it, `.pub`): the only one sshd offers. */
export const SSH_HOST_KEY = "/etc/ssh/ssh_host_ed25519_key";

/**
 * The sshd drop-in: key-only logins for these users on these ports (no Port line for 22 alone),
 * and the edge's own host key as sshd's only one.
 */
export function sshdDropIn(input: { readonly ports: readonly number[]; readonly users: readonly string[] }): string {
  const ports = [...new Set(input.ports)];
  return [
    "# Managed by homelab: key-only SSH for the admin user.",
    ...(ports.length === 1 && ports[0] === 22 ? [] : ports.map((p) => `Port ${p}`)),
    "PermitRootLogin no",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "X11Forwarding no",
    `AllowUsers ${[...new Set(input.users)].join(" ")}`,
    // Only the host key Pulumi pins (openssh-server's package scripts make any missing default key again).
    `HostKey ${SSH_HOST_KEY}`,
    "",
  ].join("\n");
}

/** Inputs of {@link sshAccessScript}. */
export interface SshAccessInput {
  /** The admin user the config names. */
  readonly adminUser: string;
  /** Its public keys (authorized_keys, in this order). */
  readonly sshPublicKeys: readonly string[];
  /** The SSH port the config names. */
  readonly sshPort: number;
  /**
   * The port and user the server answers on now (the stack's last run), when they differ from the
   * config's: kept allowed for this run, so the connection that runs this script, and any other
   * session, survives the change. The next run, which connects on the new ones, drops them.
   */
  readonly keep?: { readonly port?: number; readonly user?: string };
}

/**
 * The edge's SSH access, kept over SSH on every change (cloud-init runs once, at the server's
 * creation): the admin user (created when the config names a new one; sudo and docker groups),
 * its authorized_keys (replaced atomically: never absent, never half-written), the project
 * directory's owner, and sshd's ports and allowed users (validated with `sshd -t` before sshd is
 * restarted; a rejected configuration is put back). Run as root (`sudo -n sh -s`, from stdin).
 */
export function sshAccessScript(input: SshAccessInput): string {
  const user = input.adminUser;
  const sshd = sshdDropIn({
    ports: [...(input.keep?.port === undefined ? [] : [input.keep.port]), input.sshPort],
    users: [...(input.keep?.user === undefined ? [] : [input.keep.user]), user],
  });
  return `# homelab: SSH access to the edge (run as root by Pulumi over SSH whenever it changes).
set -eu
user=${shellQuote(user)}
home=${shellQuote(`/home/${user}`)}
project=${shellQuote(PROJECT_DIR)}
dropin=${shellQuote(SSHD_DROP_IN)}
# The admin user: created when the config names a new one; in the sudo and docker groups.
if ! id -u "$user" >/dev/null 2>&1; then
  useradd --create-home --shell /bin/bash "$user"
fi
usermod -aG sudo,docker "$user"
printf '%s ALL=(ALL) NOPASSWD:ALL\n' "$user" > /etc/sudoers.d/90-homelab
chmod 0440 /etc/sudoers.d/90-homelab
# Its keys, replaced in one rename: the file is never absent or half-written.
mkdir -p "$home/.ssh"
chmod 0700 "$home/.ssh"
keys="$home/.ssh/authorized_keys.tmp.$$"
cat > "$keys" <<'KEYS'
${input.sshPublicKeys.join("\n")}
KEYS
chmod 0600 "$keys"
chown -R "$user:$user" "$home/.ssh"
mv -f "$keys" "$home/.ssh/authorized_keys"
# The compose project belongs to the admin user (the file steps write as it).
chown -R "$user:$user" "$project"
# sshd: the configured port and user, and until the next run the ones this run connected with.
next=$(mktemp)
cat > "$next" <<'SSHD'
${sshd}SSHD
if ! cmp -s "$next" "$dropin"; then
  previous=$(mktemp)
  cp "$dropin" "$previous" 2>/dev/null || : > "$previous"
  cp "$next" "$dropin"
  chmod 0644 "$dropin"
  if ! sshd -t; then
    cp "$previous" "$dropin"
    echo "homelab: sshd rejects the new settings; the previous ones stay" >&2
    exit 1
  fi
  # Ubuntu 24.04 starts sshd from ssh.socket, whose ports come from sshd_config at daemon-reload.
  systemctl daemon-reload
  if systemctl is-active --quiet ssh.socket; then systemctl restart ssh.socket; else systemctl restart ssh; fi
  rm -f "$previous"
fi
rm -f "$next"
`;
}

/** Inputs of {@link sshHostKeyScript}: the edge's SSH host key pair. */
export interface SshHostKeyInput {
  /** The private key in OpenSSH form (`-----BEGIN OPENSSH PRIVATE KEY-----`). */
  readonly privateKey: string;
  /** The public key in authorized_keys form (`ssh-ed25519 AAAA...`). */
  readonly publicKey: string;
}

/**
 * The edge's SSH host key, kept over SSH (cloud-init puts it on a new server; this puts it on a
 * server created before host key pinning, and a new key on any): when the private half differs,
 * both halves are replaced by rename, checked with `sshd -t` (a key sshd cannot load is put back)
 * and sshd is reloaded, so new connections get it and open sessions stay. Run as root
 * (`sudo -n sh -s`, from stdin: the private key is in no argument and no file Pulumi writes).
 */
export function sshHostKeyScript(input: SshHostKeyInput): string {
  return `# homelab: the edge's SSH host key (run as root by Pulumi over SSH when it changes).
set -eu
key=${shellQuote(SSH_HOST_KEY)}
umask 077
cat > "$key.next" <<'HOST_KEY'
${input.privateKey.trim()}
HOST_KEY
# The public half, for people (ssh-keygen -lf): sshd reads the private one only.
cat > "$key.pub.next" <<'HOST_KEY'
${input.publicKey.trim()}
HOST_KEY
chmod 0644 "$key.pub.next"
if cmp -s "$key.next" "$key"; then
  rm -f "$key.next"
  mv -f "$key.pub.next" "$key.pub"
  exit 0
fi
# The key sshd has now stays beside the new one until sshd accepts it.
for half in "$key" "$key.pub"; do
  rm -f "$half.previous"
  if [ -f "$half" ]; then cp -p "$half" "$half.previous"; fi
done
mv -f "$key.pub.next" "$key.pub"
mv -f "$key.next" "$key"
if ! sshd -t; then
  for half in "$key" "$key.pub"; do
    if [ -f "$half.previous" ]; then mv -f "$half.previous" "$half"; fi
  done
  echo "homelab: sshd cannot load the new host key; the previous one stays" >&2
  exit 1
fi
rm -f "$key.previous" "$key.pub.previous"
# sshd re-executes itself on reload: new connections get the new key, open sessions stay.
systemctl try-reload-or-restart ssh.service
`;
}

/** Quotes a word for POSIX sh. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

// ---------------------------------------------------------------- Traefik

/** Inputs of {@link traefikStaticConfig}. */
export interface TraefikStaticInput {
  /** The ACME account's contact. */
  readonly acmeEmail: string;
  readonly logLevel: "DEBUG" | "INFO" | "WARN" | "ERROR";
  /** Use Let's Encrypt's staging CA (untrusted certificates, generous limits) while trying things out. */
  readonly acmeStaging: boolean;
  /**
   * Certificates by the DNS-01 challenge, provider `cloudflare` (Traefik's ACME client, lego, reads
   * the token from `CF_DNS_API_TOKEN`: {@link TRAEFIK_ENV}), asking these resolvers for the zone's
   * servers and the challenge record (`host:port`). Unset: the TLS-ALPN challenge on :443.
   */
  readonly dnsChallenge?: { readonly resolvers: readonly string[] };
  /**
   * Networks whose X-Forwarded-* headers Traefik keeps on both entry points (Cloudflare's ranges,
   * when its proxy is in front); empty or unset: Traefik trusts none and sets them itself.
   */
  readonly trustedIPs?: readonly string[];
}

/** Traefik's container paths. */
const TRAEFIK_PATHS = { static: "/etc/traefik/traefik.yaml", dynamic: "/etc/traefik/dynamic", acme: "/letsencrypt/acme.json" };

/** Traefik's internal entry point (ping), on the host's loopback only: Traefik runs in the host's network. */
export const TRAEFIK_INTERNAL_ADDRESS = "127.0.0.1:8080";

/**
 * Traefik's static configuration: :80 redirects to :443; :443 terminates TLS with certificates
 * from Let's Encrypt, by the DNS-01 challenge through Cloudflare's API when `dnsChallenge` is given
 * (a name gets its certificate whether or not its public record exists yet, and behind Cloudflare's
 * proxy too), else by TLS-ALPN; routes come from the watched dynamic directory, where the services
 * stack adds one file per public service. With `trustedIPs`, both entry points keep the
 * X-Forwarded-* headers of those networks only (`forwardedHeaders.trustedIPs`; no PROXY protocol:
 * Cloudflare's proxy sends plain HTTP headers). The internal entry point (ping) listens on loopback.
 */
export function traefikStaticConfig(input: TraefikStaticInput): Record<string, unknown> {
  const forwarded =
    input.trustedIPs !== undefined && input.trustedIPs.length > 0
      ? { forwardedHeaders: { trustedIPs: [...input.trustedIPs] } }
      : {};
  return {
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    entryPoints: {
      [ENTRY_POINTS.web]: {
        address: ":80",
        ...forwarded,
        http: { redirections: { entryPoint: { to: ENTRY_POINTS.websecure, scheme: "https", permanent: true } } },
      },
      [ENTRY_POINTS.websecure]: { address: ":443", ...forwarded, http: { tls: { certResolver: CERT_RESOLVER } } },
      // Traefik would open :8080 on every address of the host for ping.
      traefik: { address: TRAEFIK_INTERNAL_ADDRESS },
    },
    providers: { file: { directory: TRAEFIK_PATHS.dynamic, watch: true } },
    certificatesResolvers: {
      [CERT_RESOLVER]: {
        acme: {
          email: input.acmeEmail,
          storage: TRAEFIK_PATHS.acme,
          ...(input.acmeStaging ? { caServer: "https://acme-staging-v02.api.letsencrypt.org/directory" } : {}),
          ...(input.dnsChallenge === undefined
            ? { tlsChallenge: {} }
            : { dnsChallenge: { provider: "cloudflare", resolvers: [...input.dnsChallenge.resolvers] } }),
        },
      },
    },
    api: { dashboard: false },
    ping: {},
    log: { level: input.logLevel },
    accessLog: {},
  };
}

/**
 * The dynamic file the edge itself owns: Authentik's own router, the forward-auth middleware
 * that protected routers use (`authentik@file`), and a headers middleware (`security-headers@file`).
 */
export function authentikDynamicConfig(hostname: string): Record<string, unknown> {
  return {
    http: {
      routers: {
        authentik: {
          rule: `Host(\`${hostname}\`)`,
          entryPoints: [ENTRY_POINTS.websecure],
          service: AUTHENTIK_ROUTER_SERVICE,
          middlewares: ["security-headers"],
          tls: { certResolver: CERT_RESOLVER },
        },
      },
      services: {
        [AUTHENTIK_ROUTER_SERVICE]: {
          loadBalancer: { servers: [{ url: `http://${AUTHENTIK_SERVICE}:${AUTHENTIK_HTTP_PORT}` }] },
        },
      },
      middlewares: {
        [FORWARD_AUTH_MIDDLEWARE]: {
          forwardAuth: {
            address: forwardAuthAddress(),
            trustForwardHeader: true,
            authResponseHeaders: [...AUTHENTIK_RESPONSE_HEADERS],
          },
        },
        "security-headers": {
          headers: {
            stsSeconds: 31536000,
            stsIncludeSubdomains: true,
            contentTypeNosniff: true,
            frameDeny: true,
            referrerPolicy: "strict-origin-when-cross-origin",
          },
        },
      },
    },
  };
}

// ---------------------------------------------------------------- compose

/** Inputs of {@link edgeCompose}. */
export interface EdgeComposeInput {
  readonly images: { readonly [K in keyof typeof EDGE_IMAGES]: string };
  /** NetBird's management URL. */
  readonly netbirdManagementUrl: string;
  /** The VPS's name in NetBird. */
  readonly netbirdHostname: string;
  readonly wireguardPort: number;
  /** The Authentik admin's email (bootstrap). */
  readonly authentikBootstrapEmail: string;
  /** Hash of Traefik's static file: a changed file changes the service, so `up` recreates it. */
  readonly traefikConfigHash: string;
  /** Traefik reads {@link SECRET_ENV_FILES}`.traefik` (the Cloudflare token of the DNS-01 challenge). @default false */
  readonly traefikEnvFile?: boolean;
  /** Every service's log rotation (compose `logging`). @default {@link DEFAULT_LOG_ROTATION} */
  readonly logs?: LogRotation;
  /**
   * The {@link BACKUP_SERVICE} service, when set: `scriptHash` is the hash of its script
   * ({@link BACKUP_FILES}`.script`), a label, so a new script recreates it. Unset: no backups.
   */
  readonly backup?: { readonly scriptHash: string };
}

/** The env files (under `secrets/`) the services read their secrets from. */
export const SECRET_ENV_FILES = {
  authentik: "secrets/authentik.env",
  postgresql: "secrets/postgresql.env",
  netbird: "secrets/netbird.env",
  /** Only with a Cloudflare token (DNS-01): {@link TRAEFIK_ENV}. */
  traefik: "secrets/traefik.env",
} as const;

/**
 * What Traefik's env file sets: the Cloudflare API token lego's `cloudflare` DNS provider reads
 * (`CF_DNS_API_TOKEN`, alias `CLOUDFLARE_DNS_API_TOKEN`; go-acme/lego docs/content/dns/zz_gen_cloudflare.md).
 * Without `CF_ZONE_API_TOKEN` the one token serves both the zone lookup and the record edits, so it
 * needs Zone:Read and DNS:Edit on the zone, the scope cert-manager's Cloudflare token has.
 */
export const TRAEFIK_ENV = { cloudflareToken: "CF_DNS_API_TOKEN" } as const;

/**
 * Where Traefik, in the host's network, reaches Authentik's server: the server publishes its HTTP
 * port on the host's loopback, and Traefik's /etc/hosts names that address {@link AUTHENTIK_SERVICE}
 * (`extra_hosts`), so the forward-auth address and Authentik's route stay `http://authentik-server:9000`.
 */
export const AUTHENTIK_LOOPBACK = "127.0.0.1";

const POSTGRES = { user: "authentik", database: "authentik" } as const;

/** The compose project's name: Docker names its volumes `<project>_<volume>`. */
export const COMPOSE_PROJECT = "edge";

/**
 * Authentik's shared memory (`shm_size` of server and worker), as Authentik's own compose file
 * (lifecycle/container/compose.yml) sets it since "lifecycle: bump shm size" (goauthentik/authentik
 * pull request 19369). Its processes keep temporary files, sessions and metrics in /dev/shm
 * (`TMPDIR=/dev/shm/` in its image); Docker's default of 64 MiB fills, and both containers
 * crash-loop.
 */
export const AUTHENTIK_SHM_SIZE = "512mb";

/**
 * Authentik's named volumes, by container path, as Authentik's compose file keeps them (there bind
 * mounts: `./data`, `./custom-templates`, the worker's `./certs`). Since 2025.12 Authentik keeps
 * its files (uploads: icons, branding; reports) under `/data`. Its image links `/data/media` to
 * `/media`, where earlier releases kept uploads: `media` stays mounted at `/media`, so the uploads
 * of an edge from before `/data` stay where they are and the link still reaches them (a new `data`
 * volume starts as a copy of the image's `/data`, link included). The docker socket upstream gives
 * the worker is left out: it is for outposts Authentik deploys itself, and would make the worker
 * root on the VPS.
 */
const AUTHENTIK_VOLUMES = {
  server: ["data:/data", "media:/media", "templates:/templates"],
  worker: ["data:/data", "media:/media", "certs:/certs", "templates:/templates"],
} as const;

/**
 * The compose project: Traefik and NetBird in the host's network (Traefik sees every client's own
 * address; the tunnel's routes are the host's, so Traefik reaches LAN upstreams through it), and
 * Authentik's server (its HTTP port published on the host's loopback, for Traefik) and worker with
 * PostgreSQL. Authentik since 2025.10 keeps its cache and task queue in
 * PostgreSQL, so there is no Redis. Secrets come from the env files of {@link SECRET_ENV_FILES}.
 */
export function edgeCompose(input: EdgeComposeInput): Record<string, unknown> {
  const authentikEnvironment = {
    AUTHENTIK_POSTGRESQL__HOST: "postgresql",
    AUTHENTIK_POSTGRESQL__USER: POSTGRES.user,
    AUTHENTIK_POSTGRESQL__NAME: POSTGRES.database,
    AUTHENTIK_BOOTSTRAP_EMAIL: input.authentikBootstrapEmail,
    AUTHENTIK_ERROR_REPORTING__ENABLED: "false",
  };
  const authentik = (command: "server" | "worker") => ({
    image: input.images.authentik,
    restart: "unless-stopped",
    command,
    environment: authentikEnvironment,
    env_file: [`./${SECRET_ENV_FILES.authentik}`],
    shm_size: AUTHENTIK_SHM_SIZE,
    volumes: [...AUTHENTIK_VOLUMES[command]],
    depends_on: { postgresql: { condition: "service_healthy" } },
  });
  return {
    name: COMPOSE_PROJECT,
    services: withLogging(input.logs ?? DEFAULT_LOG_ROTATION, {
      // In the host's network: it listens on :80 and :443 of every host address itself, so IPv4
      // and IPv6 clients reach it with their own addresses. Published ports would send IPv6
      // clients through docker-proxy (the compose networks have no IPv6), and Traefik, Authentik
      // and IP allow lists would see a Docker gateway instead.
      traefik: {
        image: input.images.traefik,
        restart: "unless-stopped",
        network_mode: "host",
        extra_hosts: [`${AUTHENTIK_SERVICE}:${AUTHENTIK_LOOPBACK}`],
        ...(input.traefikEnvFile ? { env_file: [`./${SECRET_ENV_FILES.traefik}`] } : {}),
        volumes: [
          `./traefik/traefik.yaml:${TRAEFIK_PATHS.static}:ro`,
          `./traefik/dynamic:${TRAEFIK_PATHS.dynamic}:ro`,
          "letsencrypt:/letsencrypt",
        ],
        labels: { "homelab.config-hash": input.traefikConfigHash },
      },
      netbird: {
        image: input.images.netbird,
        restart: "unless-stopped",
        network_mode: "host",
        cap_add: ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"],
        environment: {
          NB_MANAGEMENT_URL: input.netbirdManagementUrl,
          NB_HOSTNAME: input.netbirdHostname,
          NB_WIREGUARD_PORT: String(input.wireguardPort),
          NB_LOG_LEVEL: "info",
          // Its log to stderr only, so Docker rotates it: the image also writes a copy inside the
          // container (NB_LOG_FILE "console,/var/log/netbird/client.log" in client/Dockerfile).
          NB_LOG_FILE: "console",
        },
        env_file: [`./${SECRET_ENV_FILES.netbird}`],
        // Healthy once logged in (idle, connecting or connected): a setup key the management
        // service refuses leaves it unhealthy, and `compose up --wait` fails, naming it.
        healthcheck: {
          test: ["CMD", "netbird", "status", "--check", "ready"],
          start_period: "30s",
          interval: "30s",
          retries: 3,
          timeout: "5s",
        },
        volumes: [`netbird:${NETBIRD_STATE_DIR}`],
      },
      postgresql: {
        image: input.images.postgresql,
        restart: "unless-stopped",
        environment: { POSTGRES_USER: POSTGRES.user, POSTGRES_DB: POSTGRES.database },
        env_file: [`./${SECRET_ENV_FILES.postgresql}`],
        healthcheck: {
          test: ["CMD-SHELL", "pg_isready -d $${POSTGRES_DB} -U $${POSTGRES_USER}"],
          start_period: "20s",
          interval: "30s",
          retries: 5,
          timeout: "5s",
        },
        volumes: ["database:/var/lib/postgresql/data"],
        networks: ["backend"],
      },
      [AUTHENTIK_SERVICE]: {
        ...authentik("server"),
        // For Traefik, on the host's loopback only (see AUTHENTIK_LOOPBACK).
        ports: [`${AUTHENTIK_LOOPBACK}:${AUTHENTIK_HTTP_PORT}:${AUTHENTIK_HTTP_PORT}`],
        networks: ["edge", "backend"],
      },
      "authentik-worker": { ...authentik("worker"), networks: ["backend"] },
      ...(input.backup === undefined
        ? {}
        : { [BACKUP_SERVICE]: backupService(input.images.postgresql, input.backup.scriptHash) }),
    }),
    networks: { edge: {}, backend: {} },
    volumes: { letsencrypt: {}, netbird: {}, database: {}, media: {}, templates: {}, data: {}, certs: {} },
  };
}

/**
 * The Docker names of a compose project's named volumes (`edge_database`, ...), sorted: what the
 * hetzner stack exports, so its next run sees a volume go.
 */
export function composeVolumeNames(compose: Readonly<Record<string, unknown>>): string[] {
  return Object.keys((compose.volumes as object | undefined) ?? {})
    .map((volume) => `${String(compose.name)}_${volume}`)
    .sort();
}

/**
 * Volumes given up on purpose, by Docker name, each with the reason: the only ones a run may stop
 * naming. A volume compose no longer names is not deleted, but it is no longer mounted either:
 * renaming one would start the service on a new, empty volume.
 */
export const RETIRED_VOLUMES: Readonly<Record<string, string>> = {};

/**
 * The volumes of the last run (`previous`, the stack's `composeVolumes` output; unset before the
 * first run, or from a release that did not export it) that `now` no longer names and that are not
 * retired: each would leave its data behind.
 */
export function droppedVolumes(
  previous: readonly string[] | undefined,
  now: readonly string[],
  retired: Readonly<Record<string, string>> = RETIRED_VOLUMES,
): string[] {
  return (previous ?? []).filter((volume) => !now.includes(volume) && !(volume in retired));
}

/** The secrets each env file holds (plain values; only ever rendered inside a secret Output). */
export interface EdgeSecrets {
  readonly authentikSecretKey: string;
  readonly postgresPassword: string;
  readonly authentikBootstrapToken: string;
  readonly authentikBootstrapPassword?: string;
  readonly netbirdSetupKey: string;
  /** The Cloudflare API token of the DNS-01 challenge: with it, Traefik's env file. */
  readonly cloudflareToken?: string;
}

type EnvFilePath = (typeof SECRET_ENV_FILES)[keyof typeof SECRET_ENV_FILES];
type TraefikEnvPath = typeof SECRET_ENV_FILES.traefik;

/** Every env file's text, by its path in the project. Call it inside a secret Output only. */
export function secretEnvFiles(
  s: EdgeSecrets,
): Record<Exclude<EnvFilePath, TraefikEnvPath>, string> & Partial<Record<TraefikEnvPath, string>> {
  return {
    [SECRET_ENV_FILES.authentik]: secretEnvFile({
      AUTHENTIK_SECRET_KEY: s.authentikSecretKey,
      AUTHENTIK_POSTGRESQL__PASSWORD: s.postgresPassword,
      AUTHENTIK_BOOTSTRAP_TOKEN: s.authentikBootstrapToken,
      ...(s.authentikBootstrapPassword === undefined ? {} : { AUTHENTIK_BOOTSTRAP_PASSWORD: s.authentikBootstrapPassword }),
    }),
    [SECRET_ENV_FILES.postgresql]: secretEnvFile({ POSTGRES_PASSWORD: s.postgresPassword }),
    [SECRET_ENV_FILES.netbird]: secretEnvFile({ NB_SETUP_KEY: s.netbirdSetupKey }),
    ...(s.cloudflareToken === undefined
      ? {}
      : { [SECRET_ENV_FILES.traefik]: secretEnvFile({ [TRAEFIK_ENV.cloudflareToken]: s.cloudflareToken }) }),
  };
}

/** `KEY=value` lines as compose's env_file reads them (values unquoted; config rejects newlines). */
export function secretEnvFile(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n")
    .concat("\n");
}

// ---------------------------------------------------------------- logs and backups

/**
 * Docker's log rotation for a container (the json-file driver's `max-size` and `max-file`). By
 * default the driver never rotates (`max-size` -1, Docker's "JSON File logging driver" page), so a
 * chatty container fills the disk; daemon.json's `log-opts` would need a restart of dockerd and
 * reach only containers created after it, so every service of the project names its own.
 */
export interface LogRotation {
  /** The size at which a container's log file is rotated: a whole number and `k`, `m` or `g`. */
  readonly maxSize: string;
  /** Log files kept per container, the current one included (Docker counts only with `maxSize`). */
  readonly maxFiles: number;
}

/** The edge's log rotation unless config says otherwise: 3 files of 10 MB per container. */
export const DEFAULT_LOG_ROTATION: LogRotation = { maxSize: "10m", maxFiles: 3 };

/** A compose service's `logging` for a rotation (options are strings, as Docker reads them). */
export function composeLogging(rotation: LogRotation): Record<string, unknown> {
  return { driver: "json-file", options: { "max-size": rotation.maxSize, "max-file": String(rotation.maxFiles) } };
}

/** Every service of `services` with the rotation's `logging`. */
function withLogging(rotation: LogRotation, services: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(services).map(([name, s]) => [name, { ...s, logging: composeLogging(rotation) }]));
}

/** The compose service that dumps Authentik's database ({@link postgresqlBackupScript}). */
export const BACKUP_SERVICE = "postgresql-backup";
/**
 * The backup service's files in the project, in a directory it mounts read-only at `/backup` (a
 * directory, not the files: a file is rewritten by rename, which a file mount would never see).
 * The settings are re-read every minute, so a new schedule or retention needs no `compose up`.
 */
export const BACKUP_FILES = { script: "backup/postgresql-backup.sh", settings: "backup/settings.env" } as const;
/** Where the dumps go on the VPS (root's, mode 0700; each dump 0600), mounted at `/backups`. */
export const BACKUP_DIR = `${PROJECT_DIR}/backups`;

/** When and how many: a daily time (UTC) and the number of dumps kept. */
export interface BackupSchedule {
  /** The time of day the dump is made, `HH:MM` in UTC. */
  readonly schedule: string;
  /** Dumps kept: after each scheduled dump, the oldest beyond this many are deleted. */
  readonly keep: number;
}

/** The backup service's settings file ({@link BACKUP_FILES}`.settings`). */
export function backupSettingsFile(b: BackupSchedule): string {
  return `BACKUP_SCHEDULE=${b.schedule}\nBACKUP_KEEP=${b.keep}\n`;
}

/** The backup service: the PostgreSQL image itself (its pg_dump is the server's major). */
function backupService(image: string, scriptHash: string): Record<string, unknown> {
  return {
    image,
    restart: "unless-stopped",
    command: ["sh", `/${BACKUP_FILES.script}`],
    // Where and as whom pg_dump connects; the password is POSTGRES_PASSWORD of the env file.
    environment: { PGHOST: "postgresql", PGUSER: POSTGRES.user, PGDATABASE: POSTGRES.database },
    env_file: [`./${SECRET_ENV_FILES.postgresql}`],
    volumes: ["./backup:/backup:ro", "./backups:/backups"],
    // The script's hash: a new script recreates the service (the settings beside it are re-read).
    labels: { "homelab.config-hash": scriptHash },
    depends_on: { postgresql: { condition: "service_healthy" } },
    networks: ["backend"],
  };
}

/**
 * The backup service's script (POSIX sh: busybox in the alpine image). Every minute it reads its
 * settings; a dump is due when there is none made since the last scheduled time, so a time missed
 * while the VPS (or the service) was down is caught up when it starts. pg_dump writes the custom
 * format (compressed, for pg_restore) beside the final name, renamed once it succeeds; a failed
 * dump leaves nothing and deletes nothing. After each scheduled dump the dumps beyond `keep` go,
 * oldest first. `--now` makes one dump at once and deletes nothing. The password reaches pg_dump
 * as PGPASSWORD from POSTGRES_PASSWORD (the service's env file), never a file.
 */
export function postgresqlBackupScript(): string {
  return `#!/bin/sh
# homelab: dumps Authentik's PostgreSQL database on a schedule (the ${BACKUP_SERVICE} service).
# Settings: BACKUP_SCHEDULE (daily, HH:MM UTC) and BACKUP_KEEP (dumps kept), re-read every minute.
set -u
settings=\${BACKUP_SETTINGS:-/${BACKUP_FILES.settings}}
dir=\${BACKUP_DIR:-/backups}
log() { printf 'homelab backup: %s\\n' "$*"; }
# A complaint about the settings, once until they change (the loop would repeat it every minute).
complain() {
  if [ "$*" != "\${complained:-}" ]; then log "$*"; fi
  complained=$*
}

# pg_dump's connection: PGHOST, PGUSER, PGDATABASE from the service's environment, the password
# from secrets/postgresql.env (its env_file).
: "\${PGHOST:?must be set}" "\${PGUSER:?must be set}" "\${PGDATABASE:?must be set}"
: "\${POSTGRES_PASSWORD:?must be set: the service reads it from secrets/postgresql.env}"
PGPASSWORD=$POSTGRES_PASSWORD
export PGPASSWORD
umask 077
if ! mkdir -p "$dir" || ! chmod 0700 "$dir"; then exit 1; fi

# The settings, or a complaint (and nothing is done this minute).
load() {
  schedule=''
  keep=''
  if [ ! -r "$settings" ]; then
    complain "cannot read $settings"
    return 1
  fi
  while IFS='=' read -r key value; do
    case $key in
      BACKUP_SCHEDULE) schedule=$value ;;
      BACKUP_KEEP) keep=$value ;;
    esac
  done < "$settings"
  case $schedule in
    [01][0-9]:[0-5][0-9] | 2[0-3]:[0-5][0-9]) ;;
    *) complain "BACKUP_SCHEDULE must be HH:MM, got '$schedule'"; return 1 ;;
  esac
  case $keep in
    '' | *[!0-9]* | 0*) complain "BACKUP_KEEP must be a whole number of at least 1, got '$keep'"; return 1 ;;
  esac
  complained=''
  if [ "$schedule $keep" != "\${loaded:-}" ]; then
    log "daily at $schedule UTC into $dir, keeping the newest $keep"
    loaded="$schedule $keep"
  fi
}

# Due: no dump yet, or none since the last scheduled time (seconds since the epoch, UTC).
due() {
  now=$(date -u +%s)
  hour=\${schedule%%:*}
  minute=\${schedule#*:}
  # A leading 0 would make the number octal.
  at=$((now - now % 86400 + \${hour#0} * 3600 + \${minute#0} * 60))
  if [ "$at" -gt "$now" ]; then at=$((at - 86400)); fi
  newest=''
  for file in "$dir"/authentik-*.dump; do
    if [ -e "$file" ]; then newest=$file; fi
  done
  [ -z "$newest" ] || [ "$(date -u -r "$newest" +%s)" -lt "$at" ]
}

# One dump, written beside its name and renamed once complete.
dump() {
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  part="$dir/.authentik-$stamp.dump.partial"
  if pg_dump --format=custom --file="$part"; then
    mv -f "$part" "$dir/authentik-$stamp.dump"
    log "dumped $PGDATABASE to $dir/authentik-$stamp.dump"
  else
    status=$?
    rm -f "$part"
    log "pg_dump failed (exit $status); the dumps before stay"
    return 1
  fi
}

# The dumps beyond BACKUP_KEEP, oldest first (the names sort by time).
prune() {
  set -- "$dir"/authentik-*.dump
  [ -e "$1" ] || return 0
  excess=$(($# - keep))
  while [ "$excess" -gt 0 ]; do
    rm -f -- "$1"
    log "removed $1 (keeping the newest $keep)"
    shift
    excess=$((excess - 1))
  done
}

if [ "\${1:-}" = "--now" ]; then
  dump
  exit
fi
# As the container's first process, sh would ignore docker stop's TERM.
trap 'log stopped; exit 0' TERM INT
while :; do
  if load && due; then
    dump && prune
  fi
  sleep 60 &
  wait $!
done
`;
}

// ---------------------------------------------------------------- hashing

/**
 * A content hash over files (path and text, in path order): what the remote commands' triggers
 * hold, so they run again exactly when a file changes.
 */
export function filesHash(files: Readonly<Record<string, string>>): string {
  const hash = createHash("sha256");
  for (const path of Object.keys(files).sort()) hash.update(`${path}\0${files[path]!}\0`);
  return hash.digest("hex");
}
