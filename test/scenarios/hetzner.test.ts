import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { postgresqlBackupScript } from "../../lib/edge";
import { diff, operations, plan, resource, steps, type Plan } from "./harness";
import { carryOut, EdgeHost, plain } from "./hosts";
import { afterAll, describe, expect, test } from "vitest";
import {
  KEY_A,
  keyObject,
  base,
  edit,
  deployed,
  hosts,
  deployedThen,
  upOnEdge,
  builtBy9e2ccf9,
  complete,
  memo,
  names,
  resetEdges,
  snapshot,
} from "./edge-harness";

/**
 * Day 2 on the edge (Pulumi.hetzner.yaml), each change carried out on a stand-in VPS in the
 * engine's order. What every scenario holds: no change runs `docker compose down`, every project
 * file is present after every step, authorized_keys always holds an admin key, and Pulumi never
 * loses its SSH connection.
 */

afterAll(resetEdges);

describe("day 2 on the edge: files and images", () => {
  test("an image tag bumped: the compose file and compose up are updates; no compose down, no file missing", async () => {
    const { b, host, state, head, d } = await deployedThen(
      edit("images", (i) => (i.traefik = "docker.io/library/traefik:v3.7.21")),
    );
    expect(host.log().filter((l) => l.startsWith("docker compose up"))).toHaveLength(1);
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({ "edge-compose-up": "update", "edge-compose-yaml": "update" });
    expect(steps(d)).toEqual(["update edge-compose-yaml runs update", "update edge-compose-up runs update"]);
    const ran = upOnEdge(d, b, head, host, state);
    expect(names(ran)).toEqual(["edge-compose-yaml update", "edge-compose-up update"]);
    expect(host.file("/opt/edge/compose.yaml")).toContain("traefik:v3.7.21");
    complete(host);
    expect(host.log().filter((l) => l.startsWith("docker compose up"))).toHaveLength(2);
  });

  test("the Authentik tag bumped: the compose file (server and worker) and compose up are updates; nothing replaced or deleted, no compose down, every volume stays", async () => {
    const { b, host, state, head, d } = await deployedThen(
      edit("images", (i) => (i.authentik = "docker.io/authentik/server:2026.5.10")),
    );
    const volumes = host.volumes();
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({ "edge-compose-up": "update", "edge-compose-yaml": "update" });
    expect(d.counts).toMatchObject({ create: 0, replace: 0, delete: 0 });
    expect(steps(d)).toEqual(["update edge-compose-yaml runs update", "update edge-compose-up runs update"]);
    upOnEdge(d, b, head, host, state);
    const compose = host.file("/opt/edge/compose.yaml")!;
    expect(compose.split("\n").filter((l) => l.includes("authentik/server:"))).toEqual([
      "    image: docker.io/authentik/server:2026.5.10",
      "    image: docker.io/authentik/server:2026.5.10",
    ]);
    expect(host.volumes()).toEqual(volumes);
    expect(host.log().filter((l) => l.startsWith("docker compose up"))).toHaveLength(2);
  });

  test("Authentik's shm_size and volumes reach an edge built before them (9e2ccf9): the compose file and compose up update; its volumes stay, data and certs are added, nothing is deleted", async () => {
    const before = builtBy9e2ccf9(await base());
    const { host, state, head, d } = await deployedThen(undefined, { from: before });
    const volumes = ["edge_database", "edge_letsencrypt", "edge_media", "edge_netbird", "edge_templates"];
    expect(host.volumes()).toEqual(volumes);
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({ "edge-compose-up": "update", "edge-compose-yaml": "update" });
    expect(d.counts).toMatchObject({ create: 0, replace: 0, delete: 0 });
    expect(d.steps.find((s) => s.name === "edge-compose-yaml")!.changes.map((c) => c.path)).toEqual(["stdin"]);
    expect(steps(d)).toEqual(["update edge-compose-yaml runs update", "update edge-compose-up runs update"]);
    upOnEdge(d, before, head, host, state);
    const compose = host.file("/opt/edge/compose.yaml")!;
    expect(compose.split("\n").filter((l) => l.includes("shm_size"))).toEqual(["    shm_size: 512mb", "    shm_size: 512mb"]);
    expect(host.volumes()).toEqual(["edge_certs", "edge_data", ...volumes]);
    expect(host.log().filter((l) => l.startsWith("docker compose up"))).toHaveLength(2);
    // The stack now exports its volumes; the next run compares against them.
    expect(head.outputs.composeVolumes).toEqual(host.volumes());
  });

  test("a volume the last run had and this one would not name: the run fails, naming it, before any step on the VPS", async () => {
    const b = await base();
    const last = { ...b, outputs: { ...b.outputs, composeVolumes: [...(b.outputs.composeVolumes as string[]), "edge_uploads"] } };
    await expect(plan("hetzner", undefined, { after: last })).rejects.toThrow(
      "the edge's compose project no longer names the volume edge_uploads of the last run: its service would start on a new, empty volume and leave the data behind. Name it again (a renamed volume keeps its old name); to give it up, add it to RETIRED_VOLUMES in lib/edge.ts with the reason.",
    );
    // The check fails the stack's reference to its last run (`previous`): what waits on it, directly
    // or through a dependency, is never registered, so the engine touches it not. Only the Hetzner
    // key objects and the host key, which hold nothing of the VPS's state, do not.
    const byUrn = new Map(b.planned.resources.map((r) => [r.urn, r]));
    const reaches = (urn: string, seen = new Set<string>()): boolean => {
      const r = byUrn.get(urn)!;
      if (r.type === "pulumi:pulumi:StackReference") return true;
      seen.add(urn);
      return (r.dependencies ?? []).some((d) => !seen.has(d) && reaches(d, seen));
    };
    expect(
      b.planned.resources
        .filter((r) => r.custom && r.type !== "pulumi:pulumi:StackReference" && !reaches(r.urn))
        .map((r) => `${r.name} ${r.type}`),
    ).toEqual(["edge-host-key tls:index/privateKey:PrivateKey", `${keyObject(KEY_A)} hcloud:index/sshKey:SshKey`]);
  });

  test("a secret rotated: only its env file and compose up run; the secret never shows", async () => {
    const { b, host, state, head, d } = await deployedThen(edit("netbird", (n) => (n.setupKey = "rotated-setup-key")));
    expect(operations(d)).toEqual({ "edge-compose-up": "update", "edge-secrets-netbird-env": "update" });
    expect(d.steps.flatMap((s) => s.changes).map((c) => [c.path, c.kind])).toEqual([
      ["stdin", "secret"],
      ["stdin", "secret"],
    ]);
    expect(JSON.stringify(d)).not.toContain("rotated-setup-key");
    upOnEdge(d, b, head, host, state);
    expect(host.file("/opt/edge/secrets/netbird.env")).toBe("NB_SETUP_KEY=rotated-setup-key\n");
  });

  test("the ACME email changed: Traefik's static file, the compose file (its hash label) and compose up", async () => {
    const { b, host, state, head, d } = await deployedThen(edit("traefik", (t) => (t.acmeEmail = "ops@example.net")));
    expect(operations(d)).toEqual({
      "edge-compose-up": "update",
      "edge-compose-yaml": "update",
      "edge-traefik-traefik-yaml": "update",
    });
    upOnEdge(d, b, head, host, state);
    expect(host.file("/opt/edge/traefik/traefik.yaml")).toContain("email: ops@example.net");
  });
});

