import { DataGoogleClientConfig } from "@cdktf/provider-google/lib/data-google-client-config";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Fn, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { ArgoEvents } from "../constructs/argo-events";
import { ArgoWorkflows } from "../constructs/argo-workflows";
import { DbCredentials } from "../constructs/db-credentials";
import { MetaflowMetadata } from "../constructs/metaflow-metadata";
import { MetaflowUi } from "../constructs/metaflow-ui";
import { Namespace } from "../constructs/namespace";
import { WorkloadIdentity } from "../constructs/workload-identity";
import { addStateBackend, remoteState } from "./backend";
import { AppConfig, EnvironmentConfig } from "./config";
import { InfraOutputs, readInfraOutputs } from "./infra-outputs";
import { endUserSetup, metaflowConfig, metaflowOutputs } from "./metaflow-outputs";

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
  /** The KSA of Metaflow's pods and workflows, with Workload Identity. */
  readonly metaflowIdentity: WorkloadIdentity;

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id);
    addStateBackend(this, props.stateBackend);
    const cfg = props.env.services;

    // The infra stack's named outputs are read through an explicit remote-state data source rather than
    // cdktf cross-stack references: the output names stay stable and readable in review whatever the
    // construct tree looks like, and this stack can be planned by anyone who can read the infra state.
    this.infra = readInfraOutputs(remoteState(this, "infra", props.stateBackend, props.infraStackName));
    const { infra } = this;

    new GoogleProvider(this, "google", { project: infra.project, region: infra.region });
    // A short-lived token of whoever runs Terraform, fetched in this stack: no token crosses stacks or lands in state.
    const client = new DataGoogleClientConfig(this, "client");
    const cluster = {
      host: `https://${infra.clusterEndpoint}`,
      token: client.accessToken,
      clusterCaCertificate: Fn.base64decode(infra.clusterCaCertificate),
    };
    new KubernetesProvider(this, "kubernetes", cluster);
    new HelmProvider(this, "helm", { kubernetes: cluster });

    // Namespaces are referenced by name (plain strings keep the outputs readable); resources in them depend on them.
    const metaflowNs = new Namespace(this, "metaflow-namespace", { name: cfg.metaflowNamespace });
    const argoNs = new Namespace(this, "argo-namespace", { name: cfg.argoNamespace });
    const ns = cfg.metaflowNamespace;
    const inMetaflowNs = [metaflowNs.namespace];
    const inArgoNs = [argoNs.namespace];

    const wi = { gsaEmail: infra.serviceAccountEmail, gsaName: infra.serviceAccountName, workloadPool: infra.workloadPool };
    // Flows' pods (`--with kubernetes`), Argo workflow pods and the UI backend all read and write the bucket as "metaflow".
    this.metaflowIdentity = new WorkloadIdentity(this, "metaflow-wi", {
      ...wi,
      namespace: ns,
      ksaName: "metaflow",
      // Argo's executor sidecar in workflow pods reports step results through the Kubernetes API.
      automountServiceAccountToken: true,
      dependsOn: inMetaflowNs,
    });
    const metaflowKsa = this.metaflowIdentity.serviceAccount!;
    // The Argo Server reads workflow artifacts from the bucket when a user opens one in its UI.
    const argoServerIdentity = new WorkloadIdentity(this, "argo-server-wi", {
      ...wi,
      namespace: cfg.argoNamespace,
      ksaName: "argo-server",
      createServiceAccount: false,
    });

    const metaflowDb = new DbCredentials(this, "metaflow-db", {
      namespace: ns,
      name: "metaflow-db",
      username: infra.metaflowDbUser,
      password: infra.metaflowDbPassword,
      dependsOn: inMetaflowNs,
    });
    const db = { host: infra.sqlPrivateIp, name: infra.metaflowDbName, credentials: metaflowDb };

    this.metadata = new MetaflowMetadata(this, "metadata", {
      namespace: ns,
      image: cfg.images.metadataService,
      db,
      replicas: cfg.replicas,
      dependsOn: inMetaflowNs,
    });

    this.ui = new MetaflowUi(this, "ui", {
      namespace: ns,
      backendImage: cfg.images.metadataService,
      staticImage: cfg.images.ui,
      db,
      metadataServiceUrl: this.metadata.internalUrl,
      datastoreRoot: infra.datastoreRoot,
      backendServiceAccountName: metaflowKsa.metadata.name,
      backendPublicUrl: cfg.endpoints.uiBackend,
      uiPublicUrl: cfg.endpoints.ui,
      replicas: cfg.replicas,
      dependsOn: inMetaflowNs,
    });

    const archive = cfg.argoWorkflowArchive
      ? {
          host: infra.sqlPrivateIp,
          database: infra.argoDbName,
          credentials: new DbCredentials(this, "argo-db", {
            namespace: cfg.argoNamespace,
            name: "argo-postgres-config",
            username: infra.argoDbUser,
            password: infra.argoDbPassword,
            dependsOn: inArgoNs,
          }),
        }
      : undefined;

    this.argoWorkflows = new ArgoWorkflows(this, "argo-workflows", {
      namespace: cfg.argoNamespace,
      workflowNamespace: ns,
      workflowServiceAccount: { name: metaflowKsa.metadata.name, namespace: metaflowKsa.metadata.namespace },
      repository: cfg.argoWorkflows.repository,
      chartVersion: cfg.argoWorkflows.chartVersion,
      imageTag: cfg.argoWorkflows.imageTag,
      authModes: cfg.argoWorkflows.authModes,
      bucketName: infra.bucketName,
      serverServiceAccountName: argoServerIdentity.ksaName,
      serverServiceAccountAnnotations: argoServerIdentity.annotations,
      archive,
      dependsOn: [...inArgoNs, ...inMetaflowNs, metaflowKsa],
    });

    this.argoEvents = new ArgoEvents(this, "argo-events", {
      namespace: cfg.argoNamespace,
      eventsNamespace: ns,
      repository: cfg.argoWorkflows.repository,
      chartVersion: cfg.argoEvents.chartVersion,
      imageTag: cfg.argoEvents.imageTag,
      jetstreamVersion: cfg.argoEvents.jetstreamVersion,
      dependsOn: [...inArgoNs, ...inMetaflowNs],
    });

    const ev = this.argoEvents;
    const configInputs = {
      datastoreRoot: infra.datastoreRoot,
      serviceUrl: cfg.endpoints.metadataService,
      serviceInternalUrl: this.metadata.internalUrl,
      kubernetesNamespace: ns,
      kubernetesServiceAccount: this.metaflowIdentity.ksaName,
      eventBus: ev.eventBusName,
      eventSource: ev.eventSourceName,
      event: ev.eventName,
      webhookUrl: `${cfg.endpoints.argoEventsWebhook}/${ev.eventName}`,
      internalWebhookUrl: ev.internalWebhookUrl,
      sensorServiceAccount: ev.sensorServiceAccountName,
      sensorNamespace: ev.sensorNamespace,
      uiUrl: cfg.endpoints.ui,
      argoWorkflowsUiUrl: cfg.endpoints.argoServer,
    };
    for (const [name, value] of Object.entries(metaflowOutputs(configInputs))) {
      new TerraformOutput(this, name, { value });
    }
    new TerraformOutput(this, "metaflow_config", {
      value: metaflowConfig(configInputs),
      description: "~/.metaflowconfig/config.json: `terraform output -json metaflow_config`",
    });
    new TerraformOutput(this, "END_USER_SETUP", {
      value: endUserSetup({
        project: infra.project,
        clusterName: infra.clusterName,
        clusterLocation: infra.clusterLocation,
        stackName: id,
        uiUrl: cfg.endpoints.ui,
        argoUiUrl: cfg.endpoints.argoServer,
        portForwards: [
          { what: "metadata service", namespace: ns, service: `svc/${this.metadata.serviceName}`, port: this.metadata.port },
          { what: "UI backend", namespace: ns, service: `svc/${this.ui.backend.serviceName}`, port: this.ui.backend.port },
          { what: "UI", namespace: ns, service: `svc/${this.ui.frontend.serviceName}`, port: this.ui.frontend.port },
          {
            what: "Argo Workflows UI",
            namespace: cfg.argoNamespace,
            service: `svc/${this.argoWorkflows.serverServiceName}`,
            port: this.argoWorkflows.serverPort,
          },
          { what: "Argo Events webhook", namespace: ns, service: `svc/${ev.webhookServiceName}`, port: ev.webhookPort },
        ],
      }),
    });
  }
}
