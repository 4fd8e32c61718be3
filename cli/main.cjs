// The Pulumi entry (Pulumi.yaml `main`). It loads the TypeScript program (index.ts) through the
// project's .ts hook (register.cjs), by paths relative to this file, so it runs whatever directory
// Pulumi starts node in, and hands Pulumi what index.ts exports: a function, which Pulumi calls and
// whose stack outputs it awaits.
require("./register.cjs");
module.exports = require("../index.ts");
