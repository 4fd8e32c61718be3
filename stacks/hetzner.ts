import * as pulumi from "@pulumi/pulumi";
import { getSshKey } from "@pulumi/hcloud/getSshKey";
import { EdgeServer, type ExistingSshKey } from "../components/edge-server";
import type { ExistingSshKeyRef, HetznerConfig } from "../config/hetzner";
import { maskedText } from "../lib/artifacts";
import { cloudflareRanges, cloudflareResolvers } from "../lib/cloudflare-ips";
import {
  AUTHENTIK_ROUTER_SERVICE,
  authentikDynamicConfig,
  BACKUP_FILES,
  backupSettingsFile,
  CERT_RESOLVER,
  cloudConfigText,
  composeVolumeNames,
  droppedVolumes,
  DYNAMIC_DIR,
  edgeCloudConfig,
  edgeCompose,
  edgeFirewallRules,
  ENTRY_POINTS,
  filesHash,
  FORWARD_AUTH_MIDDLEWARE,
  forwardAuthAddress,
  postgresqlBackupScript,
  SECRET_ENV_FILES,
  secretEnvFiles,
  traefikStaticConfig,
} from "../lib/edge";
import { toYaml } from "../lib/yaml";
import type { ProgramResult, RunContext } from "./program";

/**
 * The `hetzner` program: the edge VPS. A firewall that lets in HTTP(S), NetBird and SSH from the
 * admin networks; the server with a small cloud-init; then, over SSH, the compose project (Traefik,
 * NetBird, Authentik with PostgreSQL) with its secrets in env files, brought up with compose.
 *
 * Its outputs are what the authentik and services stacks build on: the addresses, the SSH host,
 * user and host key, Traefik's dynamic directory, certificate resolver and forward-auth middleware, and
 * Authentik's URL and API token (secret).
 */
