"""What `argo-workflows create/trigger` made, and where: WorkflowTemplates,
CronWorkflows and Workflows in the jobs namespace, Sensors in the events
namespace submitting Workflows to the jobs namespace, using only what the
stack made."""
import json
import sys
import urllib.parse
import urllib.request

from expectations import expectations
from kube_api import OURS, ApiError, get

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


def metaflow(path, settings, stack, flows):
    names = expectations(path, settings, stack)[0]
    ns, events = names["jobs"], names["events"]
    problems, seen = [], []

    def need(ok, what):
        if not ok:
            problems.append(what)
        return ok

    def located(plural, kind, flow, obj_ns, which):
        """The flow's object in obj_ns (the `which` namespace), or None with the problem noted."""
        obj, where = find(plural, flow, obj_ns)
        need(obj is not None, f"{kind} {flow} is not in the {which} namespace {obj_ns}"
             + (f" but in {', '.join(where)}" if where else ""))
        return obj

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

    # The registry the published config.json puts before images that name none (the Docker Hub cache), if any.
    config = json.loads(get(f"/api/v1/namespaces/{ns}/configmaps/metaflow-config")["data"]["config.json"])
    registry = config.get("METAFLOW_KUBERNETES_CONTAINER_REGISTRY")

    def check_images(obj, where):
        # The flows name no image: each step runs Metaflow's default python:<version>, behind the registry.
        want = f"{registry.rstrip('/')}/python:" if registry else "python:"
        for image in set(i for i in walk(obj, "image") if isinstance(i, str)):
            need(image.startswith(want), f"{where} runs image {image}, not {want}<version>")
            seen.append(f"image {image}")

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
        wt = located("workflowtemplates", "WorkflowTemplate", flow, ns, "jobs")
        if wt is None:
            continue
        check_refs(wt, f"WorkflowTemplate {ns}/{flow}", ns)
        check_images(wt, f"WorkflowTemplate {ns}/{flow}")

    triggered = [f for f in flows if "trigger" in f]
    for flow in triggered:
        sensor = located("sensors", "Sensor", flow, events, "events")
        if sensor is None:
            continue
        s = sensor["spec"]
        # The sensor's pod runs in the events namespace: its service account, the bus and the source are there.
        check_refs(s.get("template", {}), f"Sensor {events}/{flow}", events)
        bus = s.get("eventBusName", "default")
        need(ours(f"{ARGO}/namespaces/{events}/eventbus/{bus}"), f"Sensor {flow} uses EventBus {events}/{bus}, not the stack's")
        seen.append(f"eventbus {bus}")
        for dep in s.get("dependencies", []):
            es_name = dep.get("eventSourceName")
            try:
                es = get(f"{ARGO}/namespaces/{events}/eventsources/{es_name}")
                need(dep.get("eventName") in es.get("spec", {}).get("webhook", {}),
                     f"Sensor {flow} waits for event {dep.get('eventName')}, not a webhook of EventSource {es_name}")
                need(ours(f"{ARGO}/namespaces/{events}/eventsources/{es_name}"), f"EventSource {es_name} is not ours")
                seen.append(f"eventsource {es_name}/{dep.get('eventName')}")
            except ApiError:
                need(False, f"Sensor {flow} waits on EventSource {events}/{es_name}, which does not exist")
        workflows = [res for trig in s.get("triggers", []) for res in walk(trig, "resource")
                     if isinstance(res, dict) and res.get("kind") == "Workflow"]
        need(workflows, f"Sensor {flow} submits no Workflow")
        for res in workflows:
            # argo-events creates a trigger's resource in the namespace it names, else in the sensor's.
            wns = res.get("metadata", {}).get("namespace") or events
            need(wns == ns, f"Sensor {flow} submits Workflows to {wns}, not to the jobs namespace {ns}")
            ref = res.get("spec", {}).get("workflowTemplateRef", {}).get("name")
            need(ref in flows, f"Sensor {flow} submits a Workflow of template {ref}, not one of {flows}")
            seen.append(f"sensor workflows to {wns}")
        # `argo-workflows trigger` made a Workflow from the template.
        wfs = [w for w in get(f"{ARGO}/namespaces/{ns}/workflows")["items"]
               if w.get("spec", {}).get("workflowTemplateRef", {}).get("name") == flow]
        need(wfs, f"no Workflow of template {flow} in {ns} after argo-workflows trigger")
        if wfs:
            seen.append(f"workflow {wfs[0]['metadata']['name']}")

    # METAFLOW_ARGO_WORKFLOWS_USE_SCHEDULES: the list `schedules`, which Argo 4 keeps, never the single `schedule`.
    scheduled = [f for f in flows if "schedule" in f]
    for flow in scheduled:
        cron = located("cronworkflows", "CronWorkflow", flow, ns, "jobs")
        if cron is None:
            continue
        spec = cron.get("spec", {})
        need("schedule" not in spec, f"CronWorkflow {flow} has spec.schedule {spec.get('schedule')!r}, which Argo 4 removed")
        need(isinstance(spec.get("schedules"), list) and spec["schedules"],
             f"CronWorkflow {flow} has no spec.schedules (METAFLOW_ARGO_WORKFLOWS_USE_SCHEDULES not published?)")
        seen.append(f"cronworkflow schedules {spec.get('schedules')}")

    if problems:
        for p in problems:
            print(f"  PROBLEM {p}")
        sys.exit(1)
    print(f"  in {ns}: WorkflowTemplates {', '.join(flows)}; CronWorkflow {', '.join(scheduled)}; "
          f"in {events}: Sensor {', '.join(triggered)}; references: {', '.join(sorted(set(seen)))}")
