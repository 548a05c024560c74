// The metaflow_admin custom role against what the synthesized stacks make Terraform do. Every resource type of
// every stack (shipped config and the options) maps to the IAM permissions its create, read, update and delete
// calls need, every Google resource type to the operation it waits on, and every provider to how it connects; the
// role must hold all of them, and a new resource type or provider fails here until it is mapped.
// Sources: Google Cloud IAM permissions reference (cloud.google.com/iam/docs/permissions-reference) for each API;
// GKE maps every Kubernetes API call to container.<resource>.<verb> (cloud.google.com/kubernetes-engine/docs/how-to/iam).
import { METAFLOW_ADMIN_PERMISSIONS } from "../../constructs/admin-permissions";
import { resourcesOf, synthDev } from "../helpers";

const crud = (prefix: string, verbs = ["create", "get", "update", "delete"]) => verbs.map((v) => `${prefix}.${v}`);
/** A Kubernetes object through GKE: what the kubernetes provider calls, status reads included. */
const k8s = (resource: string, extra: string[] = []) => [
  ...crud(`container.${resource}`, ["create", "get", "list", "update", "delete"]),
  ...extra,
];
const PROJECT_IAM = ["resourcemanager.projects.getIamPolicy", "resourcemanager.projects.setIamPolicy"];

