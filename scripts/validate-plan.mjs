#!/usr/bin/env node
// Runs the shared upstream validator (../shared/tools/validate-artifacts/validate DIR) on an offline
// plan's --out directory, and checks what it cannot: Authentik resources and lookups whose types the
// shared transcription of the provider's attributes does not list yet (it has the ten the programs
// first used). Those items are checked the same way — every input a camelCase attribute of the type,
// every argument the SDK requires present — against sdks/authentik/attributes.json, this project's
// transcription of the same provider release (goauthentik/terraform-provider-authentik v2026.5.0),
// which test/sdks/authentik.test.ts holds the local SDK to. Any other failure stays a failure.
//
// Usage: node scripts/validate-plan.mjs DIR     Last line: `N passed, N failed`; exit 1 on a failure.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
// HOMELAB_VALIDATE_ARTIFACTS: another validator in its place (test/cli/validate-plan.test.ts gives a stand-in).
const VALIDATE = process.env.HOMELAB_VALIDATE_ARTIFACTS ?? join(ROOT, "..", "shared", "tools", "validate-artifacts", "validate");
const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/validate-plan.mjs DIR");
  process.exit(2);
}
if (!existsSync(VALIDATE)) {
  console.log(`note: ${relative(process.cwd(), VALIDATE)} not found; skipping the upstream schema check of the plan`);
  process.exit(0);
}

const run = spawnSync(VALIDATE, [dir, "--json"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
if (run.status === 2 || !run.stdout.trim()) {
  process.stderr.write(run.stderr);
  process.exit(2);
}
const report = JSON.parse(run.stdout);

/** Our transcription, by Pulumi token: allowed input names and required ones. */
const attributes = JSON.parse(readFileSync(join(ROOT, "sdks", "authentik", "attributes.json"), "utf8"));
const known = new Map();
for (const kind of ["resources", "dataSources"]) {
  for (const entry of Object.values(attributes[kind])) {
    const names = entry.pulumi.properties;
    const inputs = [...Object.keys(entry.required ?? {}), ...Object.keys(entry.optional ?? {})].map((a) => names[a] ?? a);
    known.set(entry.pulumi.token, {
      inputs: new Set([...inputs, ...(kind === "dataSources" ? ["id"] : [])]),
      required: entry.pulumi.sdkRequiredArgs ?? [],
    });
  }
}

const UNLISTED =
  /^(?:resource type|function) '(authentik:[^']+)' is not in authentik\/terraform-provider-authentik-attributes\.json/;
const at = (doc, pointer) =>
  pointer
    .split("/")
    .slice(1)
    .reduce((value, key) => (value === undefined ? undefined : value[key.replace(/~1/g, "/").replace(/~0/g, "~")]), doc);

let passed = 0;
let failed = 0;
let checkedHere = 0;
for (const file of report.files) {
  const name = relative(process.cwd(), file.file);
  if (file.status !== "fail") {
    if (file.status === "ok") passed++;
    console.log(`${file.status === "ok" ? "ok  " : "skip"} ${name}${file.summary ? `: ${file.summary}` : ""}`);
    continue;
  }
  const doc = file.kind === "resources" ? JSON.parse(readFileSync(file.file, "utf8")) : undefined;
  const left = [];
  let here = 0;
  for (const error of file.errors) {
    const token = UNLISTED.exec(error.message)?.[1];
    const spec = token && known.get(token);
    if (!doc || !spec) {
      left.push(`${error.pointer}: ${error.message}`);
      continue;
    }
    const item = at(doc, error.pointer.replace(/\/(type|token)$/, ""));
    const values = item?.inputs ?? item?.args ?? {};
    for (const k of Object.keys(values).filter((k) => !spec.inputs.has(k))) {
      left.push(`${error.pointer}: ${token} has no input ${k} (sdks/authentik/attributes.json)`);
    }
    if (item?.inputs) {
      for (const k of spec.required.filter((k) => !(k in values))) {
        left.push(`${error.pointer}: ${token} needs ${k} (sdks/authentik/attributes.json)`);
      }
    }
    here++;
  }
  checkedHere += here;
  if (left.length === 0) {
    passed++;
    console.log(`ok   ${name}: ${file.summary}; ${here} of its Authentik items against sdks/authentik/attributes.json`);
  } else {
    failed++;
    console.log(`FAIL ${name}: ${left.join("\n     ")}`);
  }
}
console.log(
  `${checkedHere} Authentik items of types the shared transcription lacks were checked against sdks/authentik/attributes.json`,
);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
