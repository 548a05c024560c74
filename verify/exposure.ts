// What services.access exposes has been built by GKE: each Ingress has its address and healthy backends, each internal
// load balancer its reserved address. Both come from GKE's controllers, which write them on the objects.
import { VerifyContext, field, readJson, settle } from "./context";
import { ExposureRef } from "./plan";
import { CheckResult } from "./result";

/**
 * GKE's Ingress controller records each backend service's health on the Ingress, as JSON by backend name, under this
 * annotation, and the load balancer's IP in status.loadBalancer (k8s.io/ingress-gce v1.33.0,
 * pkg/loadbalancers/l7.go GetLBAnnotations, pkg/controller/controller.go updateIngressStatus).
 */
export const BACKENDS_ANNOTATION = "ingress.kubernetes.io/backends";

const addressOf = (obj: Record<string, unknown>): string | undefined => {
  const ingress = field(obj, "status", "loadBalancer", "ingress");
  const ip = Array.isArray(ingress) ? field(ingress[0], "ip") : undefined;
  return typeof ip === "string" && ip !== "" ? ip : undefined;
};

/** The backends' states the annotation records; none when it is missing or not JSON. */
function backendStates(raw: unknown): Record<string, string> {
  if (typeof raw !== "string") return {};
  try {
    return JSON.parse(raw) as Record<string, string>;
  } catch {
    return {};
  }
}

export function checkExposure(ctx: VerifyContext, e: ExposureRef): Promise<CheckResult> {
  const where = `${e.namespace}/${e.name}`;
  return settle(ctx, `${e.kind} ${where}`, async () => {
    if (e.kind === "load balancer") {
      const svc = await readJson(ctx, `/api/v1/namespaces/${e.namespace}/services/${e.name}`, `Service ${where}`);
      const ip = addressOf(svc);
      if (ip === e.address) return { status: "pass", message: `internal address ${ip}` };
      return {
        status: "fail",
        pending: true,
        message: ip ? `got ${ip}, not the reserved ${e.address}` : "no address yet: GKE has not built the internal load balancer",
        fix: `kubectl -n ${e.namespace} describe service ${e.name} (its events say why: the address must be the reserved one, free in the subnetwork)`,
      };
    }
    const ing = await readJson(ctx, `/apis/networking.k8s.io/v1/namespaces/${e.namespace}/ingresses/${e.name}`, `Ingress ${where}`);
    const ip = addressOf(ing);
    const backends = backendStates(field(ing, "metadata", "annotations", BACKENDS_ANNOTATION));
    const unhealthy = Object.entries(backends).filter(([, state]) => state !== "HEALTHY");
    const describe = `kubectl -n ${e.namespace} describe ingress ${e.name}`;
    if (ip && e.host) {
      // Google provisions the managed certificate only once the name resolves to the load balancer.
      const resolved = await ctx.resolve4(e.host);
      if (!resolved.includes(ip)) {
        return {
          status: "fail",
          pending: true,
          message: `${e.host} resolves to ${resolved.join(", ") || "nothing"}, not to the load balancer's ${ip}`,
          fix: `point the A record of ${e.host} at ${ip} (the infra stack's output of this UI's address); the Google-managed certificate is provisioned only after it resolves there`,
        };
      }
    }
    if (ip && Object.keys(backends).length > 0 && unhealthy.length === 0) {
      return {
        status: "pass",
        message: `address ${ip}${e.host ? ` (${e.host})` : ""}, ${Object.keys(backends).length} backend(s) HEALTHY`,
      };
    }
    if (!ip) {
      return {
        status: "fail",
        pending: true,
        message: "no address yet: GKE's Ingress controller has not built the load balancer",
        fix: `${describe} (its events name what it waits for: the reserved address, the certificate, a BackendConfig)`,
      };
    }
    return {
      status: "fail",
      pending: true,
      message: `address ${ip}; backends not healthy: ${unhealthy.map(([b, s]) => `${b} ${s}`).join(", ") || "none reported yet"}`,
      fix: `${describe}; the load balancer's health check (the BackendConfig's healthCheck) must reach the pods, through firewall rules GKE creates (with a Shared VPC, the host project's)`,
    };
  });
}
