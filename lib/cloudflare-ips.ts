/**
 * Cloudflare's published IP ranges: the addresses its proxy connects to origins from. Traefik
 * keeps X-Forwarded-* headers from these only, when the edge is behind Cloudflare's proxy.
 *
 * Data, kept here with its source, because a program run calls no network:
 * - source: https://www.cloudflare.com/ips-v4 and https://www.cloudflare.com/ips-v6 (one CIDR a
 *   line; the same lists as `result.ipv4_cidrs` / `result.ipv6_cidrs` of
 *   https://api.cloudflare.com/client/v4/ips);
 * - transcribed 2026-12-06 without fetching those URLs (this repository is written without
 *   internet access): from public copies of the lists that agree with each other, among them
 *   SM443/IP-Prefix-List `CLOUDFLARE/mikrotik_terminal.rsc` ("Official data from
 *   https://www.cloudflare.com/ips-v4", updated 2024-06-25, 15 prefixes) and
 *   tribela/cf-patch-doh `cf_patch_doh/cloudflare.py` (both families). The lists have not changed
 *   since 2021 as far as those copies show; check them against the URLs above when you update.
 *
 * Order as Cloudflare publishes them.
 */
export const CLOUDFLARE_IPS = {
  retrieved: "2026-12-06",
  source: ["https://www.cloudflare.com/ips-v4", "https://www.cloudflare.com/ips-v6"],
  ipv4: [
    "173.245.48.0/20",
    "103.21.244.0/22",
    "103.22.200.0/22",
    "103.31.4.0/22",
    "141.101.64.0/18",
    "108.162.192.0/18",
    "190.93.240.0/20",
    "188.114.96.0/20",
    "197.234.240.0/22",
    "198.41.128.0/17",
    "162.158.0.0/15",
    "104.16.0.0/13",
    "104.24.0.0/14",
    "172.64.0.0/13",
    "131.0.72.0/22",
  ],
  ipv6: [
    "2400:cb00::/32",
    "2606:4700::/32",
    "2803:f800::/32",
    "2405:b500::/32",
    "2405:8100::/32",
    "2a06:98c0::/29",
    "2c0f:f248::/32",
  ],
} as const;

/** Every Cloudflare range, IPv4 first. */
export function cloudflareRanges(): string[] {
  return [...CLOUDFLARE_IPS.ipv4, ...CLOUDFLARE_IPS.ipv6];
}

/**
 * Cloudflare's public DNS resolvers (1.1.1.1), for the families the server has: where Traefik's
 * ACME client looks up the zone's authoritative servers and checks the challenge record, rather
 * than whatever resolver the VPS has (NetBird can add its own nameservers).
 * Source: https://developers.cloudflare.com/1.1.1.1/ip-addresses/.
 */
export function cloudflareResolvers(families: { readonly ipv4: boolean; readonly ipv6: boolean }): string[] {
  return [
    ...(families.ipv4 ? ["1.1.1.1:53", "1.0.0.1:53"] : []),
    ...(families.ipv6 ? ["[2606:4700:4700::1111]:53", "[2606:4700:4700::1001]:53"] : []),
  ];
}
