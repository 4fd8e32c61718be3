import type { EngineDiff, PlannedResource, PlannedStack } from "../../testing/engine";

/**
 * A stand-in for what happens in the cluster when `pulumi up` applies or deletes the lab's
 * ApplicationSets: Kubernetes' garbage collector, Argo CD's ApplicationSet controller and its
 * application controller (automated sync with prune, the resources finalizer), transcribed from
 * the sources of the versions the platform runs, so a day-2 scenario can carry out a diff's steps
 * and say what becomes of every app's objects:
 *
 * - pulumi-kubernetes v4.32.0 (94977969): a delete sends the propagation policy of the inputs in
 *   the state, `pulumi.com/deletionPropagationPolicy` (orphan, background), else foreground
 *   (provider/pkg/provider/provider.go Delete, provider/pkg/metadata/overrides.go).
 * - Kubernetes' garbage collector: foreground and background delete an owner's dependents, orphan
 *   only removes the owner from their ownerReferences.
 * - Argo CD v3.4.4 (the argo-cd chart 10.1.1's appVersion),
 *   applicationset/controllers/applicationset_controller.go: `Reconcile` returns early for a set
 *   being deleted; it generates the Applications (the git directory generator's `path` params,
 *   applicationset/generators/git.go; the template rendered with `RenderTemplateParams`,
 *   applicationset/utils/utils.go, which adds the resources finalizer only to a template without
 *   finalizers and without `preserveResourcesOnDeletion`); `validateGeneratedApplications` skips a
 *   second Application of one name ("contains applications with duplicate name"; the set's
 *   condition shows the last such message and how many more); `createOrUpdateInCluster` replaces
 *   each one's spec and finalizers and makes the set its controller (`SetControllerReference`,
 *   controller-runtime v0.21.0: an Application another set controls is an `AlreadyOwnedError`,
 *   and the reconcile then returns before deleting anything); `deleteInCluster` deletes the
 *   Applications it controls that it no longer generates.
 * - The application controller: an Application with `CreateNamespace=true` creates its namespace,
 *   with `managedNamespaceMetadata` applies those labels to it (controller/sync_namespace.go); an
 *   automated sync applies what its path renders, taking over objects of the same name (the
 *   tracking annotation names it), and prunes what it tracks and no longer renders; an
 *   Application whose path is gone fails its comparison and syncs nothing. Deleting one with the
 *   resources finalizer deletes the objects it tracks first; without it, only the Application
 *   goes. Namespaces it created are never its objects (docs/user-guide/sync-options.md).
 *
 * Every app directory renders a Deployment and a PersistentVolumeClaim named after it.
 */

const RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io";
const APPLICATION_SET = "kubernetes:argoproj.io/v1alpha1:ApplicationSet";
const PROPAGATION = "pulumi.com/deletionPropagationPolicy";

/** An Application as the stand-in keeps it. */
export interface Application {
  readonly name: string;
  /** The ApplicationSet controlling it (its controller ownerReference), if any. */
  readonly owner?: string;
  readonly finalizers: readonly string[];
  readonly path: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly namespaceLabels?: Readonly<Record<string, string>>;
}

interface SetObject {
  readonly name: string;
  readonly inputs: Record<string, any>;
}

export class ArgoCdCluster {
  readonly sets = new Map<string, SetObject>();
  readonly applications = new Map<string, Application>();
  /** What the Applications deployed, `<namespace>/<kind>/<name>` → the Application tracking it. */
  readonly objects = new Map<string, string>();
  /** The namespaces, with their labels. */
  readonly namespaces = new Map<string, Record<string, string>>();
  /** Every object Argo CD deleted, in order. */
  readonly deleted: string[] = [];
  /** Each set's ErrorOccurred condition, while it has one. */
  readonly errors = new Map<string, string>();

  /** `git`: the repository's app directories (`apps/media/jellyfin`); a commit replaces them. */
  constructor(public git: readonly string[]) {}

  /** The lab as `planned` leaves it: its ApplicationSets applied, the controllers settled. */
  static deployed(git: readonly string[], planned: PlannedStack): ArgoCdCluster {
    const cluster = new ArgoCdCluster(git);
    for (const r of planned.resources.filter((r) => r.type === APPLICATION_SET)) cluster.apply(r);
    cluster.settle();
    return cluster;
  }

