/**
 * Proxmox VE facts the config is checked against. Source: Proxmox VE's qemu-server
 * (`PVE/QemuServer/CPUConfig.pm`: the built-in CPU models) and pve-common
 * (`PVE/JSONSchema.pm`: the formats of node names, tags, configuration and storage ids).
 */

/**
 * Built-in CPU models of a Proxmox VM's `cpu` option, with whether each offers the x86-64-v2
 * instruction set Talos needs (CX16, LAHF/SAHF, POPCNT, SSE3, SSE4.1, SSE4.2, SSSE3). `host` and
 * `max` pass the host CPU through. Custom models are `custom-<name>`.
 */
export const PROXMOX_CPU_MODELS: Readonly<Record<string, { readonly x86_64_v2: boolean }>> = Object.fromEntries([
  ...[
    "486",
    "pentium",
    "pentium2",
    "pentium3",
    "coreduo",
    "core2duo",
    "Conroe",
    "Penryn",
    "athlon",
    "phenom",
    "Opteron_G1",
    "Opteron_G2",
    "Opteron_G3",
    "kvm32",
    "kvm64",
    "qemu32",
    "qemu64",
  ].map((name) => [name, { x86_64_v2: false }] as const),
  ...[
    "host",
    "max",
    "x86-64-v2",
    "x86-64-v2-AES",
    "x86-64-v3",
    "x86-64-v4",
    "Nehalem",
    "Nehalem-IBRS",
    "Westmere",
    "Westmere-IBRS",
    "SandyBridge",
    "SandyBridge-IBRS",
    "IvyBridge",
    "IvyBridge-IBRS",
    "Haswell",
    "Haswell-IBRS",
    "Haswell-noTSX",
    "Haswell-noTSX-IBRS",
    "Broadwell",
    "Broadwell-IBRS",
    "Broadwell-noTSX",
    "Broadwell-noTSX-IBRS",
    "Skylake-Client",
    "Skylake-Client-IBRS",
    "Skylake-Client-noTSX-IBRS",
    "Skylake-Client-v4",
    "Skylake-Server",
    "Skylake-Server-IBRS",
    "Skylake-Server-noTSX-IBRS",
    "Skylake-Server-v4",
    "Skylake-Server-v5",
    "Cascadelake-Server",
    "Cascadelake-Server-v2",
    "Cascadelake-Server-noTSX",
    "Cascadelake-Server-v4",
    "Cascadelake-Server-v5",
    "Cooperlake",
    "Cooperlake-v2",
    "Icelake-Client",
    "Icelake-Client-noTSX",
    "Icelake-Server",
    "Icelake-Server-noTSX",
    "Icelake-Server-v3",
    "Icelake-Server-v4",
    "Icelake-Server-v5",
    "Icelake-Server-v6",
    "SapphireRapids",
    "SapphireRapids-v2",
    "GraniteRapids",
    "KnightsMill",
    "Opteron_G4",
    "Opteron_G5",
    "EPYC",
    "EPYC-IBPB",
    "EPYC-v3",
    "EPYC-v4",
    "EPYC-Rome",
    "EPYC-Rome-v2",
    "EPYC-Rome-v3",
    "EPYC-Rome-v4",
    "EPYC-Milan",
    "EPYC-Milan-v2",
    "EPYC-Genoa",
  ].map((name) => [name, { x86_64_v2: true }] as const),
]);

/** A custom CPU model defined in `/etc/pve/virtual-guest/cpu-models.conf`. */
export const CUSTOM_CPU_MODEL = /^custom-[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Proxmox node names (`pve-node`): letters, digits and '-', starting and ending alphanumeric. */
export const PROXMOX_NODE_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Proxmox tags (`pve-tag`): letters, digits, `_ - + .`, not starting with `-`, `+` or `.`. */
export const PROXMOX_TAG = /^[A-Za-z0-9_][A-Za-z0-9_+.-]*$/;

/** Configuration ids (`pve-configid`), which resource mappings use: a letter, then letters, digits, `_`, `-`. */
export const PROXMOX_CONFIG_ID = /^[A-Za-z][A-Za-z0-9_-]+$/;

/** Storage ids (`pve-storage-id`): a letter first, letters, digits, `-_.` inside, alphanumeric last. */
export const PROXMOX_STORAGE_ID = /^[A-Za-z][A-Za-z0-9._-]*[A-Za-z0-9]$/;

/** Users (`pve-userid`): `USER@REALM`, e.g. `root@pam`. */
export const PROXMOX_USER = /^[^\s:/@]+@[A-Za-z][A-Za-z0-9._-]*$/;
