import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, test } from "vitest";
import { planStack } from "../../cli/plan";
import { planText, resourcesJson } from "../../cli/render";
import { readStackFile } from "../../cli/stack-file";
import {
  AUTHENTIK_HTTP_PORT,
  AUTHENTIK_SERVICE,
  cloudConfigText,
  EDGE_IMAGES,
  edgeCloudConfig,
  filesHash,
  forwardAuthAddress,
  OUTPOST_PATH_PREFIX,
  postgresqlBackupScript,
  sshHostKeyScript,
} from "../../lib/edge";
import { cloudflareRanges } from "../../lib/cloudflare-ips";
import { dialSeconds } from "../../components/command-parts";
import { NEW_SERVER_DIAL } from "../../components/edge-server";
import { runStack } from "../../stacks";
import { mockInvoke, mockResource, register, reveal, STACK_OUTPUTS, valueOf } from "../helpers/pulumi";
import { frozenRun } from "../helpers/frozen";

const ROOT = join(__dirname, "..", "..");
/** One canary per secret of the example. */
const CANARIES = {
  cloudflareToken: "cf-canary-dns-token-7b3e",
  setupKey: "nb-canary-setup-key-41c7",
  secretKey: "ak-canary-secret-key-93e1",
  postgresPassword: "pg-canary-password-5d2b",
  bootstrapToken: "ak-canary-bootstrap-token-0af8",
};

type Values = Record<string, string>;
const section = (v: Values, key: string) => JSON.parse(v[`homelab:${key}`] ?? "{}") as Record<string, any>;
const setSection = (v: Values, key: string, value: unknown) => (v[`homelab:${key}`] = JSON.stringify(value));

/** What the mocks answer for the host key: a placeholder private key and a stand-in public key. */
const HOST_KEY = mockResource("tls:index/privateKey:PrivateKey", "edge-host-key", { algorithm: "ED25519" }).state as {
  privateKeyOpenssh: string;
  publicKeyOpenssh: string;
};
const HOST_PUBLIC_KEY = HOST_KEY.publicKeyOpenssh.trim();

/** The shipped example hetzner stack under mocks, with canaries for its secrets. */
async function example(
  edit: (values: Values) => void = () => undefined,
  stack = "hetzner",
  previousOutputs?: Record<string, unknown>,
) {
  const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.hetzner.yaml"));
  setSection(values, "traefik", { ...section(values, "traefik"), cloudflareToken: CANARIES.cloudflareToken });
  setSection(values, "netbird", { ...section(values, "netbird"), setupKey: CANARIES.setupKey });
  setSection(values, "authentik", {
    ...section(values, "authentik"),
    secretKey: CANARIES.secretKey,
    postgresPassword: CANARIES.postgresPassword,
    bootstrapToken: CANARIES.bootstrapToken,
  });
  edit(values);
  return register(() => runStack(stack), { stack, config: values, secretKeys, ...(previousOutputs ? { previousOutputs } : {}) });
}

/** The example as shipped, run once for the tests that only read it (a run is a pure function of its config). */
let shippedRun: ReturnType<typeof example> | undefined;
const shipped = () => (shippedRun ??= example().then(frozenRun));

