import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { parseDocument } from "yaml";
import { z } from "zod";
import { importKey, inZone, labDomainAtApex } from "../lib/dns";
import { FORWARD_AUTH_SLUG, REDIRECT_RULES, redirectUriProblem, reservedSlugProblem } from "../lib/authentik";
import { upstreamUrlProblem, type Upstream } from "../lib/services";
import { PROJECT_ROOT } from "./root";
import { dnsImports, dnsLabel, dnsName, ipCidr, secretString, stackProgramProblem, stackReference, validity } from "./fields";
import {
  ConfigError,
  didYouMean,
  fileKey,
  formatKey,
  parseReporting,
  validPart,
  type CheckContext,
  type ConfigPath,
  type ConfigProblem,
  type ConfigSpec,
} from "./loader";

/**
 * The public-service catalog (`services/<name>.yaml`, one file per service) and the config of the
 * `services` program that publishes it. A file is checked against {@link serviceFile} (its JSON
 * Schema is `services/schema.json`, `npm run schemas`), then across files; every problem names the
 * file and the key path, and nothing is planned while one remains.
 */

const url = z.string().refine(
  (v) => {
    try {
      return ["http:", "https:"].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  { error: (i) => `must be an http:// or https:// URL like http://10.20.0.50:8096, got ${JSON.stringify(i.input)}` },
);

const headerMap = z.record(z.string().regex(/^[A-Za-z0-9-]+$/, { error: "must be a header name" }), z.string());

/** One service file. */
export const serviceFile = z
  .strictObject({
    name: dnsLabel.describe("The service's name: its Traefik router, its Authentik application slug and its resources' names."),
    hostname: dnsName.describe("The public host name, in the zone."),
    upstream: z
      .union(
        [
          z.strictObject({
            url: url.describe(
              "An address the VPS reaches (a LAN or NetBird address, not public or loopback; no user:password@): `http://10.20.0.50:8096`.",
            ),
          }),
          z.strictObject({
            route: dnsName.describe(
              "A lab host name (`grafana.lab.example.net`) that the shared Gateway routes to an in-cluster Service.",
            ),
          }),
        ],
        { error: "must be {url: ...} (an address the VPS reaches) or {route: ...} (a lab name behind the Gateway)" },
      )
      .describe("Where requests go: `{url}` or `{route}`."),
    auth: z
      .enum(["forward", "oidc", "none"])
      .describe(
        "`forward`: Traefik asks Authentik first; `oidc`: the app signs users in itself; `none`: public (needs `public` and `reason`).",
      ),
    public: z.boolean().default(false).describe("Confirms a service without authentication is meant to be public."),
    allow: z
      .array(
        z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, {
          error: (i) => `must be a group name like homelab-users, got ${JSON.stringify(i.input)}`,
        }),
      )
      .min(1, { error: "must name at least one group (a service nobody may use has no place here)" })
      .optional()
      .describe(
        "With forward or oidc auth: the access groups (the authentik stack's homelab:access.groups) allowed in. Default: its defaultGroup.",
      ),
    reason: z.string().min(1).optional().describe("Why a service is public without authentication."),
    oidc: z
      .strictObject({
        redirectUris: z
          .array(z.union([z.string().min(1), z.strictObject({ url: z.string().min(1), matching: z.enum(["strict", "regex"]) })]))
          .min(1)
          .describe(`Where Authentik may send users back: a URL, or \`{url, matching: regex}\`: ${REDIRECT_RULES}`),
        clientType: z.enum(["confidential", "public"]).default("confidential"),
      })
      .optional()
      .describe("For `auth: oidc`: the client's redirect URIs and type."),
    middlewares: z
      .strictObject({
        rateLimit: z
          .strictObject({
            average: z.number().int().positive(),
            burst: z.number().int().positive(),
            period: z
              .string()
              .regex(/^\d+(ms|s|m|h)$/, { error: "must be a duration like 1s or 1m" })
              .optional(),
          })
          .optional()
          .describe("Requests per period (default 1s), with bursts."),
        ipAllowList: z.array(ipCidr).min(1).optional().describe("Only these networks may reach the service."),
        headers: z
          .strictObject({ customRequestHeaders: headerMap.optional(), customResponseHeaders: headerMap.optional() })
          .optional()
          .describe("Headers added to requests and responses."),
      })
      .default({})
      .describe("Extra Traefik middlewares."),
    enabled: z
      .boolean()
      .default(true)
      .describe("Off: the service is not published (its records, route and SSO objects are removed)."),
  })
  .describe("A public service of the homelab: one file per service in services/.");

export type ServiceFile = z.output<typeof serviceFile>;

/** A service as the program publishes it. */
export interface CatalogService extends Omit<ServiceFile, "upstream" | "oidc"> {
  readonly file: string;
  readonly upstream: Upstream;
  readonly oidc?: {
    readonly redirectUris: { url: string; matching: "strict" | "regex" }[];
    readonly clientType: "confidential" | "public";
  };
}

/** What the catalog is checked against: the zone every host name is in, the lab domain routes are in. */
export interface CatalogContext {
  readonly zone: string;
  readonly labDomain: string;
}

/** The catalog directory `catalog` (as `services.catalog` writes it) names. */
export function catalogDir(catalog: string): string {
  return isAbsolute(catalog) ? catalog : join(PROJECT_ROOT, catalog);
}

/**
 * The service files of the catalog directory `dir` (`*.yaml` and `*.yml`, sorted; `schema.json` and
 * dot-files aside), or what is wrong with it (`catalog`: the directory as the config writes it).
 */
export function catalogFiles(dir: string, catalog: string): { files: string[] } | { problem: string } {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) {
      return { problem: `${catalog} is a file; the catalog is a directory of service files (<name>.yaml)` };
    }
    entries = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      const where = catalog === dir ? "" : ` (looked for ${dir}: a relative catalog is relative to the project)`;
      return { problem: `${catalog} does not exist${where}${similarDirectory(dir, catalog)}` };
    }
    return { problem: `${catalog} cannot be read: ${(error as Error).message}` };
  }
  return { files: entries.filter((f) => /\.ya?ml$/.test(f) && !f.startsWith(".")).sort() };
}

