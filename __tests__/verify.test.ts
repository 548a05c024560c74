// `npm run verify`'s checks against answers recorded from the cluster test's API server (kube-apiserver v1.34.4,
// scripts/cluster; __tests__/verify/recorded-answers.json, managedFields and uids dropped), each shown passing on the
// answer a healthy platform gives and failing on the fault it is there to catch. Offline: a fake KubeApi serves them.
import { parseConfig } from "../config";
import { CheckResult, KubeApi, KubeResponse, parseInfraOutputs, runVerify, verifyPlan } from "../verify";
import { VerifyContext } from "../verify/context";
import { configDifferences } from "../verify/published-config";
import { checkDeployment, checkJob, checkRelease } from "../verify/workloads";
import { checkServiceEndpoints } from "../verify/endpoints";
import { checkHealth, proxyPath } from "../verify/health";
import { checkPublishedConfig } from "../verify/published-config";
import { runFlowChecks } from "../verify/flow";
import { BACKENDS_ANNOTATION, checkExposure } from "../verify/exposure";
import { devConfig, synthDev } from "./helpers";
import recorded from "./verify/recorded-answers.json";

type Answer = { status: number; body: unknown };
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** The cluster test's fixture outputs (scripts/cluster/stack_fixture.py), as a state file's `outputs`. */
const FIXTURE_STATE = JSON.stringify({
  version: 4,
  outputs: {
    datastore_root: { value: "gs://metaflow-cluster-test/metaflow", type: "string" },
    image_cache_docker_hub: { value: "local-docker.pkg.dev/cluster-test-project/cluster-test-docker-hub", type: "string" },
    secret_manager_prefix: { value: "projects/000000000000/secrets/offline-", type: "string" },
  },
});

const config = parseConfig(devConfig());
const env = config.environments[0];
const plan = verifyPlan(config, env, parseInfraOutputs(FIXTURE_STATE, "remote-infra.tfstate"));

/** The answers of a healthy dev platform, by path; `edit` changes them for one test. */
function answers(edit: (a: Map<string, Answer>) => void = () => undefined): Map<string, Answer> {
  const a = new Map<string, Answer>();
  const r = clone(recorded) as Record<string, Answer>;
  a.set("/version", r.version);
  for (const d of plan.deployments) {
    const body = clone(r.deployment.body) as any;
    body.metadata.name = d.name;
    a.set(`/apis/apps/v1/namespaces/${d.namespace}/deployments/${d.name}`, { status: 200, body });
  }
  a.set("/apis/batch/v1/namespaces/metaflow/jobs/metaflow-db-migrations", r.job);
  for (const s of plan.services) {
    a.set(`/api/v1/namespaces/${s.namespace}/services/${s.name}`, r.service);
    a.set(
      `/apis/discovery.k8s.io/v1/namespaces/${s.namespace}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D${s.name}`,
      r.endpointSlices,
    );
  }
  for (const rel of plan.releases) {
    const list = clone(r.releaseDeploymentsNone) as any;
    list.body.items = rel.components.map((component) => {
      const d = clone(r.deployment.body) as any;
      d.metadata = {
        ...d.metadata,
        name: `${rel.name}-${component}`,
        namespace: rel.namespace,
        labels: { "app.kubernetes.io/instance": rel.name, "app.kubernetes.io/component": component },
      };
      return d;
    });
    a.set(`/apis/apps/v1/namespaces/${rel.namespace}/deployments?labelSelector=app.kubernetes.io%2Finstance%3D${rel.name}`, list);
    a.set(`/api/v1/namespaces/${rel.namespace}/services?labelSelector=app.kubernetes.io%2Finstance%3D${rel.name}`, {
      status: 200,
      body: { items: [] },
    });
  }
  for (const h of plan.health) a.set(proxyPath(h, h.path), { status: 200, body: "pong" });
  a.set("/api/v1/namespaces/metaflow-jobs/configmaps/metaflow-config", r.configMap);
  edit(a);
  return a;
}

function fakeKube(a: Map<string, Answer>): KubeApi & { asked: string[] } {
  const asked: string[] = [];
  return {
    server: "https://127.0.0.1:6443",
    context: "test",
    asked,
    async get(path: string): Promise<KubeResponse> {
      asked.push(path);
      const answer = a.get(path) ?? recorded.deploymentNotFound;
      const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      return { status: answer.status, json: typeof answer.body === "string" ? undefined : answer.body, text };
    },
  };
}

