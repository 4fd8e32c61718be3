import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import Ajv2020 from "ajv/dist/2020";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { parseAllDocuments } from "yaml";

/**
 * `npm run check -- DIR`: checks the documents an offline plan wrote (`--out DIR`) against the
 * schemas of the systems that read them, all kept in this repository: Talos patches against the
 * Talos 1.13 machine-config schema (every `required` dropped: a patch is partial), Kubernetes
 * objects against the kubernetes-models of their kinds (generated from the CRDs and Kubernetes'
 * OpenAPI), Helm values against the charts' own `values.schema.json` for the pinned versions,
 * Traefik's dynamic and static files, the cloud-config and the compose file against Traefik's,
 * cloud-init's and the Compose specification's schemas (schemas/upstream/, see its SOURCES.md).
 * Exit 1 when anything fails.
 */

const UPSTREAM = join(__dirname, "..", "schemas", "upstream");

/** What one file came to. */
export interface FileCheck {
  readonly file: string;
  /** `skip` for a file no schema here covers (an unpinned chart, a script). */
  readonly status: "ok" | "fail" | "skip";
  readonly errors: readonly string[];
}

function withoutRequired(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutRequired);
  if (typeof schema !== "object" || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([k]) => k !== "required")
      .map(([k, v]) => [k, withoutRequired(v)]),
  );
}

let talosValidators: Map<string, ReturnType<Ajv2020["compile"]>> | undefined;

/** Talos document kind (or `v1alpha1.Config`) → a validator of that definition, required fields dropped. */
function talosValidator(definition: string): ReturnType<Ajv2020["compile"]> | undefined {
  if (!talosValidators) {
    const schema = withoutRequired(JSON.parse(readFileSync(join(UPSTREAM, "talos-config.v1.13.json"), "utf8"))) as {
      $defs: Record<string, { properties?: { kind?: { enum?: string[] } } }>;
    };
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema({ $id: "talos", $defs: schema.$defs });
    talosValidators = new Map();
    for (const [name, def] of Object.entries(schema.$defs)) {
      const kind = def.properties?.kind?.enum?.[0];
      const key = name === "v1alpha1.Config" ? name : kind;
      if (key) talosValidators.set(key, ajv.compile({ $ref: `talos#/$defs/${name}` }));
    }
  }
  return talosValidators.get(definition);
}

function checkTalos(text: string): string[] {
  const errors: string[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const value = doc.toJS() as Record<string, unknown> | null;
    if (value === null) return;
    const definition =
      typeof value.kind === "string" ? value.kind : "machine" in value || "cluster" in value ? "v1alpha1.Config" : undefined;
    const validate = definition && talosValidator(definition);
    if (!validate) {
      errors.push(`doc ${i + 1}: not a Talos document this schema knows (kind ${String(value.kind)})`);
    } else if (!validate(value)) {
      for (const e of validate.errors ?? []) errors.push(`doc ${i + 1}: ${e.instancePath || "/"} ${e.message ?? ""}`.trim());
    }
  });
  return errors;
}

/**
 * The kubernetes-models module of each kind, by `apiVersion kind`; the module exports a class of
 * the kind's name. The packages are ESM-only, so they are imported on use.
 */
const MODELS: Record<string, string> = {
  "v1 Namespace": "kubernetes-models/v1/Namespace",
  "v1 Secret": "kubernetes-models/v1/Secret",
  "apps/v1 Deployment": "kubernetes-models/apps/v1/Deployment",
  "cilium.io/v2 CiliumLoadBalancerIPPool": "@kubernetes-models/cilium/cilium.io/v2/CiliumLoadBalancerIPPool",
  "cilium.io/v2alpha1 CiliumL2AnnouncementPolicy": "@kubernetes-models/cilium/cilium.io/v2alpha1/CiliumL2AnnouncementPolicy",
  "cert-manager.io/v1 ClusterIssuer": "@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer",
  "cert-manager.io/v1 Certificate": "@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate",
  "gateway.networking.k8s.io/v1 Gateway": "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway",
  "gateway.networking.k8s.io/v1 HTTPRoute": "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute",
  "argoproj.io/v1alpha1 AppProject": "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject",
  "argoproj.io/v1alpha1 ApplicationSet": "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet",
  "argoproj.io/v1alpha1 Application": "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application",
};

type Model = new (data: never) => { validate(): void };

