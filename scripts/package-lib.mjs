// What turns this repository into the published package, shared by `npm run pack`
// (scripts/pack.mjs, on a staged copy) and by a git install (scripts/prepare.mjs, inside npm's own
// throwaway clone). Neither ever rewrites a developer's package.json.
//
// The package bundles two local SDKs (`bundleDependencies`) that are not on the registry:
// `@pulumiverse/talos` (sdks/talos) and `@pulumi/authentik` (sdks/authentik). package.json names them
// by their exact versions, never `file:` (npm records the manifest of a git dependency as committed,
// and a `file:` spec there makes `npm ls` call the bundled copy invalid in the consumer), and lists
// them as workspaces, which is how they are linked into node_modules here. In the package they must
// be real directories under node_modules/homelab/node_modules: npm bundles only those, and Pulumi's
// plugin discovery reads their package.json.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/**
 * Builds the package (what `npm run build` does): the local SDKs in place (the library's build reads
 * their types through the node_modules links), then the library into `outDir` (default `dist`).
 */
export function buildPackage(root, outDir) {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  for (const project of ["sdks/talos", "sdks/authentik", "tsconfig.build.json"]) {
    const out = project === "tsconfig.build.json" && outDir !== undefined ? ["--outDir", outDir] : [];
    execFileSync(process.execPath, [tsc, "-p", project, ...out], { cwd: root, stdio: "inherit" });
  }
}

/** `[name, directory]` of each bundled dependency that is one of `root`'s workspaces (a local SDK). */
export function localSdks(root, manifest) {
  const bundled = new Set(manifest.bundleDependencies ?? []);
  return (manifest.workspaces ?? [])
    .map((dir) => [JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).name, resolve(root, dir)])
    .filter(([name]) => bundled.has(name));
}

/**
 * The manifest as published. Each bundled SDK must be named by the version its package.json states
 * (`versions`: name to version), since that is what the bundled copy is checked against. The
 * repository's scripts, devDependencies and workspaces are left out: they name files and tools the
 * package does not ship, and a `prepare` left in would run again when the staged copy is packed.
 */
export function publishedManifest(manifest, versions) {
  for (const [name, version] of Object.entries(versions)) {
    const spec = manifest.dependencies?.[name];
    if (spec !== version) {
      throw new Error(
        `package.json: dependencies.${name} is ${JSON.stringify(spec)}, but the bundled SDK's package.json says version ${version}; name exactly that version`,
      );
    }
  }
  const published = { ...manifest };
  delete published.scripts;
  delete published.devDependencies;
  delete published.workspaces;
  return published;
}

/** Copies an SDK package (its package.json, README.md and `files`) into `target`, replacing what is there (the link). */
export function copySdk(name, source, target) {
  const sdk = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
  rmSync(target, { recursive: true, force: true });
  for (const entry of ["package.json", "README.md", ...(sdk.files ?? [])]) {
    const from = join(source, entry);
    if (!existsSync(from)) {
      if (entry === "README.md") continue;
      throw new Error(`${name}: ${join(source, entry)} is missing; build the SDK first (npm run build:sdks)`);
    }
    cpSync(from, join(target, entry), { recursive: true });
  }
  return sdk.version;
}

/**
 * Makes the package directory `dir` publishable in place: the SDKs (the workspaces of `sourceRoot`,
 * the repository) copied over their links, the published manifest written, and
 * `readme` (the library's README, docs/library.md) written as README.md. Only ever called on a
 * directory that is a copy: a staging directory or npm's clone.
 */
export function finalizePackage(dir, readme, sourceRoot = dir) {
  if (!existsSync(readme)) throw new Error(`${readme} is missing: it is the package's README.md (the library's README)`);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const versions = {};
  for (const [name, source] of localSdks(sourceRoot, manifest)) {
    versions[name] = copySdk(name, source, join(dir, "node_modules", name));
  }
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(publishedManifest(manifest, versions), null, 2)}\n`);
  const text = readFileSync(readme);
  writeFileSync(join(dir, "README.md"), text);
  return versions;
}

/**
 * Whether `dir` is npm's own throwaway clone of a git dependency, being packed right now: npm (pacote)
 * clones into `<cache>/_cacache/tmp/git-clone<random>`, runs `npm install` there, then packs the
 * clone, running `prepare` once more with `npm_package_resolved` set to the clone. Both must hold;
 * a developer's checkout (packed by `npm install --install-links ../homelab`, which sets the variable
 * too) is never under npm's cache.
 */
export function isNpmGitClonePacking(dir, env) {
  const real = realpathSync(dir);
  const parent = dirname(real);
  const inClone = /^git-clone./.test(basename(real)) && basename(parent) === "tmp" && basename(dirname(parent)) === "_cacache";
  const resolved = env.npm_package_resolved;
  return inClone && typeof resolved === "string" && resolved !== "" && existsSync(resolved) && realpathSync(resolved) === real;
}

/**
 * What the `prepack` hook says when npm is about to pack or publish the working tree itself
 * (`npm_command` is `pack` or `publish`), or `undefined` (`npm run pack` runs `prepack` too, as npm
 * runs `pre<script>`).
 */
export function packRefusal(command) {
  if (command !== "pack" && command !== "publish") return undefined;
  return [
    `homelab: \`npm ${command}\` of the working tree would ship the bundled SDKs as node_modules links`,
    "and the repository's README. Run `npm run pack` instead: it builds once and packs a staged copy",
    "(real copies of the SDKs, docs/library.md as README.md); then install or publish the tarball it",
    "names: `npm publish homelab-<version>.tgz`.",
  ].join("\n");
}
