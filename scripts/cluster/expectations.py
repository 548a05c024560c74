"""The expectations file (rbac-expectations.json) filled in for one services
stack. Its namespaces and flow runners come from the settings of the stack's
environment, as `npm run config` resolves them (the settings file), never from
the stack's name: any services stack of any configuration is checked."""
import json
import sys

from stack_fixture import SERVICE_ACCOUNT

# Each namespace of the rows, and the setting that names it (config/services.ts).
NAMESPACES = {"services": "metaflowNamespace", "jobs": "jobsNamespace", "events": "eventsNamespace",
              "argo": "argoNamespace"}
# The token file's admin (cluster.sh write_users).
ADMIN = "cluster-test-admin"
# Rows about these subjects test the flow runners' Roles, which the stack creates only with
# identity.flowRunnerAccess "namespace".
FLOW_RUNNER_SUBJECTS = ("{runner}", "{group_member}")


def environment(settings, stack):
    """The resolved settings of the environment of services stack `stack`
    (`<env>-services`, lib/stack-names.ts), from the settings file."""
    name = stack.removesuffix("-services")
    envs = {e["name"]: e for e in json.load(open(settings))["environments"]}
    if not stack.endswith("-services") or name not in envs:
        sys.exit(f"error: no environment {name!r} for stack {stack} in {settings} ({', '.join(envs)}): "
                 "is the synth older than the configuration?")
    return envs[name]


def names_of(spec, env):
    """The names the rows use, and the features on, for an environment."""
    members = [m.split(":", 1) for m in env["identity"]["flowRunners"]]
    people = [email for kind, email in members if kind != "group"]
    groups = [email for kind, email in members if kind == "group"]
    runner_rbac = env["identity"]["flowRunnerAccess"] == "namespace"
    names = {**{role: env["services"][key] for role, key in NAMESPACES.items()}, **spec["subjects"],
             # The first person or service account listed; with none, the Metaflow service account, a flow runner too.
             "runner": people[0] if people else SERVICE_ACCOUNT,
             "runner_group": groups[0] if groups else "",
             # Who runs the Metaflow client. Without the flow runners' Roles, their rights in the cluster come from
             # IAM (Kubernetes Engine Developer), which only GKE's authorizer applies: the admin stands in for them.
             "client": (people[0] if people else SERVICE_ACCOUNT) if runner_rbac else ADMIN}
    features = {"runner-group": bool(groups), "runner-rbac": runner_rbac}
    return names, features


def expectations(path, settings, stack):
    """(names, features, rows) for a stack: the rows that apply to it, with its
    namespaces and subjects filled in, and the count of rows skipped by feature."""
    spec = json.load(open(path))
    names, features = names_of(spec, environment(settings, stack))

    def fmt(v):
        if isinstance(v, str):
            return v.format(**names)
        if isinstance(v, list):
            return [x for x in (fmt(x) for x in v) if x != ""]
        return v
    rows, skipped = [], {}
    for row in spec["rows"]:
        needs = [row["requires"]] if row.get("requires") else []
        if row.get("user") in FLOW_RUNNER_SUBJECTS:
            needs.append("runner-rbac")
        off = [n for n in needs if not features[n]]
        if off:
            skipped[off[0]] = skipped.get(off[0], 0) + 1
            continue
        rows.append({k: fmt(v) for k, v in row.items()})
    return names, features, rows, skipped


def users(path, settings_files):
    """Every user the rows name for any environment of the settings files, with
    its groups: "user|group,group" (the token file's users)."""
    found = {}
    for settings in settings_files:
        for env in json.load(open(settings))["environments"]:
            _, _, rows, _ = expectations(path, settings, f"{env['name']}-services")
            for row in rows:
                if "user" in row:
                    found.setdefault(row["user"], set()).update(row.get("groups", []))
    return [f"{u}|{','.join(sorted(g))}" for u, g in sorted(found.items())]


def name_of(path, settings, stack, key):
    return expectations(path, settings, stack)[0][key]
