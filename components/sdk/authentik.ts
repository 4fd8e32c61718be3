// `homelab/authentik`: the Authentik SDK this package bundles (a local stand-in for the
// @pulumi/authentik SDK that `pulumi package add terraform-provider goauthentik/authentik` generates,
// which is not on the registry), whole: `Provider`, every resource, the lookups (`getFlow`,
// `getFlowOutput`, ...) and the `types` namespace. The SDK stays a package of its own under
// node_modules/homelab/node_modules (Pulumi finds its plugin through its package.json), and
// `export *` compiles to a re-export that Node's CommonJS lexer follows, so
// `import { Provider } from "homelab/authentik"` works from ESM too.
export * from "@pulumi/authentik";
