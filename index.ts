// Pulumi entry point: the stack name selects the program (see stacks/index.ts). Nothing else here.
// A function: Pulumi calls it and awaits its outputs at once, so a bad stack name or config is one
// clean error (a promise exported already running would be rejected before Pulumi's handler is on).
import { main } from "./stacks";

export = () => main();
