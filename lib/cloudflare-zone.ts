import type * as pulumi from "@pulumi/pulumi";
import { getDnsRecordsOutput } from "@pulumi/cloudflare/getDnsRecords";
import { getZoneOutput } from "@pulumi/cloudflare/getZone";
import { ZONE_RECORDS_READ, zoneWithoutClashes, type WantedRecord } from "./dns";

/**
 * The id of the Cloudflare zone named `name`, looked up by name, once its records were read and
 * none of them stands in the way of a `wanted` one (lib/dns.ts, `zoneWithoutClashes`): a record
 * that takes this id is written only after that check, and a clash ends the run before any is.
 * Kept apart from lib/dns.ts, which the config checks load, so that they never load the SDK.
 */
export function checkedZone(
  name: string,
  wanted: readonly WantedRecord[],
  comment: string,
  stack: string,
): pulumi.Output<string> {
  const found = getZoneOutput({ filter: { name } }).zoneId;
  return zoneWithoutClashes(
    found,
    getDnsRecordsOutput({ zoneId: found, maxItems: ZONE_RECORDS_READ }).results,
    wanted,
    comment,
    stack,
  );
}
