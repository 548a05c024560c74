import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/**
 * What a node needs on the project and nothing more: write logs and metrics. Reading images is granted on exactly the
 * repositories the nodes pull from (the registry caches' grantRead), not on every repository of the project.
 */
export const NODE_ROLES = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/monitoring.viewer",
  "roles/stackdriver.resourceMetadata.writer",
];

export interface NodeServiceAccountProps {
  readonly project: string;
  /** Account id. */
  readonly accountId: string;
  /** Name of the cluster whose nodes run as it. */
  readonly clusterName: string;
  /** Resources (e.g. API enablement) that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The nodes' own service account, holding NODE_ROLES: nodes never run as the Compute Engine default service account
 * (which holds Editor). Created in the cluster's scope, so the resources keep the cluster's addresses.
 */
export function nodeServiceAccount(scope: Construct, props: NodeServiceAccountProps): ServiceAccount {
  const account = new ServiceAccount(scope, "node-service-account", {
    project: props.project,
    accountId: props.accountId,
    displayName: `GKE nodes of ${props.clusterName}`,
    dependsOn: props.dependsOn,
  });
  for (const role of NODE_ROLES) {
    new ProjectIamMember(scope, `node-${role.split("/")[1].replace(/\./g, "-")}`, { project: props.project, role, member: account.member });
  }
  return account;
}
