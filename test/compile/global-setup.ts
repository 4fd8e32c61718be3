import { spawn } from "node:child_process";
import { once } from "node:events";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { CACHE, fresh, ROOT } from "./program";

/** The test files that read the compilation's result. */
const READERS = ["test/typecheck.test.ts", "test/api/components-api.test.ts", "test/docs/snippets.test.ts"];

/**
 * Starts the project's one TypeScript compilation (test/compile/program.ts) in a process of its own
 * as the run begins, when the run has a test that reads it and the kept result no longer holds: the
 * compilation (the longest piece of work of the run) then overlaps the test files instead of
 * waiting for its turn in a worker. The tests that read it wait for it; were it to fail, the first
 * of them compiles in its own process (and shows why).
 */
export default function setup(project: TestProject): (() => Promise<void>) | undefined {
  // The run's file filters (`vitest run test/api`): a file runs when its path contains one.
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const read = (filter: string) => {
    const path = filter.replace(/:\d+$/, "");
    return READERS.some((file) => join(ROOT, file).includes(path) || file.includes(relative(ROOT, resolve(ROOT, path))));
  };
  if (filters?.length && !filters.some(read)) return undefined;
  if (fresh()) return undefined;

  mkdirSync(CACHE, { recursive: true });
  const log = openSync(join(CACHE, "compile.log"), "w");
  // The workers' young-generation size too (vitest.config.mts): ~5% less CPU for the compile here (2+2 runs, near the noise).
  const flags = ["--enable-source-maps", "--max-semi-space-size=32"];
  // The project's own .ts hook (cli/register.cjs: only .ts files compiled, and cached), so
  // TypeScript's own 9 MB of JavaScript loads as it is.
  const child = spawn(process.execPath, [...flags, "--require", join(ROOT, "cli", "register.cjs"), join(__dirname, "child.ts")], {
    cwd: ROOT,
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  return async () => {
    // Still compiling at the end: no test of this run wanted it.
    if (child.exitCode === null && child.signalCode === null) {
      child.kill();
      await once(child, "exit");
    }
  };
}
