import { parse } from "yaml";
import { describe, expect, test } from "vitest";
import { edgeCloudInit, edgeFirewallRules, filesHash, secretEnvFile, secretEnvFiles } from "../../lib/edge";

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