describe("the scenarios' stand-in edge", () => {
  test("a script run answered from an earlier run of this process (the same script on the same tree) leaves the tree, output and log running it leaves", async () => {
    const { b, host, state, head, d } = await deployedThen(
      edit("images", (i) => (i.traefik = "docker.io/library/traefik:v3.7.21")),
    );
    const real = host.clone(); // not remembering: every script runs
    hosts.push(real);
    const { host: again } = await deployed();
    carryOut(d, b, head, host, new Map(state));
    const hits = memo.hits;
    const answered = carryOut(d, b, head, again, new Map(state));
    expect(memo.hits - hits).toBe(2);
    const ran = carryOut(d, b, head, real, new Map(state));
    const strip = (root: string) => (text: string) => text.split(root).join("<root>");
    expect(answered.map((r) => [r.code, strip(again.root)(r.stdout), strip(again.root)(r.stderr)])).toEqual(
      ran.map((r) => [r.code, strip(real.root)(r.stdout), strip(real.root)(r.stderr)]),
    );
    expect(snapshot(again.root)).toEqual(snapshot(real.root));
    expect(again.log()).toEqual(real.log());
    expect(again.log().filter((l) => l.startsWith("docker compose up"))).toHaveLength(2);
  });
});

describe("day 2 on the edge: certificates by DNS-01 (Cloudflare)", () => {
  const TOKEN = "cf-dns-token-scenario-1";
  const withToken = (token: string) => edit("traefik", (t) => (t.cloudflareToken = token));
  const withoutToken = edit("traefik", (t) => delete t.cloudflareToken);

  test("switching the edge to DNS-01 (a Cloudflare token added): Traefik's static file, the new env file, the compose file and compose up; nothing replaced; the token never shows", async () => {
    const tlsAlpn = await plan("hetzner", withoutToken);
    const { host, state, head, d } = await deployedThen(withToken(TOKEN), { from: tlsAlpn });
    expect(host.file("/opt/edge/traefik/traefik.yaml")).toContain("tlsChallenge: {}");
    expect(host.file("/opt/edge/secrets/traefik.env")).toBeUndefined();
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({
      "edge-compose-up": "update",
      // Traefik names its env file, and carries the static file's new hash (so compose recreates it).
      "edge-compose-yaml": "update",
      "edge-secrets-traefik-env": "create",
      "edge-traefik-traefik-yaml": "update",
    });
    expect(steps(d)).toEqual([
      "update edge-compose-yaml runs update",
      "create edge-secrets-traefik-env runs create",
      "update edge-traefik-traefik-yaml runs update",
      "update edge-compose-up runs update",
    ]);
    expect(JSON.stringify(d)).not.toContain(TOKEN);
    const ups = host.log().filter((l) => l.startsWith("docker compose up")).length;
    upOnEdge(d, tlsAlpn, head, host, state);
    // (The docker stand-in refuses `compose up` when an env file the compose file names is missing.)
    expect(host.file("/opt/edge/secrets/traefik.env")).toBe(`CF_DNS_API_TOKEN=${TOKEN}\n`);
    expect(host.file("/opt/edge/traefik/traefik.yaml")).toContain("dnsChallenge:\n        provider: cloudflare\n");
    expect(host.file("/opt/edge/compose.yaml")).toContain("env_file:\n      - ./secrets/traefik.env\n");
    expect(host.log().filter((l) => l.startsWith("docker compose up")).length).toBe(ups + 1);
    complete(host);
  });

  test("a rotated Cloudflare token: only Traefik's env file and compose up run; the token never shows", async () => {
    const before = await plan("hetzner", withToken(TOKEN));
    const { host, state, head, d } = await deployedThen(withToken("cf-dns-token-rotated"), { from: before });
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({ "edge-compose-up": "update", "edge-secrets-traefik-env": "update" });
    expect(steps(d)).toEqual(["update edge-secrets-traefik-env runs update", "update edge-compose-up runs update"]);
    expect(d.steps.flatMap((s) => s.changes).map((c) => [c.path, c.kind])).toEqual([
      ["stdin", "secret"],
      ["stdin", "secret"],
    ]);
    expect(JSON.stringify(d)).not.toContain("cf-dns-token-rotated");
    expect(JSON.stringify(d)).not.toContain(TOKEN);
    upOnEdge(d, before, head, host, state);
    expect(host.file("/opt/edge/secrets/traefik.env")).toBe("CF_DNS_API_TOKEN=cf-dns-token-rotated\n");
  });
});

