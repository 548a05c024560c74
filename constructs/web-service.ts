import {
  DeploymentV1,
  DeploymentV1SpecTemplateSpecContainer,
  DeploymentV1SpecTemplateSpecInitContainer,
  DeploymentV1SpecTemplateSpecVolume,
} from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { PodDisruptionBudgetV1 } from "@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1";
import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { NamespaceRef, PART_OF, createdAfter } from "./namespace";
import { restrictedPod } from "./pod-security";
import { DEFAULTS } from "../lib/defaults";

export interface WebServiceProps {
  /** Namespace of the Deployment and its Service. */
  readonly namespace: NamespaceRef;
  /** Name of the Deployment, the Service and the pods' `app.kubernetes.io/name` label. */
  readonly name: string;
  /** `app.kubernetes.io/component` label, e.g. "metadata". @default the name */
  readonly component?: string;
  /** Port the main container listens on; the Service exposes the same number. */
  readonly port: number;
  /** HTTP path of the liveness and readiness probes, served on `port`. */
  readonly probePath: string;
  /** The main container, without ports or probes (this construct adds both, on the declared port). */
  readonly container: Omit<DeploymentV1SpecTemplateSpecContainer, "port" | "livenessProbe" | "readinessProbe">;
  /** Containers that run to completion before the main one starts. @default [] */
  readonly initContainers?: DeploymentV1SpecTemplateSpecInitContainer[];
  /** Pod volumes. @default [] */
  readonly volumes?: DeploymentV1SpecTemplateSpecVolume[];
  /** Kubernetes service account of the pods. @default "default" */
  readonly serviceAccountName?: string;
  /** Node labels the pods must match (the platform pool's). @default none: any node */
  readonly nodeSelector?: Record<string, string>;
  /** Pod replicas; a PodDisruptionBudget is added above 1. @default 1 */
  readonly replicas?: number;
  /** Resources besides the namespace that must exist before the Deployment (service accounts, secrets). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** A Deployment, the ClusterIP Service in front of it, and a PodDisruptionBudget when it has more than one replica. */
export class WebService extends Construct {
  /** Name of the Service. */
  readonly serviceName: string;
  /** Port of the Service (the same as the container port). */
  readonly port: number;
  /** The path the probes ask, which answers when the server is up. */
  readonly probePath: string;
  /** Labels of the pods; the Service selects on `selector`, a subset of them. */
  readonly podLabels: Record<string, string>;
  readonly selector: Record<string, string>;
  /** In-cluster URL of the Service, e.g. http://metadata-service.metaflow.svc.cluster.local:8080. */
  readonly internalUrl: string;
  readonly deployment: DeploymentV1;
  readonly service: ServiceV1;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    this.probePath = props.probePath;
    const replicas = props.replicas ?? DEFAULTS.services.replicas;
    const portName = "http";
    // The selector is the single source of both the Service selector and the pod labels, so they cannot drift apart.
    this.selector = { "app.kubernetes.io/name": props.name, ...PART_OF };
    this.podLabels = { ...this.selector, "app.kubernetes.io/component": props.component ?? props.name };
    const metadata = { name: props.name, namespace: props.namespace.name, labels: this.podLabels };
    const probe = (initialDelaySeconds: number, failureThreshold: number) => ({
      httpGet: { path: props.probePath, port: portName },
      initialDelaySeconds,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold,
    });

    this.deployment = new DeploymentV1(this, "deployment", {
      metadata,
      spec: {
        replicas: String(replicas),
        selector: { matchLabels: this.selector },
        template: {
          metadata: { labels: this.podLabels },
          spec: {
            serviceAccountName: props.serviceAccountName,
            // No API token: these services never call the Kubernetes API.
            automountServiceAccountToken: false,
            nodeSelector: props.nodeSelector,
            securityContext: restrictedPod(),
            initContainer: props.initContainers,
            container: [
              {
                ...props.container,
                // Re-checks the tag with the registry at every pod start, so a node never runs a stale cached copy.
                imagePullPolicy: "Always",
                port: [{ name: portName, containerPort: props.port, protocol: "TCP" }],
                // Readiness gates traffic; liveness restarts a hung process, with more patience.
                readinessProbe: probe(10, 3),
                livenessProbe: probe(30, 6),
              },
            ],
            volume: props.volumes,
          },
        },
      },
      dependsOn: createdAfter([props.namespace], props.dependsOn),
    });

    this.service = new ServiceV1(this, "service", {
      metadata,
      dependsOn: createdAfter([props.namespace]),
      spec: {
        // Cluster-internal only: users reach the services through `kubectl port-forward` (see END_USER_SETUP).
        type: "ClusterIP",
        selector: this.selector,
        port: [{ name: portName, port: props.port, targetPort: portName, protocol: "TCP" }],
      },
    });

    if (replicas > 1) {
      new PodDisruptionBudgetV1(this, "pdb", {
        metadata,
        spec: { maxUnavailable: "1", selector: { matchLabels: this.selector } },
        dependsOn: createdAfter([props.namespace]),
      });
    }

    this.serviceName = props.name;
    this.port = props.port;
    this.internalUrl = `http://${props.name}.${props.namespace.name}.svc.cluster.local:${props.port}`;
  }
}
