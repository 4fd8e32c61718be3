import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "./plan";

/**
 * `npm run bench`: how the services stack's plan scales with the catalog. Synthetic catalogs of 10,
 * 100 and 1,000 services (a third each forward auth, OIDC and public) are planned, each in a fresh
 * process the way `npm run plan` runs, and compared with the floor: a process that only loads
 * @pulumi/pulumi. Reports the median of `--runs` (default 3) and the milliseconds per resource above
 * the floor. `--sizes 10,100` picks sizes.
 */

const AUTH = ["forward", "oidc", "none"] as const;

/** A service file of the synthetic catalog. */
function serviceText(i: number): string {
  const auth = AUTH[i % AUTH.length]!;
  const name = `svc${String(i).padStart(4, "0")}`;
  const lines = [`name: ${name}`, `hostname: ${name}.example.net`];
  lines.push(
    i % 2 === 0
      ? `upstream:\n  url: http://10.20.${Math.floor(i / 250)}.${(i % 250) + 1}:8080`
      : `upstream:\n  route: ${name}.lab.example.net`,
  );
  lines.push(`auth: ${auth}`);
  if (auth === "none") lines.push("public: true", "reason: synthetic");
  if (auth === "oidc") lines.push(`oidc:\n  redirectUris: [https://${name}.example.net/callback]`);
  if (i % 5 === 0) lines.push("middlewares:\n  rateLimit:\n    average: 10\n    burst: 20");
  return `${lines.join("\n")}\n`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Seconds a command takes. */
function seconds(args: string[]): number {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 28 });
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
}

function main(): void {
  const runs = Number(option("--runs") ?? 3);
  const sizes = (option("--sizes") ?? "10,100,1000").split(",").map(Number);
  const work = mkdtempSync(join(tmpdir(), "homelab-bench-"));
  try {
    const floor = median(Array.from({ length: runs }, () => seconds(["-e", "require('@pulumi/pulumi')"])));
    process.stdout.write(`floor (node + @pulumi/pulumi): ${floor.toFixed(2)} s, median of ${runs}\n\n`);
    process.stdout.write("services  resources  plan (s)  above floor (s)  ms/resource\n");
    const stackFile = readFileSync(join(PROJECT_ROOT, "Pulumi.services.yaml"), "utf8");
    for (const size of sizes) {
      const dir = join(work, `catalog-${size}`);
      mkdirSync(dir);
      for (let i = 0; i < size; i++) writeFileSync(join(dir, `svc${String(i).padStart(4, "0")}.yaml`), serviceText(i));
      const config = join(work, `Pulumi.services-${size}.yaml`);
      writeFileSync(config, stackFile.replace("labDomain: lab.example.net", `labDomain: lab.example.net\n    catalog: ${dir}`));
      const plan = ["--require", "./cli/register.cjs", "cli/plan.ts", "services", "--config", config];
      const json = execFileSync(process.execPath, [...plan, "--format", "json"], {
        cwd: PROJECT_ROOT,
        maxBuffer: 1 << 28,
      }).toString();
      const resources = (JSON.parse(json) as { resources: unknown[] }).resources.length;
      const time = median(Array.from({ length: runs }, () => seconds(plan)));
      const above = time - floor;
      process.stdout.write(
        `${String(size).padStart(8)}  ${String(resources).padStart(9)}  ${time.toFixed(2).padStart(8)}  ${above.toFixed(2).padStart(15)}  ${((above * 1000) / resources).toFixed(2).padStart(11)}\n`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
