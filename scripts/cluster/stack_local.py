"""What differs on the local cluster: the providers use the admin's token, and
waits are bounded more tightly than on GKE."""
import sys

from stack_removals import GCP_ONLY

HELM_TIMEOUT = 180                                  # s, instead of the stack's 600 on GKE
K8S_TIMEOUTS = {"create": "3m", "update": "3m", "delete": "3m"}


def use_admin_token(tf, token):
    """The admin's token instead of one minted by google_client_config."""
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


def bound_waits(tf):
    """A Deployment that never rolls out fails in minutes, not the provider's 10."""
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
