import { compileAndKeep, fresh, lock, unlock } from "./program";

/**
 * The compilation on its own, in a process of its own: the test run's global setup starts it at the
 * beginning of the run (test/compile/global-setup.ts), beside the test workers, so that the tests
 * that read its result seldom wait. Nothing to do when the kept result holds, or when another
 * process is compiling.
 */
async function main(): Promise<void> {
  if (fresh() || !lock()) return;
  try {
    if (!fresh()) await compileAndKeep();
  } finally {
    unlock();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
