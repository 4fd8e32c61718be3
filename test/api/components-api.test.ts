import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as ts from "typescript";
import { describe, expect, test } from "vitest";
import {
  apiProblems,
  componentsOf,
  exampleErrors,
  exampleOptions,
  examplesOfComponents,
  examplesProgram,
  sourceProgram,
  type Example,
} from "./surface";

/**
 * The package's root entry as a caller meets it (issue 19): every component documented field by
 * field, every type its public fields use importable from "homelab", and every component's
 * `@example` compiling under `tsc --strict` against the repository's sources and the real SDKs.
 */

const ROOT = join(__dirname, "..", "..");
const ENTRY = join(ROOT, "components", "index.ts");

let sources: ts.Program | undefined;
/** The repository's own sources from the root entry (built once for both tests, ~1 s). */
function program(): ts.Program {
  return (sources ??= sourceProgram(ENTRY));
}

describe("the root entry (components/index.ts)", () => {
  test("every Args field documented, every type a public field uses exported, an @example per component", () => {
    expect(componentsOf(program(), ENTRY).map((c) => c.name)).toEqual([
      "ArgoCDInstall",
      "CertManager",
      "CiliumInstall",
      "ClusterAddons",
      "EdgeServer",
      "ForwardAuth",
      "Gateway",
      "GatewayApiCrds",
      "GitHubLogin",
      "NetBirdPeer",
      "OidcApp",
      "ProxmoxCluster",
      "PublicService",
      "ServiceAccount",
      "TalosBootstrap",
    ]);
    expect(apiProblems(program(), ENTRY, ROOT)).toEqual([]);
  });

  /**
   * One program for every example (~10 s here: the SDKs' declarations are most of it), so its
   * result is kept in node_modules/.cache with a digest of everything it read: the examples, every
   * source and declaration file of the program, the compiler options and version, and the lock
   * file. An unchanged digest is the same compilation, which passed; any change compiles again.
   */
  test("every component's @example compiles (tsc --strict, `homelab` mapped to the sources)", { timeout: 120_000 }, () => {
    const examples = examplesOfComponents(program(), ENTRY, ROOT);
    expect(examples.map((e) => e.name)).toHaveLength(15);
    const options = exampleOptions(ROOT);
    const cached = readCache();
    if (cached && digest(cached.files, examples, options) === cached.digest) return;

    const { program: compiled, files } = examplesProgram(examples, join(ROOT, "test", "api", ".examples"), options);
    expect(exampleErrors(compiled, files)).toEqual([]);
    const read = compiled
      .getSourceFiles()
      .map((f) => f.fileName)
      .filter((f) => !files.has(f))
      .sort();
    const value = digest(read, examples, options);
    if (value) writeCache({ files: read, digest: value });
  });
});

const CACHE = join(ROOT, "node_modules", ".cache", "homelab-examples.json");
interface Cache {
  readonly files: readonly string[];
  readonly digest: string;
}

function readCache(): Cache | undefined {
  try {
    return JSON.parse(readFileSync(CACHE, "utf8")) as Cache;
  } catch {
    return undefined;
  }
}

function writeCache(cache: Cache): void {
  mkdirSync(dirname(CACHE), { recursive: true });
  writeFileSync(`${CACHE}.tmp`, JSON.stringify(cache));
  renameSync(`${CACHE}.tmp`, CACHE);
}

/** A digest of what the examples' compilation depends on; `undefined` when a file is gone. */
function digest(files: readonly string[], examples: readonly Example[], options: ts.CompilerOptions): string | undefined {
  const hash = createHash("sha256").update(ts.version).update(JSON.stringify(options)).update(JSON.stringify(examples));
  for (const file of [...files, join(ROOT, "package-lock.json"), join(ROOT, "tsconfig.json")]) {
    if (!existsSync(file)) return undefined;
    hash.update(`${file}\0`).update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

describe("the checks themselves", () => {
  const dir = join(ROOT, "test", "api", ".fixture");
  const files = {
    [join(dir, "index.ts")]: 'export { Thing, type ThingArgs } from "./thing";\n',
    [join(dir, "thing.ts")]: `
import * as pulumi from "@pulumi/pulumi";
/** Not exported from the entry. */
export interface Hidden {
  /** Documented. */
  a: string;
  b: number;
}
interface Inner {
  x: string;
}
export interface ThingArgs {
  /** The size, in GiB. */
  size: pulumi.Input<number>;
  /** @default 1 */
  count?: number;
  hidden: readonly Hidden[];
  nested: {
    /** Documented. */
    ok: string;
    bad: string;
  };
}
/** A thing. */
export class Thing extends pulumi.ComponentResource {
  public readonly inner: pulumi.Output<Inner>;
  private readonly mine: Inner;
  constructor(name: string, args: ThingArgs) {
    super("x:y:Thing", name, {});
    this.mine = { x: String(args.size) };
    this.inner = pulumi.output(this.mine);
  }
}
`,
  };

  test("report an undocumented field at any depth (a lone @default is none), an unexported type, a missing @example", () => {
    const fixture = sourceProgram(join(dir, "index.ts"), files);
    expect(apiProblems(fixture, join(dir, "index.ts"), dir)).toEqual([
      "thing.ts: Hidden (used by ThingArgs.hidden) is not exported from the root entry",
      "thing.ts: Hidden.b: no doc comment",
      "thing.ts: Inner (used by Thing.inner) is not exported from the root entry",
      "thing.ts: Thing: no @example",
      "thing.ts: ThingArgs.count: no doc comment",
      "thing.ts: ThingArgs.hidden: no doc comment",
      "thing.ts: ThingArgs.nested.bad: no doc comment",
      "thing.ts: ThingArgs.nested: no doc comment",
    ]);
  });
});
