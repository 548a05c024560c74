#!/usr/bin/env python3
"""Node pools on the local cluster, for scripts/cluster/cluster-test.sh: kwok nodes modelled on the GKE node pools
the infra stacks synthesize, and where the real kube-scheduler puts pods.

  kube_pools.py nodes SYNTH_DIR...              one kwok node per google_container_node_pool of every infra stack:
                                                GKE's labels (cloud.google.com/gke-nodepool, gke-spot, gke-accelerator),
                                                the pool's labels and taints as synthesized, its vCPUs, memory, GPUs
  kube_pools.py platform SETTINGS STACK NS...   every pod in NS... runs on the environment's platform pool
  kube_pools.py flow SETUP OUT                  OUT: a flow with one step per decorator of END_USER_SETUP's "Where steps run"
  kube_pools.py steps SETTINGS STACK NS TEMPLATE   a pod per step of the WorkflowTemplate Metaflow wrote: each must land
                                                on its pool, and without its tolerations and GPU on no tainted pool
"""
import json
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True
from kube_api import TEST_LABEL, ApiError, call, exists, get, settle  # noqa: E402

POOL_LABEL = "cloud.google.com/gke-nodepool"
EFFECTS = {"NO_SCHEDULE": "NoSchedule", "PREFER_NO_SCHEDULE": "PreferNoSchedule", "NO_EXECUTE": "NoExecute"}
# GiB of memory per vCPU by series, for the fake nodes' capacity (config/machine-types.ts has the sourced table).
MEMORY_PER_VCPU = {"e2": 4, "n1": 3.75, "n2": 4, "n2d": 4, "n4": 4, "g2": 4, "a2": 7, "a3": 9}


def pools_of(synth_dir):
    """(environment, pool body) for every node pool of every infra stack in a synth dir."""
    manifest = json.loads((Path(synth_dir) / "manifest.json").read_text())
    for stack in manifest["stacks"]:
        tf = json.loads((Path(synth_dir) / "stacks" / stack / "cdk.tf.json").read_text())
        for body in (tf.get("resource", {}).get("google_container_node_pool") or {}).values():
            yield stack, body


def node_body(pool):
    """A kwok Node as GKE would register one of the pool's nodes."""
    name, config = pool["name"], pool["node_config"]
    machine = config["machine_type"]
    vcpus = int(re.search(r"(\d+)(g)?$", machine).group(1)) if re.search(r"\d+$", machine) else 8
    if machine.startswith(("a2-", "a3-")):
        vcpus = 12 * vcpus  # a2-highgpu-1g: the number is the GPUs
    memory = int(vcpus * MEMORY_PER_VCPU.get(machine.split("-")[0], 4))
    labels = {"type": "kwok", "kubernetes.io/hostname": f"{name}-0", "kubernetes.io/os": "linux",
              "kubernetes.io/arch": "amd64", TEST_LABEL: "true", POOL_LABEL: name,
              "node.kubernetes.io/instance-type": machine, **(config.get("labels") or {})}
    capacity = {"cpu": str(vcpus), "memory": f"{memory}Gi", "pods": "110", "ephemeral-storage": "100Gi"}
    if config.get("spot"):
        labels["cloud.google.com/gke-spot"] = "true"
    for gpu in config.get("guest_accelerator") or []:
        labels["cloud.google.com/gke-accelerator"] = gpu["type"]
        capacity["nvidia.com/gpu"] = str(gpu["count"])
    taints = [{"key": t["key"], "value": t["value"], "effect": EFFECTS[t["effect"]]} for t in config.get("taint") or []]
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": f"{name}-0", "annotations": {"kwok.x-k8s.io/node": "fake"}, "labels": labels},
        "spec": {"taints": taints},
        "status": {"capacity": capacity, "allocatable": capacity},
    }