describe("day 2 on the edge: backups and logs", () => {
  const backupOff = edit("backup", (b) => (b.enabled = false));
  const ups = (host: EdgeHost) => host.log().filter((l) => l.startsWith("docker compose up")).length;
  /** Read-only mounts compose found without their source (Docker makes it an empty directory). */
  const emptyMounts = (host: EdgeHost) => host.log().filter((l) => l.startsWith("docker: read-only bind source"));

  test("backups turned on for an existing edge: the script and its settings are created, then the compose file and compose up update; no compose down, no file missing, no read-only mount found empty", async () => {
    const off = await plan("hetzner", backupOff);
    const { host, state, head, d } = await deployedThen(undefined, { from: off });
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({
      "edge-backup-postgresql-backup-sh": "create",
      "edge-backup-settings-env": "create",
      "edge-compose-up": "update",
      "edge-compose-yaml": "update",
    });
    expect(steps(d)).toEqual([
      "create edge-backup-postgresql-backup-sh runs create",
      "create edge-backup-settings-env runs create",
      "update edge-compose-yaml runs update",
      "update edge-compose-up runs update",
    ]);
    const before = ups(host);
    upOnEdge(d, off, head, host, state);
    expect(host.file("/opt/edge/backup/postgresql-backup.sh")).toBe(postgresqlBackupScript());
    expect(host.file("/opt/edge/backup/settings.env")).toBe("BACKUP_SCHEDULE=03:30\nBACKUP_KEEP=7\n");
    // The backup service is added; no other service changes.
    const services = (p: Plan) =>
      parse(plain(resource(p, "edge-compose-yaml").inputs.stdin) as string).services as Record<string, unknown>;
    const { "postgresql-backup": added, ...others } = services(head);
    expect(added).toBeDefined();
    expect(others).toEqual(services(off));
    expect(host.file("/opt/edge/compose.yaml")).toBe(plain(resource(head, "edge-compose-yaml").inputs.stdin));
    expect(ups(host)).toBe(before + 1);
    expect(emptyMounts(host)).toEqual([]);
    complete(host);
  });

  test("the retention changed (backup.keep), or the time (backup.schedule): only the settings file is rewritten in place; compose up does not run (the service reads it every minute)", async () => {
    const { b, host, state, head, d } = await deployedThen(edit("backup", (x) => (x.keep = 14)));
    // The example's first deploy wrote the script and settings before compose up mounted them.
    expect(emptyMounts(host)).toEqual([]);
    expect(host.file("/opt/edge/backup/settings.env")).toBe("BACKUP_SCHEDULE=03:30\nBACKUP_KEEP=7\n");
    expect(d.failures).toEqual([]);
    expect(operations(d)).toEqual({ "edge-backup-settings-env": "update" });
    expect(steps(d)).toEqual(["update edge-backup-settings-env runs update"]);
    const before = ups(host);
    upOnEdge(d, b, head, host, state);
    expect(host.file("/opt/edge/backup/settings.env")).toBe("BACKUP_SCHEDULE=03:30\nBACKUP_KEEP=14\n");
    expect(ups(host)).toBe(before);
    const later = await plan(
      "hetzner",
      edit("backup", (x) => (x.schedule = "22:45")),
      { after: b },
    );
    expect(steps(diff(b, later))).toEqual(["update edge-backup-settings-env runs update"]);
  });

  test("backups turned off: compose up removes the service (--remove-orphans), then the script and settings go; the dumps stay", async () => {
    const { b, host, state, head, d } = await deployedThen(backupOff);
    mkdirSync(join(host.root, "opt/edge/backups"), { recursive: true });
    writeFileSync(join(host.root, "opt/edge/backups/authentik-20261101T033000Z.dump"), "PGDMP\n");
    expect(d.failures).toEqual([]);
    expect(steps(d)).toEqual([
      "update edge-compose-yaml runs update",
      "update edge-compose-up runs update",
      "delete edge-backup-settings-env runs delete",
      "delete edge-backup-postgresql-backup-sh runs delete",
    ]);
    upOnEdge(d, b, head, host, state);
    expect(Object.keys(parse(host.file("/opt/edge/compose.yaml")!).services)).not.toContain("postgresql-backup");
    expect(
      host
        .log()
        .filter((l) => l.startsWith("docker compose"))
        .at(-1),
    ).toBe("docker compose up --detach --remove-orphans --wait --wait-timeout 600");
    expect([host.file("/opt/edge/backup/postgresql-backup.sh"), host.file("/opt/edge/backup/settings.env")]).toEqual([
      undefined,
      undefined,
    ]);
    expect(host.file("/opt/edge/backups/authentik-20261101T033000Z.dump")).toBe("PGDMP\n");
  });

  test("the log rotation changed (logs): the compose file, every service's logging in it, and compose up; nothing else", async () => {
    const { b, host, state, head, d } = await deployedThen(
      edit("logs", (l) => Object.assign(l, { maxSize: "50m", maxFiles: 5 })),
    );
    expect(operations(d)).toEqual({ "edge-compose-up": "update", "edge-compose-yaml": "update" });
    upOnEdge(d, b, head, host, state);
    const services = Object.values(parse(host.file("/opt/edge/compose.yaml")!).services as Record<string, { logging: unknown }>);
    expect(services.map((s) => s.logging)).toEqual(
      Array(services.length).fill({ driver: "json-file", options: { "max-size": "50m", "max-file": "5" } }),
    );
  });
});
