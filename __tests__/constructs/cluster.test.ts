import { ContainerCluster } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import { Cluster, ClusterProps, NODE_ROLES } from "../../constructs/cluster";
import { DEFAULTS } from "../../lib/defaults";
import { addressOf, bareStack, onlyResource, refTo, resolve, resourcesOf, synth } from "./stack";

const PROPS: ClusterProps = {
  project: "p",
  name: "mf-test",
  nodePoolName: "mf-test-pool",
  location: "europe-west1-b",
  network: {
    networkSelfLink: "projects/p/global/networks/vpc",
    subnetworkSelfLink: "projects/p/regions/europe-west1/subnetworks/subnet",
    podsRangeName: "pods",
    servicesRangeName: "services",
  },
  controlPlaneCidr: "172.16.0.0/28",
  nodeServiceAccountId: "mf-test-nodes",
};

function build(props: Partial<ClusterProps> = {}) {
  const stack = bareStack("google");
  const cluster = new Cluster(stack, "gke", { ...PROPS, ...props });
  return { cluster, ...synth(stack) };
}

describe("Cluster, Standard mode (default)", () => {
  const { cluster: gke, text, json } = build();
  const cluster = onlyResource(json, "google_container_cluster");
  const pool = onlyResource(json, "google_container_node_pool");
  const nodeSaEmail = refTo(json, "google_service_account", "email");

  test("is VPC-native on the given subnetwork's secondary ranges, on the default release channel, protected from deletion", () => {
    expect(text).toHaveResourceWithProperties(ContainerCluster, {
      project: "p",
      name: "mf-test",
      location: "europe-west1-b",
      network: PROPS.network.networkSelfLink,
      subnetwork: PROPS.network.subnetworkSelfLink,
      networking_mode: "VPC_NATIVE",
      ip_allocation_policy: { cluster_secondary_range_name: "pods", services_secondary_range_name: "services" },
      release_channel: { channel: DEFAULTS.cluster.releaseChannel },
      deletion_protection: true,
    });
  });

  test("has private nodes, Workload Identity, shielded nodes, Dataplane V2 and no client certificate", () => {
    expect(cluster.private_cluster_config).toEqual({
      enable_private_nodes: true,
      enable_private_endpoint: false,
      master_ipv4_cidr_block: "172.16.0.0/28",
    });
    expect(cluster.workload_identity_config).toEqual({ workload_pool: "p.svc.id.goog" });
    expect(cluster.enable_shielded_nodes).toBe(true);
    expect(cluster.datapath_provider).toBe("ADVANCED_DATAPATH");
    expect(cluster.master_auth).toEqual({ client_certificate_config: { issue_client_certificate: false } });
    expect(cluster.enable_autopilot).toBeUndefined();
  });

  test("replaces the default node pool with an autoscaled one of the default size", () => {
    const c = DEFAULTS.cluster;
    expect(cluster.remove_default_node_pool).toBe(true);
    expect(text).toHaveResourceWithProperties(ContainerNodePool, {
      name: "mf-test-pool",
      location: "europe-west1-b",
      cluster: refTo(json, "google_container_cluster", "id"),
      autoscaling: { min_node_count: c.minNodes, max_node_count: c.maxNodes },
      management: { auto_repair: true, auto_upgrade: true },
    });
    expect(pool.node_config).toMatchObject({
      machine_type: c.machineType,
      disk_size_gb: c.diskSizeGb,
      disk_type: "pd-balanced",
      image_type: "COS_CONTAINERD",
    });
    expect(cluster.cluster_autoscaling.enabled).toBe(true);
    expect(cluster.cluster_autoscaling.resource_limits).toEqual([
      { resource_type: "cpu", minimum: c.cpuLimits.min, maximum: c.cpuLimits.max },
      { resource_type: "memory", minimum: c.memoryLimitsGb.min, maximum: c.memoryLimitsGb.max },
    ]);
  });

  test("nodes see the GKE metadata server, boot securely and have no legacy metadata endpoints", () => {
    expect(pool.node_config).toMatchObject({
      workload_metadata_config: { mode: "GKE_METADATA" },
      shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
      metadata: { "disable-legacy-endpoints": "true" },
    });
    expect(cluster.node_config.workload_metadata_config).toEqual({ mode: "GKE_METADATA" });
  });

  test("every node (pool, default pool, auto-provisioned) runs as a dedicated service account with only the node roles", () => {
    expect(onlyResource(json, "google_service_account")).toMatchObject({ project: "p", account_id: "mf-test-nodes" });
    expect(pool.node_config.service_account).toBe(nodeSaEmail);
    expect(cluster.node_config.service_account).toBe(nodeSaEmail);
    expect(cluster.cluster_autoscaling.auto_provisioning_defaults.service_account).toBe(nodeSaEmail);
    const members = Object.values<any>(resourcesOf(json, "google_project_iam_member"));
    expect(members.map((m) => m.role).sort()).toEqual([...NODE_ROLES].sort());
    for (const m of members) expect(m.member).toBe(refTo(json, "google_service_account", "member"));
    expect(NODE_ROLES.some((r) => /owner|editor|admin/.test(r))).toBe(false);
    // The cluster is created after its node service account exists.
    expect(cluster.depends_on).toEqual([addressOf(json, "google_service_account")]);
  });

  test("by default, reached through the IAM-gated DNS endpoint, the IP endpoint closed to every outside network", () => {
    expect(cluster.control_plane_endpoints_config).toEqual({ dns_endpoint_config: { allow_external_traffic: true } });
    expect(cluster.master_authorized_networks_config).toEqual({ cidr_blocks: [], gcp_public_cidrs_access_enabled: false });
    expect(resolve(gke, gke.endpoint)).toBe(
      refTo(json, "google_container_cluster", "control_plane_endpoints_config[0].dns_endpoint_config[0].endpoint"),
    );
  });

  test("takes the node pool's name as given, and refuses a Standard cluster without one", () => {
    expect(pool.name).toBe("mf-test-pool");
    expect(() => build({ nodePoolName: undefined })).toThrow("cluster mf-test: Standard mode needs nodePoolName");
  });

  test("exposes its name, location, CA, pool and node service account", () => {
    expect(resolve(gke, gke.name)).toBe(refTo(json, "google_container_cluster", "name"));
    expect(resolve(gke, gke.location)).toBe(refTo(json, "google_container_cluster", "location"));
    expect(resolve(gke, gke.caCertificate)).toBe(refTo(json, "google_container_cluster", "master_auth[0].cluster_ca_certificate"));
    expect(gke.workloadPool).toBe("p.svc.id.goog");
    expect(resolve(gke, gke.nodeServiceAccountEmail)).toBe(nodeSaEmail);
  });

  test("no Google Groups for RBAC unless a security group is given", () => {
    expect(cluster.authenticator_groups_config).toBeUndefined();
    const withGroups = onlyResource(build({ securityGroup: "gke-security-groups@example.com" }).json, "google_container_cluster");
    expect(withGroups.authenticator_groups_config).toEqual({ security_group: "gke-security-groups@example.com" });
  });
});

