"""services.access on the local cluster: what each mode made, as GKE's Ingress controller reads it.

The Ingresses of `iap` go through the controller's own Translator (ingress-gce, built by build.sh): every backend a
NEG Service with a BackendConfig that turns IAP on with Google's own OAuth client, the reserved address and the
managed certificate named, HTTPS only. The load balancers of `internal` are internal, on the reserved address. In
every mode, each Service an Ingress or a load balancer sends to has a ready endpoint, and nothing else is exposed."""
import json
import subprocess
import sys

from expectations import environment
from kube_api import Check, call, exists, get, settle

NAMESPACE_KEYS = ("metaflowNamespace", "jobsNamespace", "eventsNamespace", "argoNamespace")


def ready(ns, name):
    """Ready endpoints of Service ns/name."""
    slices = get(f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices",
                 query={"labelSelector": f"kubernetes.io/service-name={name}"})["items"]
    return sum(1 for s in slices for e in s.get("endpoints") or [] if (e.get("conditions") or {}).get("ready"))


def exposed_services(namespaces):
    """The LoadBalancer and NodePort Services of the namespaces."""
    return [s for ns in namespaces for s in get(f"/api/v1/namespaces/{ns}/services")["items"]
            if s["spec"].get("type") in ("LoadBalancer", "NodePort")]


def access(settings, stack, translator):
    env = environment(settings, stack)
    want = env["services"]["access"]
    namespaces = [env["services"][k] for k in NAMESPACE_KEYS]
    out = subprocess.run([translator, "translate", *namespaces], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        sys.exit(f"error: ingress-gce translate failed: {out.stderr.strip()}")
    ingresses = json.loads(out.stdout)
    lbs = exposed_services(namespaces)
    c = Check()
    backends = []  # (namespace, service) every exposure sends to

    if want["mode"] == "iap":
        frontends = env["names"]["iapFrontends"]
        by_host = {b["host"]: (i, b) for i in ingresses for b in i["backends"]}
        c.need(sorted(by_host) == sorted([want["uiHost"], want["argoHost"]]),
               f"Ingress hosts {sorted(by_host)}, want {want['uiHost']} and {want['argoHost']}")
        for host, key in ((want["uiHost"], "ui"), (want["argoHost"], "argo")):
            if host not in by_host:
                continue
            i, b = by_host[host]
            where = f"Ingress {i['namespace']}/{i['name']} ({host})"
            c.need(i["managed"], f"{where}: not of GKE's Ingress class")
            c.need(not i["allowHTTP"], f"{where}: answers plain HTTP")
            c.need(i["staticIP"] == frontends[key], f"{where}: address {i['staticIP']!r}, want {frontends[key]!r}")
            c.need(i["preSharedCert"] == frontends[key], f"{where}: certificate {i['preSharedCert']!r}, want {frontends[key]!r}")
            c.need(not i["errors"], f"{where}: the controller's translation failed: {'; '.join(i['errors'])}")
            c.need(b["neg"], f"{where}: backend {b['service']} is not container-native (NEG)")
            c.need(b["iap"], f"{where}: backend {b['service']} without IAP")
            c.need(b["oauthClientID"] == "", f"{where}: IAP with a client of its own ({b['oauthClientID']}), not Google's")
            c.need(b["healthPath"].startswith("/") and b["healthPort"] == b["port"],
                   f"{where}: health check {b['healthPath']!r} on {b['healthPort']}, want a path on {b['port']}")
            backends.append((i["namespace"], b["service"]))
            client = b["oauthClientID"] or "Google's client"
            iap = f"IAP with {client}" if b["iap"] else "no IAP"
            c.seen.append(f"{host} -> {i['namespace']}/{b['service']}:{b['port']} ({iap}, health {b['healthPath']})")
        c.need(not lbs, f"load balancers in iap access: {[s['metadata']['name'] for s in lbs]}")
    elif want["mode"] == "internal":
        c.need(not ingresses, f"Ingresses in internal access: {[i['name'] for i in ingresses]}")
        c.need(len(lbs) == 4, f"{len(lbs)} load balancers, want 4 (metadata, UI, Argo UI, webhook)")
        for s in lbs:
            m, spec = s["metadata"], s["spec"]
            where = f"Service {m['namespace']}/{m['name']}"
            c.need((m.get("annotations") or {}).get("networking.gke.io/load-balancer-type") == "Internal",
                   f"{where}: not an internal load balancer")
            c.need(spec.get("loadBalancerIP") == want["address"], f"{where}: address {spec.get('loadBalancerIP')}, want {want['address']}")
            c.need(spec.get("loadBalancerSourceRanges") == want.get("sourceRanges"),
                   f"{where}: source ranges {spec.get('loadBalancerSourceRanges')}, want {want.get('sourceRanges')}")
            backends.append((m["namespace"], m["name"]))
            c.seen.append(f"{want['address']}:{spec['ports'][0]['port']} -> {m['namespace']}/{m['name']}")
    else:
        c.need(not ingresses and not lbs, "something is exposed in port-forward access")
        c.seen.append("nothing exposed")

    counts = settle(60, lambda: {b: ready(*b) for b in backends}, lambda r: all(r.values()))
    for (ns, name), n in counts.items():
        c.need(n > 0, f"Service {ns}/{name} has no ready endpoint after 60 s (its selector matches no Ready pod)")
    for line in c.seen:
        print(f"  {line}")
    c.done(f"{want['mode']} access: {len(backends)} exposed Service(s), each with a ready endpoint")


def create_pod(manifest):
    """Create the pod of `manifest` (JSON), replacing one of that name."""
    pod = json.loads(manifest)
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    path = f"/api/v1/namespaces/{ns}/pods"
    if exists(f"{path}/{name}"):
        call("DELETE", f"{path}/{name}", query={"gracePeriodSeconds": "0"})
    call("POST", path, body=pod)
    print(f"  pod {ns}/{name} with the chart's labels: {', '.join(f'{k}={v}' for k, v in pod['metadata']['labels'].items())}")
