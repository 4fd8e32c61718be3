import { describe, expect, test } from "vitest";
import { EdgeServer, edgeServerProblems, type EdgeServerArgs } from "../../components/edge-server";
import { edgeCloudConfig } from "../../lib/edge";
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
});