/** Terraform resource and data source types -> the permissions the provider uses for them. */
const BY_TYPE: Record<string, string[]> = {
  google_project_service: ["serviceusage.services.enable", "serviceusage.services.get", "serviceusage.services.list"],
  google_compute_network: ["compute.networks.create", "compute.networks.get", "compute.networks.delete", "compute.networks.updatePolicy"],
  google_compute_subnetwork: [...crud("compute.subnetworks"), "compute.networks.use"],
  // The private service access range is internal; iap access reserves external ones for the UIs' load balancers.
  google_compute_global_address: [
    "compute.globalAddresses.createInternal",
    "compute.globalAddresses.get",
    "compute.globalAddresses.deleteInternal",
    "compute.globalAddresses.create",
    "compute.globalAddresses.delete",
  ],
  // services.access "iap": the UIs' Google-managed certificates (sslCertificates.insert/get/delete) and who may pass
  // IAP (projects/<p>/iap_web:getIamPolicy/setIamPolicy, IAM permissions reference "iap.web.*").
  google_compute_managed_ssl_certificate: [
    "compute.sslCertificates.create",
    "compute.sslCertificates.get",
    "compute.sslCertificates.delete",
  ],
  google_iap_web_iam_member: ["iap.web.getIamPolicy", "iap.web.setIamPolicy"],
  // services.access "internal": a regional internal address in the subnetwork, which the reservation uses.
  google_compute_address: [
    "compute.addresses.createInternal",
    "compute.addresses.get",
    "compute.addresses.deleteInternal",
    "compute.subnetworks.use",
  ],
  google_service_networking_connection: [
    "servicenetworking.services.addPeering",
    "servicenetworking.services.get",
    "compute.networks.removePeering",
  ],
  google_compute_router: crud("compute.routers"),
  // A rule changes the network's policy: insert, patch and delete need compute.networks.updatePolicy as well.
  google_compute_firewall: [...crud("compute.firewalls"), "compute.networks.updatePolicy"],
  // Cloud NAT is a part of the router resource.
  google_compute_router_nat: ["compute.routers.get", "compute.routers.update"],
  google_sql_database_instance: [...crud("cloudsql.instances"), "cloudsql.instances.list"],
  google_sql_database: [...crud("cloudsql.databases"), "cloudsql.databases.list"],
  google_sql_user: [...crud("cloudsql.users"), "cloudsql.users.list"],
  google_storage_bucket: [...crud("storage.buckets"), "storage.objects.list", "storage.objects.delete"],
  // Node pools are sub-resources of the cluster; nodes run as a service account the deployer must be able to use.
  google_container_cluster: [...crud("container.clusters"), "container.operations.get", "iam.serviceAccounts.actAs"],
  google_container_node_pool: [
    "container.clusters.get",
    "container.clusters.update",
    "container.operations.get",
    "iam.serviceAccounts.actAs",
  ],
  google_project_iam_member: PROJECT_IAM,
  // Artifact Registry roles and permissions (cloud.google.com/iam/docs/roles-permissions/artifactregistry).
  google_artifact_registry_repository: crud("artifactregistry.repositories"),
  google_artifact_registry_repository_iam_member: [
    "artifactregistry.repositories.getIamPolicy",
    "artifactregistry.repositories.setIamPolicy",
  ],
  google_project_iam_custom_role: [...crud("iam.roles"), "iam.roles.undelete"],
  // Cloud Monitoring roles and permissions (cloud.google.com/iam/docs/roles-permissions/monitoring).
  google_monitoring_alert_policy: crud("monitoring.alertPolicies"),
  google_monitoring_notification_channel: crud("monitoring.notificationChannels"),
  google_service_account: [...crud("iam.serviceAccounts"), "iam.serviceAccounts.list"],
  google_service_account_key: ["iam.serviceAccountKeys.create", "iam.serviceAccountKeys.get", "iam.serviceAccountKeys.delete"],
  google_service_account_iam_member: ["iam.serviceAccounts.getIamPolicy", "iam.serviceAccounts.setIamPolicy"],
  // Keyless CI: IAM permissions reference, "iam.workloadIdentityPools.*" and "iam.workloadIdentityPoolProviders.*"
  // (each REST method's page, cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools,
  // names the one it needs: create on the parent, get/patch/delete on the resource).
  google_iam_workload_identity_pool: crud("iam.workloadIdentityPools"),
  google_iam_workload_identity_pool_provider: crud("iam.workloadIdentityPoolProviders"),
  // The state bucket's IAM policy (cloud.google.com/storage/docs/access-control/iam-permissions, "buckets.getIamPolicy").
  google_storage_bucket_iam_member: ["storage.buckets.getIamPolicy", "storage.buckets.setIamPolicy"],
  random_id: [],
  random_password: [],
  "data.google_client_config": [],
  // v6.50.0, google/services/resourcemanager/resource_google_project.go (resourceGoogleProjectRead, which the data
  // source runs): Resource Manager projects.get, then Cloud Billing projects.getBillingInfo, which needs
  // resourcemanager.projects.get too (cloud.google.com/billing/docs/reference/rest/v1/projects/getBillingInfo).
  "data.google_project": ["resourcemanager.projects.get"],
  // Reads the infra state: storage.objects.get on the state bucket, granted there, not by this project role.
  "data.terraform_remote_state": [],
  kubernetes_namespace_v1: k8s("namespaces", ["container.namespaces.getStatus"]),
  kubernetes_service_account_v1: k8s("serviceAccounts"),
  kubernetes_secret_v1: k8s("secrets"),
  kubernetes_config_map_v1: k8s("configMaps"),
  // Creating a Role or binding one needs every permission it holds, or escalate / bind.
  kubernetes_role_v1: k8s("roles", ["container.roles.escalate"]),
  kubernetes_role_binding_v1: k8s("roleBindings", ["container.roles.bind"]),
  kubernetes_deployment_v1: k8s("deployments", ["container.deployments.getStatus"]),
  kubernetes_job_v1: k8s("jobs", ["container.jobs.getStatus"]),
  kubernetes_service_v1: k8s("services", ["container.services.getStatus"]),
  kubernetes_ingress_v1: k8s("ingresses", ["container.ingresses.getStatus"]),
  kubernetes_pod_disruption_budget_v1: k8s("podDisruptionBudgets", ["container.podDisruptionBudgets.getStatus"]),
  // Helm keeps each release in Secrets of its namespace and, for wait and atomic rollbacks, follows the rollout.
  helm_release: [...k8s("secrets"), "container.pods.get", "container.pods.list", "container.replicaSets.get", "container.replicaSets.list"],
};

/**
 * What the provider polls while it waits for each Google resource type's create, update and delete: the operation
 * the API returns, read through that API. terraform-provider-google v6.50.0:
 * - `google/services/compute/compute_operation.go` (QueryOp): a compute operation is read from zoneOperations,
 *   regionOperations or globalOperations, whichever scope the API returned it in. Networks and global addresses are
 *   global; subnetworks and routers (Cloud NAT is a router update) regional. No resource type here gets a zonal compute
 *   operation today; the role still holds `compute.zoneOperations.get`, read-only, so one that does cannot stop an
 *   apply at its first wait.
 * - `google/services/servicenetworking/service_networking_operation_hw.go`: servicenetworking's own `operations/*`.
 * - `google/services/serviceusage/serviceusage_operation.go`: serviceusage's own `operations/*`.
 * - `google/services/sql/sqladmin_operation.go`: Cloud SQL's operations, which IAM guards with
 *   `cloudsql.instances.get` (cloud.google.com/sql/docs/postgres/iam-permissions, "operations.get").
 * - `google/services/container/container_operation.go`: GKE's operations.
 * - `google/services/artifactregistry/artifact_registry_operation.go`: Artifact Registry's `operations/*` of the
 *   repository's location. IAM lists no operations permission for Artifact Registry
 *   (cloud.google.com/iam/docs/roles-permissions/artifactregistry); the repository's own read stands for it here.
 * - `google/services/iambeta/iam_beta_operation.go` (QueryOp): the Workload Identity pool's and provider's create,
 *   update and delete (`resource_iam_workload_identity_pool.go`, `resource_iam_workload_identity_pool_provider.go`,
 *   IAMBetaOperationWaitTime) return an operation named under the pool or provider
 *   (`projects/../workloadIdentityPools/<id>/operations/<op>`), read with a GET of that name on the IAM API. IAM lists no
 *   operations permission of its own; the operation is read under its resource, whose `get` stands for it here.
 * Storage, IAM and Resource Manager calls here return their result directly: nothing to poll.
 */
