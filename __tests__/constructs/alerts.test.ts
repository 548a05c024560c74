import { PlatformAlerts, PlatformAlertsProps } from "../../constructs/alerts";
import { PROJECT, bareStack, resourcesOf, synth } from "./stack";

const props: PlatformAlertsProps = {
  project: PROJECT,
  displayPrefix: "metaflow-dev",
  emails: ["oncall@example.com", "ml-platform@example.com"],
  notificationChannels: [`projects/${PROJECT}/notificationChannels/1234`],
  sqlInstanceName: "metaflow-dev-a1b2c3",
  clusterName: "metaflow-dev",
  services: { namespace: "metaflow", containers: ["metadata-service", "ui-backend"] },
  workflowController: { namespace: "argo", containers: ["controller"] },
};

function build(overrides: Partial<PlatformAlertsProps> = {}) {
  const stack = bareStack("google");
  new PlatformAlerts(stack, "alerts", { ...props, ...overrides });
  const { json } = synth(stack);
  const policies = Object.values<any>(resourcesOf(json, "google_monitoring_alert_policy"));
  const channels = resourcesOf(json, "google_monitoring_notification_channel");
  const byName = (part: string) => policies.find((p) => p.display_name.includes(part));
  return { policies, channels, byName };
}

describe("PlatformAlerts", () => {
  const { policies, channels, byName } = build();
  const conditionsOf = (p: any) => p.conditions as any[];
  const filtersOf = (p: any) => conditionsOf(p).map((c) => (c.condition_threshold ?? c.condition_absent)?.filter);

  test("one policy per concern, each named after the environment", () => {
    expect(policies.map((p) => p.display_name).sort()).toEqual(
      [
        "Argo workflow controller down",
        "Cloud SQL CPU above 90%",
        "Cloud SQL disk above 85%",
        "Cloud SQL memory above 90%",
        "GKE nodes not ready",
        "Metaflow services not running",
        "Metaflow services restarting",
      ].map((n) => `metaflow-dev: ${n}`),
    );
  });

  test("an email channel per address; every policy tells them and the existing channels", () => {
    const emailOf = (id: string) => channels[id].labels.email_address;
    expect(Object.values<any>(channels).map((c) => c.type)).toEqual(["email", "email"]);
    // The synthesized JSON sorts resources by id: read the order the policies name them in.
    const [first, second, existing] = policies[0].notification_channels;
    const idOf = (ref: string) => ref.match(/^\$\{google_monitoring_notification_channel\.([^.]+)\.name\}$/)?.[1] ?? "";
    expect([emailOf(idOf(first)), emailOf(idOf(second)), existing]).toEqual([
      "oncall@example.com",
      "ml-platform@example.com",
      `projects/${PROJECT}/notificationChannels/1234`,
    ]);
    for (const p of policies) expect(p.notification_channels).toEqual([first, second, existing]);
  });

  test("the database policies watch this instance only, as a fraction of its limit", () => {
    for (const [name, metric, fraction] of [
      ["CPU", "cpu", 0.9],
      ["memory", "memory", 0.9],
      ["disk", "disk", 0.85],
    ] as const) {
      const [condition] = conditionsOf(byName(`Cloud SQL ${name}`));
      expect(condition.condition_threshold.filter).toBe(
        `metric.type="cloudsql.googleapis.com/database/${metric}/utilization" AND resource.type="cloudsql_database" AND resource.label.database_id="${PROJECT}:metaflow-dev-a1b2c3"`,
      );
      expect(condition.condition_threshold.threshold_value).toBe(fraction);
      expect(condition.condition_threshold.comparison).toBe("COMPARISON_GT");
    }
  });

  test("the services' policies name this cluster, the namespace and the containers", () => {
    const scope = `resource.type="k8s_container" AND resource.label.project_id="${PROJECT}" AND resource.label.cluster_name="metaflow-dev"`;
    expect(filtersOf(byName("services restarting"))).toEqual([
      `metric.type="kubernetes.io/container/restart_count" AND ${scope} AND resource.label.namespace_name="metaflow" AND resource.label.container_name=one_of("metadata-service", "ui-backend")`,
    ]);
    expect(filtersOf(byName("services not running"))).toEqual([
      `metric.type="kubernetes.io/container/uptime" AND ${scope} AND resource.label.namespace_name="metaflow" AND resource.label.container_name=one_of("metadata-service", "ui-backend")`,
    ]);
    const controller = byName("workflow controller");
    expect(filtersOf(controller)).toEqual([
      `metric.type="kubernetes.io/container/uptime" AND ${scope} AND resource.label.namespace_name="argo" AND resource.label.container_name=one_of("controller")`,
      `metric.type="kubernetes.io/container/restart_count" AND ${scope} AND resource.label.namespace_name="argo" AND resource.label.container_name=one_of("controller")`,
    ]);
    expect(controller.combiner).toBe("OR");
  });

  test("restarts count per container over 10 minutes; absence is per container name", () => {
    const [restarts] = conditionsOf(byName("services restarting"));
    expect(restarts.condition_threshold.aggregations).toEqual([
      {
        alignment_period: "600s",
        per_series_aligner: "ALIGN_DELTA",
        cross_series_reducer: "REDUCE_SUM",
        group_by_fields: ["resource.label.container_name"],
      },
    ]);
    expect(restarts.condition_threshold.threshold_value).toBe(3);
    const [absent] = conditionsOf(byName("services not running"));
    expect(absent.condition_absent.duration).toBe("300s");
    expect(absent.condition_absent.aggregations[0].group_by_fields).toEqual(["resource.label.container_name"]);
  });

  test("the nodes' policy asks PromQL for this cluster's nodes whose Ready condition is not True", () => {
    const [condition] = conditionsOf(byName("nodes not ready"));
    expect(condition.condition_prometheus_query_language).toEqual({
      query: `max by (node_name) (kubernetes_io:node_status_condition{monitored_resource="k8s_node",project_id="${PROJECT}",cluster_name="metaflow-dev",condition="Ready",status!="True"}) > 0`,
      duration: "600s",
      evaluation_interval: "60s",
    });
  });

  test("every policy says what to do, closes by itself and is in the project", () => {
    for (const p of policies) {
      expect(p.project).toBe(PROJECT);
      expect(p.documentation.mime_type).toBe("text/markdown");
      expect(p.documentation.content).toMatch(/docs\/platform\.md#alerts/);
      expect(p.documentation.content.length).toBeGreaterThan(80);
      expect(p.alert_strategy.auto_close).toBe("1800s");
    }
  });

  test("thresholds come from the props", () => {
    const custom = build({
      thresholds: { databaseCpuPercent: 75, databaseMemoryPercent: 80, databaseDiskPercent: 70, containerRestarts: 5 },
    });
    expect(conditionsOf(custom.byName("Cloud SQL CPU above 75%"))[0].condition_threshold.threshold_value).toBe(0.75);
    expect(conditionsOf(custom.byName("restarting"))[0].condition_threshold.threshold_value).toBe(5);
  });

  test("existing channels alone make no email channel", () => {
    const only = build({ emails: [] });
    expect(only.channels).toEqual({});
    for (const p of only.policies) expect(p.notification_channels).toEqual([`projects/${PROJECT}/notificationChannels/1234`]);
  });

  test("refuses to make policies nobody is told of", () => {
    expect(() => build({ emails: [], notificationChannels: [] })).toThrow(/at least one email or notification channel/);
  });
});
