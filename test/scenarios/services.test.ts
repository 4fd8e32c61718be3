import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { engineDiff, type PlannedStack } from "../../testing/engine";
import { mockInvoke, mockResource } from "../../testing/placeholders";
import { diff, operations, plan, resource, steps, type Plan } from "./harness";
import { carryOut, EdgeHost, plain } from "./hosts";
import { KEY_A } from "./edge-harness";

/**
 * Day 2 of the public services (Pulumi.services.yaml over the catalog in services/), carried out on
 * a stand-in edge that the example hetzner stack deployed.
 */

const ROOT = join(__dirname, "..", "..");
const dirs: string[] = [];
const hosts: EdgeHost[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const h of hosts) h.remove();
});

/** A copy of the shipped catalog, changed by `change(dir)`. */
function catalog(change: (dir: string) => void = () => undefined): string {
  const dir = mkdtempSync(join(tmpdir(), "catalog-"));
  dirs.push(dir);
  cpSync(join(ROOT, "services"), dir, { recursive: true });
  change(dir);
  return dir;
}
const planWith = (dir: string) => plan("services", (c) => (c["homelab:services"].catalog = dir));

let shipped: Promise<Plan> | undefined;
const base = () => (shipped ??= planWith(catalog()));

/** The shipped catalog's plan `b`, the plan `head` of a copy of it changed by `change`, and `d`, the run from one to the other. */
async function changed(change: (dir: string) => void) {
  const b = await base();
  const head = await planWith(catalog(change));
  return { b, head, d: diff(b, head) };
}

/** A change of the catalog: jellyfin served on another hostname, from another upstream. */
const jellyfinMoved = (dir: string) =>
  writeFileSync(
    join(dir, "jellyfin.yaml"),
    "name: jellyfin\nhostname: tv.example.net\nupstream:\n  url: http://10.20.0.51:8096\nauth: forward\n",
  );

let deployed: Promise<{ host: EdgeHost; state: Map<string, string> }> | undefined;

/** The example edge on a stand-in, with the shipped catalog's routes written (a copy of one deployment). */
async function edge() {
  deployed ??= (async () => {
    const hetzner = await plan("hetzner");
    const host = new EdgeHost([KEY_A]);
    hosts.push(host);
    carryOut(engineDiff(undefined, hetzner.planned), undefined, hetzner, host, new Map());
    const b = await base();
    const state = new Map<string, string>();
    carryOut(engineDiff(undefined, b.planned), undefined, b, host, state);
    return { host, state };
  })();
  const { host, state } = await deployed;
  const copy = host.clone();
  hosts.push(copy);
  return { host: copy, state: new Map(state) };
}

const route = (host: EdgeHost, name: string) => host.file(`/opt/edge/traefik/dynamic/service-${name}.yaml`);

/** The routes of the services these tests leave alone (status, wiki), seen in place on `host`. */
function otherRoutes(host: EdgeHost) {
  const others = { status: route(host, "status"), wiki: route(host, "wiki") };
  expect(others).toEqual({
    status: expect.stringContaining("status.example.net"),
    wiki: expect.stringContaining("wiki.example.net"),
  });
  return others;
}

