import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { PROJECT_ROOT } from "../../config/root";
import {
  BACKUP_FILES,
  BACKUP_SERVICE,
  backupSettingsFile,
  EDGE_IMAGES,
  edgeCompose,
  postgresqlBackupScript,
  SECRET_ENV_FILES,
  secretEnvFile,
} from "../../lib/edge";

/**
 * The backup service's script (lib/edge.ts `postgresqlBackupScript`), run the way its container
 * runs it: with the environment and settings file the compose project gives it, under busybox's sh
 * and tools (what the alpine postgres image has; when busybox is installed here) and under this
 * machine's sh, with stand-ins for pg_dump and sleep (standins/postgresql). The stand-in pg_dump
 * refuses any password but the server's; the stand-in sleep runs the test's hook for that minute
 * (time passing, settings rewritten) and stops the service after the last one, as `docker stop`
 * does (TERM).
 */

const STANDINS = join(__dirname, "standins", "postgresql");
const PASSWORD = "pg-canary-password-5d2b";
const work = mkdtempSync(join(tmpdir(), "backup-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment the compose project gives the service (its env file adds POSTGRES_PASSWORD). */
const SERVICE = (
  edgeCompose({
    images: EDGE_IMAGES,
    netbirdManagementUrl: "https://netbird.example.net",
    netbirdHostname: "edge",
    wireguardPort: 51820,
    authentikBootstrapEmail: "admin@example.net",
    traefikConfigHash: "0",
    backup: { scriptHash: "0" },
  }).services as Record<string, { environment: Record<string, string>; command: string[]; volumes: string[] }>
)[BACKUP_SERVICE]!;

/** busybox's applets as a directory of links, when busybox is here. */
function busyboxBin(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v busybox"], { encoding: "utf8" }).stdout.trim();
  if (found === "") return undefined;
  const bin = join(work, "busybox-bin");
  mkdirSync(bin);
  const applets = spawnSync(found, ["--list"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
  for (const applet of applets) symlinkSync(found, join(bin, applet));
  return bin;
}

const busybox = busyboxBin();
const SHELLS = [
  ...(busybox ? [{ name: "busybox sh (the postgres image's)", shell: [join(busybox, "sh")], path: busybox }] : []),
  { name: "this machine's sh", shell: ["sh"], path: "/usr/bin:/bin" },
];

/** HH:MM (UTC) of a moment. */
const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);
/** The time stamp of a dump the script makes (the tests' earlier dumps are named in 2001). */
const STAMP = /20[2-9]\d{5}T\d{6}Z/g;

interface Run {
  readonly code: number | null;
  /** The service's log, its directories shown as the container sees them. */
  readonly stdout: string[];
  readonly stderr: string;
  /** The stand-ins' calls (pg_dump with its connection, sleep). */
  readonly calls: string[];
  /** The dumps directory, dot files included, sorted. */
  readonly dumps: string[];
}

let containers = 0;

describe.each(SHELLS)("the backup script under $name", ({ shell, path }) => {
  /** A container's worth of directories: /backup (script, settings), /backups, and the stand-ins' state. */
  function container(settings: string | undefined) {
    const root = join(work, `container-${++containers}`);
    for (const dir of ["backup", "backups", "state"]) mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, BACKUP_FILES.script), postgresqlBackupScript());
    if (settings !== undefined) writeFileSync(join(root, BACKUP_FILES.settings), settings);
    /** An earlier dump, `hoursAgo` old. */
    const dump = (name: string, hoursAgo: number) => {
      const file = join(root, "backups", name);
      writeFileSync(file, "PGDMP an earlier dump\n");
      const t = (Date.now() - hoursAgo * 3600e3) / 1000;
      utimesSync(file, t, t);
    };
    /** What the stand-in sleep runs at its call `call` (sh, in the container's environment). */
    const hook = (call: number, script: string) => writeFileSync(join(root, "state", `hook.${call}`), script);
    const run = (options: { args?: string[]; env?: Record<string, string>; sleeps?: number } = {}): Run => {
      const r = spawnSync(shell[0]!, [...shell.slice(1), join(root, BACKUP_FILES.script), ...(options.args ?? [])], {
        encoding: "utf8",
        timeout: 20_000,
        env: {
          PATH: `${STANDINS}:${path}`,
          ...SERVICE.environment,
          POSTGRES_PASSWORD: PASSWORD,
          BACKUP_SETTINGS: join(root, BACKUP_FILES.settings),
          BACKUP_DIR: join(root, "backups"),
          STANDIN_PASSWORD: PASSWORD,
          STANDIN_STATE: join(root, "state"),
          STANDIN_LOG: join(root, "calls"),
          STANDIN_SLEEPS: String(options.sleeps ?? 1),
          ...options.env,
        },
      });
      const shown = (text: string) => text.split(`${root}/`).join("/").replace(STAMP, "<time>");
      return {
        code: r.status,
        stdout: shown(r.stdout).split("\n").filter(Boolean),
        stderr: r.stderr,
        calls: existsSync(join(root, "calls"))
          ? shown(readFileSync(join(root, "calls"), "utf8"))
              .split("\n")
              .filter(Boolean)
          : [],
        dumps: readdirSync(join(root, "backups")).sort(),
      };
    };
    return { root, dump, hook, run };
  }

  /** A scheduled time two hours ago, taken once: read again after a run, the minute may have turned. */
  const scheduled = clock(Date.now() - 2 * 3600e3);
  /** Settings whose scheduled time was two hours ago. */
  const twoHoursAgo = (keep: number) => backupSettingsFile({ schedule: scheduled, keep });

  test("a first start with no dump yet dumps at once: pg_dump's custom format, named by the UTC time, 0600 in a 0700 directory; the password reaches pg_dump alone; docker stop ends it", () => {
    const settings = twoHoursAgo(7);
    const c = container(settings);
    const before = Date.now();
    const r = c.run();
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual([
      `homelab backup: daily at ${scheduled} UTC into /backups, keeping the newest 7`,
      "homelab backup: dumped authentik to /backups/authentik-<time>.dump",
      "homelab backup: stopped",
    ]);
    expect(r.calls).toEqual([
      "pg_dump --format=custom --file=/backups/.authentik-<time>.dump.partial (authentik@postgresql/authentik)",
      "sleep 60",
    ]);
    expect(r.dumps).toHaveLength(1);
    const [name] = r.dumps as [string];
    expect(name).toMatch(/^authentik-\d{8}T\d{6}Z\.dump$/);
    const stamp = name.slice(10, 26);
    const at = Date.UTC(
      +stamp.slice(0, 4),
      +stamp.slice(4, 6) - 1,
      +stamp.slice(6, 8),
      +stamp.slice(9, 11),
      +stamp.slice(11, 13),
      +stamp.slice(13, 15),
    );
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(at).toBeLessThanOrEqual(Date.now());
    expect(readFileSync(join(c.root, "backups", name), "utf8")).toBe("PGDMP stand-in dump of authentik\n");
    expect(statSync(join(c.root, "backups", name)).mode & 0o777).toBe(0o600);
    expect(statSync(join(c.root, "backups")).mode & 0o777).toBe(0o700);
    // The password is in no file: not the settings, not the dumps, not the stand-ins' records.
    const written = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? written(join(dir, e.name)) : [readFileSync(join(dir, e.name), "utf8")],
      );
    expect(written(c.root).filter((text) => text.includes(PASSWORD))).toEqual([]);
  });

  test("nothing is due while the newest dump is later than the last scheduled time, and nothing is pruned then", () => {
    const c = container(twoHoursAgo(1));
    c.dump("authentik-20010101T033000Z.dump", 30);
    c.dump("authentik-20010102T033000Z.dump", 1);
    const r = c.run();
    expect(r.code).toBe(0);
    expect(r.calls).toEqual(["sleep 60"]);
    expect(r.dumps).toEqual(["authentik-20010101T033000Z.dump", "authentik-20010102T033000Z.dump"]);
  });

  test("due once the newest dump is older than the last scheduled time (a time missed while down is caught up): one dump, then the dumps beyond keep go, oldest first", () => {
    const c = container(twoHoursAgo(2));
    c.dump("authentik-20010101T033000Z.dump", 50);
    c.dump("authentik-20010102T033000Z.dump", 26);
    c.dump("authentik-20010103T033000Z.dump", 3);
    const r = c.run();
    expect(r.code).toBe(0);
    expect(r.stdout.slice(1, -1)).toEqual([
      "homelab backup: dumped authentik to /backups/authentik-<time>.dump",
      "homelab backup: removed /backups/authentik-20010101T033000Z.dump (keeping the newest 2)",
      "homelab backup: removed /backups/authentik-20010102T033000Z.dump (keeping the newest 2)",
    ]);
    expect(r.dumps.map((d) => d.replace(STAMP, "<time>"))).toEqual(["authentik-20010103T033000Z.dump", "authentik-<time>.dump"]);
  });

  test("a failed dump leaves no partial file and deletes nothing; the next minute tries again", () => {
    const c = container(twoHoursAgo(1));
    c.dump("authentik-20010101T033000Z.dump", 50);
    c.dump("authentik-20010102T033000Z.dump", 26);
    const r = c.run({ env: { PG_DUMP_FAIL: "1" }, sleeps: 2 });
    expect(r.code).toBe(0);
    expect(r.stdout.filter((l) => l.includes("pg_dump"))).toEqual([
      "homelab backup: pg_dump failed (exit 1); the dumps before stay",
      "homelab backup: pg_dump failed (exit 1); the dumps before stay",
    ]);
    expect(r.stderr).toContain("server closed the connection unexpectedly");
    expect(r.calls.filter((l) => l.startsWith("pg_dump"))).toHaveLength(2);
    expect(r.dumps).toEqual(["authentik-20010101T033000Z.dump", "authentik-20010102T033000Z.dump"]);
  });

  test("the settings are read again every minute: a bad file is reported once and nothing is done; a lowered keep applies at the next dump", () => {
    const c = container(twoHoursAgo(3));
    c.dump("authentik-20010101T033000Z.dump", 50);
    // A day later, as it were: the dump just made is an old one (its name and time those of the reference).
    const reference = join(c.root, "state", "day-old");
    writeFileSync(reference, "");
    utimesSync(reference, (Date.now() - 24 * 3600e3) / 1000, (Date.now() - 24 * 3600e3) / 1000);
    c.hook(1, `printf 'BACKUP_SCHEDULE=3:30\\nBACKUP_KEEP=3\\n' > "$BACKUP_SETTINGS"\n`);
    c.hook(
      3,
      [
        `printf '%s' '${twoHoursAgo(1)}' > "$BACKUP_SETTINGS"`,
        `for f in "$BACKUP_DIR"/authentik-2*.dump; do case "$f" in *20010101T*) ;; *) mv "$f" "$BACKUP_DIR/authentik-20010102T033000Z.dump" ;; esac; done`,
        `touch -r "${reference}" "$BACKUP_DIR/authentik-20010102T033000Z.dump"`,
        "",
      ].join("\n"),
    );
    const r = c.run({ sleeps: 4 });
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual([
      `homelab backup: daily at ${scheduled} UTC into /backups, keeping the newest 3`,
      "homelab backup: dumped authentik to /backups/authentik-<time>.dump",
      // Reported once, though read (and refused) on two minutes.
      "homelab backup: BACKUP_SCHEDULE must be HH:MM, got '3:30'",
      `homelab backup: daily at ${scheduled} UTC into /backups, keeping the newest 1`,
      "homelab backup: dumped authentik to /backups/authentik-<time>.dump",
      "homelab backup: removed /backups/authentik-20010101T033000Z.dump (keeping the newest 1)",
      "homelab backup: removed /backups/authentik-20010102T033000Z.dump (keeping the newest 1)",
      "homelab backup: stopped",
    ]);
    expect(r.calls.filter((l) => l.startsWith("pg_dump"))).toHaveLength(2);
    expect(r.dumps.map((d) => d.replace(STAMP, "<time>"))).toEqual(["authentik-<time>.dump"]);
  });

  test("--now makes one dump at once and deletes nothing", () => {
    const c = container(twoHoursAgo(1));
    c.dump("authentik-20010101T033000Z.dump", 50);
    c.dump("authentik-20010102T033000Z.dump", 1);
    const r = c.run({ args: ["--now"] });
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(["homelab backup: dumped authentik to /backups/authentik-<time>.dump"]);
    expect(r.calls).toEqual([
      "pg_dump --format=custom --file=/backups/.authentik-<time>.dump.partial (authentik@postgresql/authentik)",
    ]);
    expect(r.dumps).toHaveLength(3);
  });

  test("without the env file's POSTGRES_PASSWORD it stops at once, naming the file, and dumps nothing", () => {
    const c = container(twoHoursAgo(1));
    const r = c.run({ env: { POSTGRES_PASSWORD: "" } });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("POSTGRES_PASSWORD: must be set: the service reads it from secrets/postgresql.env");
    expect(r.calls).toEqual([]);
    expect(r.dumps).toEqual([]);
  });
});

