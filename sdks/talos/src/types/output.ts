// Output shapes of the Talos provider schema (0.8.1) that the local SDK exposes.

export namespace machine {
  export interface ClientConfiguration {
    caCertificate: string;
    clientCertificate: string;
    clientKey: string;
  }
  export interface Certificate {
    cert: string;
    key: string;
  }
  export interface MachineSecrets {
    certs: {
      etcd: Certificate;
      k8s: Certificate;
      k8sAggregator: Certificate;
      k8sServiceaccount: { key: string };
      os: Certificate;
    };
    cluster: { id: string; secret: string };
    secrets: { aescbcEncryptionSecret?: string; bootstrapToken: string; secretboxEncryptionSecret: string };
    trustdinfo: { token: string };
  }
  export interface BootstrapTimeouts {
    create?: string;
  }
  export interface Timeout {
    create?: string;
    delete?: string;
    update?: string;
  }
  export interface ConfigurationApplyOnDestroy {
    graceful?: boolean;
    reboot?: boolean;
    reset?: boolean;
  }
}

export namespace cluster {
  export interface KubeconfigKubernetesClientConfiguration {
    caCertificate: string;
    clientCertificate: string;
    clientKey: string;
    host: string;
  }
  export interface KubeconfigTimeouts {
    create?: string;
    update?: string;
  }
  export interface GetHealthTimeouts {
    read?: string;
  }
}
