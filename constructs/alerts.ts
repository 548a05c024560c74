import {
  MonitoringAlertPolicy,
  MonitoringAlertPolicyConditions,
  MonitoringAlertPolicyConfig,
} from "@cdktf/provider-google/lib/monitoring-alert-policy";
import { MonitoringNotificationChannel } from "@cdktf/provider-google/lib/monitoring-notification-channel";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DEFAULTS } from "../lib/defaults";

/** Containers of one namespace that users' flows need running. */
export interface WatchedContainers {
  readonly namespace: string;
  /** Container names, as the pods' specs name them. */
  readonly containers: readonly string[];
}

export interface AlertThresholds {
  /** @default 90 */
  readonly databaseCpuPercent: number;
  /** @default 90 */
  readonly databaseMemoryPercent: number;
  /** @default 85 */
  readonly databaseDiskPercent: number;
  /** Restarts of one container name in 10 minutes. @default 3 */
  readonly containerRestarts: number;
}

export interface PlatformAlertsProps {
  readonly project: string;
  /** Starts every display name, so that each environment's alerts say whose they are: `<namePrefix>-<env>`. */
  readonly displayPrefix: string;
  /** An email notification channel is made for each. @default [] */
  readonly emails?: readonly string[];
  /** Existing notification channels, `projects/<p>/notificationChannels/<id>`. @default [] */
  readonly notificationChannels?: readonly string[];
  /** The Cloud SQL instance's name (Cloud Monitoring's database_id is `<project>:<name>`). */
  readonly sqlInstanceName: string;
  readonly clusterName: string;
  /** The Metaflow services: restarts and absence. */
  readonly services: WatchedContainers;
  /** The Argo workflow controller: restarts and absence. */
  readonly workflowController: WatchedContainers;
  /** @default DEFAULTS.alerts.thresholds */
  readonly thresholds?: AlertThresholds;
  /** Resources (the Monitoring API's enablement) that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

// Every notification points at the longer runbook, which ships with the app.
const RUNBOOK = "docs/platform.md#alerts in this platform's repository";

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(", ");
const filter = (...terms: string[]) => terms.join(" AND ");

/**
 * Cloud Monitoring alert policies on what stops users' flows: the Cloud SQL instance near its CPU, memory or disk
 * limit, the Metaflow services or the Argo workflow controller restarting or gone, nodes of the cluster not ready.
 * Each policy's filter names this environment's resources only, and its documentation says what to do.
 */
export class PlatformAlerts extends Construct {
  /** The channels told of every policy: the email channels made here, then the existing ones. */
  readonly channels: string[];
  readonly policies: MonitoringAlertPolicy[] = [];

