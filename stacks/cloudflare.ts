import * as pulumi from "@pulumi/pulumi";
import { DnsRecord } from "@pulumi/cloudflare/dnsRecord";
import type { CloudflareConfig } from "../config/cloudflare";
import { checkedZone } from "../lib/cloudflare-zone";
import { importKey, recordComment, recordName, requireAddress, type WantedRecord } from "../lib/dns";
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
  const comment = recordComment(context.stack);
  const edgeNames = cfg.edge.names.map((name) => recordName(name, cfg.zone));
  const families = (
    [
      { type: "A", family: "ipv4" },
      { type: "AAAA", family: "ipv6" },
    ] as const
  ).filter((f) => cfg.edge[f.family]);
  const wildcardName = `*.${cfg.lab.domain}`;
  const adopted = (name: string, type: string) => cfg.import[importKey(name, type)];
  const wanted: WantedRecord[] = [
    { name: wildcardName, type: "A", source: "homelab:lab.domain", importId: adopted(wildcardName, "A") },
    ...edgeNames.flatMap((fqdn, i) =>
      families.map((f) => ({ name: fqdn, type: f.type, source: `homelab:edge.names[${i}]`, importId: adopted(fqdn, f.type) })),
    ),
  ];
  // Records of these names that exist already (made by hand, by another stack) end the run here,
  // each named with the way to adopt it; every record takes its zone from this check.
  const zoneId = checkedZone(cfg.zone, wanted, comment, context.stack);
  // Pulumi's `import` option: the record is read into the state, then updated to these inputs.
  const importing = (name: string, type: string) => {
    const id = adopted(name, type);
    return id === undefined ? {} : { import: id };
  };

  const wildcard = new DnsRecord(
    `wildcard-${cfg.lab.domain}`,
    {
      zoneId,
      name: wildcardName,
      type: "A",
      content: cfg.lab.address,
      ttl: cfg.lab.ttl,
      proxied: false,
      comment,
    },
    importing(wildcardName, "A"),
  );

  const hetzner = new pulumi.StackReference("hetzner", { name: cfg.edge.stack ?? siblingStack(context.stack, "hetzner") });
  const addresses = families.map((f) => ({ ...f, address: hetzner.getOutput(f.family) as pulumi.Output<string | undefined> }));
  for (const fqdn of edgeNames) {
    for (const { type, family, address } of addresses) {
      new DnsRecord(
        `${type.toLowerCase()}-${fqdn}`,
        {
          zoneId,
          name: fqdn,
          type,
          content: requireAddress(address, family, fqdn, `edge.${family}`),
          ttl: cfg.edge.ttl,
          proxied: cfg.edge.proxied,
          comment,
        },
        importing(fqdn, type),
      );
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
