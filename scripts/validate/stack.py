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
app wrote them (stacks/app.ts, lib/stack-names.ts), not from their names.
"""
# The work is done beside this file: manifest.py (stacks and their order),
# tfjson.py (edits), tfstate.py (output-only state files), plans.py (plan results).
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # importing the modules beside it leaves no __pycache__ in the tree
from manifest import deploy_order, manifest_stacks  # noqa: E402
from plans import plan_errors, summary, targets  # noqa: E402
from tfjson import load, localize_remote_states, pin_versions, save  # noqa: E402
from tfstate import state_outputs, write_state  # noqa: E402


def remote_state(stack_tf, outputs_dir, stack, state_file):
    """Write a state file holding every output of `stack` (declared in
    `stack_tf`): the value its own offline plan already knows (project,
    region, names...) when there is one, else a placeholder. Returns how many
    are placeholders."""
    declared = load(stack_tf).get("output", {})
    known_file = Path(outputs_dir) / f"{stack}.json"
    known = load(known_file) if known_file.exists() else {}
    outputs, placeholders = state_outputs(declared, known, known.get("project_id", "offline-project"))
    write_state(state_file, outputs, "offline-validate")
    return len(placeholders)


def plan_copy(out, stack, dest, outputs_dir, pins):
    stacks = manifest_stacks(out)
    tf = load(stacks[stack]["tf"])
    pin_versions(tf, pins)
    tf.get("terraform", {}).pop("backend", None)

    def write(name, read, state_file):
        if read not in stacks[stack]["dependencies"]:
            sys.exit(f"error: remote state '{name}' of {stack} reads {read}, which {stack} does not depend on "
                     f"in manifest.json ({', '.join(stacks[stack]['dependencies']) or 'none'})")
        n = remote_state(stacks[read]["tf"], outputs_dir, read, state_file)
        print(f"  remote state '{name}' -> outputs of {read} ({n} placeholders for values unknown before apply)")
    localize_remote_states(tf, Path(dest).parent, write)
    save(dest, tf)


def main(argv):
    cmd, args = argv[0], argv[1:]
    if cmd == "validate-copy":
        tf = load(args[0])
        print(pin_versions(tf, args[2:]))
        save(args[1], tf)
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
