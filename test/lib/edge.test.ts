import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, test } from "vitest";
import {
  composeVolumeNames,
  droppedVolumes,
  EDGE_IMAGES,
  edgeCloudInit,
  edgeCompose,
  edgeFirewallRules,
  filesHash,
  secretEnvFile,
  secretEnvFiles,
  SSH_HOST_KEY,
  sshHostKeyCloudConfig,
  sshHostKeyScript,
} from "../../lib/edge";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdgeLibTestKeyxxxxxxxxxxxxxxxxxxxxxxxxxxxxx me@laptop";

describe("the edge's documents", () => {
  test("cloud-init: Compose v2 from the distribution's own package; a non-default SSH port is set for sshd", () => {
    const ubuntu = parse(edgeCloudInit({ image: "ubuntu-24.04", adminUser: "ops", sshPublicKeys: [KEY], sshPort: 22 }));
    const debian = parse(edgeCloudInit({ image: "debian-13", adminUser: "admin", sshPublicKeys: [KEY], sshPort: 2222 }));
    expect(ubuntu.packages).toEqual(["docker.io", "docker-compose-v2", "unattended-upgrades"]);
    expect(debian.packages).toEqual(["docker.io", "docker-compose", "unattended-upgrades"]);
    const sshd = (doc: { write_files: { path: string; content: string }[] }) =>
      doc.write_files.find((f) => f.path === "/etc/ssh/sshd_config.d/90-homelab.conf")!.content;
    expect(sshd(ubuntu)).not.toContain("Port");
    expect(sshd(debian).split("\n")).toEqual(expect.arrayContaining(["Port 2222", "PermitRootLogin no", "AllowUsers admin"]));
    // sshd offers the edge's own host key only (openssh-server's scripts make missing default keys again).
    expect(
      sshd(ubuntu)
        .split("\n")
        .filter((l) => l.startsWith("HostKey")),
    ).toEqual(["HostKey /etc/ssh/ssh_host_ed25519_key"]);
    // No host key here: the EdgeServer adds its own.
    expect(Object.keys(ubuntu).filter((k) => k.startsWith("ssh_"))).toEqual(["ssh_pwauth"]);
    expect(debian.users).toEqual([
      {
        name: "admin",
        shell: "/bin/bash",
        groups: ["sudo"],
        sudo: "ALL=(ALL) NOPASSWD:ALL",
        lock_passwd: true,
        ssh_authorized_keys: [KEY],
      },
    ]);
    expect(debian.runcmd).toContainEqual(["usermod", "-aG", "docker", "admin"]);
  });

  test("firewall: SSH on its port from the admin networks only, config's rules after the defaults", () => {
    const extra = {
      direction: "in" as const,
      protocol: "tcp" as const,
      port: "8443",
      sourceIps: ["10.0.0.0/8"],
      description: "x",
    };
    const rules = edgeFirewallRules({
      sshFrom: ["198.51.100.0/24"],
      allowSshFromAnywhere: false,
      sshPort: 2222,
      wireguardPort: 51821,
      extra: [extra],
    });
    expect(rules.map((r) => `${r.protocol}/${r.port ?? "-"} ${r.sourceIps.join(",")}`)).toEqual([
      "tcp/80 0.0.0.0/0,::/0",
      "tcp/443 0.0.0.0/0,::/0",
      "udp/51821 0.0.0.0/0,::/0",
      "icmp/- 0.0.0.0/0,::/0",
      "tcp/2222 198.51.100.0/24",
      "tcp/8443 10.0.0.0/8",
    ]);
  });

  test("env files and hashes: one KEY=value per line; a hash changes with any path or content", () => {
    expect(secretEnvFile({ A: "1", B: "x=y" })).toBe("A=1\nB=x=y\n");
    const files = secretEnvFiles({
      authentikSecretKey: "k",
      postgresPassword: "p",
      authentikBootstrapToken: "t",
      authentikBootstrapPassword: "pw",
      netbirdSetupKey: "n",
    });
    expect(files).toEqual({
      "secrets/authentik.env":
        "AUTHENTIK_SECRET_KEY=k\nAUTHENTIK_POSTGRESQL__PASSWORD=p\nAUTHENTIK_BOOTSTRAP_TOKEN=t\nAUTHENTIK_BOOTSTRAP_PASSWORD=pw\n",
      "secrets/postgresql.env": "POSTGRES_PASSWORD=p\n",
      "secrets/netbird.env": "NB_SETUP_KEY=n\n",
    });
    const base = filesHash({ a: "1", b: "2" });
    expect(filesHash({ b: "2", a: "1" })).toBe(base);
    expect(filesHash({ a: "1", b: "3" })).not.toBe(base);
    expect(filesHash({ a: "1", c: "2" })).not.toBe(base);
    // Path and content are kept apart: "ab" + "c" is not "a" + "bc".
    expect(filesHash({ ab: "c" })).not.toBe(filesHash({ a: "bc" }));
  });
});

