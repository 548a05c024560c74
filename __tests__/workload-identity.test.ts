// Workload Identity: every KSA annotated with the Metaflow GSA is exactly the one the IAM grant names, and back.
import { WI_ANNOTATION } from "../constructs/workload-identity";
import { helmValues, resourcesOf, synthDev } from "./helpers";

const { servicesJson: json } = synthDev();
const GSA_EMAIL = "${data.terraform_remote_state.infra.outputs.metaflow_service_account_email}";
const GSA_NAME = "${data.terraform_remote_state.infra.outputs.metaflow_service_account_name}";
const POOL = "${data.terraform_remote_state.infra.outputs.workload_identity_pool}";

const grants = Object.values<any>(resourcesOf(json, "google_service_account_iam_member"));
/** [namespace, ksa] pairs named by the grants' members. */
const granted = grants.map((g) => {
  const m = /^serviceAccount:(.+)\[([^/\]]+)\/([^\]]+)\]$/.exec(g.member);
  if (!m) throw new Error(`unexpected member ${g.member}`);
  expect(m[1]).toBe(POOL);
  return `${m[2]}/${m[3]}`;
});

/** [namespace/ksa] of every KSA annotated with a GSA: created here, or by a chart through its values. */
function annotatedKsas(): Map<string, string> {
  const found = new Map<string, string>();
  for (const sa of Object.values<any>(resourcesOf(json, "kubernetes_service_account_v1"))) {
    const gsa = sa.metadata.annotations?.[WI_ANNOTATION];
    if (gsa) found.set(`${sa.metadata.namespace}/${sa.metadata.name}`, gsa);
  }
  const server = helmValues(json, "argo-workflows").server.serviceAccount;
  const release = Object.values<any>(resourcesOf(json, "helm_release")).find((r) => r.name === "argo-workflows");
  if (server.annotations?.[WI_ANNOTATION]) found.set(`${release.namespace}/${server.name}`, server.annotations[WI_ANNOTATION]);
  return found;
}

test("every grant is roles/iam.workloadIdentityUser on the Metaflow GSA", () => {
  expect(grants).toHaveLength(3);
  for (const g of grants) {
    expect(g.role).toBe("roles/iam.workloadIdentityUser");
    expect(g.service_account_id).toBe(GSA_NAME);
  }
});

test("annotated KSAs and granted KSAs are the same set, and each annotation names the granted GSA", () => {
  const annotated = annotatedKsas();
  expect([...annotated.keys()].sort()).toEqual([...granted].sort());
  // One KSA per namespace that touches GCS, each with its own binding: none is shared across namespaces.
  expect([...annotated.keys()].sort()).toEqual(["argo/argo-server", "metaflow-jobs/metaflow", "metaflow/metaflow-ui"]);
  expect(new Set(granted).size).toBe(granted.length);
  // The email in the annotation and the name in the grant are two outputs of the same infra service account.
  for (const gsa of annotated.values()) expect(gsa).toBe(GSA_EMAIL);
});

test("Argo workflow pods run as the jobs' KSA, the UI backend as its own, both with Workload Identity", () => {
  const wf = helmValues(json, "argo-workflows");
  expect(wf.workflow.serviceAccount).toEqual({ create: false });
  const backend = Object.values<any>(resourcesOf(json, "kubernetes_deployment_v1")).find(
    (d) => d.metadata.name === "metaflow-ui-backend-service",
  );
  expect(backend.metadata.namespace).toBe("metaflow");
  expect(backend.spec.template.spec.service_account_name).toBe(
    "${kubernetes_service_account_v1.ui-backend-wi_ksa_CB159DFF.metadata[0].name}",
  );
  expect(granted).toContain("metaflow/metaflow-ui");
  expect(json.output.METAFLOW_KUBERNETES_SERVICE_ACCOUNT.value).toBe("metaflow");
  expect(json.output.METAFLOW_KUBERNETES_NAMESPACE.value).toBe("metaflow-jobs");
  expect(granted).toContain(`${json.output.METAFLOW_KUBERNETES_NAMESPACE.value}/${json.output.METAFLOW_KUBERNETES_SERVICE_ACCOUNT.value}`);
});

test("the metadata service, which never touches GCS, gets no Workload Identity KSA", () => {
  const md = Object.values<any>(resourcesOf(json, "kubernetes_deployment_v1")).find((d) => d.metadata.name === "metadata-service");
  expect(md.spec.template.spec.service_account_name).toBeUndefined();
});

test("a custom jobs namespace moves the KSA, its grant and the outputs together", () => {
  const custom = synthDev((e) => (e.services = { jobsNamespace: "ml-jobs" })).servicesJson;
  const members = Object.values<any>(resourcesOf(custom, "google_service_account_iam_member")).map((g) => g.member);
  expect(members).toContain(`serviceAccount:${POOL}[ml-jobs/metaflow]`);
  const ksa = Object.values<any>(resourcesOf(custom, "kubernetes_service_account_v1")).find((s) => s.metadata.name === "metaflow");
  expect(ksa.metadata.namespace).toBe("ml-jobs");
  expect(custom.output.METAFLOW_KUBERNETES_NAMESPACE.value).toBe("ml-jobs");
  // The sensors stay in the events namespace; the workflows they submit go to the jobs namespace.
  expect(custom.output.METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE.value).toBe("metaflow-events");
  const role = Object.values<any>(resourcesOf(custom, "kubernetes_role_v1")).find((r) => r.metadata.name === "operate-workflow");
  expect(role.metadata.namespace).toBe("ml-jobs");
});
