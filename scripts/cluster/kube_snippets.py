#!/usr/bin/env python3
"""END_USER_SETUP's secrets and image snippets, as a flow runner uses them, for scripts/cluster/cluster-test.sh.

  kube_snippets.py flow SETUP OUT        OUT: a flow with a step per snippet, the decorators copied verbatim from
                                         END_USER_SETUP's "In the flow:" lines (steps 6 and 7); prints them
  kube_snippets.py check NS SETUP        the WorkflowTemplate Metaflow wrote for it (argo-workflows create): the image
                                         step's container runs exactly the image END_USER_SETUP pushes, and the
                                         secrets step's container gets the secrets backend and prefix of the
                                         published config.json (what @secrets reads in the pod)

Kwok runs no container, so the secret is never read: what is proven is what Metaflow hands the pod.
"""
import json
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # importing the modules beside it leaves no __pycache__ in the tree
from kube_api import get  # noqa: E402

TEMPLATE = "clustertestsnippetsflow"
SNIPPET = re.compile(r"In the flow: (@\w+\(.*\)) on a step")


def snippets(setup_file):
    """The decorators of END_USER_SETUP's "In the flow:" lines: {"secrets": ..., "kubernetes": ...}."""
    found = {m.group(1).split("(")[0][1:]: m.group(1) for m in SNIPPET.finditer(Path(setup_file).read_text())}
    missing = {"secrets", "kubernetes"} - set(found)
    if missing:
        sys.exit(f"error: END_USER_SETUP has no 'In the flow:' line for @{', @'.join(sorted(missing))}")
    return found


def image_of(decorator):
    return re.search(r'image="([^"]+)"', decorator).group(1)


def flow(setup_file, out):
    d = snippets(setup_file)
    body = ["from metaflow import FlowSpec, kubernetes, secrets, step", "", "",
            "class ClusterTestSnippetsFlow(FlowSpec):",
            "    @step", "    def start(self):", "        self.next(self.with_secret)", "",
            f"    {d['secrets']}", "    @step", "    def with_secret(self):", "        self.next(self.with_image)", "",
            f"    {d['kubernetes']}", "    @step", "    def with_image(self):", "        self.next(self.end)", "",
            "    @step", "    def end(self):", "        pass", "", "", 'if __name__ == "__main__":',
            "    ClusterTestSnippetsFlow()", ""]
    Path(out).write_text("\n".join(body))
    print(f"  snippets_flow.py: with_secret {d['secrets']}, with_image {d['kubernetes']}")


def check(ns, setup_file):
    image = image_of(snippets(setup_file)["kubernetes"])
    config = json.loads(get(f"/api/v1/namespaces/{ns}/configmaps/metaflow-config")["data"]["config.json"])
    wt = get(f"/apis/argoproj.io/v1alpha1/namespaces/{ns}/workflowtemplates/{TEMPLATE}")
    containers = {t["name"]: t["container"] for t in wt["spec"]["templates"] if "container" in t}
    problems = []
    got = containers.get("with-image", {}).get("image")
    if got != image:
        problems.append(f"step with_image runs {got}, not END_USER_SETUP's {image}")
    env = {e["name"]: e.get("value") for e in containers.get("with-secret", {}).get("env", [])}
    for key in ("METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE", "METAFLOW_GCP_SECRET_MANAGER_PREFIX"):
        if not config.get(key):
            problems.append(f"config.json has no {key}")
        elif env.get(key) != config.get(key):
            problems.append(f"step with_secret gets {key}={env.get(key)!r}, config.json has {config.get(key)!r}")
    if problems:
        sys.exit("error: " + "; ".join(problems))
    print(f"  with_image runs {image}; with_secret gets METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE="
          f"{env['METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE']}, METAFLOW_GCP_SECRET_MANAGER_PREFIX="
          f"{env['METAFLOW_GCP_SECRET_MANAGER_PREFIX']} (as config.json)")


def main(argv):
    cmd, args = (argv[0], argv[1:]) if argv else ("", [])
    if cmd == "flow" and len(args) == 2:
        flow(*args)
    elif cmd == "check" and len(args) == 2:
        check(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