describe("Authentik on the edge", () => {
  const compose = edgeCompose({
    images: EDGE_IMAGES,
    netbirdManagementUrl: "https://api.netbird.io:443",
    netbirdHostname: "edge",
    wireguardPort: 51820,
    authentikBootstrapEmail: "admin@example.net",
    traefikConfigHash: "0123456789abcdef",
  }) as {
    name: string;
    services: Record<string, { image: string; shm_size?: string; volumes?: string[] }>;
    volumes: Record<string, object>;
  };

  test("images: pinned release tags, all from Docker Hub (reachable over IPv6; ghcr.io is not)", () => {
    expect(EDGE_IMAGES).toEqual({
      traefik: "docker.io/library/traefik:v3.7.20",
      netbird: "docker.io/netbirdio/netbird:0.67.1",
      authentik: "docker.io/authentik/server:2026.5.9",
      postgresql: "docker.io/library/postgres:16.15-alpine",
    });
    expect([...new Set(Object.values(compose.services).map((s) => s.image.split("/")[0]))]).toEqual(["docker.io"]);
  });

  test("server and worker: upstream's shm_size, named volumes at /data, /media and /templates (the worker's /certs too), no docker socket", () => {
    const server = compose.services["authentik-server"]!;
    const worker = compose.services["authentik-worker"]!;
    expect([server.shm_size, worker.shm_size]).toEqual(["512mb", "512mb"]);
    expect(server.volumes).toEqual(["data:/data", "media:/media", "templates:/templates"]);
    expect(worker.volumes).toEqual(["data:/data", "media:/media", "certs:/certs", "templates:/templates"]);
    expect([server.image, worker.image]).toEqual([EDGE_IMAGES.authentik, EDGE_IMAGES.authentik]);
    // Every named volume a service mounts is declared, and every declared one is mounted.
    const mounted = Object.values(compose.services).flatMap((s) =>
      (s.volumes ?? []).map((v) => v.split(":")[0]!).filter((v) => !v.startsWith(".") && !v.startsWith("/")),
    );
    expect([...new Set(mounted)].sort()).toEqual(Object.keys(compose.volumes).sort());
  });

  test("volumes: their Docker names; a run may not stop naming one the last run had, unless it is retired", () => {
    expect(composeVolumeNames(compose)).toEqual([
      "edge_certs",
      "edge_data",
      "edge_database",
      "edge_letsencrypt",
      "edge_media",
      "edge_netbird",
      "edge_templates",
    ]);
    const now = composeVolumeNames(compose);
    // The first run, and a run after a release that exported none: nothing to compare.
    expect(droppedVolumes(undefined, now)).toEqual([]);
    // Volumes added (this release's data and certs): nothing dropped.
    expect(droppedVolumes(["edge_database", "edge_media"], now)).toEqual([]);
    // A volume renamed (media → uploads) or the project renamed: the old names are dropped.
    expect(droppedVolumes(now, [...now.filter((v) => v !== "edge_media"), "edge_uploads"])).toEqual(["edge_media"]);
    expect(droppedVolumes(["edge_database", "edge_media"], ["lab_database", "lab_media"])).toEqual([
      "edge_database",
      "edge_media",
    ]);
    // Given up on purpose.
    expect(droppedVolumes(now, now.slice(1), { edge_certs: "no certificates are discovered any more" })).toEqual([]);
  });
});

