"""What the real Argo components made of Metaflow's objects and the stack's
configuration: the Argo Server's lint of the templates, the full-schema CRDs'
verdict, the workflow controller's handling of the triggered Workflow and its
pods, and the Argo Events controller's workloads for the EventBus, the
EventSource and the Sensor."""
import json
import urllib.error
import urllib.request

from expectations import expectations
from kube_api import ApiError, Check, call, exists, get, settle
from kube_crds import FULL_SCHEMA_GROUP

ARGO = "/apis/argoproj.io/v1alpha1"
# Metadata a client may send when creating an object; the rest is the server's.
CLIENT_METADATA = ("name", "labels", "annotations")


def as_submitted(obj):
    """obj as a client would create it: no status, no server-set metadata."""
    return {"apiVersion": obj["apiVersion"], "kind": obj["kind"],
            "metadata": {k: v for k, v in obj["metadata"].items() if k in CLIENT_METADATA}, "spec": obj["spec"]}


def server_post(url, token, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


# Netflix/metaflow 2.19.39, plugins/argo/argo_workflows.py: the Workflow's onExit runs the template
# error-msg-capture-hook when the workflow does not succeed; that template names no node selector or tolerations.
EXIT_HOOK = "error-msg-capture-hook"


def exit_hook(c, ns, name, config):
    """Stop the Workflow (spec.shutdown Stop: the controller fails its running nodes and runs its exit handler) and see
    where the controller places the exit hook's pod: on the default pool of config.json, through the controller's
    workflowDefaults (argo-workflows v3.7.18, workflow/controller/workflowpod.go)."""
    call("PATCH", f"{ARGO}/namespaces/{ns}/workflows/{name}", {"spec": {"shutdown": "Stop"}},
         content_type="application/merge-patch+json")

    def hook_pods():
        pods = get(f"/api/v1/namespaces/{ns}/pods", query={"labelSelector": f"workflows.argoproj.io/workflow={name}"})["items"]
        return [p for p in pods if EXIT_HOOK in p["metadata"]["name"]]
    pods = settle(60, hook_pods, bool)
    if not c.need(pods, f"Workflow {ns}/{name} stopped, but the controller created no {EXIT_HOOK} pod within 60 s"):
        return
    spec = pods[0]["spec"]
    selector = config.get("METAFLOW_KUBERNETES_NODE_SELECTOR")
    want = dict([selector.split("=", 1)]) if selector else None
    tolerations = json.loads(config.get("METAFLOW_KUBERNETES_TOLERATIONS", "[]"))
    c.need(spec.get("nodeSelector") == want,
           f"exit hook pod {pods[0]['metadata']['name']}: node selector {spec.get('nodeSelector')}, not the default pool's {want}")
    for t in tolerations:
        c.need(t in (spec.get("tolerations") or []), f"exit hook pod {pods[0]['metadata']['name']}: no toleration {t}")
    c.seen.append(f"stopped: exit hook pod {pods[0]['metadata']['name']} with node selector {spec.get('nodeSelector')}")
    # kwok never ends the run's pods: delete the stopped Workflow and its pods (the controller would otherwise keep
    # reconciling them), so the pool's node keeps the room the later steps' pods are measured against.
    call("DELETE", f"{ARGO}/namespaces/{ns}/workflows/{name}")
    of_run = {"labelSelector": f"workflows.argoproj.io/workflow={name}"}

    def left():
        return get(f"/api/v1/namespaces/{ns}/pods", query=of_run)["items"]
    for pod in left():
        try:
            call("DELETE", f"/api/v1/namespaces/{ns}/pods/{pod['metadata']['name']}", query={"gracePeriodSeconds": "0"})
        except ApiError as e:
            if e.code != 404:  # the garbage collector may take it first
                raise
    remaining = settle(60, left, lambda items: not items)
    c.need(not remaining, f"pods of the stopped Workflow {name} still there after 60 s: "
                          f"{[p['metadata']['name'] for p in remaining]}")


def lint(server, token, ns):
    """Every WorkflowTemplate and CronWorkflow in ns through the Argo Server's lint endpoint, as the caller."""
    c = Check()
    kinds = (("workflowtemplates", "workflow-templates", "template"), ("cronworkflows", "cron-workflows", "cronWorkflow"))
    for plural, path, field in kinds:
        for obj in get(f"{ARGO}/namespaces/{ns}/{plural}")["items"]:
            name = f"{obj['kind']} {ns}/{obj['metadata']['name']}"
            code, body = server_post(f"{server}/api/v1/{path}/{ns}/lint", token, {"namespace": ns, field: as_submitted(obj)})
            if c.need(code == 200, f"the Argo Server's lint refuses {name}: HTTP {code} {body[:400]}"):
                c.seen.append(name)
    c.need(c.seen, f"nothing to lint in {ns}")
    c.done(f"Argo Server lint OK: {', '.join(c.seen)}")


def without_nulls(obj, path="", dropped=None):
    """obj without null-valued keys (a JSON null is an unset field to Argo's decoder), and their paths' last keys."""
    dropped = set() if dropped is None else dropped
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if v is None:
                dropped.add(k)
            else:
                out[k] = without_nulls(v, f"{path}.{k}", dropped)[0]
        return out, dropped
    if isinstance(obj, list):
        return [without_nulls(v, path, dropped)[0] for v in obj], dropped
    return obj, dropped


def full_schema(ns):
    """Every WorkflowTemplate, CronWorkflow and Workflow in ns, created again by a strict server-side dry run under
    the full-schema copies of their CRDs: what the full CRDs accept or refuse, unknown fields included. Null values
    are left out first: Metaflow's Kubernetes client (kubernetes 37) writes every field of an env var source, unset
    ones as null (fileKeyRef among them, which Argo's schema, of an older Kubernetes API, does not know); a null
    is an unset field to Argo's decoder and to the API server."""
    c = Check()
    nulls = set()
    for plural in ("workflowtemplates", "cronworkflows", "workflows"):
        for obj in get(f"{ARGO}/namespaces/{ns}/{plural}")["items"]:
            body, _ = without_nulls(as_submitted(obj), dropped=nulls)
            body["apiVersion"] = f"{FULL_SCHEMA_GROUP}/v1alpha1"
            name = f"{obj['kind']} {ns}/{obj['metadata']['name']}"
            try:
                call("POST", f"/apis/{FULL_SCHEMA_GROUP}/v1alpha1/namespaces/{ns}/{plural}", body,
                     query={"dryRun": "All", "fieldValidation": "Strict"})
                c.seen.append(name)
            except ApiError as e:
                c.need(False, f"the full CRD refuses {name}: {e}")
    c.need(c.seen, f"nothing to check in {ns}")
    c.done(f"accepted under the full CRDs (strict): {', '.join(c.seen)}"
           + (f"; {len(nulls)} kinds of null field left out first" + (", fileKeyRef among them" if "fileKeyRef" in nulls else "")
              if nulls else ""))


def env_of(container):
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def workflow(path, settings, stack, template, executor_image, bucket, controller_log):
    """The Workflow `argo-workflows trigger` made from `template`: accepted and run by the real controller, its pods
    as the stack configured them."""
    names = expectations(path, settings, stack)[0]
    ns = names["jobs"]
    c = Check()
    config = json.loads(get(f"/api/v1/namespaces/{ns}/configmaps/metaflow-config")["data"]["config.json"])
    ksa = config["METAFLOW_KUBERNETES_SERVICE_ACCOUNT"]

    def of_template():
        return [w for w in get(f"{ARGO}/namespaces/{ns}/workflows")["items"]
                if w["spec"].get("workflowTemplateRef", {}).get("name") == template]

    def pods_of(name):
        return get(f"/api/v1/namespaces/{ns}/pods", query={"labelSelector": f"workflows.argoproj.io/workflow={name}"})["items"]

    # The controller takes the Workflow up (phase Running) and creates the first step's pod; kwok marks it Running.
    def probe():
        wfs = of_template()
        return (wfs[0], pods_of(wfs[0]["metadata"]["name"])) if wfs else (None, [])
    wf, pods = settle(90, probe, lambda r: r[0] is not None and r[0].get("status", {}).get("phase") in
                      ("Running", "Failed", "Error", "Succeeded") and any(p["status"].get("phase") == "Running" for p in r[1]))
    if not c.need(wf is not None, f"no Workflow of template {template} in {ns}"):
        c.done("")
    st = wf.get("status", {})
    name = wf["metadata"]["name"]
    c.need(st.get("phase") == "Running", f"Workflow {ns}/{name} is {st.get('phase')!r}, not Running: {st.get('message', '')}")
    repo = st.get("artifactRepositoryRef", {}).get("artifactRepository", {})
    c.need(repo.get("gcs", {}).get("bucket") == bucket,
           f"Workflow {name}: the controller resolved the artifact repository {json.dumps(repo)}, not gcs bucket {bucket}")
    c.need(pods, f"Workflow {name}: the controller created no pod")
    for pod in pods:
        spec, pname = pod["spec"], pod["metadata"]["name"]
        c.need(pod["metadata"]["namespace"] == ns, f"pod {pname} is in {pod['metadata']['namespace']}, not {ns}")
        c.need(spec.get("serviceAccountName") == ksa, f"pod {pname} runs as {spec.get('serviceAccountName')}, not {ksa}")
        main = next((x for x in spec["containers"] if x["name"] == "main"), None)
        executors = [x for x in spec.get("initContainers", []) + spec["containers"] if x["name"] in ("init", "wait")]
        c.need(main is not None, f"pod {pname} has no main container")
        c.need(executors and all(x["image"] == executor_image for x in executors),
               f"pod {pname}: executor containers {[x['image'] for x in executors]}, not {executor_image}")
        if main:
            env = env_of(main)
            c.need(env.get("METAFLOW_DATASTORE_SYSROOT_GS", "").startswith(f"gs://{bucket}/"),
                   f"pod {pname}: the main container's datastore is {env.get('METAFLOW_DATASTORE_SYSROOT_GS')}, "
                   f"not the published gs://{bucket}/...")
            c.seen.append(f"main image {main['image']}")
        # Metaflow's steps declare no Argo artifacts, so the executor gets an archive location only for logs
        # (archiveLogs, off): the repository shows in the Workflow's status above, not in the pod.
        c.seen.append(f"pod {pname} ({pod['status'].get('phase')}, as {spec.get('serviceAccountName')})")
    # Workload Identity: the pods' KSA names the Google service account.
    annotations = get(f"/api/v1/namespaces/{ns}/serviceaccounts/{ksa}")["metadata"].get("annotations", {})
    c.need(annotations.get("iam.gke.io/gcp-service-account"), f"KSA {ns}/{ksa} has no Workload Identity annotation")
    # Nothing in the controller's log about a configuration it could not read.
    bad = [line.strip() for line in open(controller_log, errors="replace")
           if ("level=error" in line or "level=fatal" in line) and "config" in line.lower()]
    c.need(not bad, f"the workflow controller logged configuration errors: {bad[:3]}")
    exit_hook(c, ns, name, config)
    nodes = st.get("nodes", {})
    if c.problems:  # for the reader of the kept scratch dir
        with open(controller_log.replace(".log", f"-{name}.json"), "w") as f:
            json.dump({"workflow": wf, "pods": pods}, f, indent=1)
    c.done(f"Workflow {ns}/{name}: {st.get('phase')}, {len(nodes)} nodes "
           f"({', '.join(sorted(set(n.get('phase', '?') for n in nodes.values())))}), artifact repository gs://{bucket}; "
           + "; ".join(c.seen) + f"; pod service account {ksa} (Workload Identity "
           f"{annotations.get('iam.gke.io/gcp-service-account')}); executor {executor_image}")


def events(path, settings, stack, sensors):
    """The Argo Events controller's workloads for the stack's EventBus and EventSource (as the published config names
    them) and Metaflow's Sensors."""
    names = expectations(path, settings, stack)[0]
    ns = names["events"]
    c = Check()
    config = json.loads(get(f"/api/v1/namespaces/{names['jobs']}/configmaps/metaflow-config")["data"]["config.json"])
    sensor_sa, bus, source = (config[f"METAFLOW_ARGO_EVENTS_{k}"] for k in ("SERVICE_ACCOUNT", "EVENT_BUS", "EVENT_SOURCE"))

    def owned_by(kind, name, workload):
        items = get(f"/apis/apps/v1/namespaces/{ns}/{workload}")["items"]
        return [i for i in items if any(o["kind"] == kind and o["name"] == name
                                        for o in i["metadata"].get("ownerReferences", []))]

    def ready(items):
        return items and all(i.get("status", {}).get("readyReplicas", 0) >= (i["spec"].get("replicas") or 1) for i in items)

    want = [("EventBus", bus, "statefulsets"), ("EventSource", source, "deployments")]
    want += [("Sensor", s, "deployments") for s in sensors]
    got = settle(120, lambda: {(k, n): owned_by(k, n, w) for k, n, w in want}, lambda r: all(ready(v) for v in r.values()))
    for (kind, name), items in got.items():
        if c.need(ready(items), f"{kind} {ns}/{name}: no ready workload of the controller ({[i['metadata']['name'] for i in items]})"):
            c.seen.append(f"{kind} {name} -> {items[0]['metadata']['name']} ({items[0]['status'].get('readyReplicas')} ready)")
    for sensor in sensors:
        for d in got[("Sensor", sensor)]:
            sa = d["spec"]["template"]["spec"].get("serviceAccountName")
            c.need(sa == sensor_sa, f"Sensor {sensor}'s pods run as {sa}, not {sensor_sa}")
            c.seen.append(f"Sensor {sensor} pods as {sa}")
    # The webhook Service Metaflow's @trigger URL names, made by the controller, with a ready endpoint.
    svc = f"{source}-eventsource-svc"
    eps = settle(30, lambda: get(f"/api/v1/namespaces/{ns}/endpoints/{svc}") if exists(f"/api/v1/namespaces/{ns}/endpoints/{svc}") else {},
                 lambda e: any(s.get("addresses") for s in e.get("subsets", [])))
    c.need(any(s.get("addresses") for s in eps.get("subsets", [])), f"Service {ns}/{svc} has no ready endpoint")
    c.seen.append(f"Service {svc} with a ready endpoint")
    conds = {x["type"]: x["status"] for x in get(f"{ARGO}/namespaces/{ns}/eventbus/{bus}").get("status", {}).get("conditions", [])}
    c.need(conds.get("Deployed") == "True", f"EventBus {bus} is not Deployed: {conds}")
    c.done(f"in {ns}: " + "; ".join(c.seen) + f"; EventBus conditions {conds}")