describe("Cluster, non-default settings", () => {
  test("takes node pool bounds, machine, limits, authorized networks and deletion protection off", () => {
    const { json } = build({
      location: "europe-west1",
      minNodes: 0,
      maxNodes: 20,
      machineType: "n2-standard-8",
      diskSizeGb: 200,
      cpuLimits: { min: 0, max: 64 },
      memoryLimitsGb: { min: 0, max: 256 },
      releaseChannel: "STABLE",
      masterAuthorizedNetworks: [{ cidr: "203.0.113.0/24", name: "office" }],
      deletionProtection: false,
    });
    const c = onlyResource(json, "google_container_cluster");
    const pool = onlyResource(json, "google_container_node_pool");
    expect(c).toMatchObject({
      location: "europe-west1",
      deletion_protection: false,
      release_channel: { channel: "STABLE" },
    });
    expect(c.master_authorized_networks_config).toEqual({
      cidr_blocks: [{ cidr_block: "203.0.113.0/24", display_name: "office" }],
      gcp_public_cidrs_access_enabled: false,
    });
    expect(c.cluster_autoscaling.resource_limits).toEqual([
      { resource_type: "cpu", minimum: 0, maximum: 64 },
      { resource_type: "memory", minimum: 0, maximum: 256 },
    ]);
    expect(pool.autoscaling).toEqual({ min_node_count: 0, max_node_count: 20 });
    expect(pool.node_config).toMatchObject({ machine_type: "n2-standard-8", disk_size_gb: 200 });
  });

  test('"ip" keeps the public IP endpoint: no DNS endpoint, open to any IP when no network is authorized', () => {
    const { cluster: gke, json } = build({ controlPlaneEndpoint: "ip" });
    const c = onlyResource(json, "google_container_cluster");
    expect(c.control_plane_endpoints_config).toBeUndefined();
    expect(c.master_authorized_networks_config).toBeUndefined();
    expect(resolve(gke, gke.endpoint)).toBe(refTo(json, "google_container_cluster", "endpoint"));
    const restricted = onlyResource(
      build({ controlPlaneEndpoint: "ip", masterAuthorizedNetworks: [{ cidr: "203.0.113.0/24", name: "office" }] }).json,
      "google_container_cluster",
    );
    // Without the DNS endpoint, Google's public ranges keep the provider's default.
    expect(restricted.master_authorized_networks_config).toEqual({
      cidr_blocks: [{ cidr_block: "203.0.113.0/24", display_name: "office" }],
    });
  });

  test("waits for the resources it is given, and creates the node service account after them too", () => {
    const { json } = build({ dependsOn: [{ fqn: "google_project_service.container" }] });
    expect(onlyResource(json, "google_service_account").depends_on).toEqual(["google_project_service.container"]);
    expect(onlyResource(json, "google_container_cluster").depends_on).toEqual([
      "google_project_service.container",
      addressOf(json, "google_service_account"),
    ]);
  });
});

