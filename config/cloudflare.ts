import { z } from "zod";
import { importKey, inZone, isPrivateAddress, recordName } from "../lib/dns";
import { dnsImports, dnsName, ipv4, stackReference, stackProgramProblem } from "./fields";
import type { CheckContext, ConfigSpec } from "./loader";

/**
 * Config of the `cloudflare` program: the zone, the lab's wildcard (a LAN address, DNS-only) and
 * the edge's fixed names (the VPS's addresses from the hetzner stack). Keys are `homelab:<section>`
 * in `Pulumi.cloudflare.yaml`.
 */

/** Cloudflare's TTL: 1 is "automatic" (required for proxied records), else 60–86400 seconds. */
const ttl = z
  .number()
  .int()
  .refine((v) => v === 1 || (v >= 60 && v <= 86400), {
    error: (i) => `must be 1 (automatic) or 60 to 86400 seconds, got ${JSON.stringify(i.input)}`,
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
  if (lab?.address !== undefined && !isPrivateAddress(lab.address)) {
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
  const seen = new Map<string, number>();
  edge?.names?.forEach((name, i) => {
    if (name === undefined || zone === undefined) return;
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

/** Each import entry names a record this stack makes: the wildcard, or an edge name's A or AAAA. */
function checkImports(ctx: Ctx): void {
  const { zone, lab, edge } = ctx.valid;
  const entries = Object.keys(ctx.valid.import ?? {});
  // Only when every record is known: an invalid name is reported already.
  if (entries.length === 0 || zone === undefined || lab?.domain === undefined || edge?.names?.includes(undefined) !== false)
    return;
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