describe("day 2 of the public services", () => {
  test("one service edited: that service's route only, an update that rewrites the file and never deletes it", async () => {
    const { b, head, d } = await changed(jellyfinMoved);
    expect(operations(d)).toEqual({ "jellyfin-route": "update" });
    expect(steps(d)).toEqual(["update jellyfin-route runs update"]);
    const { host, state } = await edge();
    const before = route(host, "jellyfin");
    const others = otherRoutes(host);
    carryOut(d, b, head, host, state, () => expect(route(host, "jellyfin")).toBeDefined());
    expect(route(host, "jellyfin")).not.toBe(before);
    expect(route(host, "jellyfin")).toContain("http://10.20.0.51:8096");
    expect({ status: route(host, "status"), wiki: route(host, "wiki") }).toEqual(others);
  });

  test("one service added needs one services run: its records, route and Authentik objects (its provider attached to the outpost, its group binding) are created; nothing else changes, and the authentik stack does not read this stack", async () => {
    const { b, head, d } = await changed((dir) =>
      writeFileSync(
        join(dir, "photos.yaml"),
        "name: photos\nhostname: photos.example.net\nupstream:\n  url: http://10.20.0.52:2342\nauth: forward\n",
      ),
    );
    expect(operations(d)).toEqual({
      "photos-a": "create",
      "photos-aaaa": "create",
      "photos-route": "create",
      "photos ProviderProxy": "create",
      "photos Application": "create",
      "photos OutpostProviderAttachment": "create",
      "photos-allow-default": "create",
    });
    expect(steps(d)).toEqual([
      "create photos ProviderProxy",
      "create photos Application",
      "create photos OutpostProviderAttachment",
      "create photos-allow-default",
      "create photos-a",
      "create photos-aaaa",
      "create photos-route runs create",
    ]);
    // The provider goes onto the outpost Traefik calls, found by name (no UUID, no authentik run).
    const attachment = resource(head, "photos", "authentik:index/outpostProviderAttachment:OutpostProviderAttachment");
    expect(attachment.inputs).toEqual({
      outpost: mockInvoke("authentik:index/getOutpost:getOutpost", { name: "authentik Embedded Outpost" }).id,
      protocolProvider: Number(mockResource("authentik:index/providerProxy:ProviderProxy", "photos", {}).id),
    });
    // A login lasts homelab:authentik.sessionLength (default a day), not Authentik's 10 minutes.
    expect(resource(head, "photos", "authentik:index/providerProxy:ProviderProxy").inputs.accessTokenValidity).toBe("hours=24");
    const authentik = await plan("authentik");
    expect(authentik.planned.resources.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => r.name)).toEqual([
      "hetzner",
    ]);
    const { host, state } = await edge();
    carryOut(d, b, head, host, state);
    expect(route(host, "photos")).toContain("photos.example.net");
  });

  test("one service removed: its records, route (the file removed) and Authentik objects are deleted; the others stay", async () => {
    const { b, head, d } = await changed((dir) => rmSync(join(dir, "jellyfin.yaml")));
    expect(operations(d)).toEqual({
      "jellyfin Application": "delete",
      "jellyfin OutpostProviderAttachment": "delete",
      "jellyfin ProviderProxy": "delete",
      "jellyfin-a": "delete",
      "jellyfin-aaaa": "delete",
      "jellyfin-allow-default": "delete",
      "jellyfin-route": "delete",
    });
    // Dependents first: the route before the records, the binding and attachment before the
    // application and provider they name; the attachment's delete takes only its provider off the outpost.
    expect(steps(d)).toEqual([
      "delete jellyfin-route runs delete",
      "delete jellyfin-aaaa",
      "delete jellyfin-a",
      "delete jellyfin-allow-default",
      "delete jellyfin OutpostProviderAttachment",
      "delete jellyfin Application",
      "delete jellyfin ProviderProxy",
    ]);
    const { host, state } = await edge();
    const others = otherRoutes(host);
    carryOut(d, b, head, host, state);
    expect(route(host, "jellyfin")).toBeUndefined();
    expect({ status: route(host, "status"), wiki: route(host, "wiki") }).toEqual(others);
  });
});

describe("the edge's SSH host key in the services stack", () => {
  test("routes written before host key pinning (40b57c7): each route's command updates once, for its connection alone (it now names the edge's host key); none is replaced or removed", async () => {
    const fixture = JSON.parse(readFileSync(join(__dirname, "fixtures", "40b57c7", "services.json"), "utf8")) as PlannedStack;
    const head = await plan("services");
    const d = engineDiff(fixture, head.planned);
    expect(d.failures).toEqual([]);
    const commands = d.steps.filter((s) => s.type === "command:remote:Command");
    expect(commands.map((s) => [s.name, s.op, s.changes.map((c) => `${c.path} (${c.kind})`)])).toEqual(
      ["jellyfin-route", "status-route", "wiki-route"].map((name) => [name, "update", ["connection (secret)"]]),
    );
    // Every route's connection pins the hetzner stack's exported key.
    const hetzner = await plan("hetzner");
    expect(
      head.run.resources
        .filter((r) => r.type === "command:remote:Command")
        .map((r) => (plain(r.inputs) as { connection: { hostKey?: string } }).connection.hostKey),
    ).toEqual([hetzner.outputs.sshHostKey, hetzner.outputs.sshHostKey, hetzner.outputs.sshHostKey]);
  });

  test("an edge answering with another host key: the run fails at the first route it writes, and that route stays as it was", async () => {
    const { b, head, d } = await changed(jellyfinMoved);
    const { host, state } = await edge();
    const before = route(host, "jellyfin");
    writeFileSync(
      join(host.root, "run/sshd-host-key.pub"),
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAnotherMachinexxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
    );
    expect(() => carryOut(d, b, head, host, state)).toThrow(
      "update jellyfin-route (update) failed with 255: ssh ops@:22: ssh: handshake failed: ssh: host key mismatch",
    );
    expect(route(host, "jellyfin")).toBe(before);
  });
});
