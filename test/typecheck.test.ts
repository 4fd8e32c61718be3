import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect, test } from "vitest";

const ROOT = join(__dirname, "..");

/**
 * `tsc --noEmit` of the whole project (strict, against the real provider SDKs), as one test: it
 * runs beside the others instead of before them, and a type error fails the run like any test.
 * Incremental, with its build info in node_modules/.cache, so an unchanged tree is checked fast.
 */
test("the project type-checks (tsc --noEmit, strict)", { timeout: 120_000 }, async () => {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const args = [
    "--noEmit",
    "-p",
    ".",
    "--incremental",
    "--tsBuildInfoFile",
    join("node_modules", ".cache", "typecheck.tsbuildinfo"),
  ];
  const result = await promisify(execFile)(process.execPath, [tsc, ...args], { cwd: ROOT }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
  );
  expect(result).toEqual({ code: 0, stdout: "" });
});
