import * as pulumi from "@pulumi/pulumi";
import { Command } from "@pulumi/command/remote/command";
import { Firewall } from "@pulumi/hcloud/firewall";
import { Server } from "@pulumi/hcloud/server";
import { SshKey } from "@pulumi/hcloud/sshKey";
import { PrivateKey } from "@pulumi/tls/privateKey";
import {
  cloudConfigText,
  filesHash,
  PROJECT_DIR,
  shellQuote,
  SSH_HOST_KEY_CLOUD_CONFIG_KEYS,
  sshAccessScript,
  sshHostKeyCloudConfig,
  sshHostKeyScript,
  type FirewallRule,
} from "../lib/edge";
import { fingerprint, maskedText } from "../lib/artifacts";
import { FORMER_TRIGGERS } from "./command-parts";
import { NO_PREVIOUS_OUTPUT, remoteFile, type SshConnection } from "./remote-parts";

/** What the stack's last run left on the server: where SSH answered, and on which server. */
export interface EdgeServerPrevious {
  /** The server's id then. */
  serverId?: string;
  /** The SSH port sshd answered on then. */
  sshPort?: number;
  /** The admin user the remote commands logged in as then ({@link EdgeServerArgs.adminUser} of that run). */
  sshUser?: string;
  /**
   * The SSH host key the server answered with then ({@link EdgeServer.sshHostKey}); unset when that
   * run pinned none (a release before host key pinning): the host key step then connects without
   * checking it, once, and puts this component's key on the server.
   */
  sshHostKey?: string;
}

/** A Hetzner SSH key that exists already: its id and public key. */
export interface ExistingSshKey {
  /** The key's numeric Hetzner id (`hcloud.getSshKeyOutput({ name }).id`, as a number). */
  id: pulumi.Input<number>;
  /** The public key (authorized_keys form). */
  publicKey: pulumi.Input<string>;
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
  /**
   * The server's cloud-config, as a document (e.g. `edgeCloudConfig(...)`); the component adds the
   * SSH host key (`ssh_keys`, `ssh_deletekeys`, `ssh_genkeytypes`: leave them out) and renders it as
   * the user data. Only read when the server is created: changes never replace it.
   */
  cloudConfig: Readonly<Record<string, unknown>>;
  /** The admin user cloud-init creates; the remote commands log in as it. */
  adminUser: string;
  /** The admin's public keys: a Hetzner key is made for each; on the server at creation and kept in authorized_keys afterwards. */
  sshPublicKeys: string[];
  /**
   * Admin keys already in the Hetzner project (made by hand or by another stack; Hetzner refuses a
   * second key of the same name or public key): given to the server by id, never made or deleted,
   * and kept in authorized_keys beside `sshPublicKeys` — e.g. what `hcloud.getSshKeyOutput` finds.
   * @default []
   */
  existingSshKeys?: ExistingSshKey[];
  /** The private key the remote commands log in with (secret). Unset: the SSH agent (`SSH_AUTH_SOCK`). */
  sshPrivateKey?: pulumi.Input<string>;
  /**
   * The port sshd listens on and the remote commands connect to (open it in `firewallRules`). A
   * change moves sshd in the SSH step, which connects on the port of the last run (`previous`), so
   * it never locks Pulumi out. @default 22
   */
  sshPort?: number;
  /** Inbound firewall rules; everything else inbound is dropped. */
  firewallRules: pulumi.Input<FirewallRule[]>;
  /**
   * What the last run left (the stack's own previous outputs; unset on a first run): the SSH
   * step connects with the port and user the server answers on now, and keeps them allowed for
   * this run, so a change of `sshPort` or `adminUser` never locks Pulumi out (cloud-init runs once);
   * the host key step checks the host key the server answers with now. Unset, the server is taken
   * to be created by this run (with this component's host key).
   */
  previous?: pulumi.Input<EdgeServerPrevious>;
  /** Files of the compose project, by path relative to {@link PROJECT_DIR} (not secret). */
  files: Record<string, string>;
  /** Secret files of the project (env files), by path; kept secret and written with mode 0600. */
  secretFiles: Record<string, pulumi.Input<string>>;
  /**
   * Files the running containers read again by themselves (in a directory they mount, like
   * settings a service re-reads every minute), by path: written like {@link files}, but left out of
   * the files' hash, so a change rewrites the file and does not run `compose up`. @default {}
   */
  liveFiles?: Record<string, string>;
  /** Protect the server, its firewall and keys from deletion (`pulumi destroy` refuses). @default false */
  protect?: boolean;
}

