"""What only GCP or an unreachable chart repository can serve, taken out of a
stack, with the order that depended on it kept."""
import json
import re
import sys

GCP_ONLY = re.compile(r"^google(-beta)?_")          # resource/data types only GCP serves
# The argo-helm repository, and the OCI registry of the jobset chart: neither is reachable from CI.
UNREACHABLE_CHART_REPO = re.compile(r"argoproj\.github\.io/argo-helm|^oci://registry\.k8s\.io/")


def references(obj):
    """Every resource/data address referenced in ${...} expressions and depends_on."""
    text = json.dumps(obj)
    return set(re.findall(r"\b((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)", " ".join(re.findall(r"\$\{[^}]*\}", text))))


def remove(tf, kind, pred, removed):
    """Remove blocks of tf[kind] (resource or data) whose (type, name, body)
    matches, keeping each body in removed[address]; returns the addresses."""
    gone = []
    blocks = tf.get(kind, {})
    for rtype in list(blocks):
        for name in list(blocks[rtype]):
            if pred(rtype, name, blocks[rtype][name]):
                addr = ("data." if kind == "data" else "") + f"{rtype}.{name}"
                removed[addr] = blocks[rtype][name]
                del blocks[rtype][name]
                gone.append(addr)
        if not blocks[rtype]:
            del blocks[rtype]
    return gone


def remove_unservable(tf):
    """Remove and print what the local cluster cannot serve; returns
    (address -> body of every removed block, the addresses removed)."""
    removed = {}
    gcp = remove(tf, "resource", lambda t, n, b: bool(GCP_ONLY.match(t)), removed)
    gcp += remove(tf, "data", lambda t, n, b: bool(GCP_ONLY.match(t)), removed)
    charts = remove(tf, "resource", lambda t, n, b: t == "helm_release" and bool(
        UNREACHABLE_CHART_REPO.search(str(b.get("repository", "")))), removed)
    print(f"  left out, only GCP can serve them: {' '.join(gcp) or 'none'}")
    print(f"  left out, charts from unreachable repositories (their controllers run as local processes: argo.sh, "
          f"jobset.sh): "
          f"{' '.join(charts) or 'none'}")
    # What those releases would have been given, resolved by the apply: the controllers run from it (argo_chart.py).
    tf.setdefault("output", {})["cluster_test_chart_values"] = {"sensitive": True, "value": {
        removed[a]["name"]: {"namespace": removed[a]["namespace"], "values": removed[a]["values"][0]} for a in charts}}
    return removed, set(gcp + charts)


def rewire(tf, removed, gone):
    """Nothing left may point at what was removed. A depends_on on a removed
    block is replaced by what that block itself depended on (transitively),
    so the order stays: the local chart, which depended on the argo-events
    release, still waits for the namespaces that release waited for."""
    def inherited(addr, seen=()):
        body = removed[addr]
        deps = set(body.get("depends_on", [])) | {r for r in references(body)
                                                  if not r.startswith(("var.", "local.", "each.", "count."))}
        out = set()
        for d in deps:
            if d in removed and d not in seen:
                out |= inherited(d, seen + (addr,))
            elif d not in removed and d.split(".")[0] != "data" and d.split(".")[0] in tf.get("resource", {}):
                out.add(d)
        return out
    for kind in ("resource", "data"):
        for rtype, blocks in tf.get(kind, {}).items():
            for name, body in blocks.items():
                if "depends_on" in body:
                    deps = []
                    for d in body["depends_on"]:
                        for e in sorted(inherited(d)) if d in gone else [d]:
                            if e not in deps:
                                deps.append(e)
                    body["depends_on"] = deps
                    if not body["depends_on"]:
                        del body["depends_on"]
    dangling = sorted(references(tf) & gone)
    if dangling:
        sys.exit(f"error: still referenced after removal: {', '.join(dangling)}")
