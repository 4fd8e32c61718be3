import { createHash } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { composeUpScript, fileSlug } from "../../components/edge-server";
import { fingerprint } from "../../lib/artifacts";
import { filesHash } from "../../lib/edge";
import { engineDiff, type EngineDiff } from "../../testing/engine";
import { plannedResource } from "../../testing/planned";
import { diff, plan, resource, type Config, type Plan } from "./harness";
import { carryOut, EdgeHost, plain, type Ran } from "./hosts";

/**
 * What the edge scenarios share (test/scenarios/hetzner*.test.ts; services and upgrade take its key
 * and steps): the example edge on stand-ins, keys, checks.
 */

export const KEY_A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHomelabExampleKeyReplaceWithYoursxxxxxxxxxx admin@laptop";
export const KEY_B = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPSecondAdminKeyForTheScenarioTestsxxxxxxxxx second@desk";
export const keyObject = (key: string) => `edge-${fingerprint(key).slice(0, 8)}`;
export const PROJECT_FILES = [
  "compose.yaml",
  "traefik/traefik.yaml",
  "traefik/dynamic/authentik.yaml",
  "secrets/authentik.env",
  "secrets/postgresql.env",
  "secrets/netbird.env",
  "secrets/traefik.env",
];

/**
 * The steps that redeploy the compose project on a server the SSH connection reaches anew (a new
 * server, a new host key): every file's command updates and runs its update script, then compose up.
 */
export const REDEPLOY_STEPS = [
  "update edge-backup-postgresql-backup-sh runs update",
  "update edge-backup-settings-env runs update",
  "update edge-compose-yaml runs update",
  "update edge-secrets-authentik-env runs update",
  "update edge-secrets-netbird-env runs update",
  "update edge-secrets-postgresql-env runs update",
  "update edge-secrets-traefik-env runs update",
  "update edge-traefik-dynamic-authentik-yaml runs update",
  "update edge-traefik-traefik-yaml runs update",
  "update edge-compose-up runs update",
];

/**
 * {@link REDEPLOY_STEPS} on an edge built by a version without the files whose commands are
 * `created`: those are created, every other file's command updates, then compose up (as upgrading
 * from a version before host key pinning does, every connection changed).
 */
export function redeployCreating(...created: string[]): string[] {
  const unknown = created.filter((name) => !REDEPLOY_STEPS.includes(`update ${name} runs update`));
  if (unknown.length > 0) throw new Error(`not a command of REDEPLOY_STEPS: ${unknown.join(", ")}`);
  return REDEPLOY_STEPS.map((step) => {
    const name = step.split(" ")[1]!;
    return created.includes(name) ? `create ${name} runs create` : step;
  });
}

let example: Promise<Plan> | undefined;
export const base = () => (example ??= plan("hetzner"));
export const hosts: EdgeHost[] = [];
/** Removes every stand-in host and forgets the deployments (each test file calls it once it is done). */
export function resetEdges(): void {
  hosts.splice(0).forEach((h) => h.remove());
  deployments.clear();
  if (process.env.EDGE_MEMO_STATS) console.error(`edge script runs: ${memo.runs}, answered from earlier runs: ${memo.hits}`);
}

export const edit = (section: string, change: (value: Config) => void) => (c: Config) => {
  c[`homelab:${section}`] = { ...(c[`homelab:${section}`] ?? {}) };
  change(c[`homelab:${section}`]);
};

/** A host's tree: every directory and file, with its mode and text. */
type Tree = [path: string, mode: number, text: string | null][];

/** Where a host's root stood in a text of a {@link Tree} or an {@link Outcome} (a script writes the root it ran under). */
const ROOT = "\0root\0";

