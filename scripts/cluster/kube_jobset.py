#!/usr/bin/env python3
"""The real JobSet controller's admission and reconciliation, for scripts/cluster/jobset.sh.

  kube_jobset.py webhooks URL CA_FILE JOBSET_DIR   register the controller's webhooks at URL (https://127.0.0.1:<port>),
                                                   trusted through CA_FILE, and check them against the module's
  kube_jobset.py webhooks-delete                   remove them
  kube_jobset.py dry-run NS CM_NS CM TEMPLATE      the JobSet of TEMPLATE's resource step, created with dryRun=All in
                                                   NS as the service account the step runs as (impersonated): its
                                                   own, else the Workflow's, else the workflowDefaults of the
                                                   workflow controller's ConfigMap CM_NS/CM
  kube_jobset.py jobs NS FLOW SECONDS PID          wait for the JobSet of FLOW in NS and the Jobs the controller made
                                                   (no longer for the JobSet once PID, the run, has ended)
  kube_jobset.py delete NS FLOW                    delete the JobSets of FLOW in NS, their Jobs and pods with them

dry-run needs PyYAML for the manifest Metaflow writes into the template: run it with the Metaflow client's Python
(PyYAML is one of its requirements, requirements/metaflow-client.txt); the rest is stdlib only.
"""
import base64
import json
import re
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
from kube_api import TEST_LABEL, ApiError, call, get, settle  # noqa: E402

GROUP = "/apis/jobset.x-k8s.io/v1alpha2"
ADMISSION = "/apis/admissionregistration.k8s.io/v1"
POD_SELECTOR = {"matchExpressions": [{"key": "jobset.sigs.k8s.io/jobset-name", "operator": "Exists"}]}

# The webhook configurations as production gets them from the chart (jobset v0.12.0,
# charts/jobset/templates/webhook/manifests.yaml: these names, these paths and rules, pods only when they carry the
# JobSet name label, no failurePolicy so the API's default Fail), with a url instead of the chart's Service, which
# needs cluster networking. webhooks() compares what the API server stored with the module's own
# config/components/webhook/manifests.yaml (paths, rules, failurePolicy, sideEffects), which the controller serves.
WEBHOOKS = {
    "mutatingwebhookconfigurations": ("jobset-mutating-webhook-configuration", "mutating-webhook-configuration", [
        ("mutate-jobset-x-k8s-io-v1alpha2-jobset.x-k8s.io", "/mutate-jobset-x-k8s-io-v1alpha2-jobset",
         "jobset.x-k8s.io", "v1alpha2", "jobsets", ["CREATE"], None),
        ("mutate--v1-pod.x-k8s.io", "/mutate--v1-pod", "", "v1", "pods", ["CREATE"], POD_SELECTOR),
    ]),
    "validatingwebhookconfigurations": ("jobset-validating-webhook-configuration", "validating-webhook-configuration", [
        ("validate-jobset-x-k8s-io-v1alpha2-jobset.x-k8s.io", "/validate-jobset-x-k8s-io-v1alpha2-jobset",
         "jobset.x-k8s.io", "v1alpha2", "jobsets", ["CREATE", "UPDATE"], None),
        ("validate--v1-pod.x-k8s.io", "/validate--v1-pod", "", "v1", "pods", ["CREATE"], POD_SELECTOR),
    ]),
}


def summary(hook, path):
    rules = sorted((tuple(r["apiGroups"]), tuple(r["apiVersions"]), tuple(r["resources"]), tuple(sorted(r["operations"])))
                   for r in hook["rules"])
    return (path, tuple(rules), hook.get("failurePolicy"), hook.get("sideEffects"), tuple(hook["admissionReviewVersions"]))


def webhooks(url, ca_file, jobset_dir):
    ca = base64.b64encode(Path(ca_file).read_bytes()).decode()
    problems = []
    for plural, (name, module_name, hooks) in WEBHOOKS.items():
        body = {"metadata": {"name": name, "labels": {TEST_LABEL: "true"}}, "webhooks": [
            {"name": n, "admissionReviewVersions": ["v1"], "sideEffects": "None",
             "clientConfig": {"url": url + path, "caBundle": ca},
             "rules": [{"apiGroups": [g], "apiVersions": [v], "operations": ops, "resources": [res]}],
             **({"objectSelector": sel} if sel else {})}
            for n, path, g, v, res, ops, sel in hooks]}
        stored = call("POST", f"{ADMISSION}/{plural}", body)
        ours = sorted(summary(h, h["clientConfig"]["url"][len(url):]) for h in stored["webhooks"])
        module = json.loads((Path(jobset_dir) / "webhook" / f"{module_name}.json").read_text())
        theirs = sorted(summary(h, h["clientConfig"]["service"]["path"]) for h in module["webhooks"])
        if ours != theirs:
            problems.append(f"{name}: {ours} as stored, the module's {module_name}: {theirs}")
    if problems:
        sys.exit("error: the webhook configurations differ from the module's config/components/webhook/manifests.yaml: "
                 + "; ".join(problems))
    paths = [path for _, (_, _, hooks) in WEBHOOKS.items() for _, path, *_ in hooks]
    print(f"  webhooks at {url}: {', '.join(paths)} (as the module's manifests.yaml: paths, rules, failurePolicy Fail)")


