import * as pulumi from "@pulumi/pulumi";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, test, vi } from "vitest";
import { compiled } from "../../cli/compile-ts.cjs";
import { main, programFor, programs, UnknownStackError } from "../../stacks";

const ROOT = join(__dirname, "..", "..");

/** The project's files `file` loads when it runs (its requires once compiled: type-only imports go), and theirs. */
function loads(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file) || !file.endsWith(".ts")) return seen;
  seen.add(file);
  for (const [, specifier] of compiled(readFileSync(file, "utf8"), file).matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
    const base = join(dirname(file), specifier!);
    const found = [base, `${base}.ts`, join(base, "index.ts")].find((f) => f.endsWith(".ts") && existsSync(f));
    if (found !== undefined) loads(found, seen);
  }
  return seen;
}

describe("programFor", () => {
  test.each([
    ["talos", "talos", undefined],
    ["talos-dev", "talos", "dev"],
    ["talos-lab2-east", "talos", "lab2-east"],
    ["platform", "platform", undefined],
    ["platform-dev", "platform", "dev"],
  ])("%s → program %s, environment %s", (stack, program, environment) => {
    const found = programFor(stack);
    expect(found.program.name).toBe(program);
    expect(found.environment).toBe(environment);
  });

  test.each(["edge", "Talos", "talos_dev", "talos-", "-talos", "dev"])("%s selects no program", (stack) => {
    expect(() => programFor(stack)).toThrow(new UnknownStackError(stack));
    expect(() => programFor(stack)).toThrow(
      `stack "${stack}" selects no program: name stacks <program> or <program>-<env> (e.g. talos, talos-dev); programs: talos, platform, hetzner, authentik, cloudflare, services`,
    );
  });

  test.each(Object.keys(programs))(
    "the %s program's config spec and code are its own modules', loaded when asked",
    async (name) => {
      expect(await programs[name]!.load()).toBe(
        ((await import(/* @vite-ignore */ `../../stacks/${name}.ts`)) as { run: unknown }).run,
      );
      expect(await programs[name]!.config()).toBe(
        ((await import(/* @vite-ignore */ `../../config/${name}.ts`)) as Record<string, unknown>)[`${name}ConfigSpec`],
      );
    },
  );

  test("no program's code or config spec loads another program's, so one stack's run loads nothing of the other five", () => {
    // What is followed: the files a program's own files load, and theirs.
    expect([...loads(join(ROOT, "stacks", "talos.ts"))].map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining(["components/proxmox-cluster.ts", "components/talos-bootstrap.ts", "components/command-parts.ts"]),
    );
    const own = (name: string) => [`stacks/${name}.ts`, `config/${name}.ts`];
    for (const name of Object.keys(programs)) {
      const loaded = new Set<string>();
      for (const file of own(name)) loads(join(ROOT, file), loaded);
      const files = [...loaded].map((f) => relative(ROOT, f));
      expect(files).toEqual(expect.arrayContaining(own(name)));
      const others = Object.keys(programs)
        .filter((p) => p !== name)
        .flatMap(own);
      expect(files.filter((f) => others.includes(f) || f === "stacks/index.ts")).toEqual([]);
    }
  });

  test("the registry lists each program under its own name", () => {
    expect(Object.entries(programs).map(([key, p]) => [key, p.name])).toEqual([
      ["talos", "talos"],
      ["platform", "platform"],
      ["hetzner", "hetzner"],
      ["authentik", "authentik"],
      ["cloudflare", "cloudflare"],
      ["services", "services"],
    ]);
  });
});

describe("main (the Pulumi entry point)", () => {
  afterEach(() => {
    pulumi.runtime.setAllConfig({});
    vi.restoreAllMocks(); // the spy on a program's load, even when its test failed
  });

  test("an unknown stack ends the run cleanly, naming the programs", async () => {
    await expect(main("edge")).rejects.toThrow(pulumi.RunError);
    await expect(main("edge")).rejects.toThrow("programs: talos, platform, hetzner, authentik, cloudflare, services");
  });

  test("bad config ends the run cleanly, listing every problem, before the program's code is loaded", async () => {
    pulumi.runtime.setAllConfig({ "homelab:cluster": '{"name":"Lab"}', "homelab:extra": "1" });
    const load = vi.spyOn(programs.talos!, "load");
    const error: unknown = await main("talos").catch((e: unknown) => e);
    expect(load).not.toHaveBeenCalled();
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      [
        "invalid configuration for stack talos (7 problems):",
        "  homelab:extra: unknown key (known keys: domain, proxmox, cluster, network, image, vm, nodes)",
        "  homelab:proxmox: is required",
        "  homelab:cluster.name: must be a DNS label (lowercase letters, digits and '-', at most 63, starting and ending alphanumeric), got \"Lab\"",
        "  homelab:cluster.talosVersion: is required",
        "  homelab:network: is required",
        "  homelab:image: is required",
        "  homelab:nodes: is required",
      ].join("\n"),
    );
  });
});

test("Pulumi's entry (cli/main.cjs) loads the TypeScript program from whatever directory node starts in", async () => {
  const entry = join(__dirname, "..", "..", "cli", "main.cjs");
  // Pulumi calls the exported function (its cmd/run), as here.
  const run = promisify(execFile)(process.execPath, ["-e", `require(${JSON.stringify(entry)})()`], {
    cwd: tmpdir(),
    env: { ...process.env, PULUMI_NODEJS_STACK: "edge" },
  });
  // Outside the engine the program gets as far as choosing a program for the stack name.
  await expect(run).rejects.toMatchObject({ stderr: expect.stringContaining('stack "edge" selects no program') });
});
