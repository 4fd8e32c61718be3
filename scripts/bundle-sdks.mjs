// Ships the local SDKs inside the package's tarball: every `bundleDependencies` entry that is a
// `file:` dependency (`@pulumiverse/talos` from sdks/talos, `@pulumi/authentik` from sdks/authentik).
//
// npm bundles a dependency only from a real directory in node_modules, and a `file:` dependency is
// a symlink there; and in the tarball the dependency must name the SDK's version, since `file:`
// means nothing in another project (npm ls would call it invalid). So before `npm pack` (prepack)
// this copies each SDK over its link (its package.json and `files`) and writes its version into
// the package.json being packed; after (postpack, or `--restore` by hand) the link and the
// original package.json come back. Run with the package root as the working directory.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

const root = process.cwd();
const manifestPath = join(root, "package.json");
const saved = join(root, "node_modules", ".cache", "homelab-pack", "package.json");

if (process.argv.includes("--restore")) {
  if (existsSync(saved)) {
    writeFileSync(manifestPath, readFileSync(saved));
    rmSync(saved);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  for (const [name, source] of localSdks(manifest)) {
    const target = join(root, "node_modules", name);
    rmSync(target, { recursive: true, force: true });
    symlinkSync(relative(dirname(target), source), target, "dir");
  }
} else {
  const text = readFileSync(manifestPath, "utf8");
  const manifest = JSON.parse(text);
  mkdirSync(dirname(saved), { recursive: true });
  writeFileSync(saved, text);
  for (const [name, source] of localSdks(manifest)) {
    const target = join(root, "node_modules", name);
    rmSync(target, { recursive: true, force: true });
    const sdk = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
    for (const entry of ["package.json", "README.md", ...(sdk.files ?? [])]) {
      const from = join(source, entry);
      if (!existsSync(from)) {
        if (entry === "README.md") continue;
        throw new Error(`${name}: ${entry} is missing; build the SDK first (npm run build:sdks)`);
      }
      cpSync(from, join(target, entry), { recursive: true });
    }
    manifest.dependencies[name] = sdk.version;
    console.error(`bundled ${name}@${sdk.version} from ${relative(root, source)}`);
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** `[name, directory]` of each bundled dependency that is a local `file:` package. */
function localSdks(manifest) {
  return (manifest.bundleDependencies ?? [])
    .map((name) => [name, manifest.dependencies?.[name] ?? ""])
    .filter(([, spec]) => spec.startsWith("file:"))
    .map(([name, spec]) => [name, join(root, spec.slice("file:".length))]);
}