describe("the hetzner stack on the example config", () => {
  test("registers exactly the expected resources: the EdgeServer's keys, firewall, server and remote commands", async () => {
    const r = await shipped();
    expect(r.run.resources.map((x) => `${x.type}::${x.name}`).sort()).toEqual([
      ...[
        "backup-postgresql-backup-sh",
        "backup-settings-env",
        "cloud-init",
        "compose-up",
        "compose-yaml",
        "secrets-authentik-env",
        "secrets-netbird-env",
        "secrets-postgresql-env",
        "secrets-traefik-env",
        "ssh",
        "sshd-host-key",
        "traefik-dynamic-authentik-yaml",
        "traefik-traefik-yaml",
      ].map((n) => `command:remote:Command::edge-${n}`),
      "hcloud:index/firewall:Firewall::edge",
      "hcloud:index/server:Server::edge",
      "hcloud:index/sshKey:SshKey::edge-ea0c10be",
      "homelab:edge:EdgeServer::edge",
      "pulumi:pulumi:Stack::homelab-hetzner",
      // The stack's own last outputs (where SSH answers now; the bootstrap token Authentik has).
      "pulumi:pulumi:StackReference::previous",
      "tls:index/privateKey:PrivateKey::edge-host-key",
    ]);
    expect(r.get("previous").inputs).toEqual({ name: "hetzner" });
    const edge = r.get("edge", "homelab:edge:EdgeServer");
    expect(r.childrenOf(edge)).toHaveLength(17);
  });

  test("the firewall lets in HTTP, HTTPS, WireGuard and ICMP from anywhere, and SSH only from the admin networks", async () => {
    const r = await shipped();
    const anywhere = ["0.0.0.0/0", "::/0"];
    expect(r.get("edge", "hcloud:index/firewall:Firewall").inputs).toEqual({
      name: "edge",
      labels: { "managed-by": "homelab" },
      rules: [
        { direction: "in", protocol: "tcp", port: "80", sourceIps: anywhere, description: "HTTP (redirects to HTTPS)" },
        { direction: "in", protocol: "tcp", port: "443", sourceIps: anywhere, description: "HTTPS (Traefik)" },
        { direction: "in", protocol: "udp", port: "51820", sourceIps: anywhere, description: "NetBird (WireGuard)" },
        { direction: "in", protocol: "icmp", sourceIps: anywhere, description: "ICMP (ping, path MTU discovery)" },
        {
          direction: "in",
          protocol: "tcp",
          port: "22",
          sourceIps: ["203.0.113.7/32", "2001:db8:1234::/48"],
          description: "SSH (admin)",
        },
      ],
    });
    const open = await example((v) => setSection(v, "ssh", { ...section(v, "ssh"), allowFrom: [], allowSshFromAnywhere: true }));
    const rules = open.get("edge", "hcloud:index/firewall:Firewall").inputs.rules as {
      description: string;
      sourceIps: string[];
    }[];
    expect(rules.find((x) => x.description === "SSH (admin)")!.sourceIps).toEqual(anywhere);
  });

  test("the server: type, image, location, both address families, the firewall by numeric id, protected, user data and keys read at creation only", async () => {
    const r = await shipped();
    const server = r.get("edge", "hcloud:index/server:Server");
    const [userData, secret] = reveal(server.inputs.userData);
    // The user data holds the host key's private half: secret.
    expect(secret).toBe(true);
    expect(userData).toBe(
      cloudConfigText({
        ...edgeCloudConfig({
          image: "ubuntu-24.04",
          adminUser: "ops",
          sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHomelabExampleKeyReplaceWithYoursxxxxxxxxxx admin@laptop"],
          sshPort: 22,
        }),
        ssh_deletekeys: true,
        ssh_genkeytypes: ["ed25519"],
        ssh_keys: { ed25519_private: HOST_KEY.privateKeyOpenssh, ed25519_public: HOST_PUBLIC_KEY },
      }),
    );
    expect(server.inputs).toEqual({
      name: "edge",
      serverType: "cx23",
      image: "ubuntu-24.04",
      location: "fsn1",
      backups: false,
      labels: { "managed-by": "homelab" },
      publicNets: [{ ipv4Enabled: true, ipv6Enabled: true }],
      // The firewall's id as a number (what the mocks answer for it: Hetzner ids are numeric).
      firewallIds: [Number(mockResource("hcloud:index/firewall:Firewall", "edge", {}).id)],
      sshKeys: ["edge-ea0c10be"],
      userData: server.inputs.userData,
      deleteProtection: true,
      rebuildProtection: true,
    });
    expect(server.protect).toBe(true);
    expect([...server.ignoreChanges].sort()).toEqual(["image", "sshKeys", "userData"]);
    expect(r.names(server.dependencies)).toEqual(["edge", "edge-ea0c10be", "edge-host-key"]);
  });

  test("the SSH host key: one ed25519 tls.PrivateKey of the EdgeServer, installed by cloud-init as the only host key, masked in the plan's cloud-init", async () => {
    const r = await shipped();
    const key = r.get("edge-host-key", "tls:index/privateKey:PrivateKey");
    expect(key.inputs).toEqual({ algorithm: "ED25519" });
    expect(key.parent).toBe(r.get("edge", "homelab:edge:EdgeServer").urn);
    // Neither protected nor replaced by anything but a change of its own inputs.
    expect(key.protect).toBe(false);
    expect(key.replaceOnChanges).toEqual([]);
    expect(key.additionalSecretOutputs).toEqual(["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"]);
    const [userData] = reveal(r.get("edge", "hcloud:index/server:Server").inputs.userData) as [string, boolean];
    const installed = parse(userData.replace(/^#cloud-config\n/, ""));
    expect(installed.ssh_deletekeys).toBe(true);
    expect(installed.ssh_genkeytypes).toEqual(["ed25519"]);
    expect(installed.ssh_keys).toEqual({ ed25519_private: HOST_KEY.privateKeyOpenssh, ed25519_public: HOST_PUBLIC_KEY });
    const sshd = installed.write_files.find((f: { path: string }) => f.path === "/etc/ssh/sshd_config.d/90-homelab.conf");
    expect(sshd.content.split("\n")).toContain("HostKey /etc/ssh/ssh_host_ed25519_key");
    // The artifact is the same document with the private half masked.
    const artifact = (await valueOf(r.result.artifacts["edge.cloud-init.yaml"]!)) as { value: string; secret: boolean };
    expect(artifact.secret).toBe(false);
    expect(artifact.value).toBe(userData.replace(/ed25519_private: .*\n(?: {4}.*\n)*/, `ed25519_private: "[secret]"\n`));
    expect(parse(artifact.value.replace(/^#cloud-config\n/, "")).ssh_keys).toEqual({
      ed25519_private: "[secret]",
      ed25519_public: HOST_PUBLIC_KEY,
    });
  });

  test("the host key step: the key as secret stdin, run as root after cloud-init and before the SSH step; its artifact masks the key", async () => {
    const r = await shipped();
    const step = r.get("edge-sshd-host-key");
    expect(step.inputs.create).toBe("sudo -n sh -s");
    expect(step.inputs.update).toBeUndefined();
    expect(step.inputs.delete).toBeUndefined();
    expect(step.inputs.logging).toBe("none");
    expect(reveal(step.inputs.stdin)).toEqual([
      sshHostKeyScript({ privateKey: HOST_KEY.privateKeyOpenssh, publicKey: HOST_PUBLIC_KEY }),
      true,
    ]);
    expect(step.ignoreChanges).toEqual(["triggers"]);
    expect(r.names(step.dependencies)).toEqual(["edge", "edge-cloud-init", "edge-host-key", "previous"]);
    expect(r.names(r.get("edge-ssh").dependencies)).toContain("edge-sshd-host-key");
    const artifact = await valueOf(r.result.artifacts["edge-host-key.sh"]!);
    expect(artifact).toEqual({
      value: sshHostKeyScript({ privateKey: "[secret]", publicKey: HOST_PUBLIC_KEY }),
      secret: false,
      known: true,
    });
  });

  test("every remote command pins the edge's host key (a secret connection), beside the admin's private key when one is set", async () => {
    const ADMIN_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nadmin-key-canary\n-----END OPENSSH PRIVATE KEY-----\n";
    const r = await example((v) => setSection(v, "ssh", { ...section(v, "ssh"), privateKey: ADMIN_KEY }));
    const commands = r.ofType("command:remote:Command");
    expect(commands).toHaveLength(13);
    const connections = commands.map((c) => reveal(c.inputs.connection) as [{ hostKey?: string; privateKey?: string }, boolean]);
    expect(connections.map(([c, secret]) => [c.hostKey, c.privateKey, secret])).toEqual(
      commands.map(() => [HOST_PUBLIC_KEY, ADMIN_KEY, true]),
    );
  });

  test("the first steps check the key the server answered with on the last run: another run's key, none for a server from before pinning, this one's for a new server", async () => {
    const serverId = mockResource("hcloud:index/server:Server", "edge", {}).id;
    const hostKeys = async (previous: Record<string, unknown>) => {
      const r = await example(undefined, "hetzner", previous);
      return Object.fromEntries(
        r
          .ofType("command:remote:Command")
          .filter((c) => ["edge-cloud-init", "edge-sshd-host-key", "edge-ssh", "edge-compose-up"].includes(c.name))
          .map((c) => [c.name, (reveal(c.inputs.connection)[0] as { hostKey?: string }).hostKey ?? "none"]),
      );
    };
    const answered = (key: string) => ({
      "edge-cloud-init": key,
      "edge-sshd-host-key": key,
      "edge-ssh": HOST_PUBLIC_KEY,
      "edge-compose-up": HOST_PUBLIC_KEY,
    });
    const before = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOlderKeyOfTheSameServerxxxxxxxxxxxxxxxxxxxxx";
    // The same server, pinned on its last run: that run's key (a new key is put on it this run).
    expect(await hostKeys({ serverId, sshPort: 22, sshUser: "ops", sshHostKey: before })).toEqual(answered(before));
    // The same server, last run by a release before pinning (serverId exported, no host key).
    expect(await hostKeys({ serverId, sshPort: 22, sshUser: "ops" })).toEqual(answered("none"));
    // A release before serverId was exported: the server is an old one.
    expect(await hostKeys({ sshPort: 22, sshUser: "ops" })).toEqual(answered("none"));
    // Another server than the last run's (replaced): created with this key.
    expect(await hostKeys({ serverId: "1", sshPort: 22, sshUser: "ops", sshHostKey: before })).toEqual(answered(HOST_PUBLIC_KEY));
  });

  test("the remote commands: each file is written from stdin and removed on delete; compose up waits for every file", async () => {
    const r = await shipped();
    const file = r.get("edge-traefik-dynamic-authentik-yaml");
    const content = r.result.artifacts["authentik.traefik.yaml"] as string;
    expect(file.inputs.stdin).toBe(content);
    expect(file.inputs.create).toBe(file.inputs.update);
    expect(file.inputs.create).toContain(`mv -f "$tmp" '/opt/edge/traefik/dynamic/authentik.yaml'`);
    expect(file.inputs.delete).toBe("rm -f '/opt/edge/traefik/dynamic/authentik.yaml'");
    // No triggers: a changed file changes stdin, an update that rewrites it in place.
    expect(file.inputs.triggers).toBeUndefined();
    // The server (address) and the host key (pinned) reach it through the connection.
    expect(r.names(file.dependencies)).toEqual(["edge", "edge-host-key", "edge-ssh"]);

    const secretFile = r.get("edge-secrets-authentik-env");
    expect(reveal(secretFile.inputs.stdin)).toEqual([
      `AUTHENTIK_SECRET_KEY=${CANARIES.secretKey}\nAUTHENTIK_POSTGRESQL__PASSWORD=${CANARIES.postgresPassword}\nAUTHENTIK_BOOTSTRAP_TOKEN=${CANARIES.bootstrapToken}\n`,
      true,
    ]);
    expect(secretFile.inputs.create).toContain("chmod 0600");

    const up = r.get("edge-compose-up");
    const files = Object.fromEntries(
      // The backup's settings are a live file: outside the hash (the service re-reads them).
      ["compose.yaml", "traefik/traefik.yaml", "traefik/dynamic/authentik.yaml", "backup/postgresql-backup.sh"].map((f) => [
        f,
        reveal(r.get(`edge-${f.replace(/[^A-Za-z0-9]+/g, "-")}`).inputs.stdin)[0] as string,
      ]),
    );
    expect(up.inputs.create).toBe(
      `set -eu\n# project files ${filesHash(files)}\ncd '/opt/edge'\nsudo -n docker compose up --detach --remove-orphans --wait --wait-timeout 600`,
    );
    expect(up.inputs.update).toBe(up.inputs.create);
    expect(up.inputs.delete).toBe("set -eu\ncd '/opt/edge'\nsudo -n docker compose down --remove-orphans");
    // The secret files' hash, so a rotated secret runs the update (never shown).
    expect(reveal(up.inputs.stdin)).toEqual([expect.stringMatching(/^secrets [0-9a-f]{64}\n$/), true]);
    expect(r.names(up.dependencies)).toEqual([
      "edge",
      "edge-backup-postgresql-backup-sh",
      "edge-backup-settings-env",
      "edge-compose-yaml",
      "edge-host-key",
      "edge-secrets-authentik-env",
      "edge-secrets-netbird-env",
      "edge-secrets-postgresql-env",
      "edge-secrets-traefik-env",
      "edge-ssh",
      "edge-traefik-dynamic-authentik-yaml",
      "edge-traefik-traefik-yaml",
      // The bootstrap token in its secrets' hash is the one Authentik was created with (previous outputs).
      "previous",
    ]);
    // Over SSH a previous output would need sshd's AcceptEnv (a warning every run); no script reads it.
    expect(r.ofType("command:remote:Command").map((c) => [c.name, c.inputs.addPreviousOutputInEnv])).toEqual(
      r.ofType("command:remote:Command").map((c) => [c.name, false]),
    );
    const [connection, secret] = reveal(up.inputs.connection);
    expect(secret).toBe(true);
    // perDialTimeout is the command SDK's default.
    expect(connection).toEqual({
      host: "203.0.113.10",
      port: 22,
      user: "ops",
      hostKey: HOST_PUBLIC_KEY,
      dialErrorLimit: 30,
      perDialTimeout: 15,
    });
  });

  test("admin keys already in the Hetzner project: looked up by name or id (getSshKey), given to the server by id, their public keys in cloud-init and the SSH step; no key object made for them", async () => {
    const r = await example((v) =>
      setSection(v, "ssh", {
        ...section(v, "ssh"),
        publicKeys: [...section(v, "ssh").publicKeys, { existing: "ci-deploy" }, { existing: 4711 }],
      }),
    );
    const found = (args: Record<string, unknown>) => mockInvoke("hcloud:index/getSshKey:getSshKey", args);
    const byName = found({ name: "ci-deploy" });
    const byId = found({ id: 4711 });
    expect(r.invokes("hcloud:index/getSshKey:getSshKey").map((i) => i.args)).toEqual([{ name: "ci-deploy" }, { id: 4711 }]);
    // Only the example's own key is made; the existing ones are referenced.
    expect(r.ofType("hcloud:index/sshKey:SshKey").map((k) => k.name)).toEqual(["edge-ea0c10be"]);
    const server = r.get("edge", "hcloud:index/server:Server");
    expect(server.inputs.sshKeys).toEqual(["edge-ea0c10be", String(byName.id), "4711"]);
    const adminKeys = [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHomelabExampleKeyReplaceWithYoursxxxxxxxxxx admin@laptop",
      byName.publicKey,
      byId.publicKey,
    ];
    const [userData] = reveal(server.inputs.userData) as [string, boolean];
    expect(parse(userData.replace(/^#cloud-config\n/, "")).users[0].ssh_authorized_keys).toEqual(adminKeys);
    const script = (await valueOf(r.result.artifacts["edge-ssh.sh"]!)).value;
    expect(script).toContain(`cat > "$keys" <<'KEYS'\n${adminKeys.join("\n")}\nKEYS\n`);
    expect(reveal(r.get("edge-ssh").inputs.stdin)[0]).toBe(script);
  });

  test("an existing admin key that is not in the Hetzner project ends the run, naming its config key and what the provider said", async () => {
    const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.hetzner.yaml"));
    setSection(values, "ssh", { ...section(values, "ssh"), publicKeys: [{ existing: "laptop" }] });
    const run = register(() => runStack("hetzner"), {
      stack: "hetzner",
      config: values,
      secretKeys,
      answerInvoke: (token, args) => {
        if (token === "hcloud:index/getSshKey:getSshKey") throw new Error(`no sshkey found with name ${String(args.name)}`);
        return undefined;
      },
    });
    await expect(run).rejects.toThrow(
      'homelab:ssh.publicKeys[0].existing: no SSH key named "laptop" in the Hetzner project (the one of HCLOUD_TOKEN; `hcloud ssh-key list` lists its keys): name a key that is there, or give its public key line instead (the provider said: ',
    );
    await expect(run).rejects.toThrow(/no sshkey found with name laptop\)$/);
  });

  test("Traefik: certificates by DNS-01 through Cloudflare; the token only in Traefik's env file (secret stdin, mode 0600), which compose names and waits for", async () => {
    const r = await shipped();
    const file = r.get("edge-secrets-traefik-env");
    expect(reveal(file.inputs.stdin)).toEqual([`CF_DNS_API_TOKEN=${CANARIES.cloudflareToken}\n`, true]);
    expect(file.inputs.create).toContain("chmod 0600");
    expect(file.inputs.create).toContain(`mv -f "$tmp" '/opt/edge/secrets/traefik.env'`);
    expect(file.inputs.delete).toBe("rm -f '/opt/edge/secrets/traefik.env'");
    const staticFile = parse(r.result.artifacts["edge.traefik-static.yaml"] as string);
    expect(staticFile.certificatesResolvers).toEqual({
      letsencrypt: {
        acme: {
          email: "admin@example.net",
          storage: "/letsencrypt/acme.json",
          dnsChallenge: {
            provider: "cloudflare",
            resolvers: ["1.1.1.1:53", "1.0.0.1:53", "[2606:4700:4700::1111]:53", "[2606:4700:4700::1001]:53"],
          },
        },
      },
    });
    // Not behind Cloudflare's proxy (the example's records are DNS-only): no forwarded headers trusted.
    expect(staticFile.entryPoints.websecure.forwardedHeaders).toBeUndefined();
    expect(parse(r.result.artifacts["edge.compose.yaml"] as string).services.traefik.env_file).toEqual(["./secrets/traefik.env"]);
    expect(r.names(r.get("edge-compose-up").dependencies)).toContain("edge-secrets-traefik-env");

    // Behind Cloudflare's proxy: Cloudflare's published ranges, on both entry points.
    const proxied = await example((v) => setSection(v, "traefik", { ...section(v, "traefik"), cloudflareProxied: true }));
    const behind = parse(proxied.result.artifacts["edge.traefik-static.yaml"] as string).entryPoints;
    expect([behind.web.forwardedHeaders, behind.websecure.forwardedHeaders]).toEqual([
      { trustedIPs: cloudflareRanges() },
      { trustedIPs: cloudflareRanges() },
    ]);

    // An IPv6-only server asks Cloudflare's resolvers over IPv6.
    const ipv6 = await example((v) => {
      setSection(v, "server", { ...section(v, "server"), ipv4: false });
      setSection(v, "ssh", { ...section(v, "ssh"), allowFrom: ["2001:db8:1234::/48"] });
      // Every image from Docker Hub (ghcr.io has no IPv6 address).
      setSection(v, "images", { authentik: "docker.io/authentik/server:2026.5.9" });
    });
    expect(
      parse(ipv6.result.artifacts["edge.traefik-static.yaml"] as string).certificatesResolvers.letsencrypt.acme.dnsChallenge,
    ).toEqual({
      provider: "cloudflare",
      resolvers: ["[2606:4700:4700::1111]:53", "[2606:4700:4700::1001]:53"],
    });

    // Without a token: TLS-ALPN, no env file, and compose names none.
    const tlsAlpn = await example((v) => {
      const { cloudflareToken: _token, ...traefik } = section(v, "traefik");
      setSection(v, "traefik", traefik);
    });
    expect(tlsAlpn.ofType("command:remote:Command").map((c) => c.name)).not.toContain("edge-secrets-traefik-env");
    expect(
      parse(tlsAlpn.result.artifacts["edge.traefik-static.yaml"] as string).certificatesResolvers.letsencrypt.acme.tlsChallenge,
    ).toEqual({});
    expect(parse(tlsAlpn.result.artifacts["edge.compose.yaml"] as string).services.traefik.env_file).toBeUndefined();
  });

  test("backups: the script (the plan's edge-postgresql-backup.sh) and its settings written like every project file, the settings outside compose up's hash; off, neither, and no backup service", async () => {
    const r = await example((v) => setSection(v, "backup", { schedule: "04:15", keep: 14 }));
    const script = r.get("edge-backup-postgresql-backup-sh");
    expect(script.inputs.stdin).toBe(postgresqlBackupScript());
    expect(r.result.artifacts["edge-postgresql-backup.sh"]).toBe(postgresqlBackupScript());
    expect(script.inputs.create).toContain(`chmod 0644 "$tmp"\nmv -f "$tmp" '/opt/edge/backup/postgresql-backup.sh'`);
    expect(script.inputs.delete).toBe("rm -f '/opt/edge/backup/postgresql-backup.sh'");
    const settings = r.get("edge-backup-settings-env");
    expect(settings.inputs.stdin).toBe("BACKUP_SCHEDULE=04:15\nBACKUP_KEEP=14\n");
    expect(settings.inputs.create).toContain(`chmod 0644 "$tmp"\nmv -f "$tmp" '/opt/edge/backup/settings.env'`);
    expect(settings.inputs.delete).toBe("rm -f '/opt/edge/backup/settings.env'");
    expect([r.names(script.dependencies), r.names(settings.dependencies)]).toEqual([
      ["edge", "edge-host-key", "edge-ssh"],
      ["edge", "edge-host-key", "edge-ssh"],
    ]);
    const compose = parse(r.result.artifacts["edge.compose.yaml"] as string);
    expect(compose.services["postgresql-backup"].labels).toEqual({
      "homelab.config-hash": filesHash({ script: postgresqlBackupScript() }).slice(0, 16),
    });

    const off = await example((v) => setSection(v, "backup", { enabled: false }));
    expect(off.run.resources.filter((x) => x.name.startsWith("edge-backup"))).toEqual([]);
    expect(Object.keys(parse(off.result.artifacts["edge.compose.yaml"] as string).services)).not.toContain("postgresql-backup");
    expect(off.result.artifacts["edge-postgresql-backup.sh"]).toBeUndefined();
  });

  test("the first step dials a new server for 14 minutes of refusals (cloud-init moves a custom SSH port last), each connect giving up after 5 s; every other step dials 30 times", async () => {
    const r = await example((v) => setSection(v, "ssh", { ...section(v, "ssh"), port: 2222 }));
    const dial = (name: string) => {
      const { dialErrorLimit, perDialTimeout, port } = reveal(r.get(name).inputs.connection)[0] as Record<string, unknown>;
      return { dialErrorLimit, perDialTimeout, port };
    };
    expect(dial("edge-cloud-init")).toEqual({ dialErrorLimit: 180, perDialTimeout: 5, port: 2222 });
    expect(NEW_SERVER_DIAL).toEqual({ dialErrorLimit: 180, perDialTimeout: 5 });
    for (const name of ["edge-sshd-host-key", "edge-ssh", "edge-compose-up", "edge-compose-yaml"])
      expect(dial(name), name).toEqual({ dialErrorLimit: 30, perDialTimeout: 15, port: 2222 });
    // Waits between dials as pulumi-command's retry.Until makes them: 0.1 s, growing by half, at most 5 s.
    expect(Math.round(dialSeconds(10))).toBe(11);
    expect(Math.round(dialSeconds(30))).toBe(111);
    expect(Math.round(dialSeconds(180))).toBe(861);
    expect(Math.round(dialSeconds(180, 5))).toBe(1766);
    // Cloud-init's package upgrade and Docker's install take minutes; the budget is well above ten.
    expect(dialSeconds(NEW_SERVER_DIAL.dialErrorLimit)).toBeGreaterThan(600);
    // The step ignores its connection: this changes nothing on a running edge.
    expect(r.get("edge-cloud-init").ignoreChanges).toEqual(["connection", "triggers"]);
  });

  test("outputs: addresses, SSH, Authentik's URL and token (secret), Traefik's directory, resolver and forward auth", async () => {
    const r = await shipped();
    const outputs = Object.fromEntries(
      await Promise.all(Object.entries(r.result.outputs).map(async ([k, v]) => [k, await valueOf(v)] as const)),
    );
    // What the offline plan answers a StackReference to this stack with is what the program gives
    // (the example's values), but for the token, which it never knows.
    const { authentikToken, ...answered } = STACK_OUTPUTS.hetzner!.outputs("hetzner");
    expect(Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]))).toEqual({
      ...answered,
      authentikToken: CANARIES.bootstrapToken,
    });
    expect(authentikToken).toBe("<placeholder: Authentik API token of stack hetzner>");
    expect(outputs.sshHostKey).toEqual({ value: HOST_PUBLIC_KEY, secret: false, known: true });
    expect((answered.traefik as { forwardAuthAddress: string }).forwardAuthAddress).toBe(forwardAuthAddress());
    expect(
      Object.entries(outputs)
        .filter(([, v]) => v.secret)
        .map(([k]) => k),
    ).toEqual([...STACK_OUTPUTS.hetzner!.secret]);
  });

  test("no secret appears in the plan's text, resources, artifacts or outputs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hetzner-"));
    const config = join(dir, "Pulumi.hetzner.yaml");
    let text = readFileSync(join(ROOT, "Pulumi.hetzner.yaml"), "utf8");
    for (const canary of Object.values(CANARIES))
      text = text.replace("secure: REPLACE-WITH-pulumi-config-set--secret", `secure: ${canary}`);
    expect(text).not.toContain("REPLACE-WITH");
    writeFileSync(config, text);
    const plan = await planStack("hetzner", config);
    const everything = [
      planText(plan),
      JSON.stringify(resourcesJson(plan)),
      ...Object.values(plan.artifacts).map((a) => String(a.value)),
    ];
    // The host key's private half (the placeholder the mocks give it) is a secret too.
    for (const canary of [...Object.values(CANARIES), HOST_KEY.privateKeyOpenssh.trim()]) {
      for (const part of everything) expect(part).not.toContain(canary);
    }
    expect(Object.keys(plan.artifacts).sort()).toEqual([
      "authentik.traefik.yaml",
      "edge-host-key.sh",
      "edge-postgresql-backup.sh",
      "edge-ssh.sh",
      "edge.cloud-init.yaml",
      "edge.compose.yaml",
      "edge.traefik-static.yaml",
    ]);
  });
});

