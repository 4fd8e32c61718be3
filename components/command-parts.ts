/**
 * What every command of this project ignores: `triggers`. Earlier versions of this project set it on their
 * commands; @pulumi/command replaces a command when that input comes or goes, and a replacement
 * runs the new command's `create` and then the old one's `delete` at the end of the run (`rm -f`
 * of a file just written, `docker compose down` of the edge). Ignored, the value the state holds
 * stays, so upgrading from such a release updates each command instead.
 */
export const FORMER_TRIGGERS = "triggers";
