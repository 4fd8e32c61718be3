import { describe, expect, test } from "vitest";
import {
  addressScope,
  cidrContains,
  derivedMac,
  formatIpv4,
  hostAddressProblem,
  lastAddress,
  networkWithin,
  parseCidr,
  parseIpNetwork,
  parseIpv4,
  parseIpv4Range,
  parseIpv6,
  rangesOverlap,
} from "../../lib/net";

describe("parseIpv4 / formatIpv4", () => {
  test.each([
    ["0.0.0.0", 0],
    ["10.20.0.11", 0x0a14000b],
    ["255.255.255.255", 0xffffffff],
    ["192.168.1.1", 0xc0a80101],
  ])("%s ↔ %i", (text, value) => {
    expect(parseIpv4(text)).toBe(value);
    expect(formatIpv4(value)).toBe(text);
  });

  test.each(["", "10.0.0", "10.0.0.0.1", "256.0.0.1", "10.0.0.01", "10.0.0.-1", "a.b.c.d", "10.0.0.1/24", " 10.0.0.1"])(
    "rejects %j",
    (text) => expect(parseIpv4(text)).toBeUndefined(),
  );
});

describe("parseCidr", () => {
  test.each([
    ["10.20.0.0/24", 0x0a140000, 24],
    ["0.0.0.0/0", 0, 0],
    ["192.168.1.7/32", 0xc0a80107, 32],
    ["172.16.0.0/12", 0xac100000, 12],
  ])("%s", (text, network, prefix) => expect(parseCidr(text)).toEqual({ network, prefix, text }));

  test.each(["10.20.0.5/24", "10.20.0.0", "10.20.0.0/33", "10.20.0.0/-1", "10.20.0.0/024", "x/24"])("rejects %j", (text) =>
    expect(parseCidr(text)).toBeUndefined(),
  );
});

describe("membership", () => {
  const lan = parseCidr("10.20.0.0/24")!;
  test("last address and containment", () => {
    expect(formatIpv4(lastAddress(lan))).toBe("10.20.0.255");
    expect(cidrContains(lan, parseIpv4("10.20.0.200")!)).toBe(true);
    expect(cidrContains(lan, parseIpv4("10.20.1.1")!)).toBe(false);
  });

  test.each([
    ["10.20.0.11", undefined],
    ["10.20.1.11", "is outside the LAN CIDR 10.20.0.0/24"],
    ["10.20.0.0", "is the network address of 10.20.0.0/24"],
    ["10.20.0.255", "is the broadcast address of 10.20.0.0/24"],
  ])("hostAddressProblem(%s)", (ip, problem) => expect(hostAddressProblem(lan, parseIpv4(ip)!)).toBe(problem));

  test("/31 and /32 have no network or broadcast address", () => {
    const p2p = parseCidr("10.0.0.0/31")!;
    expect(hostAddressProblem(p2p, parseIpv4("10.0.0.0")!)).toBeUndefined();
    expect(hostAddressProblem(p2p, parseIpv4("10.0.0.1")!)).toBeUndefined();
    expect(hostAddressProblem(parseCidr("10.0.0.7/32")!, parseIpv4("10.0.0.7")!)).toBeUndefined();
  });
});

describe("derivedMac", () => {
  test("is stable, locally administered unicast, and differs per seed", () => {
    const mac = derivedMac("homelab/cp1");
    expect(mac).toMatch(/^02(:[0-9a-f]{2}){5}$/);
    expect(derivedMac("homelab/cp1")).toBe(mac);
    expect(derivedMac("homelab/cp2")).not.toBe(mac);
    // Pinned: a changed derivation would re-MAC every VM of an existing cluster.
    expect(mac).toBe("02:e2:99:cc:96:d6");
  });
});

