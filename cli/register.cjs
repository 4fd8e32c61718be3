// Runs the project's TypeScript sources under node (CommonJS), after loading @pulumi/pulumi.
// Used by `npm run plan` (and check, schemas, bench) and by Pulumi itself (cli/main.cjs, Pulumi.yaml's `main`).
//
// Each .ts file is compiled by esbuild (type-stripping, no type-checking: the tests run tsc) with
// tsx's settings, and the output is kept in node_modules/.cache/homelab-ts, keyed by the source
// text, its path and the compiler's version and settings: a run after the first compiles nothing
// and does not load esbuild at all. Only .ts files pass through this hook; tsx's CommonJS hook read
// every .js file a run loads (the providers' SDKs, zod, yaml: hundreds) to look for ESM syntax,
// which cost about a fifth of a plan's run time (docs/performance.md).
"use strict";
require("@pulumi/pulumi");
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");

const ROOT = join(__dirname, "..");
const CACHE = join(ROOT, "node_modules", ".cache", "homelab-ts");
/** esbuild as tsx (the devDependency) has it, wherever npm put it. */
const ESBUILD = require.resolve("esbuild", { paths: [dirname(require.resolve("tsx/package.json"))] });

let options;
/** The settings tsx compiles with (its cjs hook), and the project's tsconfig compiler options. */
function compileOptions() {
  if (options) return options;
  const { compilerOptions } = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8"));
  options = {
    loader: "ts",
    format: "cjs",
    target: `node${process.versions.node}`,
    sourcemap: "inline",
    sourcesContent: false,
    minifyWhitespace: true,
    keepNames: true,
    tsconfigRaw: { compilerOptions },
  };
  return options;
}

let key;
/** What every cached file depends on besides its own source: node's and esbuild's versions, tsconfig. */
function cacheKey() {
  key ??= [
    process.versions.node,
    require(join(dirname(ESBUILD), "..", "package.json")).version,
    readFileSync(join(ROOT, "tsconfig.json"), "utf8"),
    readFileSync(__filename, "utf8"),
  ].join("\0");
  return key;
}

function compiled(source, filename) {
  const hash = createHash("sha256").update(cacheKey()).update("\0").update(filename).update("\0").update(source);
  const file = join(CACHE, `${hash.digest("hex")}.js`);
  try {
    return readFileSync(file, "utf8");
  } catch {
    // not compiled yet
  }
  const { code } = require(ESBUILD).transformSync(source, { ...compileOptions(), sourcefile: filename });
  try {
    mkdirSync(CACHE, { recursive: true });
    const temporary = `${file}.${process.pid}`;
    writeFileSync(temporary, code);
    renameSync(temporary, file); // whole or not at all, with several runs at once
  } catch {
    // a read-only tree: compile again next time
  }
  return code;
}

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  module._compile(compiled(readFileSync(filename, "utf8"), filename), filename);
};
// Stack traces name the TypeScript lines (the cached files carry their source maps), as under tsx;
// except in the offline plan, which reports errors by message and keeps no stack frames while a
// program runs: there node would only parse every module's map as it loads (cli/plan.ts).
if (!/(^|[\\/])cli[\\/]plan\.ts$/.test(process.argv[1] ?? "")) process.setSourceMapsEnabled(true);