  /**
   * Carries out the ApplicationSet steps of `diff` in the order `pulumi up` runs them: a create or
   * update applies the set's new inputs (`head`), a delete deletes it as the state (`base`) says.
   * `settleBetween`: the controllers catch up after every step; else only after the last (both
   * happen: Pulumi does not wait for them). `after` sees the cluster after each step.
   */
  carryOut(
    diff: EngineDiff,
    base: PlannedStack,
    head: PlannedStack,
    settleBetween: boolean,
    after: (step: EngineDiff["sequence"][number]) => void = () => undefined,
  ): void {
    const find = (stack: PlannedStack, urn: string) => stack.resources.find((r) => r.urn === urn)!;
    for (const step of diff.sequence) {
      if (step.type !== APPLICATION_SET || step.skipped) continue;
      if (step.action === "create" || step.action === "update" || step.action === "create-replacement") {
        this.apply(find(head, step.urn));
      } else {
        this.delete(find(base, step.urn));
      }
      if (settleBetween) this.settle();
      after(step);
    }
    this.settle();
  }

  /** Applies an ApplicationSet (its inputs as planned). */
  apply(r: PlannedResource): void {
    const inputs = r.inputs as Record<string, any>;
    this.sets.set(inputs.metadata.name, { name: inputs.metadata.name, inputs });
  }

  /** Deletes an ApplicationSet with the propagation pulumi-kubernetes sends for its state's inputs. */
  delete(state: PlannedResource): void {
    const inputs = state.inputs as Record<string, any>;
    const name: string = inputs.metadata.name;
    const given = String(inputs.metadata.annotations?.[PROPAGATION] ?? "").toLowerCase();
    const policy = given === "orphan" || given === "background" ? given : "foreground";
    for (const app of this.ownedBy(name)) {
      if (policy === "orphan") this.applications.set(app.name, { ...app, owner: undefined });
      else this.deleteApplication(app);
    }
    this.sets.delete(name);
    this.errors.delete(name);
  }

  /** Deletes an Application as Kubernetes and Argo CD do (`kubectl delete application`). */
  deleteApplication(app: Application): void {
    if (app.finalizers.includes(RESOURCES_FINALIZER)) {
      for (const [key, tracker] of [...this.objects]) {
        if (tracker === app.name) this.deleteObject(key);
      }
    }
    this.applications.delete(app.name);
  }

  /**
   * `argocd app delete <name>` (server/application/application.go `Delete`): cascading (the
   * default), it adds the resources finalizer to the Application first, so its objects go with
   * it; `--cascade=false` takes the finalizer off.
   */
  argocdAppDelete(name: string, cascade = true): void {
    const app = this.applications.get(name);
    if (!app) throw new Error(`application ${name} not found`);
    const others = app.finalizers.filter((f) => f !== RESOURCES_FINALIZER);
    this.deleteApplication({ ...app, finalizers: cascade ? [...others, RESOURCES_FINALIZER] : others });
  }

  /** `kubectl delete namespace`: the namespace and every object in it. */
  deleteNamespace(namespace: string): void {
    for (const key of [...this.objects.keys()]) if (key.startsWith(`${namespace}/`)) this.deleteObject(key);
    this.namespaces.delete(namespace);
  }

  /** The controllers run until nothing changes. */
  settle(): void {
    for (let round = 0; round < 20; round++) {
      const before = this.snapshot();
      for (const set of [...this.sets.values()].sort(byName)) this.reconcile(set);
      for (const app of [...this.applications.values()].sort(byName)) this.sync(app);
      if (this.snapshot() === before) return;
    }
    throw new Error("the Argo CD stand-in does not settle");
  }

  private snapshot(): string {
    return JSON.stringify([[...this.applications], [...this.objects], [...this.namespaces], this.deleted, [...this.errors]]);
  }

  private ownedBy(set: string): Application[] {
    return [...this.applications.values()].filter((a) => a.owner === set);
  }

