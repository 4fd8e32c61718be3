import { describe, expect, test } from "vitest";
import { CertManager, type CertManagerArgs } from "../../components/cert-manager";
import { register, reveal } from "../helpers/pulumi";

const letsEncrypt = { email: "admin@example.net", cloudflareApiToken: "cf-token-canary", zone: "example.net" };

function build(args: Partial<CertManagerArgs> = {}) {
  return register(
    () =>
      new CertManager("certs", {
        letsEncrypt,
        certificate: { domain: "lab.example.net", namespace: "gateway" },
        ...args,
      }),
  );
}

describe("CertManager", () => {
  test("children: release, token Secret, staging and production issuers, the wildcard certificate", async () => {
    const r = await build();
    expect(r.childrenOf(r.get("certs", CertManager.__pulumiType))).toEqual([
      "kubernetes:cert-manager.io/v1:Certificate::certs-wildcard",
      "kubernetes:cert-manager.io/v1:ClusterIssuer::certs-letsencrypt-production",
      "kubernetes:cert-manager.io/v1:ClusterIssuer::certs-letsencrypt-staging",
      "kubernetes:core/v1:Secret::certs-cloudflare-token",
      "kubernetes:helm.sh/v3:Release::certs",
    ]);
    expect(r.get("certs", "kubernetes:helm.sh/v3:Release").inputs).toMatchObject({
      name: "cert-manager",
      chart: "cert-manager",
      repositoryOpts: { repo: "https://charts.jetstack.io" },
      version: "v1.21.1",
      namespace: "cert-manager",
      createNamespace: true,
      values: {
        crds: { enabled: true, keep: true },
        dns01RecursiveNameservers: "1.1.1.1:53,8.8.8.8:53",
        dns01RecursiveNameserversOnly: true,
      },
    });
    expect(r.get("certs-wildcard").inputs).toEqual({
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: {
        name: "wildcard-lab-example-net",
        namespace: "gateway",
        annotations: { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "900" },
      },
      spec: {
        secretName: "lab-example-net-tls",
        dnsNames: ["*.lab.example.net"],
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        issuerRef: { name: "letsencrypt-production", kind: "ClusterIssuer", group: "cert-manager.io" },
      },
    });
  });

  test("order: release → token Secret → issuers → certificate (signed by the chosen issuer)", async () => {
    const r = await build({ certificate: { domain: "lab.example.net", namespace: "gateway", issuer: "letsencrypt-staging" } });
    expect(r.names(r.get("certs-cloudflare-token").dependencies)).toEqual(["certs"]);
    expect(r.names(r.get("certs-letsencrypt-staging").dependencies)).toEqual(["certs", "certs-cloudflare-token"]);
    expect(r.names(r.get("certs-letsencrypt-production").dependencies)).toEqual(["certs", "certs-cloudflare-token"]);
    expect(r.names(r.get("certs-wildcard").dependencies)).toEqual(["certs-letsencrypt-staging"]);
  });

  test("the Cloudflare token is secret in the Secret's input and its Secret is cert-manager's namespace", async () => {
    const r = await build();
    const secret = r.get("certs-cloudflare-token");
    expect(reveal(secret.inputs.stringData)).toEqual([{ "api-token": "cf-token-canary" }, true]);
    expect(secret.inputs.metadata).toEqual({ name: "cloudflare-api-token", namespace: "cert-manager" });
    const issuer = r.get("certs-letsencrypt-production").inputs as { spec: { acme: { solvers: unknown[] } } };
    expect(JSON.stringify(issuer)).not.toContain("cf-token-canary");
    expect(issuer.spec.acme.solvers).toEqual([
      {
        selector: { dnsZones: ["example.net"] },
        dns01: { cloudflare: { apiTokenSecretRef: { name: "cloudflare-api-token", key: "api-token" } } },
      },
    ]);
  });

  test("self-signed only: a bootstrap issuer signs the CA, which backs the selfsigned issuer and the certificate", async () => {
    const r = await build({
      letsEncrypt: undefined,
      certificate: { domain: "lab.example.net", namespace: "gateway", issuer: "selfsigned" },
    });
    expect(r.childrenOf(r.get("certs", CertManager.__pulumiType))).toEqual([
      "kubernetes:cert-manager.io/v1:Certificate::certs-selfsigned-ca",
      "kubernetes:cert-manager.io/v1:Certificate::certs-wildcard",
      "kubernetes:cert-manager.io/v1:ClusterIssuer::certs-selfsigned",
      "kubernetes:cert-manager.io/v1:ClusterIssuer::certs-selfsigned-bootstrap",
      "kubernetes:helm.sh/v3:Release::certs",
    ]);
    expect(r.names(r.get("certs-selfsigned-bootstrap").dependencies)).toEqual(["certs"]);
    expect(r.names(r.get("certs-selfsigned-ca").dependencies)).toEqual(["certs-selfsigned-bootstrap"]);
    expect(r.names(r.get("certs-selfsigned").dependencies)).toEqual(["certs-selfsigned-ca"]);
    expect(r.names(r.get("certs-wildcard").dependencies)).toEqual(["certs-selfsigned"]);
  });

  test("pulumi up waits for every issuer and certificate to be Ready: 5 minutes for issuers, 15 for the certificate by default", async () => {
    const annotations = (seconds: number) => ({
      "pulumi.com/waitFor": "condition=Ready",
      "pulumi.com/timeoutSeconds": String(seconds),
    });
    const r = await build({ selfSignedCa: true });
    const waits = Object.fromEntries(
      r.run.resources
        .filter((x) => x.type.startsWith("kubernetes:cert-manager.io/"))
        .map((x) => [x.name, (x.inputs.metadata as { annotations?: unknown }).annotations]),
    );
    expect(waits).toEqual({
      "certs-letsencrypt-staging": annotations(300),
      "certs-letsencrypt-production": annotations(300),
      "certs-selfsigned-bootstrap": annotations(300),
      "certs-selfsigned-ca": annotations(300),
      "certs-selfsigned": annotations(300),
      "certs-wildcard": annotations(900),
    });
    // The Secret and the release carry none: Helm waits for the release itself.
    expect((r.get("certs-cloudflare-token").inputs.metadata as { annotations?: unknown }).annotations).toBeUndefined();

    const custom = await build({ readyTimeouts: { certificate: 3600 } });
    expect((custom.get("certs-wildcard").inputs.metadata as { annotations: unknown }).annotations).toEqual(annotations(3600));
    expect((custom.get("certs-letsencrypt-production").inputs.metadata as { annotations: unknown }).annotations).toEqual(
      annotations(300),
    );
  });

  test("a timeout that is not a positive whole number of seconds is rejected before anything is created", async () => {
    await expect(build({ readyTimeouts: { issuers: 0 } })).rejects.toThrow(
      "CertManager certs: readyTimeouts.issuers must be a positive whole number of seconds, got 0",
    );
    await expect(build({ readyTimeouts: { certificate: 90.5 } })).rejects.toThrow(
      "CertManager certs: readyTimeouts.certificate must be a positive whole number of seconds, got 90.5",
    );
  });

  test("a Let's Encrypt certificate without Let's Encrypt settings is rejected before anything is created", async () => {
    await expect(build({ letsEncrypt: undefined })).rejects.toThrow(
      "CertManager certs: the certificate's issuer letsencrypt-production needs letsEncrypt settings",
    );
  });
});
