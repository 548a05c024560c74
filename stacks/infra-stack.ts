import { DataGoogleProject } from "@cdktf/provider-google/lib/data-google-project";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { PlatformAlerts } from "../constructs/alerts";
import { WORKFLOW_CONTROLLER_CONTAINER } from "../constructs/argo-workflows";
import { CiIdentity } from "../constructs/ci-identity";
import { Cluster } from "../constructs/cluster";
import { Database } from "../constructs/database";
import { FlowImages } from "../constructs/flow-images";
import { FlowSecrets } from "../constructs/flow-secrets";
import { ImageCache } from "../constructs/image-cache";
import { MetaflowIdentity } from "../constructs/identity";
import { METADATA_CONTAINER } from "../constructs/metaflow-metadata";
import { UI_BACKEND_CONTAINER } from "../constructs/metaflow-ui";
import { ExistingNetwork } from "../constructs/existing-network";
import { Network } from "../constructs/network";
import { ALERTS_APIS, CI_APIS, IAP_APIS, ProjectApis, REQUIRED_APIS } from "../constructs/project-apis";
import { IapFrontends } from "../constructs/iap-frontends";
import { InternalAddress } from "../constructs/internal-address";
import { DatastoreBucket } from "../constructs/storage";
import { WebhookFirewall } from "../constructs/webhook-firewall";
import { JOBSET_WEBHOOK_PORT } from "../lib/defaults";
import { addStateBackend, requireTerraform } from "./backend";
import { AppConfig, EnvironmentConfig } from "../config";
import { networkProject } from "../config/environment";
import { appLabels } from "../lib/labels";
import { writeInfraOutputs } from "./infra-outputs";
import {
  alertsSettings,
  bucketSettings,
  ciSettings,
  clusterSettings,
  databaseSettings,
  identitySettings,
  networkSettings,
  secretsSettings,
} from "./settings";

export interface InfraStackProps {
  readonly env: EnvironmentConfig;
  readonly stateBackend: AppConfig["stateBackend"];
}

/** `<env>-infra`: network, Cloud SQL, the datastore bucket, GKE and IAM of one environment. */
export class InfraStack extends TerraformStack {
  /** The VPC we create, or the organisation's (network.existing). */
  readonly network: Network | ExistingNetwork;
  readonly database: Database;
  readonly bucket: DatastoreBucket;
  readonly cluster: Cluster;
  readonly identity: MetaflowIdentity;
  /** Who may read and write the flows' secrets in Secret Manager. */
  readonly secrets: FlowSecrets;
  /** The repository of the flows' own images. */
  readonly flowImages: FlowImages;
  /** The registry caches, when imageCache.enabled is on. */
  readonly imageCache?: ImageCache;
  /** Keyless CI's pool and service accounts, when ci is set. */
  readonly ci?: CiIdentity;
  /** Cloud Monitoring alert policies, when alerts names an email or a channel. */
  readonly alerts?: PlatformAlerts;