const POLLS: Record<string, string[]> = {
  google_compute_network: ["compute.globalOperations.get"],
  google_compute_global_address: ["compute.globalOperations.get"],
  google_compute_subnetwork: ["compute.regionOperations.get"],
  google_compute_router: ["compute.regionOperations.get"],
  google_compute_router_nat: ["compute.regionOperations.get"],
  google_compute_firewall: ["compute.globalOperations.get"],
  google_compute_managed_ssl_certificate: ["compute.globalOperations.get"],
  google_compute_address: ["compute.regionOperations.get"],
  // IAM policies answer directly.
  google_iap_web_iam_member: [],
  google_service_networking_connection: ["servicenetworking.operations.get"],
  google_project_service: ["serviceusage.operations.get"],
  google_sql_database_instance: ["cloudsql.instances.get"],
  google_sql_database: ["cloudsql.instances.get"],
  google_sql_user: ["cloudsql.instances.get"],
  google_container_cluster: ["container.operations.get"],
  google_container_node_pool: ["container.operations.get"],
  google_artifact_registry_repository: ["artifactregistry.repositories.get"],
  google_artifact_registry_repository_iam_member: [],
  google_iam_workload_identity_pool: ["iam.workloadIdentityPools.get"],
  google_iam_workload_identity_pool_provider: ["iam.workloadIdentityPoolProviders.get"],
  google_storage_bucket_iam_member: [],
  google_storage_bucket: [],
  google_project_iam_member: [],
  google_project_iam_custom_role: [],
  google_service_account: [],
  google_service_account_key: [],
  google_service_account_iam_member: [],
  // The Monitoring API creates, changes and deletes policies and channels in the call itself.
  google_monitoring_alert_policy: [],
  google_monitoring_notification_channel: [],
};

/**
 * How each provider reaches what it manages, on every call. The services stack's kubernetes and helm providers
 * connect to GKE's DNS-based endpoint, where Google's front end checks `container.clusters.connect` before a request
 * reaches the API server (cloud.google.com/kubernetes-engine/docs/concepts/network-isolation, "DNS-based endpoint").
 * The google provider authenticates with the caller's token alone; random calls nothing.
 */
const BY_PROVIDER: Record<string, string[]> = {
  google: [],
  random: [],
  kubernetes: ["container.clusters.connect"],
  helm: ["container.clusters.connect"],
};

/**
 * What each chart creates, read from `helm template` of argo-helm argo-workflows 0.47.5 and argo-events 2.4.22 with
 * the values this app synthesizes, and of the local chart (charts/metaflow-argo-events): the kinds and their GKE
 * permissions. Custom resources (EventBus, EventSource) are container.thirdPartyObjects in GKE's IAM.
 */
