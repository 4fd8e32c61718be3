import { describe, expect, test } from "vitest";
import { engineDiff, MASK, UNKNOWN, type PlannedResource, type PlannedStack } from "../../testing/engine";

/**
 * The engine-faithful diff on small hand-made plans, one engine rule at a time (pulumi/pulumi
 * step_generator.go, v3.248): what forces a replacement, in which order, and what refuses.
 */

const STACK = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s";
const urn = (type: string, name: string) => `urn:pulumi:s::p::pulumi:pulumi:Stack$${type}::${name}`;

const COMMAND = "command:local:Command";
const REMOTE = "command:remote:Command";
const SERVER = "hcloud:index/server:Server";
const RECORD = "cloudflare:index/dnsRecord:DnsRecord";
const SECRET = "kubernetes:core/v1:Secret";
const K8S = "pulumi:providers:kubernetes";
const NAMESPACE = "kubernetes:core/v1:Namespace";

function r(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlannedResource> = {}): PlannedResource {
  return { urn: urn(type, name), type, name, parent: STACK, custom: true, inputs, dependencies: [], ...extra };
}
const plan = (...resources: PlannedResource[]): PlannedStack => ({ stack: "s", resources });
const ops = (d: ReturnType<typeof engineDiff>) => Object.fromEntries(d.steps.map((s) => [s.name, s.op]));
const order = (d: ReturnType<typeof engineDiff>) =>
  d.sequence.map((s) => `${s.action} ${s.name}${s.runs ? ` (${s.runs})` : ""}${s.skipped ? ` [${s.skipped}]` : ""}`);

describe("updates", () => {
  test("a changed input is an update; equal inputs are nothing; a secret changes by its fingerprint, never shown", () => {
    const base = plan(
      r(RECORD, "a", { zoneId: "z", type: "A", name: "a", content: "1.1.1.1", ttl: 1 }),
      r(RECORD, "b", { zoneId: "z", type: "A", name: "b", content: "2.2.2.2", ttl: 1 }),
      r(COMMAND, "c", { create: "x", stdin: MASK }, { secretHashes: { stdin: "aaaa" } }),
    );
    const head = plan(
      r(RECORD, "a", { zoneId: "z", type: "A", name: "a", content: "1.1.1.2", ttl: 1 }),
      r(RECORD, "b", { zoneId: "z", type: "A", name: "b", content: "2.2.2.2", ttl: 1 }),
      r(COMMAND, "c", { create: "x", stdin: MASK }, { secretHashes: { stdin: "bbbb" } }),
    );
    const d = engineDiff(base, head);
    expect(ops(d)).toEqual({ a: "update", c: "update" });
    expect(d.steps.find((s) => s.name === "a")!.changes).toEqual([
      { path: "content", before: "1.1.1.1", after: "1.1.1.2", kind: "value" },
    ]);
    expect(d.steps.find((s) => s.name === "c")!.changes).toEqual([{ path: "stdin", before: MASK, after: MASK, kind: "secret" }]);
    expect(JSON.stringify(d)).not.toMatch(/aaaa|bbbb/);
    expect(d.counts).toEqual({ create: 0, update: 2, replace: 0, delete: 0, same: 1 });
  });

  test("ignoreChanges paths are not changes; a protect change alone is state only (no provider call, no script)", () => {
    const base = plan(r(SERVER, "s", { name: "s", userData: "one", serverType: "cx22" }, { ignoreChanges: ["userData"] }));
    const head = plan(r(SERVER, "s", { name: "s", userData: "two", serverType: "cx22" }, { ignoreChanges: ["userData"] }));
    expect(engineDiff(base, head).steps).toEqual([]);
    const unprotected = engineDiff(plan({ ...base.resources[0]!, protect: true }), head);
    expect(unprotected.steps[0]).toMatchObject({ op: "update", stateOnly: true, changes: [], ignored: ["userData"] });
  });

  test("an unknown value is a change when what it comes from changes, and nothing when it does not", () => {
    const upstream = (v: string) => r(COMMAND, "up", { create: v });
    const down = r(COMMAND, "down", { create: UNKNOWN }, { propertyDependencies: { create: [urn(COMMAND, "up")] } });
    expect(ops(engineDiff(plan(upstream("1"), down), plan(upstream("2"), down)))).toEqual({ up: "update", down: "update" });
    expect(ops(engineDiff(plan(upstream("1"), down), plan(upstream("1"), down)))).toEqual({});
  });

  test("an input from a resource created or replaced in this run is unknown in a preview, whatever the placeholder says", () => {
    const zone = (name: string) => r(RECORD, name, { zoneId: "z", type: "A", name: "x", content: "1.1.1.1", ttl: 1 });
    const user = (from: string) =>
      r(COMMAND, "user", { create: "same" }, { propertyDependencies: { create: [urn(RECORD, from)] } });
    const d = engineDiff(plan(zone("old"), user("old")), plan(zone("new"), user("new")));
    expect(d.steps.find((s) => s.name === "user")!.changes).toEqual([
      { path: "create", before: "same", after: UNKNOWN, kind: "unknown" },
    ]);
  });
});

