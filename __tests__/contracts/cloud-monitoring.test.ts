// Facts of Cloud Monitoring the alert policies rely on, checked on what we synthesize: which metrics exist, their
// kind (which aligner suits them), the labels of their monitored resources, and how PromQL names a metric. Google
// documents them in pages, not in a tagged source: each test names its page (read 2026-12).
import { resourcesOf, synthDev } from "../helpers";

const json = synthDev((e) => (e.alerts = { emails: ["oncall@example.com"] })).infraJson;
const conditions = Object.values<any>(resourcesOf(json, "google_monitoring_alert_policy")).flatMap((p) => p.conditions);
const filtered = conditions.map((c) => c.condition_threshold ?? c.condition_absent).filter((c) => c !== undefined);
/** The metric type a filter names. */
const metricOf = (filter: string) => /metric\.type="([^"]+)"/.exec(filter)?.[1];
/** The resource labels a filter names. */
const resourceLabelsOf = (filter: string) => [...filter.matchAll(/resource\.label\.(\w+)/g)].map((m) => m[1]);
const resourceTypeOf = (filter: string) => /resource\.type="([^"]+)"/.exec(filter)?.[1];

// Each metric with its monitored resource and kind, as Google's metrics lists give them:
// Cloud SQL, cloud.google.com/monitoring/api/metrics_gcp (cloudsql: database/cpu/utilization, database/memory/utilization,
// database/disk/utilization, GAUGE DOUBLE, a fraction 0-1 of the instance's limit);
// GKE system metrics, cloud.google.com/monitoring/api/metrics_kubernetes (container/restart_count CUMULATIVE INT64,
// container/uptime GAUGE DOUBLE, on k8s_container).
const METRICS: Record<string, { resource: string; kind: "GAUGE" | "CUMULATIVE" }> = {
  "cloudsql.googleapis.com/database/cpu/utilization": { resource: "cloudsql_database", kind: "GAUGE" },
  "cloudsql.googleapis.com/database/memory/utilization": { resource: "cloudsql_database", kind: "GAUGE" },
  "cloudsql.googleapis.com/database/disk/utilization": { resource: "cloudsql_database", kind: "GAUGE" },
  "kubernetes.io/container/restart_count": { resource: "k8s_container", kind: "CUMULATIVE" },
  "kubernetes.io/container/uptime": { resource: "k8s_container", kind: "GAUGE" },
};

// Monitored resource types, cloud.google.com/monitoring/api/resources: cloudsql_database has project_id,
// database_id ("<project>:<instance>") and region; k8s_container has project_id, location, cluster_name,
// namespace_name, pod_name and container_name; k8s_node has project_id, location, cluster_name and node_name.
const RESOURCE_LABELS: Record<string, string[]> = {
  cloudsql_database: ["project_id", "database_id", "region"],
  k8s_container: ["project_id", "location", "cluster_name", "namespace_name", "pod_name", "container_name"],
  k8s_node: ["project_id", "location", "cluster_name", "node_name"],
};

test("every filter names a listed metric on its own monitored resource, with labels that resource has", () => {
  expect(filtered.length).toBeGreaterThanOrEqual(7);
  for (const { filter } of filtered) {
    const metric = METRICS[metricOf(filter) ?? ""];
    expect([metricOf(filter), metric]).toEqual([metricOf(filter), expect.anything()]);
    expect(resourceTypeOf(filter)).toBe(metric.resource);
    for (const label of resourceLabelsOf(filter)) expect(RESOURCE_LABELS[metric.resource]).toContain(label);
  }
});

test("the database's id is <project>:<instance>", () => {
  const ids = filtered.map((c) => /database_id="([^"]+)"/.exec(c.filter)?.[1]).filter((id) => id !== undefined);
  expect(ids).toHaveLength(3);
  for (const id of ids) expect(id).toMatch(/^my-metaflow-project:\$\{google_sql_database_instance\.\S+\.name\}$/);
});

// Aligners by kind (cloud.google.com/monitoring/api/ref_v3/rest/v3/projects.alertPolicies, Aligner): ALIGN_DELTA
// needs a CUMULATIVE or DELTA metric; ALIGN_MEAN a numeric GAUGE or DELTA one.
test("a counter is aligned by its change, a gauge by its mean", () => {
  for (const c of filtered) {
    const kind = METRICS[metricOf(c.filter)!].kind;
    for (const a of c.aggregations)
      expect([kind, a.per_series_aligner]).toEqual([kind, kind === "CUMULATIVE" ? "ALIGN_DELTA" : "ALIGN_MEAN"]);
  }
});

// kubernetes.io/node/status_condition, a GKE system metric on k8s_node from GKE 1.32.1-gke.1357001, with the labels
// condition (a node condition such as Ready) and status (True, False, Unknown): "Node health metrics" in
// cloud.google.com/kubernetes-engine/docs/how-to/tpus and .../how-to/gpus. PromQL names a Cloud Monitoring metric
// by its domain with "." as "_", ":" for the first "/", "_" for the others, and filters the resource with the
// monitored_resource label (cloud.google.com/stackdriver/docs/managed-prometheus/promql, "Mapping metric names").
test("the nodes' PromQL names kubernetes.io/node/status_condition as PromQL maps it, on k8s_node, by condition and status", () => {
  const queries = conditions.flatMap((c) => c.condition_prometheus_query_language?.query ?? []);
  expect(queries).toHaveLength(1);
  const promName = (metric: string) => {
    const [domain, ...path] = metric.split("/");
    return `${domain.replace(/\./g, "_")}:${path.join("_")}`;
  };
  const [query] = queries;
  expect(query).toContain(`${promName("kubernetes.io/node/status_condition")}{monitored_resource="k8s_node",`);
  const labels = [...query.matchAll(/(\w+)!?="/g)].map((m) => m[1]);
  for (const label of labels) expect([...RESOURCE_LABELS.k8s_node, "monitored_resource", "condition", "status"]).toContain(label);
  expect(query).toContain('condition="Ready",status!="True"');
});
