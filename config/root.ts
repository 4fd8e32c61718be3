import { join } from "node:path";

/**
 * The project root: where Pulumi.yaml and the example stack files live, and what a relative
 * `services.catalog` is relative to. A module of its own, so the CLI reads it without loading a
 * program's config.
 */
export const PROJECT_ROOT = join(__dirname, "..");
