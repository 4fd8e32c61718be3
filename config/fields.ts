import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { parseCidr, parseIpv4 } from "../lib/net";

/** Shared zod field types for every program's config. */

/** A dotted-quad IPv4 address. */
export const ipv4 = z.string().refine((v) => parseIpv4(v) !== undefined, {
  error: (issue) => `must be an IPv4 address like 192.168.1.10, got ${JSON.stringify(issue.input)}`,
});

/** An IPv4 network in CIDR form whose address is the network address (`10.10.0.0/24`). */
export const ipv4Cidr = z.string().refine((v) => parseCidr(v) !== undefined, {
  error: (issue) => `must be an IPv4 network like 10.10.0.0/24 (host bits zero), got ${JSON.stringify(issue.input)}`,
});

/** An RFC 1123 label: what a hostname, a Kubernetes node name and a Proxmox node name accept. */
export const dnsLabel = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
  error: (issue) =>
    `must be a DNS label (lowercase letters, digits and '-', at most 63, starting and ending alphanumeric), got ${JSON.stringify(issue.input)}`,
});

/** A DNS name made of labels (`lab.example.net`). */
export const dnsName = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, {
    error: (issue) => `must be a lowercase DNS name like lab.example.net, got ${JSON.stringify(issue.input)}`,
  });

/** An `https://` URL. */
export const httpsUrl = z.string().refine(
  (v) => {
    try {
      return new URL(v).protocol === "https:";
    } catch {
      return false;
    }
  },
  { error: (issue) => `must be an https:// URL, got ${JSON.stringify(issue.input)}` },
);

/**
 * A secret string. Whatever way it was stored (encrypted, or in plain text by mistake), the program
 * only ever sees it as a secret Output, so it is masked in plans, state and stack outputs. Its
 * errors never repeat the value.
 */
export const secretString = () =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? "is required" : "must be a string (the value is secret and not shown)"),
    })
    .min(1, { error: "must not be empty" })
    .transform((v) => pulumi.secret(v));
