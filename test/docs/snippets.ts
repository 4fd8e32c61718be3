import { docFiles, parse, read } from "./markdown";

/**
 * The TypeScript fences of README.md and docs/, each to be type-checked as a module of its own, the
 * way a reader would paste it into a project that installed the library: `tsc --strict` with this
 * repo's compiler options and the package's entries mapped onto the sources. They are compiled in
 * the project's one TypeScript program (test/compile/program.ts), beside the sources and the
 * components' examples.
 */

/**
 * A fence to check: where it is (file, line of its opening fence), its code, and the file name its
 * info string gives it (```ts file=nas-config.ts), which the other snippets of the same document
 * may import (`./nas-config`).
 */
export interface Snippet {
  file: string;
  line: number;
  code: string;
  name?: string;
}

/** A fence left out, with the reason its info string gives (```ts skip-check: <reason>). */
export interface Skipped {
  file: string;
  line: number;
  reason: string;
}

const TS_FENCE = /^(ts|typescript)(\s|$)/;
const SKIP = /^skip-check(?::\s*(.*))?$/;

/** The TypeScript fences of `text` (named `file`): those to check and those marked skip-check. */
export function fencesOf(file: string, text: string): { snippets: Snippet[]; skipped: Skipped[] } {
  const snippets: Snippet[] = [];
  const skipped: Skipped[] = [];
  for (const fence of parse(text).fences) {
    if (!TS_FENCE.test(fence.info)) continue;
    const rest = fence.info.replace(TS_FENCE, "").trim();
    const skip = SKIP.exec(rest);
    const name = /(?:^|\s)file=(\S+\.ts)(?:\s|$)/.exec(rest)?.[1];
    if (skip) skipped.push({ file, line: fence.line, reason: (skip[1] ?? "").trim() });
    else snippets.push({ file, line: fence.line, code: fence.code, ...(name === undefined ? {} : { name }) });
  }
  return { snippets, skipped };
}

/** Every fence of README.md and docs/. */
export function docSnippets(): { snippets: Snippet[]; skipped: Skipped[] } {
  const all = docFiles().map((f) => fencesOf(f, read(f)));
  return { snippets: all.flatMap((a) => a.snippets), skipped: all.flatMap((a) => a.skipped) };
}
