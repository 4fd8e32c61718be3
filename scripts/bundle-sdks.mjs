// npm bundles a dependency only from a real directory in node_modules, and `file:` dependencies
// are symlinks there. Before `npm pack` (prepack) this replaces each local SDK's link with a copy
// of what the SDK itself would publish (its package.json and `files`); after (postpack, or
// `--restore`) the link comes back. Run with the package root as the working directory.
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const root = process.cwd();
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const restore = process.argv.includes("--restore");

for (const name of manifest.bundleDependencies ?? []) {
  const spec = manifest.dependencies?.[name] ?? "";
  if (!spec.startsWith("file:")) continue;
  const source = join(root, spec.slice("file:".length));
  const target = join(root, "node_modules", name);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  if (restore) {
    symlinkSync(relative(dirname(target), source), target, "dir");
    continue;
  }
  const sdk = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
  for (const entry of ["package.json", "README.md", ...(sdk.files ?? [])]) {
    const from = join(source, entry);
    if (!existsSync(from)) {
      if (entry === "README.md") continue;
      throw new Error(`${name}: ${entry} is missing; build the SDK first (npm run build:sdks)`);
    }
    cpSync(from, join(target, entry), { recursive: true });
  }
  console.log(`bundled ${name} from ${relative(root, source)} (${lstatSync(target).isDirectory() ? "copied" : "?"})`);
}