describe("parseIpv4Range", () => {
  test.each([
    ["10.0.0.200-10.0.0.239", { start: "10.0.0.200", stop: "10.0.0.239", text: "10.0.0.200-10.0.0.239" }],
    [" 10.0.0.200 - 10.0.0.201 ", { start: "10.0.0.200", stop: "10.0.0.201", text: "10.0.0.200-10.0.0.201" }],
    ["10.0.0.224/28", { start: "10.0.0.224", stop: "10.0.0.239", text: "10.0.0.224/28" }],
    ["10.0.0.7", { start: "10.0.0.7", stop: "10.0.0.7", text: "10.0.0.7" }],
    ["10.0.0.7-10.0.0.7", { start: "10.0.0.7", stop: "10.0.0.7", text: "10.0.0.7" }],
  ])("%s", (text, expected) => {
    const range = parseIpv4Range(text)!;
    expect({ start: formatIpv4(range.start), stop: formatIpv4(range.stop), text: range.text }).toEqual(expected);
  });

  test.each(["10.0.0.9-10.0.0.1", "10.0.0.1-", "10.0.0.1-10.0.0.2-10.0.0.3", "10.0.0.5/24", "a-b", ""])(
    "%s is rejected",
    (text) => expect(parseIpv4Range(text)).toBeUndefined(),
  );

  test("rangesOverlap: a shared address, touching ends included", () => {
    const r = (t: string) => parseIpv4Range(t)!;
    expect(rangesOverlap(r("10.0.0.1-10.0.0.5"), r("10.0.0.5-10.0.0.9"))).toBe(true);
    expect(rangesOverlap(r("10.0.0.1-10.0.0.4"), r("10.0.0.5-10.0.0.9"))).toBe(false);
    expect(rangesOverlap(r("10.0.0.0/28"), r("10.0.0.3"))).toBe(true);
  });
});

describe("both families: parseIpv6, parseIpNetwork, networkWithin, addressScope", () => {
  test.each([
    ["::", 0n],
    ["::1", 1n],
    ["2001:db8::1", 0x20010db8000000000000000000000001n],
    ["fe80::1:2", 0xfe800000000000000000000000010002n],
    ["1:2:3:4:5:6:7:8", 0x00010002000300040005000600070008n],
    ["::ffff:10.0.0.1", 0xffff0a000001n],
  ])("parseIpv6(%s)", (text, value) => expect(parseIpv6(text)).toBe(value));

  test.each(["", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "::300.0.0.1", "10.0.0.1"])(
    "parseIpv6 rejects %j",
    (text) => expect(parseIpv6(text)).toBeUndefined(),
  );

  test("networks of both families; an address is a single-address network; host bits are cleared", () => {
    expect(parseIpNetwork("203.0.113.7")).toEqual({ family: 4, network: 0xcb007107n, prefix: 32 });
    expect(parseIpNetwork("203.0.113.7/24")).toEqual({ family: 4, network: 0xcb007100n, prefix: 24 });
    expect(parseIpNetwork("2001:db8::/32")).toEqual({ family: 6, network: 0x20010db8n << 96n, prefix: 32 });
    for (const bad of ["10.0.0.0/33", "::/129", "10.0.0.0/x", "x/8", "10.0.0.0/8/8"]) expect(parseIpNetwork(bad)).toBeUndefined();
  });

  test.each([
    ["203.0.113.7/32", "203.0.113.0/24", true],
    ["203.0.113.0/24", "203.0.113.0/24", true],
    ["203.0.112.0/23", "203.0.113.0/24", false],
    ["198.51.100.1/32", "203.0.113.0/24", false],
    ["0.0.0.0/0", "203.0.113.0/24", false],
    ["2001:db8:1::/48", "2001:db8::/32", true],
    ["2001:db9::/48", "2001:db8::/32", false],
    ["::/0", "2001:db8::/32", false],
    ["203.0.113.7/32", "::/0", false],
  ])("%s within %s: %s", (inner, outer, within) =>
    expect(networkWithin(parseIpNetwork(inner)!, parseIpNetwork(outer)!)).toBe(within),
  );

  test.each([
    ["127.0.0.1", "loopback"],
    ["127.1.2.3", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["10.20.0.50", "private"],
    ["172.31.255.1", "private"],
    ["192.168.1.1", "private"],
    ["100.64.0.7", "private"],
    ["169.254.1.1", "private"],
    ["fd00::1", "private"],
    ["fe80::1", "private"],
    ["::ffff:10.0.0.1", "private"],
    ["172.32.0.1", "public"],
    ["100.128.0.1", "public"],
    ["203.0.113.7", "public"],
    ["2001:db8::1", "public"],
    ["grafana.lab.example.net", undefined],
    ["10.0.0.0/8", undefined],
  ])("addressScope(%s) = %s", (text, scope) => expect(addressScope(text)).toBe(scope));
});
