// What Metaflow users need after a deploy: the ~/.metaflowconfig/config.json values and the setup steps.
// Every key is one that metaflow/metaflow_config.py reads (from_conf("X") reads METAFLOW_X).
import { Toleration } from "./node-pools";

/** Inputs of the Metaflow configuration, from the services stack's constructs and the infra outputs. */
export interface MetaflowConfigInputs {
  /** `gs://<bucket>/<prefix>`. */
  readonly datastoreRoot: string;
  /** Metadata service as users reach it (through a port-forward by default). */
  readonly serviceUrl: string;
  /** Metadata service as pods reach it. */
  readonly serviceInternalUrl: string;
  /** Namespace of the flows' pods and workflows (and of the workflows sensors submit), with Workload Identity. */
  readonly kubernetesNamespace: string;
  /** KSA of the flows' pods and workflows, bound to the Metaflow GSA. */
  readonly kubernetesServiceAccount: string;
  /**
   * Registry Metaflow puts before a step's image that names none (its default `python:<version>` included): the Docker
   * Hub cache. @default unset: such images come from Docker Hub
   */
  readonly containerRegistry?: string;
  readonly eventBus: string;
  readonly eventSource: string;
  readonly event: string;
  /** Webhook as users reach it. */
  readonly webhookUrl: string;
  /** Webhook as pods reach it. */
  readonly internalWebhookUrl: string;
  readonly sensorServiceAccount: string;
  /** Namespace of the sensors and the EventBus, apart from the jobs. */
  readonly sensorNamespace: string;
  /** The Metaflow UI as users reach it. */
  readonly uiUrl: string;
  /** The Argo Workflows UI as users reach it. */
  readonly argoWorkflowsUiUrl: string;
  /** `projects/<number>/secrets/<prefix>`, which Metaflow puts before a `@secrets` source's id. */
  readonly secretManagerPrefix: string;
  /**
   * Where a step without a node selector of its own runs: the default pool's selector (`k=v`) and the tolerations of its
   * taints. A step's own node_selector or tolerations replace these, they are not merged. @default unset: any node
   */
  readonly defaultPlacement?: { readonly nodeSelector: string; readonly tolerations: readonly Toleration[] };
}

/**
 * Every METAFLOW_* key the platform gives Metaflow, once, in the order users read config.json. "output": also a
 * Terraform output of its own; "config": in config.json only (the UI links). Each is a setting the pinned client
 * reads (`from_conf("X")` reads METAFLOW_X in metaflow/metaflow_config.py; see __tests__/contracts/metaflow.test.ts).
 */
export const METAFLOW_KEYS = {
  METAFLOW_DEFAULT_DATASTORE: "output",
  METAFLOW_DATASTORE_SYSROOT_GS: "output",
  METAFLOW_DEFAULT_METADATA: "output",
  METAFLOW_SERVICE_URL: "output",
  METAFLOW_SERVICE_INTERNAL_URL: "output",
  METAFLOW_KUBERNETES_NAMESPACE: "output",
  METAFLOW_KUBERNETES_SERVICE_ACCOUNT: "output",
  METAFLOW_KUBERNETES_CONTAINER_REGISTRY: "output",
  METAFLOW_KUBERNETES_NODE_SELECTOR: "output",
  METAFLOW_KUBERNETES_TOLERATIONS: "output",
  METAFLOW_ARGO_EVENTS_EVENT_BUS: "output",
  METAFLOW_ARGO_EVENTS_EVENT_SOURCE: "output",
  METAFLOW_ARGO_EVENTS_EVENT: "output",
  METAFLOW_ARGO_EVENTS_WEBHOOK_URL: "output",
  METAFLOW_ARGO_EVENTS_INTERNAL_WEBHOOK_URL: "output",
  METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT: "output",
  METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE: "output",
  METAFLOW_ARGO_WORKFLOWS_USE_SCHEDULES: "output",
  METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE: "output",
  METAFLOW_GCP_SECRET_MANAGER_PREFIX: "output",
  METAFLOW_UI_URL: "config",
  METAFLOW_ARGO_WORKFLOWS_UI_URL: "config",
} as const;

