"""What an offline plan yields: its counts and known outputs, why it failed,
and the -target options that plan everything else."""
import json
import re
from pathlib import Path

from tfjson import load


def summary(plan_json, outputs_file):
    plan = load(plan_json)
    counts = {"create": 0, "update": 0, "delete": 0}
    for rc in plan.get("resource_changes", []):
        for action in rc["change"]["actions"]:
            if action in counts:
                counts[action] += 1
    known = {}
    for name, oc in plan.get("output_changes", {}).items():
        if not oc.get("after_unknown") and oc.get("after") is not None:
            known[name] = oc["after"]
    Path(outputs_file).write_text(json.dumps(known))
    print(f"{counts['create']} to add, {counts['update']} to change, {counts['delete']} to destroy")


NETWORK = re.compile(r"proxyconnect|dial tcp|no such host|connection refused|i/o timeout|cluster unreachable")


def plan_errors(log):
    """One line per error in a plan log: "network ADDRESS" when it failed for
    want of a network connection, else "other ADDRESS" (address or "-")."""
    blocks = re.split(r"^Error: ", Path(log).read_text(), flags=re.M)[1:]
    for block in blocks:
        where = re.search(r"^\s+with ([^,\n]+),", block, re.M)
        kind = "network" if NETWORK.search(block) else "other"
        print(kind, re.sub(r"\[.*\]$", "", where.group(1)) if where else "-")


def targets(tf_json, failed):
    """-target options for every managed resource except the failed ones and
    those that depend on them (via depends_on or a reference), which -target
    would pull back in; then a "left-out:" line naming what was left out."""
    resources = load(tf_json).get("resource", {})
    deps = {}
    for rtype, named in resources.items():
        for name, body in named.items():
            text = json.dumps(body)
            deps[f"{rtype}.{name}"] = {a for a in re.findall(r"\b([a-z0-9_]+\.[A-Za-z0-9_-]+)\b", text)}
    left_out, grew = set(failed), True
    while grew:
        more = {a for a, d in deps.items() if a not in left_out and d & left_out}
        left_out |= more
        grew = bool(more)
    for address in deps:
        if address not in left_out:
            print(f"-target={address}")
    print("left-out:", " ".join(sorted(left_out)))
