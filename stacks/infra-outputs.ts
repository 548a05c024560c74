// The contract between an environment's two stacks: the infra stack writes these Terraform outputs,
// the services stack reads them from the infra stack's state.
import { TerraformOutput, TerraformRemoteState, TerraformStack } from "cdktf";
import { RegistryCaches } from "../lib/image-refs";

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
  secretManagerPrefix: "secret_manager_prefix",
  flowImages: "flow_image_repository",
  imageCacheDockerHub: "image_cache_docker_hub",
  imageCacheQuay: "image_cache_quay",
} as const;

/** Outputs that hold secrets and are written as sensitive. */
export const SENSITIVE_INFRA_OUTPUTS: ReadonlySet<string> = new Set([
  INFRA_OUTPUTS.metaflowDbPassword,
  INFRA_OUTPUTS.argoDbPassword,
  INFRA_OUTPUTS.serviceAccountKey,
]);

export type InfraOutputKey = keyof typeof INFRA_OUTPUTS;
/** Outputs written only when a setting asks for them: the archive's login, the service account's key, the caches. */
type OptionalKey = "argoDbName" | "argoDbUser" | "argoDbPassword" | "serviceAccountKey" | "imageCacheDockerHub" | "imageCacheQuay";

/** The outputs every infra stack writes. */
export type InfraOutputs = Record<Exclude<InfraOutputKey, OptionalKey>, string> & {
  /** The workflow archive's database and login, when services.argoWorkflowArchive is on. */
  readonly argoDb?: { readonly name: string; readonly user: string; readonly password: string };
  /** The Metaflow service account's key (sensitive), when identity.createKey is on. */
  readonly serviceAccountKey?: string;
  /** Pull paths of the registry caches, when imageCache.enabled is on. */
  readonly imageCache?: RegistryCaches;
};

/** Writes the infra stack's outputs; the optional ones only when present. */
export function writeInfraOutputs(stack: TerraformStack, outputs: InfraOutputs): void {
  const { argoDb, imageCache, ...rest } = outputs;
  const flat: Partial<Record<InfraOutputKey, string>> = {
    ...rest,
    argoDbName: argoDb?.name,
    argoDbUser: argoDb?.user,
    argoDbPassword: argoDb?.password,
    imageCacheDockerHub: imageCache?.dockerHub,
    imageCacheQuay: imageCache?.quay,
  };
  for (const [key, name] of Object.entries(INFRA_OUTPUTS) as [InfraOutputKey, string][]) {
    const value = flat[key];
    if (value !== undefined) new TerraformOutput(stack, name, { value, sensitive: SENSITIVE_INFRA_OUTPUTS.has(name) || undefined });
  }
}

/** Reads the infra outputs from a remote state data source; the optional ones only when the settings wrote them. */
export function readInfraOutputs(
  state: Pick<TerraformRemoteState, "getString">,
  written: { argoDb: boolean; serviceAccountKey: boolean; imageCache: boolean },
): InfraOutputs {
  const read = (key: InfraOutputKey) => state.getString(INFRA_OUTPUTS[key]);
  return {
    project: read("project"),
    region: read("region"),
    clusterName: read("clusterName"),
    clusterLocation: read("clusterLocation"),
    clusterEndpoint: read("clusterEndpoint"),
    clusterCaCertificate: read("clusterCaCertificate"),
    workloadPool: read("workloadPool"),
    bucketName: read("bucketName"),
    datastoreRoot: read("datastoreRoot"),
    sqlInstanceName: read("sqlInstanceName"),
    sqlConnectionName: read("sqlConnectionName"),
    sqlPrivateIp: read("sqlPrivateIp"),
    metaflowDbName: read("metaflowDbName"),
    metaflowDbUser: read("metaflowDbUser"),
    metaflowDbPassword: read("metaflowDbPassword"),
    serviceAccountEmail: read("serviceAccountEmail"),
    serviceAccountName: read("serviceAccountName"),
    secretManagerPrefix: read("secretManagerPrefix"),
    flowImages: read("flowImages"),
    argoDb: written.argoDb ? { name: read("argoDbName"), user: read("argoDbUser"), password: read("argoDbPassword") } : undefined,
    serviceAccountKey: written.serviceAccountKey ? read("serviceAccountKey") : undefined,
    imageCache: written.imageCache ? { dockerHub: read("imageCacheDockerHub"), quay: read("imageCacheQuay") } : undefined,
  };
}
