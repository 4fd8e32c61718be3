import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { composeUpScript, fileSlug } from "../../components/edge-server";
import { fingerprint } from "../../lib/artifacts";
import { filesHash } from "../../lib/edge";
import { engineDiff } from "../../testing/engine";
import { plannedResource } from "../../testing/planned";
import { plan, resource, type Config, type Plan } from "./harness";
import { carryOut, EdgeHost, plain, type Ran } from "./hosts";

/** What the edge scenarios share (test/scenarios/hetzner*.test.ts): the example edge on stand-ins, keys, checks. */

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

export let example: Promise<Plan> | undefined;
export const base = () => (example ??= plan("hetzner"));
export const hosts: EdgeHost[] = [];
/** Removes every stand-in host and forgets the deployments (each test file calls it once it is done). */
export function resetEdges(): void {
  hosts.splice(0).forEach((h) => h.remove());
  deployments.clear();
}

export const edit = (section: string, change: (value: Config) => void) => (c: Config) => {
  c[`homelab:${section}`] = { ...(c[`homelab:${section}`] ?? {}) };
  change(c[`homelab:${section}`]);
};

export const deployments = new Map<Plan, { host: EdgeHost; state: Map<string, string> }>();

/** The example edge deployed on a stand-in VPS whose operator holds `operatorKeys` (a copy of one deployment per plan). */
export async function deployed(operatorKeys = [KEY_A], from?: Plan) {
  const b = from ?? (await base());
  let deployment = deployments.get(b);
  if (!deployment) {
    const host = new EdgeHost(operatorKeys);
    hosts.push(host);
    const state = new Map<string, string>();
    carryOut(engineDiff(undefined, b.planned), undefined, b, host, state);
    deployments.set(b, (deployment = { host, state }));
  }
  const host = deployment.host.clone(operatorKeys);
  hosts.push(host);
  return { b, host, state: new Map(deployment.state) };
}

/**
 * The invariants every edge step keeps: a project file once written on a server is never absent
 * there again; the admin's authorized_keys always holds a key; `docker compose down` never runs.
 */
export function invariants(host: EdgeHost, user: () => string) {
  const written = new Map<number, Set<string>>();
  return () => {
    if (host.serverId === undefined) return; // between a delete-first replacement's two halves
    const seen = written.get(host.serverId) ?? new Set(PROJECT_FILES.filter((f) => host.file(`/opt/edge/${f}`)));
    written.set(host.serverId, seen);
    for (const file of PROJECT_FILES) {
      if (host.file(`/opt/edge/${file}`) !== undefined) seen.add(file);
      else expect(seen.has(file), `${file} was written, then removed`).toBe(false);
    }
    const keys = host.file(`/home/${user()}/.ssh/authorized_keys`) ?? "";
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
