import { spawnSync } from "node:child_process";
import { describe, expect, test } from "vitest";
import { githubAccessPolicy, githubGroupsMapping, needsOrgScope, type AccessRule } from "../../lib/authentik-access";

/**
 * The access expressions run under Python 3 the way Authentik runs an expression (its text as the
 * body of a function whose arguments are the expression's variables), against a stand-in GitHub
 * API (`requests`): which GitHub accounts get in, into which groups, and that a failing GitHub
 * call denies.
 */

const RULES: AccessRule[] = [
  { group: "homelab-admins", users: ["Octocat"], orgs: [], teams: [] },
  { group: "homelab-users", users: ["hubot"], orgs: ["Example-Org"], teams: ["example-org/family"] },
];

interface GitHub {
  /** Orgs and teams (`org/slug`) the account is in; `fail`: the API answers 403. */
  orgs?: string[];
  teams?: string[];
  fail?: boolean;
}

interface Case {
  readonly expression: string;
  /** Python expressions for the expression's variables: context, info, token. */
  readonly variables: { context: string; info: string; token: string };
  readonly github?: GitHub;
}
interface Outcome {
  result?: unknown;
  messages?: string[];
  calls: string[][];
  error?: string;
}

let interpreter: string | undefined;
/** The Python 3 interpreter itself, asked once (python3 may be a version manager's shim, which costs dozens of processes a start). */
function python(): string {
  interpreter ??=
    spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).stdout.trim() || "python3";
  return interpreter;
}

/** Runs each case's expression as Authentik would, in one Python process; returns what each returned, its messages and API calls. */
function runAll(cases: readonly Case[]): Outcome[] {
  const functions = cases.map(
    (c, i) =>
      `def expression_${i}(context, info, token):\n${c.expression
        .split("\n")
        .map((l) => `    ${l}`)
        .join("\n")}`,
  );
  const calls = cases.map(
    (c, i) =>
      `run(expression_${i}, lambda: (${c.variables.context}, ${c.variables.info}, ${c.variables.token}), json.loads(${JSON.stringify(JSON.stringify(c.github ?? {}))}))`,
  );
  const program = `
import json
class Response:
    def __init__(self, status, data):
        self.status_code, self.data = status, data
    def raise_for_status(self):
        if self.status_code >= 400:
            raise Exception("GitHub answered %d" % self.status_code)
    def json(self):
        return self.data
class Requests:
    def get(self, url, headers=None, params=None, timeout=None):
        state["calls"].append([url, headers["Authorization"]])
        gh = state["github"]
        if gh.get("fail"):
            return Response(403, {})
        if url.endswith("/user/orgs"):
            return Response(200, [{"login": o} for o in gh.get("orgs", [])])
        return Response(200, [{"slug": t.split("/")[1], "organization": {"login": t.split("/")[0]}} for t in gh.get("teams", [])])
requests = Requests()
def ak_message(text):
    state["messages"].append(text)
class Source:
    def __init__(self, slug):
        self.slug = slug
class Connection:
    def __init__(self, token):
        self.access_token = token
state = {}
outcomes = []
def run(expression, variables, github):
    state.update(calls=[], messages=[], github=github)
    try:
        result = expression(*variables())
        outcomes.append({"result": result, "messages": state["messages"], "calls": state["calls"]})
    except Exception as e:
        outcomes.append({"error": str(e), "calls": state["calls"]})
${functions.join("\n")}
${calls.join("\n")}
print(json.dumps(outcomes))
`;
  const out = spawnSync(python(), ["-c", program], { encoding: "utf8" });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout) as Outcome[];
}

const mapping = githubGroupsMapping(RULES);
const groupsOf = (login: string, github: GitHub = {}): Case => ({
  expression: mapping,
  variables: { context: "{}", info: JSON.stringify({ login }), token: '{"access_token": "gho_example"}' },
  github,
});

const policy = githubAccessPolicy("github", RULES);
const signIn = (login: string, github: GitHub = {}, slug = "github"): Case => ({
  expression: policy,
  variables: {
    context: `{"source": Source(${JSON.stringify(slug)}), "oauth_userinfo": {"login": ${JSON.stringify(login)}}, "goauthentik.io/sources/connection": Connection("gho_example")}`,
    info: "None",
    token: "None",
  },
  github,
});

describe("who gets in through GitHub (the expressions under Python, GitHub stood in)", () => {
  test("the groups mapping: a named login (any case) gets its groups; members of a named org or team get theirs; the API is asked with the account's token", () => {
    const [octocat, hubot, org, team, neither, both] = runAll([
      groupsOf("octocat"),
      groupsOf("HUBOT"),
      groupsOf("mona", { orgs: ["example-org"] }),
      groupsOf("mona", { teams: ["Example-Org/family"] }),
      groupsOf("mona", { orgs: ["other-org"], teams: ["example-org/other-team"] }),
      groupsOf("octocat", { orgs: ["example-org"] }),
    ]);
    expect(octocat).toEqual({
      result: { groups: ["homelab-admins"] },
      messages: [],
      calls: [
        ["https://api.github.com/user/orgs", "Bearer gho_example"],
        ["https://api.github.com/user/teams", "Bearer gho_example"],
      ],
    });
    expect(hubot!.result).toEqual({ groups: ["homelab-users"] });
    expect(org!.result).toEqual({ groups: ["homelab-users"] });
    expect(team!.result).toEqual({ groups: ["homelab-users"] });
    expect(neither!.result).toEqual({ groups: [] });
    expect(both!.result).toEqual({ groups: ["homelab-admins", "homelab-users"] });
  });

  test("the flow policy: named accounts pass, strangers are denied with a message, a failing GitHub call denies, other sources pass untouched", () => {
    const [named, member, stranger, failing, other] = runAll([
      signIn("octocat"),
      signIn("mona", { teams: ["example-org/family"] }),
      signIn("stranger"),
      signIn("mona", { fail: true }),
      signIn("stranger", {}, "gitlab"),
    ]);
    expect([named!.result, named!.messages, member!.result, member!.messages]).toEqual([true, [], true, []]);
    expect(stranger).toEqual({
      result: false,
      messages: ["This GitHub account is not allowed here."],
      calls: [
        ["https://api.github.com/user/orgs", "Bearer gho_example"],
        ["https://api.github.com/user/teams", "Bearer gho_example"],
      ],
    });
    // Authentik counts an expression that raises as failed (the binding's failure result is false).
    expect(failing).toEqual({
      error: "GitHub answered 403",
      calls: [["https://api.github.com/user/orgs", "Bearer gho_example"]],
    });
    expect(other).toEqual({ result: true, messages: [], calls: [] });
  });

  test("users only: no GitHub API call and no read:org scope", () => {
    const users: AccessRule[] = [{ group: "homelab-users", users: ["octocat"], orgs: [], teams: [] }];
    expect(needsOrgScope(users)).toBe(false);
    expect(needsOrgScope(RULES)).toBe(true);
    const [only] = runAll([
      {
        expression: githubGroupsMapping(users),
        variables: { context: "{}", info: '{"login": "octocat"}', token: '{"access_token": "gho_example"}' },
      },
    ]);
    expect(only).toEqual({ result: { groups: ["homelab-users"] }, messages: [], calls: [] });
  });
});
