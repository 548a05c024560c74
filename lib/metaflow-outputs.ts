// What Metaflow users need after a deploy: the ~/.metaflowconfig/config.json values and the setup steps.
// Every key is one that metaflow/metaflow_config.py reads (from_conf("X") reads METAFLOW_X).

/** Inputs of the Metaflow configuration, from the services stack's constructs and the infra outputs. */
export interface MetaflowConfigInputs {
  /** `gs://<bucket>/<prefix>`. */
  readonly datastoreRoot: string;
  /** Metadata service as users reach it (through a port-forward by default). */
  readonly serviceUrl: string;
  /** Metadata service as pods reach it. */
  readonly serviceInternalUrl: string;
  /** Namespace of the flows' pods and workflows, which holds the EventBus and has Workload Identity. */
  readonly kubernetesNamespace: string;
  /** KSA of the flows' pods and workflows, bound to the Metaflow GSA. */
  readonly kubernetesServiceAccount: string;
  readonly eventBus: string;
  readonly eventSource: string;
  readonly event: string;
  /** Webhook as users reach it. */
  readonly webhookUrl: string;
  /** Webhook as pods reach it. */
  readonly internalWebhookUrl: string;
  readonly sensorServiceAccount: string;
  readonly sensorNamespace: string;
  /** The Metaflow UI as users reach it. */
  readonly uiUrl: string;
  /** The Argo Workflows UI as users reach it. */
  readonly argoWorkflowsUiUrl: string;
}

/** The outputs that are also config.json keys, in the order users read them. */
export const METAFLOW_OUTPUT_KEYS = [
  "METAFLOW_DEFAULT_DATASTORE",
  "METAFLOW_DATASTORE_SYSROOT_GS",
  "METAFLOW_DEFAULT_METADATA",
  "METAFLOW_SERVICE_URL",
  "METAFLOW_SERVICE_INTERNAL_URL",
  "METAFLOW_KUBERNETES_NAMESPACE",
  "METAFLOW_KUBERNETES_SERVICE_ACCOUNT",
  "METAFLOW_ARGO_EVENTS_EVENT_BUS",
  "METAFLOW_ARGO_EVENTS_EVENT_SOURCE",
  "METAFLOW_ARGO_EVENTS_EVENT",
  "METAFLOW_ARGO_EVENTS_WEBHOOK_URL",
  "METAFLOW_ARGO_EVENTS_INTERNAL_WEBHOOK_URL",
  "METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT",
  "METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE",
] as const;

export type MetaflowOutputKey = (typeof METAFLOW_OUTPUT_KEYS)[number];

/** The values of the METAFLOW_* outputs. */
export function metaflowOutputs(i: MetaflowConfigInputs): Record<MetaflowOutputKey, string> {
  return {
    METAFLOW_DEFAULT_DATASTORE: "gs",
    METAFLOW_DATASTORE_SYSROOT_GS: i.datastoreRoot,
    METAFLOW_DEFAULT_METADATA: "service",
    METAFLOW_SERVICE_URL: i.serviceUrl,
    METAFLOW_SERVICE_INTERNAL_URL: i.serviceInternalUrl,
    METAFLOW_KUBERNETES_NAMESPACE: i.kubernetesNamespace,
    METAFLOW_KUBERNETES_SERVICE_ACCOUNT: i.kubernetesServiceAccount,
    METAFLOW_ARGO_EVENTS_EVENT_BUS: i.eventBus,
    METAFLOW_ARGO_EVENTS_EVENT_SOURCE: i.eventSource,
    METAFLOW_ARGO_EVENTS_EVENT: i.event,
    METAFLOW_ARGO_EVENTS_WEBHOOK_URL: i.webhookUrl,
    METAFLOW_ARGO_EVENTS_INTERNAL_WEBHOOK_URL: i.internalWebhookUrl,
    METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT: i.sensorServiceAccount,
    METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE: i.sensorNamespace,
  };
}

/** The whole config.json: the METAFLOW_* outputs plus the UI links Metaflow prints. Holds no secret. */
export function metaflowConfig(i: MetaflowConfigInputs): Record<string, string> {
  return {
    ...metaflowOutputs(i),
    METAFLOW_UI_URL: i.uiUrl,
    METAFLOW_ARGO_WORKFLOWS_UI_URL: i.argoWorkflowsUiUrl,
  };
}

/** One `kubectl port-forward` a user runs. */
export interface PortForward {
  readonly what: string;
  readonly namespace: string;
  /** `svc/<name>`: always a Service, so the forward follows whichever pod is ready. */
  readonly service: string;
  readonly port: number;
}

export interface EndUserSetupInputs {
  readonly project: string;
  readonly clusterName: string;
  readonly clusterLocation: string;
  /** Name of the services stack, for the `terraform output` command. */
  readonly stackName: string;
  readonly portForwards: PortForward[];
  /** The Metaflow UI as users reach it. */
  readonly uiUrl: string;
  /** The Argo Workflows UI as users reach it. */
  readonly argoUiUrl: string;
}

/** The steps from a fresh laptop to `python flow.py run` and `argo-workflows create`. */
export function endUserSetup(i: EndUserSetupInputs): string {
  const forwards = i.portForwards
    .map((f) => `   kubectl -n ${f.namespace} port-forward ${f.service} ${f.port}:${f.port} &   # ${f.what}`)
    .join("\n");
  return [
    "Metaflow on GKE: setup for users",
    "",
    "1. Credentials for the cluster (needs roles/container.developer; gke-gcloud-auth-plugin installed):",
    `   gcloud container clusters get-credentials ${i.clusterName} --location ${i.clusterLocation} --project ${i.project}`,
    "",
    "2. Metaflow configuration (holds no secret):",
    "   mkdir -p ~/.metaflowconfig",
    `   terraform -chdir=cdktf.out/stacks/${i.stackName} output -json metaflow_config > ~/.metaflowconfig/config.json`,
    "   pip install metaflow kubernetes google-cloud-storage google-auth",
    "",
    "3. Port-forwards (keep them running while you use Metaflow):",
    forwards,
    "",
    "4. Use it:",
    "   python flow.py run --with kubernetes",
    "   python flow.py argo-workflows create && python flow.py argo-workflows trigger",
    `   Metaflow UI: ${i.uiUrl}    Argo UI: ${i.argoUiUrl}`,
    "   The Argo UI runs in client auth mode: log in with `Bearer $(gcloud auth print-access-token)`.",
  ].join("\n");
}