const ctxOf = (a: Map<string, Answer>, resolved: Record<string, string[]> = {}): VerifyContext => ({
  plan,
  kube: fakeKube(a),
  timeoutMs: 1000,
  waitMs: 0,
  sleep: async () => undefined,
  resolve4: async (host) => resolved[host] ?? [],
});
const line = (r: CheckResult) => `${r.status} ${r.check}: ${r.message}`;

test("the plan is the stack's own objects, by the names and namespaces it synthesizes", () => {
  const json = synthDev().servicesJson;
  const names = (type: string) => Object.values<any>(json.resource[type]).map((r) => `${r.metadata.namespace}/${r.metadata.name}`);
  expect(plan.deployments.map((d) => `${d.namespace}/${d.name}`)).toEqual(names("kubernetes_deployment_v1"));
  expect(plan.jobs.map((j) => `${j.namespace}/${j.name}`)).toEqual(names("kubernetes_job_v1"));
  expect(plan.services.map((s) => `${s.namespace}/${s.name}`)).toEqual(names("kubernetes_service_v1"));
  expect(plan.releases.map((r) => r.name)).toEqual(["argo-workflows", "argo-events", "jobset"]);
  expect(plan.health.map((h) => `${h.namespace}/${h.name}:${h.port}${h.path}`)).toEqual([
    "metaflow/metadata-service:8080/ping",
    "metaflow/metaflow-ui-backend-service:8083/ping",
  ]);
});

test("without the infra outputs, config.json's infra values are those the infra stack plans for the configuration", () => {
  const planned = verifyPlan(config, env).publishedConfig;
  const infra = synthDev().infraJson;
  const bucket: any = Object.values(infra.resource.google_storage_bucket)[0];
  expect(planned.config.METAFLOW_DATASTORE_SYSROOT_GS).toBe(`gs://${bucket.name}/metaflow`);
  expect(planned.config.METAFLOW_KUBERNETES_CONTAINER_REGISTRY).toBe(
    `${env.region}-docker.pkg.dev/${env.project}/${env.names.imageCaches!.dockerHub}`,
  );
  // The secrets prefix holds the project number, which the infra stack reads from the project at apply.
  expect(planned.unknown).toEqual({ METAFLOW_GCP_SECRET_MANAGER_PREFIX: "secret_manager_prefix" });
  // Every other key is the same whichever infra values are used.
  const {
    METAFLOW_DATASTORE_SYSROOT_GS: _a,
    METAFLOW_KUBERNETES_CONTAINER_REGISTRY: _b,
    METAFLOW_GCP_SECRET_MANAGER_PREFIX: _c,
    ...rest
  } = planned.config;
  expect(plan.publishedConfig.config).toMatchObject(rest);
});

test("a healthy platform passes every check, one line each, in a fixed order", async () => {
  const results = await runVerify(plan, fakeKube(answers()), { waitMs: 0, sleep: async () => undefined });
  expect(results.filter((r) => r.status !== "pass").map(line)).toEqual([]);
  expect(results.map((r) => r.check)).toEqual([
    "cluster",
    "job metaflow/metaflow-db-migrations",
    "deployment metaflow/metadata-service",
    "deployment metaflow/metaflow-ui-backend-service",
    "release argo/argo-workflows workflow-controller",
    "release argo/argo-workflows server",
    "release argo/argo-events controller-manager",
    "release jobset-system/jobset controller",
    "endpoints metaflow/metadata-service",
    "endpoints metaflow/metaflow-ui-backend-service",
    "health metadata service (metaflow/metadata-service:8080/ping)",
    "health UI backend (metaflow/metaflow-ui-backend-service:8083/ping)",
    "config metaflow-jobs/metaflow-config",
  ]);
  expect(results.every((r) => typeof r.ms === "number")).toBe(true);
});

