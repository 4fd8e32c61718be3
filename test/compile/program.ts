import { createHash } from "node:crypto";
import { linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync, type Stats } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

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
/** The kept result. */
export const RESULT = join(CACHE, "result.json");
const LOCK = join(CACHE, "lock");

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
        // TypeScript is loaded only when there is something to compile.
        return fresh() ?? (await import("./compiler.js")).compileAndKeep();
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
export function textOf(path: string): string {
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
export function pages(): string[] {
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
export function inputsDigest(): string {
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
export function filesDigest(files: ReadonlyMap<string, string>): string {
  const hash = createHash("sha256");
  for (const [file, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    hash.update(`${file}\0${text}\0`);
  }
  return hash.digest("hex");
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

/** A compilation takes well under a minute: a lock older than this is a dead holder's (its pid reused). */
const LOCK_MAX_AGE_MS = 10 * 60_000;

/** The live process holding the lock, if any. */
export function lockHolder(): number | undefined {
  let pid: number;
  try {
    if (Date.now() - statSync(LOCK).mtimeMs > LOCK_MAX_AGE_MS) return undefined;
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
