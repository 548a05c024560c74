import { onlyResource, synthDev } from "./helpers";

describe("network", () => {
  const { infraJson } = synthDev();

  test("is a custom-mode VPC", () => {
    expect(onlyResource(infraJson, "google_compute_network")).toMatchObject({ name: "metaflow-dev-vpc", auto_create_subnetworks: false });
  });

  test("has one subnetwork with the GKE secondary ranges and Private Google Access", () => {
    const subnet = onlyResource(infraJson, "google_compute_subnetwork");
    expect(subnet).toMatchObject({
      ip_cidr_range: "10.10.0.0/20",
      region: "us-central1",
      private_ip_google_access: true,
      secondary_ip_range: [
        { range_name: "pods", ip_cidr_range: "10.16.0.0/14" },
        { range_name: "services", ip_cidr_range: "10.20.0.0/20" },
      ],
    });
    expect(subnet.network).toMatch(/^\$\{google_compute_network\.network_vpc_\w+\.id\}$/);
  });

  test("reserves the private service access range and peers it with service networking", () => {
    const range = onlyResource(infraJson, "google_compute_global_address");
    expect(range).toMatchObject({ purpose: "VPC_PEERING", address_type: "INTERNAL", address: "10.30.0.0", prefix_length: 20 });
    const peering = onlyResource(infraJson, "google_service_networking_connection");
    expect(peering.service).toBe("servicenetworking.googleapis.com");
    expect(peering.reserved_peering_ranges).toEqual([expect.stringMatching(/^\$\{google_compute_global_address\.network_private-service-access-range_\w+\.name\}$/)]);
  });

  test("gives private nodes egress through Cloud NAT", () => {
    const nat = onlyResource(infraJson, "google_compute_router_nat");
    expect(nat).toMatchObject({ nat_ip_allocate_option: "AUTO_ONLY", source_subnetwork_ip_ranges_to_nat: "ALL_SUBNETWORKS_ALL_IP_RANGES" });
    expect(nat.router).toMatch(/^\$\{google_compute_router\.network_router_\w+\.name\}$/);
  });
});
