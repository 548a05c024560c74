// Facts the Metaflow client (Netflix/metaflow 2.19.39, the release requirements/metaflow-client.txt pins) relies on,
// checked on what we synthesize and publish.
import { FLOW_RUNNER_EVENTS_RULES, FLOW_RUNNER_RULES } from "../../constructs/flow-runner-access";
import { metaflowClientRequirements } from "../../lib/metaflow-client";
import { FLOW_ARGS } from "../../verify/flow";
import { METAFLOW_KEYS } from "../../lib/metaflow-outputs";
import { parseImageRef } from "../../lib/image-refs";
import { CACHES, resourcesOf, synthDev, upstreamImage, withMlPools } from "../helpers";

const json = synthDev().servicesJson;
const config: Record<string, string> = json.output.metaflow_config.value;

test("the published client is the Metaflow release these facts were read from, with every package pinned", () => {
  const lines = metaflowClientRequirements()
    .split("\n")
    .filter((l) => l && !l.startsWith("#"));
  expect(lines).toContain("metaflow==2.19.39");
  for (const l of lines) expect(l).toMatch(/^[A-Za-z0-9._-]+==[A-Za-z0-9.+_-]+$/);
  // kubernetes 37.0.2 needs python-dateutil>=3, which no botocore accepts: pip would backtrack without end.
  expect(lines).toContain("kubernetes==37.0.1");
  expect(lines.find((l) => l.startsWith("python-dateutil=="))).toMatch(/==2\./);
});

// metaflow 2.19.39, metaflow/metaflow_config.py: from_conf("X") reads METAFLOW_X from the environment or
// $METAFLOW_HOME/config.json (default ~/.metaflowconfig). Every key of METAFLOW_KEYS (lib/metaflow-outputs.ts) was
// read there as one it reads: a new row, or a new Metaflow pin, means reading it again.
test("every key of config.json is a row of METAFLOW_KEYS, a setting metaflow_config.py reads", () => {
  expect(Object.keys(config).filter((k) => !(k in METAFLOW_KEYS))).toEqual([]);
  for (const key of Object.keys(METAFLOW_KEYS)) expect(key).toMatch(/^METAFLOW_[A-Z0-9_]+$/);
});

/**
 * metaflow 2.19.39, plugins/kubernetes/kubernetes_decorator.py (step_init): a step with no image gets
 * KUBERNETES_CONTAINER_IMAGE or, unset, "python:<major>.<minor>" of the interpreter that launches the flow; then, when
 * plugins/aws/aws_utils.py get_docker_registry finds no registry in the image (a first component holding "." or ":"
 * before a "/"), the image becomes "<KUBERNETES_CONTAINER_REGISTRY, trailing / removed>/<image>". Argo Workflows steps
 * take the same decorator's image.
 */
function metaflowStepImage(image: string | undefined, python: string, cfg: Record<string, string>): string {
  const chosen = image || cfg.METAFLOW_KUBERNETES_CONTAINER_IMAGE || `python:${python}`;
  const registry = /^(.+?(?:[:.].+?)\/)?(.*?)(?:[@:])?((?<=[@:]).*)?$/.exec(chosen)![1];
  const prefix = cfg.METAFLOW_KUBERNETES_CONTAINER_REGISTRY;
  return !registry && prefix ? `${prefix.replace(/\/+$/, "")}/${chosen}` : chosen;
}

test("Metaflow's default python image and other Docker Hub images come through the Docker Hub cache; registry images are left alone", () => {
  expect(config.METAFLOW_KUBERNETES_CONTAINER_REGISTRY).toBe(CACHES.dockerHub);
  // No fixed default image: the python version keeps following the user's interpreter.
  expect(config.METAFLOW_KUBERNETES_CONTAINER_IMAGE).toBeUndefined();
  expect(metaflowStepImage(undefined, "3.11", config)).toBe(`${CACHES.dockerHub}/python:3.11`);
  expect(metaflowStepImage("pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", "3.12", config)).toBe(
    `${CACHES.dockerHub}/pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime`,
  );
  for (const own of ["us-central1-docker.pkg.dev/acme/ml/trainer:1.0", "ghcr.io/acme/trainer:1.0", "quay.io/acme/trainer:1.0"]) {
    expect(metaflowStepImage(own, "3.11", config)).toBe(own);
  }
  // Each is the upstream Docker Hub repository, read as Docker reads it: python:3.11 is library/python.
  expect(parseImageRef(upstreamImage(metaflowStepImage(undefined, "3.11", config)))).toEqual(parseImageRef("python:3.11"));
  // Without the caches the setting is not published, and Metaflow pulls from Docker Hub as before.
  const off = synthDev((e) => (e.imageCache = { enabled: false })).servicesJson.output.metaflow_config.value;
  expect(off.METAFLOW_KUBERNETES_CONTAINER_REGISTRY).toBeUndefined();
  expect(metaflowStepImage(undefined, "3.11", off)).toBe("python:3.11");
});

