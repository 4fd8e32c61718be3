import { describe, expect, test } from "vitest";
import { composeUpScript, EdgeServer, edgeServerProblems, type EdgeServerArgs } from "../../components/edge-server";
import { writeFileScript } from "../../components/remote-parts";
import { edgeCloudConfig, filesHash } from "../../lib/edge";
import { register } from "../helpers/pulumi";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEdgeServerTestKeyxxxxxxxxxxxxxxxxxxxxxxxxxxx me@laptop";

const args = (cloudConfig: Record<string, unknown>): EdgeServerArgs => ({
  serverType: "cx23",
  image: "ubuntu-24.04",
  location: "fsn1",
  cloudConfig,
  adminUser: "ops",
  sshPublicKeys: [KEY],
  firewallRules: [],
  files: {},
  secretFiles: {},
});

describe("EdgeServer", () => {
  test("a cloud-config that sets host keys itself is refused before anything is created: the component installs and pins its own", async () => {
    const base = edgeCloudConfig({ image: "ubuntu-24.04", adminUser: "ops", sshPublicKeys: [KEY], sshPort: 22 });
    expect(edgeServerProblems(args(base))).toEqual([]);
    expect(edgeServerProblems(args({ ...base, ssh_keys: { rsa_private: "x" }, ssh_genkeytypes: ["rsa"] }))).toEqual([
      "cloudConfig: ssh_keys, ssh_genkeytypes would replace the host key the component installs and pins",
    ]);
    const r = register(() => new EdgeServer("edge", args({ ...base, ssh_deletekeys: false })));
    await expect(r).rejects.toThrow(
      "EdgeServer edge: cloudConfig: ssh_deletekeys would replace the host key the component installs and pins",
    );
  });

  test("live files are written like the project's files, but outside compose up's hash; a path given twice is refused", async () => {
    const base = edgeCloudConfig({ image: "ubuntu-24.04", adminUser: "ops", sshPublicKeys: [KEY], sshPort: 22 });
    const withFiles = (live: string) => ({
      ...args(base),
      files: { "compose.yaml": "services: {}\n" },
      liveFiles: { "app/settings.env": live },
    });
    const r = await register(() => new EdgeServer("edge", withFiles("A=1\n")));
    const live = r.get("edge-app-settings-env");
    expect(live.inputs.stdin).toBe("A=1\n");
    expect([live.inputs.create, live.inputs.update]).toEqual(
      Array(2).fill(writeFileScript("/opt/edge/app/settings.env", "0644")),
    );
    expect(live.inputs.delete).toBe("rm -f '/opt/edge/app/settings.env'");
    const up = r.get("edge-compose-up");
    expect(up.inputs.create).toBe(composeUpScript(filesHash({ "compose.yaml": "services: {}\n" })));
    expect(r.names(up.dependencies)).toContain("edge-app-settings-env");
    // Another live text: the same compose up.
    const other = await register(() => new EdgeServer("edge", withFiles("A=2\n")));
    expect(other.get("edge-compose-up").inputs.create).toBe(up.inputs.create);
    expect(edgeServerProblems({ ...withFiles(""), liveFiles: { "compose.yaml": "x", "/etc/x": "y" } })).toEqual([
      "/etc/x: file paths are relative to /opt/edge, without ..",
      "compose.yaml is both a live file and a file or secret file",
    ]);
  });
});
