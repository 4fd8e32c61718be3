import { existsSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { describe, expect, test } from "vitest";
import { anchors, docFiles, links, parse, read, ROOT } from "./markdown";

/** What a relative link of `file` points at that does not exist: `file:line: target (why)`. */
function broken(file: string, text = read(file)): string[] {
  const problems: string[] = [];
  for (const { target, line } of links(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, ...: not this repository's
    const [path = "", anchor] = target.split("#", 2) as [string, string | undefined];
    const to = normalize(join(dirname(file), decodeURIComponent(path)));
    const where = `${file}:${line}: ${target}`;
    if (path === "") {
      if (anchor !== undefined && !anchors(text).has(anchor)) problems.push(`${where} (no heading of ${file} has this anchor)`);
      continue;
    }
    if (to.startsWith("..")) problems.push(`${where} (outside the repository)`);
    else if (!existsSync(join(ROOT, to))) problems.push(`${where} (no such file)`);
    else if (anchor !== undefined) {
      if (statSync(join(ROOT, to)).isDirectory() || !to.endsWith(".md"))
        problems.push(`${where} (an anchor into a file that is not Markdown)`);
      else if (!anchors(read(to)).has(anchor)) problems.push(`${where} (no heading of ${to} has this anchor)`);
    }
  }
  return problems;
}

describe("the README and docs/", () => {
  const files = docFiles();

  test("the parser: anchors as GitHub makes them, links that wrap, code that is not a link", () => {
    const text = [
      "# The edge (`hetzner`)",
      "## Certificates and client addresses",
      "## Configuration",
      "```ts",
      "// [not](a-link.md)",
      "## not a heading",
      "```",
      "## Configuration",
      "see [the two",
      "lines](b.md#x) and `[code](c.md)` and ![img](d.png)",
    ].join("\n");
    expect([...anchors(text)]).toEqual([
      "the-edge-hetzner",
      "certificates-and-client-addresses",
      "configuration",
      "configuration-1",
    ]);
    expect(links(text)).toEqual([
      { target: "b.md#x", line: 9 },
      { target: "d.png", line: 10 },
    ]);
    expect(parse(text).fences).toEqual([{ info: "ts", code: "// [not](a-link.md)\n## not a heading\n", line: 4 }]);
  });

  test("README.md and docs/ are all here: the README leads, each topic has its file", () => {
    expect(files).toEqual(expect.arrayContaining(["README.md", "docs/plan.md", "docs/stacks/talos.md", "docs/library.md"]));
    expect(read("README.md").split("\n").length).toBeLessThan(150);
  });

  test("every relative link resolves: the file exists and, with an anchor, a heading has it", () => {
    expect(files.flatMap((f) => broken(f))).toEqual([]);
  });

  test("a broken link is caught: a missing file, a missing anchor, an anchor into code, a path out of the repository", () => {
    const text = [
      "[ok](stacks/talos.md#configuration) [ok](#top) [web](https://example.net/x.md)",
      "[a](nope.md) [b](stacks/talos.md#nope) [c](../../etc/passwd) [d](../package.json#name)",
      "# Top",
    ].join("\n");
    expect(broken("docs/x.md", text)).toEqual([
      "docs/x.md:2: nope.md (no such file)",
      "docs/x.md:2: stacks/talos.md#nope (no heading of docs/stacks/talos.md has this anchor)",
      "docs/x.md:2: ../../etc/passwd (outside the repository)",
      "docs/x.md:2: ../package.json#name (an anchor into a file that is not Markdown)",
    ]);
  });

  test("the library's README (shipped in the package) links to nothing the package lacks: no relative links", () => {
    expect(links(read("docs/library.md")).filter((l) => !/^https:\/\//.test(l.target))).toEqual([]);
  });
});
