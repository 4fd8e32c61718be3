import { describe, expect, test } from "vitest";
import { CLOUDFLARE_IPS, cloudflareRanges, cloudflareResolvers } from "../../lib/cloudflare-ips";
import { parseIpNetwork } from "../../lib/net";

describe("Cloudflare's published ranges (data)", () => {
  test("15 IPv4 and 7 IPv6 networks, each a network address in CIDR form of its family; source and date kept", () => {
    expect(CLOUDFLARE_IPS.source).toEqual(["https://www.cloudflare.com/ips-v4", "https://www.cloudflare.com/ips-v6"]);
    expect(CLOUDFLARE_IPS.retrieved).toBe("2026-12-06");
    expect(CLOUDFLARE_IPS.ipv4).toHaveLength(15);
    expect(CLOUDFLARE_IPS.ipv6).toHaveLength(7);
    const family = (cidr: string) => {
      const network = parseIpNetwork(cidr);
      // A typo that leaves host bits set would parse too: the network address must be the one written.
      expect(network, cidr).toBeDefined();
      return network!.family;
    };
    expect(CLOUDFLARE_IPS.ipv4.map(family)).toEqual(Array(15).fill(4));
    expect(CLOUDFLARE_IPS.ipv6.map(family)).toEqual(Array(7).fill(6));
    expect(new Set(cloudflareRanges()).size).toBe(22);
    expect(cloudflareRanges().slice(0, 2)).toEqual(["173.245.48.0/20", "103.21.244.0/22"]);
    expect(cloudflareRanges().at(-1)).toBe("2c0f:f248::/32");
  });

  test("resolvers: 1.1.1.1 and its IPv6 twin, for the address families the server has", () => {
    expect(cloudflareResolvers({ ipv4: true, ipv6: true })).toEqual([
      "1.1.1.1:53",
      "1.0.0.1:53",
      "[2606:4700:4700::1111]:53",
      "[2606:4700:4700::1001]:53",
    ]);
    expect(cloudflareResolvers({ ipv4: false, ipv6: true })).toEqual(["[2606:4700:4700::1111]:53", "[2606:4700:4700::1001]:53"]);
    expect(cloudflareResolvers({ ipv4: true, ipv6: false })).toEqual(["1.1.1.1:53", "1.0.0.1:53"]);
  });
});
