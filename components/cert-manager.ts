import * as pulumi from "@pulumi/pulumi";
import type { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import type { Release } from "@pulumi/kubernetes/helm/v3/release";
import {
  certManagerValues,
  cloudflareTokenSecret,
  letsEncryptIssuer,
  SELF_SIGNED,
  selfSignedCa,
  wildcardCertificate,
  type LetsEncryptIssuer,
} from "../lib/cert-manager";
import { awaitingCondition, type KubernetesObject } from "../lib/kubernetes";
import { CHARTS } from "../lib/platform-versions";
import { applyObject, applySecret, dependsOnOf, installRelease, type InstalledRelease } from "./kubernetes-parts";

/** The issuers a certificate can name. */
export type CertManagerIssuer = LetsEncryptIssuer | typeof SELF_SIGNED.issuer;

export interface CertManagerArgs {
  /** cert-manager chart version, e.g. `v1.21.1`. @default the pinned version (lib/platform-versions) */
  version?: string;
  /** Namespace of cert-manager (and of the Cloudflare token and the CA). @default "cert-manager" */
  namespace?: string;
  /**
   * Let's Encrypt (staging and production ClusterIssuers) through DNS-01 on Cloudflare. Without
   * it only the self-signed CA can issue.
   */
  letsEncrypt?: {
    /** ACME account email. */
    email: string;
    /** Cloudflare API token with Zone:DNS:Edit and Zone:Zone:Read on `zone`; kept secret end to end. */
    cloudflareApiToken: pulumi.Input<string>;
    /** The DNS zone the issuers solve challenges for (the lab domain or a parent). */
    zone: string;
  };
  /** Create the self-signed CA and its `selfsigned` ClusterIssuer. @default false */
  selfSignedCa?: boolean;
  /** The wildcard certificate for `*.domain`. */
  certificate: {
    /** The lab domain: the certificate covers `*.<domain>`, the names directly under it (not the domain itself). */
    domain: string;
    /** Namespace of the certificate's Secret: the Gateway's. */
    namespace: pulumi.Input<string>;
    /** Secret name. @default "<domain with dashes>-tls" */
    secretName?: string;
    /**
     * The ClusterIssuer that signs it: `letsencrypt-production`, `letsencrypt-staging` (both need
     * `letsEncrypt`) or `selfsigned` (the lab's own CA, which browsers do not trust). @default "letsencrypt-production"
     */
    issuer?: CertManagerIssuer;
  };
  /** Helm values deep-merged over the ones set here. @default {} */
  values?: Readonly<Record<string, unknown>>;
  /**
   * How long `pulumi up` waits, in seconds, for each object's `Ready` condition after applying it
   * (pulumi-kubernetes' `pulumi.com/waitFor` and `pulumi.com/timeoutSeconds` annotations), so a
   * platform that does not work fails the run at the object that is not ready.
   */
  readyTimeouts?: {
    /** Each ClusterIssuer (an ACME account registered, a CA key pair found) and the CA certificate. @default 300 */
    issuers?: number;
    /** The wildcard certificate (a DNS-01 order with Let's Encrypt). @default 900 */
    certificate?: number;
  };
}

/** Default {@link CertManagerArgs.readyTimeouts}, in seconds. */
export const CERT_MANAGER_READY_TIMEOUTS = { issuers: 300, certificate: 900 } as const;

/**
 * cert-manager with its CRDs, ClusterIssuers for Let's Encrypt (DNS-01 through Cloudflare; staging
 * and production) and optionally a self-signed CA, and the lab's wildcard certificate. Issuers wait
 * for the release (its CRDs and webhook); the certificate waits for the issuer that signs it. Every
 * issuer and certificate carries `pulumi.com/waitFor: condition=Ready`, so `pulumi up` waits until
 * cert-manager reports it Ready (`readyTimeouts`) and fails naming it when it is not.
 *
 * @example
 * import * as pulumi from "@pulumi/pulumi";
 * import { Provider } from "@pulumi/kubernetes/provider";
 * import { CertManager } from "homelab";
 *
 * const provider = new Provider("lab", { kubeconfig: new pulumi.StackReference("talos").requireOutput("kubeconfig") });
 * const certs = new CertManager("cert-manager", {
 *   letsEncrypt: {
 *     email: "admin@example.net",
 *     cloudflareApiToken: new pulumi.Config().requireSecret("cloudflareApiToken"),
 *     zone: "example.net",
 *   },
 *   certificate: { domain: "lab.example.net", namespace: "gateway", issuer: "letsencrypt-staging" },
 *   readyTimeouts: { certificate: 1800 },
 * }, { provider });
 * export const certificateSecret = certs.certificateSecret; // "lab-example-net-tls"
 */
export class CertManager extends pulumi.ComponentResource {
  static readonly __pulumiType = "homelab:kubernetes:CertManager";

  public readonly release: Release;
  /** The ClusterIssuers, by name. */
  public readonly issuers: Readonly<Record<string, CustomResource>>;
  public readonly certificate: CustomResource;
  /** The Secret holding the wildcard certificate (in `certificate.namespace`). */
  public readonly certificateSecret: string;
  /** The release's chart, version and final values (this component's, then `values`). */
  public readonly installed: InstalledRelease;
  /** The Kubernetes objects declared besides the release (the token Secret's value is an Input). */
  public readonly objects: readonly KubernetesObject[];

  constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    const issuerName = args.certificate.issuer ?? "letsencrypt-production";
    if (issuerName !== SELF_SIGNED.issuer && !args.letsEncrypt) {
      throw new Error(`CertManager ${name}: the certificate's issuer ${issuerName} needs letsEncrypt settings`);
    }
    const timeouts = {
      issuers: args.readyTimeouts?.issuers ?? CERT_MANAGER_READY_TIMEOUTS.issuers,
      certificate: args.readyTimeouts?.certificate ?? CERT_MANAGER_READY_TIMEOUTS.certificate,
    };
    for (const [key, seconds] of Object.entries(timeouts)) {
      if (!Number.isInteger(seconds) || seconds <= 0) {
        throw new Error(`CertManager ${name}: readyTimeouts.${key} must be a positive whole number of seconds, got ${seconds}`);
      }
    }
    const ready = (object: KubernetesObject, seconds: number) => awaitingCondition(object, "Ready", seconds);
    super(CertManager.__pulumiType, name, {}, opts);
    const withCa = (args.selfSignedCa ?? false) || issuerName === SELF_SIGNED.issuer;
    const namespace = args.namespace ?? "cert-manager";

    const installed = installRelease(
      this,
      name,
      {
        chart: CHARTS.certManager,
        version: args.version,
        releaseName: "cert-manager",
        namespace,
        values: certManagerValues(),
        overrides: args.values,
      },
      dependsOnOf(opts),
    );
    this.installed = installed;
    this.release = installed.release;

    const objects: KubernetesObject[] = [];
    const issuers: Record<string, CustomResource> = {};
    if (args.letsEncrypt) {
      const le = args.letsEncrypt;
      const secretObject = cloudflareTokenSecret("cloudflare-api-token", namespace, pulumi.secret(le.cloudflareApiToken));
      objects.push(secretObject);
      const secret = applySecret(this, `${name}-cloudflare-token`, secretObject, [this.release]);
      for (const issuer of ["letsencrypt-staging", "letsencrypt-production"] as const) {
        const object = ready(
          letsEncryptIssuer(issuer, { email: le.email, zone: le.zone, tokenSecret: secretObject.metadata.name }),
          timeouts.issuers,
        );
        objects.push(object);
        issuers[issuer] = applyObject(this, `${name}-${issuer}`, object, [this.release, secret]);
      }
    }
    if (withCa) {
      const [bootstrap, ca, caIssuer] = selfSignedCa(namespace, args.certificate.domain).map((o) =>
        ready(o, timeouts.issuers),
      ) as [KubernetesObject, KubernetesObject, KubernetesObject];
      objects.push(bootstrap, ca, caIssuer);
      const bootstrapIssuer = applyObject(this, `${name}-${SELF_SIGNED.bootstrap}`, bootstrap, [this.release]);
      const caCertificate = applyObject(this, `${name}-${SELF_SIGNED.ca}`, ca, [bootstrapIssuer]);
      issuers[SELF_SIGNED.issuer] = applyObject(this, `${name}-${SELF_SIGNED.issuer}`, caIssuer, [caCertificate]);
    }
    this.issuers = issuers;

    const slug = args.certificate.domain.replace(/\./g, "-");
    this.certificateSecret = args.certificate.secretName ?? `${slug}-tls`;
    const certificate = ready(
      wildcardCertificate({
        name: `wildcard-${slug}`,
        namespace: args.certificate.namespace,
        domain: args.certificate.domain,
        secretName: this.certificateSecret,
        issuer: issuerName,
      }),
      timeouts.certificate,
    );
    objects.push(certificate);
    this.objects = objects;
    this.certificate = applyObject(this, `${name}-wildcard`, certificate, [issuers[issuerName]!]);
    this.registerOutputs({});
  }
}
