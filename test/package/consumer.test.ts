import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";

/**
 * The package as another repo gets it: `npm pack` of the library built and the local SDKs bundled,
 * the tarball installed into a project of its own (with its own copies of the peer SDKs, never a
 * link into this repo), then a small program of that project's, in CommonJS and in ESM, type-checked
 * against the installed types and run under the package's own testing entry; and the README's
 * component examples, type-checked as written.
 */

const ROOT = join(__dirname, "..", "..");
const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "homelab-consumer-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  peerDependencies: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The local SDKs the tarball bundles: `[package name, directory]` of each `file:` dependency. */
const LOCAL_SDKS = Object.entries(manifest.dependencies)
  .filter(([, spec]) => spec.startsWith("file:"))
  .map(([name, spec]) => [name, spec.slice("file:".length)] as const);

/** Exact versions of the peers, as this repo's lock file resolved them. */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

const CACHE = join(ROOT, "node_modules", ".cache", "homelab-consumer");
const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** Every file under `paths` (files or directories), sorted. */
function filesOf(paths: readonly string[]): string[] {
  return paths
    .flatMap((p) => (statSync(join(ROOT, p)).isDirectory() ? readdirSync(join(ROOT, p)).map((e) => join(p, e)) : [p]))
    .flatMap((p) => (statSync(join(ROOT, p)).isDirectory() ? filesOf([p]) : [p]))
    .sort();
}

/**
 * Builds the library (tsconfig.build.json) into a cache directory, unless the cache was built from
 * exactly these sources, tsconfigs and TypeScript version (a content hash): an unchanged library
 * is not compiled again, which keeps this test affordable in the test command.
 */
async function buildLibrary(outDir: string): Promise<void> {
  const hash = createHash("sha256").update(installedVersion("typescript"));
  for (const file of filesOf(["tsconfig.json", "tsconfig.build.json", "components", "lib", "config", "testing"])) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(ROOT, file)))
      .update("\0");
  }
  const digest = hash.digest("hex");
  const marker = `${outDir}.sha256`;
  if (existsSync(outDir) && existsSync(marker) && readFileSync(marker, "utf8") === digest) return;
  rmSync(outDir, { recursive: true, force: true });
  await run(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", outDir], { cwd: ROOT });
  writeFileSync(marker, digest);
}

/**
 * A copy of the package to pack from, as `npm pack`'s prepack leaves it: the library built
 * (`npm run build`, here into a cache) and the SDKs bundled (scripts/bundle-sdks.mjs, run as
 * prepack runs it). The SDKs are the ones every other test runs against: built into their `bin/`
 * by `npm ci` (prepare) and `npm run build:sdks`. Packing a copy never touches this checkout.
 */
async function packingCopy(): Promise<string> {
  const dir = join(work, "source");
  await buildLibrary(join(CACHE, "dist"));
  for (const entry of ["package.json", "README.md", "scripts"]) cpSync(join(ROOT, entry), join(dir, entry), { recursive: true });
  cpSync(join(CACHE, "dist"), join(dir, "dist"), { recursive: true });
  for (const [name, sdk] of LOCAL_SDKS) {
    cpSync(join(ROOT, sdk, "package.json"), join(dir, sdk, "package.json"));
    cpSync(join(ROOT, sdk, "bin"), join(dir, sdk, "bin"), { recursive: true });
    const link = join(dir, "node_modules", name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), join(dir, sdk)), link);
  }
  await run(process.execPath, [join(dir, "scripts", "bundle-sdks.mjs")], { cwd: dir });
  return dir;
}

/**
 * The consumer project, with the peers installed once and kept between runs (keyed by their
 * versions) in this repo's node_modules cache: installing them is most of a cold run.
 */
async function consumerProject(): Promise<string> {
  const peers = Object.fromEntries(
    [
      ...Object.keys(manifest.peerDependencies),
      ...Object.keys(manifest.dependencies).filter((d) => !manifest.dependencies[d]!.startsWith("file:")),
    ].map((name) => [name, installedVersion(name)]),
  );
  const key = createHash("sha256").update(JSON.stringify(peers)).digest("hex").slice(0, 12);
  const dir = join(CACHE, key);
  if (!existsSync(join(dir, "node_modules", "@pulumi", "pulumi"))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, dependencies: peers }, null, 2));
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: dir });
  }
  return dir;
}

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
// The providers' own files, not the package indexes (which load every resource): \`.js\` for ESM.
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve/provider.js";
import * as k8s from "@pulumi/kubernetes/provider.js";
import { ArgoCDInstall, EdgeServer, OidcApp, ProxmoxCluster, PublicService, TalosBootstrap, type TalosRole } from "homelab";
import { register } from "homelab/testing";

