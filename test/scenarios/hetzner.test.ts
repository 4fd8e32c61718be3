import { afterAll, describe, expect, test } from "vitest";
import { fingerprint } from "../../lib/artifacts";
import { engineDiff } from "../../testing/engine";
import { mockResource } from "../../testing/placeholders";
import { diff, operations, plan, steps, type Config, type Plan } from "./harness";
import { carryOut, EdgeHost, type Ran } from "./hosts";

/**
 * Day 2 on the edge (Pulumi.hetzner.yaml), each change carried out on a stand-in VPS in the
 * engine's order. What every scenario holds: no change runs `docker compose down`, every project
 * file is present after every step, authorized_keys always holds an admin key, and Pulumi never
 * loses its SSH connection.
 */

const KEY_A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHomelabExampleKeyReplaceWithYoursxxxxxxxxxxxx admin@laptop";
const KEY_B = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISecondAdminKeyForTheScenarioTestsxxxxxxxxxx second@desk";
const keyObject = (key: string) => `edge-${fingerprint(key).slice(0, 8)}`;
const PROJECT_FILES = [
  "compose.yaml",
  "traefik/traefik.yaml",
  "traefik/dynamic/authentik.yaml",
  "secrets/authentik.env",
  "secrets/postgresql.env",
  "secrets/netbird.env",
];

let example: Promise<Plan> | undefined;
const base = () => (example ??= plan("hetzner"));
const hosts: EdgeHost[] = [];
afterAll(() => hosts.forEach((h) => h.remove()));

const edit = (section: string, change: (value: Config) => void) => (c: Config) => {
  c[`homelab:${section}`] = { ...(c[`homelab:${section}`] ?? {}) };
  change(c[`homelab:${section}`]);
};

const deployments = new Map<Plan, { host: EdgeHost; state: Map<string, string> }>();