/** `root`'s tree, or undefined if it holds more than directories and text files. */
export function snapshot(root: string): Tree | undefined {
  const tree: Tree = [];
  const walk = (dir: string): boolean => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = dir ? `${dir}/${name}` : name;
      const stat = lstatSync(join(root, path));
      if (stat.isDirectory()) {
        tree.push([path, stat.mode & 0o7777, null]);
        if (!walk(path)) return false;
      } else if (stat.isFile()) {
        const bytes = readFileSync(join(root, path));
        const text = bytes.toString("utf8");
        if (!Buffer.from(text).equals(bytes)) return false;
        tree.push([path, stat.mode & 0o7777, text.split(root).join(ROOT)]);
      } else return false;
    }
    return true;
  };
  return walk("") ? tree : undefined;
}

/** A script's run on a host in one state: what it answered, and the tree it left. */
interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly tree: Tree;
}

/**
 * Script runs of this test process (never kept across runs, nor written anywhere), by a digest of
 * everything a run reads: the script, its stdin, the previous stdout, the user it runs as and the
 * host's whole tree (the stand-ins' log included). The scenarios deploy the example edge, and
 * variants of it, many times over (each process costs ~10 ms here): the same script on the same
 * tree leaves the same tree and answers the same, so a repeated run is answered from here. Each
 * distinct run is still made once, on the first tree it meets.
 */
const outcomes = new Map<string, Outcome>();
/** Runs through {@link remembering} hosts, and how many were answered from {@link outcomes}. */
export const memo = { runs: 0, hits: 0 };

/** `host`, its command runs answered from {@link outcomes} where the same run was made before in this process. */
export function remembering(host: EdgeHost): EdgeHost {
  const run = host.runCommand.bind(host);
  host.runCommand = (r, script, previousStdout) => {
    const inputs = plain(r.inputs) as { connection: Parameters<EdgeHost["refusal"]>[0]; stdin?: string };
    // A refused connection runs nothing (the host records why): left to the host.
    const before = host.refusal(inputs.connection) === undefined ? snapshot(host.root) : undefined;
    if (!before) return run(r, script, previousStdout);
    memo.runs++;
    const hidden = (text: string) => text.split(host.root).join(ROOT);
    const back = (text: string) => text.split(ROOT).join(host.root);
    const key = createHash("sha256")
      .update(JSON.stringify([script, inputs.stdin ?? "", hidden(previousStdout ?? ""), inputs.connection.user, before]))
      .digest("hex");
    const known = outcomes.get(key);
    if (!known) {
      const result = run(r, script, previousStdout);
      const after = snapshot(host.root);
      if (after)
        outcomes.set(key, { code: result.code, stdout: hidden(result.stdout), stderr: hidden(result.stderr), tree: after });
      return result;
    }
    memo.hits++;
    if (inputs.connection.hostKey === undefined) host.unpinned.push(r.name);
    for (const name of readdirSync(host.root)) rmSync(join(host.root, name), { recursive: true, force: true });
    for (const [path, , text] of known.tree) {
      if (text === null) mkdirSync(join(host.root, path));
      else writeFileSync(join(host.root, path), back(text));
    }
    // Modes last, children first (a directory may not be writable).
    for (const [path, mode] of [...known.tree].reverse()) chmodSync(join(host.root, path), mode);
    return { code: known.code, stdout: back(known.stdout), stderr: back(known.stderr) };
  };
  return host;
}

const deployments = new Map<Plan, { host: EdgeHost; state: Map<string, string> }>();

/** The example edge deployed on a stand-in VPS whose operator holds `operatorKeys` (a copy of one deployment per plan). */
export async function deployed(operatorKeys = [KEY_A], from?: Plan) {
  const b = from ?? (await base());
  let deployment = deployments.get(b);
  if (!deployment) {
    const host = remembering(new EdgeHost(operatorKeys));
    hosts.push(host);
    const state = new Map<string, string>();
    carryOut(engineDiff(undefined, b.planned), undefined, b, host, state);
    deployments.set(b, (deployment = { host, state }));
  }
  const host = remembering(deployment.host.clone(operatorKeys));
  hosts.push(host);
  return { b, host, state: new Map(deployment.state) };
}

