import * as pulumi from "@pulumi/pulumi";
import { Command } from "@pulumi/command/remote/command";
import { Firewall } from "@pulumi/hcloud/firewall";
import { Server } from "@pulumi/hcloud/server";
import { SshKey } from "@pulumi/hcloud/sshKey";
import { filesHash, PROJECT_DIR, shellQuote, sshAccessScript, type FirewallRule } from "../lib/edge";
import { fingerprint } from "../lib/artifacts";
import { FORMER_TRIGGERS } from "./command-parts";
import { NO_PREVIOUS_OUTPUT, remoteFile, type SshConnection } from "./remote-parts";

/** What the stack's last run left on the server: where SSH answered, and on which server. */
export interface EdgeServerPrevious {
  /** The server's id then. */
  serverId?: string;
  /** The SSH port and admin user sshd answered on then. */
  sshPort?: number;
  sshUser?: string;
}

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
  firewallRules: pulumi.Input<FirewallRule[]>;
  /**
   * What the last run left (the stack's own previous outputs; unset on a first run): the SSH
   * step connects with the port and user the server answers on now, and keeps them allowed for
   * this run, so a change of `sshPort` or `adminUser` never locks Pulumi out (cloud-init runs once).
   */
  previous?: pulumi.Input<EdgeServerPrevious>;
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
 * VPS through remote commands, and every change is an update of a command, never a replacement
 * (no command has `triggers`, which @pulumi/command turns into replacements whose old `delete`
 * runs last): the SSH step re-runs when the admin user, keys or port change; a file's command
 * when its content (stdin) changes; `compose up` when the project's files or secrets hash changes.
 * A replaced server (delete first: its name is unique) gets every step again, on the new server.
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
  /** The admin user, its keys and sshd's ports and users, kept over SSH. */
  public readonly sshAccess: Command;
  /** The script the SSH step runs (as root, from stdin). */
  public readonly sshScript: pulumi.Output<string>;
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

    // Named by the key's fingerprint: adding or removing a key leaves the others alone. Not
    // protected: the server reads its keys at creation only, so a key object holds nothing, and
    // removing an admin key from config must delete its object (a protected one fails the run).
    this.sshKeys = args.sshPublicKeys.map((key) => {
      const keyName = `${name}-${fingerprint(key).slice(0, 8)}`;
      return new SshKey(keyName, { name: keyName, publicKey: key, labels }, { parent: this });
    });
    this.firewall = new Firewall(
      name,
      {
        name,
        labels,
        rules: pulumi.output(args.firewallRules).apply((rules) =>
          rules.map((r) => ({
            direction: r.direction,
            protocol: r.protocol,
            ...(r.port === undefined ? {} : { port: r.port }),
            sourceIps: [...r.sourceIps],
            description: r.description,
          })),
        ),
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
      {
        parent: this,
        protect,
        ignoreChanges: ["userData", "sshKeys", "image"],
        // A replacement (a new location, or `pulumi up --replace`) deletes the old server first:
        // Hetzner server names are unique per project. (The bridge would ask for it too, for an
        // explicit name; said here so it holds whatever the provider does.)
        deleteBeforeReplace: true,
      },
    );
    this.ipv4 = this.server.ipv4Address;
    this.ipv6 = this.server.ipv6Address;
    this.sshHost = ipv4 ? this.server.ipv4Address : this.server.ipv6Address;
    const port = args.sshPort ?? 22;
    const sshConnection = (p: pulumi.Input<number>, user: pulumi.Input<string>) =>
      pulumi.secret(
        pulumi.output({
          host: this.sshHost,
          port: p,
          user,
          ...(args.sshPrivateKey === undefined ? {} : { privateKey: args.sshPrivateKey }),
          // A new server takes a minute or two to accept SSH.
          dialErrorLimit: 30,
        }),
      );
    this.connection = sshConnection(port, args.adminUser);
    // The SSH step connects as the server answers now: the last run's port and user when it is
    // the same server, else (a new server, whose cloud-init has the config's) the config's.
    const answering = pulumi
      .all([this.server.id, args.previous ?? {}])
      .apply(([id, previous]) =>
        previous.serverId === id && previous.sshPort !== undefined && previous.sshUser !== undefined
          ? { port: previous.sshPort, user: previous.sshUser }
          : { port, user: args.adminUser },
      );

    const answeringConnection = sshConnection(
      answering.apply((now) => now.port),
      answering.apply((now) => now.user),
    );

    this.ready = new Command(
      `${name}-cloud-init`,
      {
        connection: answeringConnection,
        // Exit status 2 is "done, with recoverable errors" (cloud-init 23.4+); the checks after it decide.
        create:
          "set -eu\ncloud-init status --wait >/dev/null || [ $? -eq 2 ]\nsudo -n docker info >/dev/null\ndocker compose version >/dev/null",
        ...NO_PREVIOUS_OUTPUT,
      },
      {
        parent: this,
        // Runs once per server: created again with a new server (before it, in a delete-first
        // replacement), never re-run for a new port or user (the SSH step moves those).
        replaceWith: [this.server],
        ignoreChanges: ["connection", FORMER_TRIGGERS],
      },
    );

    const accessScript = answering.apply((now) =>
      sshAccessScript({
        adminUser: args.adminUser,
        sshPublicKeys: args.sshPublicKeys,
        sshPort: port,
        keep: {
          ...(now.port === port ? {} : { port: now.port }),
          ...(now.user === args.adminUser ? {} : { user: now.user }),
        },
      }),
    );
    this.sshScript = accessScript;
    this.sshAccess = new Command(
      `${name}-ssh`,
      {
        connection: answeringConnection,
        create: "sudo -n sh -s",
        stdin: accessScript,
        // Nothing on delete: a destroyed stack leaves the server's SSH access as it was.
        logging: "stdoutAndStderr",
        ...NO_PREVIOUS_OUTPUT,
      },
      {
        parent: this,
        dependsOn: [this.ready],
        // It was `<name>-authorized-keys` (the admin's keys only): the same resource, so upgrading
        // never runs the old one's delete (which removed authorized_keys).
        aliases: [{ name: `${name}-authorized-keys` }],
        ignoreChanges: [FORMER_TRIGGERS],
      },
    );

    this.filesHash = filesHash(args.files);
    const files = Object.entries(args.files).map(([path, content]) =>
      remoteFile(this, `${name}-${fileSlug(path)}`, {
        connection: this.connection,
        path: `${PROJECT_DIR}/${path}`,
        content,
        mode: "0644",
        dependsOn: [this.sshAccess],
      }),
    );
    const secretsHash = pulumi.secret(pulumi.all(args.secretFiles).apply(filesHash));
    const secrets = Object.entries(args.secretFiles).map(([path, text]) =>
      remoteFile(this, `${name}-${fileSlug(path)}`, {
        connection: this.connection,
        path: `${PROJECT_DIR}/${path}`,
        content: pulumi.secret(text),
        mode: "0600",
        dependsOn: [this.sshAccess],
      }),
    );

    const up = composeUpScript(this.filesHash);
    this.up = new Command(
      `${name}-compose-up`,
      {
        connection: this.connection,
        create: up,
        update: up,
        // Runs only when the project goes (pulumi destroy); volumes (the database, certificates,
        // NetBird's identity) stay.
        delete: `set -eu\ncd ${shellQuote(PROJECT_DIR)}\nsudo -n docker compose down --remove-orphans`,
        // The secret files' hash: a rotated secret changes stdin, which runs the update (the
        // script never reads it). The other files' hash is in the script itself.
        stdin: pulumi.interpolate`secrets ${secretsHash}\n`,
        ...NO_PREVIOUS_OUTPUT,
      },
      { parent: this, dependsOn: [...files, ...secrets, this.sshAccess], ignoreChanges: [FORMER_TRIGGERS] },
    );

    this.registerOutputs({ ipv4: this.ipv4, ipv6: this.ipv6, sshHost: this.sshHost });
  }
}

/**
 * `docker compose up` of the project, naming the project files' hash: a changed file changes the
 * script, which runs it again as an update (compose recreates what changed, nothing else).
 */
export function composeUpScript(projectFilesHash: string): string {
  return [
    "set -eu",
    `# project files ${projectFilesHash}`,
    `cd ${shellQuote(PROJECT_DIR)}`,
    "sudo -n docker compose up --detach --remove-orphans --wait --wait-timeout 600",
  ].join("\n");
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
