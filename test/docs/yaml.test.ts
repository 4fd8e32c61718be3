import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { authentikSections } from "../../config/authentik";
import { cloudflareSections } from "../../config/cloudflare";
import { hetznerSections } from "../../config/hetzner";
import { formatKey, parseReporting } from "../../config/loader";
import { platformSections } from "../../config/platform";
import { serviceFile, servicesSections } from "../../config/services";
import { talosSections } from "../../config/talos";
import type { z } from "zod";
import { docFiles, parse, read, ROOT } from "./markdown";

/**
 * The YAML the docs show is what the programs accept: each `homelab:<key>` of a stack-file fence is
 * valid for a program that has that key, a service file is a valid service file, and every
 * `yaml-language-server` line names a schema that exists (in this repository, or in the package).
 * Fences named `file=...` are a reader's own files (docs/config-loader.md's NAS program, whose
 * mistakes test/docs/config-loader.test.ts pins) and are left to their own tests.
 */

const PROGRAMS: Record<string, Record<string, z.ZodType>> = {
  talos: talosSections,
  platform: platformSections,
  hetzner: hetznerSections,
  cloudflare: cloudflareSections,
  authentik: authentikSections,
  services: servicesSections,
};

/** The YAML fences of the docs, but those naming a file of the reader's: `[file:line, text]`. */
function yamlFences(): [string, string][] {
  return docFiles().flatMap((file) =>
    parse(read(file))
      .fences.filter((f) => /^ya?ml(\s|$)/.test(f.info) && !/(^|\s)file=/.test(f.info))
      .map((f) => [`${file}:${f.line}`, f.code] as [string, string]),
  );
}

/** What is wrong with one fence: each `homelab:` key against every program that has it, or the service file. */
function problems(where: string, text: string): string[] {
  const document = parseYaml(text) as unknown;
  if (document === null || typeof document !== "object") return [];
  const schemaLine = /\$schema=(\S+)/.exec(text)?.[1];
  const found: string[] = [];
  if (schemaLine === "./schema.json") {
    parseReporting(serviceFile, document, (path, message) => found.push(`${where}: ${formatKey(path, "service")}: ${message}`));
    return found;
  }
  const values = (document as { config?: Record<string, unknown> }).config ?? (document as Record<string, unknown>);
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith("homelab:")) continue;
    const name = key.slice("homelab:".length);
    const programs = Object.entries(PROGRAMS).filter(([, sections]) => name in sections);
    if (programs.length === 0) {
      found.push(`${where}: ${key}: no program reads this key`);
      continue;
    }
    const each = programs.map(([program, sections]) => {
      const mine: string[] = [];
      parseReporting(sections[name]!, value, (path, message) =>
        mine.push(`${where}: ${formatKey([name, ...path])} (${program}): ${message}`),
      );
      return mine;
    });
    if (each.every((p) => p.length > 0)) found.push(...each.flat());
  }
  return found;
}

describe("the YAML of README.md and docs/", () => {
  test("the checker: a wrong key or value is reported, a right one is not", () => {
    const bad = "config:\n  homelab:access:\n    defaultGroup: Not A Group\n  homelab:nope: 1\n";
    expect(problems("x.md:1", bad).map((p) => p.replace(/: must .*/, ": …"))).toEqual([
      "x.md:1: homelab:access.groups (authentik): is required",
      "x.md:1: homelab:access.defaultGroup (authentik): …",
      "x.md:1: homelab:nope: no program reads this key",
    ]);
    expect(problems("x.md:1", "homelab:domain: lab.example.net\n")).toEqual([]);
  });

  test("every stack-file fragment and service file shown is valid for the program that reads it", () => {
    const fences = yamlFences();
    expect(fences.length).toBeGreaterThanOrEqual(3);
    expect(fences.flatMap(([where, text]) => problems(where, text))).toEqual([]);
  });

  test("every yaml-language-server line names a schema that exists: in the repository, or shipped in the package", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { files: string[] };
    const shipped = (file: string) =>
      manifest.files.some((entry) =>
        entry.endsWith("/")
          ? file.startsWith(entry)
          : new RegExp(`^${entry.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`).test(file),
      );
    const missing: string[] = [];
    let checked = 0;
    for (const file of docFiles()) {
      for (const fence of parse(read(file)).fences) {
        for (const m of fence.code.matchAll(/yaml-language-server: \$schema=\.\/(\S+)/g)) {
          const path = m[1]!;
          const inPackage = path.startsWith("node_modules/homelab/") ? path.slice("node_modules/homelab/".length) : undefined;
          if (inPackage === undefined && !path.startsWith("config/")) continue; // a reader's own file
          checked++;
          const repoPath = inPackage ?? path;
          if (!existsSync(join(ROOT, repoPath))) missing.push(`${file}:${fence.line}: ${path} (not in the repository)`);
          else if (inPackage !== undefined && !shipped(inPackage))
            missing.push(`${file}:${fence.line}: ${path} (not in package.json's files)`);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2);
    expect(missing).toEqual([]);
  });
});
