import * as pulumi from "@pulumi/pulumi";
import { Command } from "@pulumi/command/remote/command";
import { Firewall } from "@pulumi/hcloud/firewall";
import { Server } from "@pulumi/hcloud/server";
import { SshKey } from "@pulumi/hcloud/sshKey";
import { filesHash, PROJECT_DIR, type FirewallRule } from "../lib/edge";
import { fingerprint } from "../lib/artifacts";
import { remoteFile, shellQuote, type SshConnection } from "./remote-parts";

export interface EdgeServerArgs {
  /** Hetzner server type, e.g. `cx23`. */
  serverType: string;
  /** OS image, e.g. `ubuntu-24.04`. Only read when the server is created. */
  image: string;
  /** Location, e.g. `fsn1`. */
  location: string;
  /** Public IPv4 (a primary IPv4 costs extra; without it, SSH and the remote commands use IPv6). @default true */
  ipv4?: boolean;
  /** Public IPv6. @default true */
  ipv6?: boolean;
  /** Hetzner's daily backups. @default false */
  backups?: boolean;
  /** Labels on the server, firewall and SSH keys. */
  labels?: Record<string, string>;
  /** The user data (cloud-config). Only read when the server is created: changes never replace it. */
  userData: string;
  /** The admin user cloud-init creates; the remote commands log in as it. */
  adminUser: string;
  /** The admin's public keys: on the server at creation and kept in authorized_keys afterwards. */
  sshPublicKeys: string[];
  /** The private key the remote commands log in with (secret). Unset: the SSH agent (`SSH_AUTH_SOCK`). */
  sshPrivateKey?: pulumi.Input<string>;
  /** @default 22 */
  sshPort?: number;
  /** Inbound firewall rules; everything else inbound is dropped. */
  firewallRules: FirewallRule[];
  /** Files of the compose project, by path relative to {@link PROJECT_DIR} (not secret). */
  files: Record<string, string>;
  /** Secret files of the project (env files), by path; kept secret and written with mode 0600. */
  secretFiles: Record<string, pulumi.Input<string>>;
  /** Protect the server, its firewall and keys from deletion (`pulumi destroy` refuses). @default false */
  protect?: boolean;
}

/**
 * A Hetzner VPS that runs a compose project: SSH keys, a default-deny firewall, the server with a
 * small cloud-init, then over SSH (@pulumi/command) the project's files and `docker compose up`.
 *
 * The server's own inputs change only with the server type, location, labels, backups or
 * firewall: user data and SSH keys are read at creation only (`ignoreChanges`), because Hetzner
 * replaces a server when either changes. Everything that changes in ordinary operation reaches the
 * VPS through the remote commands, which run again exactly when a hash of their content changes:
 * a file's own hash for its file, the hash of every file and secret for `compose up`.
 *
 * @example
 * const edge = new EdgeServer("edge", {
 *   serverType: "cx23", image: "ubuntu-24.04", location: "fsn1",
 *   userData: edgeCloudInit({ image: "ubuntu-24.04", adminUser: "ops", sshPublicKeys: [key], sshPort: 22 }),
 *   adminUser: "ops", sshPublicKeys: [key], firewallRules: edgeFirewallRules({ ... }),
 *   files: { "compose.yaml": composeText }, secretFiles: { "secrets/app.env": envFile },
 * });
 */
