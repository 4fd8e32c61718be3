import { isIPv6 } from "node:net";
import * as pulumi from "@pulumi/pulumi";
import { cidrContains, parseCidr, parseIpv4 } from "./net";

/** RFC 1918, CGNAT, loopback and link-local networks. */
const PRIVATE_IPV4 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16"].map(
  (text) => parseCidr(text)!,
);

/**
 * DNS records as the cloudflare program writes them: fully qualified names under the zone, and
 * the comment every record carries so a person looking at the zone knows who owns it.
 */

/** `auth` in `example.net` → `auth.example.net`; `@` → the apex; a name ending in `.` is taken as written. */
export function recordName(name: string, zone: string): string {
  if (name === "@") return zone;
  if (name.endsWith(".")) return name.slice(0, -1);
  return `${name}.${zone}`;
}

/** True when `name` is `zone` or a name under it. */
export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** The comment on every record: `managed by homelab/<stack>` (Cloudflare shows it in the dashboard). */
export function recordComment(stack: string): string {
  return `managed by homelab/${stack}`;
}

/**
 * True for an address no one outside the LAN can reach (RFC 1918, CGNAT, loopback, link-local,
 * IPv6 ULA): Cloudflare cannot proxy to it, and publishing it is DNS-only by design.
 */
export function isPrivateAddress(address: string): boolean {
  const ip = parseIpv4(address);
  if (ip !== undefined) return PRIVATE_IPV4.some((block) => cidrContains(block, ip));
  return isIPv6(address) && /^(f[cd]|fe[89ab]|::1$)/i.test(address);
}

/** The hetzner stack's address of a family, or a RunError naming both ways out when it has none. */
export function requireAddress(
  address: pulumi.Output<string | undefined>,
  family: "ipv4" | "ipv6",
  fqdn: string,
  /** The key here that turns these records off (`edge.ipv6`). */
  offKey: string,
): pulumi.Output<string> {
  return address.apply((value) => {
    if (!value) {
      throw new pulumi.RunError(
        `the hetzner stack has no ${family} output for ${fqdn}: turn server.${family} on there, or ${offKey} off here`,
      );
    }
    return value;
  });
}

// ---------------------------------------------------------------- records that exist already

/** A record a program makes: its name, its type and the config key it comes from. */
export interface WantedRecord {
  /** The fully qualified name (`auth.example.net`, `*.lab.example.net`). */
  readonly name: string;
  readonly type: "A" | "AAAA";
  /** Where it comes from, for the error: `homelab:edge.names[0]`, `services/jellyfin.yaml: hostname`. */
  readonly source: string;
  /** The import id configured for it (`homelab:import`), `<zone id>/<record id>`. */
  readonly importId?: string;
}

/** A record the zone holds, as the provider's `getDnsRecords` lists it. */
export interface ZoneRecord {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly content?: string;
  readonly comment?: string;
}

/** The key of a record in `homelab:import`: `<name>/<type>` (`auth.example.net/A`). */
export function importKey(name: string, type: string): string {
  return `${name}/${type}`;
}

/**
 * How many of the zone's records a program reads (the provider's `getDnsRecords` pages through
 * them up to its `maxItems`, default 1000): a zone with more cannot be checked.
 */
export const ZONE_RECORDS_READ = 10000;

/**
 * What stands in the way of creating `wanted` in a zone that holds `zone` (Cloudflare refuses a
 * second A or AAAA record of a name and type only when it is identical, but allows none beside a
 * CNAME; a second one beside a record of someone else's would answer with both): for each wanted
 * record, a record of the same name and type this stack did not make (its comment is not
 * `comment`) that no `importId` adopts, a CNAME of the name, or an import id that names another
 * record than the zone's of that name and type. Each problem names the record, where it comes from
 * and the way out.
 */
export function existingRecordProblems(
  wanted: readonly WantedRecord[],
  zone: readonly ZoneRecord[],
  zoneId: string,
  comment: string,
  stack: string,
): string[] {
  const problems: string[] = [];
  if (zone.length >= ZONE_RECORDS_READ) {
    problems.push(
      `the zone has ${ZONE_RECORDS_READ} records or more, more than this program reads (ZONE_RECORDS_READ in lib/dns.ts): records that exist already cannot be found`,
    );
  }
  const describe = (r: ZoneRecord) =>
    `record ${r.id}${r.content ? ` → ${r.content}` : ""}, ${r.comment ? `comment ${JSON.stringify(r.comment)}` : "no comment"}`;
  for (const w of wanted) {
    const named = zone.filter((r) => r.name.toLowerCase() === w.name.toLowerCase());
    const same = named.filter((r) => r.type === w.type);
    const key = `homelab:import[${JSON.stringify(importKey(w.name, w.type))}]`;
    let adopted: ZoneRecord | undefined;
    // An entry whose record the zone lacks altogether is left to the import itself, which fails
    // naming the resource (and the offline plan, whose zone is empty, can still plan it).
    if (w.importId !== undefined && same.length > 0) {
      adopted = same.find((r) => `${zoneId}/${r.id}` === w.importId);
      if (adopted === undefined) {
        problems.push(
          `${key}: ${w.importId} is not the ${w.type} record ${w.name} of this zone (the zone's: ${same.map((r) => `${zoneId}/${r.id}`).join(", ")})`,
        );
      }
    }
    const others = same.filter((r) => r !== adopted && (w.importId !== undefined || r.comment !== comment));
    const ours = same.some((r) => r.comment === comment);
    for (const r of others) {
      const way =
        w.importId !== undefined || others.length > 1 || ours
          ? "delete it in Cloudflare (a second record of the name would answer beside this stack's)"
          : `adopt it with homelab:import: { ${JSON.stringify(importKey(w.name, w.type))}: "${zoneId}/${r.id}" } (the run imports it, then updates it), or delete it in Cloudflare; if this stack made it and its comment was changed by hand, set the comment back to ${JSON.stringify(comment)}`;
      problems.push(
        `${w.source}: ${w.name} already has an ${w.type} record that the ${stack} stack did not make (${describe(r)}): ${way}`,
      );
    }
    for (const r of named.filter((x) => x.type === "CNAME")) {
      problems.push(
        `${w.source}: ${w.name} has a CNAME record (${describe(r)}), and Cloudflare allows no ${w.type} record beside one: delete it in Cloudflare, or choose another name`,
      );
    }
  }
  return problems;
}

/**
 * The zone's id, once no record this program makes is in the way of one that exists (see
 * {@link existingRecordProblems}): the records take their zone from it, so a clash ends the run
 * before any record is written, with every clash named.
 */
export function zoneWithoutClashes(
  zoneId: pulumi.Output<string>,
  records: pulumi.Output<readonly ZoneRecord[]>,
  wanted: readonly WantedRecord[],
  comment: string,
  stack: string,
): pulumi.Output<string> {
  return pulumi.all([zoneId, records]).apply(([id, zone]) => {
    const problems = existingRecordProblems(wanted, zone, id, comment, stack);
    if (problems.length > 0) {
      throw new pulumi.RunError(
        [`records that exist already stand in the way (${problems.length}):`, ...problems.map((p) => `  ${p}`)].join("\n"),
      );
    }
    return id;
  });
}

/** Why a lab domain that is the zone's apex cannot be: what its wildcard would take over. */
export function labDomainAtApex(zone: string): string {
  return `${zone} is the zone's apex: its wildcard *.${zone} would answer every name of the zone that has no record of its own (a typo, a removed service) with the lab's LAN address; use a name under it like lab.${zone}`;
}
