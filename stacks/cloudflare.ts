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
  const families = (
    [
      { type: "A", family: "ipv4" },
      { type: "AAAA", family: "ipv6" },
    ] as const
  )
    .filter((f) => cfg.edge[f.family])
    .map((f) => ({ ...f, address: hetzner.getOutput(f.family) as pulumi.Output<string | undefined> }));
  const edgeNames = cfg.edge.names.map((name) => recordName(name, cfg.zone));
  for (const fqdn of edgeNames) {
    for (const { type, family, address } of families) {
      new DnsRecord(`${type.toLowerCase()}-${fqdn}`, {
        zoneId,
        name: fqdn,
        type,
        content: requireAddress(address, family, fqdn, `edge.${family}`),
        ttl: cfg.edge.ttl,
        proxied: cfg.edge.proxied,
        comment,
      });
    }
  }

  return {
    outputs: {
      zoneId,
      labWildcard: wildcard.name,
      edgeNames,
    },
    artifacts: {},
  };
}
