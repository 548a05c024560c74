// The metadata service and the UI backend answer their health path through the API server's service proxy
// (GET /api/v1/namespaces/<ns>/services/<name>:<port>/proxy/<path>): the same route a port-forward takes to the
// Service's pods, with no local port to open.
import { VerifyContext, FORBIDDEN_FIX, field, settle } from "./context";
import { KubeResponse, statusMessage } from "./kube";
import { HealthRef } from "./plan";
import { CheckResult } from "./result";

/** The service proxy's path to a service's port and path. */
export function proxyPath(h: Pick<HealthRef, "namespace" | "name" | "port">, path: string): string {
  return `/api/v1/namespaces/${h.namespace}/services/${h.name}:${h.port}/proxy/${path.replace(/^\/+/, "")}`;
}

/** A Status object: the API server's own answer, as opposed to one from the pod behind the proxy. */
const apiStatus = (r: KubeResponse) => field(r.json, "kind") === "Status";

/** What the first answer that is not the pod's health means. */
export const NO_ANSWER = "no answer from its pods through the service proxy";

export function checkHealth(ctx: VerifyContext, h: HealthRef): Promise<CheckResult> {
  const logs = `read the pods' logs: kubectl -n ${h.namespace} logs deployment/${h.name}`;
  return settle(ctx, `health ${h.what} (${h.namespace}/${h.name}:${h.port}${h.path})`, async () => {
    let response: KubeResponse;
    try {
      response = await ctx.kube.get(proxyPath(h, h.path), ctx.timeoutMs);
    } catch (error) {
      return { status: "fail", pending: true, message: `${NO_ANSWER} (${(error as Error).message})`, fix: logs };
    }
    const body = response.text.trim();
    if (response.status === 200 && body === h.answer) return { status: "pass", message: `answers ${h.answer}` };
    if (response.status === 200)
      return { status: "fail", message: `answers ${JSON.stringify(body.slice(0, 80))}, not ${h.answer}`, fix: logs };
    if (apiStatus(response) && response.status === 403) {
      return { status: "fail", message: `the API server refused the service proxy (${statusMessage(response)})`, fix: FORBIDDEN_FIX };
    }
    if (apiStatus(response) && response.status === 404) {
      return {
        status: "fail",
        message: `no such Service or port (${statusMessage(response)})`,
        fix: "deploy the services stack: npx cdktf deploy <env>-services",
      };
    }
    if (apiStatus(response) && /no endpoints available/.test(statusMessage(response))) {
      return { status: "fail", pending: true, message: `no ready endpoint (${statusMessage(response)})`, fix: logs };
    }
    // The API server could not reach a pod (its 503 "error trying to reach service"), or the path to it answered.
    return { status: "fail", pending: true, message: `${NO_ANSWER} (${statusMessage(response)})`, fix: logs };
  });
}