def webhooks_delete():
    for plural, (name, _, _) in WEBHOOKS.items():
        try:
            call("DELETE", f"{ADMISSION}/{plural}/{name}")
        except ApiError as e:
            if e.code != 404:
                raise


# What Argo would put in place of the variables of Metaflow's JobSet manifest when it runs the resource step: the
# inputs the step's DAG task passes (num_parallel=2, so workerCount 1), the workflow's name. These are every variable
# Metaflow 2.19.39 writes there; one it starts to write fails the check below until it is given a value here.
ENTROPY = "a1b2c3d4"
WORKFLOW = "clustertestparallelflow-x7k2p"
VALUES = {
    "workflow.name": WORKFLOW,
    "inputs.parameters.task-id-entropy": ENTROPY,
    "inputs.parameters.jobset-name": f"js-{ENTROPY}",
    "inputs.parameters.num-parallel": "2",
    "=asInt(inputs.parameters.workerCount)": "1",
    "inputs.parameters.input-paths": f"argo-{WORKFLOW}/start/t-5e6f7a8b",
}
VARIABLE = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


def jobset_of(template_name, ns):
    """(the template, its resource step with the JobSet, the manifest with Argo's variables filled in)"""
    import yaml  # the Metaflow client's PyYAML (see the docstring)

    wt = get(f"/apis/argoproj.io/v1alpha1/namespaces/{ns}/workflowtemplates/{template_name}")
    steps = [t for t in wt["spec"]["templates"] if "JobSet" in (t.get("resource") or {}).get("manifest", "")]
    if len(steps) != 1:
        sys.exit(f"error: WorkflowTemplate {ns}/{template_name} has {len(steps)} resource steps with a JobSet, not 1")
    step = steps[0]
    # jobset-name as the DAG task passes it, "js-{{inputs.parameters.task-id-entropy}}" (no @retry): checked, not assumed.
    args = [p.get("value") for t in wt["spec"]["templates"] for task in (t.get("dag") or {}).get("tasks", [])
            if task.get("template") == step["name"]
            for p in (task.get("arguments") or {}).get("parameters", []) if p["name"] == "jobset-name"]
    if args != ["js-{{inputs.parameters.task-id-entropy}}"]:
        sys.exit(f"error: the DAG task of {step['name']} passes jobset-name {args}, not js-<task-id-entropy>")
    text = step["resource"]["manifest"]
    unknown = sorted({v for v in VARIABLE.findall(text) if v not in VALUES})
    if unknown:
        sys.exit(f"error: the JobSet manifest of {template_name} uses Argo variables the test gives no value: {unknown}")
    return wt, step, yaml.safe_load(VARIABLE.sub(lambda m: VALUES[m.group(1)], text))


def step_identity(wt, step, cm_ns, cm_name):
    """The service account Argo runs the step as: the template's, else the Workflow's (from the WorkflowTemplate's
    spec), else the controller's workflowDefaults (argo-workflows v3.7.18, workflow/controller: the defaults are
    merged into every Workflow's spec; Metaflow's resource step names none)."""
    import yaml

    if step.get("serviceAccountName"):
        return step["serviceAccountName"], f"template {step['name']}"
    if wt["spec"].get("serviceAccountName"):
        return wt["spec"]["serviceAccountName"], "the WorkflowTemplate's spec"
    config = yaml.safe_load(get(f"/api/v1/namespaces/{cm_ns}/configmaps/{cm_name}")["data"].get("config", "")) or {}
    sa = ((config.get("workflowDefaults") or {}).get("spec") or {}).get("serviceAccountName")
    if not sa:
        sys.exit(f"error: the step {step['name']} names no service account, nor does the WorkflowTemplate, and the "
                 f"controller ConfigMap {cm_ns}/{cm_name} has no workflowDefaults.spec.serviceAccountName: the "
                 "JobSet would be created as the namespace's default service account")
    return sa, f"workflowDefaults of ConfigMap {cm_ns}/{cm_name}"


