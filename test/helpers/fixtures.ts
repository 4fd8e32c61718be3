import { ConfigError, loadConfig, rawConfig, type ConfigSpec, type RawConfig } from "../../config/loader";

/**
 * A small talos config: one control plane, one worker and one GPU worker, with just enough set
 * to be valid. Tests copy it and change one thing.
 */
export function smallLab(): Record<string, unknown> {
  return {
    proxmox: { endpoint: "https://pve.example.net:8006/", node: "pve1" },
    cluster: { name: "lab", talosVersion: "v1.13.9" },
    network: { cidr: "10.0.0.0/24", gateway: "10.0.0.1", vip: "10.0.0.10", nameservers: ["10.0.0.1"] },
    image: {
      base: { extensions: ["siderolabs/qemu-guest-agent"] },
      gpu: {
        extensions: [
          "siderolabs/qemu-guest-agent",
          "siderolabs/nonfree-kmod-nvidia-production",
          "siderolabs/nvidia-container-toolkit-production",
        ],
      },
    },
    nodes: [
      { name: "cp1", role: "controlplane", ip: "10.0.0.11", vmId: 111 },
      { name: "w1", role: "worker", ip: "10.0.0.21", vmId: 121 },
      { name: "gpu1", role: "worker", ip: "10.0.0.31", vmId: 131, host: "pve2", gpu: { devices: [{ mapping: "gpu0" }] } },
    ],
  };
}

/** `smallLab()` with `edit` applied to a deep copy. */
export function labWith(edit: (lab: Record<string, any>) => void, secretKeys: string[] = []): RawConfig {
  const lab = structuredClone(smallLab());
  edit(lab);
  return rawConfig(lab, secretKeys);
}

/** A small valid platform config (self-signed certificates, one ApplicationSet). Tests copy it and change one thing. */
export function smallPlatform(): Record<string, any> {
  return {
    network: { cidr: "10.0.0.0/24", gateway: "10.0.0.1", vip: "10.0.0.10", nodeIps: ["10.0.0.11", "10.0.0.21"] },
    domain: "lab.example.net",
    cilium: { loadBalancerPool: ["10.0.0.200-10.0.0.220"] },
    certManager: { issuer: "selfsigned" },
    gateway: { address: "10.0.0.200" },
    argocd: { repo: { url: "https://github.com/me/apps.git" }, applicationSets: "single" },
  };
}

/** A small valid authentik config: GitHub, one access group, the adopted objects, one app. */
export function smallAuthentik(): Record<string, any> {
  return {
    domain: "example.net",
    github: { clientId: "Iv1.abc", clientSecret: "s" },
    access: { groups: { "homelab-users": { users: ["octocat"] } } },
    adopt: {
      embeddedOutpost: "3f0c2b5e-8d1a-4c6e-9b2f-7a4d5e6f8a9b",
      identificationStage: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    },
    apps: [{ name: "Grafana", slug: "grafana", redirectUris: ["https://grafana.example.net/login/generic_oauth"] }],
  };
}

/** A well-formed ed25519 public key line for config tests (51-byte blob, a comment). */
export const CONFIG_TEST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyForTheConfigTestsxxxxxxxxxxxxxxxx me@laptop";

/** The problems of `base` changed by `edit`, as `key: message` lines; [] when it loads. */
export function configProblems(
  spec: ConfigSpec<any, unknown, any>,
  base: () => Record<string, any>,
  edit: (c: Record<string, any>) => void,
): string[] {
  const config = base();
  edit(config);
  try {
    loadConfig("test", spec, rawConfig(config));
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.key}: ${p.message}`);
    throw error;
  }
}
