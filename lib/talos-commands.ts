/**
 * The shell scripts the talos program runs through `@pulumi/command` where the Talos provider
 * cannot act: rolling a node forward (an upgrade to a new installer image, or the reboot a staged
 * config needs) and upgrading Kubernetes. Pure text; every value reaches a script through its
 * environment, so one script serves every node and none is ever written by the program.
 *
 * The talosconfig arrives as the secret environment value `TALOSCONFIG_DATA`; the script puts it
 * in a private temporary file (mktemp, mode 0600) for talosctl and removes it on exit.
 */

/** The environment every script reads (values filled in per node by the component). */
export interface RolloutEnvironment {
  /** The node's IP: its Talos API endpoint and target. */
  readonly NODE: string;
  /** The installer image the node must run: `<factory>/nocloud-installer/<schematic>:<version>`. */
  readonly INSTALLER_IMAGE: string;
  /** The Talos release in that image, e.g. `v1.13.9`. */
  readonly TALOS_VERSION: string;
  /** How the last config apply resolved: `staged` means it waits for a reboot. */
  readonly APPLY_MODE: string;
  /** Control planes and workers, comma-separated, for the cluster health check. */
  readonly CONTROL_PLANES: string;
  readonly WORKERS: string;
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
 * Rolls one node forward; the update step of the node's rollout command. Runs only when an input
 * changed (the installer image, the node's applied config), node after node:
 * - a new installer image (new Talos release or schematic): \`talosctl upgrade\` — one Talos minor
 *   at a time, never backwards — which reboots into the new image (a staged config applies too);
 * - else, a config the provider staged because it needs a reboot: \`talosctl reboot\`;
 * - then it waits until the node and the whole cluster are healthy, so the next node may go.
 * Its last line records the image the node runs; the next run compares against it
 * (\`PULUMI_COMMAND_STDOUT\`), so re-running never upgrades twice.
 */
export const ROLLOUT_SCRIPT = `#!/bin/sh
# homelab: roll one Talos node forward (run by Pulumi, @pulumi/command local.Command, on update).
${PRELUDE}
talos() { talosctl --talosconfig "$talosconfig" --nodes "$NODE" "$@"; }
minor() { printf '%s\\n' "$1" | sed -n 's/^v\\{0,1\\}\\([0-9][0-9]*\\)\\.\\([0-9][0-9]*\\).*/\\1 \\2/p'; }

previous=$(printf '%s\\n' "\${PULUMI_COMMAND_STDOUT:-}" | sed -n 's/^installer-image: //p' | tail -n 1)
if [ "$previous" != "$INSTALLER_IMAGE" ]; then
  running=$(talos version | awk '$1 == "Tag:" { tag = $2 } END { print tag }')
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
  echo "upgrading $NODE from $running to $INSTALLER_IMAGE"
  talos upgrade --image "$INSTALLER_IMAGE" --preserve --wait --timeout "$TIMEOUT"
elif [ "$APPLY_MODE" = "staged" ]; then
  echo "rebooting $NODE into its staged configuration"
  talos reboot --wait --timeout "$TIMEOUT"
else
  echo "$NODE needs no reboot"
fi

first=\${CONTROL_PLANES%%,*}
if [ -n "$WORKERS" ]; then
  set -- --control-plane-nodes "$CONTROL_PLANES" --worker-nodes "$WORKERS"
else
  set -- --control-plane-nodes "$CONTROL_PLANES"
fi
talosctl --talosconfig "$talosconfig" --nodes "$first" health --wait-timeout "$TIMEOUT" "$@"
echo "installer-image: $INSTALLER_IMAGE"
`;

/** What the rollout command's create step prints: the image the new node boots, nothing else. */
export const ROLLOUT_CREATE = `echo "installer-image: $INSTALLER_IMAGE"`;

/** The environment of the Kubernetes upgrade. */
export interface KubernetesUpgradeEnvironment {
  /** The control plane talosctl runs the upgrade through. */
  readonly NODE: string;
  /** The Kubernetes version, e.g. `1.36.3`. */
  readonly KUBERNETES_VERSION: string;
}

/**
 * Upgrades Kubernetes (`talosctl upgrade-k8s`): the update step of the cluster's Kubernetes
 * command, run when `kubernetesVersion` changes, after every node has rolled forward. The tool
 * checks the jump itself and refuses versions the running Talos does not support.
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
