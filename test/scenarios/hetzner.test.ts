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

/** The example edge deployed on a stand-in VPS whose operator holds `operatorKeys`. */
async function deployed(operatorKeys = [KEY_A], from?: Plan) {
  const b = from ?? (await base());
  const host = new EdgeHost(operatorKeys);
  hosts.push(host);
  const state = new Map<string, string>();
  carryOut(engineDiff(undefined, b.planned), undefined, b, host, state);
  return { b, host, state };
}

/** The invariants every edge step keeps. */
function invariants(host: EdgeHost, user: () => string) {
  return () => {
    if (host.serverId === undefined) return; // between a delete-first replacement's two halves
    for (const file of PROJECT_FILES) expect(host.file(`/opt/edge/${file}`), file).toBeDefined();
    const keys = host.file(`/home/${user()}/.ssh/authorized_keys`) ?? "";
    expect(keys.split("\n").filter((k) => k.startsWith("ssh-")).length).toBeGreaterThan(0);
    expect(host.log().filter((l) => l.includes("compose down"))).toEqual([]);
  };
}

const names = (ran: Ran[]) => ran.map((r) => `${r.step.name} ${r.step.runs}`);

describe("day 2 on the edge: files and images", () => {
  test("an image tag bumped: the compose file and compose up are updates; no compose down, no file missing", async () => {
    const { b, host, state } = await deployed();
    expect(host.log().filter((l) => l.startsWith("docker compose up"))).toHaveLength(1);
    const head = await plan("hetzner", edit("images", (i) => (i.traefik = "docker.io/library/traefik:v3.6.27")), { after: b });
    const d = diff(b, head);
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({ "edge-compose-up": "update", "edge-compose-yaml": "update" });
    expect(steps(d)).toEqual(["update edge-compose-yaml runs update", "update edge-compose-up runs update"]);
    const ran = carryOut(d, b, head, host, state, invariants(host, () => "ops"));
    expect(names(ran)).toEqual(["edge-compose-yaml update", "edge-compose-up update"]);
    expect(host.file("/opt/edge/compose.yaml")).toContain("traefik:v3.6.27");
    expect(host.log().filter((l) => l.startsWith("docker compose up"))).toHaveLength(2);
  });

  test("a secret rotated: only its env file and compose up run; the secret never shows", async () => {
    const { b, host, state } = await deployed();
    const head = await plan("hetzner", edit("netbird", (n) => (n.setupKey = "rotated-setup-key")), { after: b });
    const d = diff(b, head);
    expect(operations(d)).toEqual({ "edge-compose-up": "update", "edge-secrets-netbird-env": "update" });
    expect(d.steps.flatMap((s) => s.changes).map((c) => [c.path, c.kind])).toEqual([
      ["stdin", "secret"],
      ["stdin", "secret"],
    ]);
    expect(JSON.stringify(d)).not.toContain("rotated-setup-key");
    carryOut(d, b, head, host, state, invariants(host, () => "ops"));
    expect(host.file("/opt/edge/secrets/netbird.env")).toBe("NB_SETUP_KEY=rotated-setup-key\n");
  });

  test("the ACME email changed: Traefik's static file, the compose file (its hash label) and compose up", async () => {
    const { b, host, state } = await deployed();
    const head = await plan("hetzner", edit("traefik", (t) => (t.acmeEmail = "ops@example.net")), { after: b });
    const d = diff(b, head);
    expect(operations(d)).toEqual({
      "edge-compose-up": "update",
      "edge-compose-yaml": "update",
      "edge-traefik-traefik-yaml": "update",
    });
    carryOut(d, b, head, host, state, invariants(host, () => "ops"));
    expect(host.file("/opt/edge/traefik/traefik.yaml")).toContain("email: ops@example.net");
  });
});

describe("day 2 on the edge: SSH", () => {
  test("an admin key added: a new key object and authorized_keys rewritten in one rename; the server untouched", async () => {
    const { b, host, state } = await deployed();
    const head = await plan("hetzner", edit("ssh", (s) => (s.publicKeys = [KEY_A, KEY_B])), { after: b });
    const d = diff(b, head);
    expect(operations(d)).toEqual({ "edge-ssh": "update", [keyObject(KEY_B)]: "create" });
    carryOut(d, b, head, host, state, invariants(host, () => "ops"));
    expect(host.file("/home/ops/.ssh/authorized_keys")).toBe(`${KEY_A}\n${KEY_B}\n`);
  });

  test("an admin key removed: its key object deleted (not protected), the other key keeps working", async () => {
    const two = await plan("hetzner", edit("ssh", (s) => (s.publicKeys = [KEY_A, KEY_B])));
    const { host, state } = await deployed([KEY_B], two);
    const head = await plan("hetzner", edit("ssh", (s) => (s.publicKeys = [KEY_B])), { after: two });
    const d = diff(two, head);
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({ "edge-ssh": "update", [keyObject(KEY_A)]: "delete" });
    carryOut(d, two, head, host, state, invariants(host, () => "ops"));
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
    carryOut(d1, b, first, host, state, invariants(host, () => "ops"));
    expect(host.file("/etc/ssh/sshd_config.d/90-homelab.conf")).toContain("Port 22\nPort 2222\n");
    expect([...host.firewallPorts]).toEqual([22, 2222]);
    expect(host.refused).toEqual([]);

    const second = await plan("hetzner", moved, { after: first });
    const d2 = diff(first, second);
    expect(operations(d2)).toEqual({ edge: "update", "edge-ssh": "update" });
    carryOut(d2, first, second, host, state, invariants(host, () => "ops"));
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
    carryOut(d1, b, first, host, state, invariants(host, () => "admin"));
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
