import { stringify } from "yaml";

/**
 * The one place documents become YAML text (Talos patches, the Image Factory schematic, plan
 * artifacts). Keys keep their insertion order, long strings are never folded, and repeated
 * objects are written out rather than turned into anchors (Talos and Proxmox reject aliases
 * in some places), so the same input always gives byte-identical text.
 */
export function toYaml(document: unknown): string {
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** Several documents as one multi-document YAML stream (`---` between documents). */
export function toYamlDocuments(documents: readonly unknown[]): string {
  return documents.map(toYaml).join("---\n");
}

/**
 * YAML for Kubernetes and Helm, which read YAML 1.1: strings that 1.1 would read as something
 * else (`yes`, `on`, `0644`, `12:30`) are quoted, so every reader sees the same values.
 */
export function toKubernetesYaml(document: unknown): string {
  return stringify(document, { version: "1.1", lineWidth: 0, aliasDuplicateObjects: false });
}
