import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as zod from "zod";
import { describe, expect, test } from "vitest";
import * as fields from "../../config/fields";
import * as loader from "../../config/loader";
import * as net from "../../lib/net";
import * as testing from "../../testing";
import { parse, read, ROOT } from "./markdown";

/**
 * docs/config-loader.md's example, run: its program's spec (the `nas-config.ts` fence, as written,
 * on this repository's modules), on its stack file (the `Pulumi.nas.yaml` fence), gives exactly the
 * error and the warning the page shows.
 */

const fences = parse(read("docs/config-loader.md")).fences;
const fence = (file: string) => {
  const found = fences.filter((f) => f.info.split(/\s+/).includes(`file=${file}`));
  expect(found, file).toHaveLength(1);
  return found[0]!.code;
};
/** The ```text fences: the error, then the warning. */
const outputs = () => fences.filter((f) => f.info === "text").map((f) => f.code.trimEnd());

/** The modules the example imports, as the package names them. */
const MODULES: Record<string, unknown> = {
  "@pulumi/pulumi": pulumi,
  zod,
  "homelab/config/fields": fields,
  "homelab/config/loader": loader,
  "homelab/lib/net": net,
};

const CACHE = join(ROOT, "node_modules", ".cache", "homelab-docs", "transpiled");

/** The example's module as CommonJS, transpiled once per text (loading TypeScript takes about a second). */
async function transpiled(code: string): Promise<string> {
  const file = join(CACHE, `${createHash("sha256").update(code).digest("hex")}.js`);
  if (existsSync(file)) return readFileSync(file, "utf8");
  const ts = (await import("typescript")).default;
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, js);
  return js;
}

/** Runs the example's module (TypeScript, transpiled to CommonJS) and returns its exports. */
async function load(code: string): Promise<Record<string, unknown>> {
  const js = await transpiled(code);
  const require = (id: string) => {
    if (!(id in MODULES)) throw new Error(`the example imports ${id}, which this test does not provide`);
    return MODULES[id];
  };
  const module = { exports: {} as Record<string, unknown> };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the example's own code, run as the page shows it
  new Function("require", "exports", "module", js)(require, module.exports, module);
  return module.exports;
}

describe("docs/config-loader.md", () => {
  test("the example's stack file fails with exactly the error the page shows: every problem at once", async () => {
    const { loadNasConfig } = (await load(fence("nas-config.ts"))) as { loadNasConfig: () => unknown };
    const run = testing.register(() => loadNasConfig(), { stack: "nas", ...testing.stackConfig(fence("Pulumi.nas.yaml")) });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(loader.ConfigError);
    expect((error as Error).message).toBe(outputs()[0]);
  });

  test("with its mistakes fixed, it loads, and the plain-text token is a secret with the warning the page shows", async () => {
    const { nasSpec } = (await load(fence("nas-config.ts"))) as {
      nasSpec: loader.ConfigSpec<Record<string, zod.ZodType>, unknown>;
    };
    let yaml = fence("Pulumi.nas.yaml");
    for (const [mistake, fix] of [
      ["homelab:domain: Lab.example.net", "homelab:domain: lab.example.net"],
      ["address: 10.20.1.40", "address: 10.20.0.40"],
      ["shares: []", "shares: [media, backups]"],
      ["    snapshot: daily\n", ""],
    ] as const) {
      expect(yaml).toContain(mistake);
      yaml = yaml.replace(mistake, fix);
    }
    const stack = testing.stackConfig(yaml);
    const { config, warnings } = loader.loadConfig(
      "nas",
      nasSpec,
      loader.rawConfigFromPulumi(stack.config, (k) => stack.secretKeys.includes(k)),
    );
    expect(warnings.join("\n")).toBe(outputs()[1]);
    const { apiToken, ...rest } = config as { apiToken: pulumi.Output<string> };
    expect(rest).toEqual({
      hostname: "tank.lab.example.net",
      address: "10.20.0.40",
      gateway: "10.20.0.1",
      shares: ["media", "backups"],
    });
    expect(await testing.valueOf(apiToken)).toEqual({ value: "s3cr3t", secret: true, known: true });
  });
});
