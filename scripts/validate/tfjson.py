"""Terraform JSON edits shared by scripts/validate/stack.py and
scripts/cluster/stack.py: reading and writing it, provider version pins, and
remote state pointed at local state files."""
import json
import re
from pathlib import Path


def load(path):
    return json.loads(Path(path).read_text())


def save(path, obj):
    Path(path).write_text(json.dumps(obj, indent=1))


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


def localize_remote_states(tf, state_dir, write):
    """Point every terraform_remote_state of tf at a local state file,
    state_dir/remote-<name>.tfstate, made by write(name, stack it reads, path)."""
    for name, rs in tf.get("data", {}).get("terraform_remote_state", {}).items():
        state_file = Path(state_dir) / f"remote-{name}.tfstate"
        write(name, referenced_stack(rs), state_file)
        rs["backend"] = "local"
        rs["config"] = {"path": str(state_file.resolve())}
        rs.pop("workspace", None)