// metaflow 2.19.39, plugins/argo/argo_workflows.py: WorkflowTemplates, CronWorkflows and Workflows go to
// KUBERNETES_NAMESPACE and run as KUBERNETES_SERVICE_ACCOUNT (_compile_workflow_template, schedule, trigger).
// Sensors go to ARGO_EVENTS_SENSOR_NAMESPACE (metaflow_config.py: defaults to KUBERNETES_NAMESPACE) and run as
// ARGO_EVENTS_SERVICE_ACCOUNT, a name their pods look up in the sensor's own namespace (_compile_sensor:
// service_account_name). Their trigger is a k8s "create" of a Workflow whose metadata.namespace is
// KUBERNETES_NAMESPACE, so the Workflow lands beside its template and the jobs' KSA, not beside the sensor
// (argo-events v1.9.10, pkg/sensors/triggers/standard-k8s/standard-k8s.go: the resource's own namespace, the
// sensor's only when it names none).
test("templates and the sensors' workflows land in the jobs namespace; sensors and their account in the events namespace", () => {
  const jobs = config.METAFLOW_KUBERNETES_NAMESPACE;
  const events = config.METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE;
  expect(events).not.toBe(jobs);
  const sas = Object.values<any>(json.resource.kubernetes_service_account_v1);
  const sa = (name: string, ns: string) => sas.some((x) => x.metadata.name === name && x.metadata.namespace === ns);
  expect(sa(config.METAFLOW_KUBERNETES_SERVICE_ACCOUNT, jobs)).toBe(true);
  expect(sa(config.METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT, events)).toBe(true);
  // The sensors' account may create Workflows where the trigger puts them.
  const role = Object.values<any>(json.resource.kubernetes_role_v1).find((r) => r.metadata.name === "operate-workflow");
  expect(role.metadata.namespace).toBe(jobs);
});

// metaflow 2.19.39, metaflow/metaflow_config.py: ARGO_WORKFLOWS_USE_SCHEDULES = from_conf(..., False), and
// metaflow_config_funcs.py (from_conf): a string value for a bool default is true unless "0", "false" or "".
// plugins/argo/argo_client.py (schedule_workflow_template): when true, a CronWorkflow carries the list `schedules`,
// otherwise the single `schedule` that Argo Workflows 4 no longer has (see the argo-workflows contract test).
test("config.json turns on CronWorkflow `schedules`, as a string from_conf reads as true", () => {
  const value = config.METAFLOW_ARGO_WORKFLOWS_USE_SCHEDULES;
  expect(typeof value).toBe("string");
  expect(["0", "false", ""]).not.toContain(value.toLowerCase());
});

/**
 * metaflow 2.19.39: every Kubernetes API call the client makes as the user.
 * plugins/kubernetes/kubernetes_job.py (execute: create job; _fetch_job: get; kill: patch, or delete in "delete"
 * terminate mode; _fetch_pod: list pods; kill: exec /sbin/killall5), kubernetes_client.py (_find_active_pods, kill_pods),
 * kubernetes_jobsets.py (create, get, delete jobsets), plugins/argo/argo_client.py (workflow templates, cron
 * workflows and sensors: get, list, create, replace = update, delete; workflows: get, create, patch for
 * suspend/resume/terminate).
 */
