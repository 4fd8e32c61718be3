import { describe, expect, test } from "vitest";
import { diffMarkdown, diffText } from "../../cli/diff";
import { engineDiff, type PlannedResource, type PlannedStack } from "../../testing/engine";

/** How `plan --diff` prints the engine-faithful diff (its rules: test/testing/engine.test.ts). */

const STACK = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s";
const r = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Partial<PlannedResource> = {},
): PlannedResource => ({
  urn: `urn:pulumi:s::p::pulumi:pulumi:Stack$${type}::${name}`,
  type,
  name,
  parent: STACK,
  custom: true,
  inputs,
  ...extra,
});
const FILE = "command:remote:Command";
const RECORD = "cloudflare:index/dnsRecord:DnsRecord";

const base: PlannedStack = {
  stack: "edge",
  resources: [
    r(
      FILE,
      "compose",
      { create: "write", delete: "rm -f f", stdin: "line 1\nimage: a:1\nline 3\n", triggers: ["h1"] },
      { replaceOnChanges: ["triggers[*]"] },
    ),
    r(FILE, "token", { create: "write", stdin: "[secret]" }, { secretHashes: { stdin: "1111" } }),
    r(RECORD, "www", { zoneId: "z", type: "A", name: "www", content: "1.1.1.1", ttl: 1 }, { protect: true }),
  ],
  secretFingerprints: { "homelab:token": "aaaa" },
};
const head: PlannedStack = {
  stack: "edge",
  resources: [
    r(
      FILE,
      "compose",
      { create: "write", delete: "rm -f f", stdin: "line 1\nimage: a:2\nline 3\n", triggers: ["h2"] },
      { replaceOnChanges: ["triggers[*]"] },
    ),
    r(FILE, "token", { create: "write", stdin: "[secret]" }, { secretHashes: { stdin: "2222" } }),
  ],
  secretFingerprints: { "homelab:token": "bbbb" },
};

describe("plan --diff output", () => {
  test("text: the failure first, then replacements and deletes with their reasons and scripts, other changes, and the order", () => {
    expect(diffText(engineDiff(base, head))).toBe(
      [
        "Stack edge: 0 to create, 1 to update, 1 to replace, 1 to delete, 0 unchanged — `pulumi up` FAILS",
        "`pulumi up` fails:",
        "  ✗ cloudflare:index/dnsRecord:DnsRecord www: deleting a protected resource: the engine refuses and `pulumi up` fails (set protect false and run `pulumi up` first)",
        "Replacements, deletes and blocked steps:",
        "  -  cloudflare:index/dnsRecord:DnsRecord  www  (BLOCKED)",
        "      ✗ deleting a protected resource: the engine refuses and `pulumi up` fails (set protect false and run `pulumi up` first)",
        "      ! deletes: a public DNS record (the name stops resolving)",
        "  +- command:remote:Command  compose  (replace, create first; runs create, then old delete)",
        "      because triggers[0]: replaceOnChanges triggers[*]",
        '      ~ stdin: line 2: - "image: a:1" + "image: a:2"',
        '      ~ triggers[0]: "h1" => "h2"',
        "Other changes:",
        "  ~  command:remote:Command  token  (runs create)",
        "      ~ stdin: [secret] changed",
        "  ~ config homelab:token: [secret] changed",
        "In the order `pulumi up` runs them:",
        "    1. create replacement compose  runs create",
        "    2. update             token    runs create",
        "    3. delete old         compose  runs delete",
        "    4. delete             www      [refused: the run fails]",
        "",
      ].join("\n"),
    );
  });

  test("never shows a secret or a fingerprint; markdown puts the failures up front for a PR comment", () => {
    const diff = engineDiff(base, head);
    expect(`${diffText(diff)}${diffMarkdown(diff)}`).not.toMatch(/1111|2222|aaaa|bbbb/);
    expect(diffMarkdown(diff)).toMatch(
      /^### Plan diff: `edge`\n\n\*\*0 to create, 1 to update, 1 to replace, 1 to delete, 0 unchanged — `pulumi up` FAILS\*\*\n\n- ❌ cloudflare:index\/dnsRecord:DnsRecord www: deleting a protected resource/,
    );
    expect(diffMarkdown(diff)).toContain("```diff\n`pulumi up` fails:");
  });

  test("no earlier plan: every resource is new; the same plan: no changes", () => {
    const fresh = engineDiff(undefined, head);
    expect(fresh.newStack).toBe(true);
    expect(fresh.counts.create).toBe(2);
    expect(fresh.secretConfig).toEqual([]);
    expect(diffText(engineDiff(head, head))).toBe(
      "Stack edge: 0 to create, 0 to update, 0 to replace, 0 to delete, 2 unchanged\n  no changes\n",
    );
  });
});
