import * as pulumi from "@pulumi/pulumi";
import { DnsRecord } from "@pulumi/cloudflare/dnsRecord";
import { getZoneOutput } from "@pulumi/cloudflare/getZone";
import type { CloudflareConfig } from "../config/cloudflare";
import { recordComment, recordName, requireAddress } from "../lib/dns";
import { siblingStack } from "../lib/stacks";
import type { ProgramResult, RunContext } from "./program";

/**
 * The `cloudflare` program: the zone-level records. The lab's wildcard `*.<lab domain>` points at
 * the shared Gateway's LAN address, DNS-only (no one outside reaches it; inside, every lab name
 * resolves without a record per app). The edge's fixed names point at the VPS: A to its IPv4, AAAA
 * to its IPv6, from the hetzner stack. Every record says who manages it in its comment.
 *
 * The zone is looked up by name; the API token comes from CLOUDFLARE_API_TOKEN (Zone:DNS:Edit and
 * Zone:Zone:Read on the zone).
 */
export function run(cfg: CloudflareConfig, context: RunContext): ProgramResult {
  const zoneId = getZoneOutput({ filter: { name: cfg.zone } }).zoneId;
  const comment = recordComment(context.stack);

  const wildcard = new DnsRecord(`wildcard-${cfg.lab.domain}`, {
    zoneId,
    name: `*.${cfg.lab.domain}`,
    type: "A",
    content: cfg.lab.address,
    ttl: cfg.lab.ttl,
    proxied: false,
    comment,
  });

  const hetzner = new pulumi.StackReference("hetzner", { name: cfg.edge.stack ?? siblingStack(context.stack, "hetzner") });
  const ipv4 = hetzner.getOutput("ipv4") as pulumi.Output<string | undefined>;
  const ipv6 = hetzner.getOutput("ipv6") as pulumi.Output<string | undefined>;
  const edge = cfg.edge.names.map((name) => {
    const fqdn = recordName(name, cfg.zone);
    const record = (type: "A" | "AAAA", content: pulumi.Output<string | undefined>) =>
      new DnsRecord(`${type === "A" ? "a" : "aaaa"}-${fqdn}`, {
        zoneId,
        name: fqdn,
        type,
        content: requireAddress(content, type === "A" ? "ipv4" : "ipv6", fqdn, `edge.${type === "A" ? "ipv4" : "ipv6"}`),
        ttl: cfg.edge.ttl,
        proxied: cfg.edge.proxied,
        comment,
      });
    return {
      fqdn,
      ...(cfg.edge.ipv4 ? { a: record("A", ipv4) } : {}),
      ...(cfg.edge.ipv6 ? { aaaa: record("AAAA", ipv6) } : {}),
    };
  });

  return {
    outputs: {
      zoneId,
      labWildcard: wildcard.name,
      edgeNames: edge.map((e) => e.fqdn),
    },
    artifacts: {},
  };
}
