"""State files that hold nothing but a stack's outputs, for a
terraform_remote_state to read without the stack's real state."""
import base64

from tfjson import save


def dummy(name, project):
    """A placeholder for an output whose value is unknown until apply, shaped
    like the real value so that what the services stack does with it (decode
    it, validate it as a name) works as it will after apply."""
    email = f"offline@{project}.iam.gserviceaccount.com"
    if "certificate" in name:
        pem = "-----BEGIN CERTIFICATE-----\nb2ZmbGluZQ==\n-----END CERTIFICATE-----\n"
        return base64.b64encode(pem.encode()).decode()
    if "endpoint" in name or name.endswith("_ip"):
        return "192.0.2.10"  # TEST-NET-1, never routed
    if name.endswith("service_account_name"):
        return f"projects/{project}/serviceAccounts/{email}"
    if "email" in name:
        return email
    if name.startswith("image_cache_"):
        # A registry cache's pull path: <location>-docker.pkg.dev/<project>/<repository>.
        return f"offline-docker.pkg.dev/{project}/{name[len('image_cache_'):].replace('_', '-')}"
    if name == "flow_image_repository":
        return f"offline-docker.pkg.dev/{project}/flow-images"
    if name == "secret_manager_prefix":
        # projects/<project number>/secrets/<secret id prefix>, as Metaflow's GCP secrets provider takes it.
        return "projects/000000000000/secrets/offline-"
    if name.endswith("_key"):
        return base64.b64encode(b'{"type": "service_account"}').decode()
    return "offline-" + name.replace("_", "-")


def cty_type(value):
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return ["tuple", [cty_type(v) for v in value]]
    if isinstance(value, dict):
        return ["object", {k: cty_type(v) for k, v in value.items()}]
    return "string"


def state_outputs(declared, known, project, mark_sensitive=False):
    """(outputs, placeholder names): each declared output valued from `known`,
    else with a placeholder (dummy())."""
    outputs, placeholders = {}, []
    for name, spec in declared.items():
        value = known.get(name)
        if value is None:
            value = dummy(name, project)
            placeholders.append(name)
        outputs[name] = {"value": value, "type": cty_type(value)}
        if mark_sensitive and spec.get("sensitive"):
            outputs[name]["sensitive"] = True
    return outputs, placeholders


def write_state(path, outputs, lineage):
    save(path, {"version": 4, "terraform_version": "1.5.0", "serial": 1, "lineage": lineage,
                "outputs": outputs, "resources": []})
