// Workload Identity: which Kubernetes service account (KSA) acts as which Google service account (GSA), joining
// the IAM binding on the GSA with the KSA's annotation, read from a kubernetes_service_account or a chart's values.
import { Grant, WI_ROLE } from "./grants";
import { helmValues, isHelmRelease } from "./helm";
import { EnvironmentModel, ResourceModel } from "./model";
import { literal, principal } from "./resolve";
import { block, isRecord, record, walkKeys } from "./shared";

const ANNOTATION = "iam.gke.io/gcp-service-account";

/** Where a KSA's GSA annotation is written. */
export interface Annotation {
  /** The GSA email the annotation names, resolved where the JSON fixes it. */
  readonly gsa: string;
  /** e.g. "dev-services/metaflow-wi/ksa" or "Helm argo-workflows values server.serviceAccount.annotations". */
  readonly source: string;
  readonly resource: ResourceModel;
}

/** A Kubernetes service account that acts as a Google service account. */
export interface WorkloadIdentityBinding {
  /** "namespace/name" of the KSA. */
  readonly ksa: string;
  /** The GSA the IAM binding is on (or, without one, the annotated GSA). */
  readonly gsa: string;
  readonly binding?: Grant;
  readonly annotation?: Annotation;
}

/** "ns/name" of a Workload Identity member: serviceAccount:<pool>[ns/name] or principal://.../subject/ns/<ns>/sa/<name>. */
export function ksaOf(member: string): string | undefined {
  const classic = /^serviceAccount:[^[\]]+\.svc\.id\.goog\[([^/\]]+)\/([^\]]+)\]$/.exec(member);
  if (classic) return `${classic[1]}/${classic[2]}`;
  const principalMember = /^principal:\/\/.*\/subject\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(member);
  return principalMember ? `${principalMember[1]}/${principalMember[2]}` : undefined;
}

/** Annotated KSAs of the environment: kubernetes_service_account resources and chart values `serviceAccount: {name, annotations}`. */
export function annotatedKsas(env: EnvironmentModel): Map<string, Annotation> {
  const out = new Map<string, Annotation>();
  for (const stack of env.stacks) {
    for (const r of stack.resources) {
      if (/^kubernetes_service_account(_v1)?$/.test(r.type)) {
        const meta = block(r.body.metadata);
        const gsa = record(meta.annotations)[ANNOTATION];
        if (gsa === undefined) continue;
        const ksa = `${principal(env.synth, stack, meta.namespace ?? "default").name}/${principal(env.synth, stack, meta.name).name}`;
        out.set(ksa, { gsa: principal(env.synth, stack, gsa).name, source: r.path ?? r.address, resource: r });
      } else if (isHelmRelease(r)) {
        // A chart creates the KSA in the release's namespace, with the annotations its values give it.
        const namespace = literal(env.synth, stack, r.body.namespace ?? "default") ?? String(r.body.namespace);
        const release = principal(env.synth, stack, r.body.name).name;
        for (const doc of helmValues(r).documents) {
          walkKeys(doc, (key, value, at) => {
            if (key !== "serviceAccount" || !isRecord(value) || value.create === false) return;
            const gsa = record(value.annotations)[ANNOTATION];
            if (typeof value.name !== "string" || gsa === undefined) return;
            out.set(`${namespace}/${value.name}`, {
              gsa: principal(env.synth, stack, gsa).name,
              source: `Helm ${release} values ${at}.annotations`,
              resource: r,
            });
          });
        }
      }
    }
  }
  return out;
}

/** Workload Identity: IAM bindings on GSAs joined with the KSAs annotated in the JSON. */
export function workloadIdentity(env: EnvironmentModel, all: Grant[]): WorkloadIdentityBinding[] {
  const byKsa = new Map<string, WorkloadIdentityBinding>();
  for (const g of all) {
    const ksa = ksaOf(g.member.name);
    if (g.role !== WI_ROLE || !ksa) continue;
    byKsa.set(ksa, { ksa, gsa: g.scope.replace(/^service_account /, ""), binding: g });
  }
  for (const [ksa, annotation] of annotatedKsas(env)) {
    const known = byKsa.get(ksa);
    byKsa.set(ksa, { ksa, gsa: known?.gsa ?? annotation.gsa, binding: known?.binding, annotation });
  }
  return [...byKsa.values()].sort((a, b) => a.ksa.localeCompare(b.ksa));
}
