#!/usr/bin/env python3
"""Make a scratch copy of a services stack apply to the local cluster
(scripts/cluster/cluster-test.sh).

  stack.py services OUT
      Print the services stacks of the synth directory OUT in deploy order.
  stack.py prepare OUT STACK DIR HOST CA_FILE TOKEN BUCKET PLANT [name=version ...]
      Copy services stack STACK of OUT to DIR (without .terraform or a lock
      file) and edit DIR/cdk.tf.json:
      - the backend block is dropped: state stays in the scratch dir;
      - every terraform_remote_state reads a local state file written to
        DIR, the fixture: one output for every output that the infra stack
        STACK depends on declares, valued for the local cluster;
      - the kubernetes and helm providers get the admin's TOKEN instead of the
        google_client_config token (host and CA already come from the fixture);
      - resources and data sources that only GCP can serve (google_*) and the
        helm_releases of charts from argo-helm or registry.k8s.io (not reachable
        here) are removed, and printed;
      - waits are bounded more tightly than on GKE (printed);
      - PLANT (or "none") plants one fault, to show that a step catches it.
  stack.py outputs INFRA_TF_JSON
      Print the infra stack's output names, one a line.

Stacks, kinds and dependencies come from OUT/manifest.json (see
scripts/validate/manifest.py).
"""
# The edits live beside this file: stack_fixture.py (fixture state),
# stack_removals.py, stack_local.py (providers, waits), stack_plants.py.
import shutil
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # importing the modules beside it leaves no __pycache__ in the tree
sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "validate"))
from manifest import deploy_order, infra_stack, manifest_stacks  # noqa: E402  (scripts/validate/)
from stack_fixture import write_fixture  # noqa: E402
from stack_local import bound_waits, use_admin_token  # noqa: E402
from stack_plants import PLANTS, plant  # noqa: E402
from stack_removals import remove_unservable, rewire  # noqa: E402
from tfjson import load, localize_remote_states, pin_versions, save  # noqa: E402


def prepare(out, stack, state_dir, host, ca_file, token, bucket, what, pins):
    if what not in PLANTS:
        sys.exit(f"error: CLUSTER_TEST_PLANT must be one of {', '.join(PLANTS)}")
    stacks = manifest_stacks(out)
    if stacks.get(stack, {}).get("kind") != "services":
        sys.exit(f"error: {stack} is not a services stack of {out}")
    infra = infra_stack(stacks, stack)
    # A lock file would pin the registry's hashes, which the providers built from source never match.
    shutil.copytree(stacks[stack]["dir"], state_dir, symlinks=True)
    shutil.rmtree(Path(state_dir) / ".terraform", ignore_errors=True)
    Path(state_dir, ".terraform.lock.hcl").unlink(missing_ok=True)
    tf_json = Path(state_dir) / stacks[stack]["tf"].name
    tf = load(tf_json)
    note = pin_versions(tf, pins)
    if note:
        print(" ", note.strip())
    tf.get("terraform", {}).pop("backend", None)

    def write(name, read, state_file):
        if read != infra:
            sys.exit(f"error: remote state '{name}' reads {read}, not {infra}, the infra stack {stack} depends on")
        write_fixture(infra, stacks[infra]["tf"], state_file, host, Path(ca_file).read_text(), bucket)
    localize_remote_states(tf, state_dir, write)

    removed, gone = remove_unservable(tf)
    use_admin_token(tf, token)
    rewire(tf, removed, gone)
    bound_waits(tf)
    planted = plant(tf, what)
    if planted:
        print(f"  PLANTED FAULT ({what}): {planted}")
    save(tf_json, tf)


def main(argv):
    if argv[:1] == ["services"] and len(argv) == 2:
        stacks = manifest_stacks(argv[1])
        print("\n".join(n for n in deploy_order(stacks) if stacks[n]["kind"] == "services"))
    elif argv[:1] == ["prepare"] and len(argv) >= 9:
        prepare(*argv[1:9], argv[9:])
    elif argv[:1] == ["outputs"] and len(argv) == 2:
        print("\n".join(load(argv[1]).get("output", {})))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
