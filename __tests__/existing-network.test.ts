// network.existing, from the Shared VPC example (examples/shared-vpc.json): what the infra stack creates in the
// organisation's network, and what it must leave to them.
import * as fs from "fs";
import * as path from "path";
import { parseConfig } from "../config";
import { derivedNames } from "../config/names";
import { buildApp, onlyResource, resourcesOf, synthJson } from "./helpers";

const EXAMPLE = path.join(__dirname, "..", "examples", "shared-vpc.json");
const HOST_VPC = "projects/acme-net-host/global/networks/acme-shared";
const HOST_SUBNET = "projects/acme-net-host/regions/us-central1/subnetworks/ml-us-central1";

/** The example, with `mutate` applied to its environment. */
function example(mutate: (env: any) => void = () => undefined): any {
  const raw = JSON.parse(fs.readFileSync(EXAMPLE, "utf8"));
  mutate(raw.environments.shared);
  return raw;
}

function infraOf(raw: any): any {
  return synthJson(buildApp(raw).envs[0].infra);
}

describe("the Shared VPC example, as the infra stack builds it", () => {
  const json = infraOf(example());

  test("creates no VPC, subnetwork, peering, reserved range, router or NAT: the organisation has them", () => {
    for (const type of [
      "google_compute_network",
      "google_compute_subnetwork",
      "google_compute_global_address",
      "google_service_networking_connection",
      "google_compute_router",
      "google_compute_router_nat",
    ]) {
      expect([type, Object.keys(resourcesOf(json, type))]).toEqual([type, []]);
    }
  });

  test("puts the cluster on the host project's subnetwork and its named secondary ranges", () => {
    expect(onlyResource(json, "google_container_cluster")).toMatchObject({
      network: HOST_VPC,
      subnetwork: HOST_SUBNET,
      ip_allocation_policy: { cluster_secondary_range_name: "ml-pods", services_secondary_range_name: "ml-services" },
    });
  });

  test("gives Cloud SQL its private IP in the host VPC, waiting for no peering of ours", () => {
    const instance = onlyResource(json, "google_sql_database_instance");
    expect(instance.settings.ip_configuration.private_network).toBe(HOST_VPC);
    expect(instance.depends_on).toBeUndefined();
  });

  test("creates the webhook firewall rule in the host project, on its VPC", () => {
    expect(onlyResource(json, "google_compute_firewall")).toMatchObject({ project: "acme-net-host", network: HOST_VPC });
  });

  test("keeps the services' own resources in the service project", () => {
    expect(onlyResource(json, "google_container_cluster").project).toBe("acme-ml-service");
    expect(onlyResource(json, "google_sql_database_instance").project).toBe("acme-ml-service");
  });
});

describe('privateServiceAccess and nat "create"', () => {
  const json = infraOf(
    example((e) => {
      e.network.existing = { ...e.network.existing, privateServiceAccess: "create", nat: "create" };
      e.network.privateServiceAccessCidr = "10.250.0.0/20";
    }),
  );

  test("reserve the configured range and peer it in the host VPC, and Cloud SQL waits for the peering", () => {
    expect(onlyResource(json, "google_compute_global_address")).toMatchObject({
      project: "acme-net-host",
      network: HOST_VPC,
      name: "metaflow-shared-psa",
      address: "10.250.0.0",
      prefix_length: 20,
    });
    expect(onlyResource(json, "google_service_networking_connection").network).toBe(HOST_VPC);
    expect(onlyResource(json, "google_sql_database_instance").depends_on).toEqual([
      expect.stringMatching(/^google_service_networking_connection\.network_private-service-access_\w+$/),
    ]);
  });

  test("add a router and a NAT in the host project that translate this subnetwork only", () => {
    expect(onlyResource(json, "google_compute_router")).toMatchObject({ project: "acme-net-host", network: HOST_VPC });
    expect(onlyResource(json, "google_compute_router_nat")).toMatchObject({
      project: "acme-net-host",
      source_subnetwork_ip_ranges_to_nat: "LIST_OF_SUBNETWORKS",
      subnetwork: [{ name: HOST_SUBNET, source_ip_ranges_to_nat: ["ALL_IP_RANGES"] }],
    });
  });

  test("wait for the service project's APIs (servicenetworking among them)", () => {
    for (const type of ["google_compute_global_address", "google_compute_router"]) {
      expect([type, onlyResource(json, type).depends_on]).toEqual([
        type,
        expect.arrayContaining([expect.stringMatching(/^google_project_service\./)]),
      ]);
    }
  });

  test("still create no VPC or subnetwork", () => {
    expect(Object.keys(resourcesOf(json, "google_compute_network"))).toEqual([]);
    expect(Object.keys(resourcesOf(json, "google_compute_subnetwork"))).toEqual([]);
  });
});

