// scripts/cluster/rbac-expectations.json, read by the cluster test's own code (scripts/cluster/expectations.py): every
// placeholder a row uses is one of the names it fills in, so a typo fails here rather than at the start of the
// cluster test, for an environment with every feature on (a person and a group among the flow runners, their Roles).
import { spawnSync } from "child_process";
import * as path from "path";

const root = path.join(__dirname, "..");

const CHECK = `
import json, string, sys
sys.dont_write_bytecode = True
sys.path[:0] = ["scripts/cluster", "scripts/validate"]
from expectations import names_of
spec = json.load(open(sys.argv[1]))
env = {"identity": {"flowRunners": ["user:ada@example.com", "group:ml@example.com"], "flowRunnerAccess": "namespace"},
       "services": {"metaflowNamespace": "s", "jobsNamespace": "j", "eventsNamespace": "e", "argoNamespace": "a"}}
names, _ = names_of(spec, env)
unknown = set()
for row in spec["rows"]:
    for value in row.values():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                unknown |= {field for _, field, _, _ in string.Formatter().parse(text) if field is not None and field not in names}
print(json.dumps(sorted(unknown)))
`;

/** The placeholders of `file` that expectations.py does not fill in. */
function unknownPlaceholders(file: string): string[] {
  const run = spawnSync("python3", ["-c", CHECK, file], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

test("every placeholder of rbac-expectations.json is a name the cluster test fills in", () => {
  expect(unknownPlaceholders("scripts/cluster/rbac-expectations.json")).toEqual([]);
});
