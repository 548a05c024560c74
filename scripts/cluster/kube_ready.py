"""The fake kwok node, and whether what runs on it is Ready."""
import sys

from kube_api import TEST_LABEL, call, exists, get, settle


def node(name):
    if exists(f"/api/v1/nodes/{name}"):
        return
    call("POST", "/api/v1/nodes", {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "annotations": {"kwok.x-k8s.io/node": "fake"},
                     "labels": {"type": "kwok", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                                "kubernetes.io/arch": "amd64", TEST_LABEL: "true"}},
        # Ephemeral storage too: Metaflow's steps request some (@kubernetes disk), as GKE nodes offer it.
        "status": {"capacity": {"cpu": "32", "memory": "256Gi", "ephemeral-storage": "1Ti", "pods": "250"},
                   "allocatable": {"cpu": "32", "memory": "256Gi", "ephemeral-storage": "1Ti", "pods": "250"}},
    })


def node_ready(name):
    n = get(f"/api/v1/nodes/{name}")
    ready = any(c["type"] == "Ready" and c["status"] == "True" for c in n.get("status", {}).get("conditions", []))
    tainted = any(t["key"].startswith("node.kubernetes.io/") for t in n.get("spec", {}).get("taints", []) or [])
    return ready and not tainted


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

    good, bad = settle(seconds, report, lambda r: not r[1])
    print(f"  services with ready endpoints: {', '.join(good) or 'none'}")
    if bad:
        sys.exit(f"error: services without a ready endpoint after {seconds} s: {', '.join(bad)}"
                 " (their selector matches no Ready pod)")
