// Runs the TypeScript sources through tsx, after loading @pulumi/pulumi plainly. tsx's CommonJS
// hook reads every .js file it loads to look for ESM syntax; through it the hundreds of files of
// Pulumi's SDK (gRPC, protobuf) load about twice as slowly. Modules already loaded skip the hook.
// Used by `npm run plan` and by Pulumi itself (cli/main.cjs, Pulumi.yaml's `main`).
require("@pulumi/pulumi");
require("tsx/cjs");
