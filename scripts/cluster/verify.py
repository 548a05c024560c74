#!/usr/bin/env python3
"""`npm run verify` against the local cluster, for scripts/cluster/cluster-test.sh.

  verify.py CONFIG ENV DIR [plant]

Runs `npm run verify -- ENV` (METAFLOW_GCP_CONFIG=CONFIG, KUBECONFIG=$KUBECONFIG,
the admin's) with the fixture's infra outputs (DIR/remote-*.tfstate, what the
stack copy in DIR reads) and checks its lines:
- every line passes, except what kwok cannot give: the health lines must fail
  for want of an answer from the pod the API server resolved the Service and
  its port to (so the route, the name and the port are right; the pod runs no
  container here), the lines of the Ingresses and internal load balancers
  must fail for want of the address only GKE's controllers write, and the lines of
  an argoproj release must fail for want of its Deployments when the stack copy
  in DIR had that release removed (stack_removals.py); a release that is
  there must pass;
- `--flow` with a Python that has no Metaflow client fails on its first line
  and skips the others, with no stack trace.
With `plant`, each fault is planted in the cluster, verify must fail on the
line that names it, and the fault is reverted (and verify must be back to the
baseline): a Deployment scaled to 0, a Service whose selector matches nothing,
a ConfigMap value that differs. Exit status 1 on any mismatch.
"""
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # importing the modules beside it leaves no __pycache__ in the tree
from kube_api import call, get  # noqa: E402

WAIT = "10"  # seconds each verify check waits to settle: the apply has settled already
# What verify says when the API server resolved the Service and its port to a pod but the pod did not answer (kwok
# pods run no container): its 503 "error trying to reach service", or what a proxy on the way to the pod's IP says.
NO_ANSWER = "no answer from its pods through the service proxy"
LINE = re.compile(r"^(PASS|FAIL|SKIP)  (.+?): (.*)$")
CRASH = re.compile(r"^verify: |^\s+at ", re.M)  # a fatal error of verify itself, or a Node stack trace
SUMMARY = re.compile(r"^verify \S+: \d+ passed, \d+ failed, \d+ skipped$", re.M)


def run(config, env, outputs, *extra):
    cmd = ["npm", "run", "--silent", "verify", "--", env, "--infra-outputs", str(outputs), "--wait", WAIT, *extra]
    p = subprocess.run(cmd, env={**os.environ, "METAFLOW_GCP_CONFIG": config}, capture_output=True, text=True,
                       timeout=600)
    lines = [m.groups() for m in map(LINE.match, p.stdout.splitlines()) if m]
    return p.returncode, lines, p.stdout + p.stderr


def baseline_problems(lines, releases):
    """What in a run against the unchanged stack is not as expected."""
    bad = []
    for status, check, message in lines:
        release = re.match(r"release [^/]+/(\S+) ", check)
        if check.startswith("health "):
            ok = status == "FAIL" and message.startswith(NO_ANSWER)
        elif check.startswith(("ingress ", "load balancer ")):
            # No GKE controller builds load balancers here, so none writes an address on the object.
            ok = status == "FAIL" and "no address yet" in message
        elif release and release.group(1) not in releases:
            ok = status == "FAIL" and "no Deployment labelled" in message
        else:
            ok = status == "PASS"
        if not ok:
            bad.append(f"{status}  {check}: {message}")
    return bad


def show(lines):
    for status, check, message in lines:
        print(f"    {status}  {check}: {message[:150]}")


def baseline(config, env, outputs, releases, what):
    code, lines, out = run(config, env, outputs)
    bad = baseline_problems(lines, releases)
    if not lines or CRASH.search(out) or not SUMMARY.search(out) or bad:
        print(out[-3000:])
        sys.exit(f"error: verify {what}: unexpected lines: {bad or 'none parsed'}")
    return code, lines


