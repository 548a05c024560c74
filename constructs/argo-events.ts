import { Release } from "@cdktf/provider-helm/lib/release";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { AssetType, ITerraformDependable, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PINS, SERVICE_PORTS } from "../lib/defaults";
import { ImagePull } from "../lib/image-refs";
import { CONTROLLER_RESOURCES, chartRelease } from "./helm-values";
import { NamespaceRef, createdAfter, metadataIn } from "./namespace";
import { NamespacedRole } from "./namespaced-role";
import { restrictedContainerValues, restrictedPodValues } from "./pod-security";

/** The chart in this repository that holds the EventBus and EventSource (custom resources). */
// Resolves alike from constructs/ (ts-node, jest) and from the dist/ bundle: both sit one level below the root.
export const EVENTS_CHART_DIR = path.join(__dirname, "..", "charts", "metaflow-argo-events");

/** UID the Argo Events images run as (a static Go binary; any unprivileged UID works). */
const ARGO_EVENTS_UID = 9731;

export interface ArgoEventsProps {
  /** Namespace of the Argo Events controller. */
  readonly namespace: NamespaceRef;
  /**
   * Namespace of the EventBus, the EventSource, Metaflow's sensors and their service account. The controller keeps the
   * bus credentials in Secrets here: only the platform and the Argo Events controller should create pods in it.
   */
  readonly eventsNamespace: NamespaceRef;
  /** Namespace where the sensors submit Workflows (Metaflow's jobs namespace, where the templates are). */
  readonly workflowNamespace: NamespaceRef;
  /** Helm repository. @default PINS.argoHelmRepository */
  readonly repository?: string;
  /** Exact argo-events chart version. @default PINS.argoEvents.chartVersion */
  readonly chartVersion?: string;
  /** Tag of the Argo Events images. @default PINS.argoEvents.imageTag */
  readonly imageTag?: string;
  /** JetStream version of the EventBus, a key of PINS.jetstream. @default PINS.argoEvents.jetstreamVersion */
  readonly jetstreamVersion?: string;
  /** How an upstream image (Argo Events', the JetStream and STAN ones) is pulled, e.g. through a registry cache. @default as written */
  readonly pull?: ImagePull;
  /** Directory of the local chart with the EventBus and EventSource. @default EVENTS_CHART_DIR */
  readonly chartDir?: string;
  /** Node labels the controller's, the EventBus's and the EventSource's pods must match (the platform pool's). @default none: any node */
  readonly nodeSelector?: Record<string, string>;
  /** Resources besides the namespaces that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Argo Events (controller from the argoproj chart), the JetStream EventBus `default` and the webhook EventSource
 * Metaflow publishes events to, and the service account Metaflow's sensors run as.
 */
export class ArgoEvents extends Construct {
  readonly eventBusName = "default";
  readonly eventSourceName = "argo-events-webhook";
  readonly eventName = "metaflow-event";
  readonly webhookPort = SERVICE_PORTS.argoEventsWebhook;
  /** The Service the Argo Events controller creates for the EventSource (`<name>-eventsource-svc`). */
  readonly webhookServiceName: string;
  /**
   * Labels that select the EventSource's pods: those the controller gives them and its own Service selects on
   * (argoproj/argo-events v1.9.11, pkg/reconciler/eventsource/controller.go).
   */
  readonly webhookSelector: Record<string, string>;
  /** The webhook server's health route (argo-events v1.9.11, pkg/eventsources/common/webhook/webhook.go). */
  readonly webhookProbePath = "/health";
  /** In-cluster webhook URL, METAFLOW_ARGO_EVENTS_INTERNAL_WEBHOOK_URL. */
  readonly internalWebhookUrl: string;
  /** Service account of Metaflow's sensors, METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT. */
  readonly sensorServiceAccountName = "operate-workflow-sa";
  /** Namespace of the EventBus and the sensors, METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE. */
  readonly sensorNamespace: string;
  readonly controllerRelease: Release;
  readonly resourcesRelease: Release;
  /** Values of both releases, as passed to Helm (before serialization). */
  readonly controllerValues: Record<string, unknown>;
  readonly resourcesValues: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: ArgoEventsProps) {
    super(scope, id);
    const repository = props.repository ?? PINS.argoHelmRepository;
    const jetstreamVersion = props.jetstreamVersion ?? PINS.argoEvents.jetstreamVersion;
    const jetstream = (PINS.jetstream as Record<string, (typeof PINS.jetstream)[keyof typeof PINS.jetstream]>)[jetstreamVersion];
    if (!jetstream) throw new Error(`unknown JetStream version ${jetstreamVersion}: use one of ${Object.keys(PINS.jetstream).join(", ")}`);
    this.sensorNamespace = props.eventsNamespace.name;
    const after = createdAfter([props.namespace, props.eventsNamespace], props.dependsOn);
    this.webhookServiceName = `${this.eventSourceName}-eventsource-svc`;
    this.webhookSelector = {
      controller: "eventsource-controller",
      "eventsource-name": this.eventSourceName,
      "owner-name": this.eventSourceName,
    };
    this.internalWebhookUrl = `http://${this.webhookServiceName}.${this.sensorNamespace}.svc.cluster.local:${this.webhookPort}/${this.eventName}`;

    const pull = props.pull ?? ((ref: string) => ref);
    // A version entry of the controller config with each of its images (the `...Image` fields) pulled as above.
    const pulled = <T extends Record<string, string>>(images: T) =>
      Object.fromEntries(Object.entries(images).map(([key, value]) => [key, /Image$/.test(key) ? pull(value) : value])) as T;
    const podSecurity = restrictedPodValues(ARGO_EVENTS_UID);
    const containerSecurity = restrictedContainerValues();

    this.controllerValues = {
      global: {
        // Explicit tag rather than the chart's appVersion default: the image is visible in review.
        image: {
          repository: pull("quay.io/argoproj/argo-events"),
          tag: props.imageTag ?? PINS.argoEvents.imageTag,
          imagePullPolicy: "IfNotPresent",
        },
        securityContext: podSecurity,
      },
      crds: { install: true, keep: true },
      configs: {
        // The chart's defaults list floating `latest` images: keep only pinned versions. The controller needs a
        // STAN entry to start even though the EventBus below is JetStream (see PINS.stan).
        nats: { versions: [pulled(PINS.stan)] },
        jetstream: { versions: [{ version: jetstreamVersion, ...pulled(jetstream), startCommand: "/nats-server" }] },
      },
      controller: {
        // Cluster-wide: it reconciles the EventBus, EventSource and sensors in the events namespace, not its own.
        rbac: { enabled: true, namespaced: false },
        replicas: 1,
        containerSecurityContext: containerSecurity,
        resources: CONTROLLER_RESOURCES,
        ...(props.nodeSelector && { nodeSelector: props.nodeSelector }),
      },
      // The validating admission webhook is off: it would need its own TLS setup and is optional.
      webhook: { enabled: false },
    };

    this.controllerRelease = chartRelease(this, "controller", {
      name: "argo-events",
      repository,
      chart: "argo-events",
      version: props.chartVersion ?? PINS.argoEvents.chartVersion,
      namespace: props.namespace.name,
      values: this.controllerValues,
      dependsOn: after,
    });

    // The sensors Metaflow deploys run as this account and submit workflows in the jobs namespace, where Metaflow
    // names them (the trigger's resource carries KUBERNETES_NAMESPACE): a Role there, bound across namespaces.
    const sensorSa = new ServiceAccountV1(this, "sensor-sa", {
      metadata: metadataIn(props.eventsNamespace, this.sensorServiceAccountName),
      // Sensor pods call the Kubernetes API to create Workflows.
      automountServiceAccountToken: true,
      dependsOn: after,
    });
    new NamespacedRole(this, "operate-workflow", {
      namespace: props.workflowNamespace.name,
      name: "operate-workflow",
      rules: [
        { apiGroups: ["argoproj.io"], resources: ["workflows"], verbs: ["create", "get", "list", "watch", "update", "patch"] },
        { apiGroups: ["argoproj.io"], resources: ["workflowtemplates"], verbs: ["get", "list", "watch"] },
      ],
      subjects: [{ name: sensorSa.metadata.name, namespace: sensorSa.metadata.namespace }],
      dependsOn: createdAfter([props.workflowNamespace], [sensorSa]),
    });

    this.resourcesValues = {
      namespace: this.sensorNamespace,
      eventBus: {
        name: this.eventBusName,
        spec: {
          jetstream: {
            version: jetstreamVersion,
            // JetStream needs three nodes for its replicated streams.
            replicas: 3,
            securityContext: podSecurity,
            containerTemplate: { resources: CONTROLLER_RESOURCES },
            ...(props.nodeSelector && { nodeSelector: props.nodeSelector }),
          },
        },
      },
      eventSource: {
        name: this.eventSourceName,
        spec: {
          eventBusName: this.eventBusName,
          template: {
            securityContext: podSecurity,
            ...(props.nodeSelector && { nodeSelector: props.nodeSelector }),
            container: {
              securityContext: containerSecurity,
              resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
            },
          },
          service: { ports: [{ port: this.webhookPort, targetPort: this.webhookPort }] },
          webhook: {
            [this.eventName]: { port: String(this.webhookPort), endpoint: `/${this.eventName}`, method: "POST" },
          },
        },
      },
    };

    // The chart directory is copied into the synthesized stack (cdktf.out/stacks/<stack>/assets/...), and the
    // release names it by a path relative to the stack directory, where Terraform runs: the stack is self-contained
    // for a CI runner or `cdktf deploy`. The path carries a content hash, so any edit of the chart triggers an upgrade.
    const chartDir = props.chartDir ?? EVENTS_CHART_DIR;
    const chart = new TerraformAsset(this, "chart", { path: chartDir, type: AssetType.DIRECTORY });
    this.resourcesRelease = chartRelease(this, "resources", {
      name: "metaflow-argo-events",
      chart: `./${chart.path.replace(/\/$/, "")}`,
      // The version of the chart as copied, stated so the plan shows it (Helm takes a local chart as it is).
      version: String(YAML.parse(fs.readFileSync(path.join(chartDir, "Chart.yaml"), "utf8")).version),
      namespace: this.sensorNamespace,
      values: this.resourcesValues,
      // The custom resources need the CRDs, which the controller release installs.
      dependsOn: [this.controllerRelease],
    });
  }
}
