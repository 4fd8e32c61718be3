import { describe, expect, test } from "vitest";
import {
  cidrContains,
  derivedMac,
  formatIpv4,
  hostAddressProblem,
  lastAddress,
  parseCidr,
  parseIpv4,
  parseIpv4Range,
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
