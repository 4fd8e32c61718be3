import { join } from "node:path";
import { expect, test } from "vitest";
import { sourceProgram, undocumentedFunctions } from "../api/surface";

const ROOT = join(__dirname, "..", "..");
const ENTRY = join(ROOT, "testing", "index.ts");

test("every function and class of homelab/testing has a doc comment and an @example", () => {
  expect(undocumentedFunctions(sourceProgram(ENTRY), ENTRY, ROOT)).toEqual([]);
});
