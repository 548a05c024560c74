// Every Service of the stack, and of the argoproj releases, has a ready endpoint: its selector matches a Ready pod.
import { VerifyContext, field, readJson, settle } from "./context";
import { ObjectRef, ReleaseRef } from "./plan";
import { CheckResult } from "./result";

/** Ready endpoints of a Service, from its EndpointSlices (label kubernetes.io/service-name). */
export function readyEndpoints(slices: Record<string, unknown>): number {
  const items = Array.isArray(slices.items) ? slices.items : [];
  return items
    .flatMap((s) => (Array.isArray(field(s, "endpoints")) ? (field(s, "endpoints") as unknown[]) : []))
    .filter((e) => field(e, "conditions", "ready") === true).length;
}

/** One Service's ready endpoints; pending while there are none. */
export function checkServiceEndpoints(ctx: VerifyContext, s: ObjectRef): Promise<CheckResult> {
  const selector = encodeURIComponent(`kubernetes.io/service-name=${s.name}`);
  const path = `/apis/discovery.k8s.io/v1/namespaces/${s.namespace}/endpointslices?labelSelector=${selector}`;
  return settle(ctx, `endpoints ${s.namespace}/${s.name}`, async () => {
    const service = await readJson(ctx, `/api/v1/namespaces/${s.namespace}/services/${s.name}`, `Service ${s.namespace}/${s.name}`);
    const ready = readyEndpoints(await readJson(ctx, path, `the EndpointSlices of Service ${s.namespace}/${s.name}`));
    if (ready > 0) return { status: "pass", message: `${ready} ready endpoint(s)` };
    const selects = JSON.stringify(field(service, "spec", "selector") ?? {});
    return {
      status: "fail",
      pending: true,
      message: `no ready endpoint: its selector ${selects} matches no Ready pod`,
      fix: `compare the selector with the pods' labels: kubectl -n ${s.namespace} get pods --show-labels; a selector changed by hand is restored by deploying the services stack again`,
    };
  });
}

/** The Services a release made, found by app.kubernetes.io/instance. */
export async function releaseServices(ctx: VerifyContext, r: ReleaseRef): Promise<ObjectRef[]> {
  const selector = encodeURIComponent(`app.kubernetes.io/instance=${r.name}`);
  const list = await ctx.kube.get(`/api/v1/namespaces/${r.namespace}/services?labelSelector=${selector}`, ctx.timeoutMs);
  const items = list.status === 200 && Array.isArray(field(list.json, "items")) ? (field(list.json, "items") as unknown[]) : [];
  return items.map((s) => ({ namespace: r.namespace, name: String(field(s, "metadata", "name")) }));
}
