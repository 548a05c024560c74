// Facts hashicorp/terraform-provider-google v6.50.0 (the provider @cdktf/provider-google 16.12.1 binds) enforces on node
// pools, checked on what we synthesize: google/services/container/node_config.go and resource_container_node_pool.go.
import { resourcesOf, synthDev, withMlPools } from "../helpers";

const pools = Object.values<any>(resourcesOf(synthDev(withMlPools).infraJson, "google_container_node_pool"));
const named = (suffix: string) => pools.find((p) => p.name.endsWith(`-${suffix}`));

// node_config.go, "taint": key, value and effect required; effect one of NO_SCHEDULE, PREFER_NO_SCHEDULE, NO_EXECUTE.
test("every taint has a key, a value and one of the provider's effects", () => {
  const taints = pools.flatMap((p) => p.node_config.taint ?? []);
  expect(taints.length).toBeGreaterThanOrEqual(3);
  for (const t of taints) {
    expect(Object.keys(t).sort()).toEqual(["effect", "key", "value"]);
    expect(["NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE"]).toContain(t.effect);
  }
});

// node_config.go, "guest_accelerator": a block list of type and count, whose gpu_driver_installation_config's
// gpu_driver_version is one of GPU_DRIVER_VERSION_UNSPECIFIED, INSTALLATION_DISABLED, DEFAULT, LATEST (the doc: DEFAULT
// installs the default driver for the node's GKE version).
test("a GPU pool names its accelerator as a block with a driver version the provider takes", () => {
  expect(named("gpu").node_config.guest_accelerator).toEqual([
    { type: "nvidia-tesla-t4", count: 1, gpu_driver_installation_config: { gpu_driver_version: "DEFAULT" } },
  ]);
});

// node_config.go, "spot": a bool (ForceNew); resource_container_node_pool.go, autoscaling "location_policy": BALANCED
// or ANY, per-zone min_node_count/max_node_count at least 0.
test("a Spot pool sets spot and a location policy the provider takes; every pool's bounds are per zone, from 0", () => {
  expect(named("spot").node_config.spot).toBe(true);
  expect(named("spot").autoscaling.location_policy).toBe("ANY");
  for (const p of pools) {
    expect(Object.keys(p.autoscaling).filter((k) => k.startsWith("total_"))).toEqual([]);
    expect(p.autoscaling.min_node_count).toBeGreaterThanOrEqual(0);
  }
});
