// The infra stack as the app builds it: providers, outputs, backend, and how the configuration and the constructs'
// exposed attributes are wired together. What each construct does with its props is in __tests__/constructs/.
import { NODE_ROLES } from "../constructs/cluster";
import { METAFLOW_ADMIN_PERMISSIONS } from "../constructs/admin-permissions";
import { INFRA_OUTPUTS, SENSITIVE_INFRA_OUTPUTS } from "../stacks/infra-outputs";
import { onlyResource, resourcesOf, synthDev } from "./helpers";

/** One non-default value for many infra settings at once: each must reach its construct. */
const changed = synthDev((e) => {
  e.enableApis = false;
  e.labels = { "cost-center": "ml-platform" };
  e.database = { availability: "REGIONAL", deletionProtection: false, generation: 2 };
  e.services = { argoWorkflowArchive: false };
  e.storage = { bucketName: "acme-ml-artifacts", location: "EU", deleteAfterDays: 90, versioning: false };
  // A regional cluster takes no zone.
  delete e.zone;
  // 60 platform and 15 flows nodes at most: limits that cover them.
  e.cluster = {
    regional: true,
    minNodes: 0,
    maxNodes: 20,
    cpuLimits: { min: 1, max: 300 },
    memoryLimitsGb: { min: 2, max: 1200 },
    masterAuthorizedNetworks: [{ cidr: "203.0.113.0/24", name: "office" }],
  };
  e.identity = {
    createKey: true,
    impersonators: ["serviceAccount:ci@acme-ops.iam.gserviceaccount.com"],
    flowRunners: ["group:ml@example.com", "user:a@example.com"],
    createAdminRole: true,
  };
});
const dev = synthDev();
/** The other modes: project-wide flow-runner access, an Autopilot cluster on its IP endpoint. */
const projectMode = synthDev((e) => {
  delete e.zone;
  e.cluster = { mode: "autopilot", regional: true, controlPlaneEndpoint: "ip" };
  e.identity = { flowRunners: ["group:ml@example.com"], flowRunnerAccess: "project" };
});
const members = (json: any) => Object.values(resourcesOf(json, "google_project_iam_member")) as any[];
/** The project grants of the Metaflow identity construct (the secrets' grants are FlowSecrets'). */
const identityMembers = (json: any) =>
  Object.entries<any>(resourcesOf(json, "google_project_iam_member"))
    .filter(([name]) => name.startsWith("identity_"))
    .map(([, m]) => m);
/** The Terraform name of the only resource of a type whose attribute has this value. */
const nameWhere = (json: any, type: string, key: string, value: unknown) =>
  Object.entries(resourcesOf(json, type)).find(([, r]: any) => r[key] === value)![0];

describe("infra stack", () => {
  const { infraJson, infraSynth } = dev;

  test("pins the provider versions of the bindings", () => {
    expect(infraJson.terraform.required_providers).toEqual({
      google: { source: "google", version: "6.50.0" },
      random: { source: "hashicorp/random", version: "3.7.2" },
    });
  });

  test("writes every output the services stack and users read, secrets as sensitive", () => {
    // The opt-in key's output too.
    const json = synthDev((e) => (e.identity = { createKey: true })).infraJson;
    for (const name of Object.values(INFRA_OUTPUTS)) {
      expect(json.output[name]).toBeDefined();
      expect(json.output[name].sensitive === true).toBe(SENSITIVE_INFRA_OUTPUTS.has(name));
    }
    expect(json.output.datastore_root.value).toBe("gs://my-metaflow-project-metaflow-dev/metaflow");
    expect(json.output.metaflow_service_account_key.value).toMatch(/google_service_account_key\.\S+\.private_key/);
  });

  test("has no key output by default, and no archive outputs when the archive is off", () => {
    expect(infraJson.output.metaflow_service_account_key).toBeUndefined();
    expect(changed.infraJson.output.argo_db_password).toBeUndefined();
  });

  test("every output that carries a password or key is sensitive", () => {
    for (const [name, output] of Object.entries<any>(infraJson.output)) {
      if (/random_password|private_key/.test(JSON.stringify(output.value))) expect([name, output.sensitive]).toEqual([name, true]);
    }
  });

  test("enables the APIs first", () => {
    const services = Object.values(resourcesOf(infraJson, "google_project_service")).map((s: any) => s.service);
    expect(services).toEqual(
      expect.arrayContaining(["container.googleapis.com", "sqladmin.googleapis.com", "servicenetworking.googleapis.com"]),
    );
    const cluster: any = Object.values(resourcesOf(infraJson, "google_container_cluster"))[0];
    expect(cluster.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_project_service\.apis_container_\w+$/)]));
    expect(resourcesOf(changed.infraJson, "google_project_service")).toEqual({});
  });

  test("labels every resource through the provider", () => {
    expect(infraJson.provider.google[0].default_labels).toEqual({ "managed-by": "metaflow-gcp", "metaflow-environment": "dev" });
    const labelled = changed.infraJson;
    expect(labelled.provider.google[0].default_labels["cost-center"]).toBe("ml-platform");
  });

  test("matches the reviewed snapshot", () => {
    expect(infraSynth).toMatchSnapshot();
  });
});

