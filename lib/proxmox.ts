/**
 * Proxmox VE facts the config is checked against. Sources: qemu-server 9.2
 * (`src/PVE/QemuServer/CPUConfig.pm`: the x86_64 CPU models and the built-in x86-64-vN models;
 * custom models are `custom-<configid>`, at most 40 characters after the prefix), pve-common 9.2
 * (`src/PVE/JSONSchema.pm`: the `pve-node`, `pve-tag`, `pve-configid`, `pve-storage-id` and
 * `pve-userid` formats) and pve-guest-common (`src/PVE/Mapping/PCI.pm`: mapping ids are
 * `pve-configid`).
 *
 * Since 9.2 Proxmox reads the CPU model list from the QEMU package, so a newer host may accept a
 * model this list lacks: config validation warns about a new version or variant of a listed model
 * (`EPYC-Turin-v2`) and rejects any other unknown name (config/proxmox-fields.ts).
 */

/**
 * Built-in CPU models of a Proxmox VM's `cpu` option, with whether each offers the x86-64-v2
 * instruction set Talos needs (CX16, LAHF/SAHF, POPCNT, SSE3, SSE4.1, SSE4.2, SSSE3). `host` and
 * `max` pass the host CPU through. Custom models are `custom-<name>`.
 */
export const PROXMOX_CPU_MODELS: ReadonlyMap<string, { readonly x86_64_v2: boolean }> = new Map<
  string,
  { readonly x86_64_v2: boolean }
>([
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
    "Icelake-Server-v7",
    "SapphireRapids",
    "SapphireRapids-v2",
    "SapphireRapids-v3",
    "SapphireRapids-v4",
    "GraniteRapids",
    "GraniteRapids-v2",
    "GraniteRapids-v3",
    "SierraForest",
    "SierraForest-v2",
    "SierraForest-v3",
    "ClearwaterForest",
    "KnightsMill",
    "Opteron_G4",
    "Opteron_G5",
    "EPYC",
    "EPYC-IBPB",
    "EPYC-v3",
    "EPYC-v4",
    "EPYC-v5",
    "EPYC-Rome",
    "EPYC-Rome-v2",
    "EPYC-Rome-v3",
    "EPYC-Rome-v4",
    "EPYC-Rome-v5",
    "EPYC-Milan",
    "EPYC-Milan-v2",
    "EPYC-Milan-v3",
    "EPYC-Genoa",
    "EPYC-Genoa-v2",
    "EPYC-Turin",
  ].map((name) => [name, { x86_64_v2: true }] as const),
]);

/** A custom CPU model defined in `/etc/pve/virtual-guest/cpu-models.conf`: `custom-` + a config id. */
export const CUSTOM_CPU_MODEL = /^custom-[A-Za-z][A-Za-z0-9_-]{1,39}$/;

/** What a CPU model name looks like (QEMU's names), for models newer than the list above. */
export const CPU_MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Proxmox node names (`pve-node`): letters, digits and '-', starting and ending alphanumeric (a host name, so ≤ 63). */
export const PROXMOX_NODE_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Proxmox tags (`pve-tag`): letters, digits, `_ - + .`, not starting with `-`, `+` or `.`. */
export const PROXMOX_TAG = /^[A-Za-z0-9_][A-Za-z0-9_+.-]*$/;

/** Configuration ids (`pve-configid`), which resource mappings use: a letter, then letters, digits, `_`, `-`. */
export const PROXMOX_CONFIG_ID = /^[A-Za-z][A-Za-z0-9_-]+$/;

/** Storage ids (`pve-storage-id`): a letter first, letters, digits, `-_.` inside, alphanumeric last. */
export const PROXMOX_STORAGE_ID = /^[A-Za-z][A-Za-z0-9._-]*[A-Za-z0-9]$/;

/** Users (`pve-userid`): `USER@REALM`, e.g. `root@pam`. */
export const PROXMOX_USER = /^[^\s:/@]+@[A-Za-z][A-Za-z0-9._-]*$/;
