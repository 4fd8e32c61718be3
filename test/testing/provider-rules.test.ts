import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parsePath } from "../../testing/paths";
import { PROVIDER_RULES, rulesFor } from "../../testing/provider-rules";
import { plan } from "../scenarios/harness";

/**
 * The provider rules cover every type the six programs register (the example stacks, and the
 * variants that register more kinds), each entry names its source, and every input a rule names
 * is an input of that type in its SDK (a transcription check: a misspelt path would never match).
 */

const ROOT = join(__dirname, "..", "..");

/** Where a type's SDK declares its inputs (`<Class>Args`), or undefined where paths are not SDK inputs. */
function argsFile(type: string): string | undefined {
  const [pkg, module = "", name = ""] = type.split(":");
  const file = module.split("/")[1];
  if (pkg === "pulumi" && module === "providers") {
    const where: Record<string, string> = {
      proxmoxve: "@muhlba91/pulumi-proxmoxve",
      talos: "@pulumiverse/talos",
      authentik: "@pulumi/authentik",
    };
    return `node_modules/${where[name] ?? `@pulumi/${name}`}/${name === "talos" || name === "authentik" ? "bin/" : ""}provider.d.ts`;
  }
  if (type === "kubernetes:helm.sh/v3:Release") return "node_modules/@pulumi/kubernetes/helm/v3/release.d.ts";
  switch (pkg) {
    case "proxmoxve":
      return `node_modules/@muhlba91/pulumi-proxmoxve/${module.startsWith("download") ? "download/" : ""}${file}.d.ts`;
    case "hcloud":
    case "cloudflare":
    case "tls":
      return `node_modules/@pulumi/${pkg}/${file}.d.ts`;
    case "talos":
      return `sdks/talos/src/${module.split("/")[0]!.toLowerCase()}/${file}.ts`;
    case "authentik":
      return `sdks/authentik/src/${file}.ts`;
    case "command":
      return `node_modules/@pulumi/command/${module}/${name.charAt(0).toLowerCase()}${name.slice(1)}.d.ts`;
    default:
      return undefined; // Kubernetes objects (paths into the object), Pulumi's own, components
  }
}

/** The top-level input names of `<Class>Args` in a declaration file. */
function argsKeys(file: string, className: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const start = text.indexOf(`export interface ${className}Args {`);
  if (start < 0) throw new Error(`${file}: no ${className}Args`);
  const body = text.slice(start, text.indexOf("\n}", start));
  // Members are at the first member's indentation (2 in this repo's sources, 4 in published d.ts).
  const indent = /\n( +)(?:readonly )?\w+\??:/.exec(body)?.[1] ?? "";
  return [...body.matchAll(new RegExp(`^${indent}(?:readonly )?(\\w+)\\??:`, "gm"))].map((m) => m[1]!);
}

describe("provider rules", () => {
  test("every type the programs register has rules, with a source", async () => {
    const types = new Set<string>();
    // Pulumi's runtime is one per process: the plans run one after another.
    for (const run of [
      ...["talos", "platform", "hetzner", "authentik", "cloudflare", "services"].map((stack) => () => plan(stack)),
      // The self-managing Argo CD Application.
      () => plan("platform", (c) => (c["homelab:argocd"].selfManage = { path: "bootstrap/argocd" })),
    ]) {
      for (const r of (await run()).run.resources) types.add(r.type);
    }
    expect([...types].filter((t) => rulesFor(t) === undefined)).toEqual([]);
    expect(types).toContain("kubernetes:argoproj.io/v1alpha1:Application");
    for (const [type, rules] of Object.entries(PROVIDER_RULES)) expect(rules.source, type).toMatch(/\S{8}/);
  });

  test("every input a rule names is an input of its type", () => {
    const checked: string[] = [];
    for (const [type, rules] of Object.entries(PROVIDER_RULES)) {
      const file = argsFile(type);
      if (file === undefined || type.endsWith("*")) continue;
      expect(existsSync(join(ROOT, file)), `${type}: ${file}`).toBe(true);
      const className = type.startsWith("pulumi:providers:") ? "Provider" : type.split(":")[2]!;
      const keys = argsKeys(file, className);
      const paths = [
        ...(rules.replaceOn ?? []).map((r) => (typeof r === "string" ? r : r.path)),
        ...Object.keys(rules.updateEffects ?? {}),
        ...(rules.idFrom ?? []),
        ...(rules.deleteRefusedWhen ? [rules.deleteRefusedWhen.path] : []),
        ...(rules.providerConfig?.replaceOn ?? []),
        ...(rules.providerConfig?.mayReplaceOn ?? []),
      ];
      for (const path of paths) {
        expect(keys, `${type}: ${path}`).toContain(parsePath(path)[0]);
        checked.push(`${type} ${path}`);
      }
    }
    expect(checked.length).toBeGreaterThan(40);
  });
});
