"""The expectations file (rbac-expectations.json): namespaces, subjects and
access-review rows, with a stack's overrides filled in."""
import json


def expectations(path, stack=None):
    """(names, features, rows) of the expectations file for a stack: its
    namespaces and subjects, with the stack's overrides, filled into the rows."""
    spec = json.load(open(path))
    over = spec.get("stacks", {}).get(stack or "", {})
    names = {**spec["namespaces"], **over.get("namespaces", {}), **spec["subjects"], **over.get("subjects", {})}
    features = {"runner-group": bool(names.get("runner_group"))}

    def fmt(v):
        if isinstance(v, str):
            return v.format(**names)
        if isinstance(v, list):
            return [x for x in (fmt(x) for x in v) if x != ""]
        return v
    rows = [{k: fmt(v) for k, v in row.items()} for row in spec["rows"]]
    return names, features, rows


def users(path):
    """Every user the rows name, with its groups, over all stacks: "user|group,group"."""
    spec = json.load(open(path))
    found = {}
    for stack in [None, *spec.get("stacks", {})]:
        _, _, rows = expectations(path, stack)
        for row in rows:
            if "user" in row:
                found.setdefault(row["user"], set()).update(row.get("groups", []))
    return [f"{u}|{','.join(sorted(g))}" for u, g in sorted(found.items())]


def name_of(path, stack, key):
    names, _, _ = expectations(path, stack)
    return names[key]
