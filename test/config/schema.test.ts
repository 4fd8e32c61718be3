import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { beforeAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import { schemaFiles } from "../../cli/schemas";
import { programs } from "../../stacks";
import { z } from "zod";
import { cloudflareSections } from "../../config/cloudflare";
import { parseImageReference } from "../../config/fields";
import { hetznerSections } from "../../config/hetzner";
import { platformSections } from "../../config/platform";

const ROOT = join(__dirname, "..", "..");
/** The schema files: one per program, and the service file's. */
const SCHEMA_FILES = [
  ...Object.keys(programs).map((p) => join("config", "schemas", `${p}.schema.json`)),
  join("services", "schema.json"),
];
let files: Record<string, string>;
beforeAll(async () => {
  files = await schemaFiles();
});

function validator(program: string) {
  const schema = JSON.parse(files[join("config", "schemas", `${program}.schema.json`)]!) as object;
  return new Ajv2020({ allErrors: true, strict: false }).compile(schema);
}

const example = (program: string) =>
  parse(readFileSync(join(ROOT, `Pulumi.${program}.yaml`), "utf8")) as { config: Record<string, any> };

describe("stack file schemas (config/schemas/)", () => {
  test("the files are one per program and the service file's", () => {
    expect(Object.keys(files).sort()).toEqual([...SCHEMA_FILES].sort());
  });

  test.each(SCHEMA_FILES)("%s is up to date (npm run schemas)", (file) => {
    expect(readFileSync(join(ROOT, file), "utf8")).toBe(files[file]);
  });

  test.each(["talos", "platform", "hetzner", "authentik", "cloudflare", "services"])(
    "the example Pulumi.%s.yaml is valid, and says which schema it follows",
    (program) => {
      const validate = validator(program);
      expect(validate(example(program)), JSON.stringify(validate.errors)).toBe(true);
      expect(readFileSync(join(ROOT, `Pulumi.${program}.yaml`), "utf8").split("\n")[0]).toBe(
        `# yaml-language-server: $schema=./config/schemas/${program}.schema.json`,
      );
    },
  );

  test("every service file of the catalog is valid against services/schema.json, and says so", () => {
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(files[join("services", "schema.json")]!));
    const dir = join(ROOT, "services");
    const services = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
    expect(services.length).toBeGreaterThanOrEqual(3);
    for (const file of services) {
      const text = readFileSync(join(dir, file), "utf8");
      expect(text.split("\n")[0], file).toBe("# yaml-language-server: $schema=./schema.json");
      expect(validate(parse(text)), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate({ name: "x", hostname: "x.example.net", upstream: { url: "http://a" }, auth: "none", color: "red" })).toBe(
      false,
    );
  });

  test("descriptions, defaults, secure: secrets, shorthands and unknown keys", () => {
    const validate = validator("talos");
    const doc = example("talos");
    // A secret may be written encrypted; a PCI device and a taint as strings.
    doc.config["homelab:proxmox"].apiToken = { secure: "v1:abc" };
    doc.config["homelab:nodes"][6].gpu.devices = ["0000:01:00"];
    doc.config["homelab:nodes"][6].taints = ["nvidia.com/gpu=true:NoSchedule"];
    doc.config["proxmoxve:insecure"] = true;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);

    doc.config["homelab:nodez"] = [];
    doc.config["homelab:proxmox"].apiToken = { secure: 1 };
    doc.config["homelab:nodes"][6].taints = ["nvidia.com/gpu=true:Sometimes"];
    expect(validate(doc)).toBe(false);
    const paths = new Set(validate.errors!.map((e) => e.instancePath));
    expect(paths).toContain("/config");
    expect(paths).toContain("/config/homelab:proxmox/apiToken/secure");
    expect(paths).toContain("/config/homelab:nodes/6/taints/0");

    const schema = JSON.parse(files[join("config", "schemas", "talos.schema.json")]!);
    const cluster = schema.properties.config.properties["homelab:cluster"];
    expect(cluster.description).toBe("The Talos cluster: name, releases, rollout, extra patches.");
    expect(cluster.properties.applyMode.default).toBe("staged_if_needing_reboot");
  });
});