export type MetaflowKey = keyof typeof METAFLOW_KEYS;
export type MetaflowOutputKey = { [K in MetaflowKey]: (typeof METAFLOW_KEYS)[K] extends "output" ? K : never }[MetaflowKey];

/** The keys that are also Terraform outputs, in order. */
export const METAFLOW_OUTPUT_KEYS = (Object.keys(METAFLOW_KEYS) as MetaflowKey[]).filter(
  (key): key is MetaflowOutputKey => METAFLOW_KEYS[key] === "output",
);

/** A Metaflow setting as a container's env var. */
export function metaflowEnv(name: MetaflowKey, value: string) {
  return { name, value };
}

/** Keys published only when their input is set. */
type OptionalOutputKey = "METAFLOW_KUBERNETES_CONTAINER_REGISTRY" | "METAFLOW_KUBERNETES_NODE_SELECTOR" | "METAFLOW_KUBERNETES_TOLERATIONS";

/** The values of the METAFLOW_* outputs. */
export function metaflowOutputs(
  i: MetaflowConfigInputs,
): Record<Exclude<MetaflowOutputKey, OptionalOutputKey>, string> & Partial<Record<OptionalOutputKey, string>> {
  return {
    METAFLOW_DEFAULT_DATASTORE: "gs",
    METAFLOW_DATASTORE_SYSROOT_GS: i.datastoreRoot,
    METAFLOW_DEFAULT_METADATA: "service",
    METAFLOW_SERVICE_URL: i.serviceUrl,
    METAFLOW_SERVICE_INTERNAL_URL: i.serviceInternalUrl,
    METAFLOW_KUBERNETES_NAMESPACE: i.kubernetesNamespace,
    METAFLOW_KUBERNETES_SERVICE_ACCOUNT: i.kubernetesServiceAccount,
    ...(i.containerRegistry === undefined ? {} : { METAFLOW_KUBERNETES_CONTAINER_REGISTRY: i.containerRegistry }),
    ...(i.defaultPlacement && { METAFLOW_KUBERNETES_NODE_SELECTOR: i.defaultPlacement.nodeSelector }),
    // A JSON list in a string: the decorator json.loads it.
    ...(i.defaultPlacement?.tolerations.length && { METAFLOW_KUBERNETES_TOLERATIONS: JSON.stringify(i.defaultPlacement.tolerations) }),
    METAFLOW_ARGO_EVENTS_EVENT_BUS: i.eventBus,
    METAFLOW_ARGO_EVENTS_EVENT_SOURCE: i.eventSource,
    METAFLOW_ARGO_EVENTS_EVENT: i.event,
    METAFLOW_ARGO_EVENTS_WEBHOOK_URL: i.webhookUrl,
    METAFLOW_ARGO_EVENTS_INTERNAL_WEBHOOK_URL: i.internalWebhookUrl,
    METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT: i.sensorServiceAccount,
    METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE: i.sensorNamespace,
    // CronWorkflows with the list `schedules` (Argo Workflows >= 3.6) rather than `schedule`, which Argo 4 removed.
    METAFLOW_ARGO_WORKFLOWS_USE_SCHEDULES: "true",
    // @secrets sources without a "<type>." read Secret Manager, by id under the environment's prefix.
    METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE: "gcp-secret-manager",
    METAFLOW_GCP_SECRET_MANAGER_PREFIX: i.secretManagerPrefix,
  };
}

/** The whole config.json: the METAFLOW_* outputs plus the UI links Metaflow prints. Holds no secret. */
export function metaflowConfig(
  i: MetaflowConfigInputs,
): ReturnType<typeof metaflowOutputs> & Record<Exclude<MetaflowKey, MetaflowOutputKey>, string> {
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
  /** A path that answers `pong` when the forward reaches the service, if it has one. */
  readonly ping?: string;
}

