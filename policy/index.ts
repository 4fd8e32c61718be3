import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// The homelab's CrossGuard policy pack: `pulumi preview --policy-pack policy` from the repository
// root. Constructing the pack starts its gRPC server (that is how @pulumi/policy serves the engine),
// so nothing imports this file; the policies and the rules they run live in policies.ts and
// rules.ts. What each rule checks, and what differs from the offline plan: docs/policy.md.
new PolicyPack("homelab", { policies, enforcementLevel: "mandatory" });
