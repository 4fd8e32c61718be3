import { z } from "zod";
import { importKey, inZone, isPrivateAddress, labDomainAtApex, recordName } from "../lib/dns";
import { dnsImports, dnsName, ipv4, stackFileShapes, stackReference, stackProgramProblem } from "./fields";
import { cidrContains, parseCidr, parseIpv4 } from "../lib/net";
import type { CheckContext, ConfigSpec } from "./loader";

/**
 * Config of the `cloudflare` program: the zone, the lab's wildcard (a LAN address, DNS-only) and
 * the edge's fixed names (the VPS's addresses from the hetzner stack). Keys are `homelab:<section>`
 * in `Pulumi.cloudflare.yaml`.
 */

/** The lowest TTL Cloudflare takes, on Enterprise zones; other zones start at 60. */
const ENTERPRISE_MINIMUM_TTL = 30;
const MINIMUM_TTL = 60;

/**
 * Cloudflare's TTL (@pulumi/cloudflare's DnsRecord: "Setting to 1 means 'automatic'. Value must be
 * between 60 and 86400, with the minimum reduced to 30 for Enterprise zones"): 1, or 30–86400
 * seconds, below 60 with a warning (Enterprise zones only).
 */
const ttl = z
  .number()
  .int()
  .refine((v) => v === 1 || (v >= ENTERPRISE_MINIMUM_TTL && v <= 86400), {
    error: (i) => `must be 1 (automatic) or 60 to 86400 seconds (from 30 on Enterprise zones), got ${JSON.stringify(i.input)}`,
  });
stackFileShapes.add(ttl, {
  refined: { anyOf: [{ const: 1 }, { minimum: ENTERPRISE_MINIMUM_TTL, maximum: 86400 }] },
});

/** A name relative to the zone (`auth`, `sso.eu`), `@` for the apex. */
const relativeName = z.string().refine((v) => v === "@" || dnsName.safeParse(v).success, {
  error: (i) => `must be a name relative to the zone like auth or sso.eu, or @ for the apex, got ${JSON.stringify(i.input)}`,
});

const lab = z.strictObject({
  domain: dnsName.describe("The lab's domain: `*.<domain>` points at `address`."),
  address: ipv4.describe("Where the wildcard points: the shared Gateway's address (the platform stack's `gatewayAddress`)."),
  ttl: ttl.default(300).describe("TTL of the wildcard record."),
});

const edge = z
  .strictObject({
    stack: stackReference
      .optional()
      .describe(
        "The hetzner stack whose `ipv4` and `ipv6` outputs the edge names point at. Default `hetzner`, or `hetzner-<env>`.",
      ),
    names: z
      .array(relativeName)
      .min(1)
      .default(["auth"])
      .describe("Names under the zone that point at the VPS (A and AAAA): Authentik's and other fixed edge names."),
    ipv4: z.boolean().default(true).describe("An A record per name (the VPS has a public IPv4)."),
    ipv6: z.boolean().default(true).describe("An AAAA record per name (the VPS has a public IPv6)."),
    proxied: z
      .boolean()
      .default(false)
      .describe(
        "Through Cloudflare's proxy (orange cloud). Set the hetzner stack's traefik.cloudflareToken (certificates by DNS-01) and traefik.cloudflareProxied (Cloudflare's forwarded headers trusted) with it.",
      ),
    ttl: ttl.default(1),
  })
  .prefault({});

/** The zod schema of each `homelab:` key of the cloudflare program. */
export const cloudflareSections = {
  zone: dnsName.describe("The Cloudflare zone (looked up by name), e.g. `example.net`."),
  lab: lab.describe("The lab's wildcard record (DNS-only: a LAN address)."),
  edge: edge.describe("The edge VPS's names."),
  import: dnsImports,
};

type Sections = typeof cloudflareSections;
type Parsed = { [K in keyof Sections]: z.output<Sections[K]> };

/** The cloudflare program's validated config. */
export interface CloudflareConfig {
  readonly zone: string;
  readonly lab: Parsed["lab"];
  readonly edge: Parsed["edge"];
  /** Records adopted from the zone: `<name>/<type>` → `<zone id>/<record id>`. */
  readonly import: Parsed["import"];
}

type Ctx = CheckContext<Sections>;

export const cloudflareConfigSpec: ConfigSpec<Sections, CloudflareConfig> = {
  sections: cloudflareSections,
  check(ctx) {
    checkLab(ctx);
    checkEdge(ctx);
    checkImports(ctx);
  },
  resolve: (parsed) => parsed,
};