test("the backup service runs the script from its read-only /backup mount, with the settings beside it and the dumps in /opt/edge/backups", () => {
  expect(SERVICE.command).toEqual(["sh", `/${BACKUP_FILES.script}`]);
  expect(SERVICE.volumes).toEqual(["./backup:/backup:ro", "./backups:/backups"]);
  // The script's defaults are those mounts.
  expect(postgresqlBackupScript()).toContain(
    `settings=\${BACKUP_SETTINGS:-/${BACKUP_FILES.settings}}\ndir=\${BACKUP_DIR:-/backups}\n`,
  );
  expect(SHELLS.length).toBeGreaterThan(0);
});

/** A PostgreSQL server's programs here (Debian keeps them off PATH), or undefined. */
function postgresBin(): string | undefined {
  const onPath = spawnSync("sh", ["-c", "command -v pg_ctl"], { encoding: "utf8" }).stdout.trim();
  // Its directory, not a link to it (psql, pg_dump and pg_restore are beside it).
  if (onPath !== "") return dirname(realpathSync(onPath));
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => join(root, v, "bin")).find((bin) => existsSync(join(bin, "pg_ctl")));
}

const PG = postgresBin();
/** The server runs as postgres when this is root (PostgreSQL refuses root). */
const POSTGRES_USER = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
const AS_SERVER =
  process.getuid?.() !== 0
    ? []
    : POSTGRES_USER.status === 0 && !spawnSync("runuser", ["--help"]).error
      ? ["runuser", "-u", "postgres", "--"]
      : undefined;