  /** The ApplicationSet controller's reconcile of one set. */
  private reconcile(set: SetObject): void {
    const spec = set.inputs.spec;
    const generated = this.generate(spec);
    const names = new Set<string>();
    const valid: Application[] = [];
    const invalid: string[] = [];
    for (const app of generated) {
      if (names.has(app.name)) invalid.push(`ApplicationSet ${set.name} contains applications with duplicate name: ${app.name}`);
      else {
        names.add(app.name);
        valid.push(app);
      }
    }
    let failed: string | undefined;
    for (const app of valid.sort(byName)) {
      const existing = this.applications.get(app.name);
      if (existing?.owner !== undefined && existing.owner !== set.name) {
        failed ??= `Object argocd/${app.name} is already owned by another ApplicationSet controller ${existing.owner}`;
        continue;
      }
      this.applications.set(app.name, { ...app, owner: set.name });
    }
    if (failed) {
      this.errors.set(set.name, failed);
      return;
    }
    for (const app of this.ownedBy(set.name)) if (!names.has(app.name)) this.deleteApplication(app);
    if (invalid.length > 0) {
      const more = invalid.length > 1 ? ` (and ${invalid.length - 1} more)` : "";
      this.errors.set(set.name, `${invalid.at(-1)!}${more}`);
    } else this.errors.delete(set.name);
  }

  /** The Applications a set's git directory generator and template make, in the repository's order. */
  private generate(spec: Record<string, any>): Application[] {
    if (spec.goTemplate !== true) throw new Error("the stand-in renders Go templates only");
    const [generator, ...others] = spec.generators as Record<string, any>[];
    if (others.length > 0 || !generator?.git) throw new Error("the stand-in knows one git directory generator");
    const globs: string[] = generator.git.directories.map((d: { path: string; exclude?: boolean }) => {
      if (d.exclude) throw new Error("the stand-in knows no excluded directories");
      return d.path;
    });
    const template = spec.template;
    const preserve = spec.syncPolicy?.preserveResourcesOnDeletion === true;
    return this.git
      .filter((dir) => globs.some((glob) => matches(glob, dir)))
      .map((dir) => {
        const params = pathParams(dir);
        const render = (text: string) => renderGoTemplate(text, params);
        const finalizers: string[] = template.metadata.finalizers ?? [];
        const managed = template.spec.syncPolicy?.managedNamespaceMetadata?.labels as Record<string, string> | undefined;
        return {
          name: render(template.metadata.name),
          finalizers: finalizers.length > 0 ? finalizers : preserve ? [] : [RESOURCES_FINALIZER],
          path: render(template.spec.source.path),
          namespace: render(template.spec.destination.namespace),
          labels: Object.fromEntries(Object.entries(template.metadata.labels ?? {}).map(([k, v]) => [k, render(v as string)])),
          ...(managed ? { namespaceLabels: Object.fromEntries(Object.entries(managed).map(([k, v]) => [k, render(v)])) } : {}),
        };
      });
  }

  /** The application controller's automated sync of one Application. */
  private sync(app: Application): void {
    if (!this.git.includes(app.path)) return;
    const labels = this.namespaces.get(app.namespace);
    if (!labels) this.namespaces.set(app.namespace, { ...app.namespaceLabels });
    else if (app.namespaceLabels) Object.assign(labels, app.namespaceLabels);
    const desired = renders(app);
    for (const key of desired) this.objects.set(key, app.name);
    for (const [key, tracker] of [...this.objects]) {
      if (tracker === app.name && !desired.includes(key)) this.deleteObject(key);
    }
  }

  private deleteObject(key: string): void {
    this.objects.delete(key);
    this.deleted.push(key);
  }
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** What an app directory renders: a Deployment and a PersistentVolumeClaim named after it. */
function renders(app: Application): string[] {
  const base = app.path.slice(app.path.lastIndexOf("/") + 1);
  return [`${app.namespace}/Deployment/${base}`, `${app.namespace}/PersistentVolumeClaim/${base}-data`];
}

/** `path.Match` of a glob of literal segments and `*` (which matches within one segment). */
function matches(glob: string, dir: string): boolean {
  const [g, d] = [glob.split("/"), dir.split("/")];
  return g.length === d.length && g.every((s, i) => s === "*" || s === d[i]);
}

/** The git directory generator's `path` parameters (applicationset/generators/git.go). */
interface PathParams {
  readonly path: string;
  readonly basename: string;
  readonly basenameNormalized: string;
  readonly segments: readonly string[];
}

function pathParams(dir: string): PathParams {
  const basename = dir.slice(dir.lastIndexOf("/") + 1);
  return { path: dir, basename, basenameNormalized: sanitizeName(basename), segments: dir.split("/") };
}

/** Argo CD's `SanitizeName` (applicationset/utils/template_functions.go), behind `normalize` and `basenameNormalized`. */
export function sanitizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-a-z0-9.]/g, "-")
    .slice(0, 253)
    .replace(/^[-.]+|[-.]+$/g, "");
}