/**
 * A Hetzner VPS that runs a compose project: SSH keys, a default-deny firewall, the server with a
 * small cloud-init, then over SSH (@pulumi/command) the project's files and `docker compose up`.
 *
 * The server's SSH host key is the component's own (an ed25519 `tls.PrivateKey`, kept in the
 * state): cloud-init installs it, so the user data is a secret, and every remote command pins it
 * (`connection.hostKey`): a server answering with another key fails the run. The host key step
 * keeps it on the server, connecting with the key the server answered with on the last run.
 *
 * The server's own inputs change only with the server type, location, labels, backups or
 * firewall: user data and SSH keys are read at creation only (`ignoreChanges`), because Hetzner
 * replaces a server when either changes. Everything that changes in ordinary operation reaches the
 * VPS through remote commands, and every change is an update of a command, never a replacement
 * (no command has `triggers`, which @pulumi/command turns into replacements whose old `delete`
 * runs last): the SSH step re-runs when the admin user, keys or port change; a file's command
 * when its content (stdin) changes; `compose up` when the project's files or secrets hash changes
 * (not for live files, which the containers read again themselves).
 * A replaced server (delete first: its name is unique) gets every step again, on the new server.
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { EdgeServer } from "homelab";
 *
 * const config = new pulumi.Config();
 * const anywhere = ["0.0.0.0/0", "::/0"];
 * const edge = new EdgeServer("edge", {
 *   serverType: "cx23",
 *   image: "ubuntu-24.04",
 *   location: "fsn1",
 *   cloudConfig: { package_update: true, packages: ["docker.io", "docker-compose-v2"] },
 *   adminUser: "ops",
 *   sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq0bq9GZbl4+Zm8ydTUtcxDUV9KSQDmsOm+zBt7Wr9s ops@laptop"],
 *   firewallRules: [
 *     { direction: "in", protocol: "tcp", port: "22", sourceIps: anywhere, description: "SSH" },
 *     { direction: "in", protocol: "tcp", port: "443", sourceIps: anywhere, description: "HTTPS" },
 *   ],
 *   files: { "compose.yaml": "services:\n  whoami:\n    image: traefik/whoami\n" },
 *   secretFiles: { "secrets/app.env": config.requireSecret("appEnv") },
 *   protect: true,
 * });
 * export const edgeIpv4 = edge.ipv4;
 */