/** ` (did you mean "services"?)` when the parent of `dir` holds a directory named close to it. */
function similarDirectory(dir: string, catalog: string): string {
  let siblings: string[];
  try {
    siblings = readdirSync(dirname(dir), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith("."))
      .map((e) => e.name);
  } catch {
    return "";
  }
  const hint = didYouMean(basename(dir), siblings);
  const meant = /"(.*)"/.exec(hint)?.[1];
  if (meant === undefined) return "";
  // Said as the config would write it.
  const written = catalog.includes("/") ? join(dirname(catalog), meant) : meant;
  return ` (did you mean ${JSON.stringify(written)}?)`;
}

/** A file's problems: at a key path in it, or (an empty path) the file as a whole. */
export type FileReport = (file: string, path: ConfigPath, message: string) => void;

/** What the catalog's files came to. */
export interface CheckedCatalog {
  /** The files that passed every check, resolved (disabled ones included). */
  readonly services: CatalogService[];
  /**
   * Every file's host name and whether it is published, or `undefined` for a file where either is
   * not known (not YAML, or an invalid value): what `homelab:import` entries are checked against.
   */
  readonly published: ({ readonly hostname: string; readonly enabled: boolean } | undefined)[];
}

/**
 * Checks every file of `files` in `dir` on its own, then all together, reporting each problem
 * under `<label>/<file>` (the checks that need the zone or the lab domain skip while it is
 * unknown). Nothing stops at a problem: each file and each check runs.
 */
