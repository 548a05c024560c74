import { DataGoogleClientConfig } from "@cdktf/provider-google/lib/data-google-client-config";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Fn, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { ArgoEvents } from "../constructs/argo-events";
import { ArgoWorkflows } from "../constructs/argo-workflows";
import { DbCredentials } from "../constructs/db-credentials";
import { DbMigrations } from "../constructs/db-migrations";
import { MetaflowMetadata } from "../constructs/metaflow-metadata";
import { MetaflowUi } from "../constructs/metaflow-ui";
import { FlowRunnerAccess, googleIdentity } from "../constructs/flow-runner-access";
import { JobSet } from "../constructs/jobset";
import { Namespace } from "../constructs/namespace";
import { WebService } from "../constructs/web-service";
import { PublishedConfig } from "../constructs/published-config";
import { ExposedService, UiAccess } from "../constructs/ui-access";
import { WorkloadIdentity, WorkloadIdentityBinding } from "../constructs/workload-identity";
import { addStateBackend, requireTerraform, remoteState } from "./backend";
import { ImagePull, pullThrough, registryFor } from "../lib/image-refs";
import { AppConfig, EnvironmentConfig } from "../config";
import { exposedEndpoints } from "../config/access";
import { ReachedServiceName } from "../lib/defaults";
import { InfraOutputs, readInfraOutputs } from "./infra-outputs";
import { argoEventsSettings, argoWorkflowsSettings, jobsetSettings, platformNodeSelector, workflowPlacement } from "./settings";
import { ReachedService, addUserOutputs } from "./user-outputs";

/** The exposing Services' names, before the access mode (`metaflow-ui-iap`, `argo-server-internal`). */
const EXPOSED_NAMES: Record<ReachedServiceName, string> = {
  metadataService: "metadata-service",
  ui: "metaflow-ui",
  argoServer: "argo-server",
  argoEventsWebhook: "argo-events-webhook",
};

export interface ServicesStackProps {
  readonly env: EnvironmentConfig;
  readonly stateBackend: AppConfig["stateBackend"];
  /** Name of the environment's infra stack, whose state holds the cluster and database. */
  readonly infraStackName: string;
}

