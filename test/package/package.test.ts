import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import * as authentikEntry from "../../components/sdk/authentik";
import * as talosEntry from "../../components/sdk/talos";
import * as authentik from "@pulumi/authentik";
import * as talos from "@pulumiverse/talos";

/**
 * The cheap half of the package's checks, run by `npm test` (the installs themselves, minutes long,
 * are consumer.test.ts, run by .ci/run): the manifest as published, the detection of npm's git clone,
 * the exports map against the sources the build compiles, the SDK entries, and the refusal of a
 * plain `npm pack`.
 */

const ROOT = join(__dirname, "..", "..");
const run = promisify(execFile);

interface Lib {
  localSdks(root: string, manifest: unknown): [string, string][];
  publishedManifest(manifest: unknown, versions: Record<string, string>): Record<string, unknown>;
  isNpmGitClonePacking(dir: string, env: Record<string, string | undefined>): boolean;
  packRefusal(command: string | undefined): string | undefined;
}
let lib: Lib;
beforeAll(async () => {
  lib = (await import(join(ROOT, "scripts", "package-lib.mjs"))) as Lib;
});

type Manifest = Record<string, unknown> & {
  dependencies: Record<string, string>;
  exports: Record<string, string | { types: string; default: string }>;
  typesVersions: { "*": Record<string, string[]> };
  files: string[];
};
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Manifest;
const sdkVersion = (dir: string) =>
  (JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) as { version: string }).version;