export class EdgeServer extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:edge:EdgeServer";

  public readonly server: Server;
  public readonly firewall: Firewall;
  public readonly sshKeys: readonly SshKey[];
  /** The server's SSH host key (ed25519), generated once and kept in the state. */
  public readonly hostKey: PrivateKey;
  /** Its public half in authorized_keys form (`ssh-ed25519 AAAA...`): what every connection pins. */
  public readonly sshHostKey: pulumi.Output<string>;
  /** The cloud-config the server is created with: the args' plus the host key (its private half a secret Output). */
  public readonly cloudConfig: Readonly<Record<string, unknown>>;
  /** Waits for cloud-init to finish on a new server. */
  public readonly ready: Command;
  /** Puts the host key on the server (cloud-init did on a new one) and reloads sshd when it changes. */
  public readonly hostKeyStep: Command;
  /** The script the host key step runs, its private key shown as `[secret]` (the real one is secret stdin). */
  public readonly hostKeyScript: pulumi.Output<string>;
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
    const existing = args.existingSshKeys ?? [];

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
    // The server's SSH host key: generated once, kept in the state (a change of user data never
    // reaches an existing server anyway). Not protected: a new key reaches the server through the
    // host key step.
    this.hostKey = new PrivateKey(`${name}-host-key`, { algorithm: "ED25519" }, { parent: this });
    // The provider writes the authorized_keys form with a newline; @pulumi/command parses either.
    this.sshHostKey = this.hostKey.publicKeyOpenssh.apply((key) => key.trim());
    const hostPrivateKey = pulumi.secret(this.hostKey.privateKeyOpenssh);
    this.cloudConfig = {
      ...args.cloudConfig,
      ...sshHostKeyCloudConfig({ privateKey: hostPrivateKey, publicKey: this.sshHostKey }),
    };
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
        // Made keys by name, existing ones by id (the provider takes either).
        sshKeys: [...this.sshKeys.map((k) => k.name), ...existing.map((k) => pulumi.output(k.id).apply(String))],
        // It holds the host key's private half: secret in the state and in every plan.
        userData: pulumi.secret(pulumi.output(this.cloudConfig).apply(cloudConfigText)),
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
    // Every connection names the host key it expects (unset only for a server from before
    // pinning, see below): @pulumi/command then accepts that key alone.
    const sshConnection = (
      p: pulumi.Input<number>,
      user: pulumi.Input<string>,
      hostKey: pulumi.Input<string | undefined>,
      // A server up and running takes a few dials at most; a new one a minute or two to accept SSH.
      dial: { dialErrorLimit: number; perDialTimeout?: number } = { dialErrorLimit: 30 },
    ) =>
      pulumi.secret(
        pulumi
          .all([this.sshHost, p, user, hostKey, args.sshPrivateKey])
          .apply(([host, connectPort, connectUser, key, privateKey]) => ({
            host,
            port: connectPort,
            user: connectUser,
            ...(privateKey === undefined ? {} : { privateKey }),
            ...(key === undefined ? {} : { hostKey: key }),
            ...dial,
          })),
      );
    this.connection = sshConnection(port, args.adminUser, this.sshHostKey);
    // The first steps connect as the server answers now: the last run's port, user and host key
    // when it is the same server, else (a new server, whose cloud-init has them) the config's and
    // this component's key. A server of an earlier run that pinned no key (a release before host
    // key pinning) has a key of its own sshd's: the host key step checks none, once, and replaces it.
    const answering = pulumi.all([this.server.id, args.previous ?? {}, this.sshHostKey]).apply(([id, previous, ours]) => {
      const same = previous.serverId === id;
      const firstRun = previous.serverId === undefined && previous.sshPort === undefined && previous.sshUser === undefined;
      return {
        ...(same && previous.sshPort !== undefined && previous.sshUser !== undefined
          ? { port: previous.sshPort, user: previous.sshUser }
          : { port, user: args.adminUser }),
        hostKey: same ? previous.sshHostKey : firstRun || previous.serverId !== undefined ? ours : undefined,
      };
    });
    const answeringPort = answering.apply((now) => now.port);
    const answeringUser = answering.apply((now) => now.user);
    const answeringConnection = sshConnection(
      answeringPort,
      answeringUser,
      answering.apply((now) => now.hostKey),
    );

    this.ready = new Command(
      `${name}-cloud-init`,
      {
        // The first connection to a new server: it dials until cloud-init has let the admin in on
        // the configured port ({@link NEW_SERVER_DIAL}).
        connection: sshConnection(
          answeringPort,
          answeringUser,
          answering.apply((now) => now.hostKey),
          NEW_SERVER_DIAL,
        ),
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

    // The host key step: the script with the private key, as secret stdin.
    const hostKeyText = pulumi.secret(
      pulumi
        .all([hostPrivateKey, this.sshHostKey])
        .apply(([privateKey, publicKey]) => sshHostKeyScript({ privateKey, publicKey })),
    );
    this.hostKeyScript = maskedText({ privateKey: hostPrivateKey, publicKey: this.sshHostKey }, (key) =>
      sshHostKeyScript(key as { privateKey: string; publicKey: string }),
    );
    this.hostKeyStep = new Command(
      `${name}-sshd-host-key`,
      {
        connection: answeringConnection,
        create: "sudo -n sh -s",
        stdin: hostKeyText,
        // Nothing on delete: the server keeps its key. Nothing logged: the script prints nothing.
        logging: "none",
        ...NO_PREVIOUS_OUTPUT,
      },
      { parent: this, dependsOn: [this.ready], ignoreChanges: [FORMER_TRIGGERS] },
    );

    const accessScript = pulumi.all([answering, existing.map((k) => k.publicKey)]).apply(([now, existingKeys]) =>
      sshAccessScript({
        adminUser: args.adminUser,
        sshPublicKeys: [...args.sshPublicKeys, ...existingKeys.map((key) => key.trim())],
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
        // As the server answers now, with this component's host key (the step before put it there).
        connection: sshConnection(answeringPort, answeringUser, this.sshHostKey),
        create: "sudo -n sh -s",
        stdin: accessScript,
        // Nothing on delete: a destroyed stack leaves the server's SSH access as it was.
        logging: "stdoutAndStderr",
        ...NO_PREVIOUS_OUTPUT,
      },
      {
        parent: this,
        dependsOn: [this.ready, this.hostKeyStep],
        // It was `<name>-authorized-keys` (the admin's keys only): the same resource, so upgrading
        // never runs the old one's delete (which removed authorized_keys).
        aliases: [{ name: `${name}-authorized-keys` }],
        ignoreChanges: [FORMER_TRIGGERS],
      },
    );

    this.filesHash = filesHash(args.files);
    // Live files are written the same way; only `compose up`'s hash leaves them out.
    const files = Object.entries({ ...args.files, ...args.liveFiles }).map(([path, content]) =>
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

    this.registerOutputs({ ipv4: this.ipv4, ipv6: this.ipv6, sshHost: this.sshHost, sshHostKey: this.sshHostKey });
  }
}

/**
 * How the first step dials a new server. sshd answers on a custom `sshPort` only once cloud-init
 * has moved it, at the end of its run (runcmd, after the package upgrade and Docker's install:
 * minutes); until then every dial is refused at once (the firewall admits the port, nothing listens
 * on it), and on port 22 the login fails until cloud-init has made the admin user. 180 dials keep
 * trying for about 14 minutes of refusals (`dialSeconds(180)` in command-parts.ts); a connect that
 * is never answered (a firewall dropping this machine) gives up after 5 s, so that case ends in
 * about half an hour rather than an hour. Only this step has it: it runs once per server and
 * ignores changes of its connection, so no other command changes for it.
 */
export const NEW_SERVER_DIAL = { dialErrorLimit: 180, perDialTimeout: 5 } as const;

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
  const hostKeyKeys = SSH_HOST_KEY_CLOUD_CONFIG_KEYS.filter((key) => key in args.cloudConfig);
  if (hostKeyKeys.length > 0)
    problems.push(`cloudConfig: ${hostKeyKeys.join(", ")} would replace the host key the component installs and pins`);
  if (args.sshPublicKeys.length === 0 && (args.existingSshKeys ?? []).length === 0)
    problems.push("sshPublicKeys, existingSshKeys: at least one key is needed to reach the server");
  if (args.ipv4 === false && args.ipv6 === false) problems.push("ipv4 and ipv6 are both off: the server would be unreachable");
  const live = Object.keys(args.liveFiles ?? {});
  for (const path of [...Object.keys(args.files), ...Object.keys(args.secretFiles), ...live]) {
    if (path.startsWith("/") || path.split("/").includes(".."))
      problems.push(`${path}: file paths are relative to ${PROJECT_DIR}, without ..`);
  }
  const duplicate = Object.keys(args.secretFiles).find((p) => p in args.files);
  if (duplicate !== undefined) problems.push(`${duplicate} is both a file and a secret file`);
  const liveDuplicate = live.find((p) => p in args.files || p in args.secretFiles);
  if (liveDuplicate !== undefined) problems.push(`${liveDuplicate} is both a live file and a file or secret file`);
  return problems;
}
