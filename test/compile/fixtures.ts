import type { Example } from "../api/surface";

/**
 * Code that must not compile, checked in the project's one TypeScript program beside the real code
 * (test/compile/program.ts): each area's check is shown to fail, at the right line.
 */

/** A Markdown page with a wrong ts fence, a skip-check fence and a fence of another language. */
export const MARKDOWN_FIXTURE = [
  "# A fixture",
  "",
  "```ts",
  'import { CiliumInstall } from "homelab";',
  'const n: number = "ten";',
  'new CiliumInstall("cilium", { loadBalancerPool: [{ cidr: "10.0.0.224/28" }] }, { provider: undefined });',
  "```",
  "",
  "```ts skip-check: a fixture of the marker",
  "this is not TypeScript",
  "```",
  "```sh",
  "npm test",
  "```",
].join("\n");

/** The fixture page's name in messages. */
export const MARKDOWN_FIXTURE_FILE = "fixture.md";

/** A component's `@example` with a type error on its second line (line 11 of its pretend file). */
export const EXAMPLE_FIXTURE: Example = {
  name: "Fixture",
  source: "fixture.ts",
  line: 10,
  text: ['import { GatewayApiCrds } from "homelab";', 'new GatewayApiCrds("crds", { version: 1 });'].join("\n"),
};
