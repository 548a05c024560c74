import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { ServiceAccountKey } from "@cdktf/provider-google/lib/service-account-key";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DEFAULTS } from "../lib/defaults";
import { METAFLOW_ADMIN_PERMISSIONS } from "./admin-permissions";

export interface MetaflowIdentityProps {
  readonly project: string;
  /** Account id of the Metaflow service account. */
  readonly serviceAccountId: string;
  /** The datastore bucket; object access is conditioned on it. */
  readonly bucketName: string;
  /** Name of the Cloud SQL instance; client access is conditioned on it. */
  readonly sqlInstanceName: string;
  /** Create a key for the service account, a credential that never expires. @default false */
  readonly createKey?: boolean;
  /** Users, groups and service accounts who run flows. @default [] */
  readonly flowRunners?: string[];
  /** Principals that may act as the service account without a key (Token Creator on it only). @default [] */
  readonly impersonators?: string[];
  /**
   * "namespace": flow runners and the service account may only fetch cluster credentials (Cluster Viewer); what they
   * may do inside is Kubernetes RBAC in the jobs namespace. "project": Kubernetes Engine Developer on the project,
   * which reads every Secret of every cluster in it.
   */
  readonly flowRunnerAccess: "namespace" | "project";
  /** Id of the custom role with the deployer's permissions, created when set. @default none (not created) */
  readonly adminRoleId?: string;
  /** Resources (e.g. API enablement) that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** A role granted at project level, optionally narrowed by an IAM condition. */
interface Grant {
  readonly id: string;
  readonly role: string;
  readonly condition?: { title: string; description: string; expression: string };
}

/**
 * The Metaflow service account, its key, and the roles it and the flow runners need.
 * Object and SQL access are scoped by IAM conditions to this deployment's bucket and instance.
 */
export class MetaflowIdentity extends Construct {
  readonly email: string;
  /** `serviceAccount:<email>`. */
  readonly member: string;
  /** Full resource name, for service-account IAM bindings (Workload Identity). */
  readonly serviceAccountName: string;
  /** `projects/<p>/roles/<adminRoleId>`, when adminRoleId is set (a reference, so users wait for the role). */
  readonly adminRoleName?: string;
  /** Base64 JSON key (sensitive); undefined when keys are turned off. */
  readonly privateKey?: string;
  private readonly project: string;

  constructor(scope: Construct, id: string, props: MetaflowIdentityProps) {
    super(scope, id);
    const project = (this.project = props.project);

    const sa = new ServiceAccount(this, "service-account", {
      project,
      accountId: props.serviceAccountId,
      displayName: "Metaflow",
      description: "Runs Metaflow flows and services: datastore bucket, Cloud SQL and GKE access",
      dependsOn: props.dependsOn,
    });
    this.email = sa.email;
    this.member = sa.member;
    this.serviceAccountName = sa.name;

    if (props.createKey ?? DEFAULTS.identity.createKey) {
      // An explicit opt-in for CI that can neither impersonate nor federate; pods use Workload Identity instead.
      this.privateKey = new ServiceAccountKey(this, "key", { serviceAccountId: sa.name }).privateKey;
    }
    // Keyless CI and service users: short-lived tokens of this account only, minted by their own identity.
    for (const member of props.impersonators ?? []) {
      new ServiceAccountIamMember(this, `impersonator-${member}`, {
        serviceAccountId: sa.name,
        role: "roles/iam.serviceAccountTokenCreator",
        member,
      });
    }

    const bucket = `projects/_/buckets/${props.bucketName}`;
    const bucketGrant: Grant = {
      id: "storage-object-admin",
      role: "roles/storage.objectAdmin",
      condition: {
        title: "metaflow-datastore-only",
        description: `Objects of the bucket ${props.bucketName} only`,
        // The trailing slash keeps a bucket whose name merely starts with ours out of scope.
        expression: `resource.name == "${bucket}" || resource.name.startsWith("${bucket}/")`,
      },
    };
    // GKE has no per-cluster IAM role: Developer spans every cluster of the project, Cluster Viewer only lets its
    // holder fetch credentials (and connect through the DNS endpoint), leaving everything inside to RBAC.
    const clusterGrant: Grant =
      props.flowRunnerAccess === "project"
        ? { id: "container-developer", role: "roles/container.developer" }
        : { id: "container-cluster-viewer", role: "roles/container.clusterViewer" };
    const sqlGrant: Grant = {
      id: "cloudsql-client",
      role: "roles/cloudsql.client",
      condition: {
        title: "metaflow-sql-instance-only",
        description: "The Metaflow Cloud SQL instance only",
        expression: `resource.name == "projects/${project}/instances/${props.sqlInstanceName}"`,
      },
    };

    // The service account is a flow runner too: its key runs flows from laptops and CI, and every pod of the jobs
    // namespace can act as it through Workload Identity.
    for (const grant of [bucketGrant, clusterGrant, sqlGrant]) this.grant(grant, sa.member, "sa");
    (props.flowRunners ?? []).forEach((member) => {
      for (const grant of [clusterGrant, bucketGrant]) this.grant(grant, member, `runner-${member}`);
    });

    if (props.adminRoleId !== undefined) {
      this.adminRoleName = new ProjectIamCustomRole(this, "admin-role", {
        project,
        roleId: props.adminRoleId,
        title: "Metaflow admin",
        description: "Permissions to deploy the Metaflow platform with metaflow-gcp",
        permissions: METAFLOW_ADMIN_PERMISSIONS,
        stage: "GA",
      }).name;
    }
  }

  private grant(grant: Grant, member: string, who: string) {
    new ProjectIamMember(this, `${who}-${grant.id}`, { project: this.project, role: grant.role, member, condition: grant.condition });
  }
}
