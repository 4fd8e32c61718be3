import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileSlug } from "../../components/edge-server";
import { checkRecorded } from "../../policy/recorded";
import { engineDiff, MASK, UNKNOWN, type PlannedStack } from "../../testing/engine";
import type { RecordedResource } from "../../testing/mock-runtime";
import { mockResource } from "../../testing/placeholders";
import { diff, operations, plan, resource, steps, type Plan } from "./harness";
import { carryOut, EdgeHost, plain } from "./hosts";
import { afterAll, describe, expect, test } from "vitest";
import {
  KEY_A,
  KEY_B,
  keyObject,
  PROJECT_FILES,
  REDEPLOY_STEPS,
  redeployCreating,
  base,
  hosts,
  edit,
  deployedThen,
  upOnEdge,
  complete,
  resetEdges,
} from "./edge-harness";

/**
 * Day 2 on the edge (Pulumi.hetzner.yaml), each change carried out on a stand-in VPS in the
 * engine's order. What every scenario holds: no change runs `docker compose down`, every project
 * file is present after every step, authorized_keys always holds an admin key, and Pulumi never
 * loses its SSH connection.
 */

afterAll(resetEdges);

describe("day 2 on the edge: SSH", () => {
  test("an admin key added: a new key object and authorized_keys rewritten in one rename; the server untouched", async () => {
    const { b, host, state, head, d } = await deployedThen(edit("ssh", (s) => (s.publicKeys = [KEY_A, KEY_B])));
    expect(operations(d)).toEqual({ "edge-ssh": "update", [keyObject(KEY_B)]: "create" });
    upOnEdge(d, b, head, host, state);
    expect(host.file("/home/ops/.ssh/authorized_keys")).toBe(`${KEY_A}\n${KEY_B}\n`);
  });

  test("an admin key removed: its key object deleted (not protected), the other key keeps working", async () => {
    const two = await plan(
      "hetzner",
      edit("ssh", (s) => (s.publicKeys = [KEY_A, KEY_B])),
    );
    const { host, state, head, d } = await deployedThen(
      edit("ssh", (s) => (s.publicKeys = [KEY_B])),
      { from: two, operatorKeys: [KEY_B] },
    );
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({ "edge-ssh": "update", [keyObject(KEY_A)]: "delete" });
    upOnEdge(d, two, head, host, state);
    expect(host.file("/home/ops/.ssh/authorized_keys")).toBe(`${KEY_B}\n`);
    expect(host.refused).toEqual([]);
  });

  test("a key already in the Hetzner project added ({existing: desk}): looked up, no key object made, the server untouched; the SSH step adds its public key", async () => {
    const desk = (token: string, args: Record<string, unknown>) =>
      token === "hcloud:index/getSshKey:getSshKey" && args.name === "desk"
        ? { ...args, id: 4711, name: "desk", publicKey: KEY_B, labels: {} }
        : undefined;
    const { b, host, state, head, d } = await deployedThen(
      edit("ssh", (s) => (s.publicKeys = [KEY_A, { existing: "desk" }])),
      { answerInvoke: desk },
    );
    expect(d.failures).toEqual([]);
    // The server's new key list (by id) is read at creation only: no replacement.
    expect(operations(d)).toEqual({ "edge-ssh": "update" });
    const server = head.run.resources.find((r) => r.type === "hcloud:index/server:Server")!;
    expect(server.inputs.sshKeys).toEqual([keyObject(KEY_A), "4711"]);
    upOnEdge(d, b, head, host, state);
    expect(host.file("/home/ops/.ssh/authorized_keys")).toBe(`${KEY_A}\n${KEY_B}\n`);
    // Removed again: the SSH step only; the key stays in the Hetzner project (this stack never made it).
    const back = await plan("hetzner", undefined, { after: head });
    expect(operations(diff(head, back))).toEqual({ "edge-ssh": "update" });
  });

  test("the SSH port changed: sshd listens on both ports before the connection moves; the next run closes the old one", async () => {
    const moved = edit("ssh", (s) => (s.port = 2222));
    const { b, host, state, head: first, d: d1 } = await deployedThen(moved);
    expect(d1.failures).toEqual([]);
    // The firewall opens 2222 beside 22; the SSH step (still on 22) moves sshd; then every
    // command connects on 2222.
    expect(steps(d1).slice(0, 2)).toEqual(["update edge", "update edge-ssh runs create"]);
    expect(d1.steps.find((s) => s.name === "edge-cloud-init")).toBeUndefined();
    expect(d1.sequence[0]!.type).toBe("hcloud:index/firewall:Firewall");
    upOnEdge(d1, b, first, host, state);
    expect(host.file("/etc/ssh/sshd_config.d/90-homelab.conf")).toContain("Port 22\nPort 2222\n");
    expect([...host.firewallPorts].sort()).toEqual([22, 2222]);
    expect(host.refused).toEqual([]);

    const second = await plan("hetzner", moved, { after: first });
    const d2 = diff(first, second);
    // The host key step connects as sshd answers, so it moves to the new port too (its key is in place: no reload).
    expect(operations(d2)).toEqual({ edge: "update", "edge-ssh": "update", "edge-sshd-host-key": "update" });
    upOnEdge(d2, first, second, host, state);
    expect(host.file("/etc/ssh/sshd_config.d/90-homelab.conf")).toContain("\nPort 2222\nPermitRootLogin");
    expect([...host.firewallPorts]).toEqual([2222]);
    expect(host.refused).toEqual([]);
    expect(host.log().filter((l) => l.includes("try-reload-or-restart"))).toEqual([]);
    // A third run changes nothing.
    const third = await plan("hetzner", moved, { after: second });
    expect(operations(diff(second, third))).toEqual({});
  });

  test("the admin user renamed: the SSH step (as ops) creates admin with the keys; every later step logs in as admin", async () => {
    const renamed = edit("ssh", (s) => (s.adminUser = "admin"));
    const { b, host, state, head: first, d: d1 } = await deployedThen(renamed);
    expect(d1.failures).toEqual([]);
    upOnEdge(d1, b, first, host, state, "admin");
    expect(host.file("/etc/passwd")).toBe("ops\nadmin\n");
    expect(host.file("/home/admin/.ssh/authorized_keys")).toBe(`${KEY_A}\n`);
    expect(host.file("/etc/ssh/sshd_config.d/90-homelab.conf")).toContain("AllowUsers ops admin\n");
    expect(host.refused).toEqual([]);
    const second = await plan("hetzner", renamed, { after: first });
    carryOut(diff(first, second), first, second, host, state);
    expect(host.file("/etc/ssh/sshd_config.d/90-homelab.conf")).toContain("AllowUsers admin\n");
    expect(host.refused).toEqual([]);
  });
});

