import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { afterAll, expect, test } from "vitest";
import { CACHE, cachePath, compiled } from "../../cli/compile-ts.cjs";

// The project's .ts hook compiles through this module (cli/register.cjs); tested in this process,
// not by starting node for each case (each start loads @pulumi/pulumi: a second here). The plan
// test starts the real command once (test/cli/plan.test.ts, "the real command exits 2").

const work = mkdtempSync(join(tmpdir(), "homelab-register-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The cache's compiled copies of this test's program (other runs may add theirs meanwhile). */
const cached = () =>
  existsSync(CACHE)
    ? readdirSync(CACHE)
        .filter((f) => f.endsWith(".js") && readFileSync(join(CACHE, f), "utf8").includes(work))
        .sort()
    : [];
/** Runs compiled CommonJS text as a module and returns what it logged. */
function run(code: string): string[] {
  const logged: string[] = [];
  const module = { exports: {} };
  const console = { log: (...values: unknown[]) => logged.push(values.join(" ")) };
  runInNewContext(code, { module, exports: module.exports, console });
  return logged;
}

test("cli/register.cjs's compiler: TypeScript compiled once into the cache, and again when the source changes (never a stale copy)", () => {
  const file = join(work, "program.ts");
  // The program names this test's directory, so its compiled copies are found by their text.
  const program = (word: string) =>
    `const here = ${JSON.stringify(work)};\nconst greeting: string = "${word}";\nconsole.log(greeting, here.length > 0);\n`;
  expect(cached()).toEqual([]);
  const one = compiled(program("one"), file);
  expect(run(one)).toEqual(["one true"]);
  expect(one).not.toContain(": string");
  expect(cached()).toEqual([cachePath(program("one"), file).slice(CACHE.length + 1)]);

  // The second time, the kept copy is what is returned (a copy marked here shows it was read, not compiled again).
  const kept = cachePath(program("one"), file);
  writeFileSync(kept, `${one}console.log("from the cache");\n`);
  expect(run(compiled(program("one"), file))).toEqual(["one true", "from the cache"]);

  // A changed source is a new entry, compiled from the new text; the same text at another path too.
  expect(run(compiled(program("two"), file))).toEqual(["two true"]);
  expect(run(compiled(program("one"), join(work, "other.ts")))).toEqual(["one true"]);
  expect(cached()).toHaveLength(3);
});

test("`await import()` of a .ts module becomes a require through the hook (Node's own import() cannot load .ts)", () => {
  const code = compiled(`export async function load() { return (await import("./elsewhere")).value; }\n`, join(work, "lazy.ts"));
  expect(code).not.toMatch(/\bimport\(/);
  expect(code).toMatch(/require\("\.\/elsewhere"\)/);
});