/**
 * The edge deployed as {@link deployed} makes it (from `from`, the example by default, for an
 * operator holding `operatorKeys`), then `change` planned after it as the next `pulumi up` would
 * plan it (with `answer` or `answerInvoke` where given): the deployment's plan `b`, its `host` and
 * `state`, the new plan `head`, and `d`, what that run would do.
 */
export async function deployedThen(
  change?: (config: Config) => void,
  options: { from?: Plan; operatorKeys?: string[] } & Omit<NonNullable<Parameters<typeof plan>[2]>, "after"> = {},
) {
  const { from, operatorKeys, ...answers } = options;
  const { b, host, state } = await deployed(operatorKeys, from);
  const head = await plan("hetzner", change, { ...answers, after: b });
  return { b, host, state, head, d: diff(b, head) };
}

/**
 * `pulumi up` of `d` (from the plan `from` to `to`) carried out on a deployed edge's `host` and
 * `state`, every step keeping the {@link invariants} (the admin logging in as `user`): the scripts
 * that ran. A failed script throws, naming its step.
 */
export function upOnEdge(d: EngineDiff, from: Plan, to: Plan, host: EdgeHost, state: Map<string, string>, user = "ops"): Ran[] {
  return carryOut(d, from, to, host, state, invariants(host, user));
}

/**
 * The invariants every edge step keeps: a project file once written on a server is never absent
 * there again; the admin's authorized_keys always holds a key; `docker compose down` never runs.
 */
function invariants(host: EdgeHost, user: string) {
  const written = new Map<number, Set<string>>();
  return () => {
    if (host.serverId === undefined) return; // between a delete-first replacement's two halves
    const seen = written.get(host.serverId) ?? new Set(PROJECT_FILES.filter((f) => host.file(`/opt/edge/${f}`)));
    written.set(host.serverId, seen);
    for (const file of PROJECT_FILES) {
      if (host.file(`/opt/edge/${file}`) !== undefined) seen.add(file);
      else expect(seen.has(file), `${file} was written, then removed`).toBe(false);
    }
    const keys = host.file(`/home/${user}/.ssh/authorized_keys`) ?? "";
    expect(keys.split("\n").filter((k) => k.startsWith("ssh-")).length).toBeGreaterThan(0);
    expect(host.log().filter((l) => l.includes("compose down"))).toEqual([]);
  };
}

/**
 * The example edge as 9e2ccf9 built it (before Authentik's shm_size and its /data, /certs volumes,
 * and on the images then pinned): this version's plan with that commit's compose file (its
 * `edge.compose.yaml` artifact, from the same config) and the `compose up` script naming its hash.
 * Its outputs are those that version exported: no `composeVolumes`.
 */
export function builtBy9e2ccf9(head: Plan): Plan {
  const compose = readFileSync(join(__dirname, "fixtures", "9e2ccf9", "edge.compose.yaml"), "utf8");
  const files = Object.fromEntries(
    ["compose.yaml", "traefik/traefik.yaml", "traefik/dynamic/authentik.yaml"].map((f) => [
      f,
      f === "compose.yaml" ? compose : (plain(resource(head, `edge-${fileSlug(f)}`).inputs.stdin) as string),
    ]),
  );
  const up = composeUpScript(filesHash(files));
  const resources = head.run.resources.map((r) =>
    r.name === "edge-compose-yaml"
      ? { ...r, inputs: { ...r.inputs, stdin: compose } }
      : r.name === "edge-compose-up"
        ? { ...r, inputs: { ...r.inputs, create: up, update: up } }
        : r,
  );
  const { composeVolumes: _none, ...outputs } = head.outputs;
  return {
    ...head,
    run: { ...head.run, resources },
    planned: { ...head.planned, resources: resources.map(plannedResource) },
    outputs,
  };
}

/** Every project file is on the server. */
export const complete = (host: EdgeHost) =>
  expect(PROJECT_FILES.filter((f) => host.file(`/opt/edge/${f}`) === undefined)).toEqual([]);

export const names = (ran: Ran[]) => ran.map((r) => `${r.step.name} ${r.step.runs}`);
