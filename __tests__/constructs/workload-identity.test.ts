import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { WI_ANNOTATION, WorkloadIdentity, WorkloadIdentityBinding, WorkloadIdentityProps } from "../../constructs/workload-identity";
import { bareStack, onlyResource, refTo, resolve, resourcesOf, synth } from "./stack";

const PROPS: WorkloadIdentityProps = {
  gsaEmail: "metaflow@p.iam.gserviceaccount.com",
  gsaName: "projects/p/serviceAccounts/metaflow@p.iam.gserviceaccount.com",
  workloadPool: "p.svc.id.goog",
  namespace: { name: "metaflow-jobs" },
  ksaName: "metaflow",
};

function build(props: Partial<WorkloadIdentityProps> = {}) {
  const stack = bareStack("google", "kubernetes");
  const wi = new WorkloadIdentity(stack, "wi", { ...PROPS, ...props });
  return { wi, ...synth(stack) };
}

describe("WorkloadIdentity", () => {
  const { wi, text, json } = build();

  test("creates the KSA annotated with the GSA, with no API token mounted by default", () => {
    expect(text).toHaveResourceWithProperties(ServiceAccountV1, {
      metadata: {
        name: "metaflow",
        namespace: "metaflow-jobs",
        annotations: { [WI_ANNOTATION]: "metaflow@p.iam.gserviceaccount.com" },
        labels: { "app.kubernetes.io/part-of": "metaflow" },
      },
      automount_service_account_token: false,
    });
    expect(WI_ANNOTATION).toBe("iam.gke.io/gcp-service-account");
  });

  test("grants workloadIdentityUser on the GSA to exactly that namespace/KSA pair", () => {
    expect(text).toHaveResourceWithProperties(ServiceAccountIamMember, {
      service_account_id: PROPS.gsaName,
      role: "roles/iam.workloadIdentityUser",
      member: "serviceAccount:p.svc.id.goog[metaflow-jobs/metaflow]",
    });
    expect(Object.keys(resourcesOf(json, "google_service_account_iam_member"))).toHaveLength(1);
  });

  test("exposes the KSA, its annotations and the granted member", () => {
    expect(wi.member).toBe("serviceAccount:p.svc.id.goog[metaflow-jobs/metaflow]");
    expect(wi.annotations).toEqual({ [WI_ANNOTATION]: PROPS.gsaEmail });
    expect([wi.namespace, wi.ksaName]).toEqual(["metaflow-jobs", "metaflow"]);
    expect(resolve(wi, wi.serviceAccount.metadata.name)).toBe(refTo(json, "kubernetes_service_account_v1", "metadata[0].name"));
  });

  test("for a chart-created KSA, WorkloadIdentityBinding makes only the grant (the chart takes the annotations)", () => {
    const stack = bareStack("google", "kubernetes");
    const binding = new WorkloadIdentityBinding(stack, "wi", { ...PROPS, namespace: { name: "argo" }, ksaName: "argo-server" });
    const { json } = synth(stack);
    expect(resourcesOf(json, "kubernetes_service_account_v1")).toEqual({});
    expect(binding.annotations).toEqual({ [WI_ANNOTATION]: PROPS.gsaEmail });
    expect(onlyResource(json, "google_service_account_iam_member").member).toBe("serviceAccount:p.svc.id.goog[argo/argo-server]");
  });

  test("mounts an API token when asked, and waits for the namespace", () => {
    const ksa = onlyResource(
      build({ automountServiceAccountToken: true, namespace: { name: "metaflow-jobs", resource: { fqn: "kubernetes_namespace_v1.jobs" } } })
        .json,
      "kubernetes_service_account_v1",
    );
    expect(ksa.automount_service_account_token).toBe(true);
    expect(ksa.depends_on).toEqual(["kubernetes_namespace_v1.jobs"]);
  });
});
