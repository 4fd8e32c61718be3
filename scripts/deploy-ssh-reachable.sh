#!/bin/bash
# Before a deploy job that configures the edge over SSH (hetzner, services): does the edge's SSH
# port answer this runner? The edge's firewall admits SSH from the hetzner stack's
# homelab:ssh.allowFrom only, and GitHub's hosted runners come from many addresses that change, so
# a runner outside it would only learn so after every step's dial retries. Not answered within
# 10 s: the job stops here, saying what to do. Refused at once (nothing listens on the port now):
# the deploy goes on and reports what it finds. No sshHost output (the hetzner stack's first
# deploy): nothing to check yet. EDGE_STACK names the hetzner stack; `pulumi` is on PATH.
set -eu
stack="${EDGE_STACK:-hetzner}"
outputs=$(pulumi stack output --stack "$stack" --json 2>/dev/null) || outputs='{}'
read -r host port <<EOF_OUTPUTS
$(printf '%s' "$outputs" | node -e 'const o = JSON.parse(require("fs").readFileSync(0, "utf8") || "{}"); console.log(o.sshHost ?? "-", o.sshPort ?? 22)')
EOF_OUTPUTS
if [ "$host" = "-" ]; then
  echo "The $stack stack has no sshHost output yet (its first deploy): nothing to check."
  exit 0
fi
# shellcheck disable=SC2016 # $1 and $2 are the inner shell's arguments
if timeout 10 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null; then
  echo "SSH on $host port $port answers this runner."
elif [ $? -eq 124 ]; then
  echo "::error::SSH on $host port $port does not answer this runner: the edge's firewall admits SSH only from the $stack stack's homelab:ssh.allowFrom. GitHub-hosted runners come from many addresses, which change, so allowFrom cannot name them: run this job on a runner with a fixed address listed there (repository variable EDGE_RUNNER_LABEL), or set homelab:ssh.allowSshFromAnywhere: true (key-only logins)." >&2
  exit 1
else
  echo "SSH on $host port $port refuses the connection (nothing listens there now); the deploy goes on and reports what it finds."
fi
