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
