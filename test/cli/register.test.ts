import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runInNewContext } from "node:vm";
import { afterAll, expect, test } from "vitest";
import { CACHE, cachePath, compiled } from "../../cli/compile-ts.cjs";

// The project's .ts hook compiles through this module (cli/register.cjs); tested in this process,
// not by starting node for each case (each start loads @pulumi/pulumi: a second here). The plan
// test starts the real command once (test/cli/plan.test.ts, "the real command exits 2").

const work = mkdtempSync(join(tmpdir(), "homelab-register-"));
// The cache's directories of the files compiled here go too, whether or not the tests passed.
afterAll(() => {
  for (const file of ["program.ts", "other.ts", "lazy.ts"])
    rmSync(dirname(cachePath("", join(work, file))), { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** The cache's compiled copies of `file` (each source path has a directory of its own). */
const cached = (file: string) => {
  const dir = dirname(cachePath("", file));
  return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
};
/** Runs compiled CommonJS text as a module and returns what it logged. */
function run(code: string): string[] {
  const logged: string[] = [];
  const module = { exports: {} };
  const console = { log: (...values: unknown[]) => logged.push(values.join(" ")) };
  runInNewContext(code, { module, exports: module.exports, console });
  return logged;
}

test("cli/register.cjs's compiler: TypeScript compiled once into the cache, and again when the source changes (never a stale copy, and only the last one kept)", () => {
  const file = join(work, "program.ts");
  const other = join(work, "other.ts");
  const program = (word: string) => `const greeting: string = "${word}";\nconsole.log(greeting);\n`;
  expect(cached(file)).toEqual([]);
  const one = compiled(program("one"), file);
  expect(run(one)).toEqual(["one"]);
  expect(one).not.toContain(": string");
  const kept = cachePath(program("one"), file);
  expect(kept.startsWith(`${CACHE}/`)).toBe(true);
  expect(cached(file)).toEqual([kept]);

  // The second time, the kept copy is what is returned (a copy marked here shows it was read, not compiled again).
  writeFileSync(kept, `${one}console.log("from the cache");\n`);
  expect(run(compiled(program("one"), file))).toEqual(["one", "from the cache"]);

  // A changed source is a new entry, compiled from the new text, and the copy of the old text goes;
  // the same text at another path is an entry of that path.
  expect(run(compiled(program("two"), file))).toEqual(["two"]);
  expect(cached(file)).toEqual([cachePath(program("two"), file)]);
  expect(run(compiled(program("one"), other))).toEqual(["one"]);
  expect(cached(other)).toEqual([cachePath(program("one"), other)]);
  expect(cached(file)).toEqual([cachePath(program("two"), file)]);
});

test("`await import()` of a .ts module becomes a require through the hook (Node's own import() cannot load .ts)", () => {
  const code = compiled(`export async function load() { return (await import("./elsewhere")).value; }\n`, join(work, "lazy.ts"));
  expect(code).not.toMatch(/\bimport\(/);
  expect(code).toMatch(/require\("\.\/elsewhere"\)/);
});
