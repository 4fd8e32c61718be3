import type * as pulumi from "@pulumi/pulumi";
import type { ConfigSpec } from "../config/loader";

/** What a program's `run` returns. */
export interface ProgramResult {
  /** Stack outputs (secrets stay wrapped as secret Outputs). */
  readonly outputs: Record<string, pulumi.Input<unknown>>;
  /**
   * Documents the program renders, by file name (`cp1.talos.yaml`): the very values passed to the
   * resources and invokes that consume them. Only the offline plan writes them out.
   */
  readonly artifacts: Record<string, pulumi.Input<string>>;
}

/** What a program knows about the stack it runs as. */
export interface RunContext {
  /** The stack name (`platform-dev`): other stacks of the same environment are found from it. */
  readonly stack: string;
}

/** What turns a program's validated config into resources. */
export type ProgramRun<Config> = (config: Config, context: RunContext) => ProgramResult;

/** A program: its config spec, and the function that turns validated config into resources (loaded when a stack runs it). */
export interface Program<Config> {
  readonly name: string;
  /** One line for `--help` and error messages. */
  readonly description: string;
  /** The program's config spec, its module loaded on the first call. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  config(): Promise<ConfigSpec<any, Config, any>>;
  /** The program's `run`, its module (and the provider SDKs that imports) loaded on the first call. */
  load(): Promise<ProgramRun<Config>>;
}
