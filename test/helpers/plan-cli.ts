import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { main } from "../../cli/plan";

export interface PlanRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `npm run plan` in-process, capturing what it prints, in a working directory of its own (removed
 * after the file's tests): `work` for the paths a test writes there, `plan(...argv)` to run it.
 */
export function planCli(prefix: string): { work: string; plan: (...argv: string[]) => Promise<PlanRun> } {
  const work = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const plan = async (...argv: string[]): Promise<PlanRun> => {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: work });
    return { code, stdout, stderr };
  };
  return { work, plan };
}
