#!/usr/bin/env python3
"""A small Kubernetes API client (stdlib only) for scripts/cluster/cluster-test.sh.

Talks to $KUBE_HOST with the bearer token $KUBE_TOKEN, verifying the server
with the CA in $KUBE_CA. Every wait is bounded.

  kube.py node NAME                 create the fake kwok node (idempotent)
  kube.py node-ready NAME           exit 0 if the node is Ready and untainted
  kube.py crds apply|delete         the test-only argoproj.io CRDs (see CRDS)
  kube.py endpoints NS...           every Service in NS... has a ready endpoint (waits up to 60 s)
  kube.py rbac FILE [STACK]         SubjectAccessReviews for every row of FILE; exit 1 on a mismatch
  kube.py users FILE                every user FILE names, "user|groups", for the token file
  kube.py name FILE STACK KEY       a namespace or subject of FILE for STACK (jobs, runner, ...)
  kube.py gcs-count URL BUCKET      how many objects BUCKET of the GCS emulator at URL holds
  kube.py metaflow FILE STACK NAME...   check what `argo-workflows create/trigger` made for flows NAME...
  kube.py reap SECONDS NS...        while running, force-delete pods stuck Terminating in NS...
  kube.py leftovers NS...           exit 1 if NS... or any object labelled as ours remains
  kube.py get PATH                  print the JSON at PATH
"""
import calendar
import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

OURS = "app.kubernetes.io/part-of=metaflow"
TEST_LABEL = "metaflow-gcp/cluster-test"  # on objects the test itself creates

_ctx = None


def ctx():
    global _ctx
    if _ctx is None:
        _ctx = ssl.create_default_context(cafile=os.environ["KUBE_CA"])
    return _ctx


class ApiError(Exception):
    def __init__(self, code, body):
        super().__init__(f"HTTP {code}: {body[:400]}")
        self.code = code


def call(method, path, body=None, token=None, query=None, content_type="application/json"):
    url = os.environ["KUBE_HOST"] + path
    if query:
        url += "?" + urllib.parse.urlencode(query)
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Authorization", "Bearer " + (token or os.environ["KUBE_TOKEN"]))
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, context=ctx(), timeout=30) as r:
            raw = r.read()
            return json.loads(raw) if raw else {}
    except urllib.error.HTTPError as e:
        raise ApiError(e.code, e.read().decode(errors="replace")) from None


def get(path, **kw):
    return call("GET", path, **kw)


def exists(path):
    try:
        get(path)
        return True
    except ApiError as e:
        if e.code == 404:
            return False
        raise


# --- nodes -------------------------------------------------------------------

def node(name):
    if exists(f"/api/v1/nodes/{name}"):
        return
    call("POST", "/api/v1/nodes", {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "annotations": {"kwok.x-k8s.io/node": "fake"},
                     "labels": {"type": "kwok", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                                "kubernetes.io/arch": "amd64", TEST_LABEL: "true"}},
        "status": {"capacity": {"cpu": "32", "memory": "256Gi", "pods": "250"},
                   "allocatable": {"cpu": "32", "memory": "256Gi", "pods": "250"}},
    })


def node_ready(name):
    n = get(f"/api/v1/nodes/{name}")
    ready = any(c["type"] == "Ready" and c["status"] == "True" for c in n.get("status", {}).get("conditions", []))
    tainted = any(t["key"].startswith("node.kubernetes.io/") for t in n.get("spec", {}).get("taints", []) or [])
    return ready and not tainted


# --- test-only CRDs ------------------------------------------------------------

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


def wait(seconds, what, pred, interval=0.5):
    end = time.monotonic() + seconds
    last = None
    while time.monotonic() < end:
        try:
            if pred():
                return
        except (ApiError, OSError) as e:
            last = e
        time.sleep(interval)
    sys.exit(f"error: timed out after {seconds} s waiting for {what}" + (f" (last error: {last})" if last else ""))


# --- Services have ready endpoints ----------------------------------------------

