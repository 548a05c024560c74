import { NODE_ROLES } from "../constructs/cluster";
import { onlyResource, resourcesOf, synthDev } from "./helpers";

describe("GKE, Standard mode (default)", () => {
  const { infraJson } = synthDev();
  const cluster = onlyResource(infraJson, "google_container_cluster");
  const pool = onlyResource(infraJson, "google_container_node_pool");
  const nodeSa = Object.entries(resourcesOf(infraJson, "google_service_account")).find(([, sa]: any) => sa.account_id === "metaflow-dev-nodes");

  test("is zonal, on a release channel, protected from deletion", () => {
    expect(cluster).toMatchObject({
      name: "metaflow-dev",
      location: "us-central1-a",
      release_channel: { channel: "REGULAR" },
      deletion_protection: true,
    });
  });

  test("has private nodes, Workload Identity and shielded nodes", () => {
    expect(cluster.private_cluster_config).toEqual({
      enable_private_nodes: true,
      enable_private_endpoint: false,
      master_ipv4_cidr_block: "172.16.0.0/28",
    });
    expect(cluster.workload_identity_config).toEqual({ workload_pool: "my-metaflow-project.svc.id.goog" });
    expect(cluster.enable_shielded_nodes).toBe(true);
    expect(pool.node_config.workload_metadata_config).toEqual({ mode: "GKE_METADATA" });
    expect(pool.node_config.shielded_instance_config).toEqual({ enable_secure_boot: true, enable_integrity_monitoring: true });
  });

  test("uses the subnetwork's secondary ranges", () => {
    expect(cluster.ip_allocation_policy).toEqual({ cluster_secondary_range_name: "pods", services_secondary_range_name: "services" });
    expect(cluster.subnetwork).toMatch(/^\$\{google_compute_subnetwork\.network_subnet_\w+\.self_link\}$/);
  });

  test("replaces the default node pool with an autoscaled one", () => {
    expect(cluster.remove_default_node_pool).toBe(true);
    expect(pool.autoscaling).toEqual({ min_node_count: 1, max_node_count: 5 });
    expect(pool.cluster).toMatch(/^\$\{google_container_cluster\.gke_cluster_\w+\.id\}$/);
    expect(cluster.cluster_autoscaling.enabled).toBe(true);
    expect(cluster.cluster_autoscaling.resource_limits).toEqual([
      { resource_type: "cpu", minimum: 1, maximum: 200 },
      { resource_type: "memory", minimum: 2, maximum: 400 },
    ]);
  });

  test("runs nodes as a dedicated service account with only the node roles", () => {
    expect(nodeSa).toBeDefined();
    const nodeSaRef = `\${google_service_account.${nodeSa![0]}.email}`;
    expect(pool.node_config.service_account).toBe(nodeSaRef);
    expect(cluster.node_config.service_account).toBe(nodeSaRef);
    expect(cluster.cluster_autoscaling.auto_provisioning_defaults.service_account).toBe(nodeSaRef);
    const nodeRoles = Object.values(resourcesOf(infraJson, "google_project_iam_member"))
      .filter((m: any) => m.member === `\${google_service_account.${nodeSa![0]}.member}`)
      .map((m: any) => m.role);
    expect(nodeRoles.sort()).toEqual([...NODE_ROLES].sort());
  });

  test("takes node pool bounds, regional location and authorized networks from config", () => {
    const json = synthDev((e) => {
      // A regional cluster takes no zone.
      delete e.zone;
      e.cluster = { regional: true, minNodes: 0, maxNodes: 20, masterAuthorizedNetworks: [{ cidr: "203.0.113.0/24", name: "office" }] };
    }).infraJson;
    const c = onlyResource(json, "google_container_cluster");
    expect(c.location).toBe("us-central1");
    expect(c.master_authorized_networks_config).toEqual({
      cidr_blocks: [{ cidr_block: "203.0.113.0/24", display_name: "office" }],
      gcp_public_cidrs_access_enabled: false,
    });
    expect(onlyResource(json, "google_container_node_pool").autoscaling).toEqual({ min_node_count: 0, max_node_count: 20 });
  });
});

describe("control-plane access", () => {
  test("by default through the IAM-gated DNS endpoint, with the IP endpoint closed to every outside network", () => {
    const c = onlyResource(synthDev().infraJson, "google_container_cluster");
    expect(c.control_plane_endpoints_config).toEqual({ dns_endpoint_config: { allow_external_traffic: true } });
    expect(c.master_authorized_networks_config).toEqual({ cidr_blocks: [], gcp_public_cidrs_access_enabled: false });
    const { infraJson, servicesJson } = synthDev();
    expect(infraJson.output.cluster_endpoint.value).toMatch(/control_plane_endpoints_config\[0\]\.dns_endpoint_config\[0\]\.endpoint/);
    // The DNS endpoint's certificate is publicly trusted: the cluster CA must not be pinned for it.
    expect(servicesJson.provider.kubernetes[0].cluster_ca_certificate).toBeUndefined();
  });

  test('"ip" keeps the public IP endpoint, signed by the cluster CA', () => {
    const { infraJson, servicesJson } = synthDev((e) => (e.cluster = { controlPlaneEndpoint: "ip" }));
    const c = onlyResource(infraJson, "google_container_cluster");
    expect(c.control_plane_endpoints_config).toBeUndefined();
    expect(c.master_authorized_networks_config).toBeUndefined();
    expect(infraJson.output.cluster_endpoint.value).toMatch(/\.endpoint\}$/);
    expect(servicesJson.provider.kubernetes[0].cluster_ca_certificate).toBe("${base64decode(data.terraform_remote_state.infra.outputs.cluster_ca_certificate)}");
  });
});

describe("GKE, Autopilot mode", () => {
  const { infraJson } = synthDev((e) => {
    delete e.zone;
    e.cluster = { mode: "autopilot", regional: true };
  });
  const cluster = onlyResource(infraJson, "google_container_cluster");

  test("enables Autopilot with no node pool of ours", () => {
    expect(cluster.enable_autopilot).toBe(true);
    expect(cluster.location).toBe("us-central1");
    expect(resourcesOf(infraJson, "google_container_node_pool")).toEqual({});
    expect(cluster.remove_default_node_pool).toBeUndefined();
  });

  test("still uses private nodes and the dedicated node service account", () => {
    expect(cluster.private_cluster_config.enable_private_nodes).toBe(true);
    expect(cluster.cluster_autoscaling.auto_provisioning_defaults.service_account).toMatch(/google_service_account\.gke_node-service-account_\w+\.email/);
  });
});
