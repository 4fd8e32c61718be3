import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { readStackFile } from "../../cli/stack-file";
import { cloudflareConfigSpec } from "../../config/cloudflare";
import { ConfigError, loadConfig, rawConfig } from "../../config/loader";
import { isPrivateAddress, recordName, requireAddress } from "../../lib/dns";
import * as pulumi from "@pulumi/pulumi";
import { runStack } from "../../stacks";
import { mockInvoke, register, STACK_OUTPUTS, valueOf } from "../helpers/pulumi";

const ROOT = join(__dirname, "..", "..");
const RECORD = "cloudflare:index/dnsRecord:DnsRecord";
type Values = Record<string, string>;

async function example(edit: (values: Values) => void = () => undefined, stack = "cloudflare") {
  const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.cloudflare.yaml"));
  edit(values);
  return register(() => runStack(stack), { stack, config: values, secretKeys });
}

const zoneId = mockInvoke("cloudflare:index/getZone:getZone", { filter: { name: "example.net" } }).zoneId;
const hetzner = STACK_OUTPUTS.hetzner!.outputs("hetzner");

describe("the cloudflare stack on the example config", () => {
  test("the lab's wildcard to the Gateway (DNS-only), A and AAAA for each edge name from the hetzner stack, each with its comment", async () => {
    const r = await example();
    expect(r.run.resources.map((x) => `${x.type}::${x.name}`).sort()).toEqual([
      `${RECORD}::a-auth.example.net`,
      `${RECORD}::aaaa-auth.example.net`,
      `${RECORD}::wildcard-lab.example.net`,
      "pulumi:pulumi:Stack::homelab-cloudflare",
      "pulumi:pulumi:StackReference::hetzner",
    ]);
    const comment = "managed by homelab/cloudflare";
    expect(r.get("wildcard-lab.example.net").inputs).toEqual({
      zoneId,
      name: "*.lab.example.net",
      type: "A",
      content: "10.20.0.200",
      ttl: 300,
      proxied: false,
      comment,
    });
    expect(r.get("a-auth.example.net").inputs).toEqual({
      zoneId,
      name: "auth.example.net",
      type: "A",
      content: hetzner.ipv4,
      ttl: 1,
      proxied: false,
      comment,
    });
    expect(r.get("aaaa-auth.example.net").inputs).toMatchObject({ type: "AAAA", content: hetzner.ipv6 });
    expect(r.get("hetzner", "pulumi:pulumi:StackReference").inputs.name).toBe("hetzner");
    expect(r.invokes("cloudflare:index/getZone:getZone").map((i) => i.args)).toEqual([{ filter: { name: "example.net" } }]);
    // The zone's records, read for any that would stand in the way (lib/dns.ts).
    expect(r.invokes("cloudflare:index/getDnsRecords:getDnsRecords").map((i) => i.args)).toEqual([{ zoneId, maxItems: 10000 }]);
    // No import option (the SDK sends an empty import id).
    expect(r.ofType(RECORD).map((x) => x.importId)).toEqual(["", "", ""]);
  });

  test("a record of one of its names that exists already ends the run before any record is written, naming it and the import entry that adopts it", async () => {
    const zone = String(zoneId);
    const { values, secretKeys } = readStackFile(join(ROOT, "Pulumi.cloudflare.yaml"));
    const run = register(() => runStack("cloudflare"), {
      stack: "cloudflare",
      config: values,
      secretKeys,
      answerInvoke: (token, args) =>
        token === "cloudflare:index/getDnsRecords:getDnsRecords"
          ? {
              ...args,
              results: [
                { id: "f".repeat(32), name: "auth.example.net", type: "A", content: "198.51.100.7", comment: "" },
                {
                  id: "e".repeat(32),
                  name: "*.lab.example.net",
                  type: "A",
                  content: "10.20.0.200",
                  comment: "managed by homelab/cloudflare",
                },
              ],
            }
          : undefined,
    });
    await expect(run).rejects.toThrow(
      `records that exist already stand in the way (1):\n  homelab:edge.names[0]: auth.example.net already has an A record that the cloudflare stack did not make (record ${"f".repeat(32)} → 198.51.100.7, no comment): adopt it with homelab:import: { "auth.example.net/A": "${zone}/${"f".repeat(32)}" } (the run imports it, then updates it), or delete it in Cloudflare; if this stack made it and its comment was changed by hand, set the comment back to "managed by homelab/cloudflare"`,
    );
  });

  test("homelab:import adopts a record: that record alone is registered with Pulumi's import option (the provider's <zone id>/<record id>)", async () => {
    const importId = `${String(zoneId)}/${"f".repeat(32)}`;
    const r = await example((v) => (v["homelab:import"] = JSON.stringify({ "auth.example.net/A": importId })));
    expect(r.ofType(RECORD).map((x) => [x.name, x.importId])).toEqual([
      ["a-auth.example.net", importId],
      ["aaaa-auth.example.net", ""],
      ["wildcard-lab.example.net", ""],
    ]);
  });

  test("a stack cloudflare-dev reads hetzner-dev and says so in its comments; more names, IPv4 only, proxied", async () => {
    const r = await example((v) => {
      v["homelab:edge"] = JSON.stringify({ names: ["auth", "@", "status.eu"], ipv6: false, proxied: true });
    }, "cloudflare-dev");
    expect(r.get("hetzner", "pulumi:pulumi:StackReference").inputs.name).toBe("hetzner-dev");
    expect(r.ofType(RECORD).map((x) => [x.name, x.inputs.name, x.inputs.proxied, x.inputs.comment])).toEqual([
      ["a-auth.example.net", "auth.example.net", true, "managed by homelab/cloudflare-dev"],
      ["a-example.net", "example.net", true, "managed by homelab/cloudflare-dev"],
      ["a-status.eu.example.net", "status.eu.example.net", true, "managed by homelab/cloudflare-dev"],
      ["wildcard-lab.example.net", "*.lab.example.net", false, "managed by homelab/cloudflare-dev"],
    ]);
    expect(await valueOf(r.result.outputs.edgeNames!)).toMatchObject({
      value: ["auth.example.net", "example.net", "status.eu.example.net"],
    });
  });

  test("a hetzner stack without an IPv6 address ends the run, naming both ways out", async () => {
    const none = await register(() =>
      requireAddress(pulumi.output<string | undefined>(undefined), "ipv6", "auth.example.net", "edge.ipv6"),
    );
    await expect(valueOf(none.result)).rejects.toThrow(
      "the hetzner stack has no ipv6 output for auth.example.net: turn server.ipv6 on there, or edge.ipv6 off here",
    );
    const some = await register(() =>
      requireAddress(pulumi.output<string | undefined>("2001:db8::1"), "ipv6", "auth.example.net", "edge.ipv6"),
    );
    expect(await valueOf(some.result)).toEqual({ value: "2001:db8::1", secret: false, known: true });
  });
});

