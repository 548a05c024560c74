// Facts about the providers the review relies on: which types hold data, and which arguments a provider
// cannot update in place (a change plans a replacement). Only well-known ones: a missing entry under-reports,
// never over-reports. Paths are written without block indices: "settings.tier", not "settings[0].tier".

/** Types whose replacement loses data or takes down what runs on them. */
export const STATEFUL_TYPES =
  /^(google_sql_database_instance|google_sql_database|google_storage_bucket|google_container_cluster|google_container_node_pool|google_compute_disk|google_filestore_instance|google_redis_instance|google_bigquery_dataset|kubernetes_persistent_volume_claim(_v1)?|kubernetes_persistent_volume(_v1)?|kubernetes_namespace(_v1)?)$/;

const IAM_MEMBER = (target: string) => new RegExp(`^(${target}|role|member|condition\\b.*)$`);
const K8S_OBJECT = /^metadata\.(name|namespace)$/;

/**
 * Arguments that force a replacement, by type (google 6.x, kubernetes 2.x, helm 3.x, random 3.x: the
 * `ForceNew`/`RequiresReplace` arguments of each schema, and `immutable` fields of the generated google ones).
 */
export const FORCE_NEW: Record<string, RegExp> = {
  google_sql_database_instance: /^(name|region|project|master_instance_name|encryption_key_name)$/,
  google_sql_database: /^(name|instance|project)$/,
  google_sql_user: /^(name|instance|host|project|type)$/,
  google_storage_bucket: /^(name|location|project)$/,
  google_container_cluster:
    /^(name|location|project|network|subnetwork|enable_autopilot|networking_mode|ip_allocation_policy\b.*|private_cluster_config\.master_ipv4_cidr_block)$/,
  google_container_node_pool: /^(name|name_prefix|cluster|location|project)$/,
  google_compute_disk: /^(name|zone|project|type|image|snapshot)$/,
  google_compute_network: /^(name|project|auto_create_subnetworks)$/,
  google_compute_subnetwork: /^(name|region|network|project)$/,
  google_compute_router: /^(name|region|network|project)$/,
  google_compute_router_nat: /^(name|router|region|project)$/,
  google_compute_global_address: /^(name|address|address_type|prefix_length|purpose|network|project|ip_version|description)$/,
  google_service_networking_connection: /^(network|service)$/,
  google_project_service: /^(service|project)$/,
  google_service_account: /^(account_id|project)$/,
  google_service_account_key: /^(service_account_id|keepers\b.*|key_algorithm|private_key_type|public_key_type)$/,
  google_project_iam_member: IAM_MEMBER("project"),
  google_service_account_iam_member: IAM_MEMBER("service_account_id"),
  google_storage_bucket_iam_member: IAM_MEMBER("bucket"),
  kubernetes_persistent_volume_claim: /^(metadata\.(name|namespace)|spec\.(storage_class_name|access_modes\b.*))$/,
  kubernetes_persistent_volume_claim_v1: /^(metadata\.(name|namespace)|spec\.(storage_class_name|access_modes\b.*))$/,
  kubernetes_role_binding_v1: /^(metadata\.(name|namespace)|role_ref\b.*)$/,
  kubernetes_cluster_role_binding_v1: /^(metadata\.name|role_ref\b.*)$/,
  kubernetes_secret_v1: /^(metadata\.(name|namespace)|type)$/,
  kubernetes_job_v1:
    /^(metadata\.(name|namespace)|spec\.(template|completions|completion_mode|backoff_limit_per_index|pod_failure_policy|selector)\b.*)$/,
  helm_release: /^(name|namespace)$/,
  random_id: /^(byte_length|keepers\b.*|prefix)$/,
  // Every argument of random_password forces a new password.
  random_password: /.*/,
};

/** Diff path as text: ["settings", 0, "tier"] -> "settings[0].tier". */
export function pathText(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** True when a change at `path` (e.g. "settings[0].tier") of a resource of `type` plans its replacement. */
export function forcesNew(type: string, path: string): boolean {
  const pattern = FORCE_NEW[type] ?? (/^kubernetes_/.test(type) ? K8S_OBJECT : undefined);
  return pattern !== undefined && pattern.test(path.replace(/\[\d+\]/g, ""));
}
