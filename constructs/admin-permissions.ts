// The permissions a deployer needs, from Metaflow's GCP deployment guide plus what this app's stacks add, as the
// optional `metaflow_admin` custom role (identity.createAdminRole). `npm run admin-role` prints them as a role file;
// __tests__/contracts/gcp-deployer-permissions.test.ts maps every synthesized resource type to what it needs.
/** Permissions as [resource, verbs]: `compute.routers` with `create` is `compute.routers.create`. */
const PERMISSIONS_BY_RESOURCE: [string, string[]][] = [
  // Beyond the guide's list: Cloud NAT's router, API enablement, node-pool and key updates,
  // and reading the project IAM policy (every google_project_iam_member reads it first).
  ["compute.routers", ["create", "delete", "get", "update"]],
  ["container.clusters", ["update"]],
  // The services stack's kubernetes and helm providers reach the cluster through GKE's DNS-based endpoint, where
  // IAM checks this on every request before the API server sees it.
  ["container.clusters", ["connect"]],
  // `npm run verify` (CI's deploy runs it as the deployer) reads each Service's EndpointSlices.
  ["container.endpointSlices", ["list"]],
  // The google provider waits for each long-running operation by polling it: compute operations in the scope the
  // API returns them (global, regional or zonal), private service access and API enablement through their APIs.
  ["compute.globalOperations", ["get"]],
  ["compute.regionOperations", ["get"]],
  ["compute.zoneOperations", ["get"]],
  ["servicenetworking.operations", ["get"]],
  ["serviceusage.operations", ["get"]],
  ["iam.serviceAccountKeys", ["delete"]],
  ["resourcemanager.projects", ["getIamPolicy"]],
  ["serviceusage.services", ["enable", "get", "list"]],
  ["storage.buckets", ["update"]],
  // The subnetwork's secondary ranges and the service account's description change in place.
  ["compute.subnetworks", ["update"]],
  ["iam.serviceAccounts", ["update"]],
  // The metaflow_admin role itself, when this app manages it.
  ["iam.roles", ["create", "delete", "get", "undelete", "update"]],
  // Keyless CI (ci): the Workload Identity pool and its GitHub provider, and the CI accounts' grants on a state bucket
  // of this project (the provider waits on their operations by reading them, under the pool's and provider's names).
  ["iam.workloadIdentityPools", ["create", "delete", "get", "update"]],
  ["iam.workloadIdentityPoolProviders", ["create", "delete", "get", "update"]],
  ["storage.buckets", ["getIamPolicy", "setIamPolicy"]],
  // The migrations Job, the PodDisruptionBudgets of replicated services, the EventBus and EventSource (custom
  // resources are "third-party objects" in GKE's IAM), and Helm following a rollout for wait and atomic rollbacks.
  ["container.jobs", ["create", "delete", "get", "getStatus", "list", "update"]],
  ["container.podDisruptionBudgets", ["create", "delete", "get", "getStatus", "list", "update"]],
  ["container.thirdPartyObjects", ["create", "delete", "get", "list", "update"]],
  ["container.pods", ["get", "list"]],
  ["container.replicaSets", ["get", "list"]],
  // Cloud Monitoring alerts (alerts): the policies and their email channels; both APIs answer at once (no operation).
  ["monitoring.alertPolicies", ["create", "delete", "get", "update"]],
  ["monitoring.notificationChannels", ["create", "delete", "get", "update"]],
  // services.access: "iap" reserves the UIs' external addresses and Google-managed certificates, grants who may pass
  // IAP and creates the Ingresses (BackendConfigs are third-party objects); "internal" reserves an address in the
  // subnetwork. The load balancers themselves are made by GKE's own service agent.
  ["compute.globalAddresses", ["create", "delete"]],
  ["compute.sslCertificates", ["create", "delete", "get"]],
  ["iap.web", ["getIamPolicy", "setIamPolicy"]],
  ["container.ingresses", ["create", "delete", "get", "getStatus", "list", "update"]],
  ["compute.addresses", ["createInternal", "deleteInternal", "get"]],
  ["compute.subnetworks", ["use"]],
  // The registry caches (Artifact Registry remote repositories) and the nodes' grants on them.
  ["artifactregistry.repositories", ["create", "delete", "get", "getIamPolicy", "setIamPolicy", "update"]],
  ["cloudsql.backupRuns", ["create", "delete", "get", "list"]],
  ["cloudsql.databases", ["create", "delete", "get", "list", "update"]],
  [
    "cloudsql.instances",
    [
      "addServerCa",
      "clone",
      "connect",
      "create",
      "createTagBinding",
      "delete",
      "deleteTagBinding",
      "demoteMaster",
      "export",
      "failover",
      "get",
      "import",
      "list",
      "listEffectiveTags",
      "listServerCas",
      "listTagBindings",
      "login",
      "promoteReplica",
      "resetSslConfig",
      "restart",
      "restoreBackup",
      "rotateServerCa",
      "startReplica",
      "stopReplica",
      "truncateLog",
      "update",
    ],
  ],
  ["cloudsql.sslCerts", ["create", "delete", "get", "list"]],
  ["cloudsql.users", ["create", "delete", "get", "list", "update"]],
  ["compute.firewalls", ["create", "delete", "get", "update"]],
  ["compute.globalAddresses", ["createInternal", "deleteInternal", "get"]],
  ["compute.instanceGroupManagers", ["get"]],
  ["compute.networks", ["create", "delete", "get", "removePeering", "updatePolicy", "use"]],
  ["compute.subnetworks", ["create", "delete", "get"]],
  ["container.clusterRoleBindings", ["create", "delete", "get", "list", "update"]],
  ["container.clusterRoles", ["bind", "create", "delete", "escalate", "get", "list", "update"]],
  ["container.clusters", ["create", "delete", "get"]],
  ["container.configMaps", ["create", "delete", "get", "list", "update"]],
  ["container.customResourceDefinitions", ["create", "delete", "get", "getStatus", "list", "update", "updateStatus"]],
  [
    "container.deployments",
    ["create", "delete", "get", "getScale", "getStatus", "list", "rollback", "update", "updateScale", "updateStatus"],
  ],
  ["container.mutatingWebhookConfigurations", ["create", "delete", "get", "list", "update"]],
  ["container.namespaces", ["create", "delete", "finalize", "get", "getStatus", "list", "update", "updateStatus"]],
  ["container.operations", ["get"]],
  ["container.priorityClasses", ["create", "delete", "get", "list", "update"]],
  ["container.roleBindings", ["create", "delete", "get", "list", "update"]],
  ["container.roles", ["bind", "create", "delete", "escalate", "get", "list", "update"]],
  ["container.secrets", ["create", "delete", "get", "list", "update"]],
  ["container.serviceAccounts", ["create", "createToken", "delete", "get", "list", "update"]],
  ["container.services", ["create", "delete", "get", "getStatus", "list", "proxy", "update", "updateStatus"]],
  ["container.validatingWebhookConfigurations", ["create", "delete", "get", "list", "update"]],
  ["edgecontainer.clusters", ["create"]],
  ["iam.serviceAccountKeys", ["create", "get"]],
  ["iam.serviceAccounts", ["actAs", "create", "delete", "get", "getIamPolicy", "list", "setIamPolicy"]],
  ["resourcemanager.projects", ["get", "setIamPolicy"]],
  ["servicenetworking.services", ["addPeering", "get"]],
  ["storage.buckets", ["create", "delete", "get"]],
  ["storage.objects", ["delete", "list"]],
];

export const METAFLOW_ADMIN_PERMISSIONS: string[] = PERMISSIONS_BY_RESOURCE.flatMap(([resource, verbs]) =>
  verbs.map((verb) => `${resource}.${verb}`),
);