def endpoints(namespaces, seconds=60):
    def report():
        bad, good = [], []
        for ns in namespaces:
            for svc in get(f"/api/v1/namespaces/{ns}/services")["items"]:
                name = svc["metadata"]["name"]
                if not svc["spec"].get("selector"):
                    continue  # no selector: endpoints are managed by hand, nothing to prove
                slices = get(f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices",
                             query={"labelSelector": f"kubernetes.io/service-name={name}"})["items"]
                ready = sum(1 for s in slices for e in s.get("endpoints") or []
                            if (e.get("conditions") or {}).get("ready"))
                (good if ready else bad).append(f"{ns}/{name}" + (f" ({ready} ready)" if ready else ""))
        return good, bad

    end = time.monotonic() + seconds
    while True:
        good, bad = report()
        if not bad or time.monotonic() > end:
            break
        time.sleep(1)
    print(f"  services with ready endpoints: {', '.join(good) or 'none'}")
    if bad:
        sys.exit(f"error: services without a ready endpoint after {seconds} s: {', '.join(bad)}"
                 " (their selector matches no Ready pod)")


# --- RBAC ------------------------------------------------------------------------

def subject(row):
    """(user, groups, label) the authorizer sees for a row's subject."""
    if "serviceaccount" in row:
        ns, name = row["serviceaccount"].split("/")
        return (f"system:serviceaccount:{ns}:{name}",
                ["system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated"],
                f"sa {ns}/{name}")
    return row["user"], list(row.get("groups", [])) + ["system:authenticated"], f"user {row['user']}"


def review(user, groups, verb, group, resource, namespace="", subresource="", name=""):
    attrs = {"verb": verb, "resource": resource, "group": group}
    for k, v in (("namespace", namespace), ("subresource", subresource), ("name", name)):
        if v:
            attrs[k] = v
    sar = call("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", {
        "apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview",
        "spec": {"user": user, "groups": groups, "resourceAttributes": attrs}})
    return bool(sar["status"].get("allowed"))


def expectations(path, stack=None):
    """(names, features, rows) of the expectations file for a stack: its
    namespaces and subjects, with the stack's overrides, filled into the rows."""
    spec = json.load(open(path))
    over = spec.get("stacks", {}).get(stack or "", {})
    names = {**spec["namespaces"], **over.get("namespaces", {}), **spec["subjects"], **over.get("subjects", {})}
    features = {"runner-group": bool(names.get("runner_group"))}

    def fmt(v):
        if isinstance(v, str):
            return v.format(**names)
        if isinstance(v, list):
            return [x for x in (fmt(x) for x in v) if x != ""]
        return v
    rows = [{k: fmt(v) for k, v in row.items()} for row in spec["rows"]]
    return names, features, rows


def users(path):
    """Every user the rows name, with its groups, over all stacks: "user|group,group"."""
    spec = json.load(open(path))
    found = {}
    for stack in [None, *spec.get("stacks", {})]:
        _, _, rows = expectations(path, stack)
        for row in rows:
            if "user" in row:
                found.setdefault(row["user"], set()).update(row.get("groups", []))
    return [f"{u}|{','.join(sorted(g))}" for u, g in sorted(found.items())]


