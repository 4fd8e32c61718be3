import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, test } from "vitest";
import {
  BACKUP_SERVICE,
  backupSettingsFile,
  composeLogging,
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
  traefikStaticConfig,
} from "../../lib/edge";
import { cloudflareRanges } from "../../lib/cloudflare-ips";

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

describe("Traefik on the edge", () => {
  const acme = { acmeEmail: "admin@example.net", logLevel: "INFO", acmeStaging: false } as const;
  const entryPoints = {
    web: {
      address: ":80",
      http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } },
    },
    websecure: { address: ":443", http: { tls: { certResolver: "letsencrypt" } } },
    traefik: { address: "127.0.0.1:8080" },
  };

  test("static file: certificates by DNS-01 through Cloudflare, asking the resolvers given; ping on the host's loopback; no forwarded headers trusted", () => {
    expect(traefikStaticConfig({ ...acme, dnsChallenge: { resolvers: ["1.1.1.1:53", "[2606:4700:4700::1111]:53"] } })).toEqual({
      global: { checkNewVersion: false, sendAnonymousUsage: false },
      entryPoints,
      providers: { file: { directory: "/etc/traefik/dynamic", watch: true } },
      certificatesResolvers: {
        letsencrypt: {
          acme: {
            email: "admin@example.net",
            storage: "/letsencrypt/acme.json",
            dnsChallenge: { provider: "cloudflare", resolvers: ["1.1.1.1:53", "[2606:4700:4700::1111]:53"] },
          },
        },
      },
      api: { dashboard: false },
      ping: {},
      log: { level: "INFO" },
      accessLog: {},
    });
  });

  test("static file without a Cloudflare token: the TLS-ALPN challenge, as before", () => {
    const config = traefikStaticConfig({ ...acme, acmeStaging: true });
    expect(config.entryPoints).toEqual(entryPoints);
    expect(config.certificatesResolvers).toEqual({
      letsencrypt: {
        acme: {
          email: "admin@example.net",
          storage: "/letsencrypt/acme.json",
          caServer: "https://acme-staging-v02.api.letsencrypt.org/directory",
          tlsChallenge: {},
        },
      },
    });
  });

  test("behind Cloudflare's proxy: both entry points keep X-Forwarded-* from Cloudflare's ranges only, no PROXY protocol", () => {
    const config = traefikStaticConfig({ ...acme, dnsChallenge: { resolvers: ["1.1.1.1:53"] }, trustedIPs: cloudflareRanges() });
    const trusted = { forwardedHeaders: { trustedIPs: cloudflareRanges() } };
    expect(config.entryPoints).toEqual({
      web: { ...entryPoints.web, ...trusted },
      websecure: { ...entryPoints.websecure, ...trusted },
      traefik: { address: "127.0.0.1:8080" },
    });
    expect(JSON.stringify(config)).not.toContain("proxyProtocol");
    // An empty list trusts nothing, as unset does.
    expect(traefikStaticConfig({ ...acme, trustedIPs: [] }).entryPoints).toEqual(entryPoints);
  });

  test("compose: Traefik in the host's network (no published ports, no compose network), reaching Authentik's server by name at the host's loopback, where the server publishes its HTTP port; its env file only with a token", () => {
    const input = {
      images: EDGE_IMAGES,
      netbirdManagementUrl: "https://api.netbird.io:443",
      netbirdHostname: "edge",
      wireguardPort: 51820,
      authentikBootstrapEmail: "admin@example.net",
      traefikConfigHash: "0123456789abcdef",
    };
    type Services = { services: Record<string, Record<string, unknown>> };
    const dns01 = (edgeCompose({ ...input, traefikEnvFile: true }) as Services).services;
    // (Log rotation, which every service has, is another test's.)
    const { logging: _logging, ...traefik } = dns01.traefik!;
    expect(traefik).toEqual({
      image: EDGE_IMAGES.traefik,
      restart: "unless-stopped",
      network_mode: "host",
      extra_hosts: ["authentik-server:127.0.0.1"],
      env_file: ["./secrets/traefik.env"],
      volumes: [
        "./traefik/traefik.yaml:/etc/traefik/traefik.yaml:ro",
        "./traefik/dynamic:/etc/traefik/dynamic:ro",
        "letsencrypt:/letsencrypt",
      ],
      labels: { "homelab.config-hash": "0123456789abcdef" },
    });
    expect(dns01["authentik-server"]!.ports).toEqual(["127.0.0.1:9000:9000"]);
    // Nothing else publishes a port (NetBird is in the host's network too).
    expect(
      Object.entries(dns01)
        .filter(([, s]) => s.ports !== undefined)
        .map(([name]) => name),
    ).toEqual(["authentik-server"]);
    const tlsAlpn = (edgeCompose(input) as Services).services;
    expect(tlsAlpn.traefik!.env_file).toBeUndefined();
    expect({ ...tlsAlpn.traefik, env_file: ["./secrets/traefik.env"] }).toEqual(dns01.traefik);
  });

  test("env files: with a Cloudflare token, Traefik's holds CF_DNS_API_TOKEN alone; without one there is none", () => {
    const secrets = {
      authentikSecretKey: "k",
      postgresPassword: "p",
      authentikBootstrapToken: "t",
      netbirdSetupKey: "n",
    };
    expect(secretEnvFiles({ ...secrets, cloudflareToken: "cf-token" })["secrets/traefik.env"]).toBe(
      "CF_DNS_API_TOKEN=cf-token\n",
    );
    expect(Object.keys(secretEnvFiles(secrets))).toEqual([
      "secrets/authentik.env",
      "secrets/postgresql.env",
      "secrets/netbird.env",
    ]);
  });
});