const scratch = mkdtempSync(join(tmpdir(), "homelab-package-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the published manifest", () => {
  test("the bundled SDKs are this repo's workspaces, named by their exact versions", () => {
    expect(lib.localSdks(ROOT, manifest)).toEqual([
      ["@pulumiverse/talos", join(ROOT, "sdks", "talos")],
      ["@pulumi/authentik", join(ROOT, "sdks", "authentik")],
    ]);
    expect(manifest.dependencies["@pulumiverse/talos"]).toBe(sdkVersion("sdks/talos"));
    expect(manifest.dependencies["@pulumi/authentik"]).toBe(sdkVersion("sdks/authentik"));
  });

  test("drops the repository's scripts, devDependencies and workspaces, and keeps everything else", () => {
    const versions = { "@pulumiverse/talos": sdkVersion("sdks/talos"), "@pulumi/authentik": sdkVersion("sdks/authentik") };
    const published = lib.publishedManifest(manifest, versions);
    const { scripts: _s, devDependencies: _d, workspaces: _w, ...rest } = manifest;
    expect(published).toEqual(rest);
    expect(Object.keys(manifest)).toEqual(expect.arrayContaining(["scripts", "devDependencies", "workspaces"]));
  });

  test("refuses a bundled SDK named by anything but its own version", () => {
    const stale = { ...manifest, dependencies: { ...manifest.dependencies, "@pulumiverse/talos": "file:sdks/talos" } };
    expect(() => lib.publishedManifest(stale, { "@pulumiverse/talos": "0.8.1" })).toThrow(
      `package.json: dependencies.@pulumiverse/talos is "file:sdks/talos", but the bundled SDK's package.json says version 0.8.1; name exactly that version`,
    );
  });
});

describe("npm's git clone, told from a developer's checkout", () => {
  const clone = join(scratch, "cache", "_cacache", "tmp", "git-cloneAbC123");
  mkdirSync(clone, { recursive: true });

  test("npm's clone being packed (prepare with npm_package_resolved set to it)", () => {
    expect(lib.isNpmGitClonePacking(clone, { npm_package_resolved: clone })).toBe(true);
    // Through a link to it too (npm hands the path as it made it).
    symlinkSync(clone, join(scratch, "link"));
    expect(lib.isNpmGitClonePacking(join(scratch, "link"), { npm_package_resolved: clone })).toBe(true);
  });

  test("not the clone's own `npm install`, nor another directory, nor a checkout packed by --install-links", () => {
    expect(lib.isNpmGitClonePacking(clone, {})).toBe(false);
    expect(lib.isNpmGitClonePacking(clone, { npm_package_resolved: ROOT })).toBe(false);
    expect(lib.isNpmGitClonePacking(ROOT, { npm_package_resolved: ROOT })).toBe(false);
    const lookalike = join(scratch, "work", "tmp", "git-clone-of-mine");
    mkdirSync(lookalike, { recursive: true });
    expect(lib.isNpmGitClonePacking(lookalike, { npm_package_resolved: lookalike })).toBe(false);
  });
});

describe("the exports map", () => {
  /** The source file the build (tsconfig.build.json) compiles into a `./dist/<x>.js` target. */
  const buildInclude = (
    JSON.parse(readFileSync(join(ROOT, "tsconfig.build.json"), "utf8").replace(/^\s*\/\/.*$/gm, "")) as { include: string[] }
  ).include;
  const sourceOf = (target: string) => target.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts");

  test("every code entry is a source the build compiles, with its declarations beside it", () => {
    const entries = Object.entries(manifest.exports).filter(([, t]) => typeof t !== "string");
    expect(entries.map(([path]) => path)).toEqual([".", "./testing", "./talos", "./authentik", "./lib/*", "./config/*"]);
    for (const [path, target] of entries) {
      const { types, default: js } = target as { types: string; default: string };
      expect(types, path).toBe(js.replace(/\.js$/, ".d.ts"));
      expect(buildInclude, path).toContain(sourceOf(js).split("/")[0]);
      expect(manifest.files, path).toContain(`dist/${sourceOf(js).split("/")[0]}/`);
      if (!path.includes("*")) expect(existsSync(join(ROOT, sourceOf(js))), path).toBe(true);
    }
  });

  test("typesVersions gives the legacy `node` resolution the same subpaths", () => {
    const code = Object.entries(manifest.exports).filter(([p, t]) => typeof t !== "string" && p !== ".");
    expect(Object.keys(manifest.typesVersions["*"])).toEqual(code.map(([p]) => p.slice(2)));
    for (const [path, target] of code) {
      const types = (target as { types: string }).types.slice(2);
      expect(manifest.typesVersions["*"][path.slice(2)], path).toEqual([
        path.includes("*") ? types.replace(/\.d\.ts$/, "") : types,
      ]);
    }
  });

  test("the config JSON Schemas are shipped and exported as homelab/schemas/<program>.schema.json", () => {
    expect(manifest.exports["./schemas/*"]).toBe("./config/schemas/*");
    expect(manifest.files).toContain("config/schemas/*.schema.json");
    expect(readdirSync(join(ROOT, "config", "schemas")).sort()).toEqual(
      ["authentik", "cloudflare", "hetzner", "platform", "services", "talos"].map((p) => `${p}.schema.json`),
    );
    expect(manifest.files).toEqual(expect.arrayContaining(["LICENSE", "README.md"]));
  });

  test("homelab/talos and homelab/authentik are the bundled SDKs, whole", () => {
    // (`default` is the test's own CommonJS interop, on both sides.)
    const names = (m: object) =>
      Object.keys(m)
        .filter((k) => k !== "default")
        .sort();
    expect(names(talosEntry)).toEqual(names(talos));
    expect(Object.keys(talosEntry)).toEqual(
      expect.arrayContaining(["Provider", "client", "cluster", "imagefactory", "machine", "types"]),
    );
    expect(talosEntry.Provider).toBe(talos.Provider);
    expect(names(authentikEntry)).toEqual(names(authentik));
    expect(Object.keys(authentikEntry)).toEqual(
      expect.arrayContaining(["Provider", "getFlow", "getFlowOutput", "Application", "types"]),
    );
    expect(authentikEntry.getFlowOutput).toBe(authentik.getFlowOutput);
  });
});

describe("packing", () => {
  test("LICENSE is the MIT licence package.json names", () => {
    expect(manifest.license).toBe("MIT");
    const license = readFileSync(join(ROOT, "LICENSE"), "utf8");
    expect(license.split("\n").slice(0, 3)).toEqual(["MIT License", "", "Copyright (c) 2026 the homelab authors"]);
  });

  test("`npm pack` and `npm publish` of the working tree stop and say to run `npm run pack`; `npm run pack` passes its own prepack", async () => {
    for (const command of ["pack", "publish"]) {
      expect(lib.packRefusal(command)).toBe(
        [
          `homelab: \`npm ${command}\` of the working tree would ship the bundled SDKs as node_modules links`,
          "and the repository's README. Run `npm run pack` instead: it builds once and packs a staged copy",
          "(real copies of the SDKs, docs/library.md as README.md); then install or publish the tarball it",
          "names: `npm publish homelab-<version>.tgz`.",
        ].join("\n"),
      );
    }
    expect(lib.packRefusal("run")).toBeUndefined();
    expect(lib.packRefusal("run-script")).toBeUndefined();
    // The hook itself: npm stops on its exit code.
    expect((manifest.scripts as Record<string, string>).prepack).toBe("node scripts/pack.mjs --refuse");
    const hook = run(process.execPath, [join(ROOT, "scripts", "pack.mjs"), "--refuse"], {
      cwd: ROOT,
      env: { ...process.env, npm_command: "publish" },
    });
    await expect(hook).rejects.toMatchObject({ code: 1, stderr: `${lib.packRefusal("publish")}\n` });
  });
});
