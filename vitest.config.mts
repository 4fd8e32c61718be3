import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file gets its own process: Pulumi's runtime (mocks, config, root stack) is global state.
    pool: "forks",
    testTimeout: 20_000,
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
