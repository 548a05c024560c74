// The contract between an environment's two stacks: the infra stack writes these Terraform outputs,
// the services stack reads them from the infra stack's state.
import { TerraformRemoteState } from "cdktf";

/** Terraform output names of the infra stack, keyed by the attribute the services stack reads. */
export const INFRA_OUTPUTS = {
  project: "project_id",
  region: "region",
  clusterName: "cluster_name",
  clusterLocation: "cluster_location",
  clusterEndpoint: "cluster_endpoint",
  clusterCaCertificate: "cluster_ca_certificate",
  workloadPool: "workload_identity_pool",
  bucketName: "bucket_name",
  datastoreRoot: "datastore_root",
  sqlInstanceName: "sql_instance_name",
  sqlConnectionName: "sql_connection_name",
  sqlPrivateIp: "sql_private_ip",
  metaflowDbName: "metaflow_db_name",
  metaflowDbUser: "metaflow_db_user",
  metaflowDbPassword: "metaflow_db_password",
  argoDbName: "argo_db_name",
  argoDbUser: "argo_db_user",
  argoDbPassword: "argo_db_password",
  serviceAccountEmail: "metaflow_service_account_email",
  serviceAccountName: "metaflow_service_account_name",
  serviceAccountKey: "metaflow_service_account_key",
} as const;

/** Outputs that hold secrets and are written as sensitive. */
export const SENSITIVE_INFRA_OUTPUTS: ReadonlySet<string> = new Set([
  INFRA_OUTPUTS.metaflowDbPassword,
  INFRA_OUTPUTS.argoDbPassword,
  INFRA_OUTPUTS.serviceAccountKey,
]);

export type InfraOutputKey = keyof typeof INFRA_OUTPUTS;

/** The infra stack's outputs as tokens of the services stack; the argo_db_* ones exist only when the archive is on. */
export type InfraOutputs = Record<InfraOutputKey, string>;

/** Reads every infra output from a remote state data source. */
export function readInfraOutputs(state: TerraformRemoteState): InfraOutputs {
  const entries = Object.entries(INFRA_OUTPUTS).map(([key, output]) => [key, state.getString(output)]);
  return Object.fromEntries(entries) as InfraOutputs;
}