const BY_CHART: Record<string, string[]> = {
  "argo-workflows": [
    ...k8s("clusterRoles", ["container.clusterRoles.bind", "container.clusterRoles.escalate"]),
    ...k8s("clusterRoleBindings"),
    ...k8s("configMaps"),
    ...k8s("customResourceDefinitions"),
    ...k8s("deployments", ["container.deployments.getStatus"]),
    ...k8s("services"),
    ...k8s("serviceAccounts"),
  ],
  "argo-events": [
    ...k8s("clusterRoles", ["container.clusterRoles.bind", "container.clusterRoles.escalate"]),
    ...k8s("clusterRoleBindings"),
    ...k8s("configMaps"),
    ...k8s("customResourceDefinitions"),
    ...k8s("deployments", ["container.deployments.getStatus"]),
    ...k8s("serviceAccounts"),
  ],
  "metaflow-argo-events": k8s("thirdPartyObjects"),
  // The local chart of services.access "iap": BackendConfigs, custom resources.
  "metaflow-backend-configs": k8s("thirdPartyObjects"),
  // kubernetes-sigs/jobset v0.12.0, charts/jobset/templates with certManager, prometheus and the PodDisruptionBudget
  // off: the CRD (crds/), the controller's ClusterRoles, Roles and bindings, its ConfigMap, Deployment, ServiceAccount,
  // webhook Service and certificate Secret, and the two webhook configurations.
  jobset: [
    ...k8s("clusterRoles", ["container.clusterRoles.bind", "container.clusterRoles.escalate"]),
    ...k8s("clusterRoleBindings"),
    ...k8s("roles", ["container.roles.bind", "container.roles.escalate"]),
    ...k8s("roleBindings"),
    ...k8s("configMaps"),
    ...k8s("customResourceDefinitions"),
    ...k8s("deployments", ["container.deployments.getStatus"]),
    ...k8s("services"),
    ...k8s("serviceAccounts"),
    ...k8s("secrets"),
    ...k8s("mutatingWebhookConfigurations"),
    ...k8s("validatingWebhookConfigurations"),
  ],
};

/** Every stack of the shipped config and of configs that turn on each option that adds resource types. */
const variants = [
  synthDev(),
  synthDev((e) => {
    e.identity = { createAdminRole: true, flowRunners: ["group:ml@example.com"] };
    e.services = { replicas: 2 };
  }),
  synthDev((e, raw) => {
    raw.stateBackend = { bucket: "acme-terraform-state" };
    e.ci = { github: { repository: "acme/ml-platform" } };
  }),
  synthDev((e) => {
    delete e.zone;
    e.cluster = { mode: "autopilot", regional: true };
  }),
  synthDev((e) => (e.alerts = { emails: ["oncall@example.com"] })),
  synthDev((e) => {
    e.identity = { flowRunners: ["group:ml@example.com"] };
    e.services = { access: { mode: "iap", uiHost: "metaflow.example.com", argoHost: "argo.example.com" } };
  }),
  synthDev((e) => (e.services = { access: { mode: "internal", address: "10.10.0.50" } })),
];
const stacks = variants.flatMap((v) => [v.infraJson, v.servicesJson]);

function typesOf(json: any): string[] {
  return [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {}).map((t) => `data.${t}`)];
}

const held = new Set(METAFLOW_ADMIN_PERMISSIONS);

/** The providers a stack configures. */
const providersOf = (json: any): string[] => Object.keys(json.provider ?? {});
/** Every Google resource type of a stack (data sources read directly and poll nothing). */
const googleTypesOf = (json: any): string[] => Object.keys(json.resource ?? {}).filter((t) => t.startsWith("google_"));

test("every resource type of every stack has a permission mapping", () => {
  const unmapped = [...new Set(stacks.flatMap(typesOf))].filter((t) => !(t in BY_TYPE));
  expect(unmapped).toEqual([]);
});

test("every Google resource type states the operation it waits on, and every provider how it connects", () => {
  expect([...new Set(stacks.flatMap(googleTypesOf))].filter((t) => !(t in POLLS))).toEqual([]);
  expect([...new Set(stacks.flatMap(providersOf))].filter((p) => !(p in BY_PROVIDER))).toEqual([]);
});

test("every Helm release's chart has a mapping of the kinds it creates", () => {
  const releases = stacks.flatMap((s) => Object.values<any>(resourcesOf(s, "helm_release")).map((r) => r.name));
  expect([...new Set(releases)].filter((name) => !(name in BY_CHART))).toEqual([]);
});

test("metaflow_admin holds every permission the stacks need", () => {
  const needed = new Set<string>();
  for (const s of stacks) {
    for (const t of typesOf(s)) [...(BY_TYPE[t] ?? []), ...(POLLS[t] ?? [])].forEach((p) => needed.add(p));
    for (const provider of providersOf(s)) BY_PROVIDER[provider]?.forEach((p) => needed.add(p));
    for (const r of Object.values<any>(resourcesOf(s, "helm_release"))) BY_CHART[r.name]?.forEach((p) => needed.add(p));
  }
  expect([...needed].filter((p) => !held.has(p)).sort()).toEqual([]);
});

test("metaflow_admin has no permission twice and none on organizations or folders", () => {
  expect(new Set(METAFLOW_ADMIN_PERMISSIONS).size).toBe(METAFLOW_ADMIN_PERMISSIONS.length);
  expect(METAFLOW_ADMIN_PERMISSIONS.filter((p) => /^resourcemanager\.(organizations|folders)\./.test(p))).toEqual([]);
});