function checkLab(ctx: Ctx): void {
  const { zone, lab } = ctx.valid;
  if (zone !== undefined && lab?.domain !== undefined && !inZone(lab.domain, zone)) {
    ctx.report(["lab", "domain"], `${lab.domain} is not in the zone ${zone}`);
  }
  if (zone !== undefined && lab?.domain === zone) ctx.report(["lab", "domain"], labDomainAtApex(zone));
  const unusable = lab?.address === undefined ? undefined : unusableWildcardTarget(lab.address);
  if (unusable) {
    ctx.report(
      ["lab", "address"],
      `${lab!.address!} is ${unusable}: every lab name would resolve to the machine that asks, not the shared Gateway; use the Gateway's LAN address (the platform stack's homelab:gateway.address)`,
    );
  } else if (lab?.address !== undefined && !isPrivateAddress(lab.address)) {
    ctx.warn(["lab", "address"], `${lab.address} is a public address: the lab's names would point outside the LAN`);
  }
}

function checkEdge(ctx: Ctx): void {
  const { zone, lab, edge } = ctx.valid;
  if (edge?.ipv4 === false && edge.ipv6 === false)
    ctx.report(["edge", "ipv6"], "the edge names need an A or an AAAA record (ipv4 and ipv6 are both off)");
  if (edge?.proxied && edge.ttl !== undefined && edge.ttl !== 1) {
    ctx.report(["edge", "ttl"], "must be 1 (automatic) for proxied records: Cloudflare sets their TTL itself");
  }
  for (const [path, value] of [
    [["lab", "ttl"], lab?.ttl],
    [["edge", "ttl"], edge?.ttl],
  ] as const) {
    if (value !== undefined && value !== 1 && value < MINIMUM_TTL) {
      ctx.warn(
        path,
        `${value} seconds is below ${MINIMUM_TTL}, which only Enterprise zones allow (Cloudflare refuses it on other plans)`,
      );
    }
  }
  const seen = new Map<string, number>();
  edge?.names?.forEach((name, i) => {
    if (name === undefined || zone === undefined) return;
    if (inZone(name, zone)) {
      const relative = name === zone ? "@" : name.slice(0, -zone.length - 1);
      ctx.report(
        ["edge", "names", i],
        `${name} is a full name, but edge names are relative to the zone ${zone} (this one would be ${recordName(name, zone)}): write ${relative}${name === zone ? " for the apex" : ""}`,
      );
      return;
    }
    const fqdn = recordName(name, zone);
    const first = seen.get(fqdn);
    if (first !== undefined) ctx.report(["edge", "names", i], `${name} is listed twice (also names[${first}])`);
    seen.set(fqdn, i);
    if (lab?.domain !== undefined && inZone(fqdn, lab.domain) && fqdn !== lab.domain) {
      ctx.warn(["edge", "names", i], `${fqdn} is under the lab's wildcard *.${lab.domain}; this record wins over it`);
    }
  });
  const stack = edge?.stack;
  const problem = stack === undefined ? undefined : stackProgramProblem(stack, "hetzner", "ipv4 and ipv6 outputs");
  if (problem) ctx.report(["edge", "stack"], problem);
}

/** Loopback and "this network" (0.0.0.0/8) addresses: a wildcard to one answers with the asker. */
const UNUSABLE_TARGETS = [
  { cidr: parseCidr("127.0.0.0/8")!, what: "a loopback address" },
  { cidr: parseCidr("0.0.0.0/8")!, what: 'a "this host" address (0.0.0.0/8)' },
];

/** What makes `address` useless as the wildcard's target, or `undefined`. */
function unusableWildcardTarget(address: string): string | undefined {
  const ip = parseIpv4(address);
  return ip === undefined ? undefined : UNUSABLE_TARGETS.find((t) => cidrContains(t.cidr, ip))?.what;
}

/** Each import entry names a record this stack makes: the wildcard, or an edge name's A or AAAA. */
function checkImports(ctx: Ctx): void {
  const { zone, lab, edge } = ctx.valid;
  const entries = Object.keys(ctx.valid.import ?? {});
  // Only when every record is known: an invalid name is reported already.
  if (entries.length === 0 || zone === undefined || lab?.domain === undefined || edge?.names?.includes(undefined) !== false)
    return;
  // A name written in full is reported as such; the record it was meant to be is not known.
  if (edge.names.some((name) => name !== undefined && inZone(name, zone))) return;
  const records = [
    importKey(`*.${lab.domain}`, "A"),
    ...edge.names.flatMap((name) =>
      name === undefined
        ? []
        : [
            ...(edge.ipv4 === false ? [] : [importKey(recordName(name, zone), "A")]),
            ...(edge.ipv6 === false ? [] : [importKey(recordName(name, zone), "AAAA")]),
          ],
    ),
  ];
  for (const entry of entries) {
    if (!records.includes(entry)) {
      ctx.report(["import", entry], `${entry} is not a record this stack makes (its records: ${records.join(", ")})`);
    }
  }
}
