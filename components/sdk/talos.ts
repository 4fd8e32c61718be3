// `homelab/talos`: the Talos SDK this package bundles (a local stand-in for @pulumiverse/talos 0.8.1,
// which is not on the registry), whole: `Provider`, the `client`, `cluster`, `imagefactory`,
// `machine` and `types` namespaces. The SDK stays a package of its own under
// node_modules/homelab/node_modules (Pulumi finds its plugin through its package.json), and
// `export *` compiles to a re-export that Node's CommonJS lexer follows, so
// `import { Provider } from "homelab/talos"` works from ESM too.
export * from "@pulumiverse/talos";