const CALLS: [string, string, string][] = [
  ["batch", "jobs", "create"],
  ["batch", "jobs", "get"],
  ["batch", "jobs", "patch"],
  ["batch", "jobs", "delete"],
  ["", "pods", "list"],
  ["", "pods/exec", "create"],
  ["", "pods/exec", "get"],
  ["jobset.x-k8s.io", "jobsets", "create"],
  ["jobset.x-k8s.io", "jobsets", "get"],
  ["jobset.x-k8s.io", "jobsets", "delete"],
  ...["workflowtemplates", "cronworkflows"].flatMap((r) =>
    ["get", "list", "create", "update", "delete"].map((v): [string, string, string] => ["argoproj.io", r, v]),
  ),
  ["argoproj.io", "workflows", "get"],
  ["argoproj.io", "workflows", "create"],
  ["argoproj.io", "workflows", "patch"],
  // argo_workflows.py (cleanup_previous_sensors, delete): a flow's sensor is deleted in the namespace its template's
  // annotation names, or in KUBERNETES_NAMESPACE when there is none (every flow without @trigger); a 404 is fine.
  ["argoproj.io", "sensors", "delete"],
];

/** argo_client.py (register_sensor, delete_sensor) in ARGO_EVENTS_SENSOR_NAMESPACE: get, create, replace, delete. */
const SENSOR_CALLS: [string, string, string][] = ["get", "list", "create", "update", "delete"].map((v) => ["argoproj.io", "sensors", v]);

const allows = (rules: typeof FLOW_RUNNER_RULES, [group, resource, verb]: [string, string, string]) =>
  rules.some((r) => r.apiGroups?.includes(group) && r.resources?.includes(resource) && r.verbs.includes(verb));

test.each(CALLS)("the jobs namespace's flow-runner Role allows %s/%s %s", (...call) => {
  expect(allows(FLOW_RUNNER_RULES, call)).toBe(true);
});

test.each(SENSOR_CALLS)("the events namespace's flow-runner Role allows %s/%s %s", (...call) => {
  expect(allows(FLOW_RUNNER_EVENTS_RULES, call)).toBe(true);
});

// metaflow 2.19.39, plugins/gcp/gs_storage_client_factory.py: google.auth.default() - Application Default
// Credentials, or the credential file GOOGLE_APPLICATION_CREDENTIALS names. Metaflow adds no setting of its own.
// google-auth 2.63.0 (the pinned client's), google/auth/_default.py: the files it reads include the types
// "impersonated_service_account" (what `gcloud auth application-default login --impersonate-service-account`
// writes) and "external_account" (a Workload Identity Federation credential configuration), so keyless CI works.
// plugins/kubernetes/kubernetes_client.py: kubernetes.config.load_kube_config(), the kubeconfig get-credentials writes.
test("END_USER_SETUP sets up both credentials Metaflow reads, keyless: ADC for the datastore and a kubeconfig", () => {
  const text: string = json.output.END_USER_SETUP.value;
  expect(text).toContain("gcloud auth application-default login");
  expect(text).toContain("gcloud container clusters get-credentials");
  const impersonated: string = synthDev((e) => (e.identity = { impersonators: ["serviceAccount:ci@p.iam.gserviceaccount.com"] }))
    .servicesJson.output.END_USER_SETUP.value;
  expect(impersonated).toContain("gcloud auth application-default login --impersonate-service-account");
  expect(impersonated).toContain("GOOGLE_APPLICATION_CREDENTIALS (gcloud iam workload-identity-pools create-cred-config");
});

// metaflow 2.19.39, plugins/__init__.py (SECRETS_PROVIDERS_DESC) registers GcpSecretManagerSecretsProvider, whose TYPE is
// "gcp-secret-manager" (plugins/gcp/gcp_secret_manager_secrets_provider.py); plugins/secrets/secrets_spec.py: a source
// with no "<type>." goes to DEFAULT_SECRETS_BACKEND_TYPE, and plugins/secrets/utils.py raises when that is unset.
// plugins/kubernetes/kubernetes.py (create_job_object, create_jobset) and plugins/argo/argo_workflows.py
// (_container_templates) pass DEFAULT_SECRETS_BACKEND_TYPE and GCP_SECRET_MANAGER_PREFIX on to every step's pod, so
// publishing them in config.json is all the pods need.
test('config.json sends @secrets sources without a type to Secret Manager, so @secrets(sources=["db-password"]) works', () => {
  expect(config.METAFLOW_DEFAULT_SECRETS_BACKEND_TYPE).toBe("gcp-secret-manager");
  expect(config.METAFLOW_GCP_SECRET_MANAGER_PREFIX).toBe("${data.terraform_remote_state.infra.outputs.secret_manager_prefix}");
});

