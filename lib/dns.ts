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
