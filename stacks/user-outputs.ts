// What a services stack gives Metaflow users: the METAFLOW_* outputs, config.json as an output and as the ConfigMap
// metaflow-config (with the tested client pins), and END_USER_SETUP.
import { TerraformOutput, TerraformStack } from "cdktf";
import { ArgoEvents } from "../constructs/argo-events";
import { MetaflowMetadata } from "../constructs/metaflow-metadata";
import { Namespace } from "../constructs/namespace";
import { PublishedConfig } from "../constructs/published-config";
import { EnvironmentConfig } from "../config";
import { InfraOutputs } from "./infra-outputs";
import { metaflowClientRequirements } from "../lib/metaflow-client";
import { MetaflowConfigInputs, StepPool, endUserSetup, metaflowConfig, metaflowOutputs } from "../lib/metaflow-outputs";
import { stepPlacement } from "../lib/node-pools";
import { flowPlacement } from "./settings";

export interface UserOutputsInputs {
  readonly env: EnvironmentConfig;
  readonly infra: InfraOutputs;
  readonly infraStackName: string;
  readonly jobsNamespace: Namespace;
  readonly metadata: MetaflowMetadata;
  readonly argoEvents: ArgoEvents;
  /** KSA of the flows' pods and workflows. */
  readonly jobsServiceAccount: string;
  /** The Services users reach through `kubectl port-forward`, in the order END_USER_SETUP lists them. */
  readonly reached: ReachedService[];
}

/** A Service users reach through `kubectl port-forward`. */
export interface ReachedService {
  /** What it is, as END_USER_SETUP names it. */
  readonly what: string;
  readonly namespace: Namespace;
  /** `probePath`: a path that answers `pong` when the service is up (metaflow-service's /ping). */
  readonly service: { readonly serviceName: string; readonly port: number; readonly probePath?: string };
}

/** The node pools steps run on, as END_USER_SETUP and the default placement of config.json describe them. */
function stepPools(env: EnvironmentConfig): StepPool[] {
  const placement = flowPlacement(env);
  return placement.pools.map((p, n) => ({
    name: p.own,
    machineType: env.cluster.nodePools[n].machineType,
    minNodes: p.minNodes,
    spot: p.spot,
    accelerator: p.accelerator,
    isDefault: p.own === placement.defaultPool,
    placement: stepPlacement(p),
  }));
}

/** The inputs of config.json, from the environment, the infra outputs and the constructs (`npm run verify` computes
 * the published configuration with it too). */
export function metaflowConfigInputs(
  i: Pick<UserOutputsInputs, "env" | "infra" | "metadata" | "argoEvents" | "jobsServiceAccount">,
): MetaflowConfigInputs {
  const cfg = i.env.services;
  const ev = i.argoEvents;
  return {
    datastoreRoot: i.infra.datastoreRoot,
    serviceUrl: cfg.endpoints.metadataService,
    serviceInternalUrl: i.metadata.internalUrl,
    kubernetesNamespace: cfg.jobsNamespace,
    kubernetesServiceAccount: i.jobsServiceAccount,
    containerRegistry: i.infra.imageCache?.dockerHub,
    eventBus: ev.eventBusName,
    eventSource: ev.eventSourceName,
    event: ev.eventName,
    webhookUrl: `${cfg.endpoints.argoEventsWebhook}/${ev.eventName}`,
    internalWebhookUrl: ev.internalWebhookUrl,
    sensorServiceAccount: ev.sensorServiceAccountName,
    sensorNamespace: ev.sensorNamespace,
    uiUrl: cfg.endpoints.ui,
    argoWorkflowsUiUrl: cfg.endpoints.argoServer,
    secretManagerPrefix: i.infra.secretManagerPrefix,
    defaultPlacement: stepPools(i.env).find((p) => p.isDefault)?.placement,
  };
}

/** Adds the users' outputs and the published configuration to the stack; returns the latter. */
export function addUserOutputs(stack: TerraformStack, i: UserOutputsInputs): PublishedConfig {
  const cfg = i.env.services;
  const configInputs = metaflowConfigInputs(i);
  for (const [name, value] of Object.entries(metaflowOutputs(configInputs))) new TerraformOutput(stack, name, { value });
  const config = metaflowConfig(configInputs);
  const published = new PublishedConfig(stack, "published-config", {
    namespace: i.jobsNamespace,
    config,
    requirements: metaflowClientRequirements(),
  });
  new TerraformOutput(stack, "metaflow_config", {
    value: config,
    description: "~/.metaflowconfig/config.json: `terraform output -json metaflow_config`",
  });
  new TerraformOutput(stack, "END_USER_SETUP", {
    value: endUserSetup({
      project: i.infra.project,
      clusterName: i.infra.clusterName,
      clusterLocation: i.infra.clusterLocation,
      stackName: stack.node.id,
      infraStackName: i.infraStackName,
      dnsEndpoint: i.env.cluster.controlPlaneEndpoint === "dns",
      fetchConfigCommand: published.fetchConfigCommand,
      installCommand: published.installCommand,
      serviceAccountEmail: i.infra.serviceAccountEmail,
      impersonation: i.env.identity.impersonators.length > 0,
      flowRunners: i.env.identity.flowRunners,
      keyAllowed: i.env.identity.createKey,
      uiUrl: cfg.endpoints.ui,
      argoUiUrl: cfg.endpoints.argoServer,
      secretPrefix: i.env.names.secretPrefix,
      multiNode: i.env.services.jobset.enabled,
      // The repository is in the environment's region (stacks/infra-stack.ts).
      imageRegistryHost: `${i.infra.region}-docker.pkg.dev`,
      imageRepository: i.infra.flowImages,
      stepPools: stepPools(i.env),
      access: cfg.access.mode,
      portForwards: i.reached.map((r) => ({
        what: r.what,
        namespace: r.namespace.name,
        service: `svc/${r.service.serviceName}`,
        port: r.service.port,
        ping: r.service.probePath,
      })),
    }),
  });
  return published;
}
