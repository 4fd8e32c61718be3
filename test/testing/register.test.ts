import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, test } from "vitest";
import { GatewayApiCrds } from "../../components/gateway-api-crds";
import { loadConfig, readPulumiConfig } from "../../config/loader";
import { GATEWAY_API_VERSION } from "../../lib/platform-versions";
import { programFor, runStack } from "../../stacks";
import { register, stackConfig, StackFileError } from "../../testing";

const ROOT = join(__dirname, "..", "..");
const CRDS = GatewayApiCrds.__pulumiType;
const CONFIG_FILE = "kubernetes:yaml/v2:ConfigFile";
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("register() with an async program", () => {
  test("awaits it: what it creates after an await is recorded, and its resolved value is the result", async () => {
    const r = await register(async () => {
      const first = new GatewayApiCrds("first");
      await tick();
      const second = new GatewayApiCrds("second", { channel: "experimental" });
      await tick();
      return { first, second };
    });
    expect(r.run.resources.map((x) => `${x.type}::${x.name}`).sort()).toEqual([
      `${CRDS}::first`,
      `${CRDS}::second`,
      `${CONFIG_FILE}::first`,
      `${CONFIG_FILE}::second`,
      "pulumi:pulumi:Stack::homelab-test",
    ]);
    expect(r.result.second).toBeInstanceOf(GatewayApiCrds);
    expect(r.result.second.url).toMatch(/\/experimental-install\.yaml$/);
    expect(r.childrenOf(r.get("second", CRDS))).toEqual([`${CONFIG_FILE}::second`]);
  });

  test("its stack outputs are taken from the resolved value", async () => {
    const r = await register(
      async () => {
        await tick();
        return { domain: "lab.example.net" };
      },
      { stackOutputs: (result: { domain: string }) => ({ domain: result.domain }) },
    );
    expect(r.result).toEqual({ domain: "lab.example.net" });
  });

  test("one that rejects fails the run with its own error, after creating resources or not", async () => {
    await expect(
      register(async () => {
        new GatewayApiCrds("before");
        await tick();
        throw new Error("homelab:nodes[2].ip: 10.20.0.300 is not an IPv4 address");
      }),
    ).rejects.toThrow(new Error("homelab:nodes[2].ip: 10.20.0.300 is not an IPv4 address"));
    await expect(register(() => Promise.reject(new TypeError("no cluster")))).rejects.toThrow(TypeError);
  });

  test("one that rejects with something other than an Error says what it rejected with", async () => {
    // What the rule forbids is the point here: a program that does it still gets a clear error.
    /* eslint-disable @typescript-eslint/prefer-promise-reject-errors */
    await expect(register(() => Promise.reject("no nodes"))).rejects.toThrow(
      new Error('the program failed with "no nodes", not an Error'),
    );
    await expect(register(() => Promise.reject({ code: 42 }))).rejects.toThrow(
      new Error("the program failed with { code: 42 }, not an Error"),
    );
    /* eslint-enable @typescript-eslint/prefer-promise-reject-errors */
  });

  test("a synchronous program still runs as before", async () => {
    const r = await register(() => new GatewayApiCrds("sync"));
    expect(r.result.version).toBe(GATEWAY_API_VERSION);
    expect(r.childrenOf(r.get("sync", CRDS))).toEqual([`${CONFIG_FILE}::sync`]);
  });
});

