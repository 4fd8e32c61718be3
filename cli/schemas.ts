import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { stackFileSchema } from "../config/schema";
import { programs } from "../stacks";
import { PROJECT_ROOT } from "./plan";

/**
 * `npm run schemas`: writes config/schemas/<program>.schema.json, the JSON Schema of each
 * program's stack files (see config/schema.ts). `--check` writes nothing and exits 1 when a
 * committed schema is stale.
 */

/** Each program's schema file and its text. */
export function schemaFiles(): Record<string, string> {
  return Object.fromEntries(
    Object.values(programs).map((p) => [
      join("config", "schemas", `${p.name}.schema.json`),
      `${JSON.stringify(stackFileSchema(p.name, p.config.sections as Record<string, z.ZodType>), null, 2)}\n`,
    ]),
  );
}

if (require.main === module) {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const [file, text] of Object.entries(schemaFiles())) {
    const path = join(PROJECT_ROOT, file);
    let current: string | undefined;
    try {
      current = readFileSync(path, "utf8");
    } catch {
      current = undefined;
    }
    if (current === text) continue;
    if (check) {
      process.stderr.write(`${file} is stale: run npm run schemas\n`);
      stale++;
    } else {
      mkdirSync(join(PROJECT_ROOT, "config", "schemas"), { recursive: true });
      writeFileSync(path, text);
      process.stderr.write(`wrote ${file}\n`);
    }
  }
  process.exitCode = stale > 0 ? 1 : 0;
}
