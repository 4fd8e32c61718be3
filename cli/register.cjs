// Runs the project's TypeScript sources under node (CommonJS), after loading @pulumi/pulumi.
// Used by `npm run plan` (and check, schemas, bench) and by Pulumi itself (cli/main.cjs, Pulumi.yaml's `main`).
//
// Only .ts files pass through this hook, compiled once and cached (cli/compile-ts.cjs); tsx's
// CommonJS hook read every .js file a run loads (the providers' SDKs, zod, yaml: hundreds) to look
// for ESM syntax, which cost about a fifth of a plan's run time (docs/performance.md).
"use strict";
require("@pulumi/pulumi");
const { readFileSync } = require("node:fs");
const { compiled } = require("./compile-ts.cjs");

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  module._compile(compiled(readFileSync(filename, "utf8"), filename), filename);
};
// Stack traces name the TypeScript lines (the cached files carry their source maps), as under tsx;
// except in the offline plan, which reports errors by message and keeps no stack frames while a
// program runs: there node would only parse every module's map as it loads (cli/plan.ts).
if (!/(^|[\\/])cli[\\/]plan\.ts$/.test(process.argv[1] ?? "")) process.setSourceMapsEnabled(true);
