import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { Construct } from "constructs";

export interface NamespaceProps {
  /** Namespace name. */
  readonly name: string;
  /** Pod Security Admission level enforced on the namespace's pods. @default "baseline" */
  readonly enforce?: "privileged" | "baseline" | "restricted";
  /** Extra labels. @default {} */
  readonly labels?: Record<string, string>;
}

/** A Kubernetes namespace with Pod Security Admission labels. */
export class Namespace extends Construct {
  /** The namespace name; a token, so resources using it are created after it. */
  readonly name: string;
  readonly namespace: NamespaceV1;

  constructor(scope: Construct, id: string, props: NamespaceProps) {
    super(scope, id);
    this.namespace = new NamespaceV1(this, "namespace", {
      metadata: {
        name: props.name,
        labels: {
          "app.kubernetes.io/part-of": "metaflow",
          // Enforce "baseline" (no privileged, host-namespace or host-path pods) and report anything short of
          // "restricted": flows run user-chosen images, which may need root, so "restricted" is not enforced.
          "pod-security.kubernetes.io/enforce": props.enforce ?? "baseline",
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
          ...props.labels,
        },
      },
    });
    this.name = this.namespace.metadata.name;
  }
}
