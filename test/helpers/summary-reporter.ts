import type { Reporter, TestModule } from "vitest/node";

/** Ends every run with `N passed, N failed`, the line CI reads. A file that fails to load counts as failed. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[], errors: readonly unknown[]): void {
    let passed = 0;
    let failed = errors.length;
    for (const module of modules) {
      let tests = 0;
      for (const test of module.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
      }
      if (tests === 0 && module.state() === "failed") failed++;
    }
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
  }
}
