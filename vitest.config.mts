import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Test files share a worker's module cache (importing @pulumi/pulumi once per worker instead of
    // once per file halves the run). That is safe because Pulumi's global runtime state is reset by
    // every mock run (testing/mock-runtime.ts: fresh mocks and config, RPCs drained on the way out).
    pool: "forks",
    isolate: false,
    // Two worker processes (this machine's cores), each with its own Pulumi runtime: without these
    // settings a non-isolated run takes one worker, and the files run one after another.
    fileParallelism: true,
    maxWorkers: 2,
    // A larger young generation for the workers: Pulumi's runtime keeps every Output's promises
    // alive until a run ends, so each scavenge mostly copies survivors; with fewer of them the
    // suite spends about a seventh less CPU time (32 MB semi-spaces; V8's default is 16).
    // No optimising compiler (TurboFan) in the workers: most of the tests' code runs a few times,
    // and compiling it, on the other core, cost more than it saved: about a tenth less CPU time
    // (interleaved runs: 41.5-42.4 s of CPU against 37.2-38.5 s for the scenario files, 21.2-21.8 s
    // against 18.4-20.0 s for the in-process ones). The processes the tests start keep V8's defaults.
    execArgv: ["--max-semi-space-size=32", "--no-opt"],
    testTimeout: 20_000,
    // Vite's transforms of the project's TypeScript kept on disk between runs
    // (node_modules/.experimental-vitest-cache, keyed by each file's content): a run after the
    // first transforms only what changed (about 4 s of the run's CPU time before, 1 s after).
    experimental: { fsModuleCache: true },
    setupFiles: ["./test/helpers/setup.ts"],
    // Starts the project's one TypeScript compilation (tsc, the components' examples, the docs'
    // fences) as the run begins, beside the workers (test/compile/global-setup.ts).
    globalSetup: ["./test/compile/global-setup.ts"],
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
  },
});