/**
 * The README's restore procedure, its commands exactly as written there, against a real PostgreSQL
 * server (this machine's; the edge's image has the same client programs of a newer major), with a
 * stand-in docker (standins/restore) that runs `compose exec -T postgresql` commands as inside that
 * container (its local socket, at trust as the image leaves it) and `compose run` of the backup
 * service as a new container of it (the server over TCP with password authentication, its env file).
 * Skipped where no PostgreSQL server is installed.
 */
describe.skipIf(PG === undefined || AS_SERVER === undefined)("the README's restore procedure", () => {
  const dir = mkdtempSync(join(tmpdir(), "restore-"));
  const server = join(dir, "server");
  const project = join(dir, "edge");
  const port = 20000 + (process.pid % 20000);
  const password = "pg-canary-restore-7c1e";
  /** Runs one of the server's programs as its user. */
  const serverRun = (program: string, args: string[]) => {
    const [first, ...rest] = [...AS_SERVER!, join(PG!, program), ...args];
    return spawnSync(first!, rest, { encoding: "utf8" });
  };
  const asServer = (program: string, args: string[]) => {
    const r = serverRun(program, args);
    if (r.status !== 0) throw new Error(`${program} failed: ${r.stderr}`);
  };
  afterAll(() => {
    if (existsSync(join(server, "data", "postmaster.pid")))
      serverRun("pg_ctl", ["-D", join(server, "data"), "-m", "immediate", "stop"]);
    rmSync(dir, { recursive: true, force: true });
  });
  /** SQL as the superuser over the server's socket. */
  const sql = (database: string, query: string) => {
    const r = spawnSync(
      join(PG!, "psql"),
      ["-h", server, "-p", String(port), "-U", "authentik", "-d", database, "-Atqc", query],
      {
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr ?? String(r.error)} ${r.signal ?? ""}`);
    return r.stdout.trim();
  };
  /** The backup script, as the backup service runs it: the server over TCP, the env file's password. */
  const backup = (postgresPassword: string, args: string[]) =>
    spawnSync("sh", [join(project, BACKUP_FILES.script), ...args], {
      encoding: "utf8",
      env: {
        PATH: `${PG}:/usr/bin:/bin`,
        ...SERVICE.environment,
        PGHOST: "127.0.0.1",
        PGPORT: String(port),
        POSTGRES_PASSWORD: postgresPassword,
        BACKUP_SETTINGS: join(project, BACKUP_FILES.settings),
        BACKUP_DIR: join(project, "backups"),
      },
    });

  test("the README's restore, carried out on a PostgreSQL server: the backup script's dump (over TCP, with the env file's password) is put back by the README's commands as written; with a wrong password nothing is dumped", () => {
    // The server as the postgres image's initdb leaves it: local connections trusted, TCP by password.
    chmodSync(dir, 0o755);
    mkdirSync(server);
    writeFileSync(join(server, "password"), `${password}\n`);
    const owner =
      AS_SERVER!.length > 0
        ? ([
            Number(POSTGRES_USER.stdout.trim()),
            Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim()),
          ] as const)
        : undefined;
    if (owner) {
      chownSync(server, ...owner);
      chownSync(join(server, "password"), ...owner);
    }
    const initdb = [
      "-U",
      "authentik",
      `--pwfile=${join(server, "password")}`,
      "--auth-local=trust",
      "--auth-host=scram-sha-256",
      "-E",
      "UTF8",
      "--locale=C",
      // A throwaway server: not waiting for its files to reach the disk saves a third of initdb here.
      "--no-sync",
    ];
    // initdb's result kept between runs (node_modules/.cache/homelab-pgdata), by a digest of the
    // server's programs, the arguments and the password: initdb costs about a second of CPU time
    // here, a copy of its 40 MB a fraction of that. Made aside and renamed into place, so a run sees
    // it whole or not at all.
    const programs = ["initdb", "postgres"].map((p) => statSync(join(PG!, p))).map((st) => `${st.size}:${st.mtimeMs}`);
    const digest = createHash("sha256")
      .update(JSON.stringify([PG, programs, AS_SERVER, password, initdb.map((a) => a.replace(server, ""))]))
      .digest("hex");
    const cache = join(PROJECT_ROOT, "node_modules", ".cache", "homelab-pgdata");
    const template = join(cache, digest);
    if (!existsSync(template)) {
      mkdirSync(cache, { recursive: true });
      const making = mkdtempSync(`${template}.`);
      try {
        if (owner) chownSync(making, ...owner);
        asServer("initdb", ["-D", join(making, "data"), ...initdb]);
        // initdb ran with --no-sync: the copy that is kept reaches the disk once, before it is put in place.
        spawnSync("sync", ["-f", making]);
        renameSync(making, template);
      } catch (error) {
        // Only another run's copy, put in place first, is no failure.
        const code = (error as NodeJS.ErrnoException).code;
        if (!((code === "ENOTEMPTY" || code === "EEXIST") && existsSync(template))) throw error;
      } finally {
        rmSync(making, { recursive: true, force: true });
      }
      // One copy is kept: those of other keys (another PostgreSQL, other arguments) go, and so does
      // the scratch of a run that died (an hour old; a run's own takes seconds).
      for (const entry of readdirSync(cache)) {
        const path = join(cache, entry);
        if (entry === digest || (entry.includes(".") && Date.now() - statSync(path).mtimeMs < 3600e3)) continue;
        rmSync(path, { recursive: true, force: true });
      }
    }
    const [cp, ...copy] = [...AS_SERVER!, "cp", "-a", join(template, "data"), join(server, "data")];
    const copied = spawnSync(cp, copy, { encoding: "utf8" });
    if (copied.status !== 0) throw new Error(`cp failed: ${copied.stderr}`);
    asServer("pg_ctl", [
      "-D",
      join(server, "data"),
      "-l",
      join(server, "log"),
      "-w",
      "-o",
      `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${server}`,
      "start",
    ]);
    sql("postgres", "CREATE DATABASE authentik OWNER authentik");
    sql(
      "authentik",
      "CREATE TABLE core_user (id int PRIMARY KEY, name text); INSERT INTO core_user VALUES (1, 'alice'), (2, 'bob')",
    );

    // The project on the VPS: the backup's files, the dumps' directory, the env file.
    for (const sub of ["backup", "backups", "secrets"]) mkdirSync(join(project, sub), { recursive: true });
    writeFileSync(join(project, BACKUP_FILES.script), postgresqlBackupScript());
    writeFileSync(join(project, BACKUP_FILES.settings), backupSettingsFile({ schedule: "03:30", keep: 7 }));
    writeFileSync(join(project, SECRET_ENV_FILES.postgresql), secretEnvFile({ POSTGRES_PASSWORD: password }));

    const refused = backup("not-the-password", ["--now"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('password authentication failed for user "authentik"');
    expect(readdirSync(join(project, "backups"))).toEqual([]);
    const made = backup(password, ["--now"]);
    expect(made.status).toBe(0);
    const [dump] = readdirSync(join(project, "backups")) as [string];

    // The README's procedure, and the dump it names, standing for the one picked.
    const readme = readFileSync(join(__dirname, "..", "..", "docs", "stacks", "hetzner.md"), "utf8");
    const block = /\*\*Restoring a dump\*\*[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const example = /backups\/(authentik-\d{8}T\d{6}Z\.dump)/.exec(block!)![1]!;
    renameSync(join(project, "backups", dump), join(project, "backups", example));

    // What happened since: a user deleted, one added, a table made.
    sql(
      "authentik",
      "DELETE FROM core_user WHERE name = 'bob'; INSERT INTO core_user VALUES (3, 'carol'); CREATE TABLE extra (x int)",
    );

    const bin = join(dir, "bin");
    mkdirSync(bin);
    symlinkSync(join(__dirname, "standins", "edge", "sudo"), join(bin, "sudo"));
    const r = spawnSync("sh", ["-e", "-c", block!.replace("cd /opt/edge", `cd '${project}'`)], {
      encoding: "utf8",
      env: {
        PATH: `${bin}:${join(__dirname, "standins", "restore")}:${PG}:/usr/bin:/bin`,
        STANDIN_LOG: join(dir, "docker.log"),
        STANDIN_PGSOCKET: server,
        STANDIN_PGPORT: String(port),
      },
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readFileSync(join(dir, "docker.log"), "utf8").split("\n").filter(Boolean)).toEqual([
      "docker compose stop authentik-server authentik-worker postgresql-backup",
      "docker compose run --rm postgresql-backup sh /backup/postgresql-backup.sh --now",
      "docker compose exec -T postgresql dropdb --username authentik --force authentik",
      "docker compose exec -T postgresql createdb --username authentik --owner authentik authentik",
      "docker compose exec -T postgresql pg_restore --username authentik --dbname authentik --exit-on-error",
      "docker compose up --detach --wait",
    ]);
    // The dump's state is back; the state it replaced is in a dump of its own.
    expect(sql("authentik", "SELECT string_agg(name, ',' ORDER BY id) FROM core_user")).toBe("alice,bob");
    expect(sql("authentik", "SELECT to_regclass('extra') IS NULL")).toBe("t");
    expect(sql("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'authentik'")).toBe("authentik");
    expect(readdirSync(join(project, "backups"))).toHaveLength(2);
  });
});