type Node = { text: string } | { test: string; then: Node[]; otherwise: Node[] } | { action: string };

/**
 * Renders the Go template subset the lab's ApplicationSets use, with `.path` as the generator
 * gives it: `.path.<field>`, `index`, `normalize`, `eq` (true when its first operand equals any
 * other), parentheses, string and number literals, `if` / `else if` / `else` / `end`. Anything
 * else throws, so a template the stand-in cannot read fails the scenario.
 */
export function renderGoTemplate(template: string, params: PathParams): string {
  const parts = template.split(/({{.*?}})/).filter((p) => p !== "");
  let at = 0;
  const block = (): Node[] => {
    const nodes: Node[] = [];
    while (at < parts.length) {
      const part = parts[at]!;
      const action = /^{{\s*(.*?)\s*}}$/.exec(part)?.[1];
      if (action === undefined) {
        nodes.push({ text: part });
        at++;
      } else if (action === "end" || action === "else" || action.startsWith("else if ")) {
        return nodes;
      } else if (action.startsWith("if ")) {
        at++;
        nodes.push(conditional(action.slice(3)));
      } else {
        nodes.push({ action });
        at++;
      }
    }
    return nodes;
  };
  const conditional = (test: string): Node => {
    const then = block();
    const next = /^{{\s*(.*?)\s*}}$/.exec(parts[at] ?? "")?.[1];
    at++;
    if (next === "end") return { test, then, otherwise: [] };
    if (next === "else") {
      const otherwise = block();
      if (/^{{\s*end\s*}}$/.test(parts[at] ?? "")) at++;
      else throw new Error(`unterminated if in ${template}`);
      return { test, then, otherwise };
    }
    if (next?.startsWith("else if ")) return { test, then, otherwise: [conditional(next.slice(8))] };
    throw new Error(`unterminated if in ${template}`);
  };
  const nodes = block();
  if (at !== parts.length) throw new Error(`unexpected ${parts[at]} in ${template}`);
  const run = (list: Node[]): string =>
    list
      .map((n) => {
        if ("text" in n) return n.text;
        if ("action" in n) return String(evaluate(n.action, params));
        return evaluate(n.test, params) === true ? run(n.then) : run(n.otherwise);
      })
      .join("");
  return run(nodes);
}

function evaluate(command: string, params: PathParams): unknown {
  const tokens = command.match(/"(?:[^"\\]|\\.)*"|\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const operands = (): unknown[] => {
    const list: unknown[] = [];
    while (at < tokens.length && tokens[at] !== ")") {
      const token = tokens[at++]!;
      if (token === "(") {
        list.push(call(operands()));
        if (tokens[at++] !== ")") throw new Error(`unbalanced ( in ${command}`);
      } else if (token.startsWith('"')) list.push(JSON.parse(token));
      else if (/^\d+$/.test(token)) list.push(Number(token));
      else if (token.startsWith(".path.")) {
        const field = token.slice(6) as keyof PathParams;
        if (!(field in params)) throw new Error(`no .path.${field}`);
        list.push(params[field]);
      } else if (["index", "normalize", "eq"].includes(token)) list.push({ fn: token });
      else throw new Error(`the stand-in cannot evaluate ${token} in ${command}`);
    }
    return list;
  };
  const call = (list: unknown[]): unknown => {
    const [head, ...args] = list;
    if (typeof head !== "object" || head === null || !("fn" in head)) {
      if (list.length !== 1) throw new Error(`not a command: ${command}`);
      return head;
    }
    switch ((head as { fn: string }).fn) {
      case "index": {
        const [items, i] = args as [readonly string[], number];
        if (i >= items.length) throw new Error(`index out of range: ${i}`);
        return items[i];
      }
      case "normalize":
        return sanitizeName(String(args[0]));
      default:
        return args.slice(1).some((a) => a === args[0]);
    }
  };
  const value = call(operands());
  if (at !== tokens.length) throw new Error(`unexpected ) in ${command}`);
  return value;
}