describe("state backend", () => {
  test("is local, in the project root, by default", () => {
    const { infraJson, servicesJson } = dev;
    expect(infraJson.terraform.backend).toEqual({ local: { path: "../../../terraform.dev-infra.tfstate" } });
    expect(servicesJson.terraform.backend).toEqual({ local: { path: "../../../terraform.dev-services.tfstate" } });
    expect(servicesJson.data.terraform_remote_state.infra).toMatchObject({
      backend: "local",
      config: { path: "../../../terraform.dev-infra.tfstate" },
    });
  });

  test("is GCS with a prefix per stack when a state bucket is configured", () => {
    const { infraJson, servicesJson } = synthDev(
      (_e, raw) => (raw.stateBackend = { bucket: "acme-tf-state", prefix: "platform/metaflow" }),
    );
    expect(infraJson.terraform.backend).toEqual({ gcs: { bucket: "acme-tf-state", prefix: "platform/metaflow/dev-infra" } });
    expect(servicesJson.terraform.backend).toEqual({ gcs: { bucket: "acme-tf-state", prefix: "platform/metaflow/dev-services" } });
    expect(servicesJson.data.terraform_remote_state.infra).toMatchObject({
      backend: "gcs",
      config: { bucket: "acme-tf-state", prefix: "platform/metaflow/dev-infra" },
    });
  });
});

describe("network, as configured", () => {
  const { infraJson } = dev;

  test("is named after the environment and takes the configured ranges and region", () => {
    expect(onlyResource(infraJson, "google_compute_network").name).toBe("metaflow-dev-vpc");
    expect(onlyResource(infraJson, "google_compute_subnetwork")).toMatchObject({
      ip_cidr_range: "10.10.0.0/20",
      region: "us-central1",
      secondary_ip_range: [
        { range_name: "pods", ip_cidr_range: "10.16.0.0/14" },
        { range_name: "services", ip_cidr_range: "10.20.0.0/20" },
      ],
    });
    expect(onlyResource(infraJson, "google_compute_global_address")).toMatchObject({ address: "10.30.0.0", prefix_length: 20 });
  });
});

describe("Cloud SQL, as configured", () => {
  const instance = onlyResource(dev.infraJson, "google_sql_database_instance");
  const sqlDatabases = (json: any) =>
    Object.values(resourcesOf(json, "google_sql_database"))
      .map((d: any) => d.name)
      .sort();

  test("is on the network's VPC, after its private service access, named after the environment", () => {
    expect(instance.settings.ip_configuration.private_network).toMatch(/^\$\{google_compute_network\.network_vpc_\w+\.self_link\}$/);
    expect(instance.depends_on).toEqual([
      expect.stringMatching(/^google_service_networking_connection\.network_private-service-access_\w+$/),
    ]);
    expect(instance.name).toMatch(/^metaflow-dev-pg-\$\{random_id\.database_name-suffix_\w+\.hex\}$/);
  });

  test("has the Argo archive database when the archive is on (the default), and not when it is off", () => {
    expect(sqlDatabases(dev.infraJson)).toEqual(["argo", "metaflow"]);
    expect(sqlDatabases(changed.infraJson)).toEqual(["metaflow"]);
  });

  test("takes availability, deletion protection and the generation from the configuration", () => {
    const c = onlyResource(changed.infraJson, "google_sql_database_instance");
    expect(c.settings.availability_type).toBe("REGIONAL");
    expect([c.deletion_protection, c.settings.deletion_protection_enabled]).toEqual([false, false]);
    expect(onlyResource(changed.infraJson, "random_id").keepers).toEqual({ generation: "2" });
    expect(onlyResource(dev.infraJson, "random_id").keepers).toEqual({ generation: "1" });
  });
});

