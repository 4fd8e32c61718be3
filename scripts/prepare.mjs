// `prepare`: builds the SDKs and the library (npm runs it after `npm install`/`npm ci` here, and in
// the clone of a git install). In npm's own throwaway clone of a git dependency, when npm is about to
// pack it, it also makes the clone publishable (scripts/package-lib.mjs says why): a git install then
// gets the same package as the tarball. Never touches a developer's checkout's package.json.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildPackage, finalizePackage, isNpmGitClonePacking } from "./package-lib.mjs";

// The package root: this script's parent directory, wherever it is run from.
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const packingClone = isNpmGitClonePacking(root, process.env);

// In the clone, the `npm install` before packing has already run this script's build: build again
// only if it did not (one build per install).
if (!packingClone || !existsSync(join(root, "dist", "components", "index.js"))) {
  buildPackage(root);
}
if (packingClone) {
  const versions = finalizePackage(root, join(root, "docs", "library.md"));
  console.error(
    `homelab: packed from npm's git clone with ${Object.entries(versions)
      .map(([n, v]) => `${n}@${v}`)
      .join(", ")} bundled`,
  );
}
