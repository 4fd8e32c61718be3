import { existsSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import * as ts from "typescript";

/**
 * What the package's root entry promises a caller, read with the TypeScript compiler: every
 * component (an exported class extending `pulumi.ComponentResource`), the doc comment of every field
 * a caller fills in, the types its public fields use, and its `@example`s.
 *
 * The program here holds the repository's own sources only: no default library, and every package
 * import left unresolved. That is enough to follow the repository's own types (what these checks are
 * about) and costs a fraction of a full program; the examples are compiled against the real SDKs
 * in the project's one TypeScript program (test/compile/program.ts).
 */

/** A program over `entry` and the repository files it imports, with `files` served from memory. */
export function sourceProgram(entry: string, files: Readonly<Record<string, string>> = {}): ts.Program {
  const options: ts.CompilerOptions = {
    strict: true,
    noLib: true,
    noEmit: true,
    types: [],
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  const exists = (file: string) => file in files || existsSync(file);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    file in files ? ts.createSourceFile(file, files[file]!, language, true) : read(file, language, ...rest);
  host.fileExists = exists;
  // Relative imports only: a package's types are not what is checked here, and skipping them keeps
  // the program to the repository's ~40 files.
  host.resolveModuleNameLiterals = (literals, containing) =>
    literals.map((literal) => {
      if (!literal.text.startsWith(".")) return { resolvedModule: undefined };
      const base = resolve(dirname(containing), literal.text);
      const found = [`${base}.ts`, `${base}/index.ts`].find(exists);
      return { resolvedModule: found ? { resolvedFileName: found, extension: ts.Extension.Ts } : undefined };
    });
  return ts.createProgram([entry], options, host);
}

/** An exported component class of the entry and its declaration. */
export interface Component {
  readonly name: string;
  readonly declaration: ts.ClassDeclaration;
}

function isComponent(declaration: ts.ClassDeclaration): boolean {
  return (declaration.heritageClauses ?? []).some((clause) =>
    clause.types.some((t) => /(^|\.)ComponentResource$/.test(t.expression.getText())),
  );
}

/** What the module exports, each alias followed to its declaring symbol. */
function exportsOf(program: ts.Program, entry: string): ts.Symbol[] {
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!);
  if (!module) throw new Error(`${entry} is not a module`);
  return checker.getExportsOfModule(module).map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s));
}