def nodes(synth_dirs):
    made = []
    for d in synth_dirs:
        for _, pool in pools_of(d):
            body = node_body(pool)
            if not exists(f"/api/v1/nodes/{body['metadata']['name']}"):
                call("POST", "/api/v1/nodes", body)
            made.append(body["metadata"]["name"])

    def ready():
        out = []
        for name in made:
            n = get(f"/api/v1/nodes/{name}")
            ok = any(c["type"] == "Ready" and c["status"] == "True" for c in n["status"].get("conditions", []))
            lifecycle = any(t["key"].startswith("node.kubernetes.io/") for t in n["spec"].get("taints") or [])
            if not ok or lifecycle:
                out.append(name)
        return out

    waiting = settle(90, ready, lambda r: not r)
    if waiting:
        sys.exit(f"error: nodes not Ready after 90 s: {', '.join(waiting)}")
    print(f"  {len(made)} pool nodes Ready: {', '.join(made)}")


def environment(settings, stack):
    env = stack.rsplit("-", 1)[0]
    return next(e for e in json.loads(Path(settings).read_text())["environments"] if e["name"] == env)


def pool_of_node(node_name):
    return (get(f"/api/v1/nodes/{node_name}")["metadata"].get("labels") or {}).get(POOL_LABEL, "(no pool)")


def platform(settings, stack, namespaces):
    expected = environment(settings, stack)["names"]["nodePool"]
    placed, wrong = [], []
    for ns in namespaces:
        for pod in get(f"/api/v1/namespaces/{ns}/pods")["items"]:
            node = pod["spec"].get("nodeName")
            if node is None:
                continue  # not scheduled: the rollout and endpoints steps catch a pod that never runs
            pool = pool_of_node(node)
            (placed if pool == expected else wrong).append(f"{ns}/{pod['metadata']['name']} on {pool}")
    print(f"  {len(placed)} platform pods on {expected}")
    if wrong or not placed:
        sys.exit(f"error: platform pods outside {expected}: {', '.join(wrong) or 'no pod scheduled at all'}")


def flow(setup_file, out):
    """END_USER_SETUP's last step, "Where steps run": each pool's name, then its decorator on the next line."""
    text = Path(setup_file).read_text()
    part = re.split(r"\n\d+\. Where steps run", text, maxsplit=1)
    if len(part) < 2:
        sys.exit("error: END_USER_SETUP has no step 'Where steps run'")
    lines = [l.strip() for l in part[1].splitlines()[1:] if l.strip()]
    steps = [(re.match(r"([a-z0-9-]+):", lines[i]).group(1), lines[i + 1].split("   #")[0]) for i in range(0, len(lines) - 1, 2)]
    names = [f"on_{p.replace('-', '_')}" for p, _ in steps]
    body = ["from metaflow import FlowSpec, kubernetes, step", "", "", "class ClusterTestPoolsFlow(FlowSpec):",
            "    @step", "    def start(self):", f"        self.next(self.{names[0]})", ""]
    for i, ((_, decorator), name) in enumerate(zip(steps, names)):
        nxt = names[i + 1] if i + 1 < len(names) else "end"
        body += [f"    {decorator}", "    @step", f"    def {name}(self):", f"        self.next(self.{nxt})", ""]
    body += ["    @step", "    def end(self):", "        pass", "", "", 'if __name__ == "__main__":', "    ClusterTestPoolsFlow()", ""]
    Path(out).write_text("\n".join(body))
    print(f"  pools_flow.py: {', '.join(f'{n} {d}' for n, (_, d) in zip(names, steps))}")
    return steps


