import { createHash } from "node:crypto";
import {
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from "node:fs";
import { dirname, join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type * as TypeScript from "typescript";
import type { Example } from "../api/surface";
import type { Snippet } from "../docs/snippets";

/**
 * The project's one TypeScript program per test run: the tsconfig.json project as `tsc --noEmit -p .`
 * checks it, plus every component's `@example` (components/*.ts) and every ts fence of README.md
 * and docs/, each written as a module of its own, with the package's names mapped onto the sources
 * (`homelab`, `homelab/testing`, `homelab/config/*`, `homelab/lib/*`, and the bundled SDKs
 * `homelab/talos`, `homelab/authentik`). The provider SDKs' declarations (~14 MB) are most of a
 * compilation, so they are read and checked once, not once per area.
 *
 * The result (each area's problems, with their file and line) is kept in node_modules/.cache with a
 * digest of everything it depends on: TypeScript's version, tsconfig.json, package.json, the lock
 * file, the names of the files tsconfig.json's `include` could pick up, the Markdown pages, and the
 * text of every file the compilation read (a file whose size and modification time are the ones
 * seen when it was compiled is not read again). The same digest is the same compilation; any change
 * compiles again. One process compiles at a time (a lock file): the test run's global setup starts
 * the compilation at once (test/compile/global-setup.ts), and the tests wait for it; a test that finds
 * no result and no one compiling compiles itself.
 */

export const ROOT = join(__dirname, "..", "..");
/** Where the result, the lock and the generated modules are kept. */
export const CACHE = join(ROOT, "node_modules", ".cache", "homelab-compile");
const RESULT = join(CACHE, "result.json");
const LOCK = join(CACHE, "lock");
/** Where the examples and the fences are written, as modules (node_modules/.cache/homelab-compile/src). */
export const GENERATED = join(CACHE, "src");

/** The package's entries, mapped onto this repository's sources (for the examples and the fences only). */
export const PATHS: Readonly<Record<string, readonly string[]>> = {
  homelab: [join(ROOT, "components", "index.ts")],
  "homelab/testing": [join(ROOT, "testing", "index.ts")],
  "homelab/config/*": [join(ROOT, "config", "*")],
  "homelab/lib/*": [join(ROOT, "lib", "*")],
  "homelab/talos": [join(ROOT, "sdks", "talos", "bin", "index.d.ts")],
  "homelab/authentik": [join(ROOT, "sdks", "authentik", "bin", "index.d.ts")],
};

/** What one compilation found. */
export interface Compiled {
  /** Of what decides which files the compilation reads and how (see `inputsDigest`). */
  readonly inputs: string;
  /** Every file the compilation read, relative to the root, sorted. */
  readonly files: readonly string[];
  /** Of those files' texts (see `filesDigest`). */
  readonly digest: string;
  /**
   * Each file's size and modification time when its text was seen to be the one compiled (`null`
   * when it was not): a file whose stat is unchanged is not read again to check the digest.
   */
  readonly stats: readonly ([number, number] | null)[];
  /** The tsconfig.json project's own files (what `tsc -p .` checks), relative to the root, sorted. */
  readonly roots: readonly string[];
  /** The examples compiled, by name (`CiliumInstall`, `CiliumInstall #2`), fixtures included. */
  readonly examples: readonly string[];
  /** The fences compiled, as `<page>:<line of the fence>`, fixtures included. */
  readonly snippets: readonly string[];
  readonly problems: {
    /** In the project's own files, as tsc prints them: `<file>(<line>,<col>): error TS<n>: <message>`. */
    readonly project: readonly string[];
    /** In the examples: `<source>:<line>: <Component> @example: <message>`, the line being the source's. */
    readonly examples: readonly string[];
    /** In the fences: `<page>:<line>: <message>`, the line being the page's. */
    readonly snippets: readonly string[];
  };
  /** How long the compilation took (ms), for the curious. */
  readonly ms: number;
}

/**
 * The result for the tree as it is now: the kept one when its digest still holds, else one compiled
 * (by this process, or by another one holding the lock, which is waited for).
 */
export async function compiled(): Promise<Compiled> {
  for (;;) {
    const kept = fresh();
    if (kept) return kept;
    if (lock()) {
      try {
        return fresh() ?? (await compileAndKeep());
      } finally {
        unlock();
      }
    }
    while (lockHolder() !== undefined) await sleep(100);
  }
}

/** The kept result, when it still holds for the tree now. */
export function fresh(): Compiled | undefined {
  let kept: Compiled;
  try {
    kept = JSON.parse(readFileSync(RESULT, "utf8")) as Compiled;
    if (kept.inputs !== inputsDigest()) return undefined;
    // Unchanged stats, unchanged files: the texts are read only when one differs.
    if (kept.files.every((file, i) => sameStat(kept.stats[i], statSync(join(ROOT, file))))) return kept;
    return filesDigest(new Map(kept.files.map((file) => [file, textOf(join(ROOT, file))]))) === kept.digest ? kept : undefined;
  } catch {
    return undefined;
  }
}

const sameStat = (kept: readonly [number, number] | null | undefined, now: Stats) =>
  kept !== null && kept !== undefined && kept[0] === now.size && kept[1] === now.mtimeMs;

/** A file's text as the compiler reads it (UTF-8, without a byte order mark). */
function textOf(path: string): string {
  const text = readFileSync(path, "utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The include entries of tsconfig.json (the project's files are found under them). */
function includes(): string[] {
  const config = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8")) as { include?: string[] };
  return config.include ?? ["."];
}

/** Every TypeScript file name under tsconfig.json's include entries (a superset of the project's files). */
function candidates(): string[] {
  const found: string[] = [];
  const walk = (path: string): void => {
    let stat;
    try {
      stat = statSync(join(ROOT, path));
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(join(ROOT, path))) if (entry !== "node_modules") walk(join(path, entry));
    } else if (/\.[cm]?tsx?$/.test(path)) found.push(path);
  };
  for (const entry of includes()) walk(entry.replace(/[\\/]\*.*$/, ""));
  return found.sort();
}

/** The Markdown pages whose fences are compiled (README.md and docs/**), relative to the root, sorted. */
function pages(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : [],
    );
  return ["README.md", ...walk("docs")].sort();
}

/**
 * The digest of what decides which files the compilation reads, and how: TypeScript's version,
 * tsconfig.json, package.json, the lock file, the names of the project's candidate files, the
 * Markdown pages (their fences are compiled) and the package's names mapped.
 */
function inputsDigest(): string {
  const hash = createHash("sha256");
  const typescript = JSON.parse(readFileSync(join(ROOT, "node_modules", "typescript", "package.json"), "utf8")) as {
    version: string;
  };
  hash.update(`typescript ${typescript.version}\0${JSON.stringify(PATHS)}\0`);
  for (const file of ["tsconfig.json", "package.json", "package-lock.json", ...pages()]) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(ROOT, file)))
      .update("\0");
  }
  return hash.update(`${candidates().join("\n")}\0`).digest("hex");
}