/** The components the entry exports, by name. */
export function componentsOf(program: ts.Program, entry: string): Component[] {
  return exportsOf(program, entry)
    .flatMap((symbol) => (symbol.declarations ?? []).filter(ts.isClassDeclaration).map((d) => ({ symbol, d })))
    .filter(({ d }) => isComponent(d))
    .map(({ symbol, d }) => ({ name: symbol.name, declaration: d }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The doc comment's own text (before any tag), trimmed; `""` when there is none. */
function docText(node: ts.Node): string {
  return ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "")
    .join("\n")
    .trim();
}

/** The text of each `@example` tag of a declaration. */
export function examplesOf(declaration: ts.Node): string[] {
  return exampleTags(declaration).map((e) => e.text);
}

/** Each `@example` tag of a declaration: its text, and the file's line (1-based) its text starts on. */
function exampleTags(declaration: ts.Node): { text: string; line: number }[] {
  const file = declaration.getSourceFile();
  return ts
    .getJSDocTags(declaration)
    .filter((tag) => tag.tagName.text === "example")
    .map((tag) => {
      const { line } = file.getLineAndCharacterOfPosition(tag.tagName.end);
      // The text starts after the tag on its own line, or on the next line when nothing follows it.
      const rest = file.text.slice(tag.tagName.end, file.getLineEndOfPosition(tag.tagName.end));
      return { text: ts.getTextOfJSDocComment(tag.comment) ?? "", line: line + 1 + (rest.trim() === "" ? 1 : 0) };
    });
}

/** A declaration of the repository (not a package's, not the compiler's). */
function isOwn(declaration: ts.Declaration, root: string): boolean {
  const file = declaration.getSourceFile().fileName;
  return !file.includes("/node_modules/") && !relative(root, file).startsWith("..");
}

type Named = ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.ClassDeclaration | ts.EnumDeclaration;
function isNamedType(d: ts.Declaration): d is Named {
  return ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d) || ts.isClassDeclaration(d) || ts.isEnumDeclaration(d);
}

/**
 * Every problem with the entry's public API, as `<file>: <Class or Type>.<field>: <problem>`:
 * - an Args field (of a component's constructor arguments, at any depth, and of every repository
 *   type those fields use) without a doc comment of its own (a lone `@default` is not one);
 * - a repository type that a public field uses (an Args field, a component's public property, or a
 *   field of such a type, at any depth) and that the entry does not export;
 * - a component without an `@example`.
 */
export function apiProblems(program: ts.Program, entry: string, root: string): string[] {
  const checker = program.getTypeChecker();
  const exported = new Set(exportsOf(program, entry));
  const problems: string[] = [];
  const where = (node: ts.Node) => relative(root, node.getSourceFile().fileName);
  // A type is walked once as a caller's input (its fields must be documented) and once otherwise.
  const visited = { true: new Set<ts.Node>(), false: new Set<ts.Node>() };

  /** The repository's named types a type node mentions (through Inputs, arrays, unions, generics). */
  function namedTypes(node: ts.Node | undefined): Named[] {
    const found: Named[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isTypeReferenceNode(n) || ts.isExpressionWithTypeArguments(n) || ts.isTypeQueryNode(n)) {
        const name = ts.isTypeReferenceNode(n) ? n.typeName : ts.isTypeQueryNode(n) ? n.exprName : n.expression;
        let symbol = checker.getSymbolAtLocation(name);
        if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
        for (const d of symbol?.declarations ?? []) if (isNamedType(d) && isOwn(d, root)) found.push(d);
      }
      ts.forEachChild(n, visit);
    };
    if (node) visit(node);
    return found;
  }

  /** A type a public field uses: exported from the entry, and its own fields checked in turn. */
  function usedType(declaration: Named, via: string, documented: boolean): void {
    const symbol = checker.getSymbolAtLocation(declaration.name!);
    if (symbol && !exported.has(symbol)) {
      problems.push(`${where(declaration)}: ${symbol.name} (used by ${via}) is not exported from the root entry`);
    }
    if (visited[`${documented}`].has(declaration)) return;
    visited[`${documented}`].add(declaration);
    if (ts.isInterfaceDeclaration(declaration)) {
      fields(declaration.members, symbol?.name ?? "?", documented);
      for (const heritage of declaration.heritageClauses ?? [])
        for (const t of heritage.types) for (const d of namedTypes(t)) usedType(d, symbol?.name ?? "?", documented);
    } else if (ts.isTypeAliasDeclaration(declaration)) {
      typeNode(declaration.type, symbol?.name ?? "?", documented);
    } else if (ts.isClassDeclaration(declaration) && !isComponent(declaration)) {
      publicMembers(declaration, symbol?.name ?? "?");
    }
  }

  /** Inline object types inside a field's type are fields too; named types are followed. */
  function typeNode(node: ts.TypeNode | undefined, owner: string, documented: boolean): void {
    if (!node) return;
    const visit = (n: ts.Node): void => {
      if (ts.isTypeLiteralNode(n)) {
        fields(n.members, owner, documented);
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(node);
    for (const d of namedTypes(node)) usedType(d, owner, documented);
  }

  /** Property signatures: each documented (when `documented`), each type followed. */
  function fields(members: ts.NodeArray<ts.TypeElement>, owner: string, documented: boolean): void {
    for (const member of members) {
      if (!ts.isPropertySignature(member) && !ts.isMethodSignature(member)) continue;
      const path = `${owner}.${member.name.getText()}`;
      if (documented && docText(member) === "") problems.push(`${where(member)}: ${path}: no doc comment`);
      if (ts.isPropertySignature(member)) typeNode(member.type, path, documented);
      else {
        for (const p of member.parameters) typeNode(p.type, path, documented);
        typeNode(member.type, path, documented);
      }
    }
  }

  /** A field without a type annotation: the named type its value has, if the repository declares it. */
  function inferred(member: ts.Node, path: string): void {
    const type = checker.getTypeAtLocation(member);
    const symbol = type.aliasSymbol ?? type.getSymbol();
    for (const d of symbol?.declarations ?? []) if (isNamedType(d) && isOwn(d, root)) usedType(d, path, false);
  }

  /** A class's public instance properties (and accessors, and parameter properties). */
  function publicMembers(declaration: ts.ClassDeclaration, owner: string): void {
    const isPublic = (m: ts.Declaration) =>
      !(ts.getCombinedModifierFlags(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));
    for (const member of declaration.members) {
      if (ts.isPropertyDeclaration(member) || ts.isGetAccessorDeclaration(member)) {
        if (!isPublic(member) || ts.isPrivateIdentifier(member.name)) continue;
        const path = `${owner}.${member.name.getText()}`;
        if (member.type) typeNode(member.type, path, false);
        else inferred(member, path);
      } else if (ts.isConstructorDeclaration(member)) {
        for (const p of member.parameters) {
          const isProperty = ts.getCombinedModifierFlags(p) & (ts.ModifierFlags.Public | ts.ModifierFlags.Readonly);
          if (isProperty && isPublic(p)) typeNode(p.type, `${owner}.${p.name.getText()}`, false);
        }
      } else if (ts.isMethodDeclaration(member) && isPublic(member)) {
        const path = `${owner}.${member.name.getText()}()`;
        for (const p of member.parameters) typeNode(p.type, path, false);
        typeNode(member.type, path, false);
      }
    }
  }

  for (const component of componentsOf(program, entry)) {
    const constructor = component.declaration.members.find(ts.isConstructorDeclaration);
    const args = constructor?.parameters[1];
    if (args?.type) {
      for (const d of namedTypes(args.type)) usedType(d, `${component.name}'s constructor`, true);
      typeNode(args.type, `${component.name}'s args`, true);
    }
    publicMembers(component.declaration, component.name);
    if (examplesOf(component.declaration).length === 0) {
      problems.push(`${where(component.declaration)}: ${component.name}: no @example`);
    }
  }
  return [...new Set(problems)].sort();
}

/** One `@example` of a component, as a module of its own. */
export interface Example {
  /** `CiliumInstall` (or `CiliumInstall #2` for a second example). */
  readonly name: string;
  /** Where the example is: `components/cilium-install.ts`. */
  readonly source: string;
  /** The line of `source` (1-based) the example's first line is on. */
  readonly line: number;
  readonly text: string;
}

/** Every component's `@example`s, in component order. */
export function examplesOfComponents(program: ts.Program, entry: string, root: string): Example[] {
  return componentsOf(program, entry).flatMap((component) =>
    exampleTags(component.declaration).map(({ text, line }, i) => ({
      name: i === 0 ? component.name : `${component.name} #${i + 1}`,
      source: relative(root, component.declaration.getSourceFile().fileName),
      line,
      text,
    })),
  );
}

/**
 * The functions and classes (and the classes' public methods) an entry exports that lack a doc
 * comment or an `@example`, as `<file>: <name>: no doc comment` / `no @example`.
 */
export function undocumentedFunctions(program: ts.Program, entry: string, root: string): string[] {
  const problems: string[] = [];
  const check = (node: ts.Node, name: string) => {
    const where = relative(root, node.getSourceFile().fileName);
    if (docText(node) === "") problems.push(`${where}: ${name}: no doc comment`);
    if (examplesOf(node).length === 0) problems.push(`${where}: ${name}: no @example`);
  };
  for (const symbol of exportsOf(program, entry)) {
    for (const d of symbol.declarations ?? []) {
      if (ts.isFunctionDeclaration(d) && d.body) check(d, symbol.name);
      if (!ts.isClassDeclaration(d)) continue;
      check(d, symbol.name);
      for (const member of d.members) {
        const hidden = ts.getCombinedModifierFlags(member) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected);
        if ((ts.isMethodDeclaration(member) || ts.isGetAccessorDeclaration(member)) && !hidden) {
          check(member, `${symbol.name}.${member.name.getText()}`);
        }
      }
    }
  }
  return [...new Set(problems)].sort();
}
