"""The argoproj.io CRDs, from the modules the Argo binaries are built from
(scripts/cluster/build.sh converts them to JSON): what production gets, and
the full-schema copies the test checks Metaflow's objects against.

Production gets Argo Workflows' minimal CRDs (every spec accepted as it is):
the argo-workflows chart installs those unless crds.full, which the stack does
not set (argo-helm argo-workflows-0.47.5, values.yaml and templates/crds.yaml;
its files/crds are the module's manifests/base/crds plus a keep annotation).
Argo Events has one kind of CRD (argo-events v1.9.11, manifests/base/crds).
JobSet has one CRD, jobsets.jobset.x-k8s.io (jobset v0.12.0: the chart's
crds/jobset.x-k8s.io_jobsets.yaml is config/components/crd/bases/ unchanged).

The full CRDs cannot be installed beside the minimal ones under the same name,
so the three kinds Metaflow writes (WorkflowTemplate, CronWorkflow, Workflow)
are also installed, with the full schema unchanged, under the group
FULL_SCHEMA_GROUP: a strict server-side dry run there (kube_argo.full_schema)
shows whether the API server would accept each object under the full schema,
unknown fields included."""
import copy
import json
from pathlib import Path

from kube_api import TEST_LABEL, ApiError, call, exists, get, wait

BASE = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
FULL_SCHEMA_GROUP = "full-schema.cluster-test.local"
FULL_SCHEMA_PLURALS = ("workflowtemplates", "cronworkflows", "workflows")


def load(folder):
    return [json.loads(p.read_text()) for p in sorted(Path(folder).glob("*.json"))]


def full_schema_copy(crd):
    crd = copy.deepcopy(crd)
    crd["spec"]["group"] = FULL_SCHEMA_GROUP
    crd["metadata"] = {"name": f"{crd['spec']['names']['plural']}.{FULL_SCHEMA_GROUP}"}
    return crd


def definitions(workflows_dir, events_dir, jobset_dir):
    """(what production gets, the full-schema copies), as CRD bodies."""
    jobset = load(Path(jobset_dir) / "crds")
    if not jobset:
        raise SystemExit(f"error: no CRD in {jobset_dir}/crds: run scripts/cluster/build.sh")
    real = load(Path(workflows_dir) / "crds" / "minimal") + load(Path(events_dir) / "crds") + jobset
    full = [full_schema_copy(c) for c in load(Path(workflows_dir) / "crds" / "full")
            if c["spec"]["names"]["plural"] in FULL_SCHEMA_PLURALS]
    if not real or len(full) != len(FULL_SCHEMA_PLURALS):
        raise SystemExit(f"error: CRDs missing in {workflows_dir} or {events_dir}: run scripts/cluster/build.sh")
    for crd in real + full:
        crd.pop("status", None)  # the generated files carry an empty one
        crd["metadata"].setdefault("labels", {})[TEST_LABEL] = "true"
    return real, full


def established(name):
    return any(c["type"] == "Established" and c["status"] == "True"
               for c in (get(f"{BASE}/{name}").get("status") or {}).get("conditions") or [])


def crds(action, workflows_dir, events_dir, jobset_dir):
    real, full = definitions(workflows_dir, events_dir, jobset_dir)
    names = [c["metadata"]["name"] for c in real + full]
    if action == "apply":
        for crd in real + full:
            if not exists(f"{BASE}/{crd['metadata']['name']}"):
                call("POST", BASE, crd)
        wait(60, "the CRDs Established", lambda: all(established(n) for n in names))
        # Served by discovery too, which the providers, helm and the controllers read.
        argo = [c for c in real if c["spec"]["group"] == "argoproj.io"]
        wait(30, "argoproj.io/v1alpha1 in discovery", lambda: len(
            get("/apis/argoproj.io/v1alpha1").get("resources", [])) >= len(argo))
        wait(30, "jobset.x-k8s.io/v1alpha2 in discovery", lambda: any(
            r["name"] == "jobsets" for r in get("/apis/jobset.x-k8s.io/v1alpha2").get("resources", [])))
        kinds = sorted(c["spec"]["names"]["kind"] for c in real)
        print(f"  {len(real)} CRDs as production gets them, from {Path(workflows_dir).name} (minimal), "
              f"{Path(events_dir).name} and {Path(jobset_dir).name}: {', '.join(kinds)}")
        print(f"  full-schema copies (group {FULL_SCHEMA_GROUP}) of {', '.join(FULL_SCHEMA_PLURALS)}")
    else:
        for n in names:
            try:
                call("DELETE", f"{BASE}/{n}")
            except ApiError as e:
                if e.code != 404:
                    raise
        wait(60, "the CRDs deleted", lambda: not any(exists(f"{BASE}/{n}") for n in names))
