import { describe, expect, test } from "vitest";
import { engineDiff } from "../../testing/engine";
import { diff, operations, plan, steps } from "./harness";

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
    expect(operations(d)).toEqual({ "immich ProviderOauth2": "create", "immich Application": "create" });
  });

  test("the GitHub source's slug changed: a new source (Pulumi would not follow an in-place rename), the login stage moves to it, the old one goes last", async () => {
    const b = await plan("authentik");
    const head = await plan("authentik", (c) => (c["homelab:github"].slug = "gh"), { after: b });
    const d = diff(b, head);
    expect(operations(d)).toEqual({
      github: "replace (create-before-delete)",
      "github-identification": "update",
    });
    expect(d.steps.find((s) => s.name === "github")!.reasons).toEqual(["slug: replaceOnChanges slug"]);
    expect(d.steps.find((s) => s.name === "github")!.stateful).toBe(
      "the GitHub login and every user's link to their GitHub account",
    );
    expect(steps(d)).toEqual(["create-replacement github", "update github-identification", "delete-replaced github"]);
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
