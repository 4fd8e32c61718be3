import * as pulumi from "@pulumi/pulumi";
import { expect, test } from "vitest";
import { underCookieDomain } from "../../stacks/authentik";
import { authentikHostProblem, checkedSso } from "../../stacks/services";
import { register, valueOf } from "../helpers/pulumi";

// The config rules only known once another stack's outputs are read (issue 16, item 8): a RunError
// that names the file or key, before Authentik is touched.

test("rule 8: a service may not take Authentik's own host name (the authentik stack's authentikUrl)", () => {
  const services = [
    { file: "services/sso.yaml", hostname: "auth.example.net" },
    { file: "services/wiki.yaml", hostname: "wiki.example.net" },
  ];
  expect(authentikHostProblem("https://auth.example.net", services)).toBe(
    "services/sso.yaml: hostname: auth.example.net is Authentik's own host name (the authentik stack's authentikUrl), which the edge's Traefik routes to Authentik; choose another host name",
  );
  expect(authentikHostProblem("https://sso.example.net/", services)).toBeUndefined();
});

test("the authentik stack's outputs are checked against the catalog in one step: every problem in one RunError", async () => {
  const catalog = [
    { file: "services/sso.yaml", name: "sso", hostname: "auth.example.net", auth: "forward" as const },
    { file: "services/grafana.yaml", name: "grafana", hostname: "grafana.example.net", auth: "oidc" as const, allow: ["family"] },
    { file: "services/open.yaml", name: "open", hostname: "open.example.net", auth: "none" as const },
  ];
  const access = { groups: ["homelab-users"], defaultGroup: "homelab-users" };
  const outputs = (url: string, apps: Record<string, unknown>) => ({
    authentikUrl: pulumi.output(url),
    apps: pulumi.output<Record<string, unknown> | undefined>(apps),
    access: pulumi.output<typeof access | undefined>(access),
  });
  const all = await register(() => checkedSso(outputs("https://auth.example.net", { grafana: {}, open: {} }), catalog));
  await expect(valueOf(all.result)).rejects.toThrow(
    [
      "services/sso.yaml: hostname: auth.example.net is Authentik's own host name (the authentik stack's authentikUrl), which the edge's Traefik routes to Authentik; choose another host name",
      // A service without authentication has no Authentik application: its name takes no slug.
      "services grafana would take the Authentik slug of an app of the authentik stack (homelab:apps there); rename the service or the app",
      "services/grafana.yaml: allow: family: not a group of the authentik stack's homelab:access.groups (homelab-users)",
    ].join("\n"),
  );
  await expect(valueOf(all.result)).rejects.toBeInstanceOf(pulumi.RunError);
  const fine = await register(() =>
    checkedSso(outputs("https://sso.example.net/", { argocd: {} }), [catalog[0]!, { ...catalog[1]!, allow: ["homelab-users"] }]),
  );
  expect(await valueOf(fine.result)).toEqual({ value: { url: "https://sso.example.net/", access }, secret: false, known: true });
});

test("rule 9: domain-mode forward auth needs the hetzner stack's Authentik under homelab:domain; single mode does not", async () => {
  const outside = await register(() => underCookieDomain(pulumi.output("https://auth.example.org"), "example.net"));
  await expect(valueOf(outside.result)).rejects.toThrow(
    "homelab:domain example.net: Authentik's host auth.example.org is not under example.net, the cookie domain of domain-mode forward auth: the login cookie could not be shared; serve Authentik under example.net, or use forwardAuth.mode: single",
  );
  const under = await register(() => underCookieDomain(pulumi.output("https://auth.example.net"), "example.net"));
  expect(await valueOf(under.result)).toEqual({ value: "https://auth.example.net", secret: false, known: true });
  const single = await register(() => underCookieDomain(pulumi.output("https://auth.example.org"), undefined));
  expect(await valueOf(single.result)).toEqual({ value: "https://auth.example.org", secret: false, known: true });
});
