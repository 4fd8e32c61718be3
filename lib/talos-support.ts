/**
 * What the Talos releases this program renders for support: which Talos versions, which
 * Kubernetes versions each runs, the minimum VM size, and the NVIDIA extensions. Pure data and
 * comparisons; config validation reads it.
 *
 * Sources: Sidero Labs' Talos documentation (siderolabs/docs, `public/talos/v1.X/getting-started/`:
 * `support-matrix.mdx`, `system-requirements.mdx`, `what's-new-in-talos.mdx`), checked against
 * the Talos sources (`pkg/machinery/compatibility/talos1XX`: Kubernetes 1.(X+18).0 to 1.(X+23).99
 * for Talos 1.X; `pkg/machinery/config/types/network`: every network document this program renders
 * first shipped in v1.12.0), and the extension names of siderolabs/extensions.
 */

import type { TalosRole } from "./talos";

/** A `major.minor` release line. */
export interface Minor {
  readonly major: number;
  readonly minor: number;
}

/** Kubernetes minors each Talos minor supports (support matrix), oldest Talos first. */
export const TALOS_KUBERNETES_SUPPORT: readonly { readonly talos: string; readonly kubernetes: readonly [string, string] }[] = [
  { talos: "1.12", kubernetes: ["1.30", "1.35"] },
  { talos: "1.13", kubernetes: ["1.31", "1.36"] },
];

/**
 * The oldest Talos minor whose machine config takes every document this program renders: the
 * multi-document network config (`HostnameConfig`, `LinkAliasConfig`, `LinkConfig`,
 * `Layer2VIPConfig`, `ResolverConfig`, `TimeSyncConfig`) replaced `machine.network` in 1.12.
 */
export const OLDEST_TALOS = TALOS_KUBERNETES_SUPPORT[0]!.talos;
/** The newest Talos minor known here (the one the Talos provider 0.8.1 is built against). */
export const NEWEST_TALOS = TALOS_KUBERNETES_SUPPORT[TALOS_KUBERNETES_SUPPORT.length - 1]!.talos;

/** Talos's minimum VM size per role (system requirements, the same from Talos 1.9 to 1.14). */
export const TALOS_MINIMUMS: Readonly<
  Record<TalosRole, { readonly memoryMiB: number; readonly diskGiB: number; readonly cpus: number }>
> = {
  controlplane: { memoryMiB: 2048, diskGiB: 10, cpus: 2 },
  worker: { memoryMiB: 1024, diskGiB: 10, cpus: 1 },
};

/** System extensions that ship the NVIDIA kernel modules (proprietary and open, LTS and production). */
export const NVIDIA_KERNEL_MODULE_EXTENSIONS: readonly string[] = [
  "siderolabs/nonfree-kmod-nvidia-lts",
  "siderolabs/nonfree-kmod-nvidia-production",
  "siderolabs/nvidia-open-gpu-kernel-modules-lts",
  "siderolabs/nvidia-open-gpu-kernel-modules-production",
];

/** System extensions of the NVIDIA container toolkit (the runtime pods reach the GPU through). */
export const NVIDIA_CONTAINER_TOOLKIT_EXTENSIONS: readonly string[] = [
  "siderolabs/nvidia-container-toolkit-lts",
  "siderolabs/nvidia-container-toolkit-production",
];

/** `v1.13.9` / `1.36.0` → `{ major: 1, minor: 13 }`; `undefined` when it is not a version. */
export function minorOf(version: string): Minor | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:-[0-9A-Za-z.]+)?$/.exec(version);
  return match ? { major: Number(match[1]), minor: Number(match[2]) } : undefined;
}

/** Orders release lines: negative when `a` is older than `b`. */
export function compareMinor(a: Minor, b: Minor): number {
  return a.major - b.major || a.minor - b.minor;
}

function minor(text: string): Minor {
  return minorOf(text)!;
}

/** An error (the program cannot serve this) or a warning (newer than what is known here). */
export interface VersionProblem {
  readonly level: "error" | "warning";
  readonly message: string;
}

/** Why a Talos version cannot be used (or may not work as known), or `undefined`. */
export function talosVersionProblem(talosVersion: string): VersionProblem | undefined {
  const version = minorOf(talosVersion);
  if (!version) return { level: "error", message: `${talosVersion} is not a Talos release like v1.13.9` };
  if (compareMinor(version, minor(OLDEST_TALOS)) < 0) {
    return {
      level: "error",
      message:
        `${talosVersion} is older than v${OLDEST_TALOS}, the first Talos release with the multi-document network ` +
        `config this program renders; supported: v${OLDEST_TALOS} to v${NEWEST_TALOS}`,
    };
  }
  if (compareMinor(version, minor(NEWEST_TALOS)) > 0) {
    return {
      level: "warning",
      message: `${talosVersion} is newer than v${NEWEST_TALOS}, the newest Talos release known here; its documents are rendered as for v${NEWEST_TALOS}, and its Kubernetes versions are not checked`,
    };
  }
  return undefined;
}

/** Why a Kubernetes version does not go with a Talos release, or `undefined` (also for unknown Talos releases). */
export function kubernetesVersionProblem(talosVersion: string, kubernetesVersion: string): VersionProblem | undefined {
  const talos = minorOf(talosVersion);
  const kubernetes = minorOf(kubernetesVersion);
  if (!talos || !kubernetes) return undefined;
  const support = TALOS_KUBERNETES_SUPPORT.find((s) => compareMinor(minor(s.talos), talos) === 0);
  if (!support) return undefined;
  const [oldest, newest] = support.kubernetes;
  if (compareMinor(kubernetes, minor(oldest)) >= 0 && compareMinor(kubernetes, minor(newest)) <= 0) return undefined;
  return {
    level: "error",
    message: `Kubernetes ${kubernetesVersion} is not supported by Talos ${talosVersion}, which runs Kubernetes ${oldest} to ${newest}`,
  };
}

/** `v1.13.9` → `v1.13`: the config contract (Talos minor) a release implies. */
export function contractOf(talosVersion: string): string {
  const line = minorOf(talosVersion);
  return line ? `v${line.major}.${line.minor}` : talosVersion;
}
