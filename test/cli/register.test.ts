import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";

const ROOT = join(__dirname, "..", "..");
const CACHE = join(ROOT, "node_modules", ".cache", "homelab-ts");
const work = mkdtempSync(join(tmpdir(), "homelab-register-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `file` the way `npm run plan` runs the CLI: node with the project's .ts hook. */
const run = (file: string) =>
  execFileSync(process.execPath, ["--require", join(ROOT, "cli", "register.cjs"), file], { encoding: "utf8" });
/** The cache's compiled copies of this test's program (other runs may add theirs meanwhile). */
const cached = () =>
  existsSync(CACHE)
    ? readdirSync(CACHE).filter((f) => f.endsWith(".js") && readFileSync(join(CACHE, f), "utf8").includes(work))
    : [];

test("cli/register.cjs: TypeScript compiled once into the cache, and again when the source changes (never a stale copy)", () => {
  const file = join(work, "program.ts");
  // The program names this test's directory, so its compiled copies are found by their text.
  const program = (word: string) =>
    `const here = ${JSON.stringify(work)};\nconst greeting: string = "${word}";\nconsole.log(greeting, here.length > 0);\n`;
  writeFileSync(file, program("one"));
  expect(cached()).toEqual([]);
  expect(run(file)).toBe("one true\n");
  const first = cached();
  expect(first).toHaveLength(1);
  expect(run(file)).toBe("one true\n");
  expect(cached()).toEqual(first);
  writeFileSync(file, program("two"));
  expect(run(file)).toBe("two true\n");
  expect(cached()).toHaveLength(2);
});
