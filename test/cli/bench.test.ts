import { readFileSync } from "node:fs";
import { join } from "node:path";
import { format, resolveConfig } from "prettier";
import { describe, expect, test } from "vitest";
import {
  BENCH_END,
  BENCH_START,
  benchMarkdown,
  inRounds,
  planCommand,
  replaceBenchTable,
  summary,
  verdict,
  type Results,
  type Row,
} from "../../cli/bench";

const ROOT = join(__dirname, "..", "..");
const row = (kind: Row["kind"], label: string, seconds: number, resources = 35): Row => ({
  kind,
  label,
  resources,
  seconds,
  maxRss: 160 * 2 ** 20,
});

describe("npm run bench", () => {
  test("it measures in rounds: the floor, then every plan once, round after round; each figure gets its own samples", () => {
    const order: string[] = [];
    const sample = (label: string) => () => {
      order.push(label);
      return { seconds: order.length, maxRss: 1 };
    };
    const rounds: number[] = [];
    const { floorSamples, samples } = inRounds(2, sample("floor"), [sample("talos"), sample("--all")], (r) => rounds.push(r));
    expect(order).toEqual(["floor", "talos", "--all", "floor", "talos", "--all"]);
    expect(rounds).toEqual([1, 2]);
    expect(floorSamples.map((s) => s.seconds)).toEqual([1, 4]);
    expect(samples.map((list) => list.map((s) => s.seconds))).toEqual([
      [2, 5],
      [3, 6],
    ]);
  });

  test("a figure is the median wall time of its runs (the middle two's mean for an even count) and the largest peak memory", () => {
    const mb = (n: number) => n * 2 ** 20;
    expect(
      summary([
        { seconds: 1.4, maxRss: mb(150) },
        { seconds: 1.2, maxRss: mb(170) },
        { seconds: 1.9, maxRss: mb(160) },
      ]),
    ).toEqual({ seconds: 1.4, maxRss: mb(170) });
    expect(
      summary([
        { seconds: 1.0, maxRss: 1 },
        { seconds: 2.0, maxRss: 3 },
        { seconds: 1.5, maxRss: 2 },
        { seconds: 9, maxRss: 2 },
      ]),
    ).toEqual({
      seconds: 1.75,
      maxRss: 3,
    });
  });

  test("starts plans the way package.json's plan script does", () => {
    expect(planCommand()).toEqual(["--require", "./cli/register.cjs", "cli/plan.ts"]);
  });

  test("each figure against its goal: a stack 1.5x the floor, --all 2x, the 1,000-service catalog 1 ms a resource", () => {
    expect(verdict(row("stack", "platform", 1.41), 0.93)).toEqual({ figure: "1.52×", goal: "≤ 1.5×", met: false });
    expect(verdict(row("stack", "talos", 1.37), 0.93)).toEqual({ figure: "1.47×", goal: "≤ 1.5×", met: true });
    expect(verdict(row("all", "--all", 1.85), 0.93)).toEqual({ figure: "1.99×", goal: "≤ 2.0×", met: true });
    expect(verdict(row("catalog", "1000", 11.57, 6672), 0.93)).toEqual({
      figure: "1.59 ms",
      goal: "≤ 1.0 ms per resource",
      met: false,
    });
    expect(verdict(row("catalog", "100", 2.22, 672), 0.93)).toBeUndefined();
  });

  test("--write puts the tables between the markers of docs/performance.md, in Prettier's layout, the prose kept", async () => {
    const results: Results = {
      runs: 5,
      floor: { seconds: 0.93, maxRss: 122 * 2 ** 20 },
      rows: [row("stack", "platform", 1.41), row("all", "--all", 1.57, 177), row("catalog", "1000", 11.57, 6672)],
    };
    const file = join(ROOT, "docs", "performance.md");
    const page = readFileSync(file, "utf8");
    const written = replaceBenchTable(page, benchMarkdown(results, "2 cores, Node 20"), "docs/performance.md");
    expect(await format(written, { ...(await resolveConfig(file)), filepath: file })).toBe(written);
    expect(written.slice(0, written.indexOf(BENCH_START))).toBe(page.slice(0, page.indexOf(BENCH_START)));
    expect(written.slice(written.indexOf(BENCH_END))).toBe(page.slice(page.indexOf(BENCH_END)));
    expect(written).toContain("| `platform` |        35 | 1.41 s |   1.52× | ≤ 1.5×: not met |      160 MB |");
    expect(written).toContain(
      "|    1,000 |     6,672 | 11.57 s |  12.44× |                      1.59 ms | ≤ 1.0 ms per resource: not met |      160 MB |",
    );
  });

  test("a file without one pair of markers is refused, naming it", () => {
    expect(() => replaceBenchTable("# Performance\n", "t", "docs/performance.md")).toThrow(
      "docs/performance.md has no <!-- bench:start --> ... <!-- bench:end --> markers to write the table between",
    );
    expect(() => replaceBenchTable(`${BENCH_START}\n${BENCH_END}\n${BENCH_START}\n${BENCH_END}\n`, "t", "f.md")).toThrow(
      "f.md has more than one pair of bench markers",
    );
  });
});