def rbac(path, stack=None):
    """A SubjectAccessReview, answered by the API server's RBAC authorizer, for
    every row of the expectations file."""
    names, features, rows = expectations(path, stack)
    failed = done = allowed_rows = 0
    skipped = {}
    for row in rows:
        need = row.get("requires")
        if need and not features.get(need):
            skipped[need] = skipped.get(need, 0) + 1
            continue
        user, groups, who = subject(row)
        allowed = review(user, groups, row["verb"], row.get("group", ""), row["resource"],
                         row.get("namespace", ""), row.get("subresource", ""), row.get("name", ""))
        done += 1
        allowed_rows += bool(row["allowed"])
        res = (row.get("group") + "/" if row.get("group") else "") + row["resource"] + \
              ("/" + row["subresource"] if row.get("subresource") else "") + \
              (" " + row["name"] if row.get("name") else "")
        if row.get("groups"):
            who += f" (groups {', '.join(row['groups'])})"
        line = f"{who} {row['verb']} {res} in {row.get('namespace') or '(all namespaces)'}: " \
               f"{'allowed' if allowed else 'denied'}"
        if allowed != row["allowed"]:
            failed += 1
            print(f"  MISMATCH {line}, expected {'allowed' if row['allowed'] else 'denied'}"
                  + (f" ({row['why']})" if row.get("why") else ""))
        elif os.environ.get("CLUSTER_TEST_VERBOSE"):
            print(f"  ok {line}")
    print(f"  {done - failed} of {done} access reviews as expected ({allowed_rows} allowed, {done - allowed_rows} denied rows;"
          f" flow runner {names['runner']}{', group ' + names['runner_group'] if names.get('runner_group') else ''})" +
          "".join(f"; {n} rows skipped (feature {k} off)" for k, n in skipped.items()))
    if failed:
        sys.exit(1)


def name_of(path, stack, key):
    names, _, _ = expectations(path, stack)
    return names[key]


# --- pods stuck Terminating, leftovers -----------------------------------------------

