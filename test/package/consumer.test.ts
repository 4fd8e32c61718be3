import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

/**
 * The package as other projects install it, every way: the tarball `npm run pack` makes, installed
 * by npm alone (the peers come in as npm installs peers) and by pnpm, and a git URL of this
 * repository (npm clones it, installs and builds it in the clone, packs the clone). Each install must
 * be whole (`npm ls --all` exits 0; for pnpm, its peers met and `pnpm ls` resolving), and a
 * program of the consumer's — CommonJS, NodeNext ESM with named imports from `homelab/talos` and
 * `homelab/authentik`, and `moduleResolution: bundler` — type-checks against the installed types and
 * runs under `homelab/testing`'s `register`, constructing both bundled SDKs' providers and an
 * Authentik flow lookup.
 *
 * Minutes of installs, so not part of `npm test`: `.ci/run` runs this file as a step of its own with
 * HOMELAB_PACKAGE_TESTS=1 (the cheap checks of the same design, in package.test.ts, run always).
 * It packs from this working tree and installs the git URL of a snapshot of it (tracked and
 * untracked files, committed in a scratch repository), so it tests what is here, committed or not.
 */

const ROOT = join(__dirname, "..", "..");
const ENABLED = process.env.HOMELAB_PACKAGE_TESTS === "1";
/** pnpm from the registry: 10.x is the newest line that runs on Node 20 (11.x does not). */
const PNPM = "pnpm@10.34.9";
/** The oldest TypeScript the package states it supports (package.json `peerDependencies.typescript`). */
const OLDEST_TYPESCRIPT = "typescript@5.4.5";

const exec = promisify(execFile);
const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  exec(cmd, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
const NPM_INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund"];
const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};
const installedVersion = (name: string) =>
  (JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;

/** `npm ls --all` in `dir`: its exit code and the problems it names. */
async function npmLs(dir: string): Promise<{ code: number; problems: string[] }> {
  try {
    const out = await run("npm", ["ls", "--all", "--json"], dir);
    return { code: 0, problems: (JSON.parse(out.stdout) as { problems?: string[] }).problems ?? [] };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, problems: (JSON.parse(err.stdout) as { problems?: string[] }).problems ?? [] };
  }
}

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
// The providers' own files, not the package indexes (which load every resource): \`.js\` for ESM.
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve/provider.js";
import * as k8s from "@pulumi/kubernetes/provider.js";
import { ArgoCDInstall, EdgeServer, OidcApp, ProxmoxCluster, PublicService, TalosBootstrap, type TalosRole } from "homelab";
import { Provider as AuthentikProvider, getFlowOutput, type GetFlowResult } from "homelab/authentik";
import * as talos from "homelab/talos";
import { register } from "homelab/testing";

const role: TalosRole = "controlplane";

