import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type * as TypeScript from "typescript";
import { docFiles, parse, read, ROOT } from "./markdown";

/**
 * Every TypeScript fence of README.md and docs/ type-checked as a module of its own, the way a
 * reader would paste it into a project that installed the library: `tsc --strict` with this repo's
 * compiler options, the package's entries mapped onto the sources (`homelab` → components/index.ts,
 * `homelab/testing`, `homelab/config/*`, `homelab/lib/*`, and the bundled SDKs `homelab/talos`,
 * `homelab/authentik`). One program for all of them; its result is kept (node_modules/.cache) for
 * exactly the same inputs — the snippets, the library's sources, the SDKs' types, the compiler
 * options, the lock file and TypeScript's version — since the same inputs give the same result.
 */

/**
 * A fence to check: where it is (file, line of its opening fence), its code, and the file name its
 * info string gives it (```ts file=nas-config.ts), which the other snippets of the same document
 * may import (`./nas-config`).
 */
export interface Snippet {
  file: string;
  line: number;
  code: string;
  name?: string;
}

/** A fence left out, with the reason its info string gives (```ts skip-check: <reason>). */
export interface Skipped {
  file: string;
  line: number;
  reason: string;
}

const TS_FENCE = /^(ts|typescript)(\s|$)/;
const SKIP = /^skip-check(?::\s*(.*))?$/;

/** The TypeScript fences of `text` (named `file`): those to check and those marked skip-check. */
export function fencesOf(file: string, text: string): { snippets: Snippet[]; skipped: Skipped[] } {
  const snippets: Snippet[] = [];
  const skipped: Skipped[] = [];
  for (const fence of parse(text).fences) {
    if (!TS_FENCE.test(fence.info)) continue;
    const rest = fence.info.replace(TS_FENCE, "").trim();
    const skip = SKIP.exec(rest);
    const name = /(?:^|\s)file=(\S+\.ts)(?:\s|$)/.exec(rest)?.[1];
    if (skip) skipped.push({ file, line: fence.line, reason: (skip[1] ?? "").trim() });
    else snippets.push({ file, line: fence.line, code: fence.code, ...(name === undefined ? {} : { name }) });
  }
  return { snippets, skipped };
}

/** Every fence of README.md and docs/. */
export function docSnippets(): { snippets: Snippet[]; skipped: Skipped[] } {
  const all = docFiles().map((f) => fencesOf(f, read(f)));
  return { snippets: all.flatMap((a) => a.snippets), skipped: all.flatMap((a) => a.skipped) };
}

const OUT = join(ROOT, "node_modules", ".cache", "homelab-docs");

/** The package's entries, mapped onto this repository's sources. */
const PATHS: Record<string, string[]> = {
  homelab: [join(ROOT, "components", "index.ts")],
  "homelab/testing": [join(ROOT, "testing", "index.ts")],
  "homelab/config/*": [join(ROOT, "config", "*")],
  "homelab/lib/*": [join(ROOT, "lib", "*")],
  "homelab/talos": [join(ROOT, "sdks", "talos", "bin", "index.d.ts")],
  "homelab/authentik": [join(ROOT, "sdks", "authentik", "bin", "index.d.ts")],
};

/**
 * The file a snippet is written to, in a directory of its document's: `docs-stacks-talos.md/L52.ts`,
 * or the name its fence gives it.
 */
const fileName = (s: Snippet) => join(s.file.replace(/[\\/]/g, "-"), s.name ?? `L${s.line}.ts`);

/** Every file under `paths` (files or directories, relative to the root), sorted. */
function filesOf(paths: readonly string[]): string[] {
  return paths
    .filter((p) => existsSync(join(ROOT, p)))
    .flatMap((p) =>
      statSync(join(ROOT, p)).isDirectory()
        ? filesOf(
            readdirSync(join(ROOT, p))
              .filter((e) => e !== "node_modules")
              .map((e) => join(p, e)),
          )
        : [p],
    )
    .sort();
}

/** What the result depends on, besides the snippets themselves. */
const INPUTS = [
  "tsconfig.json",
  "package-lock.json",
  "components",
  "lib",
  "config",
  "testing",
  "sdks/talos/bin",
  "sdks/authentik/bin",
];

/**
 * Type-checks the snippets; returns each problem as `<file>:<line>: <message>`, the line being the
 * Markdown file's. Each snippet is a module (an `export {}` is appended), so names never leak
 * from one to another.
 */
export async function typeCheck(snippets: readonly Snippet[]): Promise<string[]> {
  mkdirSync(OUT, { recursive: true });
  const wanted = new Map(snippets.map((s) => [join(OUT, fileName(s)), s]));
  const tsVersion = (
    JSON.parse(readFileSync(join(ROOT, "node_modules", "typescript", "package.json"), "utf8")) as { version: string }
  ).version;
  const hash = createHash("sha256").update(`${tsVersion}\0${JSON.stringify(PATHS)}\0`);
  for (const s of snippets) hash.update(`${fileName(s)}\0${s.code}\0`);
  for (const file of filesOf(INPUTS))
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(ROOT, file)))
      .update("\0");
  const digest = hash.digest("hex");
  const cached = join(OUT, "result.json");
  if (existsSync(cached)) {
    const last = JSON.parse(readFileSync(cached, "utf8")) as { digest: string; problems: string[] };
    if (last.digest === digest) return last.problems;
  }

  // TypeScript is loaded only when there is something to check (about a second).
  const ts = (await import("typescript")).default;
  for (const entry of readdirSync(OUT)) if (entry.endsWith(".md")) rmSync(join(OUT, entry), { recursive: true });
  for (const [path, s] of wanted) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${s.code}export {};\n`);
  }
  const base = ts.readConfigFile(join(ROOT, "tsconfig.json"), (p) => ts.sys.readFile(p)).config as {
    compilerOptions: Record<string, unknown>;
  };
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    {
      ...base.compilerOptions,
      noEmit: true,
      declaration: false,
      sourceMap: false,
      paths: PATHS,
      typeRoots: [join(ROOT, "node_modules", "@types")],
    },
    ROOT,
  );
  if (errors.length > 0) throw new Error(ts.formatDiagnostics(errors, host()));
  const program = ts.createProgram({ rootNames: [...wanted.keys()], options });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const s = wanted.get(d.file.fileName);
    return s ? `${s.file}:${s.line + 1 + line}: ${message}` : `${d.file.fileName}:${line + 1}: ${message}`;
  });
  writeFileSync(cached, JSON.stringify({ digest, problems }));
  return problems;
}

function host(): TypeScript.FormatDiagnosticsHost {
  return { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" };
}
