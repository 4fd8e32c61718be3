import { expect, test } from "vitest";
import { compiled } from "./compile/program";

/**
 * The whole project type-checks as `tsc --noEmit -p .` checks it (strict, against the real provider
 * SDKs), as one test: it runs beside the others instead of before them, and a type error fails the
 * run like any test. The program is the one the components' examples and the docs' fences are
 * compiled in (test/compile/program.ts: the SDKs' declarations read once), and its result is kept
 * for an unchanged tree.
 */
test("the project type-checks (tsc --noEmit -p ., strict)", { timeout: 120_000 }, async () => {
  const { roots, problems } = await compiled();
  // tsconfig.json's files, this one included (a program of nothing would have nothing to report).
  expect(roots).toEqual(
    expect.arrayContaining(["index.ts", "components/index.ts", "test/typecheck.test.ts", "vitest.config.mts"]),
  );
  expect(problems.project).toEqual([]);
});
