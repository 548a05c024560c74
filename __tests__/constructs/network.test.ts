import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
import { ComputeRouterNat } from "@cdktf/provider-google/lib/compute-router-nat";
import { Network, NetworkProps } from "../../constructs/network";
import { addressOf, bareStack, onlyResource, refTo, resolve, synth } from "./stack";

const PROPS: NetworkProps = {
  project: "p",
  region: "europe-west1",
  names: {
    vpc: "mf-test-vpc",
    subnetwork: "mf-test-subnet",
    privateServiceAccess: "mf-test-psa",
    router: "mf-test-router",
    nat: "mf-test-nat",
  },
  subnetCidr: "10.1.0.0/20",
  podsCidr: "10.4.0.0/14",
  servicesCidr: "10.8.0.0/20",
  privateServiceAccessCidr: "10.9.0.0/16",
};

function build(props: Partial<NetworkProps> = {}) {
  const stack = bareStack("google");
  const network = new Network(stack, "network", { ...PROPS, ...props });
  return { network, ...synth(stack) };
}

describe("Network", () => {
  const { network, text, json } = build();

  test("is a custom-mode, regional VPC, named as given", () => {
    expect(text).toHaveResourceWithProperties(ComputeNetwork, {
      project: "p",
      name: "mf-test-vpc",
      auto_create_subnetworks: false,
      routing_mode: "REGIONAL",
    });
  });

  test("has one subnetwork with the GKE secondary ranges, Private Google Access and flow logs", () => {
    const subnet = onlyResource(json, "google_compute_subnetwork");
    expect(subnet).toMatchObject({
      project: "p",
      region: "europe-west1",
      name: "mf-test-subnet",
      ip_cidr_range: "10.1.0.0/20",
      private_ip_google_access: true,
      secondary_ip_range: [
        { range_name: "pods", ip_cidr_range: "10.4.0.0/14" },
        { range_name: "services", ip_cidr_range: "10.8.0.0/20" },
      ],
    });
    expect(subnet.network).toBe(refTo(json, "google_compute_network", "id"));
    expect(subnet.log_config).toEqual({ aggregation_interval: "INTERVAL_10_MIN", flow_sampling: 0.5, metadata: "INCLUDE_ALL_METADATA" });
  });

  test("reserves the private service access range from its CIDR and peers it with service networking", () => {
    expect(text).toHaveResourceWithProperties(ComputeGlobalAddress, {
      name: "mf-test-psa",
      purpose: "VPC_PEERING",
      address_type: "INTERNAL",
      address: "10.9.0.0",
      prefix_length: 16,
    });
    const peering = onlyResource(json, "google_service_networking_connection");
    expect(peering).toMatchObject({ service: "servicenetworking.googleapis.com", deletion_policy: "ABANDON" });
    expect(peering.network).toBe(refTo(json, "google_compute_network", "id"));
    expect(peering.reserved_peering_ranges).toEqual([refTo(json, "google_compute_global_address", "name")]);
  });

  test("gives private nodes egress through Cloud NAT on its router, logging errors", () => {
    expect(text).toHaveResourceWithProperties(ComputeRouterNat, {
      name: "mf-test-nat",
      region: "europe-west1",
      nat_ip_allocate_option: "AUTO_ONLY",
      source_subnetwork_ip_ranges_to_nat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
      log_config: { enable: true, filter: "ERRORS_ONLY" },
    });
    const nat = onlyResource(json, "google_compute_router_nat");
    expect(nat.router).toBe(refTo(json, "google_compute_router", "name"));
    expect(onlyResource(json, "google_compute_router")).toMatchObject({
      name: "mf-test-router",
      network: refTo(json, "google_compute_network", "id"),
    });
  });

  test("exposes the VPC, the subnetwork, the range names and the peering for the next constructs", () => {
    expect(resolve(network, network.networkSelfLink)).toBe(refTo(json, "google_compute_network", "self_link"));
    expect(resolve(network, network.networkId)).toBe(refTo(json, "google_compute_network", "id"));
    expect(resolve(network, network.subnetworkSelfLink)).toBe(refTo(json, "google_compute_subnetwork", "self_link"));
    expect([network.podsRangeName, network.servicesRangeName]).toEqual(
      onlyResource(json, "google_compute_subnetwork").secondary_ip_range.map((r: any) => r.range_name),
    );
    expect(resolve(network, network.privateServiceAccess.fqn)).toBe("${" + addressOf(json, "google_service_networking_connection") + "}");
  });

  test("creates the VPC after the resources it is told to wait for", () => {
    const stack = bareStack("google");
    const api = new ComputeNetwork(stack, "api-stand-in", { name: "other" });
    new Network(stack, "network", { ...PROPS, dependsOn: [api] });
    const vpc = Object.values<any>(synth(stack).json.resource.google_compute_network).find((n) => n.name === "mf-test-vpc");
    expect(vpc.depends_on).toEqual(["google_compute_network.api-stand-in"]);
  });

  test("without dependencies, no depends_on", () => {
    expect(onlyResource(json, "google_compute_network").depends_on).toBeUndefined();
  });
});
