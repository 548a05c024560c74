#!/usr/bin/env python3
"""Helpers for scripts/validate.sh that edit or read Terraform JSON.

  stack.py validate-copy SRC DEST [name=version ...]
      Copy a stack's cdk.tf.json, pointing the version constraint of each
      named provider at the version actually built (see PROVIDERS in common.sh);
      prints a note naming what was changed, if anything.
  stack.py plan-copy OUT STACK DEST OUTPUTS_DIR [name=version ...]
      Same for STACK of the synth directory OUT, and make it plannable
      offline: drop the backend block (state goes to the scratch dir) and turn
      every terraform_remote_state, which must read a stack STACK depends on,
      into a local one whose state file is generated here (see remote_state()).
  stack.py summary PLAN_JSON OUTPUTS_FILE
      Print "N to add, N to change, N to destroy" for `terraform show -json`
      output, and save the plan's known output values for later stacks.
  stack.py plan-errors PLAN_LOG
      Classify each error of a failed plan: "network ADDRESS" or "other ADDRESS".
  stack.py targets TF_JSON ADDRESS...
      Print -target= options for every resource of TF_JSON except ADDRESS...
      and their dependents, then "left-out: ..." naming those.
  stack.py order OUT
      Print the stack names of the synth directory OUT in deploy order.

The stacks, their kinds and dependencies come from OUT/manifest.json, as the
app wrote them (lib/app.ts, lib/stack-names.ts), not from their names.
"""
import base64
import json
import re
import sys
from pathlib import Path

UNKNOWN = object()


def load(path):
    return json.loads(Path(path).read_text())


def pin_versions(tf, pins):
    """Returns a note naming the providers whose constraint was changed."""
    required = tf.get("terraform", {}).get("required_providers", {})
    changed = []
    for pin in pins:
        name, version = pin.split("=", 1)
        if name in required:
            changed.append(f"{name} {required[name].get('version')} -> {version}")
            required[name]["version"] = version
    return f" [substituted: {', '.join(changed)}]" if changed else ""


def referenced_stack(rs):
    """The stack a terraform_remote_state reads: the last path element of its
    local path (terraform.<stack>.tfstate) or gcs prefix (<prefix>/<stack>)."""
    config = rs.get("config", {})
    where = config.get("path") or config.get("prefix") or ""
    name = where.rstrip("/").split("/")[-1]
    return re.sub(r"^terraform\.|\.tfstate$", "", name)


def dummy(name, project):
    """A placeholder for an output whose value is unknown until apply, shaped
    like the real value so that what the services stack does with it (decode
    it, validate it as a name) works as it will after apply."""
    email = f"offline@{project}.iam.gserviceaccount.com"
    if "certificate" in name:
        pem = "-----BEGIN CERTIFICATE-----\nb2ZmbGluZQ==\n-----END CERTIFICATE-----\n"
        return base64.b64encode(pem.encode()).decode()
    if "endpoint" in name or name.endswith("_ip"):
        return "192.0.2.10"  # TEST-NET-1, never routed
    if name.endswith("service_account_name"):
        return f"projects/{project}/serviceAccounts/{email}"
    if "email" in name:
        return email
    if name.endswith("_key"):
        return base64.b64encode(b'{"type": "service_account"}').decode()
    return "offline-" + name.replace("_", "-")


