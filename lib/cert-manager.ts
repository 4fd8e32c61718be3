import type * as pulumi from "@pulumi/pulumi";
import type { HelmValues, KubernetesObject } from "./kubernetes";

/** cert-manager: chart values, the Cloudflare token Secret, the ClusterIssuers and the wildcard Certificate. */

/** Let's Encrypt's ACME directories. */
export const LETSENCRYPT = {
  "letsencrypt-production": "https://acme-v02.api.letsencrypt.org/directory",
  "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;
/** A Let's Encrypt ClusterIssuer: `letsencrypt-staging` (untrusted certificates, high rate limits) or `letsencrypt-production`. */
export type LetsEncryptIssuer = keyof typeof LETSENCRYPT;

/** The key of the Cloudflare token inside its Secret. */
export const CLOUDFLARE_TOKEN_KEY = "api-token";

/**
 * Chart values: CRDs installed and kept by the chart (so an uninstall never deletes every
 * Certificate), and DNS-01 self-checks against public resolvers: the lab's own DNS answers the
 * domain with LAN addresses and would never see the challenge record.
 */
export function certManagerValues(): HelmValues {
  return {
    crds: { enabled: true, keep: true },
    dns01RecursiveNameservers: "1.1.1.1:53,8.8.8.8:53",
    dns01RecursiveNameserversOnly: true,
  };
}

/** The Secret the DNS-01 solver reads the Cloudflare API token from (in cert-manager's namespace). */
export function cloudflareTokenSecret(name: string, namespace: string, token: pulumi.Input<string>): KubernetesObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace },
    type: "Opaque",
    stringData: { [CLOUDFLARE_TOKEN_KEY]: token },
  };
}

/** A Let's Encrypt ClusterIssuer solving DNS-01 through Cloudflare for `zone` and its subdomains. */
export function letsEncryptIssuer(
  issuer: LetsEncryptIssuer,
  options: { readonly email: string; readonly zone: string; readonly tokenSecret: string },
): KubernetesObject {
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "ClusterIssuer",
    metadata: { name: issuer },
    spec: {
      acme: {
        server: LETSENCRYPT[issuer],
        email: options.email,
        privateKeySecretRef: { name: `${issuer}-account-key` },
        solvers: [
          {
            selector: { dnsZones: [options.zone] },
            dns01: { cloudflare: { apiTokenSecretRef: { name: options.tokenSecret, key: CLOUDFLARE_TOKEN_KEY } } },
          },
        ],
      },
    },
  };
}

/** Names of the self-signed CA's objects. */
export const SELF_SIGNED = { bootstrap: "selfsigned-bootstrap", ca: "selfsigned-ca", issuer: "selfsigned" } as const;

/**
 * A private CA for the lab: a bootstrap issuer signs the CA certificate (in cert-manager's
 * namespace, where ClusterIssuers read secrets), and the `selfsigned` ClusterIssuer signs with it.
 */
export function selfSignedCa(namespace: string, domain: string): KubernetesObject[] {
  return [
    {
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name: SELF_SIGNED.bootstrap },
      spec: { selfSigned: {} },
    },
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: { name: SELF_SIGNED.ca, namespace },
      spec: {
        isCA: true,
        commonName: `${domain} CA`,
        secretName: SELF_SIGNED.ca,
        duration: "87600h",
        privateKey: { algorithm: "ECDSA", size: 256 },
        issuerRef: { name: SELF_SIGNED.bootstrap, kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    },
    {
      apiVersion: "cert-manager.io/v1",
      kind: "ClusterIssuer",
      metadata: { name: SELF_SIGNED.issuer },
      spec: { ca: { secretName: SELF_SIGNED.ca } },
    },
  ];
}

/**
 * The wildcard certificate for `*.domain`, stored as `secretName` in `namespace`: exactly what the
 * shared Gateway's listeners serve. Not the domain itself: a `*.domain` listener does not match it
 * (Gateway API's Listener.hostname), and config refuses a name that routes it.
 */
export function wildcardCertificate(options: {
  readonly name: string;
  readonly namespace: pulumi.Input<string>;
  readonly domain: string;
  readonly secretName: string;
  readonly issuer: string;
}): KubernetesObject {
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    metadata: { name: options.name, namespace: options.namespace },
    spec: {
      secretName: options.secretName,
      dnsNames: [`*.${options.domain}`],
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      issuerRef: { name: options.issuer, kind: "ClusterIssuer", group: "cert-manager.io" },
    },
  };
}