const role: TalosRole = "controlplane";

export async function main(): Promise<string[]> {
  const r = await register(() => {
    const proxmox = new proxmoxve.Provider("pve", { endpoint: "https://pve.example.net:8006/" });
    const vms = new ProxmoxCluster("lab", {
      clusterName: "lab",
      talosVersion: "v1.13.9",
      images: { base: { extensions: ["siderolabs/qemu-guest-agent"] } },
      network: { prefixLength: 24, gateway: "10.0.0.1", nameservers: ["10.0.0.1"], bridge: "vmbr0" },
      nodes: [{ name: "cp1", role, host: "pve1", vmId: 101, ip: "10.0.0.11", macAddress: "02:00:00:00:01:01", image: "base",
                cpu: { cores: 2 }, memory: { size: 4096 }, disk: { size: 20, datastore: "local-lvm" } }],
    }, { providers: [proxmox] });
    const cluster = new TalosBootstrap("lab", {
      clusterName: "lab",
      talosVersion: "v1.13.9",
      network: { cidr: "10.0.0.0/24", gateway: "10.0.0.1", nameservers: ["10.0.0.1"] },
      nodes: [{ name: "cp1", role, ip: "10.0.0.11", macAddress: "02:00:00:00:01:01", installImage: vms.installerImages["base"]!, machine: vms.vms["cp1"]! }],
    });
    const provider = new k8s.Provider("k8s", { kubeconfig: cluster.kubeconfig });
    new ArgoCDInstall("argocd", {
      hostname: "argocd.lab.example.net",
      gateway: { name: "homelab", namespace: "gateway" },
      repo: { url: "https://github.com/me/apps.git" },
      applicationSets: "single",
    }, { provider });
    // The bundled @pulumi/authentik (a parameterized package) and the hcloud and command peers.
    new OidcApp("grafana", {
      displayName: "Grafana", slug: "grafana", redirectUris: [{ url: "https://grafana.example.net/login/generic_oauth" }],
      propertyMappings: [], authorizationFlow: "consent", invalidationFlow: "logout", authentikUrl: "https://auth.example.net",
      allow: [{ name: "homelab-users", id: "0b4b6f5c-5a4e-4c3b-9f4e-2a1d3c4b5a6f" }],
    });
    new EdgeServer("edge", {
      serverType: "cx23", image: "ubuntu-24.04", location: "fsn1", cloudConfig: { packages: ["docker.io"] }, adminUser: "ops",
      sshPublicKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIConsumerKey me@laptop"], firewallRules: [],
      files: { "compose.yaml": "services: {}\\n" }, secretFiles: {},
    });
    new PublicService("wiki", {
      hostname: "wiki.example.net", upstream: { url: "http://10.0.0.60:3000" }, auth: "forward",
      edge: {
        connection: { host: "203.0.113.10", user: "ops" }, dynamicDir: "/opt/edge/traefik/dynamic", ipv4: "203.0.113.10",
        traefik: { entryPoint: "websecure", certResolver: "letsencrypt", forwardAuthMiddleware: "authentik@file", authentikService: "authentik@file" },
      },
      dns: { zoneId: "zone", comment: "managed by my-repo" },
      authentik: {
        authorizationFlow: "consent", invalidationFlow: "logout", authentikUrl: "https://auth.example.net",
        outpost: "3f0c2b5e-8d1a-4c6e-9b2f-7a4d5e6f8a9b",
      },
      allow: [{ name: "homelab-users", id: "0b4b6f5c-5a4e-4c3b-9f4e-2a1d3c4b5a6f" }],
    });
    const endpoint: pulumi.Output<string> = cluster.endpoint;
    return endpoint;
  });
  return r.run.resources.filter((x) => x.type.startsWith("homelab:")).map((x) => x.type + "::" + x.name).sort();
}
`;

/**
 * The README's component examples (its "Components" section), as one function of the consumer's:
 * they must compile as written, under `strict` and `noUncheckedIndexedAccess`. What they take from
 * around them (providers, a token, the test's expect) is declared here.
 */
function readmeExamples(): string {
  const section = readFileSync(join(ROOT, "docs", "components.md"), "utf8");
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const body = blocks
    .join("\n")
    .split("\n")
    .filter((line) => !line.startsWith("import "))
    .map((line) => line.replace(/^export const /, "const "))
    .join("\n");
  return `
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes/provider";
import { ArgoCDInstall, CertManager, CiliumInstall, ClusterAddons, Gateway, GatewayApiCrds, OidcApp, ProxmoxCluster, TalosBootstrap } from "homelab";
import { register } from "homelab/testing";

