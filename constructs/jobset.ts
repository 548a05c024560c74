import { Release } from "@cdktf/provider-helm/lib/release";
import { RoleV1Rule } from "@cdktf/provider-kubernetes/lib/role-v1";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { PINS } from "../lib/defaults";
import { parseImageRef } from "../lib/image-refs";
import { CONTROLLER_RESOURCES, chartRelease } from "./helm-values";
import { NamespaceRef, createdAfter } from "./namespace";
import { BoundServiceAccount, NamespacedRole } from "./namespaced-role";
import { restrictedContainerValues, restrictedPodValues } from "./pod-security";

/** UID and GID the JobSet image runs as (its Dockerfile's `USER 65532:65532`, distroless nonroot). */
const JOBSET_UID = 65532;

/**
 * What a workflow's `resource: create` step does with the JobSet of a @parallel step, as the jobs' KSA: create it,
 * follow it until it succeeds or fails, and delete it when the workflow stops. Nothing else.
 */
export const JOBSET_RUNNER_RULES: RoleV1Rule[] = [
  { apiGroups: ["jobset.x-k8s.io"], resources: ["jobsets"], verbs: ["create", "get", "list", "watch", "patch", "delete"] },
];

export interface JobSetProps {
  /** Namespace of the controller and its webhook certificate Secret. */
  readonly namespace: NamespaceRef;
  /** Namespace where Metaflow creates JobSets (its jobs namespace). */
  readonly jobsNamespace: NamespaceRef;
  /** KSA of the Argo steps that create JobSets there (the workflow default service account). */
  readonly runnerServiceAccount: BoundServiceAccount;
  /** Helm repository of the jobset chart. @default PINS.jobset.repository */
  readonly repository?: string;
  /** Exact chart version. @default PINS.jobset.chartVersion */
  readonly chartVersion?: string;
  /** Controller image, `repository:tag` (the chart takes no digest). @default PINS.jobset.image */
  readonly image?: string;
  /** Node labels the controller's pod must match (the platform pool's). @default none: any node */
  readonly nodeSelector?: Record<string, string>;
  /** Resources besides the namespaces that must exist first (the runner KSA). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The JobSet controller and its CRD (kubernetes-sigs/jobset chart), which runs Metaflow's multi-node steps, and the
 * right of the jobs' KSA to create JobSets in the jobs namespace.
 */
export class JobSet extends Construct {
  readonly release: Release;
  /** The chart values, as passed to Helm (before serialization). */
  readonly values: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: JobSetProps) {
    super(scope, id);
    const image = props.image ?? PINS.jobset.image;
    const { host, path, suffix } = parseImageRef(image);
    if (!suffix.startsWith(":") || suffix.includes("@")) {
      throw new Error(`JobSet image ${image}: the chart joins image.repository and image.tag, so pin it by a tag, not a digest`);
    }
    const after = createdAfter([props.namespace, props.jobsNamespace], props.dependsOn);

    this.values = {
      fullnameOverride: "jobset",
      // The chart's own default is a staging image with the floating tag `main`: the release image, always.
      image: { repository: `${host}/${path}`, tag: suffix.slice(1), pullPolicy: "IfNotPresent" },
      controller: {
        replicas: 1,
        resources: CONTROLLER_RESOURCES,
        podSecurityContext: restrictedPodValues(JOBSET_UID),
        securityContext: restrictedContainerValues(),
        ...(props.nodeSelector && { nodeSelector: props.nodeSelector }),
      },
      // The controller issues and rotates its own webhook certificate; no cert-manager needed.
      certManager: { enable: false },
      prometheus: { enable: false },
    };

    new NamespacedRole(this, "runner", {
      namespace: props.jobsNamespace.name,
      name: "metaflow-jobsets",
      rules: JOBSET_RUNNER_RULES,
      subjects: [props.runnerServiceAccount],
      dependsOn: after,
    });

    // The chart's crds/ directory holds the JobSet CRD: Helm installs it with the release (and never upgrades it).
    this.release = chartRelease(this, "release", {
      name: "jobset",
      repository: props.repository ?? PINS.jobset.repository,
      chart: "jobset",
      version: props.chartVersion ?? PINS.jobset.chartVersion,
      namespace: props.namespace.name,
      values: this.values,
      dependsOn: after,
    });
  }
}
