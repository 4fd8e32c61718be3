// Local stand-in for the @pulumi/authentik SDK that `pulumi package add terraform-provider
// goauthentik/authentik 2026.5.0` generates: the same flat module layout (everything in module `index`),
// type tokens, property names, secrets and package registration. Only the resources and data sources
// the homelab project uses are here; see ../README.md.
import * as pulumi from "@pulumi/pulumi";
import { Application } from "./application";
import { Group } from "./group";
import { Outpost } from "./outpost";
import { OutpostProviderAttachment } from "./outpostProviderAttachment";
import { PolicyBinding } from "./policyBinding";
import { PolicyExpression } from "./policyExpression";
import { PropertyMappingProviderScope } from "./propertyMappingProviderScope";
import { PropertyMappingSourceOauth } from "./propertyMappingSourceOauth";
import { Provider } from "./provider";
import { ProviderOauth2 } from "./providerOauth2";
import { ProviderProxy } from "./providerProxy";
import { RbacPermissionRole } from "./rbacPermissionRole";
import { RbacRole } from "./rbacRole";
import { SourceOauth } from "./sourceOauth";
import { StageIdentification } from "./stageIdentification";
import { Token } from "./token";
import * as types from "./types";
import { User } from "./user";
import { getVersion } from "./utilities";

export * from "./application";
export * from "./getCertificateKeyPair";
export * from "./getFlow";
export * from "./getGroup";
export * from "./getOutpost";
export * from "./getPropertyMappingProviderScope";
export * from "./getRbacPermission";
export * from "./getStage";
export * from "./group";
export * from "./outpost";
export * from "./outpostProviderAttachment";
export * from "./policyBinding";
export * from "./policyExpression";
export * from "./propertyMappingProviderScope";
export * from "./propertyMappingSourceOauth";
export * from "./provider";
export * from "./providerOauth2";
export * from "./providerProxy";
export * from "./rbacPermissionRole";
export * from "./rbacRole";
export * from "./sourceOauth";
export * from "./stageIdentification";
export * from "./token";
export * from "./user";
export { types };

// Lets the engine rebuild resources and providers of this package from references (for example
// resources passed between components), as the generated SDK does.
type Constructor = new (name: string, args: never, opts: pulumi.CustomResourceOptions) => pulumi.Resource;
const constructors: Record<string, Constructor> = {
  [Application.__pulumiType]: Application,
  [Group.__pulumiType]: Group,
  [Outpost.__pulumiType]: Outpost,
  [OutpostProviderAttachment.__pulumiType]: OutpostProviderAttachment,
  [PolicyBinding.__pulumiType]: PolicyBinding,
  [PolicyExpression.__pulumiType]: PolicyExpression,
  [PropertyMappingProviderScope.__pulumiType]: PropertyMappingProviderScope,
  [PropertyMappingSourceOauth.__pulumiType]: PropertyMappingSourceOauth,
  [ProviderOauth2.__pulumiType]: ProviderOauth2,
  [ProviderProxy.__pulumiType]: ProviderProxy,
  [RbacPermissionRole.__pulumiType]: RbacPermissionRole,
  [RbacRole.__pulumiType]: RbacRole,
  [SourceOauth.__pulumiType]: SourceOauth,
  [StageIdentification.__pulumiType]: StageIdentification,
  [Token.__pulumiType]: Token,
  [User.__pulumiType]: User,
};
pulumi.runtime.registerResourceModule("authentik", "index", {
  version: getVersion(),
  construct: (name, type, urn) => {
    const Resource = constructors[type];
    if (!Resource) throw new Error(`unknown resource type ${type}`);
    return new Resource(name, undefined as never, { urn });
  },
});
pulumi.runtime.registerResourcePackage("authentik", {
  version: getVersion(),
  constructProvider: (name, type, urn) => {
    if (type !== "pulumi:providers:authentik") throw new Error(`unknown provider type ${type}`);
    return new Provider(name, undefined as never, { urn });
  },
});