def planted(config, env, outputs, name, check, text):
    """verify must exit 1 with `check` failing and its message containing `text`."""
    code, lines, out = run(config, env, outputs)
    hit = [f"{s}  {c}: {m}" for s, c, m in lines if c == check and s == "FAIL" and text in m]
    if code != 1 or not hit:
        print(out[-3000:])
        sys.exit(f"error: verify did not catch the planted fault {name} on the line '{check}' (exit {code})")
    print(f"  planted {name}: exit 1, {hit[0][:200]}")


def main(config, env, stack_dir, plant=False):
    stack_dir = Path(stack_dir)
    outputs = next(stack_dir.glob("remote-*.tfstate"))
    tf = json.loads(next(stack_dir.glob("cdk.tf.json")).read_text())
    releases = {r["name"] for r in tf.get("resource", {}).get("helm_release", {}).values()}
    code, lines = baseline(config, env, outputs, releases, "on the applied stack")
    counts = {s: sum(1 for x in lines if x[0] == s) for s in ("PASS", "FAIL", "SKIP")}
    print(f"  {len(lines)} lines, exit {code}: {counts['PASS']} passed; failed as expected on kwok: "
          f"{', '.join(c for s, c, _ in lines if s == 'FAIL') or 'none'}")

    # --flow without a Metaflow client: refused on its first line, the rest skipped.
    code, flow, out = run(config, env, outputs, "--flow", "--python", sys.executable)
    mine = [x for x in flow if x[1].startswith("flow ")]
    if code != 1 or not mine or mine[0][:2] != ("FAIL", "flow client") or any(s != "SKIP" for s, _, _ in mine[1:]) \
            or CRASH.search(out):
        print(out[-3000:])
        sys.exit("error: verify --flow without a Metaflow client did not fail cleanly on 'flow client'")
    print(f"  --flow without a Metaflow client: {mine[0][0]}  {mine[0][1]}, then {len(mine) - 1} lines skipped")
    if not plant:
        return

    deployments = [r for r in tf["resource"].get("kubernetes_deployment_v1", {}).values()]
    meta = deployments[0]["metadata"]
    ns, name = meta["namespace"], meta["name"]
    scale = f"/apis/apps/v1/namespaces/{ns}/deployments/{name}/scale"
    replicas = get(scale)["spec"]["replicas"]
    merge = "application/merge-patch+json"
    call("PATCH", scale, {"spec": {"replicas": 0}}, content_type=merge)
    planted(config, env, outputs, "scaled-to-0", f"deployment {ns}/{name}", "scaled to 0")
    call("PATCH", scale, {"spec": {"replicas": replicas}}, content_type=merge)

    svc_path = f"/api/v1/namespaces/{ns}/services/{name}"
    selector = get(svc_path)["spec"]["selector"]
    key = sorted(selector)[0]
    call("PATCH", svc_path, {"spec": {"selector": {key: "verify-planted-nothing"}}}, content_type=merge)
    planted(config, env, outputs, "selector", f"endpoints {ns}/{name}", "no ready endpoint")
    call("PATCH", svc_path, {"spec": {"selector": selector}}, content_type=merge)

    maps = tf["resource"]["kubernetes_config_map_v1"].values()
    cm_meta = next(r["metadata"] for r in maps if r["metadata"]["name"] == "metaflow-config")
    cm_path = f"/api/v1/namespaces/{cm_meta['namespace']}/configmaps/{cm_meta['name']}"
    data = get(cm_path)["data"]
    changed = {**json.loads(data["config.json"]), "METAFLOW_DEFAULT_DATASTORE": "s3"}
    call("PATCH", cm_path, {"data": {"config.json": json.dumps(changed)}}, content_type=merge)
    planted(config, env, outputs, "configmap", f"config {cm_meta['namespace']}/{cm_meta['name']}",
            'METAFLOW_DEFAULT_DATASTORE is "s3", expected "gs"')
    call("PATCH", cm_path, {"data": {"config.json": data["config.json"]}}, content_type=merge)

    time.sleep(1)
    baseline(config, env, outputs, releases, "after the faults were reverted")
    print("  reverted: verify is back to the baseline")


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5) or sys.argv[4:] not in ([], ["plant"]):
        sys.exit(__doc__)
    main(*sys.argv[1:4], plant=sys.argv[4:] == ["plant"])
