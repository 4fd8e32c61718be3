import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { schemaFiles } from "../../cli/schemas";

const ROOT = join(__dirname, "..", "..");
const files = schemaFiles();

function validator(program: string) {
  const schema = JSON.parse(files[join("config", "schemas", `${program}.schema.json`)]!) as object;
  return new Ajv2020({ allErrors: true, strict: false }).compile(schema);
}

const example = (program: string) =>
  parse(readFileSync(join(ROOT, `Pulumi.${program}.yaml`), "utf8")) as { config: Record<string, any> };

describe("stack file schemas (config/schemas/)", () => {
  test.each(Object.keys(files))("%s is up to date (npm run schemas)", (file) => {
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
