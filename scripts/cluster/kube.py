#!/usr/bin/env python3
"""A small Kubernetes API client (stdlib only) for scripts/cluster/cluster-test.sh.

Talks to $KUBE_HOST with the bearer token $KUBE_TOKEN, verifying the server
with the CA in $KUBE_CA. Every wait is bounded.

  kube.py node NAME                 create the fake kwok node (idempotent)
  kube.py node-ready NAME           exit 0 if the node is Ready and untainted
  kube.py crds apply|delete WF_DIR EV_DIR JOBSET_DIR   the CRDs of the built Argo and JobSet modules (kube_crds.py)
  kube.py endpoints NS...           every Service in NS... has a ready endpoint (waits up to 60 s)
  kube.py rbac FILE SETTINGS STACK  SubjectAccessReviews for every row of FILE that applies to STACK; exit 1 on a mismatch
  kube.py users FILE SETTINGS...    every user FILE names for the environments of SETTINGS..., "user|groups", for the token file
  kube.py name FILE SETTINGS STACK KEY  a namespace or subject of FILE for STACK (jobs, runner, client, ...)
  kube.py gcs-count URL BUCKET      how many objects BUCKET of the GCS emulator at URL holds
  kube.py metaflow FILE SETTINGS STACK NAME...   check what `argo-workflows create/trigger` made for flows NAME...
  kube.py argo-lint SERVER_URL NS   every WorkflowTemplate and CronWorkflow in NS through the Argo Server's lint, as $LINT_TOKEN
  kube.py full-schema NS            every WorkflowTemplate, CronWorkflow and Workflow in NS under the full CRDs (strict dry run)
  kube.py argo-workflow FILE SETTINGS STACK TEMPLATE EXECUTOR_IMAGE BUCKET CONTROLLER_LOG
                                    the triggered Workflow of TEMPLATE as the real controller ran it, and its pods
  kube.py argo-events FILE SETTINGS STACK SENSOR...   the Argo Events controller's workloads
  kube.py access SETTINGS STACK TRANSLATOR  what services.access exposed, as GKE's Ingress controller reads it
  kube.py create-pod JSON           create the pod JSON describes (replacing one of its name)

FILE is rbac-expectations.json; SETTINGS, the configuration as `npm run config`
resolves it, gives each services stack's namespaces and flow runners.
  kube.py reap SECONDS NS...        while running, force-delete pods stuck Terminating in NS...
  kube.py leftovers NS...           exit 1 if NS... or any object labelled as ours remains
  kube.py get PATH                  print the JSON at PATH
  kube.py merge-patch PATH JSON     apply a JSON merge patch to the object at PATH
  kube.py delete PATH               delete the object at PATH
"""
# Each concern has its module beside this file: kube_api.py (the connection),
# kube_ready.py, kube_crds.py, expectations.py, kube_rbac.py, kube_metaflow.py,
# kube_argo.py (the real Argo components' work) and kube_cleanup.py (reaper, leftovers).
import json
import os
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # importing the modules beside it leaves no __pycache__ in the tree
sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "validate"))  # tfjson, for stack_fixture
from expectations import name_of, users  # noqa: E402
from kube_api import call, get  # noqa: E402
from kube_access import access, create_pod  # noqa: E402
from kube_argo import events, full_schema, lint, workflow  # noqa: E402
from kube_cleanup import leftovers, reap  # noqa: E402
from kube_crds import crds  # noqa: E402
from kube_metaflow import gcs_count, metaflow  # noqa: E402
from kube_rbac import rbac  # noqa: E402
from kube_ready import endpoints, node, node_ready  # noqa: E402


def main(argv):
    cmd, args = argv[0], argv[1:]
    if cmd == "node":
        node(args[0])
    elif cmd == "node-ready":
        sys.exit(0 if node_ready(args[0]) else 1)
    elif cmd == "crds":
        crds(args[0], args[1], args[2], args[3])
    elif cmd == "endpoints":
        endpoints(args)
    elif cmd == "access":
        access(args[0], args[1], args[2])
    elif cmd == "create-pod":
        create_pod(args[0])
    elif cmd == "rbac":
        rbac(args[0], args[1], args[2])
    elif cmd == "users":
        print("\n".join(users(args[0], args[1:])))
    elif cmd == "name":
        print(name_of(args[0], args[1], args[2], args[3]))
    elif cmd == "gcs-count":
        print(gcs_count(*args))
    elif cmd == "metaflow":
        metaflow(args[0], args[1], args[2], args[3:])
    elif cmd == "argo-lint":
        lint(args[0], os.environ["LINT_TOKEN"], args[1])
    elif cmd == "full-schema":
        full_schema(args[0])
    elif cmd == "argo-workflow":
        workflow(*args[:7])
    elif cmd == "argo-events":
        events(args[0], args[1], args[2], args[3:])
    elif cmd == "reap":
        reap(float(args[0]), args[1:])
    elif cmd == "leftovers":
        leftovers(args)
    elif cmd == "merge-patch":
        call("PATCH", args[0], json.loads(args[1]), content_type="application/merge-patch+json")
    elif cmd == "delete":
        call("DELETE", args[0])
    elif cmd == "get":
        print(json.dumps(get(args[0]), indent=1))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
