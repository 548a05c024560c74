// Facts argoproj/argo-workflows v3.7.18 and argoproj/argo-helm argo-workflows-0.47.5 enforce, checked on what we
// synthesize.
import { PINS } from "../../lib/defaults";
import { CHART_COMPONENTS } from "../../verify/plan";
import { controllerConfig, helmRelease, helmValues, resourcesOf, synthDev } from "../helpers";

const json = synthDev().servicesJson;
const values = helmValues(json, "argo-workflows");
const release = helmRelease(json, "argo-workflows");

// argo-helm argo-workflows-0.47.5, Chart.yaml: appVersion v3.7.11, the last chart of the 0.47.x line (1.0.0 moves to
// Argo v4). Its CRDs (files/crds) are Argo's manifests/base/crds, which are the same at v3.7.11 and v3.7.18, and
// the images take one tag (values.yaml images.tag): a later patch release of the same line runs on this chart.
test("the images are a patch release of the chart's Argo line, set for every image", () => {
  const line = (tag: string) => tag.split(".").slice(0, 2).join(".");
  expect(PINS.argoWorkflows.chartAppVersion).toBe("v3.7.11");
  expect(line(values.images.tag)).toBe(line(PINS.argoWorkflows.chartAppVersion));
  for (const part of ["controller", "executor", "server"]) expect(values[part].image.tag).toBe(values.images.tag);
});

// argo-workflows v3.7.18, ui/src/login/login.tsx: the login page's "client authentication" box stores what is pasted,
// as it is, in the cookie `authorization`; server/auth/gatekeeper.go (getAuthHeaders) reads that cookie as it reads an
// Authorization header, and util/kubeconfig/kubeconfig.go takes a token only after the scheme "Bearer".
test("END_USER_SETUP has users paste a whole Authorization value, Bearer and token, into the client authentication box", () => {
  const text: string = json.output.END_USER_SETUP.value;
  expect(values.server.authModes).toEqual(["client"]);
  expect(text).toContain("`echo Bearer $(gcloud auth print-access-token)`");
  expect(text).toContain("client authentication box");
});

// argo-workflows v3.7.18, config/config.go (PostgreSQLConfig): the archive's keys; workflow/controller/config.go and
// util/sqldb/sqldb.go read userNameSecret/passwordSecret from the controller's own namespace. sslMode applies only
// with ssl: true.
test("the archive's settings use the upstream keys and a Secret in the release namespace", () => {
  const pg = values.controller.persistence.postgresql;
  expect(Object.keys(pg).sort()).toEqual(["database", "host", "passwordSecret", "port", "ssl", "sslMode", "tableName", "userNameSecret"]);
  expect(pg.ssl).toBe(true);
  const secret = Object.values<any>(resourcesOf(json, "kubernetes_secret_v1")).find((s) => s.metadata.name === "argo-postgres-config");
  expect(secret.metadata.namespace).toBe(release.namespace);
  expect(Object.keys(secret.data).sort()).toEqual([pg.passwordSecret.key, pg.userNameSecret.key].sort());
});