export function run(cfg: HetznerConfig, context: RunContext): ProgramResult {
  // The stack's own outputs from its last run: where SSH answers now, on which server, with which
  // host key, the compose project's volumes, and the bootstrap token Authentik was created with
  // (unset on a first run).
  const last = new pulumi.StackReference("previous", { name: context.stack });
  const previousOutput = <T>(key: string) => last.getOutput(key) as pulumi.Output<T | undefined>;
  // Certificates by DNS-01 when there is a Cloudflare token (its env file is Traefik's); Cloudflare's
  // ranges the only trusted proxies when its proxy is in front.
  const dns01 = cfg.traefik.cloudflareToken !== undefined;
  const staticConfig = toYaml(
    traefikStaticConfig({
      acmeEmail: cfg.traefik.acmeEmail,
      acmeStaging: cfg.traefik.acmeStaging,
      logLevel: cfg.traefik.logLevel,
      ...(dns01 ? { dnsChallenge: { resolvers: cloudflareResolvers(cfg.server) } } : {}),
      ...(cfg.traefik.cloudflareProxied ? { trustedIPs: cloudflareRanges() } : {}),
    }),
  );
  // Authentik's database dumped on a schedule (homelab:backup): the script beside the compose file,
  // its schedule and retention a live file the service re-reads (a change runs no `compose up`).
  const backupScript = cfg.backup.enabled ? postgresqlBackupScript() : undefined;
  const compose = edgeCompose({
    logs: cfg.logs,
    ...(backupScript === undefined ? {} : { backup: { scriptHash: filesHash({ script: backupScript }).slice(0, 16) } }),
    images: cfg.images,
    netbirdManagementUrl: cfg.netbird.managementUrl,
    netbirdHostname: cfg.netbird.hostname,
    wireguardPort: cfg.netbird.wireguardPort,
    authentikBootstrapEmail: cfg.authentik.adminEmail,
    traefikConfigHash: filesHash({ "traefik.yaml": staticConfig }).slice(0, 16),
    traefikEnvFile: dns01,
  });
  const composeVolumes = composeVolumeNames(compose);
  // A volume the last run had and this one would not mount fails the run here, before any step:
  // every step of the edge waits on `previous` (the SSH step's connection and script; the files and
  // `compose up` wait on the SSH step; the firewall's rules), so nothing on the VPS changes.
  const previous = pulumi
    .all([
      previousOutput<string>("serverId"),
      previousOutput<number>("sshPort"),
      previousOutput<string>("sshUser"),
      previousOutput<string>("sshHostKey"),
      previousOutput<string[]>("composeVolumes"),
    ])
    .apply(([serverId, sshPort, sshUser, sshHostKey, volumes]) => {
      keptVolumes(volumes, composeVolumes);
      return { serverId, sshPort, sshUser, sshHostKey };
    });
  const exportedToken = previousOutput<string>("authentikToken");
  // Authentik reads the bootstrap token on its first start only: the env file keeps the token it
  // was created with, and the exported token fails the run when the config names another.
  const bootstrapToken = pulumi.secret(
    pulumi.all([cfg.authentik.bootstrapToken, exportedToken]).apply(([now, before]) => before ?? now),
  );

  const files: Record<string, string> = {
    "compose.yaml": toYaml(compose),
    "traefik/traefik.yaml": staticConfig,
    "traefik/dynamic/authentik.yaml": toYaml(authentikDynamicConfig(cfg.authentik.hostname)),
    ...(backupScript === undefined ? {} : { [BACKUP_FILES.script]: backupScript }),
  };
  const a = cfg.authentik;
  const envFiles = pulumi
    .output({
      authentikSecretKey: a.secretKey,
      postgresPassword: a.postgresPassword,
      authentikBootstrapToken: bootstrapToken,
      authentikBootstrapPassword: a.bootstrapPassword,
      netbirdSetupKey: cfg.netbird.setupKey,
      cloudflareToken: cfg.traefik.cloudflareToken,
    })
    .apply(secretEnvFiles);
  // One Output per file, so each file's command sees only its own secret change. Traefik's only
  // with a Cloudflare token.
  const secretFiles = Object.fromEntries(
    Object.values(SECRET_ENV_FILES)
      .filter((path) => dns01 || path !== SECRET_ENV_FILES.traefik)
      .map((path) => [path, envFiles.apply((files) => files[path]!)]),
  );
  // Admin keys already in the Hetzner project, found by name or id: the server gets them by id,
  // cloud-init and the SSH step their public keys.
  const existingKeys = cfg.ssh.existingKeys.map(existingSshKey);
  const cloudConfig = edgeCloudConfig({
    image: cfg.server.image,
    adminUser: cfg.ssh.adminUser,
    sshPublicKeys: [...cfg.ssh.publicKeys, ...existingKeys.map((k) => k.publicKey)],
    sshPort: cfg.ssh.port,
  });

  const edge = new EdgeServer(cfg.server.name, {
    serverType: cfg.server.type,
    image: cfg.server.image,
    location: cfg.server.location,
    ipv4: cfg.server.ipv4,
    ipv6: cfg.server.ipv6,
    backups: cfg.server.backups,
    labels: cfg.server.labels,
    cloudConfig,
    adminUser: cfg.ssh.adminUser,
    sshPublicKeys: [...cfg.ssh.publicKeys],
    existingSshKeys: existingKeys,
    sshPrivateKey: cfg.ssh.privateKey,
    sshPort: cfg.ssh.port,
    // While sshd moves to a new port, the port it answers on now stays open (until the next run).
    firewallRules: previous.apply((p) =>
      edgeFirewallRules({
        sshFrom: cfg.ssh.allowFrom,
        allowSshFromAnywhere: cfg.ssh.allowSshFromAnywhere,
        sshPort: cfg.ssh.port,
        ...(p.sshPort === undefined ? {} : { keepSshPort: p.sshPort }),
        wireguardPort: cfg.netbird.wireguardPort,
        extra: cfg.firewallRules,
      }),
    ),
    previous,
    files,
    secretFiles,
    liveFiles: cfg.backup.enabled ? { [BACKUP_FILES.settings]: backupSettingsFile(cfg.backup) } : {},
    protect: cfg.server.protect,
  });

  const authentikUrl = `https://${cfg.authentik.hostname}`;
  return {
    outputs: {
      ipv4: edge.ipv4,
      ipv6: edge.ipv6,
      serverId: edge.server.id,
      sshHost: edge.sshHost,
      sshUser: cfg.ssh.adminUser,
      sshPort: cfg.ssh.port,
      // The edge's SSH host key (authorized_keys form): the services stack's connection pins it;
      // `<sshHost> <sshHostKey>` is its known_hosts line.
      sshHostKey: edge.sshHostKey,
      domain: cfg.domain,
      authentikUrl,
      // The compose project's volumes (Docker names): the next run refuses to stop naming one.
      composeVolumes,
      // Created by Authentik on its first start from AUTHENTIK_BOOTSTRAP_TOKEN: the authentik stack's API token.
      authentikToken: unchangedBootstrapToken(cfg.authentik.bootstrapToken, exportedToken),
      traefik: {
        dynamicDir: DYNAMIC_DIR,
        certResolver: CERT_RESOLVER,
        entryPoint: ENTRY_POINTS.websecure,
        forwardAuthMiddleware: `${FORWARD_AUTH_MIDDLEWARE}@file`,
        forwardAuthAddress: forwardAuthAddress(),
        authentikService: `${AUTHENTIK_ROUTER_SERVICE}@file`,
      },
    },
    artifacts: {
      // The user data with the host key's private half masked (the server's is a secret).
      "edge.cloud-init.yaml": maskedText(edge.cloudConfig, cloudConfigText),
      "edge.compose.yaml": files["compose.yaml"]!,
      "edge.traefik-static.yaml": staticConfig,
      "authentik.traefik.yaml": files["traefik/dynamic/authentik.yaml"]!,
      // The script the SSH step runs on the VPS: the admin user, its keys, sshd's ports and users.
      "edge-ssh.sh": edge.sshScript,
      // The host key step's script, its private key masked.
      "edge-host-key.sh": edge.hostKeyScript,
      // What the backup service runs (homelab:backup).
      ...(backupScript === undefined ? {} : { "edge-postgresql-backup.sh": backupScript }),
    },
  };
}

