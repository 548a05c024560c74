import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import * as YAML from "yaml";
import { DbCredentials } from "./db-credentials";
import { DEFAULTS, PINS, SERVICE_PORTS } from "../lib/defaults";
import { Toleration } from "../lib/node-pools";
import { CONTROLLER_RESOURCES, ChartImage, chartRelease } from "./helm-values";
import { NamespaceRef, createdAfter, metadataIn } from "./namespace";
import { BoundServiceAccount, NamespacedRole } from "./namespaced-role";

/** Where the workflow archive lives: its own database and user on the Cloud SQL instance. */
/** The workflow controller's container: the chart names it (templates/controller/workflow-controller-deployment.yaml). */
export const WORKFLOW_CONTROLLER_CONTAINER = "controller";

export interface ArgoArchiveDatabase {
  /** Host: the instance's private IP. */
  readonly host: string;
  /** Database name. */
  readonly database: string;
  /** Secret with the login, in the Argo namespace (the controller reads it there). */
  readonly credentials: DbCredentials;
}

export interface ArgoWorkflowsProps {
  /** Namespace of the controller and the server. */
  readonly namespace: NamespaceRef;
  /** Namespace where Metaflow submits workflows (its jobs namespace). */
  readonly workflowNamespace: NamespaceRef;
  /** KSA the workflow pods run as (METAFLOW_KUBERNETES_SERVICE_ACCOUNT); created by the stack, with Workload Identity. */
  readonly workflowServiceAccount: BoundServiceAccount;
  /** Helm repository. @default PINS.argoHelmRepository */
  readonly repository?: string;
  /** Exact chart version. @default PINS.argoWorkflows.chartVersion */
  readonly chartVersion?: string;
  /** Tag of the controller, server and executor images. @default PINS.argoWorkflows.imageTag */
  readonly imageTag?: string;
  /** Registry the controller, server and executor images are pulled from: quay.io, or a cache of it. @default "quay.io" */
  readonly registry?: string;
  /** Argo Server auth modes. @default ["client"] */
  readonly authModes?: string[];
  /** GCS bucket of the artifact repository. */
  readonly bucketName: string;
  /** Name of the Argo Server's KSA, created by the chart. @default "argo-server" */
  readonly serverServiceAccountName?: string;
  /** Annotations of the server's KSA (Workload Identity, to show artifacts from the bucket). @default {} */
  readonly serverServiceAccountAnnotations?: Record<string, string>;
  /** Keep finished workflows in a PostgreSQL archive. @default undefined (no archive) */
  readonly archive?: ArgoArchiveDatabase;
  /** Node labels the controller's and server's pods must match (the platform pool's). @default none: any node */
  readonly nodeSelector?: Record<string, string>;
  /**
   * Where a workflow's pods go when their template names no place of its own: Metaflow's steps carry their pool's
   * node selector and tolerations, its exit hook (error-msg-capture-hook) none. @default none: the controller's
   */
  readonly workflowPlacement?: { readonly nodeSelector: Record<string, string>; readonly tolerations: readonly Toleration[] };
  /** Resources besides the namespaces that must exist first (the workflow KSA). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

const RELEASE = "argo-workflows";

/** The workflow controller's configuration (argo-workflows config/config.go, Config): the keys this app sets. */
export interface WorkflowControllerConfig {
  readonly artifactRepository: { readonly gcs: { readonly bucket: string; readonly keyFormat: string } };
  readonly persistence?: Record<string, unknown>;
  readonly nodeEvents: { readonly enabled: boolean };
  readonly workflowEvents: { readonly enabled: boolean };
  /** Merged into every Workflow's spec, the Workflow's own values first. */
  readonly workflowDefaults: {
    readonly spec: {
      readonly serviceAccountName: string;
      readonly nodeSelector?: Record<string, string>;
      readonly tolerations?: readonly Toleration[];
    };
  };
}

/** Argo Workflows (controller and server) from the argoproj Helm chart, for Metaflow's `argo-workflows create`. */
export class ArgoWorkflows extends Construct {
  readonly release: Release;
  /** Service of the Argo Server (UI and API). */
  readonly serverServiceName = `${RELEASE}-server`;
  readonly serverPort = SERVICE_PORTS.argoServer;
  /**
   * Labels that select the Argo Server's pods: the chart's Service selector (argo-helm argo-workflows-0.47.5,
   * templates/_helpers.tpl argo-workflows.selectorLabels: `<chart name>-server` and the release name).
   */
  readonly serverSelector = { "app.kubernetes.io/name": "argo-workflows-server", "app.kubernetes.io/instance": RELEASE };
  /** A path the server answers 200 on when up: the chart's readiness probe (templates/server/server-deployment.yaml). */
  readonly serverProbePath = "/";
  readonly namespace: string;
  /** The chart values, as passed to Helm (before serialization). */
  readonly values: Record<string, unknown>;
  /** The ConfigMap the controller and the server read (the chart's own name for it); this stack owns it. */
  readonly controllerConfigMapName = `${RELEASE}-workflow-controller-configmap`;
  /** The controller configuration in that ConfigMap (key `config`), before serialization. */
  readonly controllerConfig: WorkflowControllerConfig;

