import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadConfig, readPulumiConfig, type Loaded, type RawConfig } from "../config/loader";
import { parseStackName } from "../lib/stacks";
import type { Program, ProgramResult } from "./program";
// Types only: a program's config module is loaded when a stack's config is read (`config`), its
// program module when the stack runs (`load`).
import type * as authentikConfig from "../config/authentik";
import type * as cloudflareConfig from "../config/cloudflare";
import type * as hetznerConfig from "../config/hetzner";
import type * as platformConfig from "../config/platform";
import type * as servicesConfig from "../config/services";
import type * as talosConfig from "../config/talos";
import type * as authentik from "./authentik";
import type * as cloudflare from "./cloudflare";
import type * as hetzner from "./hetzner";
import type * as platform from "./platform";
import type * as services from "./services";
import type * as talos from "./talos";

export type { Program, ProgramResult, RunContext } from "./program";

/**
 * The module `specifier` (a `.ts` file, relative to this one), loaded now. The specifier is
 * not a literal, so TypeScript does not take it for an ECMAScript import (which would need a `.js`
 * file) and Vite does not try to list the files it could name; the offline plan and Pulumi's entry
 * load it as a require through the project's .ts hook (cli/compile-ts.cjs), the tests through
 * vitest's own import. The caller names the module's type, and a test checks each name loads it.
 */
async function loadModule<Module>(specifier: string): Promise<Module> {
  return (await import(/* @vite-ignore */ specifier)) as Module;
}

// Programs are typed by their own config; the registry only needs "some config".
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyProgram = Program<any>;

/**
 * Every program, by the stack-name prefix that selects it. A program's config spec is loaded when a
 * stack's config is read, its code (and the provider SDKs it imports) when the stack runs, after its
 * config passed: one stack's run loads nothing of the other programs (docs/performance.md).
 */
export const programs: Readonly<Record<string, AnyProgram>> = {
  talos: {
    name: "talos",
    description: "Proxmox VMs running Talos, bootstrapped into a Kubernetes cluster",
    config: async () => (await loadModule<typeof talosConfig>("../config/talos.ts")).talosConfigSpec,
    load: async () => (await loadModule<typeof talos>("./talos.ts")).run,
  } satisfies Program<talosConfig.TalosConfig>,
  platform: {
    name: "platform",
    description: "Cilium, cert-manager, the shared Gateway and Argo CD on the talos stack's cluster",
    config: async () => (await loadModule<typeof platformConfig>("../config/platform.ts")).platformConfigSpec,
    load: async () => (await loadModule<typeof platform>("./platform.ts")).run,
  } satisfies Program<platformConfig.PlatformConfig>,
  hetzner: {
    name: "hetzner",
    description: "The edge VPS on Hetzner Cloud: firewall, server, and Traefik, NetBird and Authentik in compose",
    config: async () => (await loadModule<typeof hetznerConfig>("../config/hetzner.ts")).hetznerConfigSpec,
    load: async () => (await loadModule<typeof hetzner>("./hetzner.ts")).run,
  } satisfies Program<hetznerConfig.HetznerConfig>,
  authentik: {
    name: "authentik",
    description: "Single sign-on on the edge's Authentik: GitHub login, forward auth for Traefik, OIDC apps, a service account",
    config: async () => (await loadModule<typeof authentikConfig>("../config/authentik.ts")).authentikConfigSpec,
    load: async () => (await loadModule<typeof authentik>("./authentik.ts")).run,
  } satisfies Program<authentikConfig.AuthentikConfig>,
  cloudflare: {
    name: "cloudflare",
    description: "Cloudflare DNS: the lab's wildcard to the shared Gateway, the edge's names to the VPS",
    config: async () => (await loadModule<typeof cloudflareConfig>("../config/cloudflare.ts")).cloudflareConfigSpec,
    load: async () => (await loadModule<typeof cloudflare>("./cloudflare.ts")).run,
  } satisfies Program<cloudflareConfig.CloudflareConfig>,
  services: {
    name: "services",
    description: "The public services of services/: DNS, the edge's Traefik route and Authentik SSO for each",
    config: async () => (await loadModule<typeof servicesConfig>("../config/services.ts")).servicesConfigSpec,
    load: async () => (await loadModule<typeof services>("./services.ts")).run,
  } satisfies Program<servicesConfig.ServicesConfig>,
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
  const loaded: Loaded<unknown> = loadConfig(stackName, await program.config(), raw);
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
