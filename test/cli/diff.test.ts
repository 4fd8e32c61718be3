import { describe, expect, test } from "vitest";
import { ABSENT, diffMarkdown, diffStacks, diffText, valueChanges, type PlannedStack } from "../../cli/diff";

const resource = (name: string, inputs: unknown, extra: object = {}) => ({
  urn: `urn:pulumi:s::p::t$kubernetes:x:Y::${name}`,
  type: "kubernetes:x:Y",
  name,
  inputs,
  ...extra,
});

describe("valueChanges", () => {
  test("leaf paths of what changed, appeared or went; equal values give nothing", () => {
    expect(
      valueChanges(
        { spec: { blocks: [{ start: "a", stop: "b" }], keep: 1, gone: true }, list: [1, 2] },
        { spec: { blocks: [{ start: "a", stop: "c" }], keep: 1, added: "x" }, list: [1] },
      ),
    ).toEqual([
      { path: "list[1]", before: 2, after: ABSENT },
      { path: "spec.added", before: ABSENT, after: "x" },
      { path: "spec.blocks[0].stop", before: "b", after: "c" },
      { path: "spec.gone", before: true, after: ABSENT },
    ]);
    expect(valueChanges({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
  });
});

describe("diffStacks", () => {
  const base: PlannedStack = {
    stack: "platform",
    resources: [
      resource("kept", { v: 1 }),
      resource("secret", { token: "[secret]" }, { secretHashes: { token: "aaaa" } }),
      resource("same-secret", { token: "[secret]" }, { secretHashes: { token: "bbbb" } }),
      resource("gone", {}),
    ],
    secretFingerprints: { "homelab:x.token": "1111", "homelab:y.token": "2222" },
  };
  const head: PlannedStack = {
    stack: "platform",
    resources: [
      resource("kept", { v: 2 }, { protect: true }),
      resource("secret", { token: "[secret]" }, { secretHashes: { token: "cccc" } }),
      resource("same-secret", { token: "[secret]" }, { secretHashes: { token: "bbbb" } }),
      resource("new", { w: 1 }),
    ],
    secretFingerprints: { "homelab:x.token": "1111", "homelab:y.token": "3333" },
  };

  test("created, deleted and updated resources; secrets by fingerprint only", () => {
    const diff = diffStacks(base, head);
    expect(diff.added.map((r) => r.name)).toEqual(["new"]);
    expect(diff.removed.map((r) => r.name)).toEqual(["gone"]);
    expect(diff.changed).toEqual([
      {
        type: "kubernetes:x:Y",
        name: "kept",
        changes: [
          { path: "(protect)", before: false, after: true },
          { path: "v", before: 1, after: 2 },
        ],
      },
      { type: "kubernetes:x:Y", name: "secret", changes: [{ path: "token", before: "[secret]", after: "[secret]" }] },
    ]);
    expect(diff.secretConfig).toEqual(["homelab:y.token"]);
    expect(diffText(diff)).toBe(
      [
        "Stack platform: 1 to create, 2 to update, 1 to delete",
        "  + kubernetes:x:Y  new",
        "  - kubernetes:x:Y  gone",
        "  ~ kubernetes:x:Y  kept",
        "      ~ (protect): false => true",
        "      ~ v: 1 => 2",
        "  ~ kubernetes:x:Y  secret",
        "      ~ token: [secret] changed",
        "  ~ config homelab:y.token: [secret] changed",
        "",
      ].join("\n"),
    );
    expect(diffText(diff)).not.toMatch(/aaaa|cccc|2222|3333/);
    expect(diffMarkdown(diff)).toMatch(/^### Plan diff: `platform`\n\n```diff\nStack platform: 1 to create/);
  });

  test("no earlier plan: every resource is new; the same plan: no changes", () => {
    const fresh = diffStacks(undefined, head);
    expect(fresh.newStack).toBe(true);
    expect(fresh.added).toHaveLength(4);
    expect(fresh.secretConfig).toEqual([]);
    expect(diffText(diffStacks(head, head))).toBe("Stack platform: 0 to create, 0 to update, 0 to delete\n  no changes\n");
  });
});