describe("the edge's SSH host key", () => {
  const work = mkdtempSync(join(tmpdir(), "host-key-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const PUBLIC = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdgeHostKeyTestxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

  test("cloud-config: the image's keys deleted, this ed25519 pair written, nothing generated", () => {
    expect(sshHostKeyCloudConfig({ privateKey: "PRIVATE", publicKey: PUBLIC })).toEqual({
      ssh_deletekeys: true,
      ssh_genkeytypes: ["ed25519"],
      ssh_keys: { ed25519_private: "PRIVATE", ed25519_public: PUBLIC },
    });
  });

  /** A root with /etc/ssh and stand-ins for sshd (its exit status from SSHD_STATUS) and systemctl (logged). */
  function host(
    name: string,
    key?: string,
  ): { dir: string; run: (privateKey: string, sshd?: number) => number; log: () => string } {
    const dir = join(work, name);
    mkdirSync(join(dir, "etc/ssh"), { recursive: true });
    mkdirSync(join(dir, "bin"));
    if (key !== undefined) writeFileSync(join(dir, SSH_HOST_KEY), key);
    if (key !== undefined) writeFileSync(join(dir, `${SSH_HOST_KEY}.pub`), key.replace(" key", " public key"));
    writeFileSync(join(dir, "bin/sshd"), '#!/bin/sh\necho "sshd $*" >> "$ROOT/log"\nexit "$SSHD_STATUS"\n');
    writeFileSync(join(dir, "bin/systemctl"), '#!/bin/sh\necho "systemctl $*" >> "$ROOT/log"\n');
    for (const bin of ["sshd", "systemctl"]) chmodSync(join(dir, "bin", bin), 0o755);
    const run = (privateKey: string, sshd = 0) =>
      spawnSync(
        "sh",
        [
          "-c",
          sshHostKeyScript({ privateKey, publicKey: `${PUBLIC}\n` })
            .split("/etc/ssh/")
            .join(`${dir}/etc/ssh/`),
        ],
        {
          env: { PATH: `${join(dir, "bin")}:/usr/bin:/bin`, ROOT: dir, SSHD_STATUS: String(sshd) },
        },
      ).status ?? 1;
    return { dir, run, log: () => (existsSync(join(dir, "log")) ? readFileSync(join(dir, "log"), "utf8") : "") };
  }

  test("script: a new key replaces sshd's, both halves (checked, then sshd reloaded); the same key again changes nothing", () => {
    const h = host("new", "sshd's own key\n");
    expect(h.run("-----BEGIN OPENSSH PRIVATE KEY-----\nNEW\n-----END OPENSSH PRIVATE KEY-----\n")).toBe(0);
    expect(readFileSync(join(h.dir, SSH_HOST_KEY), "utf8")).toBe(
      "-----BEGIN OPENSSH PRIVATE KEY-----\nNEW\n-----END OPENSSH PRIVATE KEY-----\n",
    );
    expect(readFileSync(join(h.dir, `${SSH_HOST_KEY}.pub`), "utf8")).toBe(`${PUBLIC}\n`);
    expect(h.log()).toBe("sshd -t\nsystemctl try-reload-or-restart ssh.service\n");
    expect(h.run("-----BEGIN OPENSSH PRIVATE KEY-----\nNEW\n-----END OPENSSH PRIVATE KEY-----\n")).toBe(0);
    expect(h.log()).toBe("sshd -t\nsystemctl try-reload-or-restart ssh.service\n");
    expect(spawnSync("ls", [join(h.dir, "etc/ssh")], { encoding: "utf8" }).stdout).toBe(
      "ssh_host_ed25519_key\nssh_host_ed25519_key.pub\n",
    );
  });

  test("script: a key sshd cannot load is put back, and the run fails", () => {
    const h = host("rejected", "sshd's own key\n");
    expect(h.run("not a key", 1)).toBe(1);
    expect(readFileSync(join(h.dir, SSH_HOST_KEY), "utf8")).toBe("sshd's own key\n");
    expect(readFileSync(join(h.dir, `${SSH_HOST_KEY}.pub`), "utf8")).toBe("sshd's own public key\n");
    expect(spawnSync("ls", [join(h.dir, "etc/ssh")], { encoding: "utf8" }).stdout).toBe(
      "ssh_host_ed25519_key\nssh_host_ed25519_key.pub\n",
    );
    expect(h.log()).toBe("sshd -t\n");
  });
});
