import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { Secret } from "@pulumi/kubernetes/core/v1/secret";
import { Release } from "@pulumi/kubernetes/helm/v3/release";
import type { ChartPin } from "../lib/platform-versions";
import { deepMerge, type HelmValues, type KubernetesObject } from "../lib/kubernetes";

/**
 * The resource-making parts the Kubernetes components share: a Helm release from a pinned chart,
 * and an object applied as a custom resource. Not components themselves; each is created with the
 * calling component as parent. (Files are imported one by one: the package index of
 * @pulumi/kubernetes loads every API group.)
 */

/** A chart release's settings. */
export interface ReleaseSettings {
  /** The chart and its repository; `version` overrides the pinned one. */
  readonly chart: ChartPin;
  readonly version?: string;
  /** Helm release name: fixes the names of what the chart creates (`argocd-server`). */
  readonly releaseName: string;
  readonly namespace: string;
  /** Values this project sets. */
  readonly values: HelmValues;
  /** The user's values, deep-merged last. */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** Seconds Helm waits for the release's resources to be ready. Default 600. */
  readonly timeout?: number;
  /** Changes Pulumi leaves alone (e.g. once Argo CD manages its own release). */
  readonly ignoreChanges?: string[];
}

/** A Helm release and the values it was given. */
export interface InstalledRelease {
  readonly release: Release;
  /** The Helm release name (`cilium`). */
  readonly releaseName: string;
  /** The chart's name and version, as the plan's values artifacts name them. */
  readonly chart: { readonly name: string; readonly version: string };
  /** The final values: this project's, with the user's merged over them. */
  readonly values: HelmValues;
}

/**
 * A `helm.v3.Release` (hooks run, CRDs before templates) of a pinned chart. The release waits for
 * its resources, and an upgrade that fails is rolled back (atomic), so a bad values change leaves
 * the previous release running.
 */
export function installRelease(
  parent: pulumi.Resource,
  name: string,
  settings: ReleaseSettings,
  dependsOn: Dependencies,
): InstalledRelease {
  const version = settings.version ?? settings.chart.version;
  const values = deepMerge(settings.values, settings.overrides ?? {});
  const release = new Release(
    name,
    {
      name: settings.releaseName,
      chart: settings.chart.chart,
      repositoryOpts: { repo: settings.chart.repo },
      version,
      namespace: settings.namespace,
      createNamespace: true,
      atomic: true,
      cleanupOnFail: true,
      timeout: settings.timeout ?? 600,
      values,
    },
    { parent, dependsOn, ignoreChanges: settings.ignoreChanges },
  );
  return { release, releaseName: settings.releaseName, chart: { name: settings.chart.chart, version }, values };
}

/** Applies `object` (its own metadata.name, no auto-naming) as a child of `parent`. */
export function applyObject(
  parent: pulumi.Resource,
  name: string,
  object: KubernetesObject,
  dependsOn: Dependencies,
): CustomResource {
  const { apiVersion, kind, metadata, ...fields } = object;
  return new CustomResource(name, { apiVersion, kind, metadata: { ...metadata }, ...fields }, { parent, dependsOn });
}

/** Applies a Secret object (`stringData`, whose values the caller keeps secret) as a child of `parent`. */
export function applySecret(parent: pulumi.Resource, name: string, object: KubernetesObject, dependsOn: Dependencies): Secret {
  const stringData = object.stringData as Record<string, pulumi.Input<string>>;
  return new Secret(name, { metadata: object.metadata, type: object.type as string, stringData }, { parent, dependsOn });
}

/** A resource list that may be an Output, as `dependsOn` takes it. */
export type Dependencies = pulumi.Input<pulumi.Input<pulumi.Resource>[]>;

/**
 * `dependsOn` of a component's options, to hand to the children that must wait too: a child
 * does not inherit its parent's dependencies.
 */
export function dependsOnOf(opts: pulumi.ComponentResourceOptions | undefined): Dependencies {
  const given = opts?.dependsOn;
  if (given === undefined) return [];
  if (Array.isArray(given)) return [...given];
  if (pulumi.Resource.isInstance(given)) return [given];
  return pulumi.output(given as pulumi.Input<pulumi.Resource | pulumi.Resource[]>).apply((g) => (Array.isArray(g) ? g : [g]));
}
