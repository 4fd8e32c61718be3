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

// ---------------------------------------------------------------- both families (firewall sources, upstreams)

/** Parses an IPv6 address (`2001:db8::1`, `::ffff:10.0.0.1`) to a 128-bit integer; `undefined` when it is none. */
export function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  let body = text;
  // A trailing dotted quad is the last two groups.
  const quad = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const v4 = parseIpv4(quad[2]!);
    if (v4 === undefined) return undefined;
    body = `${quad[1]!}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let value = 0n;
  for (const group of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail]) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

/** A network of either family, as integers: `2001:db8::/32` → family 6, the network (host bits cleared), the prefix. */
export interface IpNetwork {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
}

const bitsOf = (family: 4 | 6) => (family === 4 ? 32 : 128);

function masked(value: bigint, prefix: number, family: 4 | 6): bigint {
  const bits = BigInt(bitsOf(family));
  const host = bits - BigInt(prefix);
  return (value >> host) << host;
}

/**
 * Parses an IPv4 or IPv6 address or network (`203.0.113.7`, `203.0.113.0/24`, `2001:db8::/48`);
 * an address alone is a single-address network. Host bits are cleared, not rejected.
 */
export function parseIpNetwork(text: string): IpNetwork | undefined {
  const [address = "", bits, ...rest] = text.split("/");
  if (rest.length > 0) return undefined;
  const v4 = parseIpv4(address);
  const family = v4 !== undefined ? 4 : 6;
  const value = v4 !== undefined ? BigInt(v4) : parseIpv6(address);
  if (value === undefined) return undefined;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = bits === undefined ? bitsOf(family) : Number(bits);
  if (prefix > bitsOf(family)) return undefined;
  return { family, network: masked(value, prefix, family), prefix };
}

/** True when every address of `inner` is in `outer` (same family, no shorter prefix, same leading bits). */
export function networkWithin(inner: IpNetwork, outer: IpNetwork): boolean {
  return (
    inner.family === outer.family &&
    inner.prefix >= outer.prefix &&
    masked(inner.network, outer.prefix, outer.family) === outer.network
  );
}

/**
 * Where an address points, as far as the edge is concerned: `loopback` (the machine itself),
 * `private` (a network no one outside reaches: RFC 1918, CGNAT 100.64.0.0/10 — NetBird's —,
 * link-local, IPv6 ULA), or `public` (anything else: the internet, and the unroutable rest).
 */
export type AddressScope = "loopback" | "private" | "public";

const LOOPBACK = ["127.0.0.0/8", "::1/128"];
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "fc00::/7", "fe80::/10"];
const networks = (list: readonly string[]) => list.map((text) => parseIpNetwork(text)!);
const [LOOPBACK_NETWORKS, PRIVATE_NETWORKS] = [networks(LOOPBACK), networks(PRIVATE)];

/** The {@link AddressScope} of an IPv4 or IPv6 address, or `undefined` when `text` is not one (a host name). */
export function addressScope(text: string): AddressScope | undefined {
  const address = parseIpNetwork(text);
  if (address === undefined || text.includes("/")) return undefined;
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) goes where its IPv4 address goes.
  const mapped =
    address.family === 6 && address.network >> 32n === 0xffffn
      ? { family: 4 as const, network: address.network & 0xffffffffn, prefix: 32 }
      : address;
  if (LOOPBACK_NETWORKS.some((n) => networkWithin(mapped, n))) return "loopback";
  if (PRIVATE_NETWORKS.some((n) => networkWithin(mapped, n))) return "private";
  return "public";
}
