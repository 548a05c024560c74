import { DataGoogleClientConfig } from "@cdktf/provider-google/lib/data-google-client-config";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";
import { Fn, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { addStateBackend, remoteState } from "./backend";
import { AppConfig, EnvironmentConfig } from "./config";
import { InfraOutputs, readInfraOutputs } from "./infra-outputs";

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

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    super(scope, id);
    addStateBackend(this, props.stateBackend);

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
  }
}
