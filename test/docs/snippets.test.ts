import { describe, expect, test } from "vitest";
import { MARKDOWN_FIXTURE, MARKDOWN_FIXTURE_FILE } from "../compile/fixtures";
import { compiled } from "../compile/program";
import { docSnippets, fencesOf } from "./snippets";

describe("the code of README.md and docs/", () => {
  const { snippets, skipped } = docSnippets();

  // A page with a fence that must not compile, checked in the same program as the docs' own: the check can fail.
  const fixture = fencesOf(MARKDOWN_FIXTURE_FILE, MARKDOWN_FIXTURE);

  test("the fences are found: TypeScript ones checked, skip-check ones listed with their reason, others left alone", () => {
    expect(fixture.snippets).toEqual([
      {
        file: "fixture.md",
        line: 3,
        code: [
          'import { CiliumInstall } from "homelab";',
          'const n: number = "ten";',
          'new CiliumInstall("cilium", { loadBalancerPool: [{ cidr: "10.0.0.224/28" }] }, { provider: undefined });',
          "",
        ].join("\n"),
      },
    ]);
    expect(fixture.skipped).toEqual([{ file: "fixture.md", line: 9, reason: "a fixture of the marker" }]);
    // The pages with code: each has its fences found (a parser that found none would pass everything).
    const pages = new Set(snippets.map((s) => s.file));
    expect([...pages].sort()).toEqual(expect.arrayContaining(["docs/components.md", "docs/config-loader.md", "docs/library.md"]));
  });

  test("every fence skipped says why", () => {
    expect(skipped.filter((s) => s.reason === "")).toEqual([]);
  });

  test(
    "every ts fence type-checks under tsc --strict against the sources (and a wrong one is caught, at its Markdown line)",
    { timeout: 120_000 },
    async () => {
      const result = await compiled();
      // Every fence is a module of the project's one TypeScript program (test/compile/program.ts).
      expect(result.snippets).toEqual([...snippets, ...fixture.snippets].map((s) => `${s.file}:${s.line}`));
      expect(result.problems.snippets.filter((p) => p.startsWith("fixture.md:"))).toEqual([
        "fixture.md:5: Type 'string' is not assignable to type 'number'.",
      ]);
      expect(result.problems.snippets.filter((p) => !p.startsWith("fixture.md:"))).toEqual([]);
    },
  );
});