describe("datastore bucket, as configured", () => {
  test("is named after the project and environment, in the region, by default", () => {
    expect(onlyResource(dev.infraJson, "google_storage_bucket")).toMatchObject({
      name: "my-metaflow-project-metaflow-dev",
      location: "US-CENTRAL1",
    });
  });

  test("takes the configured name, location, age limit and versioning", () => {
    const bucket = onlyResource(changed.infraJson, "google_storage_bucket");
    expect(bucket).toMatchObject({ name: "acme-ml-artifacts", location: "EU", versioning: { enabled: false } });
    expect(bucket.lifecycle_rule).toEqual([{ action: { type: "Delete" }, condition: { age: 90, with_state: "ANY" } }]);
    expect(changed.infraJson.output.datastore_root.value).toBe("gs://acme-ml-artifacts/metaflow");
  });
});

describe("GKE, as configured", () => {
  const cluster = onlyResource(dev.infraJson, "google_container_cluster");

  test("is zonal in the environment's first zone by default, with the configured control-plane range and the project's pool", () => {
    expect(cluster).toMatchObject({ name: "metaflow-dev", location: "us-central1-a", deletion_protection: true });
    expect(cluster.private_cluster_config.master_ipv4_cidr_block).toBe("172.16.0.0/28");
    expect(cluster.workload_identity_config).toEqual({ workload_pool: "my-metaflow-project.svc.id.goog" });
  });

  test("sits on the network's subnetwork and its secondary ranges", () => {
    expect(cluster.network).toMatch(/^\$\{google_compute_network\.network_vpc_\w+\.self_link\}$/);
    expect(cluster.subnetwork).toMatch(/^\$\{google_compute_subnetwork\.network_subnet_\w+\.self_link\}$/);
    const ranges = onlyResource(dev.infraJson, "google_compute_subnetwork").secondary_ip_range.map((r: any) => r.range_name);
    expect([cluster.ip_allocation_policy.cluster_secondary_range_name, cluster.ip_allocation_policy.services_secondary_range_name]).toEqual(
      ranges,
    );
  });

  test("runs nodes as the environment's node service account, with only the node roles", () => {
    const nodeSa = nameWhere(dev.infraJson, "google_service_account", "account_id", "metaflow-dev-nodes");
    const pools = Object.values<any>(resourcesOf(dev.infraJson, "google_container_node_pool"));
    expect(pools.map((p) => p.name)).toEqual(["metaflow-dev-pool", "metaflow-dev-flows"]);
    for (const pool of pools) expect(pool.node_config.service_account).toBe(`\${google_service_account.${nodeSa}.email}`);
    const roles = members(dev.infraJson)
      .filter((m) => m.member === `\${google_service_account.${nodeSa}.member}`)
      .map((m) => m.role);
    expect(roles.sort()).toEqual([...NODE_ROLES].sort());
  });

  test("the nodes read images from exactly the registry caches and the flows' repository: no Artifact Registry role on the whole project", () => {
    const nodeSa = nameWhere(dev.infraJson, "google_service_account", "account_id", "metaflow-dev-nodes");
    expect(NODE_ROLES.filter((r) => r.startsWith("roles/artifactregistry."))).toEqual([]);
    const grants = Object.values<any>(resourcesOf(dev.infraJson, "google_artifact_registry_repository_iam_member"));
    const repos = resourcesOf(dev.infraJson, "google_artifact_registry_repository");
    expect(grants.map((g) => [g.member, g.role, g.repository])).toEqual(
      Object.keys(repos).map((name) => [
        `\${google_service_account.${nodeSa}.member}`,
        "roles/artifactregistry.reader",
        `\${google_artifact_registry_repository.${name}.repository_id}`,
      ]),
    );
  });

  test("caches Docker Hub and quay.io in the environment's region and publishes their pull paths", () => {
    const repos = Object.values<any>(resourcesOf(dev.infraJson, "google_artifact_registry_repository")).filter(
      (r) => r.mode === "REMOTE_REPOSITORY",
    );
    expect(repos.map((r) => [r.repository_id, r.location, r.mode, r.format])).toEqual([
      ["metaflow-dev-docker-hub", "us-central1", "REMOTE_REPOSITORY", "DOCKER"],
      ["metaflow-dev-quay", "us-central1", "REMOTE_REPOSITORY", "DOCKER"],
    ]);
    // After the API, like everything else.
    for (const r of repos) expect(r.depends_on).toContainEqual(expect.stringMatching(/^google_project_service\.apis_artifactregistry_/));
    const out = dev.infraJson.output;
    expect(out.image_cache_docker_hub.value).toMatch(
      /^\$\{google_artifact_registry_repository\.image-cache_docker-hub_\w+\.location\}-docker\.pkg\.dev\//,
    );
    expect(out.image_cache_quay.value).toMatch(/\.repository_id\}$/);
  });

  test("imageCache.enabled false: no cache repository, no grant on one, no cache output", () => {
    const off = synthDev((e) => (e.imageCache = { enabled: false })).infraJson;
    // The flows' own repository stays.
    expect(Object.keys(resourcesOf(off, "google_artifact_registry_repository"))).toEqual([expect.stringMatching(/^flow-images_/)]);
    expect(Object.keys(resourcesOf(off, "google_artifact_registry_repository_iam_member"))).toEqual([
      expect.stringMatching(/^flow-images_nodes-reader_/),
    ]);
    expect(Object.keys(off.output).filter((o) => o.startsWith("image_cache"))).toEqual([]);
  });

  test("takes a regional location, node pool bounds and authorized networks from the configuration", () => {
    const c = onlyResource(changed.infraJson, "google_container_cluster");
    expect(c.location).toBe("us-central1");
    expect(c.master_authorized_networks_config.cidr_blocks).toEqual([{ cidr_block: "203.0.113.0/24", display_name: "office" }]);
    const platform = Object.values<any>(resourcesOf(changed.infraJson, "google_container_node_pool")).find((p) => p.name.endsWith("-pool"));
    expect(platform.autoscaling).toEqual({ min_node_count: 0, max_node_count: 20 });
  });

  test("Autopilot mode from the configuration: no node pool of ours", () => {
    const c = onlyResource(projectMode.infraJson, "google_container_cluster");
    expect(c).toMatchObject({ enable_autopilot: true, location: "us-central1" });
    expect(resourcesOf(projectMode.infraJson, "google_container_node_pool")).toEqual({});
  });
});