export class EdgeServer extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:edge:EdgeServer";

  public readonly server: Server;
  public readonly firewall: Firewall;
  public readonly sshKeys: readonly SshKey[];
  /** Waits for cloud-init to finish on a new server. */
  public readonly ready: Command;
  /** `docker compose up` of the project. */
  public readonly up: Command;
  public readonly ipv4: pulumi.Output<string>;
  public readonly ipv6: pulumi.Output<string>;
  /** The address SSH and the remote commands use: IPv4 when the server has one, else IPv6. */
  public readonly sshHost: pulumi.Output<string>;
  /** The connection the remote commands use (secret): for more files on this server. */
  public readonly connection: pulumi.Output<SshConnection>;
  /** Hash of the project's files (not secrets); `up` runs again when it changes. */
  public readonly filesHash: string;

  constructor(name: string, args: EdgeServerArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = edgeServerProblems(args);
    if (problems.length > 0) throw new Error(`EdgeServer ${name}: ${problems.join("; ")}`);
    super(EdgeServer.__pulumiType, name, {}, opts);
    const labels = { "managed-by": "homelab", ...args.labels };
    const protect = args.protect ?? false;
    const ipv4 = args.ipv4 ?? true;

    // Named by the key's fingerprint: adding or removing a key leaves the others alone.
    this.sshKeys = args.sshPublicKeys.map((key) => {
      const keyName = `${name}-${fingerprint(key).slice(0, 8)}`;
      return new SshKey(keyName, { name: keyName, publicKey: key, labels }, { parent: this, protect });
    });
    this.firewall = new Firewall(
      name,
      {
        name,
        labels,
        rules: args.firewallRules.map((r) => ({
          direction: r.direction,
          protocol: r.protocol,
          ...(r.port === undefined ? {} : { port: r.port }),
          sourceIps: [...r.sourceIps],
          description: r.description,
        })),
      },
      { parent: this, protect },
    );
    this.server = new Server(
      name,
      {
        name,
        serverType: args.serverType,
        image: args.image,
        location: args.location,
        backups: args.backups ?? false,
        labels,
        publicNets: [{ ipv4Enabled: ipv4, ipv6Enabled: args.ipv6 ?? true }],
        firewallIds: [this.firewall.id.apply(Number)],
        sshKeys: this.sshKeys.map((k) => k.name),
        userData: args.userData,
        deleteProtection: protect,
        rebuildProtection: protect,
      },
      { parent: this, protect, ignoreChanges: ["userData", "sshKeys", "image"] },
    );
    this.ipv4 = this.server.ipv4Address;
    this.ipv6 = this.server.ipv6Address;
    this.sshHost = ipv4 ? this.server.ipv4Address : this.server.ipv6Address;
    this.connection = pulumi.secret(
      pulumi.output({
        host: this.sshHost,
        port: args.sshPort ?? 22,
        user: args.adminUser,
        ...(args.sshPrivateKey === undefined ? {} : { privateKey: args.sshPrivateKey }),
        // A new server takes a minute or two to accept SSH.
        dialErrorLimit: 30,
      }),
    );

    this.ready = new Command(
      `${name}-cloud-init`,
      {
        connection: this.connection,
        // Exit status 2 is "done, with recoverable errors" (cloud-init 23.4+); the checks after it decide.
        create:
          "set -u\ncloud-init status --wait >/dev/null || [ $? -eq 2 ]\nsudo -n docker info >/dev/null\ndocker compose version >/dev/null",
        triggers: [this.server.id],
      },
      { parent: this },
    );
    const authorizedKeys = remoteFile(this, `${name}-authorized-keys`, {
      connection: this.connection,
      path: `/home/${args.adminUser}/.ssh/authorized_keys`,
      content: `${args.sshPublicKeys.join("\n")}\n`,
      mode: "0600",
      hash: filesHash({ authorized_keys: args.sshPublicKeys.join("\n") }),
      dependsOn: [this.ready],
    });

    this.filesHash = filesHash(args.files);
    const files = Object.entries(args.files).map(([path, content]) =>
      remoteFile(this, `${name}-${fileSlug(path)}`, {
        connection: this.connection,
        path: `${PROJECT_DIR}/${path}`,
        content,
        mode: "0644",
        hash: filesHash({ [path]: content }),
        dependsOn: [this.ready],
      }),
    );
    const secretsHash = pulumi.secret(pulumi.all(args.secretFiles).apply(filesHash));
    const secrets = Object.entries(args.secretFiles).map(([path, text]) => {
      const content = pulumi.secret(text);
      return remoteFile(this, `${name}-${fileSlug(path)}`, {
        connection: this.connection,
        path: `${PROJECT_DIR}/${path}`,
        content,
        mode: "0600",
        hash: pulumi.secret(content.apply((text) => filesHash({ [path]: text }))),
        dependsOn: [this.ready],
      });
    });

    const dir = shellQuote(PROJECT_DIR);
    this.up = new Command(
      `${name}-compose-up`,
      {
        connection: this.connection,
        create: `set -eu\ncd ${dir}\nsudo -n docker compose up --detach --remove-orphans --wait --wait-timeout 600`,
        update: `set -eu\ncd ${dir}\nsudo -n docker compose up --detach --remove-orphans --wait --wait-timeout 600`,
        // Volumes (the database, certificates, NetBird's identity) stay.
        delete: `set -eu\ncd ${dir}\nsudo -n docker compose down --remove-orphans`,
        triggers: [this.filesHash, secretsHash],
      },
      { parent: this, dependsOn: [...files, ...secrets, authorizedKeys] },
    );

    this.registerOutputs({ ipv4: this.ipv4, ipv6: this.ipv6, sshHost: this.sshHost });
  }
}

/** `traefik/dynamic/authentik.yaml` → `traefik-dynamic-authentik-yaml`: a resource name per file. */
export function fileSlug(path: string): string {
  return path.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** What is wrong with the args, checked before anything is created. */
export function edgeServerProblems(args: EdgeServerArgs): string[] {
  const problems: string[] = [];
  if (args.sshPublicKeys.length === 0) problems.push("sshPublicKeys: at least one key is needed to reach the server");
  if (args.ipv4 === false && args.ipv6 === false) problems.push("ipv4 and ipv6 are both off: the server would be unreachable");
  for (const path of [...Object.keys(args.files), ...Object.keys(args.secretFiles)]) {
    if (path.startsWith("/") || path.split("/").includes(".."))
      problems.push(`${path}: file paths are relative to ${PROJECT_DIR}, without ..`);
  }
  const duplicate = Object.keys(args.secretFiles).find((p) => p in args.files);
  if (duplicate !== undefined) problems.push(`${duplicate} is both a file and a secret file`);
  return problems;
}
