// Pulumi entry point: the stack name selects the program (see stacks/index.ts). Nothing else here.
import { main } from "./stacks";

export = main();