export function checkCatalog(
  dir: string,
  files: readonly string[],
  context: Partial<CatalogContext>,
  report: FileReport,
  label = "services",
): CheckedCatalog {
  const services: CatalogService[] = [];
  const published: CheckedCatalog["published"] = [];
  const identities: { file: string; name?: string; hostname?: string }[] = [];
  for (const file of files) {
    const where = `${label}/${file}`;
    let problems = 0;
    const here = (path: ConfigPath, message: string) => {
      problems++;
      report(where, path, message);
    };
    const document = parseDocument(readFileSync(join(dir, file), "utf8"), { prettyErrors: false });
    if (document.errors.length > 0) {
      here([], `is not YAML: ${document.errors[0]!.message.split("\n")[0]}`);
      published.push(undefined);
      continue;
    }
    const value = document.toJS() as unknown;
    const parsed = parseReporting(serviceFile, value, here);
    const valid = (parsed.success ? parsed.data : validPart(serviceFile, value)) as Partial<ServiceFile> | undefined;
    checkService(valid ?? {}, context, here);
    identities.push({
      file: where,
      ...(valid?.name && { name: valid.name }),
      ...(valid?.hostname && { hostname: valid.hostname }),
    });
    published.push(
      valid?.hostname !== undefined && valid.enabled !== undefined
        ? { hostname: valid.hostname, enabled: valid.enabled }
        : undefined,
    );
    if (parsed.success && problems === 0) services.push(resolveService(parsed.data as ServiceFile, where));
  }
  checkAcrossFiles(identities, report);
  return { services, published };
}

/**
 * Reads every service file of `dir` and checks each, then all together. Throws one
 * {@link ConfigError} with every problem, keyed `<label>/<file>: <path>` (a directory that is
 * not there: `homelab:services.catalog`); the enabled services otherwise.
 */
export function loadCatalog(dir: string, context: CatalogContext, stack = "services", label = "services"): CatalogService[] {
  const listed = catalogFiles(dir, label);
  if ("problem" in listed) throw new ConfigError(stack, [{ key: formatKey(["services", "catalog"]), message: listed.problem }]);
  const problems: ConfigProblem[] = [];
  const { services } = checkCatalog(
    dir,
    listed.files,
    context,
    (file, path, message) => problems.push({ key: fileKey(file, path), message }),
    label,
  );
  if (problems.length > 0) throw new ConfigError(stack, problems);
  return services.filter((s) => s.enabled);
}

function checkService(
  s: Partial<ServiceFile>,
  context: Partial<CatalogContext>,
  report: (path: ConfigPath, message: string) => void,
): void {
  if (s.hostname !== undefined && context.zone !== undefined && !inZone(s.hostname, context.zone))
    report(["hostname"], `${s.hostname} is not in the zone ${context.zone}`);
  const route = s.upstream && "route" in s.upstream ? s.upstream.route : undefined;
  if (route === undefined || context.labDomain === undefined) {
    // Nothing to check a route against.
  } else if (!inZone(route, context.labDomain)) {
    report(["upstream", "route"], `${route} is not a lab name (under ${context.labDomain}), which the shared Gateway serves`);
  } else if (route === context.labDomain) {
    report(
      ["upstream", "route"],
      `${route} is the lab domain itself, which the shared Gateway does not serve (its listeners and wildcard certificate cover *.${route}, not the apex); use a name under it`,
    );
  } else if (route.slice(route.indexOf(".") + 1) !== context.labDomain) {
    report(
      ["upstream", "route"],
      `${route} is not directly under ${context.labDomain}: the shared Gateway's wildcard certificate covers *.${context.labDomain} only (one label), so Traefik could not verify it`,
    );
  }
  const upstreamProblem = s.upstream && "url" in s.upstream && s.upstream.url ? upstreamUrlProblem(s.upstream.url) : undefined;
  if (upstreamProblem) report(["upstream", "url"], upstreamProblem);
  const slugProblem = s.name === undefined || s.auth === undefined || s.auth === "none" ? undefined : serviceSlugProblem(s.name);
  if (slugProblem) report(["name"], slugProblem);
  if (s.auth === "none") {
    if (s.public !== true)
      report(["public"], "must be true for auth: none (a service without authentication is published to everyone)");
    if (s.reason === undefined)
      report(["reason"], "is required for auth: none: say why this service is public without authentication");
  }
  s.oidc?.redirectUris?.forEach((r, j) => {
    const { url, matching } = typeof r === "string" ? { url: r, matching: "strict" as const } : (r ?? {});
    const problem = url === undefined || matching === undefined ? undefined : redirectUriProblem(url, matching);
    if (problem) report(["oidc", "redirectUris", j], problem);
  });
  if (s.auth === "oidc" && s.oidc === undefined) report(["oidc"], "is required for auth: oidc (at least the redirect URIs)");
  if (s.auth === "none" && s.allow !== undefined)
    report(["allow"], "is only for forward or oidc auth (a service with auth: none lets everyone in)");
  if (s.auth !== undefined && s.auth !== "oidc" && s.oidc !== undefined)
    report(["oidc"], `is only for auth: oidc (this service is auth: ${s.auth})`);
}