declare const proxmoxProvider: pulumi.ProviderResource;
declare const talosProvider: pulumi.ProviderResource;
declare const provider: k8s.Provider;
declare const token: pulumi.Output<string>;
declare const authentikProvider: pulumi.ProviderResource;
declare const scopeIds: pulumi.Output<string[]>;
declare const consentFlow: { id: pulumi.Output<string> };
declare const logoutFlow: { id: pulumi.Output<string> };
declare const labUsers: { id: pulumi.Output<string> };
declare function expect(value: unknown): { toHaveLength(length: number): void };

export async function readme(): Promise<void> {
${body}
}
`;
}

const TSCONFIG = (module: string) =>
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      module,
      moduleResolution: module,
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      outDir: "out",
      types: ["node"],
      typeRoots: [join(ROOT, "node_modules", "@types")],
    },
    include: ["*.ts"],
  });

describe("the package in another project", () => {
  test("packs, installs, type-checks and runs from CommonJS and ESM", { timeout: 240_000 }, async () => {
    const [source, consumer] = await Promise.all([packingCopy(), consumerProject()]);
    const packed = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", work, "--json"], { cwd: source });
    const tarball = join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
    const files = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    const bundled = (f: string) => LOCAL_SDKS.some(([name]) => f.startsWith(`node_modules/${name}/`));
    expect(files.filter((f) => !f.startsWith("dist/") && !bundled(f))).toEqual(["README.md", "package.json"]);
    for (const [name] of LOCAL_SDKS) expect(files).toContain(`node_modules/${name}/bin/index.js`);
    expect(files.some((f) => f.endsWith(".map") || f.startsWith("dist/cli/") || f.startsWith("dist/stacks/"))).toBe(false);

    // npm pack writes the same bytes for the same files: an unchanged package is not installed again.
    const digest = createHash("sha256").update(readFileSync(tarball)).digest("hex");
    const marker = join(consumer, "installed-homelab.sha256");
    if (!existsSync(marker) || readFileSync(marker, "utf8") !== digest) {
      await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], { cwd: consumer });
      // The install is whole (npm ls exits 0): checked when it changes, the only time it can.
      const ls = await run("npm", ["ls", "--all", "--json"], { cwd: consumer });
      expect((JSON.parse(ls.stdout) as { problems?: string[] }).problems ?? []).toEqual([]);
      writeFileSync(marker, digest);
    }

    const flavours = [
      { dir: "cjs", module: "node16", type: "commonjs", entry: "main.js", load: "require('./out/main.js')" },
      { dir: "esm", module: "nodenext", type: "module", entry: "main.js", load: "import('./out/main.js')" },
    ];
    const results = await Promise.all(
      flavours.map(async (f) => {
        const dir = join(consumer, f.dir);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, "package.json"), JSON.stringify({ type: f.type }));
        writeFileSync(join(dir, "tsconfig.json"), TSCONFIG(f.module));
        writeFileSync(join(dir, "main.ts"), PROGRAM);
        // The README's examples once (as CommonJS, the way Pulumi's templates compile).
        if (f.type === "commonjs") writeFileSync(join(dir, "readme.ts"), readmeExamples());
        // Type-checked again whenever the sources, the installed package or TypeScript change: the
        // same inputs have passed before (most of a warm run's time is tsc reading the SDKs' types).
        const inputs = createHash("sha256")
          .update(`${installedVersion("typescript")}\0${digest}\0${TSCONFIG(f.module)}\0${PROGRAM}\0`)
          .update(f.type === "commonjs" ? readmeExamples() : "")
          .digest("hex");
        const checked = join(dir, "typechecked.sha256");
        if (!existsSync(checked) || readFileSync(checked, "utf8") !== inputs || !existsSync(join(dir, "out", f.entry))) {
          await run(process.execPath, [tsc, "-p", ".", "--incremental"], { cwd: dir });
          writeFileSync(checked, inputs);
        }
        const script = `Promise.resolve(${f.load}).then((m) => m.main()).then((r) => console.log(JSON.stringify(r)))`;
        const out = await run(process.execPath, ["-e", script], { cwd: dir });
        return JSON.parse(out.stdout) as string[];
      }),
    );
    const expected = [
      "homelab:authentik:OidcApp::grafana",
      "homelab:edge:EdgeServer::edge",
      "homelab:edge:PublicService::wiki",
      "homelab:kubernetes:ArgoCDInstall::argocd",
      "homelab:proxmox:ProxmoxCluster::lab",
      "homelab:talos:TalosBootstrap::lab",
    ];
    expect(results).toEqual([expected, expected]);
  });
});