describe("control-plane access, across the two stacks", () => {
  test("by default the DNS endpoint: the services stack reaches it without pinning the cluster CA", () => {
    const { infraJson, servicesJson } = dev;
    expect(onlyResource(infraJson, "google_container_cluster").control_plane_endpoints_config).toEqual({
      dns_endpoint_config: { allow_external_traffic: true },
    });
    expect(infraJson.output.cluster_endpoint.value).toMatch(/control_plane_endpoints_config\[0\]\.dns_endpoint_config\[0\]\.endpoint/);
    // The DNS endpoint's certificate is publicly trusted: the cluster CA must not be pinned for it.
    expect(servicesJson.provider.kubernetes[0].cluster_ca_certificate).toBeUndefined();
  });

  test('"ip" keeps the public IP endpoint, which the services stack trusts through the cluster CA', () => {
    const { infraJson, servicesJson } = projectMode;
    expect(onlyResource(infraJson, "google_container_cluster").control_plane_endpoints_config).toBeUndefined();
    expect(infraJson.output.cluster_endpoint.value).toMatch(/\.endpoint\}$/);
    expect(servicesJson.provider.kubernetes[0].cluster_ca_certificate).toBe(
      "${base64decode(data.terraform_remote_state.infra.outputs.cluster_ca_certificate)}",
    );
  });
});

