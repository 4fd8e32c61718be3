#!/bin/bash
# The deploy workflow's SSH key for the edge (hetzner and services jobs): the private key of the
# repository secret EDGE_SSH_PRIVATE_KEY (in the environment, never on a command line) goes into an
# ssh-agent of the job's own, whose socket later steps find in SSH_AUTH_SOCK: @pulumi/command logs
# in through the agent (beside a private key in the stack's config, if any). The agent lives until
# the job ends (the runner stops a job's processes then). Nothing here prints the key.
set -eu
if [ -z "${EDGE_SSH_PRIVATE_KEY:-}" ]; then
  echo "::warning::The repository secret EDGE_SSH_PRIVATE_KEY is not set: Pulumi logs in to the edge only with a private key in the stack's config (homelab:ssh.privateKey, homelab:edge.sshPrivateKey), and fails to without one."
  exit 0
fi
sock="$RUNNER_TEMP/ssh-agent.sock"
rm -f "$sock"
eval "$(ssh-agent -s -a "$sock")" >/dev/null
if ! added=$(printf '%s\n' "$EDGE_SSH_PRIVATE_KEY" | ssh-add - 2>&1); then
  echo "::error::ssh-add refused EDGE_SSH_PRIVATE_KEY (an unencrypted OpenSSH or PEM private key is needed): $added" >&2
  ssh-agent -k >/dev/null
  exit 1
fi
echo "SSH_AUTH_SOCK=$sock" >> "$GITHUB_ENV"
echo "SSH_AGENT_PID=$SSH_AGENT_PID" >> "$GITHUB_ENV"
ssh-add -l
