// Local stand-in for @pulumiverse/talos 0.8.1: same module layout (`client`, `cluster`,
// `imagefactory`, `machine`, `types`, `Provider`), type tokens, property names, plugin version and
// plugin download URL. Only what the homelab project uses is here; see ../README.md.
import * as pulumi from "@pulumi/pulumi";
import * as client from "./client";
import * as cluster from "./cluster";
import * as imagefactory from "./imagefactory";
import * as machine from "./machine";
import { Provider } from "./provider";
import * as types from "./types";
import { getVersion } from "./utilities";

export { Provider, type ProviderArgs } from "./provider";
export { client, cluster, imagefactory, machine, types };

// Lets the engine rebuild resources and providers of this package from references (for example
// resources passed between components), as the generated SDK does.
type Constructor = new (name: string, args: never, opts: pulumi.CustomResourceOptions) => pulumi.Resource;
const modules: Record<string, Record<string, Constructor>> = {
  cluster: { "talos:cluster/kubeconfig:Kubeconfig": cluster.Kubeconfig },
  imageFactory: { "talos:imageFactory/schematic:Schematic": imagefactory.Schematic },
  machine: {
    "talos:machine/bootstrap:Bootstrap": machine.Bootstrap,
    "talos:machine/configurationApply:ConfigurationApply": machine.ConfigurationApply,
    "talos:machine/secrets:Secrets": machine.Secrets,
  },
};
for (const [mod, constructors] of Object.entries(modules)) {
  pulumi.runtime.registerResourceModule("talos", mod, {
    version: getVersion(),
    construct: (name, type, urn) => {
      const Resource = constructors[type];
      if (!Resource) throw new Error(`unknown resource type ${type}`);
      return new Resource(name, undefined as never, { urn });
    },
  });
}
pulumi.runtime.registerResourcePackage("talos", {
  version: getVersion(),
  constructProvider: (name, type, urn) => {
    if (type !== "pulumi:providers:talos") throw new Error(`unknown provider type ${type}`);
    return new Provider(name, undefined, { urn });
  },
});