describe("Cluster, Autopilot mode", () => {
  const { json } = build({ mode: "autopilot", location: "europe-west1" });
  const cluster = onlyResource(json, "google_container_cluster");

  test("enables Autopilot with no node pool, no default-pool settings and no Standard-only options", () => {
    expect(cluster.enable_autopilot).toBe(true);
    expect(resourcesOf(json, "google_container_node_pool")).toEqual({});
    for (const key of ["remove_default_node_pool", "initial_node_count", "node_config", "workload_identity_config", "datapath_provider"]) {
      expect(cluster[key]).toBeUndefined();
    }
  });

  test("still has private nodes, the DNS endpoint and the dedicated node service account", () => {
    expect(cluster.private_cluster_config.enable_private_nodes).toBe(true);
    expect(cluster.control_plane_endpoints_config).toEqual({ dns_endpoint_config: { allow_external_traffic: true } });
    expect(cluster.cluster_autoscaling).toEqual({
      auto_provisioning_defaults: {
        service_account: refTo(json, "google_service_account", "email"),
        oauth_scopes: ["https://www.googleapis.com/auth/cloud-platform"],
      },
    });
  });
});

describe("Cluster, node pools for flows", () => {
  const flows = { machineType: "e2-standard-4", minNodes: 0, maxNodes: 5, diskSizeGb: 100, labels: {}, taints: [] };
  const { json } = build({
    location: "europe-west1",
    nodePools: [
      { ...flows, name: "mf-test-flows", spot: false, taints: [{ key: "metaflow-gcp/pool", value: "flows", effect: "NO_SCHEDULE" }] },
      { ...flows, name: "mf-test-spot", spot: true, labels: { team: "ml" } },
      {
        ...flows,
        name: "mf-test-gpu",
        machineType: "n1-standard-8",
        maxNodes: 2,
        spot: false,
        accelerator: { type: "nvidia-tesla-t4", count: 2 },
        zones: ["europe-west1-b", "europe-west1-c"],
      },
    ],
  });
  const pools = Object.fromEntries(Object.values<any>(resourcesOf(json, "google_container_node_pool")).map((p) => [p.name, p]));
  const cluster = onlyResource(json, "google_container_cluster");

  test("each pool scales between its bounds, as the nodes' service account, with the platform pool's node security", () => {
    const platform = pools["mf-test-pool"].node_config;
    for (const name of ["mf-test-flows", "mf-test-spot", "mf-test-gpu"]) {
      const p = pools[name];
      for (const key of [
        "service_account",
        "oauth_scopes",
        "workload_metadata_config",
        "shielded_instance_config",
        "metadata",
        "image_type",
      ]) {
        expect(p.node_config[key]).toEqual(platform[key]);
      }
      expect(p.management).toEqual({ auto_repair: true, auto_upgrade: true });
    }
    expect(pools["mf-test-flows"].autoscaling).toEqual({ min_node_count: 0, max_node_count: 5 });
  });

  test("a pool's own taints; Spot and GPU pools get GKE's keys, tainted so that only steps that ask land there", () => {
    expect(pools["mf-test-flows"].node_config.taint).toEqual([{ key: "metaflow-gcp/pool", value: "flows", effect: "NO_SCHEDULE" }]);
    expect(pools["mf-test-spot"].node_config).toMatchObject({
      spot: true,
      labels: { team: "ml" },
      taint: [{ key: "cloud.google.com/gke-spot", value: "true", effect: "NO_SCHEDULE" }],
    });
    expect(pools["mf-test-spot"].autoscaling.location_policy).toBe("ANY");
    expect(pools["mf-test-gpu"].node_config.taint).toEqual([{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }]);
    expect(pools["mf-test-gpu"].node_config.spot).toBeUndefined();
  });

  test("a GPU pool attaches its GPUs with GKE's driver installation, in its own zones", () => {
    expect(pools["mf-test-gpu"].node_config.guest_accelerator).toEqual([
      { type: "nvidia-tesla-t4", count: 2, gpu_driver_installation_config: { gpu_driver_version: "DEFAULT" } },
    ]);
    expect(pools["mf-test-gpu"].node_locations).toEqual(["europe-west1-b", "europe-west1-c"]);
    expect(pools["mf-test-flows"].node_locations).toBeUndefined();
  });

  test("autoscaling limits gain the GPU model, at the pools' maxima: 2 GPUs x 2 nodes x 2 zones", () => {
    expect(cluster.cluster_autoscaling.resource_limits).toContainEqual({ resource_type: "nvidia-tesla-t4", minimum: 0, maximum: 8 });
    expect(cluster.cluster_autoscaling.resource_limits).toHaveLength(3);
  });
});
