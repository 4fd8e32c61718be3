/**
 * The shell scripts the talos program runs through `@pulumi/command` where the Talos provider
 * cannot act: rolling a node forward (an upgrade to a new installer image, or the reboot a staged
 * config needs) and upgrading Kubernetes. Pure text; every value reaches a script through its
 * environment, so one script serves every node and none is ever written by the program.
 *
 * The talosconfig arrives as the secret environment value `TALOSCONFIG_DATA`; the script puts it
 * in a private temporary file (mktemp, mode 0600) for talosctl and removes it on exit.
 */

/** The environment of a node's rollout (values filled in per node by the component). */
export interface RolloutEnvironment {
  /** The node's IP: its Talos API endpoint and target. */
  readonly NODE: string;
  /** The installer image the node must run: `<factory>/<platform>-installer/<schematic>:<version>`. */
  readonly INSTALLER_IMAGE: string;
  /** The Talos release in that image, e.g. `v1.13.9`. */
  readonly TALOS_VERSION: string;
  /** How the node's last config apply resolved: `staged` means the config waits for a reboot. */
  readonly APPLY_MODE: string;
  /** SHA-256 of the node's applied config (the provider's `machineConfigurationHash`). */
  readonly CONFIG_HASH: string;
  /** The control plane the cluster health check runs on (it finds the other nodes itself). */
  readonly HEALTH_NODE: string;
  /** How long one node may take to come back healthy, e.g. `15m`. */
  readonly TIMEOUT: string;
}

/** What every script starts with: strict mode, talosctl on PATH, the talosconfig in a private file. */
const PRELUDE = `set -eu

if ! command -v talosctl >/dev/null 2>&1; then
  echo "homelab: talosctl is not on PATH. Install talosctl \${TALOS_VERSION:-} (see the Talos docs, 'talosctl'), then run pulumi up again." >&2
  exit 127
fi

talosconfig=$(mktemp)
trap 'rm -f "$talosconfig"' EXIT INT TERM
printf '%s\\n' "$TALOSCONFIG_DATA" > "$talosconfig"
`;

/**
 * Rolls one node forward; the update step of the node's rollout command, which runs whenever one
 * of its inputs changes (a new installer image, a new config), node after node:
 * - it asks the node what it runs (`talosctl version`, and the `schematic` extension the Image
 *   Factory puts in every image it builds) and never trusts a record of an earlier run: a new
 *   release or schematic is `talosctl upgrade --image` — one Talos minor at a time, never
 *   backwards — which reboots into the new image (a staged config applies with it);
 * - else, a config the provider staged because it needs a reboot, and this step has not rebooted
 *   for yet: `talosctl reboot`;
 * - then it waits until the cluster is healthy (the check finds the nodes itself), so the next
 *   node may go. With nothing to do it touches nothing and waits for nothing.
 * Its last line records the config it has seen (`config-hash: <hash>`, read back next time
 * from `PULUMI_COMMAND_STDOUT`): a staged config is rebooted into once.
 */
export const ROLLOUT_SCRIPT = `#!/bin/sh
# homelab: roll one Talos node forward (run by Pulumi, @pulumi/command local.Command, on update).
${PRELUDE}
talos() { talosctl --talosconfig "$talosconfig" --nodes "$NODE" "$@"; }
# "v1.13.9" -> "1 13" (nothing for anything else), in the shell itself like the rest of this script.
minor() {
  version=\${1#v}
  major=\${version%%.*}
  rest=\${version#*.}
  case "$major.$rest" in
    *[!0-9.]* | .* | *..*) return ;;
  esac
  if [ "$rest" != "$version" ]; then echo "$major \${rest%%.*}"; fi
}

# What the node runs, asked of the node: its release ("Tag:", the last one is the server's) and
# the schematic the Image Factory built its image from (the "schematic" extension's version).
versions=$(talos version)
extensions=$(talos get extensions)
running="" schematic=""
while read -r key value _; do if [ "$key" = "Tag:" ]; then running=$value; fi; done <<EOF
$versions
EOF
while read -r _ _ _ _ _ name version _; do if [ "$name" = "schematic" ]; then schematic=$version; fi; done <<EOF
$extensions
EOF
image=\${INSTALLER_IMAGE%:*}
want_schematic=\${image##*/}
# The config this step last saw: its own last line, "config-hash: <hash>".
seen=""
while IFS= read -r line; do
  case "$line" in "config-hash: "*) seen=\${line#config-hash: } ;; esac
done <<EOF
\${PULUMI_COMMAND_STDOUT:-}
EOF

if [ "$running" != "$TALOS_VERSION" ] || [ "$schematic" != "$want_schematic" ]; then
  # shellcheck disable=SC2046 # split "major minor" into positional parameters
  set -- $(minor "$running") $(minor "$TALOS_VERSION")
  if [ $# -ne 4 ]; then
    echo "homelab: cannot read the Talos version of $NODE (got '$running')" >&2
    exit 1
  fi
  if [ "$1" -ne "$3" ] || [ "$4" -gt $(($2 + 1)) ] || [ "$4" -lt "$2" ]; then
    echo "homelab: refusing to upgrade $NODE from $running to $TALOS_VERSION: Talos upgrades go one minor release at a time and never back (e.g. v1.12 -> v1.13 -> v1.14)" >&2
    exit 1
  fi
  echo "upgrading $NODE from $running (schematic \${schematic:-none}) to $INSTALLER_IMAGE"
  talos upgrade --image "$INSTALLER_IMAGE" --wait --timeout "$TIMEOUT"
elif [ "$APPLY_MODE" = "staged" ] && [ "$seen" != "$CONFIG_HASH" ]; then
  echo "rebooting $NODE into its staged configuration"
  talos reboot --wait --timeout "$TIMEOUT"
else
  echo "$NODE runs $INSTALLER_IMAGE with no staged configuration: nothing to do"
  echo "config-hash: $CONFIG_HASH"
  exit 0
fi

talosctl --talosconfig "$talosconfig" --nodes "$HEALTH_NODE" health --wait-timeout "$TIMEOUT"
echo "config-hash: $CONFIG_HASH"
`;

/** The rollout command's create step: a new node boots its image and config; it records the config. */
export const ROLLOUT_CREATE = `echo "config-hash: $CONFIG_HASH"`;

/** The environment of the Kubernetes upgrade (its talosconfig names this node only). */
export interface KubernetesUpgradeEnvironment {
  /** The control plane talosctl runs the upgrade through. */
  readonly NODE: string;
  /** The Kubernetes version, e.g. `1.36.3`. */
  readonly KUBERNETES_VERSION: string;
}

/**
 * Upgrades Kubernetes (`talosctl upgrade-k8s`): the update step of the cluster's Kubernetes
 * command, run when `kubernetesVersion` changes, before any node's config is applied (the applies
 * wait for it): the tool moves the control plane first, then each kubelet, node by node, writing
 * the new images into each node's config, so the applies that follow find them there. It accepts
 * the same minor or the next one only, and on a cluster already at the version it only verifies.
 */
export const KUBERNETES_UPGRADE_SCRIPT = `#!/bin/sh
# homelab: upgrade Kubernetes (run by Pulumi, @pulumi/command local.Command, on update).
if [ -z "\${KUBERNETES_VERSION:-}" ]; then
  echo "kubernetesVersion is not pinned: nothing to upgrade"
  exit 0
fi
${PRELUDE}
echo "upgrading Kubernetes to $KUBERNETES_VERSION through $NODE"
talosctl --talosconfig "$talosconfig" --nodes "$NODE" upgrade-k8s --to "$KUBERNETES_VERSION"
`;
