// Where pods run: the platform's own on the platform pool, steps on the pools of cluster.nodePools.
import * as path from "path";
import { helmValues, resourcesOf, synthConfigFile, synthDev } from "./helpers";

const PLATFORM = { "cloud.google.com/gke-nodepool": "metaflow-dev-pool" };

/** The node selector of every pod template the services stack writes itself (Deployments and Jobs). */
function podSelectors(json: any): [string, unknown][] {
  return ["kubernetes_deployment_v1", "kubernetes_job_v1"].flatMap((type) =>
    Object.values<any>(resourcesOf(json, type)).map((r): [string, unknown] => [r.metadata.name, r.spec.template.spec.node_selector]),
  );
}

test("every pod the platform runs itself is pinned to the platform pool", () => {
  const json = synthDev().servicesJson;
  const selectors = podSelectors(json);
  expect(selectors.map(([name]) => name).sort()).toEqual(["metadata-service", "metaflow-db-migrations", "metaflow-ui-backend-service"]);
  for (const [, selector] of selectors) expect(selector).toEqual(PLATFORM);
  expect(helmValues(json, "argo-workflows").controller.nodeSelector).toEqual(PLATFORM);
  expect(helmValues(json, "argo-events").controller.nodeSelector).toEqual(PLATFORM);
  expect(helmValues(json, "jobset").controller.nodeSelector).toEqual(PLATFORM);
});

test("Autopilot places pods itself: no selector, no default pool for steps", () => {
  const json = synthDev((e) => (delete e.zone, (e.cluster = { mode: "autopilot", regional: true }))).servicesJson;
  for (const [, selector] of podSelectors(json)) expect(selector).toBeUndefined();
  expect(helmValues(json, "argo-workflows").controller.nodeSelector).toBeUndefined();
  const config = json.output.metaflow_config.value;
  expect(config.METAFLOW_KUBERNETES_NODE_SELECTOR).toBeUndefined();
  expect(config.METAFLOW_KUBERNETES_TOLERATIONS).toBeUndefined();
  expect(json.output.END_USER_SETUP.value).not.toContain("Where steps run");
});

test("without pools of their own, steps share the platform pool: no default selector", () => {
  const config = synthDev((e) => (e.cluster = { nodePools: [] })).servicesJson.output.metaflow_config.value;
  expect(config.METAFLOW_KUBERNETES_NODE_SELECTOR).toBeUndefined();
});

test("the published ConfigMap's jsonencode escapes the tolerations' quotes, so HCL reads back the JSON string", () => {
  const cm = Object.values<any>(resourcesOf(synthDev().servicesJson, "kubernetes_config_map_v1")).find(
    (c) => c.metadata.name === "metaflow-config",
  );
  expect(cm.data["config.json"]).toContain(
    '"METAFLOW_KUBERNETES_TOLERATIONS" = "[{\\"key\\":\\"metaflow-gcp/pool\\",\\"operator\\":\\"Equal\\",\\"value\\":\\"flows\\",\\"effect\\":\\"NoSchedule\\"}]"',
  );
});

test("the cluster test's options config, with a Spot and a GPU pool, is valid and synthesizes every stack", () => {
  const { written, expected } = synthConfigFile(path.join(__dirname, "..", "scripts", "cluster", "options-environments.json"));
  expect(written).toEqual(expected);
});
