import type * as pulumi from "@pulumi/pulumi";

/**
 * Kubernetes objects as plain data: what the platform components declare, the offline plan writes
 * to `artifacts/` and the tests validate against the upstream schemas. Leaves may be Pulumi
 * Inputs (a secret token), everything else is plain.
 */

/** The metadata this project sets. */
export interface ObjectMeta {
  readonly name: string;
  /** An Input: it may come from the Namespace resource that creates it. */
  readonly namespace?: pulumi.Input<string>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A Kubernetes object: apiVersion, kind, metadata and the kind's own fields. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

/** Helm values: a tree of maps, lists and scalars (leaves may be Inputs, e.g. a secret). */
export type HelmValues = { readonly [key: string]: pulumi.Input<unknown> };

/** A plain `{...}` object (not a list, an Output or a class instance). */
export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && value.constructor === Object;
}

/**
 * Helm's own merge of values files: maps merge key by key, anything else (lists, scalars, `null`)
 * in `override` replaces what `base` has. Neither argument is changed.
 */
export function deepMerge(base: HelmValues, override: Readonly<Record<string, unknown>>): HelmValues {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] = isPlainMap(current) && isPlainMap(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

/**
 * The file an object is written to in the plan's `artifacts/`: `<kind>-<name>.k8s.yaml`, lower
 * case (`clusterissuer-letsencrypt-production.k8s.yaml`).
 */
export function manifestFileName(object: Pick<KubernetesObject, "kind" | "metadata">): string {
  return `${object.kind.toLowerCase()}-${object.metadata.name}.k8s.yaml`;
}