describe("cloudflare config", () => {
  const base = () => ({ zone: "example.net", lab: { domain: "lab.example.net", address: "10.20.0.200" } });
  const load = (edit: (c: Record<string, any>) => void) => {
    const c: Record<string, any> = base();
    edit(c);
    return loadConfig("cloudflare", cloudflareConfigSpec, rawConfig(c));
  };
  const problems = (edit: (c: Record<string, any>) => void) => {
    try {
      load(edit);
    } catch (error) {
      if (error instanceof ConfigError) return error.problems.map((p) => `${p.key}: ${p.message}`);
      throw error;
    }
    throw new Error("accepted");
  };

  test("defaults: the sibling hetzner stack, auth, A and AAAA, DNS-only with automatic TTL", () => {
    expect(load(() => undefined).config.edge).toEqual({ names: ["auth"], ipv4: true, ipv6: true, proxied: false, ttl: 1 });
  });

  test("the lab domain is in the zone; names are unique; proxied records have automatic TTL; a hetzner stack is named", () => {
    expect(
      problems((c) => {
        c.lab.domain = "lab.example.org";
        c.edge = { names: ["auth", "auth", "Bad_Name"], proxied: true, ttl: 300, stack: "talos" };
      }),
    ).toEqual([
      "homelab:lab.domain: lab.example.org is not in the zone example.net",
      "homelab:edge.ttl: must be 1 (automatic) for proxied records: Cloudflare sets their TTL itself",
      'homelab:edge.stack: "talos" is a stack of the talos program; name a hetzner stack (hetzner or hetzner-<env>), whose ipv4 and ipv6 outputs this stack reads',
      "homelab:edge.names[1]: auth is listed twice (also names[0])",
      'homelab:edge.names[2]: must be a name relative to the zone like auth or sso.eu, or @ for the apex, got "Bad_Name"',
    ]);
    expect(problems((c) => (c.edge = { ipv4: false, ipv6: false }))).toEqual([
      "homelab:edge.ipv6: the edge names need an A or an AAAA record (ipv4 and ipv6 are both off)",
    ]);
    expect(problems((c) => (c.lab.ttl = 20))).toEqual([
      "homelab:lab.ttl: must be 1 (automatic) or 60 to 86400 seconds (from 30 on Enterprise zones), got 20",
    ]);
  });

  test("import entries: <name>/<type> of a record this stack makes → <zone id>/<record id>", () => {
    const id = `${"0".repeat(32)}/${"f".repeat(32)}`;
    expect(load((c) => (c.import = { "*.lab.example.net/A": id, "auth.example.net/AAAA": id })).config.import).toEqual({
      "*.lab.example.net/A": id,
      "auth.example.net/AAAA": id,
    });
    expect(load(() => undefined).config.import).toEqual({});
    expect(
      problems((c) => {
        c.edge = { ipv6: false };
        c.import = { "auth.example.net/AAAA": id, "auth.example.net/A": "f".repeat(32), "auth.example.net/CNAME": id };
      }),
    ).toEqual([
      'homelab:import["auth.example.net/A"]: must be <zone id>/<record id> (two 32-digit hex ids, as the error naming the record gives it), got "ffffffffffffffffffffffffffffffff"',
      'homelab:import["auth.example.net/CNAME"]: must be <name>/<type> like auth.example.net/A (A or AAAA), got "auth.example.net/CNAME"',
      'homelab:import["auth.example.net/AAAA"]: auth.example.net/AAAA is not a record this stack makes (its records: *.lab.example.net/A, auth.example.net/A)',
    ]);
  });

  test("warnings: a public wildcard address; an edge name under the lab's wildcard", () => {
    const { warnings } = load((c) => {
      c.lab.address = "203.0.113.5";
      c.edge = { names: ["x.lab"] };
    });
    expect(warnings).toEqual([
      "homelab:lab.address: 203.0.113.5 is a public address: the lab's names would point outside the LAN",
      "homelab:edge.names[0]: x.lab.example.net is under the lab's wildcard *.lab.example.net; this record wins over it",
    ]);
  });

  test("names and addresses", () => {
    expect(recordName("auth", "example.net")).toBe("auth.example.net");
    expect(recordName("@", "example.net")).toBe("example.net");
    expect(recordName("other.org.", "example.net")).toBe("other.org");
    expect(["10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "fd00::1"].map(isPrivateAddress)).toEqual(
      Array(6).fill(true),
    );
    expect(["172.32.0.1", "8.8.8.8", "100.128.0.1", "2001:db8::1"].map(isPrivateAddress)).toEqual(Array(4).fill(false));
  });
});