describe("the compose project's logs, backups and NetBird client", () => {
  const compose = (more: Partial<Parameters<typeof edgeCompose>[0]> = {}) =>
    edgeCompose({
      images: EDGE_IMAGES,
      netbirdManagementUrl: "https://netbird.example.net:443",
      netbirdHostname: "edge-1",
      wireguardPort: 51821,
      authentikBootstrapEmail: "admin@example.net",
      traefikConfigHash: "0123456789abcdef",
      ...more,
    }) as { services: Record<string, Record<string, unknown>> };

  test("every service rotates its log (json-file; max-size, and max-file as a string): 10m × 3 unless config says otherwise", () => {
    const byDefault = compose().services;
    expect(Object.keys(byDefault)).toEqual(["traefik", "netbird", "postgresql", "authentik-server", "authentik-worker"]);
    expect(Object.values(byDefault).map((s) => s.logging)).toEqual(
      Array(5).fill({ driver: "json-file", options: { "max-size": "10m", "max-file": "3" } }),
    );
    const configured = compose({ logs: { maxSize: "50m", maxFiles: 5 }, backup: { scriptHash: "x" } }).services;
    expect(Object.values(configured).map((s) => s.logging)).toEqual(
      Array(6).fill({ driver: "json-file", options: { "max-size": "50m", "max-file": "5" } }),
    );
    expect(composeLogging({ maxSize: "1g", maxFiles: 1 })).toEqual({
      driver: "json-file",
      options: { "max-size": "1g", "max-file": "1" },
    });
  });

  test("the NetBird client: the pinned release's variables (management URL, host name, WireGuard port, log level, console log), the setup key from its env file, healthy once logged in", () => {
    const { logging: _logging, ...netbird } = compose().services.netbird!;
    expect(netbird).toEqual({
      image: "docker.io/netbirdio/netbird:0.67.1",
      restart: "unless-stopped",
      network_mode: "host",
      cap_add: ["NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"],
      environment: {
        NB_MANAGEMENT_URL: "https://netbird.example.net:443",
        NB_HOSTNAME: "edge-1",
        NB_WIREGUARD_PORT: "51821",
        NB_LOG_LEVEL: "info",
        NB_LOG_FILE: "console",
      },
      env_file: ["./secrets/netbird.env"],
      healthcheck: {
        test: ["CMD", "netbird", "status", "--check", "ready"],
        start_period: "30s",
        interval: "30s",
        retries: 3,
        timeout: "5s",
      },
      volumes: ["netbird:/var/lib/netbird"],
    });
  });

  test("the backup service: the PostgreSQL image, the script from its read-only directory, pg_dump's connection, the password's env file, the dumps' directory; none without backups", () => {
    expect(compose().services[BACKUP_SERVICE]).toBeUndefined();
    const { logging: _logging, ...backup } = compose({ backup: { scriptHash: "fedcba9876543210" } }).services[BACKUP_SERVICE]!;
    expect(backup).toEqual({
      image: EDGE_IMAGES.postgresql,
      restart: "unless-stopped",
      command: ["sh", "/backup/postgresql-backup.sh"],
      environment: { PGHOST: "postgresql", PGUSER: "authentik", PGDATABASE: "authentik" },
      env_file: ["./secrets/postgresql.env"],
      volumes: ["./backup:/backup:ro", "./backups:/backups"],
      labels: { "homelab.config-hash": "fedcba9876543210" },
      depends_on: { postgresql: { condition: "service_healthy" } },
      networks: ["backend"],
    });
    // PostgreSQL's own service, on the same network, reads the same env file.
    const postgresql = compose().services.postgresql!;
    expect([postgresql.env_file, postgresql.networks]).toEqual([["./secrets/postgresql.env"], ["backend"]]);
    expect(backupSettingsFile({ schedule: "03:30", keep: 7 })).toBe("BACKUP_SCHEDULE=03:30\nBACKUP_KEEP=7\n");
  });
});
