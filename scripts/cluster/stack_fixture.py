"""The fixture: a state file holding the infra stack's outputs, valued for the
local cluster, that the services stack's terraform_remote_state reads."""
import base64

from tfjson import load
from tfstate import state_outputs, write_state


PROJECT = "cluster-test-project"
# The Metaflow service account, which the stack binds as a flow runner.
SERVICE_ACCOUNT = f"metaflow@{PROJECT}.iam.gserviceaccount.com"


def fixture_values(host, ca_pem, bucket):
    """Values of the infra outputs that describe the local cluster. Any other
    output gets a placeholder shaped like the real value (validate's dummy())."""
    project = PROJECT
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
        "metaflow_service_account_email": SERVICE_ACCOUNT,
        "metaflow_service_account_name": f"projects/{project}/serviceAccounts/{SERVICE_ACCOUNT}",
        # The registry caches' pull paths (kwok nodes pull nothing: the images only have to be well formed).
        "image_cache_docker_hub": f"local-docker.pkg.dev/{project}/cluster-test-docker-hub",
        "image_cache_quay": f"local-docker.pkg.dev/{project}/cluster-test-quay",
    }


def write_fixture(infra, infra_tf, state_file, host, ca_pem, bucket):
    declared = load(infra_tf).get("output", {})
    project, local = fixture_values(host, ca_pem, bucket)
    outputs, placeholders = state_outputs(declared, local, project, mark_sensitive=True)
    unused = sorted(set(local) - set(declared))
    write_state(state_file, outputs, "cluster-test")
    print(f"  fixture state: {len(outputs)} outputs of {infra} "
          f"({len(outputs) - len(placeholders)} local values; placeholders: {', '.join(placeholders) or 'none'})")
    if unused:
        print(f"  note: fixture values for outputs the infra stack no longer declares: {', '.join(unused)}")
