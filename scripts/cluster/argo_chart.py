#!/usr/bin/env python3
"""The argoproj charts' Deployments, as local processes: the command line,
environment and configuration file that the argo-helm chart templates would
give each container, from the values the stack passes to the chart (the
scratch copy's output cluster_test_chart_values, with every Terraform
reference resolved by the apply). CI cannot render the charts (their
repository is out of reach), so what a template does with a value is written
here, each with the template it follows; docs/validation.md lists what only a
real chart render shows.

  argo_chart.py VALUES.json workflow-controller   argv of the workflow controller, one a line
  argo_chart.py VALUES.json argo-server           argv of the Argo Server (after the binary name)
  argo_chart.py VALUES.json events-controller     argv of the Argo Events controller
  argo_chart.py VALUES.json events-env            NAME=value lines of its environment
  argo_chart.py VALUES.json events-config         its /etc/argo-events/controller-config.yaml
  argo_chart.py VALUES.json executor-image        the executor image the controller is given
  argo_chart.py VALUES.json configmap             the controller ConfigMap the chart points at
  argo_chart.py VALUES.json server-pod            the Argo Server's pod as the chart's Deployment makes it (JSON):
                                                  the server runs as a local process, this pod (run by kwok) is
                                                  what Services selecting the server find as their endpoint

VALUES.json: {"argo-workflows": {"namespace": ..., "values": "<JSON>"}, "argo-events": {...}}.
"""
import json
import sys

# argo-helm argo-events-2.4.22, values.yaml: configs.jetstream.settings and streamConfig, which the stack does not
# set, so the chart's defaults are what the controller gets.
EVENTS_JETSTREAM_SETTINGS = {"maxMemoryStore": -1, "maxFileStore": -1}
EVENTS_STREAM_CONFIG = {"maxMsgs": 1000000, "maxAge": "72h", "maxBytes": "1GB", "replicas": 3,
                        "duplicates": "300s", "retention": 0, "discard": 0}


