import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** The label on every Kubernetes object this app creates. */
export const PART_OF = { "app.kubernetes.io/part-of": "metaflow" } as const;

/** A namespace as the resources in it need it: the name they carry, and what creates the namespace. */
export interface NamespaceRef {
  /** The namespace name, as configured: a plain string, so plans and outputs show it. */
  readonly name: string;
  /** The resource that creates the namespace; resources in it depend on it. @default none (it exists already) */
  readonly resource?: ITerraformDependable;
}

/**
 * `depends_on` of a resource in `namespaces`: each namespace's resource, then `others`; undefined when empty, so a
 * resource with nothing to wait for carries no `depends_on`.
 */
export function createdAfter(namespaces: NamespaceRef[], others: ITerraformDependable[] = []): ITerraformDependable[] | undefined {
  const all = [...namespaces.flatMap((ns) => (ns.resource ? [ns.resource] : [])), ...others];
  return all.length > 0 ? all : undefined;
}

/** Metadata of an object named `name` in `ns`, with the app's label. */
export function metadataIn(ns: NamespaceRef, name: string) {
  return { name, namespace: ns.name, labels: { ...PART_OF } };
}

export interface NamespaceProps {
  /** Namespace name. */
  readonly name: string;
}

/** A Kubernetes namespace with Pod Security Admission labels. */
export class Namespace extends Construct implements NamespaceRef {
  readonly name: string;
  readonly resource: NamespaceV1;

  constructor(scope: Construct, id: string, props: NamespaceProps) {
    super(scope, id);
    this.name = props.name;
    this.resource = new NamespaceV1(this, "namespace", {
      metadata: {
        name: props.name,
        labels: {
          ...PART_OF,
          // Enforce "baseline" (no privileged, host-namespace or host-path pods) and report anything short of
          // "restricted": flows run user-chosen images, which may need root, so "restricted" is not enforced.
          "pod-security.kubernetes.io/enforce": "baseline",
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
        },
      },
    });
  }
}