export interface EndUserSetupInputs {
  readonly project: string;
  readonly clusterName: string;
  readonly clusterLocation: string;
  /** The cluster is reached through its DNS-based endpoint. */
  readonly dnsEndpoint: boolean;
  /** Name of the services stack, for the `terraform output` alternative. */
  readonly stackName: string;
  /** Name of the infra stack, whose state holds the service account key. */
  readonly infraStackName: string;
  /** The Metaflow service account's email. */
  readonly serviceAccountEmail: string;
  /** Who may run flows (identity.flowRunners), named to the reader. */
  readonly flowRunners: readonly string[];
  /** Someone may impersonate the service account (identity.impersonators). */
  readonly impersonation: boolean;
  /** The service account has a key (identity.createKey). */
  readonly keyAllowed: boolean;
  /** Writes ~/.metaflowconfig/config.json from what the cluster publishes. */
  readonly fetchConfigCommand: string;
  /** Installs the pinned Metaflow client from what the cluster publishes. */
  readonly installCommand: string;
  readonly portForwards: PortForward[];
  /** How the UIs are reached (services.access): through the port-forwards, behind IAP, or on an internal address. */
  readonly access: "port-forward" | "iap" | "internal";
  /** The Metaflow UI as users reach it. */
  readonly uiUrl: string;
  /** The Argo Workflows UI as users reach it. */
  readonly argoUiUrl: string;
  /** Secret id prefix of the environment's secrets (secrets.prefix). */
  readonly secretPrefix: string;
  /** The JobSet controller runs multi-node (@parallel) steps (services.jobset.enabled). */
  readonly multiNode: boolean;
  /** Registry host of the flows' image repository, `<region>-docker.pkg.dev`. */
  readonly imageRegistryHost: string;
  /** Push path of the flows' image repository. */
  readonly imageRepository: string;
  /** The node pools steps run on, in the order of cluster.nodePools. @default [] (Autopilot, or no pool: any node) */
  readonly stepPools?: readonly StepPool[];
}

/** A node pool steps run on, as END_USER_SETUP tells users about it. */
export interface StepPool {
  /** The pool's own name (cluster.nodePools[].name). */
  readonly name: string;
  readonly machineType: string;
  /** Nodes per zone that run when nothing does. */
  readonly minNodes: number;
  readonly spot: boolean;
  readonly accelerator?: { readonly type: string; readonly count: number };
  /** Where a step without a node selector of its own runs. */
  readonly isDefault: boolean;
  readonly placement: { readonly nodeSelector: string; readonly tolerations: readonly Toleration[]; readonly gpu?: number };
}

/** The decorator that sends a step to a pool: nothing for the default pool; else its selector, tolerations, a GPU. */
export function stepDecorator(pool: StepPool): string {
  if (pool.isDefault) return "@kubernetes";
  const { nodeSelector, tolerations, gpu } = pool.placement;
  const args = [
    ...(gpu === undefined ? [] : ["gpu=1"]),
    `node_selector="${nodeSelector}"`,
    ...(tolerations.length > 0 ? [`tolerations=${JSON.stringify(tolerations).replace(/([,:])/g, "$1 ")}`] : []),
  ];
  return `@kubernetes(${args.join(", ")})`;
}

/** What a pool costs when no step runs, in words. */
export function idleCost(pool: StepPool): string {
  return pool.minNodes === 0
    ? "costs nothing when idle: it scales to zero"
    : `keeps ${pool.minNodes} ${pool.machineType} node${pool.minNodes > 1 ? "s" : ""} per zone running when idle`;
}

