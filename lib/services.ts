import { OUTPOST_PATH_PREFIX } from "./edge";
import { addressScope } from "./net";

/**
 * A public service as Traefik serves it on the edge: one dynamic-configuration file per service,
 * with a router for its host name, its middlewares, and its upstream. Pure: the PublicService
 * component writes the file to Traefik's watched directory, the plan writes it as an artifact.
 */

/** Where a service's requests go: an address reachable from the VPS, or a lab name behind the shared Gateway. */
export type Upstream =
  | {
      /**
       * A URL the VPS reaches: a LAN or NetBird address (`http://10.20.0.50:8096`), never the VPS
       * itself or the internet, and without credentials in it.
       */
      readonly url: string;
    }
  | {
      /**
       * A host name under the lab domain served by the shared Gateway (`jellyfin.lab.example.net`):
       * Traefik calls `https://<route>` with that host name, so the Gateway's wildcard certificate
       * and routes apply.
       */
      readonly route: string;
    };

/** Extra Traefik middlewares a service asks for. */
export interface ServiceMiddlewares {
  /** Requests per `period` (default 1s) with bursts. */
  readonly rateLimit?: {
    /** Requests allowed per `period` on average, per client address. */
    readonly average: number;
    /** Requests allowed at once above the average before Traefik answers 429. */
    readonly burst: number;
    /** The period `average` counts over, a Go duration (`1s`, `1m`). @default "1s" */
    readonly period?: string;
  };
  /** Only these networks may reach the service (CIDR). */
  readonly ipAllowList?: readonly string[];
  /** Headers added to requests and responses. */
  readonly headers?: {
    /** Headers set on each request to the upstream (an empty value removes the header). */
    readonly customRequestHeaders?: Readonly<Record<string, string>>;
    /** Headers set on each response to the client (an empty value removes the header). */
    readonly customResponseHeaders?: Readonly<Record<string, string>>;
  };
}

/** What the edge's Traefik offers every service file (the hetzner stack's `traefik` output). */
export interface EdgeTraefik {
  /** The HTTPS entry point the service's routers listen on (`websecure`). */
  readonly entryPoint: string;
  /** The ACME certificate resolver that issues the service host's certificate (`letsencrypt`). */
  readonly certResolver: string;
  /** The forward-auth middleware, as routers name it (`authentik@file`). */
  readonly forwardAuthMiddleware: string;
  /** Authentik's service, as routers name it (`authentik@file`): the outpost's callbacks go there. */
  readonly authentikService: string;
}

/** Inputs of {@link serviceTraefikConfig}. */
export interface ServiceRoute {
  readonly name: string;
  readonly hostname: string;
  readonly upstream: Upstream;
  readonly forwardAuth: boolean;
  readonly middlewares: ServiceMiddlewares;
}

/**
 * The service's dynamic configuration: a router for `Host(hostname)` on the HTTPS entry point with
 * the edge's certificate resolver, its middlewares (allow list, rate limit, forward auth, headers,
 * in that order: who, how often, then authentication), and the service. With forward auth a
 * second router sends the outpost's own paths (`/outpost.goauthentik.io/`: the login callback) on
 * that host to Authentik. A `route` upstream goes to the lab name over HTTPS, so the shared
 * Gateway sees the lab host name (and serves its wildcard certificate).
 */
export function serviceTraefikConfig(route: ServiceRoute, edge: EdgeTraefik): Record<string, unknown> {
  const { name, middlewares: m } = route;
  const middlewares: Record<string, unknown> = {};
  if (m.ipAllowList && m.ipAllowList.length > 0)
    middlewares[`${name}-allowlist`] = { ipAllowList: { sourceRange: [...m.ipAllowList] } };
  if (m.rateLimit) {
    middlewares[`${name}-ratelimit`] = {
      rateLimit: {
        average: m.rateLimit.average,
        burst: m.rateLimit.burst,
        ...(m.rateLimit.period ? { period: m.rateLimit.period } : {}),
      },
    };
  }
  const headers = m.headers && {
    ...(m.headers.customRequestHeaders ? { customRequestHeaders: { ...m.headers.customRequestHeaders } } : {}),
    ...(m.headers.customResponseHeaders ? { customResponseHeaders: { ...m.headers.customResponseHeaders } } : {}),
  };
  const chain = [...Object.keys(middlewares), ...(route.forwardAuth ? [edge.forwardAuthMiddleware] : [])];
  if (headers && Object.keys(headers).length > 0) {
    middlewares[`${name}-headers`] = { headers };
    chain.push(`${name}-headers`);
  }
  const tls = { certResolver: edge.certResolver };
  const host = `Host(\`${route.hostname}\`)`;
  const server =
    "url" in route.upstream
      ? { servers: [{ url: route.upstream.url }] }
      : { servers: [{ url: `https://${route.upstream.route}` }], passHostHeader: false };
  return {
    http: {
      routers: {
        [name]: {
          rule: host,
          entryPoints: [edge.entryPoint],
          service: name,
          ...(chain.length > 0 ? { middlewares: chain } : {}),
          tls,
        },
        ...(route.forwardAuth
          ? {
              [`${name}-outpost`]: {
                rule: `${host} && PathPrefix(\`${OUTPOST_PATH_PREFIX}/\`)`,
                entryPoints: [edge.entryPoint],
                service: edge.authentikService,
                tls,
              },
            }
          : {}),
      },
      services: { [name]: { loadBalancer: server } },
      ...(Object.keys(middlewares).length > 0 ? { middlewares } : {}),
    },
  };
}

/** The file a service's configuration lives in, in Traefik's watched directory. */
export function serviceFileName(name: string): string {
  return `service-${name}.yaml`;
}

/**
 * What is wrong with a `url` upstream, or `undefined`. The edge must reach the lab (a private
 * address: LAN or NetBird), not itself and not the internet, and the URL must hold no password
 * (Traefik's file on the VPS, the state and the plan would show it). A host name cannot be
 * classified here and passes; `localhost` is the VPS itself by definition (RFC 6761).
 */
export function upstreamUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return "must not hold credentials (user:password@): they would be written in plain text to Traefik's file on the VPS, to the state and to the plan";
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const scope = /^(.+\.)?localhost$/.test(host) ? "loopback" : addressScope(host);
  if (scope === "loopback") {
    return `${host} is a loopback address: on the edge that is Traefik's own container, not the service; use the service's LAN or NetBird address`;
  }
  if (scope === "public") {
    return `${host} is a public address: the edge would send the service's traffic across the internet, outside the NetBird tunnel; use its LAN or NetBird address (RFC 1918, CGNAT 100.64.0.0/10, IPv6 ULA)`;
  }
  return undefined;
}
