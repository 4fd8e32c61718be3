import type * as pulumi from "@pulumi/pulumi";

/**
 * Kubernetes objects as plain data: what the platform components declare, the offline plan writes
 * to `artifacts/` and the tests validate against the upstream schemas. Leaves may be Pulumi
 * Inputs (a secret token), everything else is plain.
 */

/** The metadata this project sets. */
export interface ObjectMeta {
  /** `metadata.name`. */
  readonly name: string;
  /** An Input: it may come from the Namespace resource that creates it. */
  readonly namespace?: pulumi.Input<string>;
  /** `metadata.labels`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** `metadata.annotations` (pulumi-kubernetes reads `pulumi.com/waitFor` and `pulumi.com/timeoutSeconds` here). */
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

/**
 * pulumi-kubernetes' await annotations (provider 4.18 and later; provider/pkg/metadata/annotations.go,
 * overrides.go): after a create or an update the provider waits until the object satisfies
 * `pulumi.com/waitFor` (`condition=Ready`: a `.status.conditions` entry of that type with status
 * True, observed at the object's current generation, as `kubectl wait --for=condition=Ready`),
 * for `pulumi.com/timeoutSeconds` (a resource's `customTimeouts` would take precedence; none are
 * set here). A preview does not wait. Without `waitFor` a custom resource counts as ready once
 * the API server has it.
 */
export const AWAIT_ANNOTATIONS = { waitFor: "pulumi.com/waitFor", timeoutSeconds: "pulumi.com/timeoutSeconds" } as const;

/**
 * `object` with the annotations that make `pulumi up` wait for its status condition `condition`
 * (`Ready`, `Programmed`), at most `timeoutSeconds` (a positive whole number of seconds); the
 * object's own annotations are kept.
 */
export function awaitingCondition(object: KubernetesObject, condition: string, timeoutSeconds: number): KubernetesObject {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(condition))
    throw new Error(`awaitingCondition: ${JSON.stringify(condition)} is not a condition type`);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) {
    throw new Error(`awaitingCondition: the timeout must be a positive whole number of seconds, got ${timeoutSeconds}`);
  }
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: {
        ...object.metadata.annotations,
        [AWAIT_ANNOTATIONS.waitFor]: `condition=${condition}`,
        [AWAIT_ANNOTATIONS.timeoutSeconds]: String(timeoutSeconds),
      },
    },
  };
}

/** A Go duration of hours, minutes and seconds (`15m`, `1h30m`, `90s`) in seconds; undefined when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const match = /^(?=\d)(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match) return undefined;
  const [h = "0", m = "0", s = "0"] = match.slice(1).map((v) => v ?? "0");
  return Number(h) * 3600 + Number(m) * 60 + Number(s);
}
