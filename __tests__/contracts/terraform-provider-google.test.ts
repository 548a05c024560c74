// Facts hashicorp/terraform-provider-google v6.50.0 (the provider @cdktf/provider-google 16.12.1 binds) enforces on node
// pools and on alert policies, checked on what we synthesize: google/services/container/node_config.go and
// resource_container_node_pool.go; google/services/monitoring/ (below).
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

// Alert policies and notification channels: hashicorp/terraform-provider-google v6.50.0,
// google/services/monitoring/resource_monitoring_alert_policy.go and resource_monitoring_notification_channel.go, as
// the 6.50.0 build reports them (`terraform providers schema -json`: field names, nesting and "Possible values").
describe("monitoring alert policies", () => {
  const alerted = synthDev((e) => (e.alerts = { emails: ["oncall@example.com"] })).infraJson;
  const policies = Object.values<any>(resourcesOf(alerted, "google_monitoring_alert_policy"));
  const conditions = policies.flatMap((p) => p.conditions);
  const aggregations = conditions.flatMap((c) => (c.condition_threshold ?? c.condition_absent)?.aggregations ?? []);
  const seconds = (d: string) => Number(/^(\d+)s$/.exec(d)?.[1] ?? NaN);

  test("each condition is exactly one of the provider's kinds, with a display name", () => {
    const kinds = ["condition_threshold", "condition_absent", "condition_prometheus_query_language"];
    for (const c of conditions) {
      expect(typeof c.display_name).toBe("string");
      expect(Object.keys(c).filter((k) => k.startsWith("condition_"))).toHaveLength(1);
      expect(kinds).toContain(Object.keys(c).find((k) => k.startsWith("condition_")));
    }
  });

  // combiner: AND, OR, AND_WITH_MATCHING_RESOURCE; comparison: COMPARISON_GT, _GE, _LT, _LE, _EQ, _NE.
  test("combiner and comparisons are values the provider takes", () => {
    for (const p of policies) expect(["AND", "OR", "AND_WITH_MATCHING_RESOURCE"]).toContain(p.combiner);
    for (const c of conditions.filter((c) => c.condition_threshold)) {
      expect(["COMPARISON_GT", "COMPARISON_GE", "COMPARISON_LT", "COMPARISON_LE", "COMPARISON_EQ", "COMPARISON_NE"]).toContain(
        c.condition_threshold.comparison,
      );
    }
  });

  // aggregations: per_series_aligner ALIGN_*, cross_series_reducer REDUCE_*; a reducer needs an aligner and a period.
  test("aligners and reducers are the provider's, and every reducer has an aligner and a period of at least 60s", () => {
    const aligners = ["ALIGN_DELTA", "ALIGN_RATE", "ALIGN_MEAN", "ALIGN_MAX", "ALIGN_MIN", "ALIGN_SUM", "ALIGN_COUNT"];
    const reducers = ["REDUCE_MEAN", "REDUCE_MIN", "REDUCE_MAX", "REDUCE_SUM", "REDUCE_COUNT"];
    expect(aggregations.length).toBeGreaterThan(0);
    for (const a of aggregations) {
      expect(aligners).toContain(a.per_series_aligner);
      if (a.cross_series_reducer !== undefined) expect(reducers).toContain(a.cross_series_reducer);
      expect(seconds(a.alignment_period)).toBeGreaterThanOrEqual(60);
    }
  });

  // condition_absent.duration: "only values that are a multiple of a minute"; condition_prometheus_query_language
  // evaluation_interval: "a positive multiple of 30 seconds".
  test("absence durations are whole minutes, PromQL evaluation intervals multiples of 30 seconds", () => {
    const absent = conditions.filter((c) => c.condition_absent).map((c) => seconds(c.condition_absent.duration));
    const promql = conditions.filter((c) => c.condition_prometheus_query_language);
    expect(absent.length).toBeGreaterThan(0);
    for (const d of absent) expect(d % 60).toBe(0);
    expect(promql.length).toBeGreaterThan(0);
    for (const c of promql) expect(seconds(c.condition_prometheus_query_language.evaluation_interval) % 30).toBe(0);
  });

  // documentation.mime_type: 'Presently, only the value "text/markdown" is supported'; content at most 8,192
  // characters. alert_strategy.auto_close: a duration.
  test("documentation is Markdown within the provider's limit; auto_close is a duration", () => {
    for (const p of policies) {
      expect(p.documentation.mime_type).toBe("text/markdown");
      expect(p.documentation.content.length).toBeLessThanOrEqual(8192);
      expect(p.alert_strategy.auto_close).toMatch(/^\d+s$/);
    }
  });

  // google_monitoring_notification_channel: type matches a NotificationChannelDescriptor ("email"), whose label is
  // email_address (Cloud Monitoring's email descriptor).
  test("an email channel is type email with its address in labels.email_address", () => {
    const channels = Object.values<any>(resourcesOf(alerted, "google_monitoring_notification_channel"));
    expect(channels.map((c) => [c.type, c.labels])).toEqual([["email", { email_address: "oncall@example.com" }]]);
  });
});
