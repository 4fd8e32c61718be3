import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** The repository's root. */
export const ROOT = join(__dirname, "..", "..");

/** README.md and every Markdown file under docs/, as paths relative to the root, sorted. */
export function docFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : [],
    );
  return ["README.md", ...walk("docs")].sort();
}

/** A fenced code block: its info string (`ts skip-check`), its text, and the line its fence opens on (1-based). */
export interface Fence {
  info: string;
  code: string;
  line: number;
}

/** The lines of a Markdown text outside fenced code blocks (each `null` inside one), and the fences. */
export function parse(text: string): { prose: (string | null)[]; fences: Fence[] } {
  const prose: (string | null)[] = [];
  const fences: Fence[] = [];
  let open: { marker: string; indent: number; fence: Fence; lines: string[] } | undefined;
  text.split("\n").forEach((line, i) => {
    const m = /^( *)(`{3,}|~{3,})(.*)$/.exec(line);
    if (open === undefined) {
      if (m) {
        open = { marker: m[2]!, indent: m[1]!.length, fence: { info: m[3]!.trim(), code: "", line: i + 1 }, lines: [] };
        prose.push(null);
      } else prose.push(line);
      return;
    }
    prose.push(null);
    if (m && m[2]!.startsWith(open.marker) && m[3]!.trim() === "") {
      open.fence.code = open.lines.join("\n") + "\n";
      fences.push(open.fence);
      open = undefined;
    } else open.lines.push(line.slice(Math.min(open.indent, /^ */.exec(line)![0].length)));
  });
  return { prose, fences };
}

/**
 * The anchors GitHub gives a file's headings: the heading's text lowercased, inline markup and
 * punctuation dropped (letters, digits, `-`, `_` and spaces stay), spaces made `-`; a repeated one
 * gets `-1`, `-2`, ...
 */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of parse(text).prose) {
    const m = line === null ? null : /^#{1,6} +(.*?) *#* *$/.exec(line);
    if (!m) continue;
    const plain = m[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/<[^>]+>/g, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(plain) ?? 0;
    seen.set(plain, n + 1);
    out.add(n === 0 ? plain : `${plain}-${n}`);
  }
  return out;
}

/** A link of a Markdown file: its target as written and the line it is on (1-based). */
export interface Link {
  target: string;
  line: number;
}

/** Every inline link and image of a file's prose (code spans and fenced blocks are not prose); a link's text may wrap. */
export function links(text: string): Link[] {
  const prose = parse(text)
    .prose.map((line) => line ?? "")
    .join("\n")
    .replace(/(`+)[^`]*?\1/g, (span) => span.replace(/[^\n]/g, "c"));
  return [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => ({
    target: m[1]!,
    line: prose.slice(0, m.index).split("\n").length,
  }));
}

/** `file` relative to the root, for messages. */
export const rel = (file: string) => relative(ROOT, join(ROOT, file));

/** A file's text. */
export const read = (file: string) => readFileSync(join(ROOT, file), "utf8");
