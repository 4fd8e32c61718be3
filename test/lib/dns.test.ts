import { describe, expect, test } from "vitest";
import { existingRecordProblems, importKey, ZONE_RECORDS_READ, type WantedRecord, type ZoneRecord } from "../../lib/dns";

/** Records that exist in the zone already, against the ones a stack makes (lib/dns.ts). */

const ZONE = "0123456789abcdef0123456789abcdef";
const OURS = "managed by homelab/cloudflare";
const id = (n: number) => String(n).padStart(32, "a");
const auth = (type: "A" | "AAAA", importId?: string): WantedRecord => ({
  name: "auth.example.net",
  type,
  source: "homelab:edge.names[0]",
  ...(importId === undefined ? {} : { importId }),
});
const record = (n: number, type: string, comment?: string, name = "auth.example.net"): ZoneRecord => ({
  id: id(n),
  name,
  type,
  content: type === "CNAME" ? "elsewhere.example.org" : "198.51.100.7",
  ...(comment === undefined ? {} : { comment }),
});
const problems = (wanted: WantedRecord[], zone: ZoneRecord[]) => existingRecordProblems(wanted, zone, ZONE, OURS, "cloudflare");

describe("records that exist already", () => {
  test("none, or only this stack's own (its comment), or of other names or types: nothing stands in the way", () => {
    expect(problems([auth("A"), auth("AAAA")], [])).toEqual([]);
    expect(problems([auth("A")], [record(1, "A", OURS), record(2, "A", undefined, "www.example.net"), record(3, "TXT")])).toEqual(
      [],
    );
    // Cloudflare lists names in lower case.
    expect(problems([{ ...auth("A"), name: "Auth.Example.net" }], [record(1, "A", OURS)])).toEqual([]);
  });

  test("a record of the name and type that this stack did not make: named, with the exact import entry that adopts it", () => {
    expect(problems([auth("A")], [record(1, "A", "made by hand")])).toEqual([
      `homelab:edge.names[0]: auth.example.net already has an A record that the cloudflare stack did not make (record ${id(1)} → 198.51.100.7, comment "made by hand"): adopt it with homelab:import: { "auth.example.net/A": "${ZONE}/${id(1)}" } (the run imports it, then updates it), or delete it in Cloudflare; if this stack made it and its comment was changed by hand, set the comment back to "managed by homelab/cloudflare"`,
    ]);
    // Another stack's (the services stack's comment) is someone else's too.
    expect(problems([auth("AAAA")], [{ ...record(2, "AAAA", "managed by homelab/services"), content: "2001:db8::1" }])).toEqual([
      `homelab:edge.names[0]: auth.example.net already has an AAAA record that the cloudflare stack did not make (record ${id(2)} → 2001:db8::1, comment "managed by homelab/services"): adopt it with homelab:import: { "auth.example.net/AAAA": "${ZONE}/${id(2)}" } (the run imports it, then updates it), or delete it in Cloudflare; if this stack made it and its comment was changed by hand, set the comment back to "managed by homelab/cloudflare"`,
    ]);
  });

  test("adopted by its import id: nothing in the way; a second record beside it, or beside this stack's own, is to be deleted", () => {
    expect(problems([auth("A", `${ZONE}/${id(1)}`)], [record(1, "A")])).toEqual([]);
    // After the import the record carries this stack's comment; the entry may stay.
    expect(problems([auth("A", `${ZONE}/${id(1)}`)], [record(1, "A", OURS)])).toEqual([]);
    expect(problems([auth("A", `${ZONE}/${id(1)}`)], [record(1, "A"), record(2, "A", OURS)])).toEqual([
      `homelab:edge.names[0]: auth.example.net already has an A record that the cloudflare stack did not make (record ${id(2)} → 198.51.100.7, comment "managed by homelab/cloudflare"): delete it in Cloudflare (a second record of the name would answer beside this stack's)`,
    ]);
    expect(problems([auth("A")], [record(1, "A", OURS), record(2, "A")])).toEqual([
      `homelab:edge.names[0]: auth.example.net already has an A record that the cloudflare stack did not make (record ${id(2)} → 198.51.100.7, no comment): delete it in Cloudflare (a second record of the name would answer beside this stack's)`,
    ]);
  });

  test("an import id that names another record than the zone's of the name and type, and a CNAME of the name, are in the way", () => {
    // A record the zone lacks altogether is the import's to report (the offline plan's zone is empty).
    expect(problems([auth("A", `${ZONE}/${id(9)}`)], [])).toEqual([]);
    expect(problems([auth("A", `${ZONE}/${id(9)}`)], [record(1, "A", OURS)])).toEqual([
      `homelab:import["auth.example.net/A"]: ${ZONE}/${id(9)} is not the A record auth.example.net of this zone (the zone's: ${ZONE}/${id(1)})`,
      `homelab:edge.names[0]: auth.example.net already has an A record that the cloudflare stack did not make (record ${id(1)} → 198.51.100.7, comment "managed by homelab/cloudflare"): delete it in Cloudflare (a second record of the name would answer beside this stack's)`,
    ]);
    expect(problems([auth("A"), auth("AAAA")], [record(3, "CNAME")])).toEqual(
      ["A", "AAAA"].map(
        (type) =>
          `homelab:edge.names[0]: auth.example.net has a CNAME record (record ${id(3)} → elsewhere.example.org, no comment), and Cloudflare allows no ${type} record beside one: delete it in Cloudflare, or choose another name`,
      ),
    );
  });

  test("a zone with more records than the program reads cannot be checked", () => {
    const many = Array.from({ length: ZONE_RECORDS_READ }, (_, n) => record(n, "TXT", undefined, `r${n}.example.net`));
    expect(problems([auth("A")], many)).toEqual([
      "the zone has 10000 records or more, more than this program reads (ZONE_RECORDS_READ in lib/dns.ts): records that exist already cannot be found",
    ]);
    expect(importKey("*.lab.example.net", "A")).toBe("*.lab.example.net/A");
  });
});
