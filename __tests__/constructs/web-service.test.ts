import { ServiceV1 } from "@cdktf/provider-kubernetes/lib/service-v1";
import { WebService, WebServiceProps } from "../../constructs/web-service";
import { bareStack, onlyResource, resourcesOf, synth } from "./stack";

const PROPS: WebServiceProps = {
  namespace: { name: "metaflow" },
  name: "echo",
  port: 8080,
  probePath: "/ping",
  container: { name: "echo", image: "example.com/echo:1.0.0" },
};

function build(props: Partial<WebServiceProps> = {}) {
  const stack = bareStack("kubernetes");
  const service = new WebService(stack, "echo", { ...PROPS, ...props });
  return { service, ...synth(stack) };
}

describe("WebService", () => {
  const { service, text, json } = build();
  const deployment = onlyResource(json, "kubernetes_deployment_v1");
  const pod = deployment.spec.template.spec;
  const [container] = pod.container;

  test("a ClusterIP Service on the declared port, targeting the pods' named port", () => {
    expect(text).toHaveResourceWithProperties(ServiceV1, {
      metadata: expect.objectContaining({ name: "echo", namespace: "metaflow" }),
      spec: { type: "ClusterIP", selector: service.selector, port: [{ name: "http", port: 8080, target_port: "http", protocol: "TCP" }] },
    });
    expect(container.port).toEqual([{ name: "http", container_port: 8080, protocol: "TCP" }]);
  });

  test("the Service and the Deployment select the pods by the same labels", () => {
    expect(service.selector).toEqual({ "app.kubernetes.io/name": "echo", "app.kubernetes.io/part-of": "metaflow" });
    expect(deployment.spec.selector.match_labels).toEqual(service.selector);
    expect(deployment.spec.template.metadata.labels).toEqual({ ...service.selector, "app.kubernetes.io/component": "echo" });
    expect(onlyResource(json, "kubernetes_service_v1").spec.selector).toEqual(service.selector);
  });

  test("readiness and liveness probes on the probe path and the named port, liveness more patient", () => {
    expect(container.readiness_probe).toEqual({
      http_get: { path: "/ping", port: "http" },
      initial_delay_seconds: 10,
      period_seconds: 10,
      timeout_seconds: 5,
      failure_threshold: 3,
    });
    expect(container.liveness_probe).toMatchObject({
      http_get: { path: "/ping", port: "http" },
      initial_delay_seconds: 30,
      failure_threshold: 6,
    });
  });

  test("pods run unprivileged as UID 1000 with no API token, re-pulling the tag at every start", () => {
    expect(pod.security_context).toEqual({
      run_as_non_root: true,
      run_as_user: "1000",
      run_as_group: "1000",
      fs_group: "1000",
      seccomp_profile: { type: "RuntimeDefault" },
    });
    expect(pod.automount_service_account_token).toBe(false);
    expect(pod.service_account_name).toBeUndefined();
    expect(container).toMatchObject({ name: "echo", image: "example.com/echo:1.0.0", image_pull_policy: "Always" });
  });

  test("one replica and no PodDisruptionBudget by default", () => {
    expect(deployment.spec.replicas).toBe("1");
    expect(resourcesOf(json, "kubernetes_pod_disruption_budget_v1")).toEqual({});
  });

  test("exposes its in-cluster URL, name and port", () => {
    expect(service.internalUrl).toBe("http://echo.metaflow.svc.cluster.local:8080");
    expect([service.serviceName, service.port]).toEqual(["echo", 8080]);
  });

  test("above one replica, a PodDisruptionBudget selecting its pods; a component, a KSA and volumes as given", () => {
    const { json } = build({
      replicas: 3,
      component: "api",
      serviceAccountName: "echo-ksa",
      volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
      dependsOn: [{ fqn: "kubernetes_secret_v1.s" }],
    });
    const d = onlyResource(json, "kubernetes_deployment_v1");
    const pdb = onlyResource(json, "kubernetes_pod_disruption_budget_v1");
    expect(d.spec.replicas).toBe("3");
    expect(pdb.spec).toEqual({ max_unavailable: "1", selector: { match_labels: d.spec.selector.match_labels } });
    expect(d.spec.template.metadata.labels["app.kubernetes.io/component"]).toBe("api");
    expect(d.spec.template.spec).toMatchObject({
      service_account_name: "echo-ksa",
      volume: [{ name: "tmp", empty_dir: { size_limit: "64Mi" } }],
    });
    expect(d.depends_on).toEqual(["kubernetes_secret_v1.s"]);
  });
});

test("the Deployment, the Service and the PodDisruptionBudget all wait for the namespace; the Deployment for the rest too", () => {
  const namespace = { name: "metaflow", resource: { fqn: "kubernetes_namespace_v1.metaflow" } };
  const { json } = build({ namespace, replicas: 2, dependsOn: [{ fqn: "kubernetes_job_v1.migrations" }] });
  expect(onlyResource(json, "kubernetes_deployment_v1").depends_on).toEqual([
    "kubernetes_namespace_v1.metaflow",
    "kubernetes_job_v1.migrations",
  ]);
  expect(onlyResource(json, "kubernetes_service_v1").depends_on).toEqual(["kubernetes_namespace_v1.metaflow"]);
  expect(onlyResource(json, "kubernetes_pod_disruption_budget_v1").depends_on).toEqual(["kubernetes_namespace_v1.metaflow"]);
});