  constructor(scope: Construct, id: string, props: PlatformAlertsProps) {
    super(scope, id);
    const { project, displayPrefix, clusterName } = props;
    const t = props.thresholds ?? DEFAULTS.alerts.thresholds;
    const emails = props.emails ?? [];
    // A policy without a channel only shows in the console: nobody would be told, so none is made.
    if (emails.length + (props.notificationChannels ?? []).length === 0) {
      throw new Error(`alerts of ${displayPrefix}: at least one email or notification channel is needed`);
    }
    const dependsOn = props.dependsOn;

    const emailChannels = emails.map(
      (email) =>
        new MonitoringNotificationChannel(this, `email-${email}`, {
          project,
          displayName: `${displayPrefix} alerts: ${email}`,
          type: "email",
          labels: { email_address: email },
          dependsOn,
        }),
    );
    this.channels = [...emailChannels.map((c) => c.name), ...(props.notificationChannels ?? [])];

    const policy = (id: string, displayName: string, conditions: MonitoringAlertPolicyConditions[], todo: string) => {
      const config: MonitoringAlertPolicyConfig = {
        project,
        displayName: `${displayPrefix}: ${displayName}`,
        combiner: "OR",
        conditions,
        notificationChannels: this.channels,
        // Closes an incident whose data stopped (a deleted pod, a replaced node) instead of leaving it open.
        alertStrategy: { autoClose: "1800s" },
        documentation: { mimeType: "text/markdown", content: `${todo}\n\nMore: ${RUNBOOK}.` },
        dependsOn,
      };
      this.policies.push(new MonitoringAlertPolicy(this, id, config));
    };

    // Cloud SQL: the instance's own metrics, by database_id.
    const database = [`resource.type="cloudsql_database"`, `resource.label.database_id="${project}:${props.sqlInstanceName}"`];
    const databaseNear = (metric: string, percent: number): MonitoringAlertPolicyConditions[] => [
      {
        displayName: `${metric} above ${percent}% for 10 minutes`,
        conditionThreshold: {
          filter: filter(`metric.type="cloudsql.googleapis.com/database/${metric}/utilization"`, ...database),
          aggregations: [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_MEAN" }],
          comparison: "COMPARISON_GT",
          // The metric is a fraction of the instance's limit.
          thresholdValue: percent / 100,
          duration: "600s",
        },
      },
    ];
    policy(
      "database-cpu",
      `Cloud SQL CPU above ${t.databaseCpuPercent}%`,
      databaseNear("cpu", t.databaseCpuPercent),
      "The metadata service's and Argo's database is short of CPU: their calls slow down and time out. Look for a runaway query (Query insights), then move `database.tier` to more vCPUs.",
    );
    policy(
      "database-memory",
      `Cloud SQL memory above ${t.databaseMemoryPercent}%`,
      databaseNear("memory", t.databaseMemoryPercent),
      "The database is short of memory and may restart when it runs out. Move `database.tier` to more memory.",
    );
    policy(
      "database-disk",
      `Cloud SQL disk above ${t.databaseDiskPercent}%`,
      databaseNear("disk", t.databaseDiskPercent),
      "A full disk stops every write: runs can no longer be recorded. Raise `database.diskSizeGb` (a disk grows, never shrinks) and deploy.",
    );

    // GKE system metrics of the cluster's containers, by namespace and container name.
    const containers = (metric: string, w: WatchedContainers) =>
      filter(
        `metric.type="kubernetes.io/container/${metric}"`,
        `resource.type="k8s_container"`,
        `resource.label.project_id="${project}"`,
        `resource.label.cluster_name="${clusterName}"`,
        `resource.label.namespace_name="${w.namespace}"`,
        `resource.label.container_name=one_of(${quoted(w.containers)})`,
      );
    const byContainer = ["resource.label.container_name"];
    const restarting = (w: WatchedContainers): MonitoringAlertPolicyConditions => ({
      displayName: `more than ${t.containerRestarts} restarts in 10 minutes`,
      conditionThreshold: {
        filter: containers("restart_count", w),
        aggregations: [
          { alignmentPeriod: "600s", perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_SUM", groupByFields: byContainer },
        ],
        comparison: "COMPARISON_GT",
        thresholdValue: t.containerRestarts,
        duration: "0s",
      },
    });
    // A container that no pod runs reports no uptime: its series stops, whatever stopped it (evicted, unschedulable,
    // a Deployment scaled to zero).
    const gone = (w: WatchedContainers): MonitoringAlertPolicyConditions => ({
      displayName: "no container running for 5 minutes",
      conditionAbsent: {
        filter: containers("uptime", w),
        aggregations: [
          { alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MEAN", crossSeriesReducer: "REDUCE_COUNT", groupByFields: byContainer },
        ],
        duration: "300s",
      },
    });
    policy(
      "services-restarting",
      "Metaflow services restarting",
      [restarting(props.services)],
      `The metadata service or the UI backend keeps restarting: flows cannot record runs, the UI shows errors. Read the container's previous logs (\`kubectl logs -n ${props.services.namespace} deploy/<name> --previous\`): a database it cannot reach, or memory above its limit (OOMKilled in \`kubectl describe pod\`).`,
    );
    policy(
      "services-unavailable",
      "Metaflow services not running",
      [gone(props.services)],
      `No pod of the metadata service or the UI backend is running: flows fail at start. \`kubectl get pods -n ${props.services.namespace}\` and \`kubectl describe pod\` say why (unschedulable, image pull, eviction); \`npm run verify\` checks the whole platform.`,
    );
    policy(
      "workflow-controller-down",
      "Argo workflow controller down",
      [gone(props.workflowController), restarting(props.workflowController)],
      `Argo's workflow controller is not running or keeps restarting: scheduled and triggered flows do not start and running ones do not advance. \`kubectl logs -n ${props.workflowController.namespace} deploy/argo-workflows-workflow-controller --previous\` says why (often the archive database or its ConfigMap).`,
    );

    // GKE system metric kubernetes.io/node/status_condition, read through PromQL, which gives a BOOL metric as 0 or 1.
    // Its resource, k8s_node, has no node-pool label: every node of the cluster is watched, the platform pool's too.
    const notReady = `kubernetes_io:node_status_condition{monitored_resource="k8s_node",project_id="${project}",cluster_name="${clusterName}",condition="Ready",status!="True"}`;
    policy(
      "nodes-not-ready",
      "GKE nodes not ready",
      [
        {
          displayName: "a node not Ready for 10 minutes",
          conditionPrometheusQueryLanguage: { query: `max by (node_name) (${notReady}) > 0`, duration: "600s", evaluationInterval: "60s" },
        },
      ],
      "A node has not been Ready for 10 minutes: its pods are not running, and GKE's auto-repair should replace it. `kubectl describe node <name>` shows its conditions; if the platform pool has no Ready node, the services are down too.",
    );
  }
}