/** `<env>-services`: the Metaflow services, Argo Workflows and Argo Events inside the environment's GKE cluster. */
export class ServicesStack extends TerraformStack {
  /** The infra stack's outputs, read from its state. */
  readonly infra: InfraOutputs;
  readonly metadata: MetaflowMetadata;
  readonly ui: MetaflowUi;
  readonly argoWorkflows: ArgoWorkflows;
  readonly argoEvents: ArgoEvents;
  /** The JobSet controller of @parallel steps, when services.jobset.enabled. */
  readonly jobset?: JobSet;
  /** The client configuration published in the jobs namespace. */
  readonly publishedConfig: PublishedConfig;
  /** What users reach without a port-forward (services.access `iap` or `internal`). */
  readonly access?: UiAccess;
  /** The KSA of Metaflow's pods and workflows, with Workload Identity. */
  readonly metaflowIdentity: WorkloadIdentity;

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id);
    requireTerraform(this);
    addStateBackend(this, props.stateBackend);
    const cfg = props.env.services;

    // The infra stack's named outputs are read through an explicit remote-state data source rather than
    // cdktf cross-stack references: the output names stay stable and readable in review whatever the
    // construct tree looks like, and this stack can be planned by anyone who can read the infra state.
    this.infra = readInfraOutputs(remoteState(this, "infra", props.stateBackend, props.infraStackName), {
      argoDb: cfg.argoWorkflowArchive,
      serviceAccountKey: props.env.identity.createKey,
      imageCache: props.env.imageCache.enabled,
    });
    const { infra } = this;
    // Docker Hub and quay.io images come through the environment's registry caches (when on); others as written.
    const pull: ImagePull = (ref) => pullThrough(ref, infra.imageCache);
    const metaflowImage = pull(cfg.images.metadataService);
    // The platform's pods run on the platform pool only; flows run on the other pools (END_USER_SETUP says how).
    const nodeSelector = platformNodeSelector(props.env);

    new GoogleProvider(this, "google", { project: infra.project, region: infra.region });
    // A short-lived token of whoever runs Terraform, fetched in this stack: no token crosses stacks or lands in state.
    const client = new DataGoogleClientConfig(this, "client");
    // The DNS endpoint serves a publicly trusted certificate; the IP endpoint's is signed by the cluster's own CA.
    const cluster = {
      host: `https://${infra.clusterEndpoint}`,
      token: client.accessToken,
      clusterCaCertificate: props.env.cluster.controlPlaneEndpoint === "ip" ? Fn.base64decode(infra.clusterCaCertificate) : undefined,
    };
    new KubernetesProvider(this, "kubernetes", cluster);
    new HelmProvider(this, "helm", { kubernetes: cluster });

    // Four namespaces, because whoever can create a pod in a namespace can mount its Secrets: the services and the
    // metadata database's Secret; the jobs, where flow runners create pods; the events, where Argo Events keeps the
    // bus credentials and flow runners only manage sensors; the Argo controllers and the archive's Secret. Each
    // construct gets the namespace object: it writes the plain name and depends on the namespace.
    const servicesNs = new Namespace(this, "metaflow-namespace", { name: cfg.metaflowNamespace });
    const jobsNs = new Namespace(this, "jobs-namespace", { name: cfg.jobsNamespace });
    const eventsNs = new Namespace(this, "events-namespace", { name: cfg.eventsNamespace });
    const argoNs = new Namespace(this, "argo-namespace", { name: cfg.argoNamespace });

    // Each KSA that reads or writes the bucket gets its own Workload Identity binding in its own namespace.
    const wi = { gsaEmail: infra.serviceAccountEmail, gsaName: infra.serviceAccountName, workloadPool: infra.workloadPool };
    // Flows' pods (`--with kubernetes`) and Argo workflow pods read and write the datastore as "metaflow".
    this.metaflowIdentity = new WorkloadIdentity(this, "metaflow-wi", {
      ...wi,
      namespace: jobsNs,
      ksaName: "metaflow",
      // Argo's executor sidecar in workflow pods reports step results through the Kubernetes API.
      automountServiceAccountToken: true,
    });
    const metaflowKsa = this.metaflowIdentity.serviceAccount;
    // The UI backend reads artifacts, logs and cards.
    const uiIdentity = new WorkloadIdentity(this, "ui-backend-wi", {
      ...wi,
      namespace: servicesNs,
      ksaName: "metaflow-ui",
    });
    // The Argo Server reads workflow artifacts from the bucket when a user opens one in its UI.
    const argoServerIdentity = new WorkloadIdentityBinding(this, "argo-server-wi", {
      ...wi,
      namespace: argoNs,
      ksaName: "argo-server",
    });

    const metaflowDb = new DbCredentials(this, "metaflow-db", {
      namespace: servicesNs,
      name: "metaflow-db",
      username: infra.metaflowDbUser,
      password: infra.metaflowDbPassword,
    });
    const db = { host: infra.sqlPrivateIp, name: infra.metaflowDbName, credentials: metaflowDb };
    // Both servers read the schema: they start once the migrations are done.
    const migrations = new DbMigrations(this, "db-migrations", { namespace: servicesNs, image: metaflowImage, db, nodeSelector });
    const afterMigrations = [migrations.job];

    this.metadata = new MetaflowMetadata(this, "metadata", {
      namespace: servicesNs,
      image: metaflowImage,
      db,
      replicas: cfg.replicas,
      nodeSelector,
      dependsOn: afterMigrations,
    });

    this.ui = new MetaflowUi(this, "ui", {
      namespace: servicesNs,
      image: metaflowImage,
      db,
      metadataServiceUrl: this.metadata.internalUrl,
      datastoreRoot: infra.datastoreRoot,
      serviceAccountName: uiIdentity.serviceAccount.metadata.name,
      publicUrl: cfg.endpoints.ui,
      cacheVolumeGi: cfg.uiCacheSizeGi,
      replicas: cfg.replicas,
      nodeSelector,
      dependsOn: afterMigrations,
    });

    const archive = infra.argoDb && {
      host: infra.sqlPrivateIp,
      database: infra.argoDb.name,
      credentials: new DbCredentials(this, "argo-db", {
        namespace: argoNs,
        name: "argo-postgres-config",
        username: infra.argoDb.user,
        password: infra.argoDb.password,
      }),
    };

    this.argoWorkflows = new ArgoWorkflows(this, "argo-workflows", {
      ...argoWorkflowsSettings(props.env),
      registry: registryFor("quay.io", infra.imageCache),
      namespace: argoNs,
      workflowNamespace: jobsNs,
      workflowServiceAccount: { name: metaflowKsa.metadata.name, namespace: metaflowKsa.metadata.namespace },
      bucketName: infra.bucketName,
      serverServiceAccountName: argoServerIdentity.ksaName,
      serverServiceAccountAnnotations: argoServerIdentity.annotations,
      archive,
      nodeSelector,
      workflowPlacement: workflowPlacement(props.env),
      dependsOn: [metaflowKsa],
    });

    this.argoEvents = new ArgoEvents(this, "argo-events", {
      ...argoEventsSettings(props.env),
      namespace: argoNs,
      eventsNamespace: eventsNs,
      workflowNamespace: jobsNs,
      pull,
      nodeSelector,
    });

    const jobset = jobsetSettings(props.env);
    if (jobset) {
      this.jobset = new JobSet(this, "jobset", {
        ...jobset,
        // registry.k8s.io has no cache here: as written.
        image: pull(jobset.image),
        namespace: new Namespace(this, "jobset-namespace", { name: cfg.jobsetNamespace }),
        jobsNamespace: jobsNs,
        runnerServiceAccount: { name: metaflowKsa.metadata.name, namespace: metaflowKsa.metadata.namespace },
        nodeSelector,
        dependsOn: [metaflowKsa],
      });
    }

    // What users reach: through an Ingress behind IAP or an internal load balancer (services.access), the rest
    // through `kubectl port-forward`, which END_USER_SETUP lists and flow runners may run.
    const { argoWorkflows: workflows, argoEvents: events } = this;
    const access = cfg.access;
    const web = (what: string, s: WebService) => ({
      what,
      namespace: servicesNs,
      serviceName: s.serviceName,
      port: s.port,
      selector: s.selector,
      healthPath: s.probePath,
      // END_USER_SETUP's port-forward check: metaflow-service answers /ping with "pong".
      probePath: s.probePath,
    });
    type Exposing = Omit<ExposedService, "key" | "name"> & { what: string; namespace: Namespace; serviceName: string; probePath?: string };
    const exposing: Record<ReachedServiceName, Exposing> = {
      metadataService: web("metadata service", this.metadata.service),
      ui: web("Metaflow UI", this.ui.service),
      argoServer: {
        what: "Argo Workflows UI",
        namespace: argoNs,
        serviceName: workflows.serverServiceName,
        port: workflows.serverPort,
        selector: workflows.serverSelector,
        healthPath: workflows.serverProbePath,
      },
      argoEventsWebhook: {
        what: "Argo Events webhook",
        namespace: eventsNs,
        serviceName: events.webhookServiceName,
        port: events.webhookPort,
        selector: events.webhookSelector,
        healthPath: events.webhookProbePath,
      },
    };
    const exposed = Object.keys(exposedEndpoints(access)) as ReachedServiceName[];
    const services = exposed.map((key) => ({ ...exposing[key], key, name: `${EXPOSED_NAMES[key]}-${access.mode}` }));
    if (access.mode === "iap") {
      const uiNames = props.env.names.iapFrontends!;
      const iapUi = (host: string, name: string) => ({ host, addressName: name, certificateName: name });
      this.access = new UiAccess(this, "access", {
        mode: "iap",
        uis: { ui: iapUi(access.uiHost, uiNames.ui), argoServer: iapUi(access.argoHost, uiNames.argo) },
        services,
      });
    } else if (access.mode === "internal") {
      this.access = new UiAccess(this, "access", {
        mode: "internal",
        address: access.address,
        sourceRanges: access.sourceRanges,
        services,
      });
    }
    const reached: ReachedService[] = (Object.keys(exposing) as ReachedServiceName[])
      .filter((key) => !exposed.includes(key))
      .map((key) => ({ what: exposing[key].what, namespace: exposing[key].namespace, service: exposing[key] }));
    this.publishedConfig = addUserOutputs(this, {
      env: props.env,
      infra,
      infraStackName: props.infraStackName,
      jobsNamespace: jobsNs,
      metadata: this.metadata,
      argoEvents: this.argoEvents,
      jobsServiceAccount: this.metaflowIdentity.ksaName,
      reached,
    });
    if (props.env.identity.flowRunnerAccess === "namespace") {
      new FlowRunnerAccess(this, "flow-runner-access", {
        jobsNamespace: jobsNs,
        eventsNamespace: eventsNs,
        configMapName: this.publishedConfig.name,
        // The jobs namespace's Role allows port-forwards already.
        portForwardNamespaces: [...new Set(reached.map((r) => r.namespace))].filter((ns) => ns !== jobsNs),
        // The Metaflow service account runs flows too (its key on laptops and CI).
        identities: [{ kind: "User", name: infra.serviceAccountEmail }, ...props.env.identity.flowRunners.map(googleIdentity)],
      });
    }
  }
}
