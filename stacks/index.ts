import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadConfig, readPulumiConfig, type Loaded, type RawConfig } from "../config/loader";
import { authentikConfigSpec, type AuthentikConfig } from "../config/authentik";
import { cloudflareConfigSpec, type CloudflareConfig } from "../config/cloudflare";
import { hetznerConfigSpec, type HetznerConfig } from "../config/hetzner";
import { platformConfigSpec, type PlatformConfig } from "../config/platform";
import { servicesConfigSpec, type ServicesConfig } from "../config/services";
import { talosConfigSpec, type TalosConfig } from "../config/talos";
import { parseStackName } from "../lib/stacks";
import type { Program, ProgramResult } from "./program";
// Types only: each program's module is loaded when a stack runs it (`load`).
import type * as authentik from "./authentik";
import type * as cloudflare from "./cloudflare";
import type * as hetzner from "./hetzner";
import type * as platform from "./platform";
import type * as services from "./services";
import type * as talos from "./talos";

export type { Program, ProgramResult, RunContext } from "./program";

/**
 * The `run` of the program module `stacks/<name>.ts`, loaded now. The specifier is not a literal, so
 * TypeScript does not take it for an ECMAScript import (which would need a `.js` file) and Vite does
 * not try to list the files it could name; the offline plan and Pulumi's entry run it as a require
 * through the project's .ts hook (cli/compile-ts.cjs), the tests through vitest's own import. The
 * caller names the module's type (`typeof talos`), and a test checks each name loads its module.
 */
async function load<Module extends { run: unknown }>(name: string): Promise<Module["run"]> {
  return ((await import(/* @vite-ignore */ `./${name}.ts`)) as Module).run;
}

// Programs are typed by their own config; the registry only needs "some config".
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyProgram = Program<any>;

/**
 * Every program, by the stack-name prefix that selects it. A program's code (and the provider SDKs
 * it imports) is loaded when a stack runs it, after its config passed: one stack's run does not
 * load the other programs (docs/performance.md).
 */
export const programs: Readonly<Record<string, AnyProgram>> = {
  talos: {
    name: "talos",
    description: "Proxmox VMs running Talos, bootstrapped into a Kubernetes cluster",
    config: talosConfigSpec,
    load: () => load<typeof talos>("talos"),
  } satisfies Program<TalosConfig>,
  platform: {
    name: "platform",
    description: "Cilium, cert-manager, the shared Gateway and Argo CD on the talos stack's cluster",
    config: platformConfigSpec,
    load: () => load<typeof platform>("platform"),
  } satisfies Program<PlatformConfig>,
  hetzner: {
    name: "hetzner",
    description: "The edge VPS on Hetzner Cloud: firewall, server, and Traefik, NetBird and Authentik in compose",
    config: hetznerConfigSpec,
    load: () => load<typeof hetzner>("hetzner"),
  } satisfies Program<HetznerConfig>,
  authentik: {
    name: "authentik",
    description: "Single sign-on on the edge's Authentik: GitHub login, forward auth for Traefik, OIDC apps, a service account",
    config: authentikConfigSpec,
    load: () => load<typeof authentik>("authentik"),
  } satisfies Program<AuthentikConfig>,
  cloudflare: {
    name: "cloudflare",
    description: "Cloudflare DNS: the lab's wildcard to the shared Gateway, the edge's names to the VPS",
    config: cloudflareConfigSpec,
    load: () => load<typeof cloudflare>("cloudflare"),
  } satisfies Program<CloudflareConfig>,
  services: {
    name: "services",
    description: "The public services of services/: DNS, the edge's Traefik route and Authentik SSO for each",
    config: servicesConfigSpec,
    load: () => load<typeof services>("services"),
  } satisfies Program<ServicesConfig>,
};

/** Thrown for a stack name no program answers to. */
export class UnknownStackError extends Error {
  constructor(readonly stackName: string) {
    super(
      `stack "${stackName}" selects no program: name stacks <program> or <program>-<env> (e.g. talos, talos-dev); programs: ${Object.keys(programs).join(", ")}`,
    );
    this.name = "UnknownStackError";
  }
}

/** `talos` → talos; `talos-dev` → talos (environment `dev`); anything else throws. */
export function programFor(stackName: string): { program: AnyProgram; environment?: string } {
  const parsed = parseStackName(stackName);
  const program = parsed ? programs[parsed.program] : undefined;
  if (!parsed || !program) throw new UnknownStackError(stackName);
  return parsed.environment === undefined ? { program } : { program, environment: parsed.environment };
}

/** What running a stack gives: the program's result and the config warnings. */
export interface StackRun extends ProgramResult {
  readonly program: string;
  readonly warnings: readonly string[];
}

/**
 * Validates the stack's config, then loads and runs its program. Rejects with
 * {@link UnknownStackError} or {@link ConfigError} before any resource exists (or the program is loaded).
 */
export async function runStack(stackName: string, raw: RawConfig = readPulumiConfig()): Promise<StackRun> {
  const { program } = programFor(stackName);
  const loaded: Loaded<unknown> = loadConfig(stackName, program.config, raw);
  const run = await program.load();
  return { program: program.name, warnings: loaded.warnings, ...run(loaded.config, { stack: stackName }) };
}

/**
 * The Pulumi entry point: runs the stack Pulumi selected and resolves to its outputs. A bad stack
 * name or config ends the run with the list of problems and no stack trace (a RunError).
 */
export async function main(stackName: string = pulumi.getStack()): Promise<Record<string, pulumi.Input<unknown>>> {
  let result: StackRun;
  try {
    result = await runStack(stackName);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UnknownStackError) throw new pulumi.RunError(error.message);
    throw error;
  }
  for (const warning of result.warnings) void pulumi.log.warn(warning);
  return result.outputs;
}