describe("register() runs one program at a time", () => {
  test("a second run started before the first ends is refused; the first sees only its own resources", async () => {
    const first = register(
      async () => {
        new GatewayApiCrds("mine");
        await tick();
        return "first";
      },
      { stack: "one" },
    );
    const second = register(() => new GatewayApiCrds("theirs"), { stack: "two" });
    await expect(second).rejects.toThrow(
      new Error(
        "homelab/testing: register() is already running (stack one); await it before starting another (stack two): " +
          "Pulumi's runtime state is global to the process, so two runs at once would record each other's resources " +
          "(test.concurrent is not supported)",
      ),
    );
    const r = await first;
    expect(r.result).toBe("first");
    expect(r.run.resources.map((x) => `${x.type}::${x.name}`).sort()).toEqual([
      `${CRDS}::mine`,
      `${CONFIG_FILE}::mine`,
      "pulumi:pulumi:Stack::homelab-one",
    ]);
  });

  test("once a run has ended, failed or not, the next one starts", async () => {
    await expect(register(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    const r = await register(() => new GatewayApiCrds("after"), { stack: "three" });
    expect(r.childrenOf(r.get("after", CRDS))).toEqual([`${CONFIG_FILE}::after`]);
  });
});

describe("stackConfig()", () => {
  /** Each Pulumi.<stack>.yaml of the repo, with the top-level keys that hold a `secure:` value. */
  const STACKS: Record<string, string[]> = {
    talos: [],
    platform: ["homelab:argocd", "homelab:certManager", "homelab:netbird"],
    hetzner: ["homelab:authentik", "homelab:netbird", "homelab:traefik"],
    authentik: ["homelab:github"],
    cloudflare: [],
    services: [],
  };

  test.each(Object.entries(STACKS))(
    "Pulumi.%s.yaml: the program's config loader reads every key of it under register() and accepts it",
    async (stack, secretKeys) => {
      const file = join(ROOT, `Pulumi.${stack}.yaml`);
      const settings = stackConfig(file);
      expect([...settings.secretKeys].sort()).toEqual(secretKeys);
      // Nothing is decrypted or passed on: each ciphertext is a fingerprint placeholder.
      const text = JSON.stringify(settings.config);
      expect(text).not.toContain("REPLACE-WITH");
      for (const key of secretKeys) expect(settings.config[key]).toMatch(/"\[secret:[0-9a-f]{16}\]"/);

      const raw = (await register(() => readPulumiConfig(), { stack, ...settings })).result;
      const written = (parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
      expect(Object.keys(raw.values).sort()).toEqual(
        Object.keys(written)
          .map((k) => k.replace(/^homelab:/, ""))
          .sort(),
      );
      expect([...raw.secretKeys].sort()).toEqual(secretKeys.map((k) => k.replace(/^homelab:/, "")));
      // Plain values reach the loader as the YAML wrote them.
      for (const [key, value] of Object.entries(written)) {
        if (!secretKeys.includes(key)) expect(raw.values[key.replace(/^homelab:/, "")]).toEqual(value);
      }
      // ... and the program's own schema takes them (secrets included, as placeholders).
      const loaded = loadConfig(stack, await programFor(stack).program.config(), raw);
      expect(loaded.config).toBeTypeOf("object");
    },
  );

  test("a program runs on a stack's real settings: register(program, { ...stackConfig(file) })", async () => {
    const r = await register(() => runStack("cloudflare"), {
      stack: "cloudflare",
      ...stackConfig(join(ROOT, "Pulumi.cloudflare.yaml")),
    });
    expect(r.get("wildcard-lab.example.net").inputs).toMatchObject({
      name: "*.lab.example.net",
      type: "A",
      content: "10.20.0.200",
    });
  });

  test("takes YAML text too (a string with a line break): bare keys under homelab:, secrets as placeholders", () => {
    const text = [
      "config:",
      "  homelab:domain: lab.example.net",
      "  count: 3",
      "  proxmoxve:insecure: true",
      "  homelab:certManager:",
      "    email: admin@example.net",
      "    cloudflareApiToken:",
      "      secure: v1:AAAA",
    ].join("\n");
    expect(stackConfig(text)).toEqual({
      config: {
        "homelab:domain": "lab.example.net",
        "homelab:count": "3",
        "proxmoxve:insecure": "true",
        "homelab:certManager": JSON.stringify({ email: "admin@example.net", cloudflareApiToken: "[secret:47794c0daef3ead9]" }),
      },
      secretKeys: ["homelab:certManager"],
    });
  });

  const dir = mkdtempSync(join(tmpdir(), "stack-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each([
    ["config: [1, 2]\n", "config: must be a map of keys to values"],
    ["- a\n- b\n", "is not a Pulumi stack settings file (expected a map with a config: key)"],
    ["config:\n  a: 1\n  a: 2\n", "is not valid YAML: Map keys must be unique at line 3, column 3:"],
  ])("rejects %j, naming the file or the text", (text, message) => {
    const file = join(dir, "Pulumi.bad.yaml");
    writeFileSync(file, text);
    expect(() => stackConfig(file)).toThrow(StackFileError);
    expect(() => stackConfig(file)).toThrow(`${file}: ${message}`);
    expect(() => stackConfig(text)).toThrow(`stack settings text: ${message}`);
  });

  test("a file that is not there is named with the reason", () => {
    const file = join(dir, "Pulumi.missing.yaml");
    expect(() => stackConfig(file)).toThrow(new StackFileError(file, "cannot read it (ENOENT)"));
  });
});