def dry_run(ns, cm_ns, cm_name, template_name):
    wt, step, manifest = jobset_of(template_name, ns)
    sa, source = step_identity(wt, step, cm_ns, cm_name)
    user = f"system:serviceaccount:{ns}:{sa}"
    try:
        made = call("POST", f"{GROUP}/namespaces/{ns}/jobsets", manifest, query={"dryRun": "All"},
                    headers={"Impersonate-User": user})
    except ApiError as e:
        sys.exit(f"error: the JobSet of WorkflowTemplate {ns}/{template_name} (step {step['name']}), created as {user} "
                 f"with dryRun=All: refused, {e}")
    spec = made["spec"]
    # Set by the controller's defaulting webhook only (the CRD defaults neither): proof that admission went through it.
    defaulted = {"startupPolicy.startupPolicyOrder": (spec.get("startupPolicy") or {}).get("startupPolicyOrder"),
                 "network.publishNotReadyAddresses": (spec.get("network") or {}).get("publishNotReadyAddresses")}
    if defaulted != {"startupPolicy.startupPolicyOrder": "AnyOrder", "network.publishNotReadyAddresses": True}:
        sys.exit(f"error: the dry-run JobSet was not defaulted by the JobSet webhook: {defaulted}")
    jobs = ", ".join(f"{r['name']} x{r.get('replicas', 1)}" for r in spec["replicatedJobs"])
    print(f"  the JobSet of WorkflowTemplate {ns}/{template_name} (step {step['name']}; {jobs}), created as {user} "
          f"({source}) "
          f"with dryRun=All: accepted by the API server and the JobSet webhooks "
          f"(defaulted {', '.join(f'{k}={v}' for k, v in defaulted.items())})")


def jobsets_of(ns, flow):
    # Metaflow annotates the JobSets of `run` with the flow's name (plugins/kubernetes/kubernetes.py, create_jobset).
    return [j for j in get(f"{GROUP}/namespaces/{ns}/jobsets")["items"]
            if (j["metadata"].get("annotations") or {}).get("metaflow/flow_name") == flow]


def running(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def jobs(ns, flow, seconds, pid):
    end = time.monotonic() + float(seconds)
    js = settle(float(seconds), lambda: jobsets_of(ns, flow), lambda j: bool(j) or not running(pid))
    if not js:
        sys.exit(f"error: no JobSet of flow {flow} in {ns}: "
                 + (f"after {seconds} s" if running(pid) else "the run ended without one (its output is in the step log)"))
    name = js[0]["metadata"]["name"]
    want = sum(r.get("replicas", 1) for r in js[0]["spec"]["replicatedJobs"])

    def owned():
        return [j for j in get(f"/apis/batch/v1/namespaces/{ns}/jobs",
                               query={"labelSelector": f"jobset.sigs.k8s.io/jobset-name={name}"})["items"]
                if any(o["kind"] == "JobSet" and o["name"] == name for o in j["metadata"].get("ownerReferences", []))]
    made = settle(max(1.0, end - time.monotonic()), owned, lambda j: len(j) >= want)
    if len(made) < want:
        sys.exit(f"error: JobSet {ns}/{name} of flow {flow}: {len(made)} of its {want} Jobs after {seconds} s "
                 "(is the JobSet controller running?)")
    pods = get(f"/api/v1/namespaces/{ns}/pods", query={"labelSelector": f"jobset.sigs.k8s.io/jobset-name={name}"})
    try:
        svc = get(f"/api/v1/namespaces/{ns}/services/{js[0]['spec'].get('network', {}).get('subdomain', name)}")
        svc_note = f"headless Service {svc['metadata']['name']}"
    except ApiError:
        svc_note = "no headless Service"
    print(f"  JobSet {ns}/{name} of flow {flow}, created by Metaflow as the flow runner: reconciled by the controller "
          f"into Jobs {', '.join(sorted(j['metadata']['name'] for j in made))} ({len(pods['items'])} pods, {svc_note})")


def delete(ns, flow):
    for j in jobsets_of(ns, flow):
        call("DELETE", f"{GROUP}/namespaces/{ns}/jobsets/{j['metadata']['name']}",
             query={"propagationPolicy": "Background"})


def main(argv):
    cmd, args = argv[0] if argv else "", argv[1:]
    if cmd == "webhooks" and len(args) == 3:
        webhooks(*args)
    elif cmd == "webhooks-delete" and not args:
        webhooks_delete()
    elif cmd == "dry-run" and len(args) == 4:
        dry_run(*args)
    elif cmd == "jobs" and len(args) == 4:
        jobs(*args)
    elif cmd == "delete" and len(args) == 2:
        delete(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