// The configuration tables of docs/stacks/<stack>.md against the schemas: every key a table names
// is one the loader reads, every key the loader reads is in the table, and a default the table
// gives is the loader's. (talos's table names node fields in a shorthand this does not read.)
describe("the configuration tables of docs/stacks/ say what the schemas say", () => {
  type Node = { properties?: Record<string, Node>; items?: Node; anyOf?: Node[]; default?: unknown; description?: string };
  const config = (program: string) =>
    (JSON.parse(files[join("config", "schemas", `${program}.schema.json`)]!) as { properties: { config: Node } }).properties
      .config.properties!;
  /** The schema of `path` below a `homelab:` key: through objects, list items and the forms a field may take. */
  const at = (node: Node | undefined, path: readonly string[]): Node | undefined => {
    if (node === undefined || path.length === 0) return node;
    const forms = [node, ...(node.anyOf ?? []), ...(node.items ? [node.items, ...(node.items.anyOf ?? [])] : [])];
    return at(forms.find((f) => f.properties?.[path[0]!])?.properties?.[path[0]!], path.slice(1));
  };
  /** Each row of the `## Configuration` table: its keys (`.netbird` continues the key before), `what` and default cells. */
  const rows = (program: string) => {
    const md = readFileSync(join(ROOT, "docs", "stacks", `${program}.md`), "utf8");
    const table = md
      .slice(md.indexOf("## Configuration"))
      .split("\n\n")
      .find((block) => block.startsWith("| key"))!;
    return table
      .split("\n")
      .slice(2)
      .map((line) => {
        const [key = "", what = "", fallback = ""] = line.split(" | ").map((c) => c.replace(/^\| |\s*\|$/g, "").trim());
        let last = "";
        const keys = [...key.matchAll(/`([^`]+)`/g)].map((m) => {
          last = m[1]!.startsWith(".") ? last.slice(0, last.lastIndexOf(".")) + m[1]! : m[1]!;
          return last;
        });
        return { keys, what, fallback };
      });
  };
  const programs = ["platform", "hetzner", "cloudflare", "authentik", "services"];

  test.each(programs)("%s: every key of the table is one the loader reads", (program) => {
    const schema = config(program);
    const unknown = rows(program)
      .flatMap((r) => r.keys)
      .filter((key) => {
        const [top, ...rest] = key.replace("[]", "").split(".");
        return at(schema[`homelab:${top}`], rest) === undefined;
      });
    expect(unknown).toEqual([]);
  });

  test.each(programs)("%s: every key the loader reads (two levels down) is in the table", (program) => {
    const schema = config(program);
    const documented = rows(program).flatMap((r) => [
      ...r.keys.map((k) => k.replace("[]", "")),
      // A list's row names its items' fields in the `what` cell (`apps[]`: `name`, `slug`, ...).
      ...r.keys
        .filter((k) => k.endsWith("[]"))
        .flatMap((k) => [...r.what.matchAll(/`(\w+)`/g)].map((m) => `${k.slice(0, -2)}.${m[1]!}`)),
    ]);
    const read = Object.entries(schema).flatMap(([key, node]) => {
      const top = key.slice("homelab:".length);
      const fields = Object.entries(node.properties ?? node.items?.properties ?? {})
        // Kept only to say it is no longer used (the loader refuses it by name).
        .filter(([, field]) => !field.description?.startsWith("No longer used"))
        .map(([field]) => `${top}.${field}`);
      return [top, ...fields];
    });
    expect(read.filter((key) => !documented.some((d) => d === key || d.startsWith(`${key}.`)))).toEqual([]);
  });

  test.each(programs)("%s: a default the table gives is the loader's", (program) => {
    const schema = config(program);
    const differ: string[] = [];
    for (const { keys, fallback } of rows(program)) {
      const defaults = fallback.split(/, (?![^`]*`)/);
      if (defaults.length !== keys.length) continue;
      keys.forEach((key, i) => {
        const [top, ...rest] = key.split(".");
        const node = at(schema[`homelab:${top}`], rest);
        const written = /^`([^`]+)`$/.exec(defaults[i]!)?.[1];
        if (node === undefined || !("default" in node) || written === undefined) return;
        const value = parse(written) as unknown;
        const image = typeof node.default === "string" ? parseImageReference(node.default) : undefined;
        const same =
          JSON.stringify(value) === JSON.stringify(node.default) ||
          (image !== undefined && JSON.stringify(parseImageReference(String(value))) === JSON.stringify(image));
        if (!same) differ.push(`${key}: ${written} (the loader: ${JSON.stringify(node.default)})`);
      });
    }
    expect(differ).toEqual([]);
  });

  test("the defaults compared are many: the test reads the tables", () => {
    const compared = programs.flatMap((p) => rows(p)).filter((r) => r.fallback.split(/, (?![^`]*`)/).length === r.keys.length);
    expect(compared.length).toBeGreaterThan(30);
  });
});

