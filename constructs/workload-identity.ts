import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { Construct } from "constructs";
import { NamespaceRef, createdAfter, metadataIn } from "./namespace";

/** The annotation that tells GKE which Google service account a Kubernetes service account acts as. */
export const WI_ANNOTATION = "iam.gke.io/gcp-service-account";

/** A KSA that may act as a GSA. */
export interface WorkloadIdentityBindingProps {
  /** Email of the Google service account (GSA) the pods act as. */
  readonly gsaEmail: string;
  /** Full resource name of the GSA, `projects/<project>/serviceAccounts/<email>`. */
  readonly gsaName: string;
  /** The cluster's Workload Identity pool, `<project>.svc.id.goog`. */
  readonly workloadPool: string;
  /** Namespace of the Kubernetes service account (KSA). */
  readonly namespace: NamespaceRef;
  /** Name of the KSA. */
  readonly ksaName: string;
}

/**
 * The `roles/iam.workloadIdentityUser` grant that lets exactly one KSA act as the GSA, for a KSA a Helm chart creates
 * (it takes `annotations` in its values). Without the grant, pods get 403 from Google APIs despite the annotation.
 */
export class WorkloadIdentityBinding extends Construct {
  /** Name of the KSA. */
  readonly ksaName: string;
  readonly namespace: string;
  /** Annotations to put on the KSA. */
  readonly annotations: Record<string, string>;
  /** `serviceAccount:<pool>[<namespace>/<ksa>]`, the principal granted on the GSA. */
  readonly member: string;

  constructor(scope: Construct, id: string, props: WorkloadIdentityBindingProps) {
    super(scope, id);
    this.ksaName = props.ksaName;
    this.namespace = props.namespace.name;
    this.annotations = { [WI_ANNOTATION]: props.gsaEmail };
    this.member = `serviceAccount:${props.workloadPool}[${this.namespace}/${props.ksaName}]`;
    // Scoped to one namespace/KSA pair: any other KSA in the cluster stays unable to act as the GSA.
    new ServiceAccountIamMember(this, "workload-identity-user", {
      serviceAccountId: props.gsaName,
      role: "roles/iam.workloadIdentityUser",
      member: this.member,
    });
  }
}

export interface WorkloadIdentityProps extends WorkloadIdentityBindingProps {
  /** Let pods of the KSA mount an API token by default. @default false */
  readonly automountServiceAccountToken?: boolean;
}

/** A KSA annotated with a GSA, and the grant that lets exactly that KSA act as it. */
export class WorkloadIdentity extends WorkloadIdentityBinding {
  /** The KSA. */
  readonly serviceAccount: ServiceAccountV1;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id, props);
    this.serviceAccount = new ServiceAccountV1(this, "ksa", {
      metadata: { ...metadataIn(props.namespace, props.ksaName), annotations: this.annotations },
      automountServiceAccountToken: props.automountServiceAccountToken ?? false,
      dependsOn: createdAfter([props.namespace]),
    });
  }
}
