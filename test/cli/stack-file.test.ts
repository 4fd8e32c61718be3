import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { readStackFile, StackFileError } from "../../cli/stack-file";

const dir = mkdtempSync(join(tmpdir(), "stack-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(text: string): string {
  const path = join(dir, `Pulumi.${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
}

describe("readStackFile", () => {
  test("namespaces keys, keeps strings, JSON-encodes the rest, replaces encrypted values", () => {
    const path = file(
      [
        "encryptionsalt: v1:abc",
        "config:",
        "  homelab:proxmox:",
        "    endpoint: https://pve:8006",
        "    apiToken:",
        "      secure: v1:AAAA",
        "  homelab:label: plain text",
        "  count: 3",
        "  proxmoxve:insecure: true",
        "  homelab:token:",
        "    secure: v1:BBBB",
      ].join("\n"),
    );
    expect(readStackFile(path)).toEqual({
      values: {
        // A placeholder naming the ciphertext's fingerprint: a rotated secret reaches its resources as a change.
        "homelab:proxmox": JSON.stringify({ endpoint: "https://pve:8006", apiToken: "[secret:47794c0daef3ead9]" }),
        "homelab:label": "plain text",
        "homelab:count": "3",
        "proxmoxve:insecure": "true",
        "homelab:token": "[secret:22d5ec8da3d43e9e]",
      },
      secretKeys: ["homelab:proxmox", "homelab:token"],
      // SHA-256 of each ciphertext, 16 hex digits: a diff can tell a rotated secret, nothing more.
      secretFingerprints: { "homelab:proxmox.apiToken": "47794c0daef3ead9", "homelab:token": "22d5ec8da3d43e9e" },
    });
  });

  test("an empty file or one without config has no config", () => {
    expect(readStackFile(file(""))).toEqual({ values: {}, secretKeys: [], secretFingerprints: {} });
    expect(readStackFile(file("encryptionsalt: x\n"))).toEqual({ values: {}, secretKeys: [], secretFingerprints: {} });
  });

  test.each([
    ["config: [1, 2]\n", "config: must be a map of keys to values"],
    ["- a\n- b\n", "is not a Pulumi stack settings file (expected a map with a config: key)"],
    ["config:\n  a: 1\n  a: 2\n", "is not valid YAML: Map keys must be unique at line 3, column 3:"],
  ])("rejects %j", (text, message) => {
    const path = file(text);
    expect(() => readStackFile(path)).toThrow(StackFileError);
    expect(() => readStackFile(path)).toThrow(`${path}: ${message}`);
  });

  test("a missing file says so", () => {
    expect(() => readStackFile(join(dir, "Pulumi.none.yaml"))).toThrow(
      `${join(dir, "Pulumi.none.yaml")}: cannot read it (ENOENT)`,
    );
  });
});