describe('webhookFirewall "existing"', () => {
  const raw = example((e) => (e.network.existing.webhookFirewall = "existing"));

  test("leaves the webhook rule to the network's owners: no firewall rule, no name of ours", () => {
    expect(Object.keys(resourcesOf(infraOf(raw), "google_compute_firewall"))).toEqual([]);
    expect(parseConfig(raw).environments[0].names.webhookFirewall).toBeUndefined();
  });
});

describe("network.existing in the configuration", () => {
  test("names the organisation's VPC and subnetwork, and nothing it reuses", () => {
    const [env] = parseConfig(example()).environments;
    expect(env.names).toMatchObject({ vpc: "acme-shared", subnetwork: "ml-us-central1" });
    expect([env.names.privateServiceAccess, env.names.router, env.names.nat]).toEqual([undefined, undefined, undefined]);
    // The organisation's names are theirs: not derived names of ours to check or to keep unique.
    expect(derivedNames(env).map((n) => n.what)).not.toEqual(expect.arrayContaining(["VPC name"]));
    expect(derivedNames(env).map((n) => n.name)).not.toEqual(expect.arrayContaining(["acme-shared", "ml-us-central1"]));
  });

  test("what it creates in the VPC is kept unique in the host project, where it lives", () => {
    const raw = example((e) => ((e.network.existing.nat = "create"), (e.network.existing.privateServiceAccess = "create")));
    const scopes = Object.fromEntries(derivedNames(parseConfig(raw).environments[0]).map((n) => [n.what, n.scope]));
    expect(scopes).toMatchObject({
      "Cloud Router name": "project acme-net-host, region us-central1",
      "private service access range name": "project acme-net-host",
      "firewall rule name of the admission webhooks (<namePrefix>-<env>-webhooks)": "project acme-net-host",
    });
  });

  test('accepts a services.access "internal" address outside the unused default subnetCidr: the preflight checks it against the real range', () => {
    const raw = example((e) => (e.services = { access: { mode: "internal", address: "10.60.0.50" } }));
    expect(() => parseConfig(raw)).not.toThrow();
    // Reserved in the service project, from the host project's subnetwork, as Shared VPC has it.
    expect(onlyResource(infraOf(raw), "google_compute_address")).toMatchObject({
      project: "acme-ml-service",
      subnetwork: HOST_SUBNET,
      address: "10.60.0.50",
    });
  });

  test("skips the pod and node range capacity checks, which need ranges known offline", () => {
    const raw = example(
      (e) =>
        (e.cluster = {
          maxNodes: 1000,
          nodePools: [{ name: "flows", maxNodes: 1000 }],
          cpuLimits: { min: 1, max: 100000 },
          memoryLimitsGb: { min: 1, max: 1000000 },
        }),
    );
    expect(() => parseConfig(raw)).not.toThrow();
  });

  test("the ranges it replaces take no part in the overlap check (the one it creates does: config-rules.test.ts)", () => {
    // 10.10.0.0/20 is the unused default subnetCidr.
    const create = (e: any) => {
      e.network.existing.privateServiceAccess = "create";
      e.network.privateServiceAccessCidr = "10.10.0.0/20";
    };
    expect(() => parseConfig(example(create))).not.toThrow();
  });
});
