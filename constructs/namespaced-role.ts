import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { RoleV1, RoleV1Rule } from "@cdktf/provider-kubernetes/lib/role-v1";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PART_OF } from "./namespace";

/** A service account that a binding names, as a reference to the resource so the binding cannot outlive it. */
export interface BoundServiceAccount {
  /** Name of the service account. */
  readonly name: string;
  /** Namespace of the service account. */
  readonly namespace: string;
}

/** A person or group as GKE authenticates them: their Google account email, or a Google Group (Groups for RBAC). */
export interface GoogleIdentity {
  readonly kind: "User" | "Group";
  /** The email. */
  readonly name: string;
}

export interface NamespacedRoleProps {
  /** Namespace of the Role and its RoleBinding. */
  readonly namespace: string;
  /** Name of both. */
  readonly name: string;
  /** What the Role allows. */
  readonly rules: RoleV1Rule[];
  /** Service accounts bound to the Role; each must be created by this stack (pass its resource's attributes). */
  readonly subjects: BoundServiceAccount[];
  /** Google users, service accounts and groups bound to the Role. @default [] */
  readonly identities?: GoogleIdentity[];
  /** Resources that must exist first (the service accounts). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** A Role and the RoleBinding that grants it to service accounts created in this stack and to Google identities. */
export class NamespacedRole extends Construct {
  constructor(scope: Construct, id: string, props: NamespacedRoleProps) {
    super(scope, id);
    const metadata = { name: props.name, namespace: props.namespace, labels: { ...PART_OF } };
    const role = new RoleV1(this, "role", { metadata, rule: props.rules, dependsOn: props.dependsOn });
    new RoleBindingV1(this, "binding", {
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
      subject: [
        ...props.subjects.map((s) => ({ kind: "ServiceAccount", name: s.name, namespace: s.namespace })),
        ...(props.identities ?? []).map((i) => ({ kind: i.kind, name: i.name, apiGroup: "rbac.authorization.k8s.io" })),
      ],
      dependsOn: props.dependsOn,
    });
  }
}