/** Why a service with an Authentik application may not be called `name` (its application's slug), or `undefined`. */
function serviceSlugProblem(name: string): string | undefined {
  const problem =
    name === FORWARD_AUTH_SLUG
      ? `${name} is the slug of the authentik stack's forward-auth application (its forwardAuth.slug default)`
      : reservedSlugProblem(name);
  return problem && `${problem}; the name is the service's Authentik application slug: choose another`;
}

/** Names and host names are unique: every file's valid ones, whatever else is wrong with it. */
function checkAcrossFiles(files: readonly { file: string; name?: string; hostname?: string }[], report: FileReport): void {
  for (const key of ["name", "hostname"] as const) {
    const seen = new Map<string, string>();
    for (const s of files) {
      const value = s[key];
      if (value === undefined) continue;
      const first = seen.get(value);
      if (first !== undefined) report(s.file, [key], `${value} is also the ${key} of ${first}`);
      else seen.set(value, s.file);
    }
  }
}

function resolveService(s: ServiceFile, file: string): CatalogService {
  const { upstream, oidc, ...rest } = s;
  return {
    ...rest,
    file,
    upstream: "url" in upstream ? { url: upstream.url } : { route: upstream.route },
    ...(oidc
      ? {
          oidc: {
            clientType: oidc.clientType,
            redirectUris: oidc.redirectUris.map((r) => (typeof r === "string" ? { url: r, matching: "strict" as const } : r)),
          },
        }
      : {}),
  };
}

// ---------------------------------------------------------------- the services program's config

const services = z.strictObject({
  zone: dnsName.describe("The Cloudflare zone every service's host name is in."),
  labDomain: dnsName.describe("The lab domain: `route` upstreams are names under it."),
  catalog: z
    .string()
    .min(1)
    .default("services")
    .describe("The catalog directory (it must exist), relative to the project unless absolute."),
  proxied: z
    .boolean()
    .default(false)
    .describe(
      "Service records through Cloudflare's proxy. Set the hetzner stack's traefik.cloudflareToken (certificates by DNS-01) and traefik.cloudflareProxied (Cloudflare's forwarded headers trusted) with it.",
    ),
  ipv4: z.boolean().default(true).describe("An A record per service (the VPS has a public IPv4)."),
  ipv6: z.boolean().default(true).describe("An AAAA record per service (the VPS has a public IPv6)."),
});

const edge = z
  .strictObject({
    stack: stackReference
      .optional()
      .describe("The hetzner stack (its addresses, SSH and Traefik outputs). Default `hetzner`, or `hetzner-<env>`."),
    sshPrivateKey: secretString({ format: /^-----BEGIN [A-Z ]*PRIVATE KEY-----/, formatName: "a PEM or OpenSSH private key" })
      .optional()
      .describe("The key that writes the route files on the VPS (secret). Unset: the SSH agent."),
  })
  .prefault({});

const authentik = z
  .strictObject({
    stack: stackReference
      .optional()
      .describe("The authentik stack (its URL and the services token). Default `authentik`, or `authentik-<env>`."),
    sessionLength: validity
      .default("hours=24")
      .describe(
        "How long a forward-auth login to a service lasts (Authentik's format). Authentik's own default, 10 minutes, breaks apps' background requests.",
      ),
  })
  .prefault({});

/** The zod schema of each `homelab:` key of the services program. */
export const servicesSections = {
  services: services.describe("The zone, the lab domain and where the catalog is."),
  edge: edge.describe("The edge VPS the routes go to."),
  authentik: authentik.describe("The Authentik the SSO objects go to."),
  import: dnsImports,
};

type Sections = typeof servicesSections;
type Parsed = { [K in keyof Sections]: z.output<Sections[K]> };

