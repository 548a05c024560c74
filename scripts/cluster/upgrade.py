#!/usr/bin/env python3
"""The upgrade from the previous release, on the local cluster (the upgrade
phase of scripts/cluster/cluster-test.sh).

  upgrade.py review PLAN_JSON ROLLS_JSON
      Read the plan (`terraform show -json`) of this release's services stack
      over the state the previous release's apply left. Exit 1, naming each,
      if a stateful object would be destroyed or replaced: a resource of a
      type the change review calls stateful (review/force-new.ts
      STATEFUL_TYPES, review/data-protection.ts OTHER_STATEFUL), a Secret, or
      the helm_release metaflow-argo-events (the local chart holding the
      EventBus). A Job may be replaced only when its pod template changed;
      that replacement is reported (the Job runs once more). Print the other
      replacements and deletions, and the Deployments updated in place; write
      those Deployments to ROLLS_JSON with their revision now.
  upgrade.py rolled ROLLS_JSON
      After the apply: each Deployment of ROLLS_JSON rolled out (observed
      generation, every replica updated and available), with a new revision
      when the plan changed its pod template. Waits up to 120 s.
  upgrade.py same-config A B
      Exit 0 if the configuration files A and B are the same but for "$schema".
"""
import json
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # importing the modules beside it leaves no __pycache__ in the tree
from kube_api import get, settle  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent.parent
REVISION = "deployment.kubernetes.io/revision"  # set by the Deployment controller on each new ReplicaSet
EVENTS_RELEASE = "metaflow-argo-events"
# hashicorp/terraform-provider-kubernetes, kubernetes/schema_job_spec.go, at v2.38.0 (the stack's pin) and at the
# commit the cluster test builds (scripts/validate/common.sh PROVIDERS): a Job's spec.template is ForceNew, so any
# change to it replaces the Job.
JOB_TYPES = ("kubernetes_job_v1", "kubernetes_job")


def review_regex(path, name):
    """A type regex of the change review, read from its TypeScript source: one list for both."""
    m = re.search(rf"export const {name} =\s*/(.+?)/;", (ROOT / path).read_text())
    if not m:
        sys.exit(f"error: {path} no longer declares {name} as a regex literal; update upgrade.py")
    return m.group(1)


STATEFUL = re.compile("|".join([review_regex("review/force-new.ts", "STATEFUL_TYPES"),
                                review_regex("review/data-protection.ts", "OTHER_STATEFUL"),
                                r"^kubernetes_secret(_v1)?$"]))


def object_name(rtype, values):
    if rtype == "helm_release":
        return f"{values.get('namespace', '')}/{values.get('name', '')}"
    meta = (values.get("metadata") or [{}])[0]
    return f"{meta['namespace']}/{meta['name']}" if meta.get("namespace") else meta.get("name", "?")


def template(values):
    return ((values or {}).get("spec") or [{}])[0].get("template")


def empty(v):
    """Unset, or the zero value a provider reads back for an unset argument."""
    return v is None or v in ({}, [], "", 0)  # 0 == False


def diff_paths(before, after, unknown, path="template"):
    """Leaf paths where before and after differ. Values known only after apply (the uid, the resource version of a
    new object) are left out, and an empty value equals an absent one (0 and false read back for unset arguments)."""
    if unknown is True:
        return []
    if empty(before) and empty(after):
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        u = unknown if isinstance(unknown, dict) else {}
        return [p for k in sorted(set(before) | set(after))
                for p in diff_paths(before.get(k), after.get(k), u.get(k), f"{path}.{k}")]
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        u = unknown if isinstance(unknown, list) else []
        return [p for i, (b, a) in enumerate(zip(before, after))
                for p in diff_paths(b, a, u[i] if i < len(u) else None, f"{path}[{i}]")]
    return [] if before == after else [path]


