import { z } from "zod";
import {
  CPU_MODEL_NAME,
  CUSTOM_CPU_MODEL,
  PROXMOX_CONFIG_ID,
  PROXMOX_CPU_MODELS,
  PROXMOX_NODE_NAME,
  PROXMOX_STORAGE_ID,
  PROXMOX_TAG,
  PROXMOX_USER,
} from "../lib/proxmox";
import { httpsUrl } from "./fields";
import { didYouMean } from "./loader";

/** Shared zod field types for config that names things in Proxmox VE (formats from lib/proxmox). */

const quoted = (input: unknown) => JSON.stringify(input);

/** The path of a URL, or `undefined` when it is none. */
function urlPath(text: string): string | undefined {
  try {
    return new URL(text).pathname;
  } catch {
    return undefined;
  }
}

/** The Proxmox API URL without the API path, which the provider appends itself. */
export const proxmoxEndpoint = httpsUrl.refine((v) => !urlPath(v)?.startsWith("/api2"), {
  error: (i) => `must not include the API path: the provider appends /api2/json itself; use ${new URL(String(i.input)).origin}/`,
});

/** A Proxmox cluster node name, e.g. `pve1`. */
export const proxmoxNodeName = z.string().regex(PROXMOX_NODE_NAME, {
  error: (i) =>
    `must be a Proxmox node name (letters, digits and '-', at most 63, starting and ending alphanumeric), got ${quoted(i.input)}`,
});

/** A Proxmox user `USER@REALM`, e.g. `root@pam`. */
export const proxmoxUser = z.string().regex(PROXMOX_USER, {
  error: (i) => `must be a Proxmox user USER@REALM like root@pam, got ${quoted(i.input)}`,
});

/** A Proxmox tag. */
export const proxmoxTag = z.string().regex(PROXMOX_TAG, {
  error: (i) => `must be a Proxmox tag (letters, digits, _ + . -, not starting with + . -), got ${quoted(i.input)}`,
});

/** A Proxmox resource mapping id, e.g. `gpu0`. */
export const proxmoxMappingId = z.string().regex(PROXMOX_CONFIG_ID, {
  error: (i) =>
    `must be a Proxmox resource mapping id (a letter, then at least one letter, digit, _ or -), got ${quoted(i.input)}`,
});

/** A Proxmox storage (datastore) id, e.g. `local-lvm`. */
export const proxmoxStorageId = z.string().regex(PROXMOX_STORAGE_ID, {
  error: (i) =>
    `must be a Proxmox storage id (a letter first, letters, digits, - _ . inside, alphanumeric last), got ${quoted(i.input)}`,
});

/** A model's family: its name without the version and variant suffixes (`EPYC-Rome-v2` → `EPYC-Rome`). */
const cpuFamily = (name: string) => name.replace(/(-(v\d+|IBRS|IBPB|noTSX|AES))+$/, "");
const CPU_FAMILIES = new Set([...PROXMOX_CPU_MODELS.keys()].map(cpuFamily));

/**
 * A Proxmox CPU model Talos can run on (x86-64-v2 or better), or a `custom-<name>` model. A new
 * version or variant of a known model (`EPYC-Turin-v2`: a newer QEMU may have it) passes here,
 * and {@link unknownCpuModel} tells checks to warn about it; any other name is refused.
 */
export const proxmoxCpuType = z.string().superRefine((v, ctx) => {
  const model = PROXMOX_CPU_MODELS.get(v);
  if (model?.x86_64_v2 === false) {
    ctx.addIssue({
      code: "custom",
      message: `${quoted(v)} lacks x86-64-v2, which Talos needs; use host, x86-64-v2-AES or a newer model`,
    });
    return;
  }
  if (model || CUSTOM_CPU_MODEL.test(v)) return;
  const models = [...PROXMOX_CPU_MODELS.keys()];
  const sameButCase = models.find((name) => name.toLowerCase() === v.toLowerCase());
  const newerVariant = CPU_MODEL_NAME.test(v) && !v.startsWith("custom-") && CPU_FAMILIES.has(cpuFamily(v));
  if (sameButCase || !newerVariant) {
    const meant = sameButCase ? ` (did you mean "${sameButCase}"?)` : didYouMean(v, models);
    ctx.addIssue({
      code: "custom",
      message: `${quoted(v)} is not a Proxmox CPU model${meant}; e.g. host, x86-64-v2-AES, x86-64-v3, EPYC-Rome, or custom-<name>`,
    });
  }
});

/** A warning for a CPU model this project does not know (a newer QEMU may), or `undefined`. */
export function unknownCpuModel(type: string): string | undefined {
  if (PROXMOX_CPU_MODELS.has(type) || CUSTOM_CPU_MODEL.test(type)) return undefined;
  return `${quoted(type)} is not a CPU model of Proxmox VE 9.2; fine if your Proxmox's QEMU has it (newer releases add versions of known models), else the VM will not start`;
}