describe("day 2 on the edge: the server itself", () => {
  const newServer = (type: string, name: string, inputs: Record<string, unknown>) =>
    type === "hcloud:index/server:Server" ? { ...mockResource(type, name, inputs), id: "4242" } : undefined;
  const elsewhere = edit("server", (s) => (s.location = "nbg1"));
  const unprotected = edit("server", (s) => (s.protect = false));

  test("a new location while protected: the replacement is refused and `pulumi up` fails", async () => {
    const b = await base();
    const d = diff(b, await plan("hetzner", elsewhere, { after: b }));
    expect(operations(d)).toMatchObject({ edge: "replace (delete-before-replace)" });
    expect(d.failures).toEqual([
      "hcloud:index/server:Server edge: replacing a protected resource: the engine refuses and `pulumi up` stops here (unprotect it first: protect false, then the replacement)",
    ]);
  });

  test("unprotecting and moving in one run: Pulumi allows it, Hetzner refuses to delete a server still under delete protection", async () => {
    const b = await base();
    const d = diff(b, await plan("hetzner", (c) => (unprotected(c), elsewhere(c)), { after: b }));
    expect(d.failures).toEqual([
      "hcloud:index/server:Server edge: the provider refuses the delete: Hetzner refuses to delete a server with delete protection (the provider never lifts it) (turn it off with an update first)",
    ]);
  });

  test("replaced on purpose (unprotected first): the old server goes first, then every step runs again on the new one", async () => {
    const free = await plan("hetzner", unprotected);
    const b = await base();
    const d0 = diff(b, free);
    // Hetzner's delete and rebuild protection off (an update), Pulumi's protect off (state only).
    expect(operations(d0)).toEqual({ "edge Firewall": "update", "edge Server": "update" });
    expect(d0.steps.find((s) => s.type === "hcloud:index/firewall:Firewall")?.stateOnly).toBe(true);
    expect(d0.steps.find((s) => s.type === "hcloud:index/server:Server")?.changes.map((c) => c.path)).toEqual([
      "deleteProtection",
      "rebuildProtection",
    ]);
    const { host, state, head, d } = await deployedThen((c) => (unprotected(c), elsewhere(c)), { from: free, answer: newServer });
    expect(d.failures).toEqual([]);
    expect(steps(d)).toEqual([
      "delete-replaced edge-cloud-init",
      "delete-replaced edge",
      "create-replacement edge",
      "create-replacement edge-cloud-init runs create",
      "update edge-sshd-host-key runs create",
      "update edge-ssh runs create",
      ...REDEPLOY_STEPS,
    ]);
    upOnEdge(d, free, head, host, state);
    // A new server (a new root): cloud-init, the SSH step, every file and compose up ran on it.
    expect(host.serverId).toBe(2);
    complete(host);
    expect(host.log()).toContain("docker compose up --detach --remove-orphans --wait --wait-timeout 600");
    expect(host.refused).toEqual([]);
  });

  test("a rotated bootstrap token is refused: Authentik reads it on first start only", async () => {
    const b = await base();
    await expect(
      plan(
        "hetzner",
        edit("authentik", (a) => (a.bootstrapToken = "rotated")),
        { after: b },
      ),
    ).rejects.toThrow("homelab:authentik.bootstrapToken changed, but Authentik reads it on its first start only");
  });
});

