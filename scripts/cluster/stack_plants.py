"""One fault planted in a stack (CLUSTER_TEST_PLANT), to show that a step of
the cluster test catches it."""
import json
import re
import sys

PLANTS = ("none", "selector", "diff", "verb", "namespace", "events-pods", "no-schedules", "events-config",
          "artifact-bucket", "crd-field", "jobset-role", "jobset-webhook", "jobset-controller", "access-iap",
          "access-selector",
          "upgrade-namespace", "upgrade-job", "upgrade-no-roll")


def plant(tf, what):
    r = tf["resource"]
    if what == "selector":
        svc = next(iter(r["kubernetes_service_v1"].values()))
        svc["spec"]["selector"]["cluster-test/planted"] = "matches-no-pod"
        return f"Service {svc['metadata']['name']}: selector matches no pod"
    if what == "diff":
        ns = next(iter(r["kubernetes_namespace_v1"].values()))
        ns["metadata"].setdefault("annotations", {})["cluster-test/planted"] = "${timestamp()}"
        return f"namespace {ns['metadata']['name']}: an annotation that changes on every plan"
    if what == "verb":
        for role in r.get("kubernetes_role_v1", {}).values():
            for rule in role.get("rule", []):
                if "workflows" in rule.get("resources", []) and "create" in rule.get("verbs", []):
                    rule["verbs"].remove("create")
                    return f"Role {role['metadata']['namespace']}/{role['metadata']['name']}: verb create on workflows removed"
        sys.exit("error: no Role grants create on workflows to plant the fault in")
    if what == "namespace":
        # The published config (ConfigMap metaflow-config, and the metaflow_config output) names a wrong namespace.
        done = []
        for cm in r.get("kubernetes_config_map_v1", {}).values():
            text = cm.get("data", {}).get("config.json")
            if text and "METAFLOW_KUBERNETES_NAMESPACE" in text:
                cm["data"]["config.json"] = re.sub(r'(\\?"METAFLOW_KUBERNETES_NAMESPACE\\?"\s*=\s*\\?")[^"\\]*',
                                                   r"\g<1>default", text)
                done.append(f"ConfigMap {cm['metadata']['name']}")
        cfg = tf.get("output", {}).get("metaflow_config", {}).get("value")
        if isinstance(cfg, dict):
            cfg["METAFLOW_KUBERNETES_NAMESPACE"] = "default"
            done.append("output metaflow_config")
        return f"{' and '.join(done)}: METAFLOW_KUBERNETES_NAMESPACE = default"
    if what == "events-pods":
        # The flow runners' Role in the events namespace, where the bus credentials are, also creates pods and Jobs.
        for role in r.get("kubernetes_role_v1", {}).values():
            meta = role["metadata"]
            if meta["name"] == "metaflow-flow-runner" and "events-namespace" in meta["namespace"]:
                role["rule"].append({"api_groups": [""], "resources": ["pods"], "verbs": ["create"]})
                role["rule"].append({"api_groups": ["batch"], "resources": ["jobs"], "verbs": ["create"]})
                return f"Role {meta['namespace']}/{meta['name']}: create on pods and batch/jobs added"
        sys.exit("error: no flow-runner Role in the events namespace to plant the fault in")
    if what == "no-schedules":
        # The published config leaves METAFLOW_ARGO_WORKFLOWS_USE_SCHEDULES out: Metaflow writes `schedule`.
        done = []
        key = r'\\?"METAFLOW_ARGO_WORKFLOWS_USE_SCHEDULES\\?"\s*=\s*\\?"[^"\\]*\\?"'
        for cm in r.get("kubernetes_config_map_v1", {}).values():
            text = cm.get("data", {}).get("config.json")
            if text and re.search(key, text):
                cm["data"]["config.json"] = re.sub(r",\s*" + key, "", text)
                done.append(f"ConfigMap {cm['metadata']['name']}")
        cfg = tf.get("output", {}).get("metaflow_config", {}).get("value")
        if isinstance(cfg, dict) and cfg.pop("METAFLOW_ARGO_WORKFLOWS_USE_SCHEDULES", None) is not None:
            done.append("output metaflow_config")
        if not done:
            sys.exit("error: the published config has no METAFLOW_ARGO_WORKFLOWS_USE_SCHEDULES to leave out")
        return f"{' and '.join(done)}: METAFLOW_ARGO_WORKFLOWS_USE_SCHEDULES left out"
    if what == "events-config":
        # The Argo Events controller's values list no NATS Streaming version: the config the chart would render
        # from them is one the controller refuses at start.
        release = tf["output"]["cluster_test_chart_values"]["value"]["argo-events"]
        values = json.loads(release["values"])
        values["configs"].pop("nats")
        release["values"] = json.dumps(values)
        return "argo-events chart values: configs.nats left out"
    if what == "artifact-bucket":
        # The workflow controller's ConfigMap names another bucket than the datastore's.
        for cm in r.get("kubernetes_config_map_v1", {}).values():
            text = cm.get("data", {}).get("config")
            if text and "artifactRepository" in text:
                cm["data"]["config"] = re.sub(r"(\n\s+bucket: )\S+", r"\g<1>planted-other-bucket", text, count=1)
                return f"ConfigMap {cm['metadata']['name']}: artifact repository bucket planted-other-bucket"
        sys.exit("error: no workflow controller ConfigMap to plant the fault in")
    if what == "upgrade-namespace":
        # This release's stack, in the upgrade phase only: a namespace renamed, which Terraform can only replace.
        ns = next(iter(r["kubernetes_namespace_v1"].values()))
        old = ns["metadata"]["name"]
        ns["metadata"]["name"] = f"{old}-renamed"
        return f"namespace {old} renamed {old}-renamed"
    if what == "upgrade-job":
        # This release's stack, in the upgrade phase only: the Job renamed, which replaces it for another reason
        # than its pod template.
        job = next(iter(r["kubernetes_job_v1"].values()))
        old = job["metadata"]["name"]
        job["metadata"]["name"] = f"{old}-renamed"
        return f"Job {old} renamed {old}-renamed"
    if what == "upgrade-no-roll":
        # This release's stack, in the upgrade phase only: a Deployment's new pods fit no node, and the provider
        # does not wait for the rollout, so the apply passes and only the rollout check can see it.
        d = next(iter(r["kubernetes_deployment_v1"].values()))
        d["wait_for_rollout"] = False
        d["spec"]["template"]["spec"].setdefault("node_selector", {})["cluster-test/planted"] = "no-such-node"
        return f"Deployment {d['metadata']['name']}: pods fit no node, apply does not wait for the rollout"
    if what == "access-iap":
        # iap access: the Metaflow UI's BackendConfig no longer turns IAP on.
        for rel in r.get("helm_release", {}).values():
            values = json.loads(rel["values"][0]) if rel.get("name") == "metaflow-backend-configs" else {}
            for bc in values.get("backendConfigs", []):
                bc["spec"]["iap"]["enabled"] = False
                rel["values"][0] = json.dumps(values)
                return f"BackendConfig {bc['namespace']}/{bc['name']}: IAP off"
        sys.exit("error: no BackendConfig to plant the fault in (the stack is not in iap access)")
    if what == "access-selector":
        # internal access: the UI's load balancer selects no pod.
        for svc in r.get("kubernetes_service_v1", {}).values():
            if svc["spec"].get("type") == "LoadBalancer":
                svc["spec"]["selector"] = {"cluster-test/planted": "matches-no-pod"}
                return f"Service {svc['metadata']['name']}: the load balancer selects no pod"
        sys.exit("error: no load balancer to plant the fault in (the stack is not in internal access)")
    if what == "jobset-role":
        return "the jobs' KSA loses its Role metaflow-jobsets, before the JobSet's dry run (jobset.sh)"
    if what == "jobset-webhook":
        return "the JobSet controller, which serves its webhooks, is stopped before the JobSet's dry run (jobset.sh)"
    if what == "jobset-controller":
        return "the JobSet controller is stopped and its webhooks removed, before the run of the @parallel flow (jobset.sh)"
    if what == "crd-field":
        return "a WorkflowTemplate gets a field the full CRD does not have, after argo-workflows create (argo.sh)"
    return None
