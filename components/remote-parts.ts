import * as pulumi from "@pulumi/pulumi";
import { Command } from "@pulumi/command/remote/command";
import type * as inputs from "@pulumi/command/types/input";
import { shellQuote } from "../lib/edge";
import { FORMER_TRIGGERS } from "./command-parts";

/**
 * The resource-making parts the edge components share: a file kept on a host over SSH with
 * @pulumi/command. Not a component itself; it is created with the calling component as parent.
 */

/** How to reach a host over SSH (the command provider keeps it secret). */
export type SshConnection = inputs.remote.ConnectionArgs;

/** A file on a host. */
export interface RemoteFileArgs {
  readonly connection: pulumi.Input<SshConnection>;
  /** Absolute path on the host. */
  readonly path: pulumi.Input<string>;
  /** The file's text; a secret Output stays secret (stdin is never logged). */
  readonly content: pulumi.Input<string>;
  /** Octal mode. Secrets get 0600. */
  readonly mode: "0600" | "0640" | "0644";
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Remote commands take no previous output in their environment: over SSH it would be set through
 * sshd's AcceptEnv, which refuses these names (a warning on every run), and no script here reads it.
 */
export const NO_PREVIOUS_OUTPUT = { addPreviousOutputInEnv: false } as const;

/** The script that writes stdin to `path` atomically (temporary file, mode set, then rename). */
export function writeFileScript(path: string, mode: string): string {
  const target = shellQuote(path);
  return [
    "set -eu",
    "umask 077",
    `mkdir -p "$(dirname ${target})"`,
    `tmp=${target}.tmp.$$`,
    `cat > "$tmp"`,
    `chmod ${mode} "$tmp"`,
    `mv -f "$tmp" ${target}`,
  ].join("\n");
}

/**
 * A file kept on a host: written from stdin on create, rewritten in place when its content changes
 * (a changed stdin is an update, which runs the same atomic write), removed on delete. No
 * `triggers`: @pulumi/command replaces a command whose trigger changes, and the old one's delete
 * (`rm -f`) would then run after the new one wrote the file.
 */
export function remoteFile(parent: pulumi.Resource, name: string, args: RemoteFileArgs): Command {
  const path = pulumi.output(args.path);
  const write = path.apply((p) => writeFileScript(p, args.mode));
  return new Command(
    name,
    {
      connection: args.connection,
      create: write,
      update: write,
      delete: path.apply((p) => `rm -f ${shellQuote(p)}`),
      stdin: args.content,
      // Nothing is printed, but keep stdout and stderr out of the state regardless.
      logging: "none",
      ...NO_PREVIOUS_OUTPUT,
    },
    { parent, dependsOn: args.dependsOn, ignoreChanges: [FORMER_TRIGGERS] },
  );
}