/** The host key the mocks give the edge (a stand-in public key). */
const HOST_KEY = (
  mockResource("tls:index/privateKey:PrivateKey", "edge-host-key", { algorithm: "ED25519" }).state.publicKeyOpenssh as string
).trim();

/** The host key each remote command's connection pins ("none" where it pins none). */
const pinned = (p: Plan) =>
  Object.fromEntries(
    p.run.resources
      .filter((r) => r.type === "command:remote:Command")
      .map((r) => [r.name, (plain(r.inputs) as { connection: { hostKey?: string } }).connection.hostKey ?? "none"]),
  );

describe("day 2 on the edge: the SSH host key", () => {
  test("a change of the user data (an admin key) with an unrelated one (an image tag): the host key and the server stay, every step pins the same key", async () => {
    const { b, host, state, head, d } = await deployedThen(
      (c) => (
        edit("ssh", (s) => (s.publicKeys = [KEY_A, KEY_B]))(c),
        edit("images", (i) => (i.traefik = "docker.io/library/traefik:v3.7.21"))(c)
      ),
    );
    expect(host.hostKey()).toBe(HOST_KEY);
    expect(d.failures).toEqual([]);
    // The user data changed (it holds the admin keys), but the server reads it at creation only.
    const userData = (p: Plan) =>
      p.planned.resources.find((r) => r.type === "hcloud:index/server:Server")!.secretHashes!.userData;
    expect(userData(head)).not.toBe(userData(b));
    expect(operations(d)).toEqual({
      "edge-compose-up": "update",
      "edge-compose-yaml": "update",
      "edge-ssh": "update",
      [keyObject(KEY_B)]: "create",
    });
    expect(head.outputs.sshHostKey).toBe(HOST_KEY);
    expect(pinned(head)).toEqual(pinned(b));
    expect(Object.values(pinned(head))).toEqual(Array(13).fill(HOST_KEY));
    upOnEdge(d, b, head, host, state);
    expect(host.refused).toEqual([]);
    expect(host.unpinned).toEqual([]);
  });

  test("a new host key (the key resource replaced, as `pulumi up --replace` does): the host key step connects with the old one and installs it; every later step pins the new one", async () => {
    const NEW = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIReplacedHostKeyOfTheScenarioxxxxxxxxxxxxxxx";
    // The engine diff models inputs, not `--replace`: the key's new value stands in for its replacement.
    const replaced = (type: string, name: string, inputs: Record<string, unknown>) => {
      if (type !== "tls:index/privateKey:PrivateKey") return undefined;
      const made = mockResource(type, name, inputs);
      return { ...made, state: { ...made.state, privateKeyOpenssh: "new private key\n", publicKeyOpenssh: `${NEW}\n` } };
    };
    const { b, host, state, head, d } = await deployedThen(undefined, { answer: replaced });
    expect(d.failures).toEqual([]);
    expect(steps(d)).toEqual(["update edge-sshd-host-key runs create", "update edge-ssh runs create", ...REDEPLOY_STEPS]);
    expect(pinned(head)).toMatchObject({ "edge-cloud-init": HOST_KEY, "edge-sshd-host-key": HOST_KEY, "edge-ssh": NEW });
    upOnEdge(d, b, head, host, state);
    expect(host.refused).toEqual([]);
    expect(host.hostKey()).toBe(NEW);
    expect(host.file("/etc/ssh/ssh_host_ed25519_key")).toBe("new private key\n");
    expect(host.log().filter((l) => l.includes("try-reload-or-restart"))).toEqual([
      "systemctl try-reload-or-restart ssh.service",
    ]);
  });

  test("a server answering with another key (a machine in its place): the first step's connection is refused and the run fails", async () => {
    const { b, host, state, head, d } = await deployedThen(
      edit("images", (i) => (i.traefik = "docker.io/library/traefik:v3.7.21")),
    );
    const other = host.clone();
    hosts.push(other);
    // Another machine at the address, with the project's files but a key of its own.
    writeFileSync(
      join(other.root, "run/sshd-host-key.pub"),
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAnotherMachinexxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
    );
    expect(() => carryOut(d, b, head, other, state)).toThrow(
      "update edge-compose-yaml (update) failed with 255: ssh ops@:22: ssh: handshake failed: ssh: host key mismatch",
    );
    expect(other.file("/opt/edge/compose.yaml")).not.toContain("traefik:v3.7.21");
  });
});

