// Input shapes of the Talos provider schema (0.8.1) that the local SDK exposes.
import type * as pulumi from "@pulumi/pulumi";

export namespace machine {
  /** `talos:machine/generated:ClientConfiguration` */
  export interface ClientConfiguration {
    caCertificate: pulumi.Input<string>;
    clientCertificate: pulumi.Input<string>;
    /** Secret. */
    clientKey: pulumi.Input<string>;
  }
  export type BootstrapClientConfigurationWo = ClientConfiguration;
  export type ConfigurationApplyClientConfigurationWo = ClientConfiguration;
  export interface BootstrapTimeouts {
    create?: pulumi.Input<string>;
  }
  /** `talos:machine/Timeout:Timeout` */
  export interface Timeout {
    create?: pulumi.Input<string>;
    delete?: pulumi.Input<string>;
    update?: pulumi.Input<string>;
  }
  export interface ConfigurationApplyOnDestroy {
    graceful?: pulumi.Input<boolean>;
    reboot?: pulumi.Input<boolean>;
    reset?: pulumi.Input<boolean>;
  }
  export interface Certificate {
    cert: pulumi.Input<string>;
    /** Secret. */
    key: pulumi.Input<string>;
  }
  export interface Key {
    key: pulumi.Input<string>;
  }
  /** `talos:machine/generated:MachineSecrets`, as `getConfiguration` takes it. */
  export interface GetConfigurationMachineSecrets {
    certs: pulumi.Input<{
      etcd: pulumi.Input<Certificate>;
      k8s: pulumi.Input<Certificate>;
      k8sAggregator: pulumi.Input<Certificate>;
      k8sServiceaccount: pulumi.Input<Key>;
      os: pulumi.Input<Certificate>;
    }>;
    cluster: pulumi.Input<{ id: pulumi.Input<string>; secret: pulumi.Input<string> }>;
    secrets: pulumi.Input<{
      aescbcEncryptionSecret?: pulumi.Input<string>;
      bootstrapToken: pulumi.Input<string>;
      secretboxEncryptionSecret: pulumi.Input<string>;
    }>;
    trustdinfo: pulumi.Input<{ token: pulumi.Input<string> }>;
  }
}

export namespace cluster {
  export type KubeconfigClientConfiguration = machine.ClientConfiguration;
  export interface KubeconfigTimeouts {
    create?: pulumi.Input<string>;
    update?: pulumi.Input<string>;
  }
  export type GetHealthClientConfiguration = machine.ClientConfiguration;
  export interface GetHealthTimeouts {
    /** How long to wait, as a Go duration (`10m`). */
    read?: pulumi.Input<string>;
  }
}

export namespace client {
  export type GetConfigurationClientConfiguration = machine.ClientConfiguration;
}