export async function main(): Promise<{ resources: string[]; flows: unknown[] }> {
  // An async program: what it creates after an await is recorded too.
  const r = await register(async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    const proxmox = new proxmoxve.Provider("pve", { endpoint: "https://pve.example.net:8006/" });
    const talosProvider = new talos.Provider("talos", { imageFactoryUrl: "https://factory.talos.dev" });
    const vms = new ProxmoxCluster("lab", {
      clusterName: "lab",
      talosVersion: "v1.13.9",
      images: { base: { extensions: ["siderolabs/qemu-guest-agent"] } },
      network: { prefixLength: 24, gateway: "10.0.0.1", nameservers: ["10.0.0.1"], bridge: "vmbr0" },
      nodes: [{ name: "cp1", role, host: "pve1", vmId: 101, ip: "10.0.0.11", macAddress: "02:00:00:00:01:01", image: "base",
                cpu: { cores: 2 }, memory: { size: 4096 }, disk: { size: 20, datastore: "local-lvm" } }],
    }, { providers: [proxmox, talosProvider] });
    const cluster = new TalosBootstrap("lab", {
      clusterName: "lab",
      talosVersion: "v1.13.9",
      network: { cidr: "10.0.0.0/24", gateway: "10.0.0.1", nameservers: ["10.0.0.1"] },
      nodes: [{ name: "cp1", role, ip: "10.0.0.11", macAddress: "02:00:00:00:01:01", installImage: vms.installerImages["base"]!, machine: vms.vms["cp1"]! }],
    }, { providers: [talosProvider] });
    const provider = new k8s.Provider("k8s", { kubeconfig: cluster.kubeconfig });
    new ArgoCDInstall("argocd", {
      hostname: "argocd.lab.example.net",
      gateway: { name: "homelab", namespace: "gateway" },
      repo: { url: "https://github.com/me/apps.git" },
      applicationSets: "single",
    }, { provider });
    // The bundled Authentik SDK (a parameterized package): its provider and a flow lookup through it.
    const authentik = new AuthentikProvider("authentik", { url: "https://auth.example.net", token: pulumi.secret("t") });
    const consent: pulumi.Output<GetFlowResult> = getFlowOutput({ slug: "default-provider-authorization-implicit-consent" }, { provider: authentik });
    new OidcApp("grafana", {
      displayName: "Grafana", slug: "grafana", redirectUris: [{ url: "https://grafana.example.net/login/generic_oauth" }],
      propertyMappings: [], authorizationFlow: consent.id, invalidationFlow: "logout", authentikUrl: "https://auth.example.net",
      allow: [{ name: "homelab-users", id: "0b4b6f5c-5a4e-4c3b-9f4e-2a1d3c4b5a6f" }],
    }, { provider: authentik });
    // The hcloud and command peers.
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
    }, { provider: authentik });
    return cluster.endpoint;
  });
  return {
    resources: r.run.resources
      .filter((x) => x.type.startsWith("homelab:") || x.type.startsWith("pulumi:providers:"))
      .map((x) => x.type + "::" + x.name)
      .sort(),
    flows: r.invokes("authentik:index/getFlow:getFlow").map((i) => i.args),
  };
}
`;

const EXPECTED = {
  resources: [
    "homelab:authentik:OidcApp::grafana",
    "homelab:edge:EdgeServer::edge",
    "homelab:edge:PublicService::wiki",
    "homelab:kubernetes:ArgoCDInstall::argocd",
    "homelab:proxmox:ProxmoxCluster::lab",
    "homelab:talos:TalosBootstrap::lab",
    "pulumi:providers:authentik::authentik",
    "pulumi:providers:kubernetes::k8s",
    "pulumi:providers:proxmoxve::pve",
    "pulumi:providers:talos::talos",
  ],
  flows: [{ slug: "default-provider-authorization-implicit-consent" }],
};

/** The consumer's compiler settings per flavour; `bundler` is type-checked only (a bundler would run it). */
const FLAVOURS = [
  { dir: "cjs", type: "commonjs", module: "node16", moduleResolution: "node16", load: "require('./out/main.js')" },
  { dir: "esm", type: "module", module: "nodenext", moduleResolution: "nodenext", load: "import('./out/main.js')" },
  { dir: "bundler", type: "module", module: "preserve", moduleResolution: "bundler", load: undefined },
] as const;

const tsconfig = (module: string, moduleResolution: string) =>
  JSON.stringify({
    compilerOptions: {
      target: "ES2022",
      module,
      moduleResolution,
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      outDir: "out",
      types: [],
    },
    include: ["*.ts"],
  });

/**
 * Type-checks the program in each flavour in `consumer` (with this repo's TypeScript) and runs the
 * CommonJS and ESM builds; returns what each run printed.
 */
async function typeCheckAndRun(consumer: string): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const f of FLAVOURS) {
    const dir = join(consumer, f.dir);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: f.type }));
    writeFileSync(join(dir, "tsconfig.json"), tsconfig(f.module, f.moduleResolution));
    writeFileSync(join(dir, "main.ts"), PROGRAM);
    await run(process.execPath, [tsc, "-p", ".", ...(f.load ? [] : ["--noEmit"])], dir).catch((e: { stdout: string }) => {
      throw new Error(`tsc (${f.dir}) in ${dir}:\n${e.stdout}`);
    });
    if (!f.load) continue;
    const script = `Promise.resolve(${f.load}).then((m) => m.main()).then((r) => console.log(JSON.stringify(r)))`;
    const out = await run(process.execPath, ["-e", script], dir);
    results.push(JSON.parse(out.stdout));
  }
  return results;
}

/** Node's own view of the subpaths from ESM: the names its CommonJS lexer finds, as named imports. */
const ESM_NAMED_IMPORTS = `
import { Provider, client, cluster, imagefactory, machine, types } from "homelab/talos";
import { Provider as AuthentikProvider, getFlow, getFlowOutput, Application, ProviderOauth2 } from "homelab/authentik";
import { ProxmoxCluster } from "homelab";
console.log(JSON.stringify([Provider, client, cluster, imagefactory, machine, types, AuthentikProvider, getFlow, getFlowOutput,
  Application, ProviderOauth2, ProxmoxCluster].map((x) => typeof x)));