/**
 * Upgrading from the main before host key pinning (40b57c7): its hetzner plan (`resources.json`,
 * invokes left out) with the same config, so the secret fingerprints compare. Carried out on the
 * edge that main built, whose sshd answers with a key of its own.
 */
describe("upgrading the edge to host key pinning", () => {
  const FIXTURE = join(__dirname, "fixtures", "40b57c7", "hetzner.json");

  /**
   * That main's plan as a {@link Plan}: its secret inputs (connections, secret stdin) completed with
   * this plan's of the same resource, which the same config gives the same values, less the host key
   * (it pinned none); its outputs those a stack reference reads back (not secret).
   */
  function previousMain(head: Plan): Plan {
    const planned = JSON.parse(readFileSync(FIXTURE, "utf8")) as PlannedStack & { outputs: Record<string, unknown> };
    const resources = planned.resources.map((r) => {
      const inputs = { ...(r.inputs as Record<string, unknown>) };
      const now = head.run.resources.find((h) => h.urn === r.urn);
      for (const [key, value] of Object.entries(inputs)) if (value === MASK && now) inputs[key] = plain(now.inputs[key]);
      if (inputs.connection) {
        const { hostKey: _none, ...connection } = inputs.connection as { hostKey?: string };
        inputs.connection = connection;
      }
      return { ...r, inputs } as unknown as RecordedResource;
    });
    const outputs = Object.fromEntries(
      Object.entries(planned.outputs).filter(
        ([, v]) => !JSON.stringify(v).includes(MASK) && !JSON.stringify(v).includes(UNKNOWN),
      ),
    );
    return { ...head, planned, run: { ...head.run, resources }, outputs, secretOutputs: [] };
  }

  test("the key is created and installed by the host key step (connecting without checking, once); every other command updates once for its pinned connection; nothing is replaced", async () => {
    const planned = JSON.parse(readFileSync(FIXTURE, "utf8")) as PlannedStack & { outputs: Record<string, unknown> };
    const known = { outputs: { serverId: planned.outputs.serverId, sshPort: 22, sshUser: "ops" }, secretOutputs: [] };
    const head = await plan("hetzner", undefined, { after: known as unknown as Plan });
    const d = engineDiff(planned, head.planned);
    expect(d.failures).toEqual([]);
    // The same: the firewall, the server, its key object, cloud-init's wait. Created: the key, its
    // step, Traefik's env file (the Cloudflare token of the DNS-01 challenge) and the backup's
    // script and settings.
    expect(d.counts).toEqual({ create: 5, update: 8, replace: 0, delete: 0, same: 4 });
    expect(steps(d)).toEqual([
      "create edge-host-key",
      "create edge-sshd-host-key runs create",
      "update edge-ssh runs create",
      ...redeployCreating("edge-backup-postgresql-backup-sh", "edge-backup-settings-env", "edge-secrets-traefik-env"),
    ]);
    // Each update is the connection alone (the SSH step's script also gains sshd's HostKey line;
    // the compose file and Traefik's static file are this release's, Traefik in the host's network
    // with DNS-01, and compose up names them and the new env file); cloud-init's wait ignores its
    // connection; the server's new user data is ignored.
    expect(
      Object.fromEntries(
        d.steps.filter((s) => s.op === "update").map((s) => [s.name, [...new Set(s.changes.map((c) => c.path))]]),
      ),
    ).toEqual({
      "edge-compose-up": ["connection", "create", "stdin", "update"],
      "edge-compose-yaml": ["connection", "stdin"],
      "edge-secrets-authentik-env": ["connection"],
      "edge-secrets-netbird-env": ["connection"],
      "edge-secrets-postgresql-env": ["connection"],
      "edge-ssh": ["connection", "stdin"],
      "edge-traefik-dynamic-authentik-yaml": ["connection"],
      "edge-traefik-traefik-yaml": ["connection", "stdin"],
    });
    expect(d.steps.find((s) => s.name === "edge" && s.type === "hcloud:index/server:Server")).toBeUndefined();
    expect(d.steps.find((s) => s.name === "edge-cloud-init")).toBeUndefined();
    // The host key step alone connects without checking the key (that main's server has sshd's
    // own); cloud-init's wait shares its connection but ignores it (it runs on a new server only).
    expect(Object.entries(pinned(head)).filter(([, key]) => key !== HOST_KEY)).toEqual([
      ["edge-cloud-init", "none"],
      ["edge-sshd-host-key", "none"],
    ]);
    // The policy pack's remote-host-key-pinned rule (mandatory) stops this run; advisory, it passes.
    expect(
      checkRecorded(head.run.resources)
        .violations.filter((v) => v.enforcementLevel === "mandatory")
        .map((v) => `${v.rule} ${v.name}`),
    ).toEqual(["remote-host-key-pinned edge-cloud-init", "remote-host-key-pinned edge-sshd-host-key"]);
    expect(checkRecorded(head.run.resources, { "remote-host-key-pinned": { enforcementLevel: "advisory" } }).failed).toBe(false);
  });

  test("carried out on the edge that main built: its own key replaced by ours before any pinned step; no file goes missing, compose never goes down; the next run pins the host key step too, then nothing", async () => {
    const planned = JSON.parse(readFileSync(FIXTURE, "utf8")) as PlannedStack & { outputs: Record<string, unknown> };
    const known = { outputs: { serverId: planned.outputs.serverId, sshPort: 22, sshUser: "ops" }, secretOutputs: [] };
    const head = await plan("hetzner", undefined, { after: known as unknown as Plan });
    const before = previousMain(head);
    const host = new EdgeHost([KEY_A]);
    hosts.push(host);
    const state = new Map<string, string>();
    carryOut(engineDiff(undefined, before.planned), undefined, before, host, state);
    const own = host.hostKey();
    expect(own).toBe("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIStandInKeyOfServer1");
    const files = PROJECT_FILES.map((f) => [f, host.file(`/opt/edge/${f}`)] as const);
    const ups = host.log().filter((l) => l.startsWith("docker compose up")).length;

    const unpinned = host.unpinned.length; // every step of that main's
    const ran = upOnEdge(diff(before, head), before, head, host, state);
    expect(ran.map((r) => r.step.name)[0]).toBe("edge-sshd-host-key");
    expect(host.unpinned.slice(unpinned)).toEqual(["edge-sshd-host-key"]);
    expect(host.refused).toEqual([]);
    expect(host.hostKey()).toBe(HOST_KEY);
    // (The SSH step's script names paths under the stand-in's root.)
    expect(host.file("/etc/ssh/sshd_config.d/90-homelab.conf")).toMatch(/\nHostKey \S*\/etc\/ssh\/ssh_host_ed25519_key\n$/);
    // Every file holds what this release renders: the others are rewritten with what they held, the
    // compose file (Authentik's shm_size and volumes, the images now pinned; Traefik in the host's
    // network) and Traefik's static file (DNS-01) are this release's, Traefik's env file is new;
    // compose up runs once.
    const renders = (f: string) => plain(resource(head, `edge-${fileSlug(f)}`).inputs.stdin) as string;
    expect(PROJECT_FILES.map((f) => [f, host.file(`/opt/edge/${f}`)] as const)).toEqual(
      PROJECT_FILES.map((f) => [f, renders(f)] as const),
    );
    expect(files.filter(([f, text]) => text !== renders(f)).map(([f]) => f)).toEqual([
      "compose.yaml",
      "traefik/traefik.yaml",
      "secrets/traefik.env",
    ]);
    expect(files.find(([f]) => f === "secrets/traefik.env")![1]).toBeUndefined();
    expect(host.log().filter((l) => l.startsWith("docker compose up")).length).toBe(ups + 1);

    const second = await plan("hetzner", undefined, { after: head });
    const d2 = diff(head, second);
    expect(steps(d2)).toEqual(["update edge-sshd-host-key runs create"]);
    const reloads = host.log().filter((l) => l.includes("try-reload-or-restart")).length;
    carryOut(d2, head, second, host, state);
    expect(host.unpinned.slice(unpinned)).toEqual(["edge-sshd-host-key"]);
    expect(host.log().filter((l) => l.includes("try-reload-or-restart")).length).toBe(reloads);
    expect(operations(diff(second, await plan("hetzner", undefined, { after: second })))).toEqual({});
  });
});
