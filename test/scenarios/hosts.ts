import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import type { EngineDiff, SequenceStep } from "../../testing/engine";
import { isSecretValue, type RecordedResource } from "../../testing/mock-runtime";
import type { Plan } from "./harness";

/**
 * Stand-ins for the machines the scripts run on, and a runner that carries out a diff's steps on
 * them in the engine's order: for each command step, the script that step runs (the new `create`
 * or `update`, or the recorded `delete`), with its stdin and environment, under bash or sh.
 *
 * The edge is a temporary root: the scripts' absolute paths (/opt/edge, /etc/ssh, /home, ...) are
 * moved under it, and `docker`, `systemctl`, `sshd`, `useradd` and friends are stand-ins that
 * record what they are asked and check what the real ones would refuse. SSH itself is modelled:
 * a step connects only if the firewall opens its port, sshd (as last restarted) listens on it and
 * allows its user, that user's authorized_keys holds a key the operator has, and the host key sshd
 * answers with (as last restarted or reloaded) is the one the connection pins, if it pins one.
 */

const STANDINS = join(__dirname, "standins");

/** Every value with its secret wrappers removed. */
export function plain(value: unknown): unknown {
  if (isSecretValue(value)) return plain(value.value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** A script's run. */
export interface Ran {
  readonly step: SequenceStep;
  readonly script: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What a runner needs of a host: run a command step, and react to steps of other resources. */
interface Host {
  runCommand(
    r: RecordedResource,
    script: string,
    previousStdout: string | undefined,
  ): { code: number; stdout: string; stderr: string };
  onStep?(step: SequenceStep, r: RecordedResource): void;
}

/**
 * Carries out `diff`'s steps on `host`, in order, and returns every script run. Commands' recorded
 * stdout carries over between runs (`PULUMI_COMMAND_STDOUT`). A failed script throws, naming the
 * step, as it would fail the `pulumi up`. `after` runs after each step (invariants).
 */
export function carryOut(
  diff: EngineDiff,
  base: Plan | undefined,
  head: Plan,
  host: Host,
  state: Map<string, string>,
  after: (step: SequenceStep, ran?: Ran) => void = () => undefined,
): Ran[] {
  const ran: Ran[] = [];
  const find = (plan: Plan | undefined, urn: string) => plan?.run.resources.find((r) => r.urn === urn);
  for (const step of diff.sequence) {
    const deleting = step.action === "delete" || step.action === "delete-replaced";
    const r = deleting ? find(base, step.urn) : find(head, step.urn);
    if (!r) throw new Error(`step ${step.action} ${step.name}: no recorded resource`);
    if (step.skipped) {
      after(step);
      continue;
    }
    host.onStep?.(step, r);
    if (step.runs && step.runs !== "nothing") {
      const inputs = plain(r.inputs) as Record<string, string>;
      const script = inputs[step.runs]!;
      const previous = step.action === "update" ? state.get(step.urn) : deleting ? state.get(step.urn) : undefined;
      const result = host.runCommand(r, script, previous);
      const one: Ran = { step, script, ...result };
      ran.push(one);
      if (result.code !== 0) {
        throw new Error(`${step.action} ${step.name} (${step.runs}) failed with ${result.code}: ${result.stderr.trim()}`);
      }
      if (deleting) state.delete(step.urn);
      else state.set(step.urn, result.stdout);
      after(step, one);
    } else {
      if (deleting) state.delete(step.urn);
      after(step);
    }
  }
  return ran;
}

// ---------------------------------------------------------------- the edge VPS

interface Connection {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly hostKey?: string;
}

/** Paths the edge's scripts write, moved under the stand-in root. */
const EDGE_PATHS = ["/opt/edge", "/etc/ssh", "/etc/sudoers.d", "/home/"];

/** The edge VPS as a temporary root with stand-in commands. */
export class EdgeHost implements Host {
  readonly root = mkdtempSync(join(tmpdir(), "edge-host-"));
  /** The stand-in commands, shared by every host (they keep their state under the host's root). */
  private readonly bin = join(STANDINS, "edge");
  /** SSH ports the Hetzner firewall opens. */
  firewallPorts = new Set<number>();
  /** Which server this is (1, 2, ... as servers are created); undefined while there is none. */
  serverId: number | undefined;
  private servers = 0;
  /** Every connection refused, and why. */
  readonly refused: string[] = [];
  /** Every connection made without checking the host key, by step. */
  readonly unpinned: string[] = [];

  /** `operatorKeys`: the public keys whose private halves Pulumi logs in with. */
  constructor(private readonly operatorKeys: readonly string[]) {}

  /** A copy of this host as it is now (a deployment is cheaper to copy than to run again). */
  clone(operatorKeys: readonly string[] = this.operatorKeys): EdgeHost {
    const copy = new EdgeHost(operatorKeys);
    cpSync(this.root, copy.root, { recursive: true });
    copy.firewallPorts = new Set(this.firewallPorts);
    copy.serverId = this.serverId;
    copy.servers = this.servers;
    return copy;
  }

  /** A file under the root (`/opt/edge/compose.yaml`), or undefined. */
  file(path: string): string | undefined {
    const at = join(this.root, path);
    return existsSync(at) ? readFileSync(at, "utf8") : undefined;
  }

  /** The Docker volumes on the server (`edge_database`, ...), sorted: `compose up` creates them, nothing else removes one. */
  volumes(): string[] {
    const at = join(this.root, "var/lib/docker/volumes");
    return existsSync(at) ? readdirSync(at).sort() : [];
  }

  /** Lines of the stand-ins' log (`docker compose up ...`, `systemctl restart ssh.socket`, ...). */
  log(): string[] {
    return (this.file("/log") ?? "").split("\n").filter(Boolean);
  }

  /** The server is created from its user data: what cloud-init does, once. */
  private provision(userData: string): void {
    for (const dir of ["opt", "etc", "home", "run", "var"]) rmSync(join(this.root, dir), { recursive: true, force: true });
    rmSync(join(this.root, "log"), { force: true });
    for (const dir of ["etc/ssh/sshd_config.d", "etc/sudoers.d", "home", "run", "opt"])
      mkdirSync(join(this.root, dir), { recursive: true });
    writeFileSync(join(this.root, "etc/passwd"), "");
    const doc = parse(userData.replace(/^#cloud-config\n/, "")) as {
      users: { name: string; ssh_authorized_keys: string[] }[];
      write_files: { path: string; content: string }[];
      runcmd: (string | string[])[];
      ssh_keys?: { ed25519_private: string; ed25519_public: string };
    };
    // cloud-init's SSH module: the user data's host key, else one sshd's package made on this server.
    const hostKey = doc.ssh_keys ?? {
      ed25519_private: `stand-in private key of server ${this.servers + 1}\n`,
      ed25519_public: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIStandInKeyOfServer${this.servers + 1}`,
    };
    writeFileSync(join(this.root, "etc/ssh/ssh_host_ed25519_key"), hostKey.ed25519_private);
    writeFileSync(join(this.root, "etc/ssh/ssh_host_ed25519_key.pub"), hostKey.ed25519_public);
    for (const user of doc.users) {
      writeFileSync(join(this.root, "etc/passwd"), `${user.name}\n`, { flag: "a" });
      mkdirSync(join(this.root, "home", user.name, ".ssh"), { recursive: true });
      writeFileSync(join(this.root, "home", user.name, ".ssh/authorized_keys"), `${user.ssh_authorized_keys.join("\n")}\n`);
    }
    for (const file of doc.write_files) {
      mkdirSync(dirname(join(this.root, file.path)), { recursive: true });
      writeFileSync(join(this.root, file.path), file.content);
    }
    for (const cmd of doc.runcmd) {
      if (Array.isArray(cmd) && cmd[0] === "install" && cmd.includes("-d"))
        mkdirSync(join(this.root, cmd.at(-1)!), { recursive: true });
    }
    writeFileSync(
      join(this.root, "run/sshd-effective.conf"),
      readFileSync(join(this.root, "etc/ssh/sshd_config.d/90-homelab.conf")),
    );
    writeFileSync(join(this.root, "run/sshd-host-key.pub"), hostKey.ed25519_public);
    this.serverId = ++this.servers;
  }

  onStep(step: SequenceStep, r: RecordedResource): void {
    const inputs = plain(r.inputs) as Record<string, any>;
    if (r.type === "hcloud:index/server:Server") {
      if (step.action === "create" || step.action === "create-replacement") this.provision(inputs.userData);
      else this.serverId = undefined;
    }
    if (r.type === "hcloud:index/firewall:Firewall" && (step.action === "create" || step.action === "update")) {
      this.firewallPorts = new Set(
        (inputs.rules as { protocol: string; port?: string; description: string }[])
          .filter((rule) => rule.protocol === "tcp" && rule.description.startsWith("SSH"))
          .map((rule) => Number(rule.port)),
      );
    }
  }

  /** The host key sshd answers with (authorized_keys form: type and key). */
  hostKey(): string | undefined {
    return this.file("/run/sshd-host-key.pub")?.trim().split(/\s+/).slice(0, 2).join(" ");
  }

  /** Why a connection is refused, or undefined when sshd would let it in. */
  refusal(c: Connection): string | undefined {
    if (this.serverId === undefined) return "no server";
    if (!this.firewallPorts.has(c.port)) return `the firewall drops port ${c.port}`;
    // @pulumi/command 1.2.1 (remote/connection.go): ssh.ParseAuthorizedKey, then ssh.FixedHostKey.
    if (c.hostKey !== undefined && c.hostKey.trim().split(/\s+/).slice(0, 2).join(" ") !== this.hostKey())
      return `ssh: handshake failed: ssh: host key mismatch (sshd answers with ${this.hostKey()})`;
    const sshd = readFileSync(join(this.root, "run/sshd-effective.conf"), "utf8");
    const ports = [...sshd.matchAll(/^Port (\d+)$/gm)].map((m) => Number(m[1]));
    if (!(ports.length === 0 ? [22] : ports).includes(c.port)) return `sshd does not listen on port ${c.port}`;
    const allowed = /^AllowUsers (.*)$/m.exec(sshd)?.[1]?.split(" ") ?? [];
    if (!allowed.includes(c.user)) return `sshd does not allow user ${c.user}`;
    const keys = this.file(`/home/${c.user}/.ssh/authorized_keys`);
    if (keys === undefined) return `${c.user} has no authorized_keys`;
    if (!this.operatorKeys.some((k) => keys.split("\n").includes(k)))
      return `no key of the operator is in ${c.user}'s authorized_keys`;
    return undefined;
  }

  runCommand(
    r: RecordedResource,
    script: string,
    previousStdout: string | undefined,
  ): { code: number; stdout: string; stderr: string } {
    const inputs = plain(r.inputs) as { connection: Connection; stdin?: string };
    const refused = this.refusal(inputs.connection);
    if (!refused && inputs.connection.hostKey === undefined) this.unpinned.push(r.name);
    if (refused) {
      this.refused.push(`${r.name}: ${refused}`);
      return { code: 255, stdout: "", stderr: `ssh ${inputs.connection.user}@:${inputs.connection.port}: ${refused}` };
    }
    // A script handed to a root shell on stdin (`sudo -n sh -s`) has its paths moved too.
    const stdin = script.trim() === "sudo -n sh -s" ? this.moved(inputs.stdin ?? "") : (inputs.stdin ?? "");
    const result = spawnSync("bash", ["-c", this.moved(script)], {
      cwd: join(this.root, "home", inputs.connection.user),
      input: stdin,
      encoding: "utf8",
      env: {
        PATH: `${this.bin}:/usr/bin:/bin`,
        EDGE_ROOT: this.root,
        HOME: join(this.root, "home", inputs.connection.user),
        ...(previousStdout ? { PULUMI_COMMAND_STDOUT: previousStdout } : {}),
      },
    });
    return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
  }

  private moved(text: string): string {
    return EDGE_PATHS.reduce((t, p) => t.split(p).join(join(this.root, p) + (p.endsWith("/") ? "/" : "")), text);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the machine running `pulumi up` (talos)

/**
 * The machine `pulumi up` runs on for the talos stack: local commands run under sh with a
 * stand-in talosctl that answers from each node's state (its Talos tag and schematic) and records
 * every call. A node installs the image its rollout names when it is created.
 */
export class TalosHost implements Host {
  readonly root = mkdtempSync(join(tmpdir(), "talos-host-"));
  /** The stand-in talosctl, shared by every host (it keeps its state under the host's root). */
  private readonly bin = join(STANDINS, "talos");

  constructor() {
    mkdirSync(join(this.root, "nodes"));
  }

  /** A copy of this host as it is now. */
  clone(): TalosHost {
    const copy = new TalosHost();
    cpSync(join(this.root, "nodes"), join(copy.root, "nodes"), { recursive: true });
    return copy;
  }

  /** talosctl calls since the last `clear()`, as `<node> <args>`. */
  calls(): string[] {
    const file = join(this.root, "calls");
    return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
  }

  clear(): void {
    rmSync(join(this.root, "calls"), { force: true });
  }

  /** What a node runs: `v1.13.9 <schematic>`. */
  node(ip: string): string {
    const state = join(this.root, "nodes", ip);
    return `${readFileSync(join(state, "tag"), "utf8").trim()} ${readFileSync(join(state, "schematic"), "utf8").trim()}`;
  }

  /** The Kubernetes version `upgrade-k8s` last moved to, if any. */
  kubernetes(): string | undefined {
    const file = join(this.root, "kubernetes");
    return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
  }

  onStep(step: SequenceStep, r: RecordedResource): void {
    const env = (plain(r.inputs) as { environment?: Record<string, string> }).environment;
    // A new node installs the image its config names (the one its rollout carries).
    if (r.name.endsWith("-rollout") && (step.action === "create" || step.action === "create-replacement") && env) {
      const state = join(this.root, "nodes", env.NODE!);
      mkdirSync(state, { recursive: true });
      const repo = env.INSTALLER_IMAGE!.slice(0, env.INSTALLER_IMAGE!.lastIndexOf(":"));
      writeFileSync(join(state, "tag"), `${env.INSTALLER_IMAGE!.slice(env.INSTALLER_IMAGE!.lastIndexOf(":") + 1)}\n`);
      writeFileSync(join(state, "schematic"), `${repo.slice(repo.lastIndexOf("/") + 1)}\n`);
    }
    // A deleted VM is gone: its node answers no more.
    if (r.type === "proxmoxve:index/vmLegacy:VmLegacy" && (step.action === "delete" || step.action === "delete-replaced")) {
      const vm = plain(r.inputs) as { initialization: { ipConfigs: { ipv4: { address: string } }[] } };
      const address = vm.initialization.ipConfigs[0]!.ipv4.address.split("/")[0]!;
      rmSync(join(this.root, "nodes", address), { recursive: true, force: true });
    }
  }

  runCommand(
    r: RecordedResource,
    script: string,
    previousStdout: string | undefined,
  ): { code: number; stdout: string; stderr: string } {
    const env = (plain(r.inputs) as { environment?: Record<string, string> }).environment ?? {};
    const result = spawnSync("sh", ["-c", script], {
      encoding: "utf8",
      env: {
        ...env,
        PATH: `${this.bin}:/usr/bin:/bin`,
        TALOS_STATE: this.root,
        ...(previousStdout ? { PULUMI_COMMAND_STDOUT: previousStdout } : {}),
      },
    });
    return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