// argo-helm argo-workflows-0.47.5, templates/controller/workflow-controller-config-map.yaml renders the controller's
// `config` from the values, when controller.configMap.create (the deployment's --configmap names it by
// controller.configMap.name either way, templates/_helpers.tpl). The stack owns that ConfigMap instead; for every key
// of the template, the value the chart would have rendered from our values (and the defaults of its values.yaml,
// where we set nothing) must be the value in ours. `undefined`: the chart leaves the key out. `from`: the value paths
// the template reads for it, which our values must leave at the chart's default for that to hold.
type Row = [key: string, from: string[], expected: (values: any, bucket: string) => unknown];
const CHART_CONFIG: Row[] = [
  ["instanceID", ["controller.instanceID"], () => undefined], // only with instanceID.enabled (default false)
  ["parallelism", ["controller.parallelism"], () => undefined], // default unset
  ["resourceRateLimit", ["controller.resourceRateLimit"], () => undefined], // default {}
  ["namespaceParallelism", ["controller.namespaceParallelism"], () => undefined],
  ["initialDelay", ["controller.initialDelay"], () => undefined],
  ["mainContainer", ["mainContainer"], () => undefined], // only with its resources, env, envFrom or securityContext
  ["executor", ["executor.resources", "executor.args", "executor.env", "executor.securityContext"], () => undefined],
  // archiveLogs only when true; gcs is `tpl (toYaml .)`, which turns the escaped `{{ "{{" }}` we used to pass into
  // Argo's own {{workflow.name}}/{{pod.name}} placeholders: the ConfigMap holds those directly.
  [
    "artifactRepository",
    ["artifactRepository", "customArtifactRepository"],
    (_v, bucket) => ({ gcs: { bucket, keyFormat: "argo-artifacts/{{workflow.name}}/{{pod.name}}" } }),
  ],
  ["metricsConfig", ["controller.metricsConfig"], () => undefined], // enabled: false by default
  ["telemetryConfig", ["controller.telemetryConfig"], () => undefined],
  // toYaml of controller.persistence when it is not empty (we still pass it: the chart's ClusterRoles read it).
  ["persistence", [], (v) => (Object.keys(v.controller.persistence).length > 0 ? v.controller.persistence : undefined)],
  // toYaml of controller.workflowDefaults when set: the stack sets it, and the ConfigMap holds the same.
  ["workflowDefaults", [], (v) => v.controller.workflowDefaults],
  ["sso", ["server.sso"], () => undefined], // server.sso.enabled: false
  ["synchronization", ["controller.synchronization"], () => undefined],
  ["workflowRestrictions", ["controller.workflowRestrictions"], () => undefined],
  ["links", ["controller.links"], () => undefined],
  ["columns", ["controller.columns"], () => undefined],
  ["navColor", ["controller.navColor"], () => undefined],
  ["retentionPolicy", ["controller.retentionPolicy"], () => undefined],
  ["images", ["emissary.images"], () => undefined],
  // Always rendered, from controller.nodeEvents.enabled / workflowEvents.enabled (values.yaml: true).
  ["nodeEvents", ["controller.nodeEvents"], () => ({ enabled: true })],
  ["workflowEvents", ["controller.workflowEvents"], () => ({ enabled: true })],
  ["kubeConfig", ["controller.kubeConfig"], () => undefined],
  ["podGCGracePeriodSeconds", ["controller.podGCGracePeriodSeconds"], () => undefined],
  ["podGCDeleteDelayDuration", ["controller.podGCDeleteDelayDuration"], () => undefined],
];
const at = (obj: any, dotted: string) => dotted.split(".").reduce((o, k) => o?.[k], obj);

describe.each([
  ["with the workflow archive (dev)", json],
  ["without it", synthDev((e) => (e.services = { argoWorkflowArchive: false })).servicesJson],
])("the controller ConfigMap, %s, is what the chart would render from our values", (_name, stackJson) => {
  const ours = controllerConfig(stackJson);
  const chartValues = helmValues(stackJson, "argo-workflows");
  const bucket = "${data.terraform_remote_state.infra.outputs.bucket_name}";

  test.each(CHART_CONFIG)("%s", (key, from, expected) => {
    for (const path of from) expect([path, at(chartValues, path)]).toEqual([path, undefined]);
    expect(ours[key]).toEqual(expected(chartValues, bucket));
  });

  test("and holds no key the chart's template does not render", () => {
    expect(Object.keys(ours).filter((k) => !CHART_CONFIG.some(([key]) => key === k))).toEqual([]);
    expect(chartValues.controller.configMap).toEqual({ create: false, name: "argo-workflows-workflow-controller-configmap" });
  });
});