/** The digest of the files a compilation read (relative to the root), with their texts. */
function filesDigest(files: ReadonlyMap<string, string>): string {
  const hash = createHash("sha256");
  for (const [file, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update(`${file}\0${text}\0`);
  }
  return hash.digest("hex");
}

/** Compiles the program, keeps the result (atomically) and returns it. Call with the lock held. */
export async function compileAndKeep(): Promise<Compiled> {
  const result = await compile();
  writeFileSync(`${RESULT}.${process.pid}`, JSON.stringify(result));
  renameSync(`${RESULT}.${process.pid}`, RESULT);
  return result;
}

/** A module of the program standing for an example or a fence, and how to place its problems. */
interface Generated {
  readonly text: string;
  readonly area: "examples" | "snippets";
  /** The problem line for a diagnostic at `line` (0-based) of the module. */
  readonly where: (line: number) => string;
}

async function compile(): Promise<Compiled> {
  const started = Date.now();
  // Taken before anything is read: a change made while compiling makes the result stale, not wrong.
  const inputs = inputsDigest();
  // TypeScript and the extractors are loaded only when there is something to compile (about a second).
  const ts = (await import("typescript")).default;
  const { examplesOfComponents, sourceProgram } = await import("../api/surface.js");
  const { fencesOf } = await import("../docs/snippets.js");
  const fixtures = await import("./fixtures.js");

  const entry = join(ROOT, "components", "index.ts");
  const examples: Example[] = [...examplesOfComponents(sourceProgram(entry), entry, ROOT), fixtures.EXAMPLE_FIXTURE];
  const snippets: Snippet[] = [
    ...pages().flatMap((page) => fencesOf(page, readFileSync(join(ROOT, page), "utf8")).snippets),
    ...fencesOf(fixtures.MARKDOWN_FIXTURE_FILE, fixtures.MARKDOWN_FIXTURE).snippets,
  ];

  const generated = new Map<string, Generated>();
  examples.forEach((e, i) => {
    generated.set(join(GENERATED, "examples", `${i}-${e.name.replace(/\W+/g, "-")}.ts`), {
      text: `${e.text}\nexport {};\n`,
      area: "examples",
      where: (line) => `${e.source}:${e.line + line}: ${e.name} @example`,
    });
  });
  for (const s of snippets) {
    // A directory per page: a fence named by its info string (```ts file=nas-config.ts) is
    // importable by the page's other fences as `./nas-config`.
    generated.set(join(GENERATED, "docs", s.file.replace(/[\\/]/g, "-"), s.name ?? `L${s.line}.ts`), {
      text: `${s.code}export {};\n`,
      area: "snippets",
      where: (line) => `${s.file}:${s.line + 1 + line}`,
    });
  }
  rmSync(GENERATED, { recursive: true, force: true });
  for (const [path, g] of generated) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, g.text);
  }

  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error("tsconfig.json could not be read");
  // `tsc --noEmit -p .`'s options, plus the package's names for the examples and the fences (the
  // project's own files import none of them: checked below).
  const options: TypeScript.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    paths: { ...PATHS } as TypeScript.MapLike<string[]>,
  };
  // Incremental, its build info kept beside the result: after an edit, only the files it affects
  // are checked again (a tree that did not change at all is the kept result, not compiled).
  const builder = ts.createIncrementalProgram({
    rootNames: [...parsed.fileNames, ...generated.keys()],
    options: { ...options, incremental: true, tsBuildInfoFile: join(CACHE, "program.tsbuildinfo") },
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
  });
  const program = builder.getProgram();

  const roots = new Set(parsed.fileNames);
  const own = (file: TypeScript.SourceFile) => roots.has(file.fileName);
  const declarations = options.declaration === true || options.composite === true;
  const diagnostics = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program
      .getSourceFiles()
      .flatMap((file) => [...builder.getSyntacticDiagnostics(file), ...builder.getSemanticDiagnostics(file)]),
  ];
  // tsc --noEmit reports these too when the project emits declarations.
  if (declarations)
    for (const file of program.getSourceFiles().filter(own)) diagnostics.push(...builder.getDeclarationDiagnostics(file));
  // With noEmit, writes the build info only.
  builder.emit();

  const problems = { project: [] as string[], examples: [] as string[], snippets: [] as string[] };
  for (const d of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    const g = d.file && generated.get(d.file.fileName);
    if (d.file && g && d.start !== undefined) {
      problems[g.area].push(`${g.where(d.file.getLineAndCharacterOfPosition(d.start).line)}: ${message}`);
    } else if (d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      problems.project.push(`${relative(ROOT, d.file.fileName)}(${line + 1},${character + 1}): error TS${d.code}: ${message}`);
    } else {
      problems.project.push(`error TS${d.code}: ${message}`);
    }
  }
  // The mapped names must not reach the project's own files: there they would resolve to the
  // sources, where `tsc -p .` resolves the package itself (package.json's exports, dist/).
  for (const file of program.getSourceFiles().filter(own)) {
    for (const imported of ts.preProcessFile(file.text, true, true).importedFiles) {
      if (imported.fileName === "homelab" || imported.fileName.startsWith("homelab/")) {
        problems.project.push(
          `${relative(ROOT, file.fileName)}: imports "${imported.fileName}", which this program maps onto the sources (tsc -p . resolves the package)`,
        );
      }
    }
  }

  const read = new Map(
    program
      .getSourceFiles()
      .filter((file) => !generated.has(file.fileName))
      .map((file) => [relative(ROOT, file.fileName), file.text] as const),
  );
  const files = [...read.keys()].sort();
  return {
    inputs,
    files,
    digest: filesDigest(read),
    // Each stat taken before the file is read again: a change after that changes the stat.
    stats: files.map((file) => {
      const stat = statSync(join(ROOT, file));
      return textOf(join(ROOT, file)) === read.get(file) ? [stat.size, stat.mtimeMs] : null;
    }),
    roots: parsed.fileNames.map((f) => relative(ROOT, f)).sort(),
    examples: examples.map((e) => e.name),
    snippets: snippets.map((s) => `${s.file}:${s.line}`),
    problems,
    ms: Date.now() - started,
  };
}

/** Takes the lock (false when a live process holds it); a dead holder's lock is taken over. */
export function lock(): boolean {
  mkdirSync(CACHE, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    // Written aside, then linked into place: the lock never exists without its holder's pid.
    const mine = `${LOCK}.${process.pid}`;
    writeFileSync(mine, `${process.pid}\n`);
    try {
      linkSync(mine, LOCK);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(mine);
    }
    if (lockHolder() !== undefined) return false;
    rmSync(LOCK, { force: true });
  }
  return false;
}

/** Releases the lock this process holds. */
export function unlock(): void {
  if (lockHolder() === process.pid) unlinkSync(LOCK);
}

/** The live process holding the lock, if any. */
export function lockHolder(): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(LOCK, "utf8").trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM" ? pid : undefined;
  }
}