test("without the cluster, nothing else is asked and the rest is skipped", async () => {
  const kube = fakeKube(
    answers((a) => a.set("/version", { status: 401, body: { kind: "Status", message: "Unauthorized", reason: "Unauthorized" } })),
  );
  const results = await runVerify(plan, kube, { waitMs: 0 });
  expect(results.map(line)).toEqual([
    expect.stringMatching(/^fail cluster: .*refused the caller \(HTTP 401 Unauthorized/),
    "skip services: not run: the cluster check failed",
  ]);
  expect(kube.asked).toEqual(["/version"]);
});

const DEPLOYMENT = "/apis/apps/v1/namespaces/metaflow/deployments/metadata-service";

test.each<[string, (d: any) => void, RegExp]>([
  [
    "scaled to 0",
    (d) => ((d.spec.replicas = 0), (d.status.availableReplicas = 0)),
    /^fail .*: scaled to 0 replica\(s\); the stack deploys 1$/,
  ],
  ["not available yet", (d) => ((d.status.availableReplicas = 0), (d.status.conditions = [])), /^fail .*: 0\/1 available after 0 s$/],
  [
    "rolling out",
    (d) => ((d.metadata.generation = 2), (d.status.updatedReplicas = 0)),
    /^fail .*: 1\/1 available, 0\/1 updated after 0 s$/,
  ],
])("a Deployment %s fails", async (_what, edit, expected) => {
  const a = answers((m) => edit(m.get(DEPLOYMENT)!.body));
  expect(line(await checkDeployment(ctxOf(a), plan.deployments[0]))).toMatch(expected);
});

test("a missing Deployment fails with the API server's answer", async () => {
  const a = answers((m) => m.delete(DEPLOYMENT));
  const r = await checkDeployment(ctxOf(a), plan.deployments[0]);
  expect(line(r)).toMatch(
    /^fail deployment metaflow\/metadata-service: Deployment metaflow\/metadata-service not found \(HTTP 404 NotFound/,
  );
});

test("the migrations Job: complete passes, failed fails", async () => {
  const job = "/apis/batch/v1/namespaces/metaflow/jobs/metaflow-db-migrations";
  expect(line(await checkJob(ctxOf(answers()), plan.jobs[0]))).toBe("pass job metaflow/metaflow-db-migrations: completed (1 succeeded)");
  const failed = answers((m) => {
    const j = m.get(job)!.body as any;
    j.status = { failed: 4, conditions: [{ type: "Failed", status: "True" }] };
  });
  expect(line(await checkJob(ctxOf(failed), plan.jobs[0]))).toBe("fail job metaflow/metaflow-db-migrations: failed (4 pod(s) failed)");
});

test("a release's controllers are found by the chart's labels; none found fails naming them", async () => {
  const rel = plan.releases[0];
  expect((await checkRelease(ctxOf(answers()), rel)).map(line)).toEqual([
    "pass release argo/argo-workflows workflow-controller: argo-workflows-workflow-controller 1/1 available",
    "pass release argo/argo-workflows server: argo-workflows-server 1/1 available",
  ]);
  const none = answers((m) =>
    m.set(
      `/apis/apps/v1/namespaces/argo/deployments?labelSelector=app.kubernetes.io%2Finstance%3Dargo-workflows`,
      recorded.releaseDeploymentsNone,
    ),
  );
  expect((await checkRelease(ctxOf(none), rel)).map(line)[0]).toMatch(
    /^fail .*: no Deployment labelled app.kubernetes.io\/instance=argo-workflows, app.kubernetes.io\/component=workflow-controller in argo/,
  );
});

test("a Service whose selector matches no Ready pod fails, naming its selector", async () => {
  const s = plan.services[0];
  const path = `/apis/discovery.k8s.io/v1/namespaces/${s.namespace}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3D${s.name}`;
  expect(line(await checkServiceEndpoints(ctxOf(answers()), s))).toBe("pass endpoints metaflow/metadata-service: 1 ready endpoint(s)");
  const empty = answers((m) => ((m.get(path)!.body as any).items = []));
  expect(line(await checkServiceEndpoints(ctxOf(empty), s))).toMatch(
    /^fail .*: no ready endpoint: its selector \{"app.kubernetes.io\/name":"metadata-service".*\} matches no Ready pod after 0 s$/,
  );
});

test.each<[string, Answer, RegExp]>([
  ["pong", { status: 200, body: "pong" }, /^pass .*: answers pong$/],
  ["something else", { status: 200, body: "<html>" }, /^fail .*: answers "<html>", not pong$/],
  [
    "an egress proxy's refusal (as in the cluster test)",
    recorded.proxyThroughEgressProxy,
    /^fail .*: no answer from its pods through the service proxy \(HTTP 403: resolve_deny/,
  ],
  [
    "the API server's dial error",
    {
      status: 503,
      body: {
        kind: "Status",
        reason: "ServiceUnavailable",
        message: "error trying to reach service: dial tcp 10.0.0.2:8080: connect: connection refused",
      },
    },
    /^fail .*: no answer from its pods/,
  ],
  [
    "no endpoints",
    {
      status: 503,
      body: { kind: "Status", reason: "ServiceUnavailable", message: 'no endpoints available for service "metadata-service"' },
    },
    /^fail .*: no ready endpoint \(/,
  ],
  [
    "RBAC's refusal",
    { status: 403, body: { kind: "Status", reason: "Forbidden", message: 'services "metadata-service" is forbidden' } },
    /^fail .*: the API server refused the service proxy/,
  ],
])("the health path answering %s", async (_what, answer, expected) => {
  const h = plan.health[0];
  expect(line(await checkHealth(ctxOf(answers((m) => m.set(proxyPath(h, h.path), answer))), h))).toMatch(expected);
});

test("the published ConfigMap: equal passes; a changed, missing or extra key fails naming it", async () => {
  const path = "/api/v1/namespaces/metaflow-jobs/configmaps/metaflow-config";
  expect(line(await checkPublishedConfig(ctxOf(answers())))).toMatch(
    /^pass config metaflow-jobs\/metaflow-config: 22 keys of config.json and requirements.txt/,
  );
  const changed = answers((m) => {
    const data = (m.get(path)!.body as any).data;
    data["config.json"] = JSON.stringify({ ...JSON.parse(data["config.json"]), METAFLOW_DEFAULT_DATASTORE: "s3" });
  });
  expect(line(await checkPublishedConfig(ctxOf(changed)))).toMatch(
    /: differs from what the stack publishes: METAFLOW_DEFAULT_DATASTORE is "s3", expected "gs"$/,
  );
  const pins = answers((m) => ((m.get(path)!.body as any).data["requirements.txt"] = "metaflow==2.0.0\n"));
  expect(line(await checkPublishedConfig(ctxOf(pins)))).toMatch(/requirements.txt differs from requirements\/metaflow-client.txt$/);
  const p = plan.publishedConfig;
  const { METAFLOW_UI_URL: _u, ...fewer } = p.config;
  expect(configDifferences({ ...fewer, EXTRA: "x" }, p)).toEqual(["METAFLOW_UI_URL missing", "EXTRA is not published by the stack"]);
  const gone = answers((m) => m.delete(path));
  expect(line(await checkPublishedConfig(ctxOf(gone)))).toMatch(/^fail .*: ConfigMap metaflow-jobs\/metaflow-config not found/);
});

test("parseInfraOutputs reads `terraform output -json` and a state file's outputs, and refuses anything else", () => {
  const out = JSON.stringify({ bucket_name: { sensitive: false, type: "string", value: "b" } });
  expect(parseInfraOutputs(out, "f")).toEqual({ bucket_name: "b" });
  expect(parseInfraOutputs(FIXTURE_STATE, "f").datastore_root).toBe("gs://metaflow-cluster-test/metaflow");
  expect(() => parseInfraOutputs("[1]", "f")).toThrow("f: expected the object that `terraform output -json` prints");
  expect(() => parseInfraOutputs("{", "f")).toThrow(/^f: not JSON/);
});

test("--flow without a Metaflow client fails on its first line and skips the others", async () => {
  const results = await runFlowChecks(ctxOf(answers()), { python: "/nonexistent/python3" });
  expect(results.map((r) => `${r.status} ${r.check}`)).toEqual([
    "fail flow client",
    "skip flow run --with kubernetes",
    "skip flow run in the UI backend",
    "skip flow argo-workflows create",
    "skip flow argo-workflows trigger",
    "skip flow triggered run in the UI backend",
  ]);
  expect(results[0].message).toMatch(/^\/nonexistent\/python3 cannot import metaflow/);
});

test("an infra value neither planned nor given is left out of the comparison, and the line says so", async () => {
  const partial = verifyPlan(config, env, {
    image_cache_docker_hub: "local-docker.pkg.dev/cluster-test-project/cluster-test-docker-hub",
    secret_manager_prefix: "projects/000000000000/secrets/offline-",
  });
  expect(partial.publishedConfig.unknown).toEqual({ METAFLOW_DATASTORE_SYSROOT_GS: "datastore_root" });
  const r = await checkPublishedConfig({ ...ctxOf(answers()), plan: partial });
  expect(line(r)).toMatch(
    /^pass .*: 21 keys .*; not compared without the infra stack's outputs: METAFLOW_DATASTORE_SYSROOT_GS \(needs the infra output datastore_root\)$/,
  );
});

describe("what services.access exposes, as GKE's controllers record it on the objects", () => {
  const iapConfig = parseConfig(
    devConfig((e) => {
      e.identity = { flowRunners: ["group:ml@example.com"] };
      e.services = { access: { mode: "iap", uiHost: "metaflow.example.com", argoHost: "argo.example.com" } };
    }),
  );
  const internalConfig = parseConfig(devConfig((e) => (e.services = { access: { mode: "internal", address: "10.10.0.50" } })));
  const iapPlan = verifyPlan(iapConfig, iapConfig.environments[0], parseInfraOutputs(FIXTURE_STATE, "remote-infra.tfstate"));
  const internalPlan = verifyPlan(internalConfig, internalConfig.environments[0], parseInfraOutputs(FIXTURE_STATE, "remote-infra.tfstate"));
  const ctx = (a: Map<string, Answer>, resolved: Record<string, string[]>): VerifyContext => ({ ...ctxOf(a, resolved), plan: iapPlan });
  const ingress = (ip: string | undefined, backends: Record<string, string> | undefined) => ({
    status: 200,
    body: {
      kind: "Ingress",
      metadata: {
        name: "metaflow-ui-iap",
        namespace: "metaflow",
        annotations: backends ? { [BACKENDS_ANNOTATION]: JSON.stringify(backends) } : {},
      },
      status: { loadBalancer: ip ? { ingress: [{ ip }] } : {} },
    },
  });
  const ui = iapPlan.exposures.find((e) => e.name === "metaflow-ui-iap")!;
  const path = "/apis/networking.k8s.io/v1/namespaces/metaflow/ingresses/metaflow-ui-iap";
  const run = (answer: Answer, resolved: Record<string, string[]> = { "metaflow.example.com": ["34.1.2.3"] }) =>
    checkExposure(ctx(new Map([[path, answer]]), resolved), ui).then(line);

  test("the plan lists the stack's Ingresses, or its internal load balancers with the reserved address", () => {
    expect(iapPlan.exposures.map((e) => `${e.kind} ${e.namespace}/${e.name}`)).toEqual([
      "ingress metaflow/metaflow-ui-iap",
      "ingress argo/argo-server-iap",
    ]);
    expect(internalPlan.exposures.map((e) => `${e.kind} ${e.namespace}/${e.name} ${e.address}`).sort()).toEqual([
      "load balancer argo/argo-server-internal 10.10.0.50",
      "load balancer metaflow-events/argo-events-webhook-internal 10.10.0.50",
      "load balancer metaflow/metadata-service-internal 10.10.0.50",
      "load balancer metaflow/metaflow-ui-internal 10.10.0.50",
    ]);
    expect(plan.exposures).toEqual([]);
  });

  test("an Ingress passes with its address and every backend HEALTHY", async () => {
    expect(await run(ingress("34.1.2.3", { "k8s1-abc-metaflow-metaflow-ui-iap-8083-x": "HEALTHY" }))).toBe(
      "pass ingress metaflow/metaflow-ui-iap: address 34.1.2.3 (metaflow.example.com), 1 backend(s) HEALTHY",
    );
  });

  test("it fails while the UI's DNS name does not resolve to the load balancer, which the certificate waits for", async () => {
    const healthy = ingress("34.1.2.3", { b1: "HEALTHY" });
    expect(await run(healthy, {})).toBe(
      "fail ingress metaflow/metaflow-ui-iap: metaflow.example.com resolves to nothing, not to the load balancer's 34.1.2.3 after 0 s",
    );
    expect(await run(healthy, { "metaflow.example.com": ["203.0.113.9"] })).toMatch(/resolves to 203.0.113.9, not to/);
  });

  test("it fails without an address, or with a backend not healthy, naming what to look at", async () => {
    expect(await run(ingress(undefined, undefined))).toMatch(/^fail ingress metaflow\/metaflow-ui-iap: no address yet/);
    expect(await run(ingress("34.1.2.3", { b1: "UNHEALTHY" }))).toBe(
      "fail ingress metaflow/metaflow-ui-iap: address 34.1.2.3; backends not healthy: b1 UNHEALTHY after 0 s",
    );
    expect(await run(ingress("34.1.2.3", {}))).toMatch(/backends not healthy: none reported yet/);
  });

  test("an internal load balancer passes on its reserved address only", async () => {
    const lb = internalPlan.exposures[0];
    const svcPath = `/api/v1/namespaces/${lb.namespace}/services/${lb.name}`;
    const svc = (ip?: string) => ({ status: 200, body: { kind: "Service", status: { loadBalancer: ip ? { ingress: [{ ip }] } : {} } } });
    const check = (answer: Answer) => checkExposure({ ...ctxOf(new Map([[svcPath, answer]])), plan: internalPlan }, lb).then(line);
    expect(await check(svc("10.10.0.50"))).toMatch(/^pass .*internal address 10.10.0.50$/);
    expect(await check(svc("10.10.0.77"))).toMatch(/^fail .*got 10.10.0.77, not the reserved 10.10.0.50 after 0 s$/);
    expect(await check(svc())).toMatch(/^fail .*no address yet/);
  });
});
