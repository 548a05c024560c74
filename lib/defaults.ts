// Every pinned version and every default the app relies on, once. The config schema fills user settings from
// here and the constructs default their props from here, so the two cannot disagree. Pure data: no imports.

/** Upstream releases this app is built and tested against (see __tests__/contracts/ for what each one enforces). */
export const PINS = {
  /** The services' images; each is also a setting under `services.images` (full version tag or digest). */
  images: {
    /**
     * Netflix/metaflow-service: the metadata service, the UI backend and the Metaflow UI it serves (metaflow-ui
     * v1.3.13, bundled at build), one image. Its release workflow pushes exactly this name and tag to Docker Hub.
     */
    metadataService: "netflixoss/metaflow_metadata_service:v2.5.1",
  },
  argoHelmRepository: "https://argoproj.github.io/argo-helm",
  argoWorkflows: {
    /** argo-helm argo-workflows chart, the last of the 0.47.x line (Argo v3.7; 1.x ships Argo 4, which Metaflow is not tested on). */
    chartVersion: "0.47.5",
    /** The chart's own appVersion: the Argo line its templates and CRDs are written for. */
    chartAppVersion: "v3.7.11",
    /** The latest patch release of that line, run on the chart (its CRDs are those of v3.7.11, unchanged since). */
    imageTag: "v3.7.18",
  },
  argoEvents: {
    /** argo-helm argo-events chart, the last of the 2.4.x line. */
    chartVersion: "2.4.22",
    chartAppVersion: "v1.9.10",
    /** The latest patch release of the chart's line. */
    imageTag: "v1.9.11",
    jetstreamVersion: "2.10.10",
  },
  /**
   * kubernetes-sigs/jobset v0.12.0, the controller of the JobSets Metaflow creates for @parallel (it serves
   * jobset.x-k8s.io/v1alpha2, Metaflow's KUBERNETES_JOBSET_GROUP/VERSION defaults). The chart is published to the OCI
   * registry only; its git tag's values.yaml names a staging image with the floating tag `main`, so the release image
   * the project's packaging script publishes is pinned here and set explicitly.
   */
  jobset: {
    repository: "oci://registry.k8s.io/jobset/charts",
    chartVersion: "0.12.0",
    image: "registry.k8s.io/jobset/jobset:v0.12.0",
  },
  /**
   * Terraform: the stacks' required_version, and the release CI (.github/workflows, cloudbuild) and `npm run validate`
   * run (scripts/validate/common.sh builds it when none that satisfies the constraint is on PATH).
   */
  terraform: { requiredVersion: ">= 1.11.0", tested: "1.11.4" },
  /**
   * The JetStream versions of the argo-events 2.4.x chart's values.yaml that this app offers, without its floating
   * `latest`, with their images.
   */
  jetstream: {
    "2.10.10": {
      natsImage: "nats:2.10.10",
      metricsExporterImage: "natsio/prometheus-nats-exporter:0.14.0",
      configReloaderImage: "natsio/nats-server-config-reloader:0.14.0",
    },
    "2.9.16": {
      natsImage: "nats:2.9.16",
      metricsExporterImage: "natsio/prometheus-nats-exporter:0.9.1",
      configReloaderImage: "natsio/nats-server-config-reloader:0.7.0",
    },
  },
  /**
   * The one NATS Streaming (STAN) version the Argo Events controller config carries. STAN is deprecated and no
   * EventBus here uses it (the bus is JetStream), but the controller refuses to start on a config that lists none
   * (argoproj/argo-events v1.9.11, pkg/reconciler/config.go, ValidateConfig). The chart's own pinned entry.
   */
  stan: {
    version: "0.22.1",
    natsStreamingImage: "nats-streaming:0.22.1",
    metricsExporterImage: "natsio/prometheus-nats-exporter:0.8.0",
  },
} as const;

/** JetStream versions offered, from the table above. */
export const JETSTREAM_VERSIONS = Object.keys(PINS.jetstream) as [keyof typeof PINS.jetstream, ...(keyof typeof PINS.jetstream)[]];

/**
 * Port the JobSet controller serves its admission webhooks on (kubernetes-sigs/jobset v0.12.0: the chart's Deployment
 * hard-codes containerPort 9443). On private nodes GKE lets the control plane reach only 443 and 10250, so the infra
 * stack opens this port from the control plane's range.
 */
export const JOBSET_WEBHOOK_PORT = 9443;

/**
 * Ports of what users reach: each Service's port, the port-forwards' local ports and, in `internal` access, the
 * port of the shared internal address. metaflow-service serves metadata on 8080 and the UI backend on 8083; the Argo
 * Server listens on 2746 (argo-workflows v3.7); the webhook EventSource's port is ours (constructs/argo-events.ts).
 */
export const SERVICE_PORTS = { metadataService: 8080, ui: 8083, argoServer: 2746, argoEventsWebhook: 12000 } as const;

/** The services users reach, by their `services.endpoints` key. */
export type ReachedServiceName = keyof typeof SERVICE_PORTS;

/** Id of the custom role `identity.createAdminRole` creates, which CI's deployer holds by default. */
export const ADMIN_ROLE_ID = "metaflow_admin";

/** Defaults shared by the schema and the constructs. */
export const DEFAULTS = {
  database: {
    version: "POSTGRES_16",
    tier: "db-custom-1-3840",
    availability: "ZONAL",
    diskSizeGb: 10,
    backupStartTime: "03:00",
    retainedBackups: 7,
    pitrDays: 7,
    generation: 1,
    deletionProtection: true,
  },
  cluster: {
    mode: "standard",
    releaseChannel: "REGULAR",
    machineType: "e2-standard-4",
    diskSizeGb: 100,
    minNodes: 1,
    maxNodes: 5,
    /** The pools flows run on, besides the platform pool: one CPU pool that scales to zero when idle. */
    nodePools: [
      {
        name: "flows",
        machineType: "e2-standard-4",
        minNodes: 0,
        maxNodes: 5,
        diskSizeGb: 100,
        spot: false,
        labels: {},
        // GKE's own Deployments (kube-dns, metrics-server) tolerate no such taint, so they stay on the platform pool
        // and never keep a node of this pool from scaling to zero.
        taints: [{ key: "metaflow-gcp/pool", value: "flows", effect: "NO_SCHEDULE" }],
      },
    ],
    defaultPool: "flows",
    cpuLimits: { min: 1, max: 200 },
    // 4 GB per vCPU of the vCPU limit, the memory of standard machine types: a lower limit stops the autoscaler first.
    memoryLimitsGb: { min: 2, max: 800 },
    controlPlaneEndpoint: "dns",
    deletionProtection: true,
  },
  storage: { prefix: "metaflow", versioning: true, noncurrentVersionRetentionDays: 30, forceDestroy: false },
  identity: { flowRunnerAccess: "namespace", createKey: false },
  services: {
    replicas: 1,
    uiCacheSizeGi: 4,
    argoWorkflows: { authModes: ["client"] },
    // On: @parallel, @torchrun and @metaflow_ray fail without it, and it costs one small controller pod.
    jobset: { enabled: true, namespace: "jobset-system" },
  },
  imageCache: { enabled: true },
  ci: { deployRef: "refs/heads/main", deployerRole: ADMIN_ROLE_ID },
  // Near the limits, with room to act before Cloud SQL throttles or fills its disk (which stops writes).
  alerts: { thresholds: { databaseCpuPercent: 90, databaseMemoryPercent: 90, databaseDiskPercent: 85, containerRestarts: 3 } },
} as const;