describe("refined fields: the JSON Schema accepts what the loader accepts", () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const field = (program: string, key: string, path: string[]) => {
    let node = JSON.parse(files[join("config", "schemas", `${program}.schema.json`)]!).properties.config.properties[
      `homelab:${key}`
    ];
    for (const part of path) node = node.properties?.[part] ?? node.items;
    return ajv.compile(node as object);
  };
  const unwrap = (schema: any): any => (typeof schema.unwrap === "function" ? unwrap(schema.unwrap()) : schema);
  const digest = `sha256:${"ab".repeat(32)}`;
  test.each<[string, string, string[], z.ZodType, unknown[]]>([
    ["cloudflare", "lab", ["ttl"], unwrap(cloudflareSections.lab.shape.ttl), [1, 0, 2, 29, 30, 59, 60, 300, 86400, 86401, 1.5]],
    [
      "cloudflare",
      "lab",
      ["address"],
      cloudflareSections.lab.shape.address,
      ["10.20.0.200", "0.0.0.0", "255.255.255.255", "10.20.0.01", "256.1.1.1", "1.2.3", "1.2.3.4.5", " 1.2.3.4", "a.b.c.d"],
    ],
    [
      "platform",
      "network",
      ["cidr"],
      platformSections.network.shape.cidr,
      ["10.20.0.0/24", "10.0.0.0/8", "0.0.0.0/0", "10.20.0.0/33", "10.20.0.0/024", "10.20.0.0", "10.20.0.0/"],
    ],
    [
      "hetzner",
      "images",
      ["traefik"],
      unwrap(unwrap(hetznerSections.images).shape.traefik),
      [
        "traefik:v3.6.27",
        "library/postgres:16",
        "ghcr.io/goauthentik/server:2026.5.9",
        "localhost:5000/a/b:1",
        `traefik@${digest}`,
        `traefik:v3@${digest}`,
        "traefik",
        "traefik:latest",
        `traefik:latest@${digest}`,
        "traefik:latest.1",
        "localhost:latest",
        "Traefik:v3",
        "NetBirdIO/netbird:1",
        "traefik:.v3",
        "traefik:",
        "a/_b:1",
        "x@sha256:abc",
        `traefik:${"v".repeat(129)}`,
      ],
    ],
    ["hetzner", "server", ["type"], hetznerSections.server.shape.type, ["cx23", "ccx63", "cpx62", "cx24", "CX23", ""]],
    ["hetzner", "server", ["location"], hetznerSections.server.shape.location, ["fsn1", "sin", "fsn", "FSN1"]],
  ])("%s homelab:%s.%s", (program, key, path, schema, values) => {
    const validate = field(program, key, path);
    const differ = values.filter((v) => schema.safeParse(v).success !== validate(v));
    expect(differ).toEqual([]);
  });
});
