import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { stackFileSchema } from "../config/schema";
import { serviceFile } from "../config/services";
import { programs } from "../stacks";
import { PROJECT_ROOT } from "../config/root";

/**
 * `npm run schemas`: writes config/schemas/<program>.schema.json, the JSON Schema of each
 * program's stack files (see config/schema.ts), and services/schema.json, the schema of a
 * service file of the catalog. `--check` writes nothing and exits 1 when a committed schema is
 * stale.
 */

/** The JSON Schema of a service file (services/<name>.yaml). */
export function serviceFileSchema(): object {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "A public service of the homelab (services/<name>.yaml)",
    ...z.toJSONSchema(serviceFile, { io: "input", unrepresentable: "any" }),
    $comment: "Generated from config/services.ts by `npm run schemas`; do not edit.",
  };
}

/** Each schema file and its text: every program's stack file, and the catalog's service file. */
export async function schemaFiles(): Promise<Record<string, string>> {
  const text = (schema: object) => `${JSON.stringify(schema, null, 2)}\n`;
  const stackFiles = await Promise.all(
    Object.values(programs).map(async (p): Promise<[string, string]> => [
      join("config", "schemas", `${p.name}.schema.json`),
      text(stackFileSchema(p.name, (await p.config()).sections as Record<string, z.ZodType>)),
    ]),
  );
  return { ...Object.fromEntries(stackFiles), [join("services", "schema.json")]: text(serviceFileSchema()) };
}

/** Writes the schema files, or with `--check` counts the stale ones; the exit status. */
async function main(check: boolean): Promise<number> {
  let stale = 0;
  for (const [file, text] of Object.entries(await schemaFiles())) {
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
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      process.stderr.write(`wrote ${file}\n`);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (require.main === module) void main(process.argv.includes("--check")).then((code) => (process.exitCode = code));
