/**
 * Stack names. A stack is named after the program it runs, optionally with an environment suffix:
 * `talos`, `talos-dev`, `platform-lab2`. A StackReference may also be fully qualified
 * (`org/project/talos-dev`); its last segment is the stack name.
 */

/** The parts of a stack name: the program and, when suffixed, the environment. */
export interface StackName {
  readonly program: string;
  readonly environment?: string;
}

const STACK_NAME = /^([a-z][a-z0-9]*)(?:-([a-z0-9][a-z0-9-]*))?$/;

/** `talos-dev` → `{program: "talos", environment: "dev"}`; `undefined` for a name not in that form. */
export function parseStackName(name: string): StackName | undefined {
  const match = STACK_NAME.exec(name);
  if (!match) return undefined;
  return match[2] === undefined ? { program: match[1]! } : { program: match[1]!, environment: match[2] };
}

/** The stack name of a StackReference: `org/project/talos-dev` → `talos-dev`; `talos` → `talos`. */
export function referencedStack(reference: string): string {
  return reference.slice(reference.lastIndexOf("/") + 1);
}

/** The stack of `program` in the same environment as `stack`: (`platform-dev`, talos) → `talos-dev`. */
export function siblingStack(stack: string, program: string): string {
  const environment = parseStackName(stack)?.environment;
  return environment === undefined ? program : `${program}-${environment}`;
}