describe("forward auth: what Traefik calls is the embedded outpost in the Authentik server", () => {
  test("the middleware's address is the compose service running Authentik's server, on its HTTP port, at the outpost path", async () => {
    const r = await shipped();
    const dynamic = parse(r.result.artifacts["authentik.traefik.yaml"] as string);
    const address = new URL(dynamic.http.middlewares.authentik.forwardAuth.address);
    const compose = parse(r.result.artifacts["edge.compose.yaml"] as string);
    const service = compose.services[address.hostname];
    expect(address.hostname).toBe(AUTHENTIK_SERVICE);
    expect(service.image).toBe(EDGE_IMAGES.authentik);
    expect(service.command).toBe("server");
    expect(Number(address.port)).toBe(AUTHENTIK_HTTP_PORT);
    expect(address.pathname).toBe(`${OUTPOST_PATH_PREFIX}/auth/traefik`);
    // Traefik, in the host's network, reaches it by that name: its /etc/hosts names the host's
    // loopback, where the server publishes that port.
    expect(compose.services.traefik.network_mode).toBe("host");
    expect(compose.services.traefik.extra_hosts).toEqual([`${address.hostname}:127.0.0.1`]);
    expect(service.ports).toEqual([`127.0.0.1:${address.port}:${AUTHENTIK_HTTP_PORT}`]);
    // Authentik's own router goes to the same server.
    expect(dynamic.http.services.authentik.loadBalancer.servers).toEqual([
      { url: `http://${AUTHENTIK_SERVICE}:${AUTHENTIK_HTTP_PORT}` },
    ]);
  });
});
