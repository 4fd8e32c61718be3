import { readFileSync } from "node:fs";
import { join } from "node:path";
import type * as ts from "typescript";
import { describe, expect, test } from "vitest";
import { compiled } from "../compile/program";
import { EXAMPLE_FIXTURE } from "../compile/fixtures";
import { apiProblems, componentsOf, examplesOfComponents, sourceProgram } from "./surface";

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
   * The examples are modules of the project's one TypeScript program (test/compile/program.ts),
   * with a fixture that must not compile: a wrong example is caught, at its line in the source.
   */
  test("every component's @example compiles (tsc --strict, `homelab` mapped to the sources)", { timeout: 120_000 }, async () => {
    const examples = examplesOfComponents(program(), ENTRY, ROOT);
    expect(examples.map((e) => e.name)).toHaveLength(15);
    // Each example's line is the one its text starts on in the source.
    for (const e of examples) {
      const line = readFileSync(join(ROOT, e.source), "utf8").split("\n")[e.line - 1];
      expect({ example: e.name, line: line?.replace(/^\s*\* ?/, "") }).toEqual({ example: e.name, line: e.text.split("\n")[0] });
    }

    const result = await compiled();
    expect(result.examples).toEqual([...examples.map((e) => e.name), EXAMPLE_FIXTURE.name]);
    const isFixture = (p: string) => p.startsWith(`${EXAMPLE_FIXTURE.source}:`);
    expect(result.problems.examples.filter(isFixture)).toEqual([
      "fixture.ts:11: Fixture @example: Type 'number' is not assignable to type 'string'.",
    ]);
    expect(result.problems.examples.filter((p) => !isFixture(p))).toEqual([]);
  });
});

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
