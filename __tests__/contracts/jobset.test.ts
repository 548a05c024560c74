// Facts kubernetes-sigs/jobset v0.12.0 (commit f22e565a) and Netflix/metaflow 2.19.39 enforce, checked on what we
// synthesize.
import { JOBSET_WEBHOOK_PORT, PINS } from "../../lib/defaults";
import { CHART_COMPONENTS } from "../../verify/plan";
import { helmRelease, helmValues, resourcesOf, synthDev } from "../helpers";

const { infraJson, servicesJson } = synthDev();
const values = helmValues(servicesJson, "jobset");
const release = helmRelease(servicesJson, "jobset");

// jobset v0.12.0, charts/jobset/README.md and site/content/en/docs/installation: the chart is published as
// oci://registry.k8s.io/jobset/charts/jobset, version 0.12.0 (the git tag's Chart.yaml has `version: 0.12.0`).
test("the chart comes from the project's OCI registry at the release's version", () => {
  expect(release.repository).toBe("oci://registry.k8s.io/jobset/charts");
  expect(release.chart).toBe("jobset");
  expect(release.version).toBe("0.12.0");
});

// jobset v0.12.0, charts/jobset/values.yaml: image.repository is the staging registry and image.tag the floating
// `main`; templates/controller/deployment.yaml renders "<image.repository>:<image.tag>". hack/helm-chart-package.sh
// publishes the release image as registry.k8s.io/jobset/jobset:<git tag>.
test("the controller runs the release image, set explicitly, never the chart's staging default", () => {
  expect(`${values.image.repository}:${values.image.tag}`).toBe(PINS.jobset.image);
  expect(values.image.repository).toBe("registry.k8s.io/jobset/jobset");
  expect(values.image.tag).toBe(`v${PINS.jobset.chartVersion}`);
  expect(values.image.repository).not.toMatch(/staging/);
});

// jobset v0.12.0, charts/jobset/crds/jobset.x-k8s.io_jobsets.yaml: group jobset.x-k8s.io, plural jobsets, the single
// version v1alpha2 (served, storage). Netflix/metaflow 2.19.39, metaflow/metaflow_config.py: KUBERNETES_JOBSET_GROUP
// and KUBERNETES_JOBSET_VERSION default to the same, so the users' config carries neither key.
test("Metaflow's JobSet group and version defaults are what the chart's CRD serves, and are not overridden", () => {
  const published = Object.keys(servicesJson.output.metaflow_config.value);
  expect(published.filter((k) => k.startsWith("METAFLOW_KUBERNETES_JOBSET_"))).toEqual([]);
  const role = Object.values<any>(resourcesOf(servicesJson, "kubernetes_role_v1")).find((r) => r.metadata.name === "metaflow-jobsets");
  expect(role.rule[0].api_groups).toEqual(["jobset.x-k8s.io"]);
});

// jobset v0.12.0, charts/jobset/templates/controller/deployment.yaml: containerPort `webhook` 9443 (fixed); the
// webhook Service's targetPort is `webhook` (templates/webhook/service.yaml); templates/webhook/manifests.yaml sets no
// failurePolicy, so admissionregistration/v1's default Fail applies. GKE's rule for private clusters opens only 443 and
// 10250 from the control plane (cloud.google.com/kubernetes-engine/docs/concepts/firewall-rules).
test("the infra stack opens the webhook port from the control plane to the nodes", () => {
  expect(JOBSET_WEBHOOK_PORT).toBe(9443);
  const rules = Object.values<any>(resourcesOf(infraJson, "google_compute_firewall"));
  expect(rules).toHaveLength(1);
  expect(rules[0].allow).toEqual([{ protocol: "tcp", ports: [String(JOBSET_WEBHOOK_PORT)] }]);
  const cluster = Object.values<any>(resourcesOf(infraJson, "google_container_cluster"))[0];
  expect(rules[0].source_ranges).toEqual([cluster.private_cluster_config.master_ipv4_cidr_block]);
  const [nodeSa] = Object.entries<any>(resourcesOf(infraJson, "google_service_account")).find(([, sa]) => /-nodes$/.test(sa.account_id))!;
  expect(rules[0].target_service_accounts).toEqual([`\${google_service_account.${nodeSa}.email}`]);
});

// jobset v0.12.0, charts/jobset/templates/controller/deployment.yaml: `with .Values.controller.nodeSelector` renders
// the controller pod's nodeSelector (values.yaml defaults it to {}).
test("the controller runs on the platform pool, through the chart's controller.nodeSelector", () => {
  expect(values.controller.nodeSelector).toEqual({ "cloud.google.com/gke-nodepool": "metaflow-dev-pool" });
  expect(values.nodeSelector).toBeUndefined();
});

// jobset v0.12.0, charts/jobset/templates/_helpers.tpl (jobset.selectorLabels: app.kubernetes.io/instance is the
// release's name) and templates/controller/_helpers.tpl (jobset.controller.labels adds app.kubernetes.io/component:
// controller), which templates/controller/deployment.yaml puts on the controller's Deployment: what verify finds it by.
test("verify finds the controller's Deployment by the chart's instance and component labels", () => {
  expect(CHART_COMPONENTS[release.chart]).toEqual(["controller"]);
  expect(release.name).toBe("jobset");
});
