#!/usr/bin/env python3
"""Make a scratch copy of a services stack apply to the local cluster
(scripts/cluster/cluster-test.sh).

  stack.py services OUT
      Print the services stacks of the synth directory OUT in deploy order.
  stack.py prepare OUT STACK DIR HOST CA_FILE TOKEN BUCKET PLANT [name=version ...]
      Copy services stack STACK of OUT to DIR (without .terraform or a lock
      file) and edit DIR/cdk.tf.json:
      - the backend block is dropped: state stays in the scratch dir;
      - every terraform_remote_state reads a local state file written to
        DIR, the fixture: one output for every output that the infra stack
        STACK depends on declares, valued for the local cluster;
      - the kubernetes and helm providers get the admin's TOKEN instead of the
        google_client_config token (host and CA already come from the fixture);
      - resources and data sources that only GCP can serve (google_*) and the
        helm_releases of charts from the argo-helm repository (not reachable
        here) are removed, and printed;
      - waits are bounded more tightly than on GKE (printed);
      - PLANT (or "none") plants one fault, to show that a step catches it.
  stack.py outputs INFRA_TF_JSON
      Print the infra stack's output names, one a line.

Stacks, kinds and dependencies come from OUT/manifest.json (see
scripts/validate/stack.py manifest_stacks).
"""
import base64
import json
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(1, str(Path(__file__).resolve().parent.parent / "validate"))
from manifest import deploy_order, infra_stack, manifest_stacks  # noqa: E402  (scripts/validate/)
from tfjson import pin_versions, referenced_stack  # noqa: E402
from tfstate import cty_type, dummy  # noqa: E402

GCP_ONLY = re.compile(r"^google(-beta)?_")          # resource/data types only GCP serves
UNREACHABLE_CHART_REPO = re.compile(r"argoproj\.github\.io/argo-helm")
HELM_TIMEOUT = 180                                  # s, instead of the stack's 600 on GKE
K8S_TIMEOUTS = {"create": "3m", "update": "3m", "delete": "3m"}
PLANTS = ("none", "selector", "diff", "verb", "namespace")


def load(path):
    return json.loads(Path(path).read_text())


def fixture_values(host, ca_pem, bucket):
    """Values of the infra outputs that describe the local cluster. Any other
    output gets a placeholder shaped like the real value (validate's dummy())."""
    project = "cluster-test-project"
    return project, {
        "project_id": project,
        "region": "local",
        "cluster_name": "cluster-test",
        "cluster_location": "local",
        "cluster_endpoint": host,
        "cluster_ca_certificate": base64.b64encode(ca_pem.encode()).decode(),
        "workload_identity_pool": f"{project}.svc.id.goog",
        "bucket_name": bucket,
        "datastore_root": f"gs://{bucket}/metaflow",
        "sql_private_ip": "127.0.0.1",
        # The Metaflow service account, which the stack binds as a flow runner.
        "metaflow_service_account_email": f"metaflow@{project}.iam.gserviceaccount.com",
        "metaflow_service_account_name": f"projects/{project}/serviceAccounts/metaflow@{project}.iam.gserviceaccount.com",
    }


def write_fixture(infra, infra_tf, state_file, host, ca_pem, bucket):
    declared = load(infra_tf).get("output", {})
    project, local = fixture_values(host, ca_pem, bucket)
    outputs, placeholders = {}, []
    for name, spec in declared.items():
        if name in local:
            value = local[name]
        else:
            value = dummy(name, project)
            placeholders.append(name)
        out = {"value": value, "type": cty_type(value)}
        if spec.get("sensitive"):
            out["sensitive"] = True
        outputs[name] = out
    unused = sorted(set(local) - set(declared))
    state = {"version": 4, "terraform_version": "1.5.0", "serial": 1, "lineage": "cluster-test",
             "outputs": outputs, "resources": []}
    Path(state_file).write_text(json.dumps(state, indent=1))
    print(f"  fixture state: {len(outputs)} outputs of {infra} "
          f"({len(outputs) - len(placeholders)} local values; placeholders: {', '.join(placeholders) or 'none'})")
    if unused:
        print(f"  note: fixture values for outputs the infra stack no longer declares: {', '.join(unused)}")


def references(obj):
    """Every resource/data address referenced in ${...} expressions and depends_on."""
    text = json.dumps(obj)
    return set(re.findall(r"\b((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)", " ".join(re.findall(r"\$\{[^}]*\}", text))))


REMOVED = {}  # address -> body of every removed block


def remove(tf, kind, pred):
    """Remove blocks of tf[kind] (resource or data) whose (type, name, body) matches; returns addresses."""
    gone = []
    blocks = tf.get(kind, {})
    for rtype in list(blocks):
        for name in list(blocks[rtype]):
            if pred(rtype, name, blocks[rtype][name]):
                addr = ("data." if kind == "data" else "") + f"{rtype}.{name}"
                REMOVED[addr] = blocks[rtype][name]
                del blocks[rtype][name]
                gone.append(addr)
        if not blocks[rtype]:
            del blocks[rtype]
    return gone


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
    return None


