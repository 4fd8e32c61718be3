// `npm run pack [-- <npm pack options>]`: the package's tarball, built once, packed from a staged
// copy, so the working tree's package.json is never rewritten (an interrupted pack leaves nothing
// behind but a temporary directory). Stages package.json as published (scripts/package-lib.mjs), the
// library built straight into the stage (no stale files from an older dist/), the config JSON
// Schemas, LICENSE, docs/library.md as README.md and real copies of the bundled SDKs, then runs
// `npm pack <stage>` with the options given (default destination: the current directory).
// Publish the tarball it makes: `npm publish homelab-<version>.tgz`.
//
// `node scripts/pack.mjs --refuse` is the `prepack` hook: `npm pack` and `npm publish` of the
// working tree would ship the SDKs as node_modules links (workspaces), the repository's README and
// whatever dist/ holds, so they stop and say what to run.
// (`npm run pack` itself also runs `prepack`, as npm runs `pre<script>`: that is let through.)
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildPackage, finalizePackage, packRefusal } from "./package-lib.mjs";

// The package root: this script's parent directory, wherever it is run from.
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);

if (args[0] === "--refuse") {
  const refusal = packRefusal(process.env.npm_command);
  if (refusal) {
    console.error(refusal);
    process.exit(1);
  }
  process.exit(0);
}

// `--readme <file>`: the README to ship instead of docs/library.md (for the package tests).
let readme = join(root, "docs", "library.md");
const readmeAt = args.indexOf("--readme");
if (readmeAt !== -1) {
  readme = resolve(args[readmeAt + 1] ?? "");
  args.splice(readmeAt, 2);
}
const packArgs = args.includes("--pack-destination") ? args : [...args, "--pack-destination", process.cwd()];

const stage = mkdtempSync(join(tmpdir(), "homelab-pack-"));
try {
  buildPackage(root, join(stage, "dist"));

  cpSync(join(root, "package.json"), join(stage, "package.json"));
  cpSync(join(root, "LICENSE"), join(stage, "LICENSE"));
  mkdirSync(join(stage, "config", "schemas"), { recursive: true });
  for (const file of readdirSync(join(root, "config", "schemas")).filter((f) => f.endsWith(".schema.json"))) {
    cpSync(join(root, "config", "schemas", file), join(stage, "config", "schemas", file));
  }
  const versions = finalizePackage(stage, readme, root);
  console.error(
    `homelab: staged with ${Object.entries(versions)
      .map(([n, v]) => `${n}@${v}`)
      .join(", ")} bundled`,
  );
  // The staged manifest has no scripts, so `npm pack` runs none.
  execFileSync("npm", ["pack", stage, ...packArgs], { cwd: root, stdio: "inherit" });
} finally {
  rmSync(stage, { recursive: true, force: true });
}
