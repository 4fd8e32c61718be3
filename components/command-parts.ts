/**
 * What every command of this project ignores: `triggers`. Earlier versions of this project set it on their
 * commands; @pulumi/command replaces a command when that input comes or goes, and a replacement
 * runs the new command's `create` and then the old one's `delete` at the end of the run (`rm -f`
 * of a file just written, `docker compose down` of the edge). Ignored, the value the state holds
 * stays, so upgrading from such a release updates each command instead.
 */
export const FORMER_TRIGGERS = "triggers";

/**
 * How @pulumi/command 1.2.x dials a remote host (pulumi-command
 * `provider/pkg/provider/remote/connection.go`): it retries every failed dial — a refused or
 * unanswered TCP connect, a failed handshake or login — until `dialErrorLimit` dials have failed
 * (default 10), waiting between them as Pulumi's `retry.Until` does (pulumi/pulumi
 * `sdk/go/common/util/retry/until.go`): 100 ms, then 1.5 times longer each time, at most 5 s. Each
 * dial's TCP connect gives up after `perDialTimeout` seconds (default 15).
 */
export const DIAL_RETRY = { firstDelay: 0.1, backoff: 1.5, maxDelay: 5 } as const;

/**
 * Seconds a connection keeps dialing a host that refuses at once (a port nothing listens on yet):
 * the waits between its `dialErrorLimit + 1` dials. With `perDialTimeout`, the time for a host
 * that never answers (packets dropped) instead: each dial waits that long too.
 */
export function dialSeconds(dialErrorLimit: number, perDialTimeout = 0): number {
  let total = 0;
  let delay: number = DIAL_RETRY.firstDelay;
  for (let wait = 0; wait < dialErrorLimit; wait++) {
    total += Math.min(delay, DIAL_RETRY.maxDelay);
    delay *= DIAL_RETRY.backoff;
  }
  return total + (dialErrorLimit + 1) * perDialTimeout;
}