/** The services program's validated config. */
export interface ServicesConfig {
  readonly services: Parsed["services"];
  readonly edge: { readonly stack?: string; readonly sshPrivateKey?: pulumi.Output<string> };
  readonly authentik: Parsed["authentik"];
  /** Service records adopted from the zone: `<hostname>/<type>` → `<zone id>/<record id>`. */
  readonly import: Parsed["import"];
  /** The enabled services of the catalog, read and checked with the config (in file name order). */
  readonly catalog: readonly CatalogService[];
}

export const servicesConfigSpec: ConfigSpec<Sections, ServicesConfig, readonly CatalogService[]> = {
  sections: servicesSections,
  check(ctx: CheckContext<Sections>) {
    const { services: s, edge: e, authentik: a } = ctx.valid;
    if (s?.ipv4 === false && s.ipv6 === false) {
      ctx.report(["services", "ipv6"], "services need an A or an AAAA record (ipv4 and ipv6 are both off)");
    }
    if (s?.zone !== undefined && s.labDomain !== undefined && !inZone(s.labDomain, s.zone)) {
      ctx.report(["services", "labDomain"], `${s.labDomain} is not in the zone ${s.zone}`);
    }
    if (s?.zone !== undefined && s.labDomain === s.zone) ctx.report(["services", "labDomain"], labDomainAtApex(s.zone));
    const edgeProblem =
      e?.stack === undefined ? undefined : stackProgramProblem(e.stack, "hetzner", "addresses, SSH and traefik outputs");
    if (edgeProblem) ctx.report(["edge", "stack"], edgeProblem);
    const ssoProblem =
      a?.stack === undefined ? undefined : stackProgramProblem(a.stack, "authentik", "authentikUrl and servicesToken outputs");
    if (ssoProblem) ctx.report(["authentik", "stack"], ssoProblem);
    return checkCatalogOf(ctx);
  },
  resolve: (parsed, catalog) => ({ ...parsed, catalog }),
};

/**
 * The catalog `services.catalog` names, read and checked with the config, so one run reports
 * the config's problems, every file's and the `homelab:import` entries' together: the checks
 * that need the zone or the lab domain skip while that one is invalid, the others run. Returns
 * the enabled services (what the program runs on, once nothing was reported).
 */
function checkCatalogOf(ctx: CheckContext<Sections>): readonly CatalogService[] {
  const s = ctx.valid.services;
  if (s?.catalog === undefined) return [];
  const dir = catalogDir(s.catalog);
  const listed = catalogFiles(dir, s.catalog);
  if ("problem" in listed) {
    ctx.report(["services", "catalog"], listed.problem);
    return [];
  }
  const context = {
    ...(s.zone !== undefined && { zone: s.zone }),
    ...(s.labDomain !== undefined && { labDomain: s.labDomain }),
  };
  const { services, published } = checkCatalog(dir, listed.files, context, ctx.reportIn, s.catalog);
  const enabled = services.filter((service) => service.enabled);
  const imports = ctx.valid.import ?? {};
  // Entries are checked against every file's records: not while a file's host name is unknown.
  if (Object.keys(imports).length === 0 || published.includes(undefined) || s.ipv4 === undefined || s.ipv6 === undefined)
    return enabled;
  const types = (["A", "AAAA"] as const).filter((type) => (type === "A" ? s.ipv4 : s.ipv6));
  const hosts = published.flatMap((p) => (p?.enabled ? [{ hostname: p.hostname }] : []));
  for (const problem of importProblems(imports as Record<string, string>, hosts, types)) {
    ctx.report(["import", problem.entry], problem.message);
  }
  return enabled;
}

/**
 * `homelab:import` entries that name no record of the published catalog (a host name of an enabled
 * service, with a type the stack writes): checked once the catalog is read.
 */
export function importProblems(
  imports: Readonly<Record<string, string>>,
  services: readonly { readonly hostname: string }[],
  types: readonly ("A" | "AAAA")[],
): (ConfigProblem & { readonly entry: string })[] {
  const records = services.flatMap((s) => types.map((type) => importKey(s.hostname, type)));
  return Object.keys(imports)
    .filter((entry) => !records.includes(entry))
    .map((entry) => ({
      entry,
      key: formatKey(["import", entry]),
      message: `${entry} is not a record of a published service (${records.length > 0 ? `its records: ${records.join(", ")}` : "there is none"})`,
    }));
}
