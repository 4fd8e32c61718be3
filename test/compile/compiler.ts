import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import * as ts from "typescript";
import { examplesOfComponents, sourceProgram, type Example } from "../api/surface";
import { fencesOf, type Snippet } from "../docs/snippets";
import { EXAMPLE_FIXTURE, MARKDOWN_FIXTURE, MARKDOWN_FIXTURE_FILE } from "./fixtures";
import { CACHE, filesDigest, inputsDigest, pages, PATHS, RESULT, ROOT, textOf, type Compiled } from "./program";

/**
 * The compilation whose result test/compile/program.ts keeps: the one TypeScript program of the
 * project, its components' examples and its docs' fences, and each area's problems. Loaded only
 * when the kept result no longer holds.
 */

/** Where the examples and the fences are written, as modules (node_modules/.cache/homelab-compile/src). */
const GENERATED = join(CACHE, "src");

/** Compiles the program, keeps the result (atomically) and returns it. Call with the lock held. */
export function compileAndKeep(): Compiled {
  const result = compile();
  writeFileSync(`${RESULT}.${process.pid}`, JSON.stringify(result));
  renameSync(`${RESULT}.${process.pid}`, RESULT);
  return result;
}

/** A module of the program standing for an example or a fence, and how to place its problems. */
interface Generated {
  readonly text: string;
  readonly area: "examples" | "snippets";
  /** The problem line for a diagnostic at `line` (0-based) of the module. */
  readonly where: (line: number) => string;
}

function compile(): Compiled {
  const started = Date.now();
  // Taken before anything is read: a change made while compiling makes the result stale, not wrong.
  const inputs = inputsDigest();
  const entry = join(ROOT, "components", "index.ts");
  const examples: Example[] = [...examplesOfComponents(sourceProgram(entry), entry, ROOT), EXAMPLE_FIXTURE];
  const snippets: Snippet[] = [
    ...pages().flatMap((page) => fencesOf(page, readFileSync(join(ROOT, page), "utf8")).snippets),
    ...fencesOf(MARKDOWN_FIXTURE_FILE, MARKDOWN_FIXTURE).snippets,
  ];

  const generated = new Map<string, Generated>();
  for (const e of examples) {
    generated.set(join(GENERATED, "examples", `${e.name.replace(/\W+/g, "-")}.ts`), {
      text: `${e.text}\nexport {};\n`,
      area: "examples",
      where: (line) => `${e.source}:${e.line + line}: ${e.name} @example`,
    });
  }
  for (const s of snippets) {
    // A directory per page: a fence named by its info string (```ts file=nas-config.ts) is
    // importable by the page's other fences as `./nas-config`.
    generated.set(join(GENERATED, "docs", s.file.replace(/[\\/]/g, "-"), s.name ?? `L${s.line}.ts`), {
      text: `${s.code}export {};\n`,
      area: "snippets",
      where: (line) => `${s.file}:${s.line + 1 + line}`,
    });
  }
  rmSync(GENERATED, { recursive: true, force: true });
  for (const [path, g] of generated) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, g.text);
  }

  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (!parsed) throw new Error("tsconfig.json could not be read");
  // `tsc --noEmit -p .`'s options, plus the package's names for the examples and the fences (the
  // project's own files import none of them: checked below).
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    paths: { ...PATHS } as ts.MapLike<string[]>,
  };
  // Incremental, its build info kept beside the result: after an edit, only the files it affects
  // are checked again (a tree that did not change at all is the kept result, not compiled).
  const builder = ts.createIncrementalProgram({
    rootNames: [...parsed.fileNames, ...generated.keys()],
    options: { ...options, incremental: true, tsBuildInfoFile: join(CACHE, "program.tsbuildinfo") },
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
  });
  const program = builder.getProgram();

  const roots = new Set(parsed.fileNames);
  const own = (file: ts.SourceFile) => roots.has(file.fileName);
  const declarations = options.declaration === true || options.composite === true;
  const diagnostics = [
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program
      .getSourceFiles()
      .flatMap((file) => [...builder.getSyntacticDiagnostics(file), ...builder.getSemanticDiagnostics(file)]),
  ];
  // tsc --noEmit reports these too when the project emits declarations.
  if (declarations)
    for (const file of program.getSourceFiles().filter(own)) diagnostics.push(...builder.getDeclarationDiagnostics(file));
  // With noEmit, writes the build info only.
  builder.emit();

  const problems = { project: [] as string[], examples: [] as string[], snippets: [] as string[] };
  for (const d of diagnostics) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    const g = d.file && generated.get(d.file.fileName);
    if (d.file && g && d.start !== undefined) {
      problems[g.area].push(`${g.where(d.file.getLineAndCharacterOfPosition(d.start).line)}: ${message}`);
    } else if (d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      problems.project.push(`${relative(ROOT, d.file.fileName)}(${line + 1},${character + 1}): error TS${d.code}: ${message}`);
    } else {
      problems.project.push(`error TS${d.code}: ${message}`);
    }
  }
  // The mapped names must not reach the project's own files: there they would resolve to the
  // sources, where `tsc -p .` resolves the package itself (package.json's exports, dist/).
  for (const file of program.getSourceFiles().filter(own)) {
    for (const imported of ts.preProcessFile(file.text, true, true).importedFiles) {
      if (imported.fileName === "homelab" || imported.fileName.startsWith("homelab/")) {
        problems.project.push(
          `${relative(ROOT, file.fileName)}: imports "${imported.fileName}", which this program maps onto the sources (tsc -p . resolves the package)`,
        );
      }
    }
  }

  const read = new Map(
    program
      .getSourceFiles()
      .filter((file) => !generated.has(file.fileName))
      .map((file) => [relative(ROOT, file.fileName), file.text] as const),
  );
  const files = [...read.keys()].sort();
  return {
    inputs,
    files,
    digest: filesDigest(read),
    // Each stat taken before the file is read again: a change after that changes the stat.
    stats: files.map((file) => {
      const stat = statSync(join(ROOT, file));
      return textOf(join(ROOT, file)) === read.get(file) ? [stat.size, stat.mtimeMs] : null;
    }),
    roots: parsed.fileNames.map((f) => relative(ROOT, f)).sort(),
    examples: examples.map((e) => e.name),
    snippets: snippets.map((s) => `${s.file}:${s.line}`),
    problems,
    ms: Date.now() - started,
  };
}