def review(plan_file, rolls_file):
    changes = json.loads(Path(plan_file).read_text()).get("resource_changes", [])
    problems, notes, rolls = [], [], []
    counts = {}
    for rc in changes:
        c, rtype = rc["change"], rc["type"]
        actions = c["actions"]
        kind = "replace" if set(actions) == {"delete", "create"} else "+".join(actions)
        counts[kind] = counts.get(kind, 0) + 1
        what = f"{rtype} {object_name(rtype, c.get('before') or c.get('after') or {})} ({rc['address']})"
        if "delete" in actions:
            verb = "replaced" if kind == "replace" else "destroyed"
            forced = ", ".join(".".join(str(p) for p in rp) for rp in c.get("replace_paths") or []) or "-"
            if STATEFUL.match(rtype) or (rtype == "helm_release" and (c.get("before") or {}).get("name") == EVENTS_RELEASE):
                problems.append(f"{what}: {verb} (forced by {forced}); it is stateful")
            elif rtype in JOB_TYPES and kind == "replace":
                t_before, t_after = template(c["before"]), template(c["after"])
                changed = diff_paths(t_before, t_after, template(c.get("after_unknown")))
                only_template = all(rp[:3] == ["spec", 0, "template"] for rp in c.get("replace_paths") or [])
                if changed and only_template:
                    notes.append(f"{what}: replaced (forced by {forced}, its pod template), so it runs once more; "
                                 "changed: " + ", ".join(changed[:6]) + (" ..." if len(changed) > 6 else ""))
                else:
                    problems.append(f"{what}: replaced (forced by {forced}); a Job may be replaced only "
                                    "for a change of its pod template")
            else:
                notes.append(f"{what}: {verb} (forced by {forced})")
        elif rtype in JOB_TYPES and actions == ["create"]:
            notes.append(f"{what}: created, so it runs")
        if rtype == "kubernetes_deployment_v1" and actions == ["update"]:
            meta = c["before"]["metadata"][0]
            live = get(f"/apis/apps/v1/namespaces/{meta['namespace']}/deployments/{meta['name']}")
            changed = diff_paths(template(c["before"]), template(c["after"]), template(c.get("after_unknown")))
            rolls.append({"namespace": meta["namespace"], "name": meta["name"], "template_changed": bool(changed),
                          "revision": int(live["metadata"].get("annotations", {}).get(REVISION, "0"))})
    print("  plan: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()) if k != "no-op"))
    for n in notes:
        print(f"  {n}")
    print("  Deployments updated in place: " + (", ".join(
        f"{r['namespace']}/{r['name']}" + (" (pod template changed)" if r["template_changed"] else "")
        for r in rolls) or "none"))
    Path(rolls_file).write_text(json.dumps(rolls))
    if problems:
        sys.exit("error: the upgrade destroys or replaces what it must keep:\n" + "\n".join(f"  {p}" for p in problems))
    print("  no stateful object destroyed or replaced (namespaces, Secrets, PVCs, "
          f"the {EVENTS_RELEASE} release with the EventBus)")


def rolled(rolls_file):
    rolls = json.loads(Path(rolls_file).read_text())

    def status(r):
        d = get(f"/apis/apps/v1/namespaces/{r['namespace']}/deployments/{r['name']}")
        s, want = d.get("status", {}), d["spec"].get("replicas", 1)
        revision = int(d["metadata"].get("annotations", {}).get(REVISION, "0"))
        done = (s.get("observedGeneration", 0) >= d["metadata"]["generation"] and s.get("updatedReplicas", 0) == want
                and s.get("availableReplicas", 0) == want and not s.get("unavailableReplicas")
                and (revision > r["revision"] or not r["template_changed"]))
        return done, f"{r['namespace']}/{r['name']} revision {r['revision']} -> {revision}, " \
                     f"{s.get('updatedReplicas', 0)}/{want} updated, {s.get('availableReplicas', 0)}/{want} available, " \
                     f"{s.get('unavailableReplicas', 0)} unavailable"

    results = settle(120, lambda: [status(r) for r in rolls], lambda res: all(ok for ok, _ in res))
    for ok, line in results:
        print(f"  {'rolled' if ok else 'NOT ROLLED'}: {line}")
    if not all(ok for ok, _ in results):
        sys.exit("error: Deployments not rolled out after 120 s (every replica updated and available, none "
                 "unavailable, and a new revision when the pod template changed)")


def same_config(a, b):
    docs = [json.loads(Path(f).read_text()) for f in (a, b)]
    for d in docs:
        d.pop("$schema", None)
    sys.exit(0 if docs[0] == docs[1] else 1)


def main(argv):
    if argv[:1] == ["review"] and len(argv) == 3:
        review(*argv[1:])
    elif argv[:1] == ["rolled"] and len(argv) == 2:
        rolled(argv[1])
    elif argv[:1] == ["same-config"] and len(argv) == 3:
        same_config(*argv[1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