def reap(seconds, namespaces):
    """Force-delete (grace period 0) pods that stay Terminating for more than
    5 s in the given namespaces, for up to `seconds`. Needed only if kwok's
    pod-delete stage does not remove them; counted so that the log says."""
    end, count = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        for ns in namespaces:
            try:
                pods = get(f"/api/v1/namespaces/{ns}/pods")["items"]
            except (ApiError, OSError):
                continue
            for p in pods:
                ts = p["metadata"].get("deletionTimestamp")
                if not ts:
                    continue
                age = time.time() - calendar.timegm(time.strptime(ts, "%Y-%m-%dT%H:%M:%SZ"))
                if age < 5:
                    continue
                try:
                    call("DELETE", f"/api/v1/namespaces/{ns}/pods/{p['metadata']['name']}",
                         {"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0})
                    count += 1
                    print(f"  force-deleted pod {ns}/{p['metadata']['name']} (Terminating for {int(age)} s)", flush=True)
                except (ApiError, OSError):
                    pass
        time.sleep(1)


def api_resources():
    """(path prefix, resource, namespaced) of every listable resource type."""
    out = []
    groups = [("/api/v1", get("/api/v1"))]
    for g in get("/apis")["groups"]:
        v = g["preferredVersion"]["groupVersion"]
        try:
            groups.append((f"/apis/{v}", get(f"/apis/{v}")))
        except ApiError:
            continue
    for prefix, listing in groups:
        for r in listing["resources"]:
            if "/" in r["name"] or "list" not in r.get("verbs", []):
                continue
            out.append((prefix, r["name"], r["namespaced"]))
    return out


def leftovers(namespaces, seconds=60):
    def find():
        left = []
        for ns in namespaces:
            if exists(f"/api/v1/namespaces/{ns}"):
                left.append(f"namespace {ns}")
        for prefix, res, _ in api_resources():
            for sel in (OURS, "owner=helm", "app.kubernetes.io/managed-by=Helm"):
                try:
                    items = get(f"{prefix}/{res}", query={"labelSelector": sel})["items"]
                except ApiError:
                    continue
                for i in items:
                    m = i["metadata"]
                    left.append(f"{res} {m.get('namespace', '') + '/' if m.get('namespace') else ''}{m['name']}")
        return sorted(set(left))

    end = time.monotonic() + seconds
    while True:
        left = find()
        if not left or time.monotonic() > end:
            break
        time.sleep(1)
    if left:
        sys.exit("error: objects of ours left after destroy: " + ", ".join(left))
    print(f"  nothing of ours left (namespaces {', '.join(namespaces)} gone; no object labelled {OURS} or owned by Helm)")


# --- what Metaflow created ------------------------------------------------------------

ARGO = "/apis/argoproj.io/v1alpha1"


def gcs_count(url, bucket):
    with urllib.request.urlopen(f"{url}/storage/v1/b/{bucket}/o", timeout=30) as r:
        return len(json.load(r).get("items", []))


def find(plural, name, ns):
    """(object, namespace it is in) or (None, namespaces it was found in instead)."""
    try:
        return get(f"{ARGO}/namespaces/{ns}/{plural}/{name}"), ns
    except ApiError as e:
        if e.code != 404:
            raise
    others = [i["metadata"]["namespace"] for i in get(f"{ARGO}/{plural}")["items"] if i["metadata"]["name"] == name]
    return None, others


def walk(obj, key):
    """Every value of `key` anywhere inside obj."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == key:
                yield v
            yield from walk(v, key)
    elif isinstance(obj, list):
        for v in obj:
            yield from walk(v, key)


def ours(path):
    """True if the object at path exists and carries our label."""
    try:
        labels = get(path)["metadata"].get("labels") or {}
    except ApiError as e:
        if e.code == 404:
            return False
        raise
    k, v = OURS.split("=")
    return labels.get(k) == v


def metaflow(path, stack, flows):
    names, _, _ = expectations(path, stack)
    ns = names["jobs"]
    problems, seen = [], []

    def need(ok, what):
        if not ok:
            problems.append(what)
        return ok

    def check_refs(obj, where, obj_ns):
        for sa in set(walk(obj, "serviceAccountName")):
            need(ours(f"/api/v1/namespaces/{obj_ns}/serviceaccounts/{sa}"),
                 f"{where} uses service account {obj_ns}/{sa}, which the stack did not create")
            seen.append(f"sa {sa}")
        for key, kind in (("secretKeyRef", "secrets"), ("secretRef", "secrets"),
                          ("configMapKeyRef", "configmaps"), ("configMapRef", "configmaps")):
            for ref in walk(obj, key):
                if not isinstance(ref, dict) or not ref.get("name"):
                    continue
                name = ref.get("name")
                need(ours(f"/api/v1/namespaces/{obj_ns}/{kind}/{name}"),
                     f"{where} reads {kind[:-1]} {obj_ns}/{name}, which the stack did not create")
        for vol in walk(obj, "secret"):
            if isinstance(vol, dict) and vol.get("secretName"):
                need(ours(f"/api/v1/namespaces/{obj_ns}/secrets/{vol['secretName']}"),
                     f"{where} mounts secret {obj_ns}/{vol['secretName']}, which the stack did not create")
        for env in walk(obj, "env"):
            for e in env if isinstance(env, list) else []:
                if e.get("name") == "METAFLOW_ARGO_EVENTS_WEBHOOK_URL" and e.get("value"):
                    check_webhook(e["value"], where)

    def check_webhook(url, where):
        # <eventsource>-eventsource-svc.<ns>.svc...:<port>/<endpoint>: the Service that the
        # argo-events controller makes for the stack's EventSource.
        u = urllib.parse.urlparse(url)
        host = u.hostname or ""
        parts = host.split(".")
        if not (len(parts) >= 3 and parts[0].endswith("-eventsource-svc") and parts[2] == "svc"):
            need(False, f"{where}: webhook URL {url} is not an in-cluster EventSource service")
            return
        es_name, es_ns = parts[0][: -len("-eventsource-svc")], parts[1]
        try:
            es = get(f"{ARGO}/namespaces/{es_ns}/eventsources/{es_name}")
        except ApiError:
            need(False, f"{where}: webhook URL {url} names EventSource {es_ns}/{es_name}, which does not exist")
            return
        hooks = es.get("spec", {}).get("webhook", {})
        need(any(str(h.get("port")) == str(u.port) and h.get("endpoint") == u.path for h in hooks.values()),
             f"{where}: webhook URL {url} matches no webhook of EventSource {es_ns}/{es_name}")
        need(ours(f"{ARGO}/namespaces/{es_ns}/eventsources/{es_name}"), f"EventSource {es_ns}/{es_name} is not ours")
        seen.append(f"webhook {es_name}{u.path}")

    for flow in flows:
        wt, where = find("workflowtemplates", flow, ns)
        if not need(wt is not None, f"WorkflowTemplate {flow} is not in the jobs namespace {ns}"
                    + (f" but in {', '.join(where)}" if where else "")):
            continue
        check_refs(wt, f"WorkflowTemplate {ns}/{flow}", ns)

    triggered = [f for f in flows if "trigger" in f]
    for flow in triggered:
        sensor, where = find("sensors", flow, ns)
        if not need(sensor is not None, f"Sensor {flow} is not in the jobs namespace {ns}"
                    + (f" but in {', '.join(where)}" if where else "")):
            continue
        s = sensor["spec"]
        check_refs(s.get("template", {}), f"Sensor {ns}/{flow}", ns)
        bus = s.get("eventBusName", "default")
        need(ours(f"{ARGO}/namespaces/{ns}/eventbus/{bus}"), f"Sensor {flow} uses EventBus {ns}/{bus}, not the stack's")
        seen.append(f"eventbus {bus}")
        for dep in s.get("dependencies", []):
            es_name = dep.get("eventSourceName")
            try:
                es = get(f"{ARGO}/namespaces/{ns}/eventsources/{es_name}")
                need(dep.get("eventName") in es.get("spec", {}).get("webhook", {}),
                     f"Sensor {flow} waits for event {dep.get('eventName')}, not a webhook of EventSource {es_name}")
                need(ours(f"{ARGO}/namespaces/{ns}/eventsources/{es_name}"), f"EventSource {es_name} is not ours")
                seen.append(f"eventsource {es_name}/{dep.get('eventName')}")
            except ApiError:
                need(False, f"Sensor {flow} waits on EventSource {ns}/{es_name}, which does not exist")
        for trig in s.get("triggers", []):
            for res in walk(trig, "resource"):
                if isinstance(res, dict) and res.get("kind") == "Workflow":
                    wns = res.get("metadata", {}).get("namespace", ns)
                    need(wns == ns, f"Sensor {flow} submits Workflows to {wns}, not {ns}")
                    ref = res.get("spec", {}).get("workflowTemplateRef", {}).get("name")
                    need(ref in flows, f"Sensor {flow} submits a Workflow of template {ref}, not one of {flows}")
        # `argo-workflows trigger` made a Workflow from the template.
        wfs = [w for w in get(f"{ARGO}/namespaces/{ns}/workflows")["items"]
               if w.get("spec", {}).get("workflowTemplateRef", {}).get("name") == flow]
        need(wfs, f"no Workflow of template {flow} in {ns} after argo-workflows trigger")
        if wfs:
            seen.append(f"workflow {wfs[0]['metadata']['name']}")

    if problems:
        for p in problems:
            print(f"  PROBLEM {p}")
        sys.exit(1)
    print(f"  in {ns}: WorkflowTemplates {', '.join(flows)}; Sensor {', '.join(triggered)}; "
          f"references: {', '.join(sorted(set(seen)))}")


def main(argv):
    cmd, args = argv[0], argv[1:]
    if cmd == "node":
        node(args[0])
    elif cmd == "node-ready":
        sys.exit(0 if node_ready(args[0]) else 1)
    elif cmd == "crds":
        crds(args[0])
    elif cmd == "endpoints":
        endpoints(args)
    elif cmd == "rbac":
        rbac(args[0], args[1] if len(args) > 1 else None)
    elif cmd == "users":
        print("\n".join(users(args[0])))
    elif cmd == "name":
        print(name_of(args[0], args[1], args[2]))
    elif cmd == "gcs-count":
        print(gcs_count(*args))
    elif cmd == "metaflow":
        metaflow(args[0], args[1], args[2:])
    elif cmd == "reap":
        reap(float(args[0]), args[1:])
    elif cmd == "leftovers":
        leftovers(args)
    elif cmd == "get":
        print(json.dumps(get(args[0]), indent=1))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