/**
 * An admin key already in the Hetzner project (`ssh.publicKeys[i]: {existing: <name or id>}`),
 * looked up with the provider's `getSshKey`. A key it cannot find ends the run naming the config
 * key (the invoke's promise form, because only a promise's failure can be reworded).
 */
export function existingSshKey(ref: ExistingSshKeyRef): ExistingSshKey {
  const by = typeof ref.existing === "number" ? { id: ref.existing } : { name: ref.existing };
  const what = typeof ref.existing === "number" ? `with id ${ref.existing}` : `named ${JSON.stringify(ref.existing)}`;
  const found = pulumi.output(
    getSshKey(by)
      .then((key) => {
        if (key.id === undefined) throw new Error("it answered without an id");
        return { id: key.id, publicKey: key.publicKey.trim() };
      })
      .catch((error: unknown) => {
        throw new pulumi.RunError(
          `homelab:ssh.publicKeys[${ref.index}].existing: no SSH key ${what} in the Hetzner project (the one of HCLOUD_TOKEN; \`hcloud ssh-key list\` lists its keys): name a key that is there, or give its public key line instead (the provider said: ${errorMessage(error)})`,
        );
      }),
  );
  return { id: found.apply((k) => k.id), publicKey: found.apply((k) => k.publicKey) };
}

function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim();
}

/**
 * Fails the run when the compose project stops naming a volume the last run had (`previous`, unset
 * before the first run) that is not in RETIRED_VOLUMES (lib/edge.ts): compose would not delete it, but the
 * service would start on a new, empty volume, its data left behind unmounted.
 */
export function keptVolumes(previous: readonly string[] | undefined, now: readonly string[]): void {
  const dropped = droppedVolumes(previous, now);
  if (dropped.length > 0) {
    throw new pulumi.RunError(
      `the edge's compose project no longer names the volume${dropped.length > 1 ? "s" : ""} ${dropped.join(", ")} of the last run: its service would start on a new, empty volume and leave the data behind. Name it again (a renamed volume keeps its old name); to give it up, add it to RETIRED_VOLUMES in lib/edge.ts with the reason.`,
    );
  }
}

/**
 * The bootstrap token, refused when it differs from the one the stack's last run exported:
 * Authentik reads AUTHENTIK_BOOTSTRAP_TOKEN on its first start only, so a new value would reach
 * no one, and the authentik stack would be handed a token Authentik does not know.
 */
export function unchangedBootstrapToken(
  configured: pulumi.Input<string>,
  exported: pulumi.Output<string | undefined>,
): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.all([configured, exported]).apply(([now, before]) => {
      if (before !== undefined && before !== now) {
        throw new pulumi.RunError(
          "homelab:authentik.bootstrapToken changed, but Authentik reads it on its first start only: the new token would reach no one and the authentik stack would lose access. Set it back to the value of the first deploy; to give the authentik stack another token, create one in Authentik and set homelab:authentik.url and homelab:authentik.token there.",
        );
      }
      return now;
    }),
  );
}