/** The example edge deployed on a stand-in VPS whose operator holds `operatorKeys` (a copy of one deployment per plan). */
async function deployed(operatorKeys = [KEY_A], from?: Plan) {
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
function invariants(host: EdgeHost, user: () => string) {
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

/** Every project file is on the server. */
const complete = (host: EdgeHost) => expect(PROJECT_FILES.filter((f) => host.file(`/opt/edge/${f}`) === undefined)).toEqual([]);

const names = (ran: Ran[]) => ran.map((r) => `${r.step.name} ${r.step.runs}`);

describe("day 2 on the edge: files and images", () => {
  test("an image tag bumped: the compose file and compose up are updates; no compose down, no file missing", async () => {
    const { b, host, state } = await deployed();
    expect(host.log().filter((l) => l.startsWith("docker compose up"))).toHaveLength(1);
    const head = await plan(
      "hetzner",
      edit("images", (i) => (i.traefik = "docker.io/library/traefik:v3.6.27")),
      { after: b },
    );
    const d = diff(b, head);
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({ "edge-compose-up": "update", "edge-compose-yaml": "update" });
    expect(steps(d)).toEqual(["update edge-compose-yaml runs update", "update edge-compose-up runs update"]);
    const ran = carryOut(
      d,
      b,
      head,
      host,
      state,
      invariants(host, () => "ops"),
    );
    expect(names(ran)).toEqual(["edge-compose-yaml update", "edge-compose-up update"]);
    expect(host.file("/opt/edge/compose.yaml")).toContain("traefik:v3.6.27");
    complete(host);
    expect(host.log().filter((l) => l.startsWith("docker compose up"))).toHaveLength(2);
  });

  test("a secret rotated: only its env file and compose up run; the secret never shows", async () => {
    const { b, host, state } = await deployed();
    const head = await plan(
      "hetzner",
      edit("netbird", (n) => (n.setupKey = "rotated-setup-key")),
      { after: b },
    );
    const d = diff(b, head);
    expect(operations(d)).toEqual({ "edge-compose-up": "update", "edge-secrets-netbird-env": "update" });
    expect(d.steps.flatMap((s) => s.changes).map((c) => [c.path, c.kind])).toEqual([
      ["stdin", "secret"],
      ["stdin", "secret"],
    ]);
    expect(JSON.stringify(d)).not.toContain("rotated-setup-key");
    carryOut(
      d,
      b,
      head,
      host,
      state,
      invariants(host, () => "ops"),
    );
    expect(host.file("/opt/edge/secrets/netbird.env")).toBe("NB_SETUP_KEY=rotated-setup-key\n");
  });

  test("the ACME email changed: Traefik's static file, the compose file (its hash label) and compose up", async () => {
    const { b, host, state } = await deployed();
    const head = await plan(
      "hetzner",
      edit("traefik", (t) => (t.acmeEmail = "ops@example.net")),
      { after: b },
    );
    const d = diff(b, head);
    expect(operations(d)).toEqual({
      "edge-compose-up": "update",
      "edge-compose-yaml": "update",
      "edge-traefik-traefik-yaml": "update",
    });
    carryOut(
      d,
      b,
      head,
      host,
      state,
      invariants(host, () => "ops"),
    );
    expect(host.file("/opt/edge/traefik/traefik.yaml")).toContain("email: ops@example.net");
  });
});

describe("day 2 on the edge: SSH", () => {
  test("an admin key added: a new key object and authorized_keys rewritten in one rename; the server untouched", async () => {
    const { b, host, state } = await deployed();
    const head = await plan(
      "hetzner",
      edit("ssh", (s) => (s.publicKeys = [KEY_A, KEY_B])),
      { after: b },
    );
    const d = diff(b, head);
    expect(operations(d)).toEqual({ "edge-ssh": "update", [keyObject(KEY_B)]: "create" });
    carryOut(
      d,
      b,
      head,
      host,
      state,
      invariants(host, () => "ops"),
    );
    expect(host.file("/home/ops/.ssh/authorized_keys")).toBe(`${KEY_A}\n${KEY_B}\n`);
  });

  test("an admin key removed: its key object deleted (not protected), the other key keeps working", async () => {
    const two = await plan(
      "hetzner",
      edit("ssh", (s) => (s.publicKeys = [KEY_A, KEY_B])),
    );
    const { host, state } = await deployed([KEY_B], two);
    const head = await plan(
      "hetzner",
      edit("ssh", (s) => (s.publicKeys = [KEY_B])),
      { after: two },
    );
    const d = diff(two, head);
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({ "edge-ssh": "update", [keyObject(KEY_A)]: "delete" });
    carryOut(
      d,
      two,
      head,
      host,
      state,
      invariants(host, () => "ops"),
    );
    expect(host.file("/home/ops/.ssh/authorized_keys")).toBe(`${KEY_B}\n`);
    expect(host.refused).toEqual([]);
  });

  test("the SSH port changed: sshd listens on both ports before the connection moves; the next run closes the old one", async () => {
    const { b, host, state } = await deployed();
    const moved = edit("ssh", (s) => (s.port = 2222));
    const first = await plan("hetzner", moved, { after: b });
    const d1 = diff(b, first);
    expect(d1.failures).toEqual([]);
    // The firewall opens 2222 beside 22; the SSH step (still on 22) moves sshd; then every
    // command connects on 2222.
    expect(steps(d1).slice(0, 2)).toEqual(["update edge", "update edge-ssh runs create"]);
    expect(d1.steps.find((s) => s.name === "edge-cloud-init")).toBeUndefined();
    expect(d1.sequence[0]!.type).toBe("hcloud:index/firewall:Firewall");
    carryOut(
      d1,
      b,
      first,
      host,
      state,
      invariants(host, () => "ops"),
    );
    expect(host.file("/etc/ssh/sshd_config.d/90-homelab.conf")).toContain("Port 22\nPort 2222\n");
    expect([...host.firewallPorts].sort()).toEqual([22, 2222]);
    expect(host.refused).toEqual([]);

    const second = await plan("hetzner", moved, { after: first });
    const d2 = diff(first, second);
    expect(operations(d2)).toEqual({ edge: "update", "edge-ssh": "update" });
    carryOut(
      d2,
      first,
      second,
      host,
      state,
      invariants(host, () => "ops"),
    );
    expect(host.file("/etc/ssh/sshd_config.d/90-homelab.conf")).toContain("\nPort 2222\nPermitRootLogin");
    expect([...host.firewallPorts]).toEqual([2222]);
    expect(host.refused).toEqual([]);
    // A third run changes nothing.
    const third = await plan("hetzner", moved, { after: second });
    expect(operations(diff(second, third))).toEqual({});
  });

  test("the admin user renamed: the SSH step (as ops) creates admin with the keys; every later step logs in as admin", async () => {
    const { b, host, state } = await deployed();
    const renamed = edit("ssh", (s) => (s.adminUser = "admin"));
    const first = await plan("hetzner", renamed, { after: b });
    const d1 = diff(b, first);
    expect(d1.failures).toEqual([]);
    carryOut(
      d1,
      b,
      first,
      host,
      state,
      invariants(host, () => "admin"),
    );
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
    const { host, state } = await deployed([KEY_A], free);
    const head = await plan("hetzner", (c) => (unprotected(c), elsewhere(c)), { after: free, answer: newServer });
    const d = diff(free, head);
    expect(d.failures).toEqual([]);
    expect(steps(d)).toEqual([
      "delete-replaced edge-cloud-init",
      "delete-replaced edge",
      "create-replacement edge",
      "create-replacement edge-cloud-init runs create",
      "update edge-ssh runs create",
      "update edge-compose-yaml runs update",
      "update edge-secrets-authentik-env runs update",
      "update edge-secrets-netbird-env runs update",
      "update edge-secrets-postgresql-env runs update",
      "update edge-traefik-dynamic-authentik-yaml runs update",
      "update edge-traefik-traefik-yaml runs update",
      "update edge-compose-up runs update",
    ]);
    carryOut(
      d,
      free,
      head,
      host,
      state,
      invariants(host, () => "ops"),
    );
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