def prepare(out, stack, state_dir, host, ca_file, token, bucket, what, pins):
    if what not in PLANTS:
        sys.exit(f"error: CLUSTER_TEST_PLANT must be one of {', '.join(PLANTS)}")
    stacks = manifest_stacks(out)
    if stacks.get(stack, {}).get("kind") != "services":
        sys.exit(f"error: {stack} is not a services stack of {out}")
    infra = infra_stack(stacks, stack)
    # A lock file would pin the registry's hashes, which the providers built from source never match.
    shutil.copytree(stacks[stack]["dir"], state_dir, symlinks=True)
    shutil.rmtree(Path(state_dir) / ".terraform", ignore_errors=True)
    Path(state_dir, ".terraform.lock.hcl").unlink(missing_ok=True)
    tf_json = Path(state_dir) / stacks[stack]["tf"].name
    tf = load(tf_json)
    note = pin_versions(tf, pins)
    if note:
        print(" ", note.strip())
    tf.get("terraform", {}).pop("backend", None)

    for name, rs in tf.get("data", {}).get("terraform_remote_state", {}).items():
        read = referenced_stack(rs)
        if read != infra:
            sys.exit(f"error: remote state '{name}' reads {read}, not {infra}, the infra stack {stack} depends on")
        state_file = Path(state_dir) / f"remote-{name}.tfstate"
        write_fixture(infra, stacks[infra]["tf"], state_file, host, Path(ca_file).read_text(), bucket)
        rs["backend"] = "local"
        rs["config"] = {"path": str(state_file.resolve())}
        rs.pop("workspace", None)

    gcp = remove(tf, "resource", lambda t, n, b: bool(GCP_ONLY.match(t)))
    gcp += remove(tf, "data", lambda t, n, b: bool(GCP_ONLY.match(t)))
    charts = remove(tf, "resource", lambda t, n, b: t == "helm_release" and bool(
        UNREACHABLE_CHART_REPO.search(str(b.get("repository", "")))))
    print(f"  left out, only GCP can serve them: {' '.join(gcp) or 'none'}")
    print(f"  left out, charts from the argo-helm repository (not reachable; test-only CRDs instead): {' '.join(charts) or 'none'}")
    gone = set(gcp + charts)

    # Providers: the admin's token instead of one minted by google_client_config.
    providers = tf.get("provider", {})
    for p in providers.get("kubernetes", []):
        p["token"] = token
    for p in providers.get("helm", []):
        p["kubernetes"]["token"] = token
    if not any(GCP_ONLY.match(t) for kind in ("resource", "data") for t in tf.get(kind, {})):
        providers.pop("google", None)
        providers.pop("google-beta", None)
        for name in ("google", "google-beta"):
            tf.get("terraform", {}).get("required_providers", {}).pop(name, None)
    for p in providers.get("kubernetes", []) + [h["kubernetes"] for h in providers.get("helm", [])]:
        if "client_certificate" in p or "exec" in p:
            sys.exit("error: a provider authenticates otherwise than with a token; update stack.py")
    with_ca = [n for n in ("kubernetes", "helm") if any(
        "cluster_ca_certificate" in (p if n == "kubernetes" else p["kubernetes"]) for p in providers.get(n, []))]
    print(f"  providers kubernetes, helm: the admin's token; server verified with "
          + ("the fixture's CA (cluster_ca_certificate)" if with_ca else
             "the system trust store plus the local CA (SSL_CERT_FILE), as a publicly trusted endpoint"))

    # Nothing left may point at what was removed. A depends_on on a removed
    # block is replaced by what that block itself depended on (transitively),
    # so the order stays: the local chart, which depended on the argo-events
    # release, still waits for the namespaces that release waited for.
    def inherited(addr, seen=()):
        body = REMOVED[addr]
        deps = set(body.get("depends_on", [])) | {r for r in references(body)
                                                  if not r.startswith(("var.", "local.", "each.", "count."))}
        out = set()
        for d in deps:
            if d in REMOVED and d not in seen:
                out |= inherited(d, seen + (addr,))
            elif d not in REMOVED and d.split(".")[0] != "data" and d.split(".")[0] in tf.get("resource", {}):
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

    # Bounded waits: a Deployment that never rolls out fails in minutes, not the provider's 10.
    shortened = []
    for rtype, blocks in tf.get("resource", {}).items():
        for name, body in blocks.items():
            if rtype == "helm_release":
                if int(body.get("timeout", 300)) > HELM_TIMEOUT:
                    body["timeout"] = HELM_TIMEOUT
                    shortened.append(f"{rtype}.{name}")
            elif rtype in ("kubernetes_deployment_v1", "kubernetes_namespace_v1"):
                body["timeouts"] = {k: v for k, v in K8S_TIMEOUTS.items()
                                    if rtype == "kubernetes_deployment_v1" or k == "delete"}
                shortened.append(f"{rtype}.{name}")
    print(f"  waits bounded (helm {HELM_TIMEOUT} s, deployments and namespaces 3 min): {len(shortened)} resources")

    planted = plant(tf, what)
    if planted:
        print(f"  PLANTED FAULT ({what}): {planted}")
    Path(tf_json).write_text(json.dumps(tf, indent=1))


def main(argv):
    if argv[:1] == ["services"] and len(argv) == 2:
        stacks = manifest_stacks(argv[1])
        print("\n".join(n for n in deploy_order(stacks) if stacks[n]["kind"] == "services"))
    elif argv[:1] == ["prepare"] and len(argv) >= 9:
        prepare(*argv[1:9], argv[9:])
    elif argv[:1] == ["outputs"] and len(argv) == 2:
        print("\n".join(load(argv[1]).get("output", {})))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