/**
 * metaflow 2.19.39, plugins/gcp/gcp_secret_manager_secrets_provider.py (get_secret_as_dict): an id matching
 * `^([\w\-]+)(/versions/[\w\-]+)?$` is read as GCP_SECRET_MANAGER_PREFIX + id, plus "/versions/latest" when it names no
 * version: the prefix is concatenated as it is, unchecked. The variable is named after the id, "-", "." and "/" as "_".
 */
function metaflowSecretVersion(id: string, prefix: string): { name: string; envVar: string } {
  const m = /^([\w-]+)(\/versions\/[\w-]+)?$/.exec(id);
  if (!m) throw new Error(`not a simple secret id: ${id}`);
  return { name: m[2] ? `${prefix}${id}` : `${prefix}${id}/versions/latest`, envVar: m[1].replace(/[-./]/g, "_") };
}

test("the published prefix makes every source a version name under the environment's prefix, which the service account may read", () => {
  const number = "123456789012";
  const infraJson = synthDev().infraJson;
  const prefix = String(infraJson.output.secret_manager_prefix.value).replace(/\$\{data\.google_project\.project\.number\}/, number);
  expect(prefix).toBe(`projects/${number}/secrets/metaflow-dev-`);
  const { name, envVar } = metaflowSecretVersion("db-password", prefix);
  // The provider's own form of a full name (project NUMBER, secret id, version), which Secret Manager serves.
  expect(name).toMatch(/^projects\/\d+\/secrets\/([\w-]+)(\/versions\/([\w-]+))?$/);
  expect(name).toBe(`projects/${number}/secrets/metaflow-dev-db-password/versions/latest`);
  expect(envVar).toBe("db_password");
  // The Metaflow service account's accessor grant covers exactly the names under the prefix.
  const accessor = Object.values<any>(resourcesOf(infraJson, "google_project_iam_member")).find(
    (g) => g.role === "roles/secretmanager.secretAccessor" && /identity_service-account/.test(g.member),
  );
  const [, covered] = /^resource\.name\.startsWith\("(.+)"\)$/.exec(accessor.condition.expression)!;
  const filled = covered.replace(/\$\{data\.google_project\.project\.number\}/, number);
  expect(name.startsWith(filled)).toBe(true);
  expect(metaflowSecretVersion("db-password/versions/3", prefix).name.startsWith(filled)).toBe(true);
  expect(`projects/${number}/secrets/metaflow-prod-db-password/versions/latest`.startsWith(filled)).toBe(false);
  // END_USER_SETUP creates the secret the source reads, and reads it back under the provider's variable name.
  const text: string = json.output.END_USER_SETUP.value;
  expect(text).toContain("gcloud secrets create metaflow-dev-db-password --data-file=-");
  expect(text).toContain(`@secrets(sources=["db-password"]) on a step, which then reads os.environ["${envVar}"]`);
});

// metaflow 2.19.39, metaflow/cli.py (start: --pylint/--no-pylint), metaflow/cli_components/run_cmds.py
// (common_runner_options: --run-id-file; run: --with), metaflow/plugins/argo/argo_workflows_cli.py (create; trigger:
// --run-id-file): the options `npm run verify --flow` passes, each writing the run's id where verify reads it.
test("npm run verify --flow runs the hello flow with options the pinned client has", () => {
  expect(metaflowClientRequirements()).toContain("metaflow==2.19.39\n");
  expect(FLOW_ARGS.top).toEqual(["--no-pylint"]);
  expect(FLOW_ARGS.run("f")).toEqual(["run", "--with", "kubernetes", "--run-id-file", "f"]);
  expect(FLOW_ARGS.create()).toEqual(["argo-workflows", "create"]);
  expect(FLOW_ARGS.trigger("f")).toEqual(["argo-workflows", "trigger", "--run-id-file", "f"]);
});

