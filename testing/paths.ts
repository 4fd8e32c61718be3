/**
 * Property paths as Pulumi's engine reads them (`disks[0].fileId`, `metadata.annotations["a/b"]`,
 * `triggers[*]`): parsing, printing, and the engine's "contains" test, where a path contains
 * every path below it and `*` stands for any key or index at its level
 * (pulumi/pulumi sdk/go/common/resource/properties_path.go `Contains`).
 */

export type Segment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * `["metadata", "annotations", "a/b"]` → `metadata.annotations["a/b"]`.
 *
 * @example
 * formatPath(["disks", 0, "fileId"]); // "disks[0].fileId"
 * formatPath(["triggers", "*"]); // "triggers[*]"
 */
export function formatPath(segments: readonly Segment[]): string {
  let text = "";
  for (const segment of segments) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (segment === "*") text += text === "" ? "*" : "[*]";
    else if (IDENTIFIER.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/**
 * Parses a property path; throws on a malformed one.
 *
 * @example
 * parsePath('metadata.annotations["pulumi.com/waitFor"]'); // ["metadata", "annotations", "pulumi.com/waitFor"]
 * parsePath("triggers[*]"); // ["triggers", "*"]
 */
export function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  const fail = (): never => {
    throw new Error(`malformed property path "${path}"`);
  };
  while (i < path.length) {
    const c = path[i]!;
    if (c === ".") {
      if (segments.length === 0) fail();
      i++;
      continue;
    }
    if (c === "[") {
      const close = path.indexOf("]", i);
      if (close < 0) fail();
      const inner = path.slice(i + 1, close);
      if (inner === "*") segments.push("*");
      else if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else if (inner.startsWith('"')) {
        // A quoted key may hold "]": find the closing quote first.
        const end = path.indexOf('"]', i + 2);
        if (end < 0) fail();
        segments.push(JSON.parse(path.slice(i + 1, end + 1)) as string);
        i = end + 2;
        continue;
      } else fail();
      i = close + 1;
      continue;
    }
    let end = i;
    while (end < path.length && path[end] !== "." && path[end] !== "[") end++;
    segments.push(path.slice(i, end));
    i = end;
  }
  return segments;
}

/**
 * True when `outer` contains `inner`: `inner` is `outer` or below it, `*` matching any segment.
 *
 * @example
 * contains(parsePath("triggers[*]"), parsePath("triggers[1]")); // true: a change there replaces
 * contains(parsePath("stdin"), parsePath("triggers[0]")); // false
 */
export function contains(outer: readonly Segment[], inner: readonly Segment[]): boolean {
  if (outer.length > inner.length) return false;
  return outer.every((segment, i) => segment === "*" || segment === inner[i]);
}

/** The values at `path` below `value` (several with `*`); none where the path does not exist. */
export function valuesAt(value: unknown, path: readonly Segment[]): unknown[] {
  if (path.length === 0) return [value];
  if (typeof value !== "object" || value === null) return [];
  const [head, ...rest] = path;
  const record = value as Record<string | number, unknown>;
  if (head === "*") return Object.keys(record).flatMap((k) => valuesAt(record[k], rest));
  return head! in record ? valuesAt(record[head!], rest) : [];
}