def step_pod(name, template, keep_placement=True):
    c = template["container"]
    spec = {"restartPolicy": "Never", "automountServiceAccountToken": False,
            "containers": [{"name": "main", "image": c["image"], "resources": c.get("resources", {})}]}
    if keep_placement:
        spec["nodeSelector"] = template.get("nodeSelector") or {}
        spec["tolerations"] = template.get("tolerations") or []
    else:
        # The same step as if it asked for no GPU and tolerated nothing: it must fit on no tainted pool.
        spec["nodeSelector"] = template.get("nodeSelector") or {}
        limits = {k: v for k, v in (c.get("resources", {}).get("limits") or {}).items() if not k.endswith("/gpu")}
        spec["containers"][0]["resources"] = {**c.get("resources", {}), "limits": limits}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {TEST_LABEL: "true"}}, "spec": spec}


def steps(settings, stack, ns, template_name, step_names):
    env = environment(settings, stack)
    pools = env["names"]["nodePools"]
    default = pools[env["cluster"]["defaultPool"]]
    tainted = {pools[p["name"]] for p in env["cluster"]["nodePools"] if p["taints"] or p["spot"] or p.get("accelerator")}
    wt = get(f"/apis/argoproj.io/v1alpha1/namespaces/{ns}/workflowtemplates/{template_name}")
    templates = {t["name"]: t for t in wt["spec"]["templates"] if "container" in t}
    created, problems, lines = [], [], []
    steps_of_flow = {n.replace("_", "-") for n in step_names}
    for tname, t in sorted(templates.items()):
        selector = (t.get("nodeSelector") or {}).get(POOL_LABEL)
        if tname not in steps_of_flow:
            # Metaflow's own helper templates (error-msg-capture-hook) carry no placement of their own: the
            # controller's workflowDefaults place them (the argo step sees the real controller do it); this pod,
            # made from the template alone, must land on no tainted pool.
            want = None
        else:
            want = selector or default
        pod = step_pod(f"pools-{tname}"[:63], t)
        call("POST", f"/api/v1/namespaces/{ns}/pods", pod)
        created.append(pod["metadata"]["name"])
        probe = None
        if want is not None and want in tainted and want != default:
            probe = step_pod(f"pools-{tname}-untolerated"[:63], t, keep_placement=False)
            call("POST", f"/api/v1/namespaces/{ns}/pods", probe)
            created.append(probe["metadata"]["name"])

        def placed():
            p = get(f"/api/v1/namespaces/{ns}/pods/{pod['metadata']['name']}")
            return p["spec"].get("nodeName")

        node = settle(60, placed, lambda n: n is not None)
        got = pool_of_node(node) if node else "(unscheduled)"
        lines.append(f"{tname} -> {got}")
        if want is None and got in tainted:
            problems.append(f"helper template {tname} landed on the tainted pool {got}")
        elif want is not None and got != want:
            problems.append(f"step {tname} landed on {got}, not {want}")
        if probe is not None:
            def unschedulable():
                p = get(f"/api/v1/namespaces/{ns}/pods/{probe['metadata']['name']}")
                conds = {c["type"]: c for c in p["status"].get("conditions") or []}
                return p["spec"].get("nodeName"), conds.get("PodScheduled", {}).get("reason")

            node2, reason = settle(20, unschedulable, lambda r: r[0] is not None or r[1] == "Unschedulable")
            lines.append(f"{tname} without tolerations or GPU -> {pool_of_node(node2) if node2 else reason}")
            if node2 is not None:
                problems.append(f"step {tname} without its tolerations and GPU still landed on {pool_of_node(node2)}")
    for name in created:
        try:
            call("DELETE", f"/api/v1/namespaces/{ns}/pods/{name}", query={"gracePeriodSeconds": "0"})
        except ApiError:
            pass
    print("  " + "; ".join(lines))
    if problems:
        sys.exit("error: " + "; ".join(problems))


def main(argv):
    cmd, args = argv[0], argv[1:]
    if cmd == "nodes":
        nodes(args)
    elif cmd == "platform":
        platform(args[0], args[1], args[2:])
    elif cmd == "flow":
        flow(args[0], args[1])
    elif cmd == "steps":
        steps(args[0], args[1], args[2], args[3], ["start", "end", *args[4:]])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
