import { describe, expect, test } from "vitest";
import { serviceFileName, serviceTraefikConfig, type EdgeTraefik } from "../../lib/services";

const EDGE: EdgeTraefik = {
  entryPoint: "websecure",
  certResolver: "letsencrypt",
  forwardAuthMiddleware: "authentik@file",
  authentikService: "authentik@file",
};

describe("a service's Traefik file", () => {
  test("middlewares in order: who may come, how often, then authentication, then headers", () => {
    const config = serviceTraefikConfig(
      {
        name: "wiki",
        hostname: "wiki.example.net",
        upstream: { url: "http://10.0.0.60:3000" },
        forwardAuth: true,
        middlewares: {
          ipAllowList: ["203.0.113.0/24"],
          rateLimit: { average: 5, burst: 10, period: "1m" },
          headers: { customResponseHeaders: { "X-Robots-Tag": "noindex" } },
        },
      },
      EDGE,
    ) as { http: { routers: Record<string, { middlewares?: string[] }>; middlewares: Record<string, unknown> } };
    expect(config.http.routers.wiki!.middlewares).toEqual(["wiki-allowlist", "wiki-ratelimit", "authentik@file", "wiki-headers"]);
    expect(config.http.middlewares).toEqual({
      "wiki-allowlist": { ipAllowList: { sourceRange: ["203.0.113.0/24"] } },
      "wiki-ratelimit": { rateLimit: { average: 5, burst: 10, period: "1m" } },
      "wiki-headers": { headers: { customResponseHeaders: { "X-Robots-Tag": "noindex" } } },
    });
    expect(Object.keys(config.http.routers)).toEqual(["wiki", "wiki-outpost"]);
  });

  test("a public service has one router, no middlewares and no outpost route; the file is named after it", () => {
    const config = serviceTraefikConfig(
      {
        name: "status",
        hostname: "status.example.net",
        upstream: { route: "status.lab.example.net" },
        forwardAuth: false,
        middlewares: {},
      },
      EDGE,
    );
    expect(config).toEqual({
      http: {
        routers: {
          status: {
            rule: "Host(`status.example.net`)",
            entryPoints: ["websecure"],
            service: "status",
            tls: { certResolver: "letsencrypt" },
          },
        },
        services: { status: { loadBalancer: { servers: [{ url: "https://status.lab.example.net" }], passHostHeader: false } } },
      },
    });
    expect(serviceFileName("status")).toBe("service-status.yaml");
  });

  test("what an upstream is sent as Host: a route upstream the lab name (https to it, passHostHeader off), a url upstream the public name (Traefik's default)", () => {
    const upstream = (u: { url: string } | { route: string }) =>
      (
        serviceTraefikConfig(
          { name: "grafana", hostname: "grafana.example.net", upstream: u, forwardAuth: true, middlewares: {} },
          EDGE,
        ) as {
          http: { services: Record<string, unknown> };
        }
      ).http.services;
    expect(upstream({ route: "grafana.lab.example.net" })).toEqual({
      grafana: { loadBalancer: { servers: [{ url: "https://grafana.lab.example.net" }], passHostHeader: false } },
    });
    // No passHostHeader: Traefik's default (true) passes the client's Host, the public name.
    expect(upstream({ url: "http://10.20.0.50:3000" })).toEqual({
      grafana: { loadBalancer: { servers: [{ url: "http://10.20.0.50:3000" }] } },
    });
  });
});
