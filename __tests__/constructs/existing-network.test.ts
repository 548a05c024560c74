import { ExistingNetwork, ExistingNetworkProps } from "../../constructs/existing-network";
import { bareStack, onlyResource, refTo, synth } from "./stack";

const PROPS: ExistingNetworkProps = {
  project: "host",
  region: "europe-west1",
  network: "shared",
  subnetwork: "ml",
  podsRangeName: "ml-pods",
  servicesRangeName: "ml-svc",
};
const VPC = "projects/host/global/networks/shared";
const SUBNET = "projects/host/regions/europe-west1/subnetworks/ml";

function build(props: Partial<ExistingNetworkProps> = {}) {
  const stack = bareStack("google");
  const network = new ExistingNetwork(stack, "network", { ...PROPS, ...props });
  return { network, ...synth(stack) };
}

describe("ExistingNetwork", () => {
  test("by default creates nothing and names the VPC and subnetwork by their relative names in their project", () => {
    const { network, json } = build();
    expect(json.resource ?? {}).toEqual({});
    expect([network.networkId, network.networkSelfLink, network.subnetworkSelfLink]).toEqual([VPC, VPC, SUBNET]);
    expect([network.podsRangeName, network.servicesRangeName]).toEqual(["ml-pods", "ml-svc"]);
    expect(network.privateServiceAccess).toBeUndefined();
  });

  test("privateServiceAccess: reserves the range in the VPC's project and peers it, exposing the peering", () => {
    const { network, json } = build({ privateServiceAccess: { name: "mf-psa", cidr: "10.9.0.0/16" } });
    expect(onlyResource(json, "google_compute_global_address")).toMatchObject({
      project: "host",
      network: VPC,
      name: "mf-psa",
      address: "10.9.0.0",
      prefix_length: 16,
    });
    expect(onlyResource(json, "google_service_networking_connection")).toMatchObject({ network: VPC, deletion_policy: "ABANDON" });
    expect(network.privateServiceAccess).toBeDefined();
  });

  test("nat: a router and a NAT in the VPC's project, for its own subnetwork only", () => {
    const { json } = build({ nat: { router: "mf-router", nat: "mf-nat" } });
    expect(onlyResource(json, "google_compute_router")).toMatchObject({ project: "host", network: VPC, name: "mf-router" });
    const nat = onlyResource(json, "google_compute_router_nat");
    expect(nat).toMatchObject({
      project: "host",
      name: "mf-nat",
      source_subnetwork_ip_ranges_to_nat: "LIST_OF_SUBNETWORKS",
      subnetwork: [{ name: SUBNET, source_ip_ranges_to_nat: ["ALL_IP_RANGES"] }],
    });
    expect(nat.router).toBe(refTo(json, "google_compute_router", "name"));
  });
});