// argo-workflows v3.7.18, config/config.go (Config.WorkflowDefaults, json "workflowDefaults"): a Workflow merged onto
// every Workflow the controller runs, the Workflow's own values first (workflow/controller/controller.go,
// setWorkflowDefaults); workflow/controller/workflowpod.go gives a pod its template's serviceAccountName, else the
// Workflow spec's. Metaflow's `resource: create` template of a @parallel step names none (Netflix/metaflow 2.19.39,
// plugins/argo/argo_workflows.py), so without this default it runs as the jobs namespace's `default` KSA.
test("workflows default to the jobs' KSA, the one that may create JobSets", () => {
  const defaults = controllerConfig(json).workflowDefaults;
  expect(Object.keys(defaults)).toEqual(["spec"]);
  expect(Object.keys(defaults.spec)).toEqual(["serviceAccountName", "nodeSelector", "tolerations"]);
  // A reference to the KSA resource: the one whose name Metaflow is told (METAFLOW_KUBERNETES_SERVICE_ACCOUNT).
  const ksaKey = /^\$\{kubernetes_service_account_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(defaults.spec.serviceAccountName)![1];
  expect(resourcesOf(json, "kubernetes_service_account_v1")[ksaKey].metadata.name).toBe(
    json.output.METAFLOW_KUBERNETES_SERVICE_ACCOUNT.value,
  );
  const role = Object.values<any>(resourcesOf(json, "kubernetes_role_v1")).find((r) => r.metadata.name === "metaflow-jobsets");
  const binding = Object.values<any>(resourcesOf(json, "kubernetes_role_binding_v1")).find((r) => r.metadata.name === "metaflow-jobsets");
  expect(role.rule.flatMap((r: any) => r.resources)).toEqual(["jobsets"]);
  expect(binding.subject).toEqual([
    {
      kind: "ServiceAccount",
      name: defaults.spec.serviceAccountName,
      namespace: `\${kubernetes_service_account_v1.${ksaKey}.metadata[0].namespace}`,
    },
  ]);
});

// argo-helm argo-workflows-0.47.5, templates/controller/workflow-{sa,rb}.yaml: with workflow.serviceAccount.create
// and workflow.rbac.create false, controller.workflowNamespaces and workflow.serviceAccount.name do nothing.
test("no chart value is set that the chart ignores", () => {
  expect(values.workflow).toEqual({ serviceAccount: { create: false }, rbac: { create: false } });
  expect(values.controller.workflowNamespaces).toBeUndefined();
});

// argo-workflows v3.7.18, docs/workflow-rbac.md (executor, emissary): a workflow pod's service account needs only
// create and patch on workflowtaskresults.
test("the workflow pods' service account holds exactly the executor's rights", () => {
  const role = Object.values<any>(resourcesOf(json, "kubernetes_role_v1")).find((r) => r.metadata.name === "argo-workflow-executor");
  expect(role.rule).toEqual([{ api_groups: ["argoproj.io"], resources: ["workflowtaskresults"], verbs: ["create", "patch"] }]);
  expect(role.metadata.namespace).toBe(json.output.METAFLOW_KUBERNETES_NAMESPACE.value);
});

// argo-helm argo-workflows-0.47.5, templates/server/server-service.yaml and server-deployment.yaml: the server's
// Service is "<fullname>-server" on port 2746, and authModes become --auth-mode flags.
test("the Argo Server is the Service END_USER_SETUP forwards to, on 2746, in client auth mode", () => {
  expect(values.fullnameOverride).toBe("argo-workflows");
  expect(json.output.END_USER_SETUP.value).toContain(`kubectl -n ${release.namespace} port-forward svc/argo-workflows-server 2746:2746`);
  expect(values.server.authModes).toEqual(["client"]);
  expect(values.server.secure).toBe(false);
});

// argo-workflows v3.7.11, pkg/apis/workflow/v1alpha1/cron_workflow_types.go: `schedules` (a list) is read "v3.6 and
// after" and `schedule` is "Deprecated, use Schedules"; workflow/validate/validate.go refuses a CronWorkflow with both.
// v4.0.10: cron_workflow_types.go has no `schedule` field left, and docs/deprecations.md lists "cronworkflow schedule"
// under "Removed features". Metaflow writes `schedules` alone when METAFLOW_ARGO_WORKFLOWS_USE_SCHEDULES is true.
test("Metaflow is told to write CronWorkflow `schedules`, which the pinned Argo reads and Argo 4 still has", () => {
  expect(json.output.metaflow_config.value.METAFLOW_ARGO_WORKFLOWS_USE_SCHEDULES).toBe("true");
  const [major, minor] = /^v(\d+)\.(\d+)\./.exec(values.images.tag)!.slice(1).map(Number);
  expect(major > 3 || (major === 3 && minor >= 6)).toBe(true);
});

// argo-helm argo-workflows-0.47.5, templates/_helpers.tpl (argo-workflows.labels, argo-workflows.selectorLabels) and
// templates/{controller/workflow-controller,server/server}-deployment.yaml: each Deployment is labelled
// app.kubernetes.io/instance=<release> and app.kubernetes.io/component=<controller.name | server.name>, whose
// values.yaml defaults are workflow-controller and server. `npm run verify` finds the two Deployments by these labels.
test("npm run verify finds the controller and the server by the chart's labels, whose names our values keep", () => {
  expect(values.controller.name).toBeUndefined();
  expect(values.server.name).toBeUndefined();
  expect(CHART_COMPONENTS[release.chart]).toEqual(["workflow-controller", "server"]);
});

// argo-helm argo-workflows-0.47.5, templates/controller/workflow-controller-deployment.yaml and
// templates/server/server-deployment.yaml: `with .Values.controller.nodeSelector` / `.Values.server.nodeSelector`
// render the pods' nodeSelector (values.yaml defaults both to `kubernetes.io/os: linux`, which Helm merges with ours).
test("the controller and the server run on the platform pool, through the chart's nodeSelector values", () => {
  for (const part of ["controller", "server"]) {
    expect(values[part].nodeSelector).toEqual({ "cloud.google.com/gke-nodepool": "metaflow-dev-pool" });
  }
});

// argo-helm argo-workflows-0.47.5, templates/server/server-service.yaml selects the server's pods with
// templates/_helpers.tpl argo-workflows.selectorLabels: `app.kubernetes.io/name: <name>-server` (name: the chart's,
// unless nameOverride; fullnameOverride does not change it) and `app.kubernetes.io/instance: <release>`; values.yaml
// server.name "server", serviceTargetPort 2746; templates/server/server-deployment.yaml's readiness probe is GET / on
// 2746. services.access exposes the Argo UI through a Service of ours that must select the same pods.
test("the Argo UI's exposing Service selects the server's pods by the chart's selector labels, on its port", () => {
  const internal = synthDev((e) => (e.services = { access: { mode: "internal", address: "10.10.0.50" } })).servicesJson;
  const v = helmValues(internal, "argo-workflows");
  expect(v.nameOverride).toBeUndefined();
  expect(v.server.name).toBeUndefined();
  const lb = Object.values<any>(internal.resource.kubernetes_service_v1).find((s) => s.metadata.name === "argo-server-internal");
  expect(lb.spec.selector).toEqual({
    "app.kubernetes.io/name": "argo-workflows-server",
    "app.kubernetes.io/instance": helmRelease(internal, "argo-workflows").name,
  });
  expect(lb.metadata.namespace).toBe(helmRelease(internal, "argo-workflows").namespace);
  expect([lb.spec.port[0].port, lb.spec.port[0].target_port]).toEqual([2746, "2746"]);
});

// argo-workflows v3.7.18, workflow/controller/workflowpod.go: a pod gets its template's nodeSelector, else the
// Workflow spec's (after workflowDefaults are merged in), and the same for tolerations. Metaflow 2.19.39
// (plugins/argo/argo_workflows.py) gives each step's template the step's node selector and tolerations (from
// METAFLOW_KUBERNETES_NODE_SELECTOR / _TOLERATIONS when the step names none), and its exit hook template
// error-msg-capture-hook (run by onExit when the workflow does not succeed) none: the defaults are where that pod goes.
describe("a workflow's templates without a place of their own go to the default pool of the flows", () => {
  const config: Record<string, string> = json.output.metaflow_config.value;
  test("the controller's defaults are the default pool's selector and tolerations, as config.json gives steps", () => {
    const spec = controllerConfig(json).workflowDefaults.spec;
    const [key, value] = config.METAFLOW_KUBERNETES_NODE_SELECTOR.split("=");
    expect(spec.nodeSelector).toEqual({ [key]: value });
    expect(spec.tolerations).toEqual(JSON.parse(config.METAFLOW_KUBERNETES_TOLERATIONS));
  });

  test("none on Autopilot, which has no pools of ours", () => {
    const autopilot = synthDev((e) => {
      delete e.zone;
      e.cluster = { mode: "autopilot", regional: true };
    }).servicesJson;
    expect(Object.keys(controllerConfig(autopilot).workflowDefaults.spec)).toEqual(["serviceAccountName"]);
  });
});