  constructor(scope: Construct, id: string, props: InfraStackProps) {
    super(scope, id);
    const { env } = props;
    const { project, region, names } = env;

    requireTerraform(this);
    addStateBackend(this, props.stateBackend);
    const google = new GoogleProvider(this, "google", { project, region });
    // Set as an override: cdktf would rewrite the provider's map keys to snake_case ("managed-by" -> "managed_by").
    google.addOverride("default_labels", { ...appLabels(env.name), ...env.labels });
    new RandomProvider(this, "random");

    const alerts = alertsSettings(env);
    const access = env.services.access;
    const apiList = [
      ...REQUIRED_APIS,
      ...(env.ci ? CI_APIS : []),
      ...(alerts ? ALERTS_APIS : []),
      ...(access.mode === "iap" ? IAP_APIS : []),
    ];
    const apis = env.enableApis ? new ProjectApis(this, "apis", { project, apis: apiList }).services : [];

    // The settings reach each construct through stacks/settings.ts, which the compiler checks against both sides.
    const network = networkSettings(env);
    this.network = network.existing
      ? new ExistingNetwork(this, "network", { ...network.existing, dependsOn: apis })
      : new Network(this, "network", { ...network.created, dependsOn: apis });
    this.database = new Database(this, "database", { ...databaseSettings(env), network: this.network });
    this.bucket = new DatastoreBucket(this, "datastore", { ...bucketSettings(env), dependsOn: apis });
    this.cluster = new Cluster(this, "gke", { ...clusterSettings(env), network: this.network, dependsOn: apis });
    if (names.webhookFirewall) {
      // The JobSet controller's admission webhooks (services stack) run on these private nodes.
      // In the VPC's project: with a Shared VPC, the host project, where the deployer then needs compute.firewalls.*
      // (preflight checks it; README, "An existing network or a Shared VPC").
      new WebhookFirewall(this, "webhook-firewall", {
        project: networkProject(env),
        name: names.webhookFirewall,
        network: this.network.networkId,
        controlPlaneCidr: env.network.controlPlaneCidr,
        nodeServiceAccountEmail: this.cluster.nodeServiceAccountEmail,
        ports: [JOBSET_WEBHOOK_PORT],
      });
    }
    this.identity = new MetaflowIdentity(this, "identity", {
      ...identitySettings(env),
      sqlInstanceName: this.database.instanceName,
      dependsOn: apis,
    });

    // Secret Manager's IAM conditions name secrets by project number. Read after the APIs are on: Resource Manager's
    // is one of them, so on a fresh project the read waits for it.
    const projectNumber = new DataGoogleProject(this, "project", { projectId: project, dependsOn: apis }).number;
    this.secrets = new FlowSecrets(this, "secrets", { ...secretsSettings(env), projectNumber, dependsOn: apis });
    this.secrets.grantRead("sa", this.identity.member);
    this.flowImages = new FlowImages(this, "flow-images", { project, location: region, repositoryId: names.flowImages, dependsOn: apis });
    // Nodes pull with their own service account, not the pod's Workload Identity.
    this.flowImages.grantPull("nodes", this.cluster.nodeServiceAccountMember);
    for (const member of env.identity.flowRunners) {
      this.secrets.grantWrite(`runner-${member}`, member);
      this.flowImages.grantPush(`runner-${member}`, member);
    }

    const caches = names.imageCaches;
    if (caches) {
      this.imageCache = new ImageCache(this, "image-cache", {
        project,
        location: region,
        dockerHubRepositoryId: caches.dockerHub,
        quayRepositoryId: caches.quay,
        dependsOn: apis,
      });
      this.imageCache.grantRead("nodes", this.cluster.nodeServiceAccountMember);
    }

    const ci = ciSettings(env, this.identity.adminRoleName);
    if (ci && props.stateBackend) {
      this.ci = new CiIdentity(this, "ci", { ...ci, stateBucket: props.stateBackend.bucket, dependsOn: apis });
      // Repository variables of the workflow (none of them secret): docs/ci.md.
      new TerraformOutput(this, "ci_workload_identity_provider", { value: this.ci.providerName });
      new TerraformOutput(this, "ci_deployer_service_account", { value: this.ci.deployerEmail });
      new TerraformOutput(this, "ci_planner_service_account", { value: this.ci.plannerEmail });
    }

    if (alerts) {
      this.alerts = new PlatformAlerts(this, "alerts", {
        ...alerts,
        sqlInstanceName: this.database.instanceName,
        clusterName: this.cluster.name,
        services: { namespace: env.services.metaflowNamespace, containers: [METADATA_CONTAINER, UI_BACKEND_CONTAINER] },
        workflowController: { namespace: env.services.argoNamespace, containers: [WORKFLOW_CONTROLLER_CONTAINER] },
        dependsOn: apis,
      });
    }

    // How users reach the UIs (services.access): the Google Cloud half; the services stack adds the Kubernetes half.
    if (access.mode === "iap" && names.iapFrontends) {
      const iap = new IapFrontends(this, "iap", {
        project,
        frontends: {
          ui: { host: access.uiHost, name: names.iapFrontends.ui },
          argo: { host: access.argoHost, name: names.iapFrontends.argo },
        },
        members: access.members ?? env.identity.flowRunners,
        dependsOn: apis,
      });
      for (const [key, f] of Object.entries(iap.frontends)) {
        new TerraformOutput(this, `${key}_address`, { value: f.address, description: `the DNS A record of ${f.host}` });
      }
    }
    if (access.mode === "internal" && names.internalAddress) {
      new InternalAddress(this, "internal-address", {
        project,
        region,
        name: names.internalAddress,
        address: access.address,
        subnetwork: this.network.subnetworkSelfLink,
      });
    }

    const argo = this.database.argo;
    writeInfraOutputs(this, {
      project,
      region,
      clusterName: this.cluster.name,
      clusterLocation: this.cluster.location,
      clusterEndpoint: this.cluster.endpoint,
      clusterCaCertificate: this.cluster.caCertificate,
      workloadPool: this.cluster.workloadPool,
      bucketName: this.bucket.bucketName,
      datastoreRoot: this.bucket.datastoreRoot,
      sqlInstanceName: this.database.instanceName,
      sqlConnectionName: this.database.connectionName,
      sqlPrivateIp: this.database.privateIp,
      metaflowDbName: this.database.metaflow.database,
      metaflowDbUser: this.database.metaflow.user,
      metaflowDbPassword: this.database.metaflow.password,
      argoDb: argo && { name: argo.database, user: argo.user, password: argo.password },
      serviceAccountEmail: this.identity.email,
      serviceAccountName: this.identity.serviceAccountName,
      serviceAccountKey: this.identity.privateKey,
      secretManagerPrefix: this.secrets.resourcePrefix,
      flowImages: this.flowImages.path,
      imageCache: this.imageCache && { dockerHub: this.imageCache.dockerHub, quay: this.imageCache.quay },
    });
  }
}