def cty_type(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return ["tuple", [cty_type(v) for v in value]]
    if isinstance(value, dict):
        return ["object", {k: cty_type(v) for k, v in value.items()}]
    return "string"


def remote_state(stack_tf, outputs_dir, stack, state_file):
    """Write a state file holding every output of `stack` (declared in
    `stack_tf`): the value its own offline plan already knows (project,
    region, names...) when there is one, else a placeholder. Returns how many
    are placeholders."""
    declared = load(stack_tf).get("output", {})
    known_file = Path(outputs_dir) / f"{stack}.json"
    known = load(known_file) if known_file.exists() else {}
    outputs, placeholders = {}, 0
    project = known.get("project_id", "offline-project")
    for name in declared:
        value = known.get(name)
        if value is None:
            value, placeholders = dummy(name, project), placeholders + 1
        outputs[name] = {"value": value, "type": cty_type(value)}
    state = {"version": 4, "terraform_version": "1.5.0", "serial": 1,
             "lineage": "offline-validate", "outputs": outputs, "resources": []}
    Path(state_file).write_text(json.dumps(state, indent=1))
    return placeholders


def plan_copy(out, stack, dest, outputs_dir, pins):
    stacks = manifest_stacks(out)
    tf = load(stacks[stack]["tf"])
    pin_versions(tf, pins)
    tf.get("terraform", {}).pop("backend", None)
    for name, rs in tf.get("data", {}).get("terraform_remote_state", {}).items():
        read = referenced_stack(rs)
        if read not in stacks[stack]["dependencies"]:
            sys.exit(f"error: remote state '{name}' of {stack} reads {read}, which {stack} does not depend on "
                     f"in manifest.json ({', '.join(stacks[stack]['dependencies']) or 'none'})")
        state_file = Path(dest).parent / f"remote-{name}.tfstate"
        n = remote_state(stacks[read]["tf"], outputs_dir, read, state_file)
        print(f"  remote state '{name}' -> outputs of {read} ({n} placeholders for values unknown before apply)")
        rs["backend"] = "local"
        rs["config"] = {"path": str(state_file.resolve())}
        rs.pop("workspace", None)
    Path(dest).write_text(json.dumps(tf, indent=1))


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


# The note lib/stack-names.ts (stackKindNote) leaves in each stack's manifest annotations.
STACK_KIND = re.compile(r"^metaflow-gcp stack kind: (\S+)$")


def manifest_stacks(out):
    """The stacks of the synth directory `out`, from its manifest.json:
    name -> {"kind", "dependencies", "dir", "tf"}."""
    manifest = Path(out) / "manifest.json"
    if not manifest.exists():
        sys.exit(f"error: no {manifest}: run `npm run synth` first")
    stacks = {}
    for name, entry in load(manifest).get("stacks", {}).items():
        kinds = [m.group(1) for a in entry.get("annotations", [])
                 if a.get("level") == "@cdktf/info" and (m := STACK_KIND.match(a.get("message", "")))]
        if len(kinds) != 1:
            sys.exit(f"error: stack {name} in {manifest} records {len(kinds)} stack kinds, not one: "
                     "synthesize it again with `npm run synth`")
        stacks[name] = {"kind": kinds[0], "dependencies": entry.get("dependencies", []),
                        "dir": Path(out) / entry["workingDirectory"], "tf": Path(out) / entry["synthesizedStackPath"]}
    if not stacks:
        sys.exit(f"error: no stacks in {manifest}")
    for name, s in stacks.items():
        unknown = [d for d in s["dependencies"] if d not in stacks]
        if unknown:
            sys.exit(f"error: stack {name} depends on {', '.join(unknown)}, which {manifest} does not list")
    return stacks


def deploy_order(stacks):
    """Stack names with every stack after those it depends on; otherwise alphabetical."""
    done, visiting = [], set()

    def visit(name):
        if name in done:
            return
        if name in visiting:
            sys.exit(f"error: stacks depend on each other in a cycle through {name}")
        visiting.add(name)
        for dep in sorted(stacks[name]["dependencies"]):
            visit(dep)
        visiting.discard(name)
        done.append(name)

    for name in sorted(stacks):
        visit(name)
    return done


def infra_stack(stacks, name):
    """The one infra stack that services stack `name` depends on."""
    infra = [d for d in stacks[name]["dependencies"] if stacks[d]["kind"] == "infra"]
    if len(infra) != 1:
        sys.exit(f"error: services stack {name} depends on {len(infra)} infra stacks, not one")
    return infra[0]


def main(argv):
    cmd, args = argv[0], argv[1:]
    if cmd == "validate-copy":
        tf = load(args[0])
        print(pin_versions(tf, args[2:]))
        Path(args[1]).write_text(json.dumps(tf, indent=1))
    elif cmd == "plan-copy":
        plan_copy(args[0], args[1], args[2], args[3], args[4:])
    elif cmd == "summary":
        summary(args[0], args[1])
    elif cmd == "plan-errors":
        plan_errors(args[0])
    elif cmd == "targets":
        targets(args[0], set(args[1:]))
    elif cmd == "order":
        print("\n".join(deploy_order(manifest_stacks(args[0]))))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