# argo-helm argo-workflows-0.47.5, values.yaml: the server's defaults the stack's values are merged over.
SERVER_DEFAULTS = {"name": "server", "nodeSelector": {"kubernetes.io/os": "linux"}, "tolerations": [],
                   "securityContext": {"readOnlyRootFilesystem": False, "runAsNonRoot": True,
                                       "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}}


def merged(defaults, given):
    """Helm's merge of a chart's default values with those given: maps deep, anything else replaced."""
    out = dict(defaults)
    for k, v in given.items():
        out[k] = merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def workflows_image(values, part):
    """templates/_helpers.tpl argo-workflows.image, and the tag's default (.Values.images.tag)."""
    image = values[part]["image"]
    registry = image.get("registry")
    ref = f"{registry}/{image['repository']}" if registry else image["repository"]
    return f"{ref}:{image.get('tag') or values['images']['tag']}"


def configmap(values):
    """templates/_helpers.tpl argo-workflows.controller.config-map.name: the name given, else the chart's own."""
    return values["controller"].get("configMap", {}).get("name") or "argo-workflows-workflow-controller-configmap"


def workflow_controller(release):
    """templates/controller/workflow-controller-deployment.yaml: args (logging at the chart's defaults)."""
    values = json.loads(release["values"])
    args = ["--configmap", configmap(values), "--executor-image", workflows_image(values, "executor"),
            "--loglevel", "info", "--gloglevel", "0", "--log-format", "text", "--namespace", release["namespace"]]
    if values.get("singleNamespace"):
        args.append("--namespaced")
    return args


def argo_server(release):
    """templates/server/server-deployment.yaml: args."""
    values = json.loads(release["values"])
    server = values.get("server", {})
    args = ["server", f"--configmap={configmap(values)}"]
    args += [f"--auth-mode={m}" for m in server.get("authModes", [])]
    args += [f"--secure={str(server.get('secure', False)).lower()}", "--namespace", release["namespace"]]
    if values.get("singleNamespace"):
        args.append("--namespaced")
    return args


def server_pod(release, name):
    """templates/server/server-deployment.yaml: the pod template's labels (templates/_helpers.tpl
    argo-workflows.labels: the selector labels with the component, then managed-by and part-of), node selector,
    tolerations and container security context; `name` is the Helm release's."""
    values = json.loads(release["values"])
    server = merged(SERVER_DEFAULTS, values.get("server", {}))
    chart = values.get("nameOverride") or "argo-workflows"
    labels = {"app.kubernetes.io/name": f"{chart}-{server['name']}", "app.kubernetes.io/instance": name,
              "app.kubernetes.io/component": server["name"], "app": server["name"],
              "app.kubernetes.io/managed-by": "Helm", "app.kubernetes.io/part-of": "argo-workflows"}
    container = {"name": "argo-server", "image": workflows_image(values, "server"), "args": argo_server(release),
                 "securityContext": server["securityContext"]}
    return json.dumps({"apiVersion": "v1", "kind": "Pod",
                       "metadata": {"name": f"{name}-server-local", "namespace": release["namespace"], "labels": labels},
                       "spec": {"nodeSelector": server["nodeSelector"], "tolerations": server["tolerations"],
                                "containers": [container]}})


def events_controller(release):
    """argo-events-2.4.22, templates/argo-events-controller/deployment.yaml: args."""
    controller = json.loads(release["values"]).get("controller", {})
    args = ["controller"]
    if int(controller.get("replicas", 1)) == 1:
        args.append("--leader-election=false")
    if controller.get("rbac", {}).get("namespaced"):
        args.append("--namespaced")
    return args


def events_env(release):
    """The same template: ARGO_EVENTS_IMAGE (global.image, or controller.image) and NAMESPACE."""
    values = json.loads(release["values"])
    image = {**values["global"]["image"], **{k: v for k, v in values.get("controller", {}).get("image", {}).items() if v}}
    return [f"ARGO_EVENTS_IMAGE={image['repository']}:{image['tag']}", f"NAMESPACE={release['namespace']}"]


def events_config(release):
    """templates/argo-events-controller/config.yaml: controller-config.yaml, written as JSON (which YAML reads)."""
    configs = json.loads(release["values"]).get("configs", {})
    bus = {}
    nats = configs.get("nats", {}).get("versions")
    if nats:
        bus["nats"] = {"versions": [{k: v[k] for k in ("version", "natsStreamingImage", "metricsExporterImage")}
                                    for v in nats]}
    js = configs.get("jetstream", {})
    if js.get("versions"):
        s = {**EVENTS_JETSTREAM_SETTINGS, **js.get("settings", {})}
        c = {**EVENTS_STREAM_CONFIG, **js.get("streamConfig", {})}
        bus["jetstream"] = {
            "settings": f"max_memory_store: {s['maxMemoryStore']}\nmax_file_store: {s['maxFileStore']}\n",
            "streamConfig": "".join(f"{k}: {c[k]}\n" for k in EVENTS_STREAM_CONFIG),
            "versions": [{k: v[k] for k in ("version", "natsImage", "metricsExporterImage", "configReloaderImage",
                                            "startCommand")} for v in js["versions"]],
        }
    return json.dumps({"eventBus": bus}, indent=1)


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    releases = json.load(open(argv[0]))
    wf, ev = releases["argo-workflows"], releases["argo-events"]
    out = {
        "workflow-controller": lambda: workflow_controller(wf),
        "argo-server": lambda: argo_server(wf),
        "events-controller": lambda: events_controller(ev),
        "events-env": lambda: events_env(ev),
        "events-config": lambda: [events_config(ev)],
        "executor-image": lambda: [workflows_image(json.loads(wf["values"]), "executor")],
        "configmap": lambda: [configmap(json.loads(wf["values"]))],
        "server-pod": lambda: [server_pod(wf, "argo-workflows")],
    }.get(argv[1])
    if out is None:
        sys.exit(__doc__)
    print("\n".join(out()))


if __name__ == "__main__":
    main(sys.argv[1:])