describe("replacements", () => {
  test("an input the provider replaces on: created first, the old one deleted at the end", () => {
    const record = (type: string) => r(RECORD, "a", { zoneId: "z", type, name: "a", content: "x", ttl: 1 });
    const other = (v: string) => r(COMMAND, "other", { create: v });
    const d = engineDiff(plan(record("A"), other("1")), plan(record("CNAME"), other("2")));
    expect(d.steps.find((s) => s.name === "a")).toMatchObject({
      op: "replace",
      replaceMode: "create-before-delete",
      reasons: ["type: the provider replaces on type"],
      stateful: "a public DNS record (the name stops resolving)",
    });
    expect(order(d)).toEqual(["create-replacement a", "update other (create)", "delete-replaced a"]);
  });

  test("@pulumi/command's own replaceOnChanges: a changed trigger replaces the command; its new create runs, then its old delete, last", () => {
    const command = (t: string, del: string) =>
      r(REMOTE, "file", { create: "write", delete: del, triggers: [t] }, { replaceOnChanges: ["triggers[*]"] });
    const d = engineDiff(plan(command("h1", "rm old")), plan(command("h2", "rm new")));
    expect(d.steps[0]).toMatchObject({ op: "replace", reasons: ["triggers[0]: replaceOnChanges triggers[*]"] });
    expect(d.steps[0]!.scripts).toEqual([
      { script: "create", inputs: "new" },
      { script: "delete", inputs: "old" },
    ]);
    expect(order(d)).toEqual(["create-replacement file (create)", "delete-replaced file (delete)"]);
  });

  test("the same change without triggers is an update that runs the update script (create when there is none)", () => {
    const command = (stdin: string, update?: string) =>
      r(REMOTE, "file", { create: "write", delete: "rm", stdin, ...(update ? { update } : {}) });
    expect(order(engineDiff(plan(command("a", "u")), plan(command("b", "u"))))).toEqual(["update file (update)"]);
    expect(order(engineDiff(plan(command("a")), plan(command("b"))))).toEqual(["update file (create)"]);
  });

  test("deleteBeforeReplace: the old one goes first, with the dependents a replacement would replace (their inputs from it unknown) and those replaced with it", () => {
    const server = (image: string) => r(SERVER, "server", { name: "server", image }, { deleteBeforeReplace: true });
    const s = urn(SERVER, "server");
    const ready = r(REMOTE, "ready", { create: "wait", connection: MASK }, { replaceWith: [s], dependencies: [s] });
    const trigger = r(
      REMOTE,
      "trigger",
      { create: "t", triggers: ["id"] },
      {
        replaceOnChanges: ["triggers[*]"],
        propertyDependencies: { triggers: [s] },
        dependencies: [s],
      },
    );
    const file = r(
      REMOTE,
      "file",
      { create: "write", connection: MASK },
      { propertyDependencies: { connection: [s] }, dependencies: [s] },
    );
    const d = engineDiff(plan(server("ubuntu-22.04"), ready, trigger, file), plan(server("ubuntu-24.04"), ready, trigger, file));
    expect(ops(d)).toEqual({ server: "replace", ready: "replace", trigger: "replace", file: "update" });
    expect(order(d)).toEqual([
      "delete-replaced trigger (nothing)",
      "delete-replaced ready (nothing)",
      "delete-replaced server",
      "create-replacement server",
      "update file (create)",
      "create-replacement ready (create)",
      "create-replacement trigger (create)",
    ]);
  });

  test("the provider's own delete-first: an explicitly named bridged resource (Hetzner names are unique), a Kubernetes object keeping its name", () => {
    const server = (location: string) => r(SERVER, "s", { name: "s", location });
    expect(engineDiff(plan(server("fsn1")), plan(server("nbg1"))).steps[0]!.replaceMode).toBe("delete-before-replace");
    const secret = (type: string, name = "token") => r(SECRET, "sec", { metadata: { name }, type, stringData: MASK });
    expect(engineDiff(plan(secret("Opaque")), plan(secret("x"))).steps[0]!.replaceMode).toBe("delete-before-replace");
    expect(engineDiff(plan(secret("Opaque")), plan(secret("x", "other"))).steps[0]!.replaceMode).toBe("create-before-delete");
  });

  test("a replaced provider replaces every resource it manages; a kubeconfig change may replace one without clusterIdentifier", () => {
    const provider = (identifier: string | undefined, kubeconfig: string) =>
      r(K8S, "k8s", { kubeconfig, ...(identifier ? { clusterIdentifier: identifier } : {}) });
    const ns = r(NAMESPACE, "ns", { metadata: { name: "apps" } }, { provider: `${urn(K8S, "k8s")}::id` });
    const replaced = engineDiff(plan(provider("a", "x"), ns), plan(provider("b", "x"), ns));
    expect(ops(replaced)).toEqual({ k8s: "replace", ns: "replace" });
    expect(replaced.steps.find((s) => s.name === "ns")!.reasons).toEqual(["its provider k8s is replaced"]);
    const pinned = engineDiff(plan(provider("a", "x"), ns), plan(provider("a", "y"), ns));
    expect(ops(pinned)).toEqual({ k8s: "update" });
    expect(pinned.steps[0]!.notes).toEqual([]);
    const unpinned = engineDiff(plan(provider(undefined, "x"), ns), plan(provider(undefined, "y"), ns));
    expect(unpinned.steps[0]!.notes).toEqual([
      "a change to kubeconfig replaces this provider (and every resource it manages) when the cluster it points at changes; clusterIdentifier pins that",
    ]);
  });

  test("provider defaults: an input left out equals its default (the state holds it), so setting it to the default is no change and another value is an update", () => {
    const stage = (inputs: Record<string, unknown>) =>
      r("authentik:index/stageIdentification:StageIdentification", "stage", { name: "login", ...inputs });
    expect(ops(engineDiff(plan(stage({})), plan(stage({ caseInsensitiveMatching: true }))))).toEqual({});
    const changed = engineDiff(plan(stage({})), plan(stage({ caseInsensitiveMatching: false })));
    expect(ops(changed)).toEqual({ stage: "update" });
    expect(changed.steps[0]!.changes.map((c) => [c.path, c.before, c.after])).toEqual([["caseInsensitiveMatching", true, false]]);
  });

  test("conditional rules: Talos secrets replace only on a lower version; a VM moves host in place with migrate", () => {
    const secrets = (v: string) => r("talos:machine/secrets:Secrets", "secrets", { talosVersion: v });
    expect(ops(engineDiff(plan(secrets("v1.12")), plan(secrets("v1.13"))))).toEqual({ secrets: "update" });
    expect(ops(engineDiff(plan(secrets("v1.13")), plan(secrets("v1.12"))))).toEqual({ secrets: "replace" });
    const vm = (nodeName: string, migrate: boolean) =>
      r("proxmoxve:index/vmLegacy:VmLegacy", "vm", { name: "vm", nodeName, migrate });
    expect(ops(engineDiff(plan(vm("pve1", true)), plan(vm("pve2", true))))).toEqual({ vm: "update" });
    const moved = engineDiff(plan(vm("pve1", false)), plan(vm("pve2", false)));
    expect(moved.steps[0]).toMatchObject({
      op: "replace",
      replaceMode: "delete-before-replace",
      stateful: "the VM and its disks",
    });
    expect(moved.steps[0]!.notes).toEqual([]);
    const updated = engineDiff(plan(vm("pve1", true)), plan(vm("pve2", true)));
    expect(updated.steps[0]!.notes).toEqual(["nodeName: migrates the VM to the new host"]);
  });

  test("replacementTrigger: a changed value replaces, a first one does not", () => {
    const c = (t?: string) => r(COMMAND, "c", { create: "x" }, t === undefined ? {} : { replacementTrigger: t });
    expect(ops(engineDiff(plan(c("1")), plan(c("2"))))).toEqual({ c: "replace" });
    expect(ops(engineDiff(plan(c()), plan(c("2"))))).toEqual({});
  });

  test("an input whose id the provider moves in place is flagged: Pulumi keeps the old id on an update", () => {
    const app = (slug: string) => r("authentik:index/application:Application", "app", { name: "App", slug });
    expect(engineDiff(plan(app("a")), plan(app("b"))).steps[0]!.notes).toEqual([
      "slug changes the object's id in the provider, but Pulumi keeps the old id on an update: later updates and refreshes go to the old one (replaceOnChanges slug avoids it)",
    ]);
  });
});

