"""The stacks of a synth directory, as its manifest.json records them (kind,
dependencies, files), and the order they deploy in."""
import re
import sys
from pathlib import Path

from tfjson import load

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
