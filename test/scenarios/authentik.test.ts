import { describe, expect, test } from "vitest";
import { engineDiff } from "../../testing/engine";
import { diff, operations, plan, resource, steps } from "./harness";

/** Day 2 of single sign-on (Pulumi.authentik.yaml). */

describe("day 2 of single sign-on", () => {
  test("an OIDC app added: its provider and application are created; nothing else changes", async () => {
    const b = await plan("authentik");
    const head = await plan(
      "authentik",
      (c) =>
        c["homelab:apps"].push({
          name: "Immich",
          slug: "immich",
          redirectUris: ["https://photos.lab.example.net/auth/login"],
          scopes: ["openid", "email", "profile"],
        }),
      { after: b },
    );
    const d = diff(b, head);
    expect(operations(d)).toEqual({
      "immich ProviderOauth2": "create",
      "immich Application": "create",
      "immich-allow-homelab-users": "create",
    });
    expect(steps(d)).toEqual(["create immich ProviderOauth2", "create immich Application", "create immich-allow-homelab-users"]);
  });

  test("the GitHub source's slug changed: a new source (Pulumi would not follow an in-place rename), the login stage moves to it, the old one goes last", async () => {
    const b = await plan("authentik");
    const head = await plan("authentik", (c) => (c["homelab:github"].slug = "gh"), { after: b });
    const d = diff(b, head);
    // The access policy and the groups mapping name the slug: updated in place, their bindings kept.
    expect(operations(d)).toEqual({
      github: "replace (create-before-delete)",
      "github-access": "update",
      "github-groups": "update",
      "github-identification": "update",
    });
    expect(d.steps.find((s) => s.name === "github")!.reasons).toEqual(["slug: replaceOnChanges slug"]);
    expect(d.steps.find((s) => s.name === "github")!.stateful).toBe(
      "the GitHub login and every user's link to their GitHub account",
    );
    expect(steps(d)).toEqual([
      "update github-access",
      "update github-groups",
      "create-replacement github",
      "update github-identification",
      "delete-replaced github",
    ]);
    // Nothing adopted is deleted or replaced: the login stage is updated, the outpost untouched.
    const adopted = d.steps.filter((s) => s.name === "github-identification" || s.name === "forward-auth-outpost");
    expect(adopted.map((s) => [s.name, s.op])).toEqual([["github-identification", "update"]]);
    expect(d.sequence.filter((s) => s.action === "delete" || s.action === "delete-replaced").map((s) => s.name)).toEqual([
      "github",
    ]);
  });

  test("Authentik's URL changed: the adopted outpost is updated in place (where it sends browsers) and the plan warns that the update sends the provider list this stack last read", async () => {
    const at = (url: string) => (c: Record<string, any>) => (c["homelab:authentik"] = { url, token: "stand-in" });
    const b = await plan("authentik", at("https://auth.example.net"));
    const head = await plan("authentik", at("https://sso.example.net"), { after: b });
    const d = diff(b, head);
    expect(operations(d)).toEqual({ "forward-auth-outpost": "update", "forward-auth": "update", authentik: "update" });
    expect(d.steps.find((s) => s.name === "forward-auth-outpost")!.notes).toEqual([
      "config: PUTs the whole outpost, protocol_providers as this stack's state last read them: providers attached since (by the services stack) are dropped unless the run refreshes first (pulumi up --refresh)",
    ]);
    expect(d.failures).toEqual([]);
  });

  test("the services token rotated (serviceAccount.tokenGeneration 1 -> 2): a new token first, the old one deleted last; nothing else changes", async () => {
    const b = await plan("authentik");
    const head = await plan("authentik", (c) => (c["homelab:serviceAccount"] = { tokenGeneration: 2 }), { after: b });
    const d = diff(b, head);
    expect(operations(d)).toEqual({ "homelab-services": "replace (create-before-delete)" });
    expect(steps(d)).toEqual(["create-replacement homelab-services", "delete-replaced homelab-services"]);
    const step = d.steps.find((s) => s.name === "homelab-services")!;
    expect(step.type).toBe("authentik:index/token:Token");
    expect(step.reasons).toEqual(["identifier: replaceOnChanges identifier"]);
    expect(resource(head, "homelab-services", "authentik:index/token:Token").inputs.identifier).toBe("homelab-services-2");
  });

  test("an access group added and an app moved to it: the group and that app's binding are created, its old binding deleted; the GitHub rules updated in place", async () => {
    const b = await plan("authentik");
    const head = await plan(
      "authentik",
      (c) => {
        c["homelab:access"].groups["homelab-media"] = { users: ["mona"] };
        c["homelab:apps"].find((a: { slug: string }) => a.slug === "grafana").allow = ["homelab-media"];
      },
      { after: b },
    );
    const d = diff(b, head);
    expect(operations(d)).toEqual({
      "access-homelab-media": "create",
      "grafana-allow-homelab-media": "create",
      "grafana-allow-homelab-users": "delete",
      "github-access": "update",
      "github-groups": "update",
    });
  });

  test("pulumi destroy deletes what the stack made and leaves Authentik's own login stage and embedded outpost in place", async () => {
    const b = await plan("authentik");
    const d = engineDiff(b.planned, { stack: "authentik", resources: [] });
    const retained = d.steps.filter((s) => s.retained).map((s) => s.name);
    expect(retained.sort()).toEqual(["forward-auth-outpost", "github-identification"]);
    expect(
      d.sequence
        .filter((s) => s.skipped === "retained")
        .map((s) => s.name)
        .sort(),
    ).toEqual(["forward-auth-outpost", "github-identification"]);
    expect(d.failures).toEqual([]);
  });
});