  constructor(scope: Construct, id: string, props: ArgoWorkflowsProps) {
    super(scope, id);
    const tag = props.imageTag ?? PINS.argoWorkflows.imageTag;
    const image = (repository: string): ChartImage => ({ registry: props.registry ?? "quay.io", repository, tag });
    this.namespace = props.namespace.name;
    const after = createdAfter([props.namespace, props.workflowNamespace], props.dependsOn);

    const archive = props.archive && {
      archive: true,
      nodeStatusOffLoad: false,
      postgresql: {
        host: props.archive.host,
        port: 5432,
        database: props.archive.database,
        tableName: "argo_workflows",
        userNameSecret: { name: props.archive.credentials.secretName, key: props.archive.credentials.usernameKey },
        passwordSecret: { name: props.archive.credentials.secretName, key: props.archive.credentials.passwordKey },
        // The instance accepts only TLS connections.
        ssl: true,
        sslMode: "require",
      },
    };

    // A template without its own serviceAccountName runs as the Workflow's, then as this default: Metaflow's
    // `resource: create` step of a @parallel step names none, and would otherwise run as the namespace's `default` KSA.
    // A template without a node selector or tolerations of its own gets the Workflow's (argo-workflows v3.7.18,
    // workflow/controller/workflowpod.go): these send Metaflow's exit hook to the flows' default pool, not the platform's.
    const workflowDefaults = {
      spec: {
        serviceAccountName: props.workflowServiceAccount.name,
        ...(props.workflowPlacement && {
          nodeSelector: props.workflowPlacement.nodeSelector,
          tolerations: props.workflowPlacement.tolerations,
        }),
      },
    };

    // The stack owns the controller's ConfigMap rather than the chart rendering it from values: it is a typed object
    // that plans, reviews and the cluster test see as applied, and each key equals what the chart would render.
    this.controllerConfig = {
      // Workflow pods write artifacts as their KSA through Workload Identity: the GCS block names no key Secret.
      artifactRepository: { gcs: { bucket: props.bucketName, keyFormat: "argo-artifacts/{{workflow.name}}/{{pod.name}}" } },
      ...(archive ? { persistence: archive } : {}),
      nodeEvents: { enabled: true },
      workflowEvents: { enabled: true },
      workflowDefaults,
    };
    const configMap = new ConfigMapV1(this, "controller-config", {
      metadata: metadataIn(props.namespace, this.controllerConfigMapName),
      data: { config: YAML.stringify(this.controllerConfig, { lineWidth: 0 }) },
      dependsOn: createdAfter([props.namespace]),
    });

    this.values = {
      fullnameOverride: RELEASE,
      // Every image carries an explicit tag, so a chart upgrade never silently changes what runs.
      images: { tag, pullPolicy: "IfNotPresent" },
      crds: { install: true, keep: true },
      singleNamespace: false,
      // The workflow KSA and its executor Role are created by this stack (see below), where they can be checked; the
      // chart would create its own in the release namespace. Metaflow names the KSA on its step templates, and the
      // controller's workflowDefaults (above) name it for the templates that carry none.
      workflow: { serviceAccount: { create: false }, rbac: { create: false } },
      controller: {
        image: image("argoproj/workflow-controller"),
        serviceAccount: { create: true, name: "argo-workflow-controller" },
        // Ours (above): the chart passes its name to the controller and the server as --configmap.
        configMap: { create: false, name: this.controllerConfigMapName },
        // The value the chart would render as `workflowDefaults`; the ConfigMap above holds the same.
        workflowDefaults,
        // Still given to the chart: its controller and server ClusterRoles grant reading the archive's Secret from it.
        persistence: archive ?? {},
        resources: CONTROLLER_RESOURCES,
        // Merged by Helm with the chart's own `kubernetes.io/os: linux`.
        ...(props.nodeSelector && { nodeSelector: props.nodeSelector }),
      },
      executor: { image: image("argoproj/argoexec") },
      server: {
        image: image("argoproj/argocli"),
        // Set explicitly: "client" makes every UI and API call carry the caller's own Kubernetes credentials,
        // so reaching the port gives no more rights than the caller already has.
        authModes: props.authModes ?? DEFAULTS.services.argoWorkflows.authModes,
        // Plain HTTP inside the cluster; it is only reached through `kubectl port-forward`.
        secure: false,
        serviceType: "ClusterIP",
        serviceAccount: {
          create: true,
          name: props.serverServiceAccountName ?? "argo-server",
          annotations: props.serverServiceAccountAnnotations ?? {},
        },
        resources: CONTROLLER_RESOURCES,
        ...(props.nodeSelector && { nodeSelector: props.nodeSelector }),
      },
    };

    // What Argo's executor sidecar needs in the workflow namespace: report each step's outputs.
    new NamespacedRole(this, "executor", {
      namespace: props.workflowNamespace.name,
      name: "argo-workflow-executor",
      rules: [{ apiGroups: ["argoproj.io"], resources: ["workflowtaskresults"], verbs: ["create", "patch"] }],
      subjects: [props.workflowServiceAccount],
      dependsOn: after,
    });

    this.release = chartRelease(this, "release", {
      name: RELEASE,
      repository: props.repository ?? PINS.argoHelmRepository,
      chart: "argo-workflows",
      version: props.chartVersion ?? PINS.argoWorkflows.chartVersion,
      namespace: this.namespace,
      values: this.values,
      // The controller and the server read the ConfigMap at start (the controller then watches it for changes).
      dependsOn: [...(after ?? []), configMap],
    });
  }
}