/**
 * metaflow 2.19.39, metaflow/plugins/kubernetes/kubernetes_decorator.py (init): a step whose node_selector is empty
 * takes KUBERNETES_NODE_SELECTOR, a string split on "," into items that plugins/kubernetes/kube_utils.py
 * (parse_kube_keyvalue_list) splits at the first "=", a value required and no key twice; a step whose tolerations are
 * empty takes json.loads(KUBERNETES_TOLERATIONS), each a dict of V1Toleration attributes (key, operator, value,
 * effect, toleration_seconds), which kubernetes_job.py passes as V1Toleration(**t). A step's own values replace these.
 */
function metaflowDefaults(cfg: Record<string, string>) {
  const nodeSelector = Object.fromEntries(
    cfg.METAFLOW_KUBERNETES_NODE_SELECTOR.split(",").map((item) => {
      const at = item.indexOf("=");
      if (at < 0) throw new Error(`no value in ${item}`);
      return [item.slice(0, at), item.slice(at + 1)];
    }),
  );
  const tolerations: Record<string, string>[] = JSON.parse(cfg.METAFLOW_KUBERNETES_TOLERATIONS);
  return { nodeSelector, tolerations };
}

test("a step with no node selector of its own goes to the default pool, tolerating its taints, in the forms Metaflow parses", () => {
  const { nodeSelector, tolerations } = metaflowDefaults(config);
  expect(nodeSelector).toEqual({ "cloud.google.com/gke-nodepool": "metaflow-dev-flows" });
  expect(tolerations).toEqual([{ key: "metaflow-gcp/pool", operator: "Equal", value: "flows", effect: "NoSchedule" }]);
  for (const t of tolerations)
    for (const key of Object.keys(t)) expect(["key", "operator", "value", "effect", "toleration_seconds"]).toContain(key);
});

test("END_USER_SETUP gives each pool's step the whole selector and tolerations, since a step's own replace the defaults", () => {
  const ml = synthDev(withMlPools).servicesJson.output;
  const text: string = ml.END_USER_SETUP.value;
  const cfg: Record<string, string> = ml.metaflow_config.value;
  expect(metaflowDefaults(cfg).nodeSelector).toEqual({ "cloud.google.com/gke-nodepool": "metaflow-dev-flows" });
  expect(text).toContain(
    '@kubernetes(node_selector="cloud.google.com/gke-nodepool=metaflow-dev-spot", tolerations=[{"key": "cloud.google.com/gke-spot", "operator": "Equal", "value": "true", "effect": "NoSchedule"}])',
  );
  // The GPU taint is tolerated through admission for pods that request nvidia.com/gpu (gpu=1 sets that limit).
  expect(text).toContain('@kubernetes(gpu=1, node_selector="cloud.google.com/gke-nodepool=metaflow-dev-gpu")');
  expect(text).toMatch(/gpu: n1-standard-4, 1 x nvidia-tesla-t4; costs nothing when idle: it scales to zero/);
});

// metaflow 2.19.39, metaflow/metaflow_config.py: SERVICE_HEADERS = from_conf("SERVICE_HEADERS", {}), read once when
// the module loads, SERVICE_AUTH_KEY added to it as `x-api-key`; plugins/metadata_providers/service.py sends a copy
// of that dict with every request and refreshes nothing. IAP's programmatic access needs an OIDC token that expires
// within the hour (and Google's own OAuth client allows none), so behind IAP a long run would fail: in "iap" access
// the client keeps the port-forward to the metadata service, and config.json carries no header or key.
test("in iap access the Metaflow client reaches the metadata service through its port-forward, with no header to refresh", () => {
  const iap = synthDev((e) => {
    e.identity = { flowRunners: ["group:ml@example.com"] };
    e.services = { access: { mode: "iap", uiHost: "metaflow.example.com", argoHost: "argo.example.com" } };
  }).servicesJson;
  const published: Record<string, string> = iap.output.metaflow_config.value;
  expect(published.METAFLOW_SERVICE_URL).toBe("http://localhost:8080");
  expect(Object.keys(published)).not.toContain("METAFLOW_SERVICE_HEADERS");
  expect(Object.keys(published)).not.toContain("METAFLOW_SERVICE_AUTH_KEY");
  expect(iap.output.END_USER_SETUP.value).toMatch(/port-forward svc\/metadata-service 8080:8080/);
});
