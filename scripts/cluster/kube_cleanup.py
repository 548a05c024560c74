"""After destroy: pods stuck Terminating force-deleted, and proof that nothing
of ours is left."""
import calendar
import sys
import time

from kube_api import OURS, ApiError, call, exists, get, settle


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

    left = settle(seconds, find, lambda left: not left)
    if left:
        sys.exit("error: objects of ours left after destroy: " + ", ".join(left))
    print(f"  nothing of ours left (namespaces {', '.join(namespaces)} gone; no object labelled {OURS} or owned by Helm)")
