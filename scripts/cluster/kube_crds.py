"""The test-only argoproj.io CRDs, in place of those of the argo-helm charts,
which cannot be reached here."""
from kube_api import TEST_LABEL, ApiError, call, exists, get, wait


# The argoproj.io kinds that the argo-workflows and argo-events charts would
# install and that the stack or Metaflow create. Their schema accepts anything,
# as the argo-workflows chart's own CRDs (no full schema) do.
CRDS = [  # kind, plural, short names
    ("Workflow", "workflows", ["wf"]),
    ("WorkflowTemplate", "workflowtemplates", ["wftmpl"]),
    ("CronWorkflow", "cronworkflows", ["cwf"]),
    ("WorkflowTaskResult", "workflowtaskresults", []),
    ("Sensor", "sensors", ["sn"]),
    ("EventBus", "eventbus", ["eb"]),
    ("EventSource", "eventsources", ["es"]),
]


def crd_body(kind, plural, short):
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.argoproj.io", "labels": {TEST_LABEL: "true"}},
        "spec": {
            "group": "argoproj.io", "scope": "Namespaced",
            "names": {"kind": kind, "plural": plural, "singular": kind.lower(), "listKind": kind + "List",
                      **({"shortNames": short} if short else {})},
            "versions": [{"name": "v1alpha1", "served": True, "storage": True,
                          "schema": {"openAPIV3Schema": {"type": "object",
                                                         "x-kubernetes-preserve-unknown-fields": True}},
                          "subresources": {"status": {}} if kind in ("Workflow",) else {}}],
        },
    }


def crds(action):
    base = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
    names = [f"{plural}.argoproj.io" for _, plural, _ in CRDS]
    if action == "apply":
        for kind, plural, short in CRDS:
            if not exists(f"{base}/{plural}.argoproj.io"):
                call("POST", base, crd_body(kind, plural, short))
        wait(30, "the argoproj.io CRDs Established", lambda: all(
            any(c["type"] == "Established" and c["status"] == "True"
                for c in get(f"{base}/{n}").get("status", {}).get("conditions", [])) for n in names))
        # Served by discovery too, which the providers and helm read.
        wait(30, "argoproj.io/v1alpha1 in discovery", lambda: len(
            get("/apis/argoproj.io/v1alpha1").get("resources", [])) >= len(CRDS))
        print(f"  {len(CRDS)} test-only CRDs: {', '.join(k for k, _, _ in CRDS)}")
    else:
        for n in names:
            try:
                call("DELETE", f"{base}/{n}")
            except ApiError as e:
                if e.code != 404:
                    raise
        wait(60, "the test-only CRDs deleted", lambda: not any(exists(f"{base}/{n}") for n in names))
