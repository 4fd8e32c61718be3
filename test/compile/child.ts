import { compileAndKeep } from "./compiler";
import { fresh, lock, unlock } from "./program";

/**
 * The compilation on its own, in a process of its own: the test run's global setup starts it at the
 * beginning of the run (test/compile/global-setup.ts), beside the test workers, so that the tests
 * that read its result seldom wait. Nothing to do when the kept result holds, or when another
 * process is compiling.
 */
if (!fresh() && lock()) {
  try {
    if (!fresh()) compileAndKeep();
  } finally {
    unlock();
  }
}
