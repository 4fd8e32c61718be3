import * as pulumi from "@pulumi/pulumi";
import { expect, test } from "vitest";
import { underCookieDomain } from "../../stacks/authentik";
import { withoutAuthentikHost } from "../../stacks/services";
import { register, valueOf } from "../helpers/pulumi";

// The config rules only known once another stack's outputs are read (issue 16, item 8): a RunError
// that names the file or key, before Authentik is touched.

test("rule 8: a service may not take Authentik's own host name (the authentik stack's authentikUrl)", async () => {
  const services = [
    { file: "services/sso.yaml", hostname: "auth.example.net" },
    { file: "services/wiki.yaml", hostname: "wiki.example.net" },
  ];
  const clash = await register(() => withoutAuthentikHost(pulumi.output("https://auth.example.net"), services));
  await expect(valueOf(clash.result)).rejects.toThrow(
    "services/sso.yaml: hostname: auth.example.net is Authentik's own host name (the authentik stack's authentikUrl), which the edge's Traefik routes to Authentik; choose another host name",
  );
  const fine = await register(() => withoutAuthentikHost(pulumi.output("https://sso.example.net/"), services));
  expect(await valueOf(fine.result)).toEqual({ value: "https://sso.example.net/", secret: false, known: true });
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