/** Validates one Kubernetes object with the model of its kind; the problems, or `undefined` for a kind with no model. */
export async function kubernetesObjectProblems(object: { apiVersion?: unknown; kind?: unknown }): Promise<string[] | undefined> {
  const specifier = MODELS[`${String(object.apiVersion)} ${String(object.kind)}`];
  if (!specifier) return undefined;
  const Model = ((await import(specifier)) as Record<string, Model>)[String(object.kind)]!;
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

async function checkKubernetes(text: string): Promise<string[] | undefined> {
  const errors: string[] = [];
  let known = false;
  for (const [i, doc] of parseAllDocuments(text, { version: "1.1" }).entries()) {
    const value = doc.toJS() as { apiVersion?: unknown; kind?: unknown };
    const problems = await kubernetesObjectProblems(value);
    if (problems === undefined) {
      errors.push(`doc ${i + 1}: no model for ${String(value.apiVersion)} ${String(value.kind)}`);
      continue;
    }
    known = true;
    errors.push(...problems.map((p) => `doc ${i + 1}: ${p}`));
  }
  return known ? errors : undefined;
}

const VALUES_SCHEMAS: Record<string, string> = {
  "cilium 1.19.6": "cilium-1.19.6.values.schema.json",
  "cert-manager v1.21.1": "cert-manager-v1.21.1.values.schema.json",
};

const validators = new Map<string, ReturnType<Ajv["compile"]>>();

/**
 * The compiled schema in `file` (once per run), `closed` at its top level if asked. The `$schema`
 * line is dropped: cloud-init's says draft-04 but keeps definitions under `$defs` (it uses no
 * keyword whose meaning changed since), Compose's names draft-07 by a URL Ajv does not know.
 */
function validator(file: string, closed = false): ReturnType<Ajv["compile"]> {
  const key = `${file}${closed ? " (closed)" : ""}`;
  let validate = validators.get(key);
  if (!validate) {
    const { $schema: _ignored, ...schema } = JSON.parse(readFileSync(join(UPSTREAM, file), "utf8")) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(closed ? { ...schema, additionalProperties: false } : schema);
    validators.set(key, validate);
  }
  return validate;
}

/**
 * `value`'s problems against a schema, deepest first and each once: a oneOf reports every branch,
 * and the deepest pointer is the one that names the mistake. An unknown key is named.
 */
function schemaProblems(validate: ReturnType<Ajv["compile"]>, value: unknown): string[] {
  if (validate(value)) return [];
  const messages = (validate.errors ?? []).map((e) => ({
    depth: e.instancePath.split("/").length,
    text: `${e.instancePath || "/"} ${e.message ?? ""}${"additionalProperty" in e.params ? ` '${String(e.params.additionalProperty)}'` : ""}`.trim(),
  }));
  return [...new Set(messages.sort((a, b) => b.depth - a.depth).map((m) => m.text))];
}

function checkValues(text: string): string[] | undefined {
  const chart = /^# chart: (\S+ \S+)\n/.exec(text)?.[1];
  const file = chart === undefined ? undefined : VALUES_SCHEMAS[chart];
  if (!file) return undefined;
  return schemaProblems(validator(file), parseAllDocuments(text, { version: "1.1" })[0]?.toJS() as unknown);
}

/** Documents checked against one JSON Schema (draft-07) each, by file-name suffix. */
const DOCUMENT_SCHEMAS: readonly {
  readonly suffix: string;
  readonly schema: string;
  /** YAML version the consumer reads (cloud-init: PyYAML, 1.1). */
  readonly yaml: "1.1" | "1.2";
  /** Closes the top level (Traefik rejects an unknown static key; its schema leaves it open). */
  readonly closed?: boolean;
  /** What line 1 must be. */
  readonly header?: string;
}[] = [
  { suffix: ".traefik.yaml", schema: "traefik-v3-file-provider.json", yaml: "1.2" },
  { suffix: ".traefik-static.yaml", schema: "traefik-v3.json", yaml: "1.2", closed: true },
  { suffix: ".cloud-init.yaml", schema: "schema-cloud-config-v1.json", yaml: "1.1", header: "#cloud-config" },
  { suffix: ".compose.yaml", schema: "compose-spec.json", yaml: "1.2" },
];

/** A document's problems against its schema (and its header line). */
function checkDocument(text: string, kind: (typeof DOCUMENT_SCHEMAS)[number]): string[] {
  if (kind.header !== undefined && text.split("\n")[0]!.trim() !== kind.header) return [`line 1 must be ${kind.header}`];
  return schemaProblems(
    validator(kind.schema, kind.closed),
    parseAllDocuments(text, { version: kind.yaml })[0]?.toJS() as unknown,
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/** Checks every artifact under `dir` (a plan's `--out` directory, of one stack or several). */
export async function checkPlanDir(dir: string): Promise<FileCheck[]> {
  const results: FileCheck[] = [];
  for (const path of filesUnder(dir).filter((p) => p.split(/[\\/]/).includes("artifacts"))) {
    const file = relative(dir, path);
    const text = readFileSync(path, "utf8");
    let errors: string[] | undefined;
    if (path.endsWith(".talos.yaml")) errors = checkTalos(text);
    else if (path.endsWith(".k8s.yaml")) errors = await checkKubernetes(text);
    else if (path.endsWith(".values.yaml")) errors = checkValues(text);
    else {
      const kind = DOCUMENT_SCHEMAS.find((k) => path.endsWith(k.suffix));
      if (kind) errors = checkDocument(text, kind);
    }
    results.push(
      errors === undefined ? { file, status: "skip", errors: [] } : { file, status: errors.length > 0 ? "fail" : "ok", errors },
    );
  }
  return results;
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir || !existsSync(dir)) {
    process.stderr.write("Usage: npm run check -- DIR   (a directory written by npm run plan -- ... --out DIR)\n");
    process.exitCode = 2;
  } else {
    void checkPlanDir(dir).then((results) => {
      for (const r of results) {
        process.stdout.write(`${r.status.padEnd(4)} ${r.file}${r.errors.length > 0 ? `: ${r.errors[0]}` : ""}\n`);
        for (const e of r.errors.slice(1)) process.stdout.write(`     ${e}\n`);
      }
      const count = (s: FileCheck["status"]) => results.filter((r) => r.status === s).length;
      process.stdout.write(`${count("ok")} passed, ${count("fail")} failed, ${count("skip")} skipped\n`);
      process.exitCode = count("fail") > 0 ? 1 : 0;
    });
  }
}