`;
const ESM_TYPES = [
  "function",
  "object",
  "object",
  "object",
  "object",
  "object",
  "function",
  "function",
  "function",
  "function",
  "function",
  "function",
];

describe.runIf(ENABLED)("the package installed every way", () => {
  let work: string;
  let snapshot: string;
  let tarball: string;
  let libraryReadme: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "homelab-install-"));
    // A scratch git repository holding this working tree as it is (tracked and untracked files).
    snapshot = join(work, "repo");
    const listed = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], ROOT);
    for (const file of listed.stdout.split("\0").filter((f) => f !== "" && existsSync(join(ROOT, f)))) {
      mkdirSync(dirname(join(snapshot, file)), { recursive: true });
      cpSync(join(ROOT, file), join(snapshot, file), { verbatimSymlinks: true });
    }
    // The library's README is docs/library.md; a fixture stands in while it is not written yet.
    libraryReadme = join(snapshot, "docs", "library.md");
    if (!existsSync(libraryReadme)) {
      mkdirSync(dirname(libraryReadme), { recursive: true });
      writeFileSync(libraryReadme, "# homelab\n\nA fixture for the library's README (docs/library.md).\n");
    }
    const git = (...args: string[]) =>
      run("git", ["-c", "user.name=test", "-c", "user.email=test@example.net", "-c", "commit.gpgsign=false", ...args], snapshot);
    await git("init", "-q");
    await git("add", "-A");
    await git("commit", "-q", "-m", "snapshot");

    const packed = await run(
      process.execPath,
      [join(ROOT, "scripts", "pack.mjs"), "--readme", libraryReadme, "--pack-destination", work, "--json"],
      ROOT,
    );
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, info!.filename);
  }, 300_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  }, 120_000);

  test(
    "the tarball, npm alone: peers installed as npm installs peers, npm ls clean, every flavour type-checks and runs",
    { timeout: 600_000 },
    async () => {
      const consumer = join(work, "npm-tarball");
      mkdirSync(consumer);
      // Only the package: npm installs its (non-optional) peers, so `require("homelab")` working here
      // proves the peer list complete.
      writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
      await run("npm", [...NPM_INSTALL, tarball], consumer);
      expect(await npmLs(consumer)).toEqual({ code: 0, problems: [] });

      const installed = join(consumer, "node_modules", "homelab");
      expect(readFileSync(join(installed, "README.md"), "utf8")).toBe(readFileSync(libraryReadme, "utf8"));
      expect(readFileSync(join(installed, "LICENSE"), "utf8")).toBe(readFileSync(join(ROOT, "LICENSE"), "utf8"));
      // The SDKs stay packages of their own (Pulumi reads their package.json `pulumi` field).
      for (const [name, plugin] of [
        ["@pulumiverse/talos", "talos"],
        ["@pulumi/authentik", "terraform-provider"],
      ]) {
        const sdk = join(installed, "node_modules", name!);
        expect(lstatSync(sdk).isDirectory()).toBe(true);
        expect((JSON.parse(readFileSync(join(sdk, "package.json"), "utf8")) as { pulumi: { name: string } }).pulumi.name).toBe(
          plugin,
        );
      }

      const loads = await run(
        process.execPath,
        [
          "-e",
          `require("homelab"); console.log(JSON.stringify([typeof require("homelab/talos").Provider, typeof require("homelab/authentik").getFlowOutput,
          require("homelab/schemas/talos.schema.json").title !== undefined, require.resolve("homelab/schemas/talos.schema.json")]))`,
        ],
        consumer,
      );
      expect(JSON.parse(loads.stdout)).toEqual([
        "function",
        "function",
        true,
        join(installed, "config", "schemas", "talos.schema.json"),
      ]);
      const esm = await run(process.execPath, ["--input-type=module", "-e", ESM_NAMED_IMPORTS], consumer);
      expect(JSON.parse(esm.stdout)).toEqual(ESM_TYPES);

      expect(await typeCheckAndRun(consumer)).toEqual([EXPECTED, EXPECTED]);

      // The oldest TypeScript the package supports, under node16 and under the legacy `node`
      // resolution that reads typesVersions, with declarations checked too (no skipLibCheck): the only
      // errors allowed are in the consumer's own @types/node (the newest, which @pulumi/pulumi brings
      // in, wants TypeScript 5.6 when its files are checked; skipLibCheck, as most projects set, hides
      // them). TypeScript 5.3 also meets zod's declarations, which use NoInfer (5.4): the minimum is real.
      const oldest = join(consumer, "oldest");
      mkdirSync(oldest);
      writeFileSync(
        join(oldest, "main.ts"),
        [
          'import { ConfigError } from "homelab/config/loader";',
          'import { talosSections } from "homelab/config/talos";',
          'import { register } from "homelab/testing";',
          'import * as talos from "homelab/talos";',
          'import { getFlowOutput } from "homelab/authentik";',
          "export const endpoint: string = talosSections.proxmox.parse({ endpoint: 'https://pve:8006/', node: 'pve' }).endpoint;",
          "export const used = [ConfigError, register, talos.Provider, getFlowOutput];",
        ].join("\n"),
      );
      /** tsc's errors outside node_modules/@types/node, one per line. */
      const errorsOf = async (typescript: string, module: string, moduleResolution: string) => {
        const options = {
          target: "ES2022",
          module,
          moduleResolution,
          strict: true,
          esModuleInterop: true,
          noEmit: true,
          types: [],
        };
        writeFileSync(join(oldest, "tsconfig.json"), JSON.stringify({ compilerOptions: options, files: ["main.ts"] }));
        const out = await run("npx", ["-y", "-p", typescript, "tsc", "-p", "."], oldest).catch((e: { stdout: string }) => e);
        return out.stdout.split("\n").filter((line) => /error TS/.test(line) && !line.startsWith("../node_modules/@types/node/"));
      };
      expect(await errorsOf(OLDEST_TYPESCRIPT, "node16", "node16")).toEqual([]);
      expect(await errorsOf(OLDEST_TYPESCRIPT, "commonjs", "node")).toEqual([]);
      expect(await errorsOf("typescript@5.3.3", "node16", "node16")).toEqual([
        expect.stringMatching(/^\.\.\/node_modules\/zod\/.*error TS2304: Cannot find name 'NoInfer'\.$/),
      ]);
    },
  );

  test(
    "a git URL: npm builds and packs its clone into the same package; npm ls clean; the program runs",
    { timeout: 900_000 },
    async () => {
      const consumer = join(work, "npm-git");
      mkdirSync(consumer);
      writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }));
      await run("npm", [...NPM_INSTALL, `git+file://${snapshot}`], consumer);
      expect(await npmLs(consumer)).toEqual({ code: 0, problems: [] });

      const installed = join(consumer, "node_modules", "homelab");
      const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as Record<string, unknown>;
      expect([pkg.scripts, pkg.devDependencies, pkg.workspaces]).toEqual([undefined, undefined, undefined]);
      expect(readFileSync(join(installed, "README.md"), "utf8")).toBe(readFileSync(libraryReadme, "utf8"));
      expect(existsSync(join(installed, "config", "schemas", "talos.schema.json"))).toBe(true);
      expect(lstatSync(join(installed, "node_modules", "@pulumiverse", "talos")).isDirectory()).toBe(true);
      // The snapshot (standing for the developer's checkout) is never rewritten: only npm's clone was.
      expect(readFileSync(join(snapshot, "package.json"), "utf8")).toBe(readFileSync(join(ROOT, "package.json"), "utf8"));
      expect(await typeCheckAndRun(consumer)).toEqual([EXPECTED, EXPECTED]);
    },
  );

  test("the tarball with pnpm: peers met, pnpm ls resolves, the program runs", { timeout: 600_000 }, async () => {
    const consumer = join(work, "pnpm");
    mkdirSync(consumer);
    // pnpm users add the peers themselves (pnpm installs missing peers for the package, not for the
    // project, which then could not import them): the versions this repo's lock file resolved.
    const peers = Object.keys(manifest.peerDependencies).filter((name) => !manifest.peerDependenciesMeta?.[name]?.optional);
    writeFileSync(
      join(consumer, "package.json"),
      JSON.stringify({
        name: "consumer",
        private: true,
        dependencies: { homelab: `file:${tarball}`, ...Object.fromEntries(peers.map((name) => [name, installedVersion(name)])) },
      }),
    );
    const installed = await run("npx", ["-y", PNPM, "install", "--prefer-offline", "--reporter=append-only"], consumer);
    // pnpm's own check of the install: no peer problem under homelab (it prints a tree of those it
    // finds; @pulumi/pulumi's own OpenTelemetry ranges show there, upstream's), each of homelab's
    // peers the project's own copy, and `pnpm ls` resolving the whole tree. (`npm ls` is no judge of
    // pnpm's layout: it reads each package under node_modules/.pnpm as a project of its own,
    // devDependencies and all, and reports thousands of problems.)
    const output = `${installed.stdout}${installed.stderr}`;
    expect(output).not.toMatch(/ERR_PNPM|─┬ homelab /);
    const homelab = realpathSync(join(consumer, "node_modules", "homelab"));
    for (const name of peers) {
      expect(realpathSync(join(dirname(homelab), name)), name).toBe(realpathSync(join(consumer, "node_modules", name)));
    }
    const ls = await run("npx", ["-y", PNPM, "ls", "--depth", "Infinity", "--json"], consumer);
    const [project] = JSON.parse(ls.stdout) as {
      dependencies: Record<string, { version: string; dependencies?: Record<string, unknown> }>;
    }[];
    expect(project!.dependencies.homelab!.version).toBe(manifest.version);
    expect(Object.keys(project!.dependencies.homelab!.dependencies ?? {}).sort()).toEqual([...peers, "yaml", "zod"].sort());
    // The bundled SDKs are in the package, real directories (pnpm does not relink bundled dependencies).
    for (const name of ["@pulumiverse/talos", "@pulumi/authentik"]) {
      expect(lstatSync(join(homelab, "node_modules", name)).isDirectory(), name).toBe(true);
    }
    expect(await typeCheckAndRun(consumer)).toEqual([EXPECTED, EXPECTED]);
  });
});

test.skipIf(ENABLED)("the installs run in .ci/run (HOMELAB_PACKAGE_TESTS=1), not in npm test", () => {
  expect(readFileSync(join(ROOT, ".ci", "run"), "utf8")).toContain("HOMELAB_PACKAGE_TESTS=1");
});
