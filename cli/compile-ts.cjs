// TypeScript to CommonJS for the project's .ts hook (cli/register.cjs), with a cache on disk.
//
// Each .ts file is compiled by esbuild (type-stripping, no type-checking: the tests run tsc) with
// tsx's settings, and the output is kept in node_modules/.cache/homelab-ts, keyed by the source
// text, its path and the compiler's version and settings: a run after the first compiles nothing
// and does not load esbuild at all. Each source path has a directory of its own there, which keeps
// only the copy compiled last (the cache does not grow with every edit). Nothing here has a side
// effect until `compiled` is called.
"use strict";
const { createHash } = require("node:crypto");
const { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { basename, dirname, join } = require("node:path");

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
    // `await import("./x")` becomes a require of ./x (through this hook), as under tsx: Node's own
    // import() would hand a .ts file to its ESM loader, which cannot read it.
    supported: { "dynamic-import": false },
    sourcemap: "inline",
    sourcesContent: false,
    minifyWhitespace: true,
    keepNames: true,
    tsconfigRaw: { compilerOptions },
  };
  return options;
}

let key;
/** What every cached file depends on besides its own source: node's and esbuild's versions, tsconfig, this file. */
function cacheKey() {
  key ??= [
    process.versions.node,
    require(join(dirname(ESBUILD), "..", "package.json")).version,
    readFileSync(join(ROOT, "tsconfig.json"), "utf8"),
    readFileSync(__filename, "utf8"),
  ].join("\0");
  return key;
}

const sha256 = (...parts) => createHash("sha256").update(parts.join("\0")).digest("hex");

/** Where the compiled copy of `source` (the text of `filename`) is kept: the directory of `filename`'s copies. */
function cachePath(source, filename) {
  return join(CACHE, sha256(filename), `${sha256(cacheKey(), source)}.js`);
}

/** `source` (the text of `filename`) as CommonJS: the cached copy, else compiled now and kept. */
function compiled(source, filename) {
  const file = cachePath(source, filename);
  try {
    return readFileSync(file, "utf8");
  } catch {
    // not compiled yet
  }
  const { code } = require(ESBUILD).transformSync(source, { ...compileOptions(), sourcefile: filename });
  try {
    mkdirSync(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}`;
    writeFileSync(temporary, code);
    renameSync(temporary, file); // whole or not at all, with several runs at once
    // The copies of the file's earlier texts (another run's copy being written may go too: it
    // fails to rename and compiles again next time).
    for (const name of readdirSync(dirname(file))) {
      if (name !== basename(file)) rmSync(join(dirname(file), name), { force: true });
    }
  } catch {
    // a read-only tree: compile again next time
  }
  return code;
}

module.exports = { CACHE, cachePath, compiled };