describe("what the engine refuses, retains or leaves to another", () => {
  test("replacing a resource protected before and after fails; unprotecting in the same run is allowed", () => {
    const record = (type: string, protect: boolean) =>
      r(RECORD, "a", { zoneId: "z", type, name: "a", content: "x", ttl: 1 }, { protect });
    const blocked = engineDiff(plan(record("A", true)), plan(record("CNAME", true)));
    expect(blocked.failures).toEqual([
      `${RECORD} a: replacing a protected resource: the engine refuses and \`pulumi up\` stops here (unprotect it first: protect false, then the replacement)`,
    ]);
    expect(order(blocked)).toEqual(["create-replacement a [blocked]"]);
    expect(engineDiff(plan(record("A", true)), plan(record("CNAME", false))).failures).toEqual([]);
  });

  test("deleting a resource protected in the state fails, even when the program would unprotect it", () => {
    const d = engineDiff(plan(r(RECORD, "a", { zoneId: "z" }, { protect: true })), plan());
    const refused =
      "deleting a protected resource: the engine refuses and `pulumi up` fails (set protect false and run `pulumi up` first)";
    expect(d.steps[0]).toMatchObject({ op: "delete", blocked: refused });
    expect(d.failures).toEqual([`${RECORD} a: ${refused}`]);
    expect(order(d)).toEqual(["delete a [blocked]"]);
  });

  test("a provider that refuses a delete (Hetzner's delete protection) fails the run", () => {
    const d = engineDiff(plan(r(SERVER, "s", { name: "s", deleteProtection: true })), plan());
    expect(d.failures).toEqual([
      `${SERVER} s: the provider refuses the delete: Hetzner refuses to delete a server with delete protection (the provider never lifts it) (turn it off with an update first)`,
    ]);
  });

  test("retainOnDelete leaves it in place; deletedWith skips its delete call when its owner goes too", () => {
    const owner = r(COMMAND, "owner", { create: "x", delete: "rm" });
    const kept = r(REMOTE, "kept", { create: "x", delete: "rm" }, { retainOnDelete: true });
    const child = r(REMOTE, "child", { create: "x", delete: "rm" }, { deletedWith: urn(COMMAND, "owner") });
    const d = engineDiff(plan(owner, kept, child), plan());
    expect(d.steps.map((s) => [s.name, s.op, s.retained ?? false, s.deletedWith ?? ""])).toEqual([
      ["owner", "delete", false, ""],
      ["child", "delete", false, "owner"],
      ["kept", "delete", true, ""],
    ]);
    expect(order(d)).toEqual([
      "delete kept (nothing) [retained]",
      "delete child (nothing) [deleted-with]",
      "delete owner (delete)",
    ]);
  });

  test("rules for a type of one's own: without them an update, noted; with them the replacement they name", () => {
    const widget = (size: number) => r("acme:index:Widget", "w", { size });
    const unknown = engineDiff(plan(widget(1)), plan(widget(2)));
    expect(unknown.steps.map((s) => [s.op, s.notes])).toEqual([
      ["update", ["no provider rules for this type: its replacements are not known here"]],
    ]);
    const rules = {
      "acme:index:Widget": { source: "acme/terraform-provider-acme widget.go (ForceNew: size)", replaceOn: ["size"] },
    };
    const known = engineDiff(plan(widget(1)), plan(widget(2)), { rules });
    expect(known.steps.map((s) => [s.op, s.reasons])).toEqual([["replace", ["size: the provider replaces on size"]]]);
  });

  test("an alias carries a renamed resource: an update, not a delete and a create", () => {
    const before = r(COMMAND, "old-name", { create: "x" });
    const after = r(COMMAND, "new-name", { create: "y" }, { aliases: [{ name: "old-name", parentUrn: STACK }] });
    expect(ops(engineDiff(plan(before), plan(after)))).toEqual({ "new-name": "update" });
  });

  test("an alias under a component: its URN is the component's type and the resource's, as plans name them", () => {
    const component = "urn:pulumi:s::p::pulumi:pulumi:Stack$my:index:Edge::edge";
    const child = (name: string, extra: Partial<PlannedResource> = {}): PlannedResource => ({
      urn: `urn:pulumi:s::p::my:index:Edge$${REMOTE}::${name}`,
      type: REMOTE,
      name,
      parent: component,
      custom: true,
      inputs: { create: "x", delete: "rm -f keys" },
      dependencies: [],
      ...extra,
    });
    const d = engineDiff(
      plan(child("edge-keys")),
      plan(child("edge-ssh", { aliases: [{ name: "edge-keys", parentUrn: component }] })),
    );
    expect(ops(d)).toEqual({});
    expect(order(d)).toEqual([]);
    const changed = engineDiff(
      plan(child("edge-keys")),
      plan(child("edge-ssh", { aliases: [{ name: "edge-keys" }], inputs: { create: "y" } })),
    );
    expect(changed.steps.map((s) => [s.name, s.op, s.previousUrn])).toEqual([
      ["edge-ssh", "update", `urn:pulumi:s::p::my:index:Edge$${REMOTE}::edge-keys`],
    ]);
  });

  test("deletes run at the end, dependents first", () => {
    const a = r(COMMAND, "a", { create: "x", delete: "rm a" });
    const b = r(COMMAND, "b", { create: "x", delete: "rm b" }, { dependencies: [urn(COMMAND, "a")] });
    const n = r(COMMAND, "n", { create: "x" });
    expect(order(engineDiff(plan(a, b), plan(n)))).toEqual(["create n (create)", "delete b (delete)", "delete a (delete)"]);
  });

  test("blocked steps come first, then replacements and deletes of stateful resources", () => {
    const d = engineDiff(
      plan(
        r(COMMAND, "c", { create: "1" }),
        r(RECORD, "dns", { zoneId: "z" }),
        r(SERVER, "vps", { name: "vps" }, { protect: true }),
      ),
      plan(r(COMMAND, "c", { create: "2" })),
    );
    expect(d.steps.map((s) => s.name)).toEqual(["vps", "dns", "c"]);
  });
});