/** One paragraph per pool: what it is, its decorator, its idle cost. */
function poolLines(pools: readonly StepPool[]): string[] {
  if (pools.length === 0) return [];
  const kind = (p: StepPool) =>
    [p.machineType, p.accelerator && `${p.accelerator.count} x ${p.accelerator.type}`, p.spot && "Spot (preempted with 30 s notice)"]
      .filter(Boolean)
      .join(", ");
  return [
    "",
    "8. Where steps run (a step's own node_selector or tolerations replace the defaults, so each line passes all it needs):",
    ...pools.flatMap((p) => [
      `   ${p.name}: ${kind(p)}; ${idleCost(p)}${p.isDefault ? "; runs every step without a node selector of its own" : ""}`,
      `     ${stepDecorator(p)}${p.accelerator ? `   # gpu up to ${p.accelerator.count}` : ""}`,
    ]),
  ];
}

/** The secret END_USER_SETUP creates and reads, by the id `@secrets` takes. */
export const EXAMPLE_SECRET = "db-password";
/** The image END_USER_SETUP builds and runs. */
export const EXAMPLE_IMAGE = "my-image:1.0";

/** The steps from a fresh laptop to `python flow.py run --with kubernetes` and `argo-workflows create`. */
export function endUserSetup(i: EndUserSetupInputs): string {
  const forwards = i.portForwards
    .map((f) => `   kubectl -n ${f.namespace} port-forward ${f.service} ${f.port}:${f.port} &   # ${f.what}`)
    .join("\n");
  const pings = i.portForwards.filter((f) => f.ping).map((f) => `curl -fsS http://localhost:${f.port}${f.ping}`);
  const key = "~/.config/metaflow-gcp/key.json";
  const secret = `${i.secretPrefix}${EXAMPLE_SECRET}`;
  // metaflow plugins/gcp/gcp_secret_manager_secrets_provider.py names the variable after the id, "-", "." and "/" as "_".
  const envVar = EXAMPLE_SECRET.replace(/[-./]/g, "_");
  const image = `${i.imageRepository}/${EXAMPLE_IMAGE}`;
  const who =
    i.flowRunners.length > 0
      ? `You must be one of the flow runners (${i.flowRunners.join(", ")}), directly or through a group:`
      : "No flow runner is configured yet: ask the platform team to add you (or your group) to identity.flowRunners:";
  return [
    "Metaflow on GKE: setup for users",
    "",
    "0. Tools: Python 3.11 or later, the gcloud CLI, and its kubectl and GKE auth plugin:",
    "   gcloud components install gke-gcloud-auth-plugin kubectl",
    "   (gcloud installed with apt or dnf has no components: install the packages google-cloud-cli-gke-gcloud-auth-plugin and kubectl)",
    "",
    "1. Sign in twice: gcloud for the cluster, Application Default Credentials for the datastore (Metaflow's GCS client",
    "   uses google.auth.default()).",
    `   ${who}`,
    "   gcloud auth login",
    "   gcloud auth application-default login",
    "   Without a personal account (CI, service users), keyless: a service account listed in identity.flowRunners (a Cloud",
    "   Build trigger's, a VM's) uses its own credentials as they are.",
    ...(i.impersonation
      ? [
          `   Or act as the Metaflow service account ${i.serviceAccountEmail}, as a member of identity.impersonators:`,
          `     gcloud config set auth/impersonate_service_account ${i.serviceAccountEmail}   # gcloud and kubectl`,
          `     gcloud auth application-default login --impersonate-service-account ${i.serviceAccountEmail}   # Metaflow`,
          "   CI through Workload Identity Federation instead: a credential configuration that impersonates it, named by",
          `   GOOGLE_APPLICATION_CREDENTIALS (gcloud iam workload-identity-pools create-cred-config ... --service-account ${i.serviceAccountEmail}).`,
        ]
      : ["   (To let CI act as the Metaflow service account without a key, list its identity in identity.impersonators.)"]),
    ...(i.keyAllowed
      ? [
          "   Or with the service account's key (identity.createKey); an admin with the infra state runs:",
          `     mkdir -p ~/.config/metaflow-gcp && terraform -chdir=cdktf.out/stacks/${i.infraStackName} output -raw metaflow_service_account_key | base64 -d > ${key} && chmod 600 ${key}`,
          `   and the user: gcloud auth activate-service-account --key-file ${key} && export GOOGLE_APPLICATION_CREDENTIALS=${key}`,
        ]
      : []),
    "",
    "2. Credentials for the cluster:",
    `   gcloud container clusters get-credentials ${i.clusterName} --location ${i.clusterLocation} --project ${i.project}${i.dnsEndpoint ? " --dns-endpoint" : ""}`,
    "",
    "3. Metaflow configuration (holds no secret) and the Metaflow client this platform is tested with, both from the cluster:",
    `   ${i.fetchConfigCommand}`,
    "   python3 -m venv ~/.venvs/metaflow && . ~/.venvs/metaflow/bin/activate",
    `   ${i.installCommand}`,
    `   (The same configuration is the Terraform output metaflow_config: terraform -chdir=cdktf.out/stacks/${i.stackName} output -json metaflow_config)`,
    "",
    ...(forwards
      ? [`4. Port-forwards (keep them running while you use Metaflow)${i.access === "iap" ? "; the UIs need none (5.)" : ""}:`, forwards]
      : [
          "4. No port-forward: the services listen on an internal address of the VPC (the URLs in config.json); reach it from",
          "   the VPC or a network connected to it (VPN, Interconnect, peering).",
        ]),
    ...(pings.length > 0
      ? [
          "   Check they reach the services: each prints pong. A local port another program holds makes its port-forward fail",
          "   (the error scrolls by in the background) and Metaflow talk to that program instead; then forward another local",
          "   port (kubectl ... 18080:8080) and change the URL in ~/.metaflowconfig/config.json to match.",
          `   ${pings.join(" && echo && ")}`,
        ]
      : []),
    "",
    "5. Use it:",
    "   python flow.py run --with kubernetes",
    "   python flow.py argo-workflows create && python flow.py argo-workflows trigger",
    ...(i.multiNode
      ? [
          "   A step across several nodes runs as one JobSet: self.next(self.train, num_parallel=2) in the step before it, and",
          "   @kubernetes and @parallel on it; each node is a pod with the step's resources, on the pool its @kubernetes selects.",
        ]
      : []),
    `   Metaflow UI: ${i.uiUrl}    Argo UI: ${i.argoUiUrl}`,
    ...(i.access === "iap"
      ? ["   Both ask you to sign in with your Google account of the organisation (Identity-Aware Proxy) the first time."]
      : []),
    "   The Argo UI runs in client auth mode: on its login page, paste what `echo Bearer $(gcloud auth print-access-token)`",
    "   prints into the client authentication box and press its Login button (the token lasts an hour).",
    "",
    `6. Secrets: @secrets reads Secret Manager secrets whose ids start with ${i.secretPrefix}; flow runners create them:`,
    `   printf %s "$DB_PASSWORD" | gcloud secrets create ${secret} --data-file=- --project ${i.project}`,
    `   (a new value later: ... | gcloud secrets versions add ${secret} --data-file=- --project ${i.project})`,
    `   In the flow: @secrets(sources=["${EXAMPLE_SECRET}"]) on a step, which then reads os.environ["${envVar}"]`,
    '   ("-", "." and "/" in the id become "_"). A step on Kubernetes reads it as the Metaflow service account; a step run',
    "   on your machine reads it as you, with the package google-cloud-secret-manager installed.",
    "",
    "7. Your own images: push them to the environment's repository, then name them in @kubernetes:",
    `   gcloud auth configure-docker ${i.imageRegistryHost}`,
    `   docker build -t ${image} . && docker push ${image}`,
    `   In the flow: @kubernetes(image="${image}") on a step.`,
    "   The image needs Python 3 and pip (Metaflow installs its own packages when the step starts); the nodes pull it with",
    "   their own service account.",
    ...poolLines(i.stepPools ?? []),
  ].join("\n");
}
