// Helm values are built as typed objects and serialized here, never written as YAML by hand.
import { Release } from "@cdktf/provider-helm/lib/release";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** A container image as the argoproj charts take it. */
export interface ChartImage {
  readonly registry?: string;
  readonly repository: string;
  readonly tag: string;
}

/** CPU and memory requests and limits. */
export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** Requests and limits of the Argo controllers, server and JetStream pods. */
export const CONTROLLER_RESOURCES: Resources = {
  requests: { cpu: "100m", memory: "128Mi" },
  limits: { cpu: "500m", memory: "512Mi" },
};

/** Every release: roll back a failed install or upgrade instead of leaving it half-applied. */
export const RELEASE_SAFETY = { atomic: true, cleanupOnFail: true, timeout: 600 } as const;

/**
 * Serializes Helm values as JSON (a subset of YAML that Helm reads as is). Terraform tokens embedded in strings
 * (a bucket name, an email) stay intact and are interpolated by Terraform when the release is planned.
 */
export function toValues(values: object): string {
  return JSON.stringify(values, null, 2);
}

/** A Helm release of a chart, at an exact version, with typed values. */
export interface ChartReleaseProps {
  /** Release name. */
  readonly name: string;
  /** Helm repository. @default none (a local chart) */
  readonly repository?: string;
  /** Chart name, or the path of a local chart. */
  readonly chart: string;
  /** Exact chart version. */
  readonly version: string;
  /** Namespace of the release. */
  readonly namespace: string;
  readonly values: object;
  /** Resources that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** A release that rolls back a failed install or upgrade (RELEASE_SAFETY). */
export function chartRelease(scope: Construct, id: string, props: ChartReleaseProps): Release {
  const { values, ...release } = props;
  return new Release(scope, id, { ...release, values: [toValues(values)], ...RELEASE_SAFETY });
}
