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
import * as authentik from "./authentik";
import * as cloudflare from "./cloudflare";
import * as hetzner from "./hetzner";
import * as platform from "./platform";
import * as services from "./services";
import * as talos from "./talos";

export type { Program, ProgramResult, RunContext } from "./program";

// Programs are typed by their own config; the registry only needs "some config".
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyProgram = Program<any>;

/** Every program, by the stack-name prefix that selects it. */
export const programs: Readonly<Record<string, AnyProgram>> = {
  talos: {
    name: "talos",
    description: "Proxmox VMs running Talos, bootstrapped into a Kubernetes cluster",
    config: talosConfigSpec,
    run: talos.run,
  } satisfies Program<TalosConfig>,
  platform: {
    name: "platform",
    description: "Cilium, cert-manager, the shared Gateway and Argo CD on the talos stack's cluster",
    config: platformConfigSpec,
    run: platform.run,
  } satisfies Program<PlatformConfig>,
  hetzner: {
    name: "hetzner",
    description: "The edge VPS on Hetzner Cloud: firewall, server, and Traefik, NetBird and Authentik in compose",
    config: hetznerConfigSpec,
    run: hetzner.run,
  } satisfies Program<HetznerConfig>,
  authentik: {
    name: "authentik",
    description: "Single sign-on on the edge's Authentik: GitHub login, forward auth for Traefik, OIDC apps, a service account",
    config: authentikConfigSpec,
    run: authentik.run,
  } satisfies Program<AuthentikConfig>,
  cloudflare: {
    name: "cloudflare",
    description: "Cloudflare DNS: the lab's wildcard to the shared Gateway, the edge's names to the VPS",
    config: cloudflareConfigSpec,
    run: cloudflare.run,
  } satisfies Program<CloudflareConfig>,
  services: {
    name: "services",
    description: "The public services of services/: DNS, the edge's Traefik route and Authentik SSO for each",
    config: servicesConfigSpec,
    run: services.run,
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
 * Validates the stack's config and runs its program. Throws {@link UnknownStackError} or
 * {@link ConfigError} before any resource exists.
 */
export function runStack(stackName: string, raw: RawConfig = readPulumiConfig()): StackRun {
  const { program } = programFor(stackName);
  const loaded: Loaded<unknown> = loadConfig(stackName, program.config, raw);
  return { program: program.name, warnings: loaded.warnings, ...program.run(loaded.config, { stack: stackName }) };
}

/**
 * The Pulumi entry point: runs the stack Pulumi selected and returns its outputs. A bad stack
 * name or config ends the run with the list of problems and no stack trace.
 */
export function main(stackName: string = pulumi.getStack()): Record<string, pulumi.Input<unknown>> {
  let result: StackRun;
  try {
    result = runStack(stackName);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UnknownStackError) throw new pulumi.RunError(error.message);
    throw error;
  }
  for (const warning of result.warnings) void pulumi.log.warn(warning);
  return result.outputs;
}
