import { createHash } from "node:crypto";

/**
 * IPv4 and CIDR arithmetic for the LAN the cluster lives in. Pure functions, no dependencies.
 *
 * Addresses are handled as unsigned 32-bit integers; every parser returns `undefined` on bad input
 * instead of throwing, so config validation can report a problem without a stack trace.
 */

/** A parsed IPv4 network: `10.10.0.0/24` → network address, prefix length and normalised text. */
export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit integer (host bits cleared). */
  readonly network: number;
  /** Prefix length, 0–32. */
  readonly prefix: number;
  /** The text it was parsed from, normalised (`10.10.0.0/24`). */
  readonly text: string;
}

const IPV4_PART = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Parses dotted-quad IPv4 (`192.168.1.10`); leading zeros are rejected (they read as octal in some tools). */
export function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!IPV4_PART.test(part)) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

/** Formats an unsigned 32-bit integer as dotted-quad IPv4. */
export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * Parses `a.b.c.d/n`. The address must be the network address itself (`10.10.0.5/24` is rejected)
 * so that a typo in the host part is not silently widened into a different network.
 */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const address = parseIpv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^(3[0-2]|[12]?\d)$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if ((address & maskOf(prefix)) >>> 0 !== address) return undefined;
  return { network: address, prefix, text: `${formatIpv4(address)}/${prefix}` };
}

/** The last address of the network (the broadcast address for prefixes below /31). */
export function lastAddress(cidr: Ipv4Cidr): number {
  return (cidr.network | ~maskOf(cidr.prefix)) >>> 0;
}

/** True when `ip` lies inside `cidr`. */
export function cidrContains(cidr: Ipv4Cidr, ip: number): boolean {
  return (ip & maskOf(cidr.prefix)) >>> 0 === cidr.network;
}

/**
 * Why `ip` cannot be given to a host in `cidr`, or `undefined` when it can: it must be inside the
 * network and be neither its network nor its broadcast address (both usable in /31 and /32, RFC 3021).
 */
export function hostAddressProblem(cidr: Ipv4Cidr, ip: number): string | undefined {
  if (!cidrContains(cidr, ip)) return `is outside the LAN CIDR ${cidr.text}`;
  if (cidr.prefix >= 31 || (ip !== cidr.network && ip !== lastAddress(cidr))) return undefined;
  return ip === cidr.network ? `is the network address of ${cidr.text}` : `is the broadcast address of ${cidr.text}`;
}

/**
 * A stable, locally administered unicast MAC address derived from `seed` (for example
 * `homelab/cp1`): `02:` followed by five bytes of the seed's SHA-256. The VM's NIC gets this MAC
 * and Talos selects its LAN link by it, so the link is found whatever the guest names the
 * interface. Locally administered addresses never collide with vendor-assigned ones.
 */
export function derivedMac(seed: string): string {
  const digest = createHash("sha256").update(seed).digest();
  const bytes = [0x02, ...digest.subarray(0, 5)];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** An inclusive range of IPv4 addresses, as written: `10.0.0.200-10.0.0.239`, a CIDR, or one address. */
export interface Ipv4Range {
  readonly start: number;
  readonly stop: number;
  /** The CIDR when written as one (`10.0.0.224/28`). */
  readonly cidr?: Ipv4Cidr;
  /** The text, normalised. */
  readonly text: string;
}

/**
 * Parses `a.b.c.d-e.f.g.h` (start ≤ stop), `a.b.c.d/n` or a single address. A range written
 * backwards is rejected rather than swapped, since it is most likely a typo.
 */
export function parseIpv4Range(text: string): Ipv4Range | undefined {
  if (text.includes("/")) {
    const cidr = parseCidr(text);
    return cidr && { start: cidr.network, stop: lastAddress(cidr), cidr, text: cidr.text };
  }
  const [first, second, ...rest] = text.split("-");
  if (rest.length > 0 || first === undefined) return undefined;
  const start = parseIpv4(first.trim());
  const stop = second === undefined ? start : parseIpv4(second.trim());
  if (start === undefined || stop === undefined || stop < start) return undefined;
  return { start, stop, text: start === stop ? formatIpv4(start) : `${formatIpv4(start)}-${formatIpv4(stop)}` };
}

/** True when `ip` is in the range. */
export function rangeContains(range: Pick<Ipv4Range, "start" | "stop">, ip: number): boolean {
  return ip >= range.start && ip <= range.stop;
}

/** True when the two ranges share an address. */
export function rangesOverlap(a: Pick<Ipv4Range, "start" | "stop">, b: Pick<Ipv4Range, "start" | "stop">): boolean {
  return a.start <= b.stop && b.start <= a.stop;
}