describe("Metaflow identity, as configured", () => {
  const { infraJson } = dev;
  const sa = nameWhere(infraJson, "google_service_account", "account_id", "metaflow-dev");
  const saMember = `\${google_service_account.${sa}.member}`;
  const grant = (json: any, member: string, role: string) => members(json).find((m) => m.member === member && m.role === role);

  test("scopes object access to the environment's bucket and SQL access to the database construct's instance", () => {
    expect(grant(infraJson, saMember, "roles/storage.objectAdmin").condition.expression).toBe(
      'resource.name == "projects/_/buckets/my-metaflow-project-metaflow-dev" || resource.name.startsWith("projects/_/buckets/my-metaflow-project-metaflow-dev/")',
    );
    expect(grant(infraJson, saMember, "roles/cloudsql.client").condition.expression).toMatch(
      /^resource\.name == "projects\/my-metaflow-project\/instances\/\$\{google_sql_database_instance\.database_instance_\w+\.name\}"$/,
    );
    expect(resourcesOf(infraJson, "google_service_account_key")).toEqual({});
  });

  test("takes the key, the impersonators, the flow runners, the admin role and a derived Groups-for-RBAC group from the configuration", () => {
    const json = changed.infraJson;
    const sa = nameWhere(json, "google_service_account", "account_id", "metaflow-dev");
    expect(onlyResource(json, "google_service_account_key").service_account_id).toBe(`\${google_service_account.${sa}.name}`);
    expect(onlyResource(json, "google_service_account_iam_member")).toMatchObject({
      service_account_id: `\${google_service_account.${sa}.name}`,
      role: "roles/iam.serviceAccountTokenCreator",
      member: "serviceAccount:ci@acme-ops.iam.gserviceaccount.com",
    });
    const roles = (member: string) =>
      identityMembers(json)
        .filter((m) => m.member === member)
        .map((m) => m.role)
        .sort();
    expect(roles("group:ml@example.com")).toEqual(["roles/container.clusterViewer", "roles/storage.objectAdmin"]);
    expect(grant(json, "user:a@example.com", "roles/storage.objectAdmin").condition.expression).toContain(
      "projects/_/buckets/acme-ml-artifacts/",
    );
    const adminRole = Object.values<any>(resourcesOf(json, "google_project_iam_custom_role")).find((r) => r.role_id === "metaflow_admin");
    expect(adminRole.permissions).toEqual(METAFLOW_ADMIN_PERMISSIONS);
    expect(resourcesOf(infraJson, "google_project_iam_custom_role")).toEqual({});
    // Groups turn on Google Groups for RBAC with their domain's gke-security-groups group.
    expect(onlyResource(json, "google_container_cluster").authenticator_groups_config).toEqual({
      security_group: "gke-security-groups@example.com",
    });
    expect(onlyResource(infraJson, "google_container_cluster").authenticator_groups_config).toBeUndefined();
  });

  test('flowRunnerAccess "project" from the configuration: Kubernetes Engine Developer for the runners and the service account', () => {
    const json = projectMode.infraJson;
    const saMember = `\${google_service_account.${nameWhere(json, "google_service_account", "account_id", "metaflow-dev")}.member}`;
    const roles = (member: string) =>
      identityMembers(json)
        .filter((m) => m.member === member)
        .map((m) => m.role)
        .sort();
    expect(roles("group:ml@example.com")).toEqual(["roles/container.developer", "roles/storage.objectAdmin"]);
    expect(roles(saMember)).toContain("roles/container.developer");
  });

  test("no primitive role anywhere in the stack, in any of the configurations", () => {
    for (const json of [infraJson, changed.infraJson, projectMode.infraJson]) {
      for (const m of members(json)) expect(m.role).not.toMatch(/^roles\/(owner|editor|viewer)$/);
    }
  });
});

describe("alerts, as configured", () => {
  const policiesOf = (json: any) => Object.values<any>(resourcesOf(json, "google_monitoring_alert_policy"));
  const apisOf = (json: any) => Object.values<any>(resourcesOf(json, "google_project_service")).map((s) => s.service);
  const alerted = synthDev((e) => {
    e.alerts = { emails: ["oncall@example.com"], notificationChannels: ["projects/my-metaflow-project/notificationChannels/42"] };
    e.services = { metaflowNamespace: "mf", argoNamespace: "workflows" };
  });

  test("the shipped config has no alert policy, no channel and leaves the Monitoring API alone", () => {
    expect(policiesOf(dev.infraJson)).toEqual([]);
    expect(resourcesOf(dev.infraJson, "google_monitoring_notification_channel")).toEqual({});
    expect(apisOf(dev.infraJson)).not.toContain("monitoring.googleapis.com");
  });

  test("the shipped config with a channel has the policies, told of the email and the channel, after the API", () => {
    const policies = policiesOf(alerted.infraJson);
    expect(policies).toHaveLength(7);
    const email = nameWhere(alerted.infraJson, "google_monitoring_notification_channel", "type", "email");
    for (const p of policies) {
      expect(p.notification_channels).toEqual([
        `\${google_monitoring_notification_channel.${email}.name}`,
        "projects/my-metaflow-project/notificationChannels/42",
      ]);
      expect(p.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_project_service\.apis_monitoring_\w+$/)]));
    }
    expect(apisOf(alerted.infraJson)).toContain("monitoring.googleapis.com");
  });

  test("the policies name this environment's instance, cluster, namespaces and containers", () => {
    const filters = JSON.stringify(policiesOf(alerted.infraJson).map((p) => p.conditions));
    expect(filters).toContain('resource.label.database_id=\\"my-metaflow-project:${google_sql_database_instance.database_instance_');
    expect(filters).toContain('resource.label.cluster_name=\\"${google_container_cluster.gke_cluster_');
    expect(filters).toContain(
      'resource.label.namespace_name=\\"mf\\" AND resource.label.container_name=one_of(\\"metadata-service\\", \\"ui-backend\\")',
    );
    expect(filters).toContain('resource.label.namespace_name=\\"workflows\\" AND resource.label.container_name=one_of(\\"controller\\")');
  });
});
