// Facts argoproj/argo-events v1.9.11 and argoproj/argo-helm argo-events-2.4.22 enforce, checked on what we synthesize.
import * as fs from "fs";
import * as path from "path";
import { PINS } from "../../lib/defaults";
import { imagePinProblem } from "../../config/services";
import { CHART_COMPONENTS } from "../../verify/plan";
import { helmRelease, helmValues, synthDev, upstreamImage } from "../helpers";

const json = synthDev().servicesJson;
const controller = helmValues(json, "argo-events");
const resources = helmValues(json, "metaflow-argo-events");

// argo-helm argo-events-2.4.22, Chart.yaml: appVersion v1.9.10, the last chart of the 2.4.x line; one image
// (values.yaml global.image) runs the controller and every bus, source and sensor pod. v1.9.11 keeps v1.9.10's
// controller config, EventBus validation and EventSource Service (pkg/reconciler/config.go, eventbus/validate.go,
// eventsource/resource.go are unchanged); its JetStream StatefulSet adds a readiness probe on the monitor port.
test("the image is a patch release of the chart's line", () => {
  const line = (tag: string) => tag.split(".").slice(0, 2).join(".");
  expect(PINS.argoEvents.chartAppVersion).toBe("v1.9.10");
  expect(line(controller.global.image.tag)).toBe(line(PINS.argoEvents.chartAppVersion));
});

// argo-events v1.9.11, pkg/reconciler/config.go (ValidateConfig) and pkg/reconciler/cmd/start.go (logger.Fatalw):
// the controller exits at start-up unless its config lists at least one NATS Streaming (STAN) version and one
// JetStream version ("no stan versions were provided in the controller config"), even when only JetStream is used.
// argo-helm argo-events-2.4.22, templates/argo-events-controller/config.yaml: an empty configs.nats.versions drops
// the nats block from that config altogether.
test("the controller config lists a NATS Streaming and a JetStream version, each with pinned images", () => {
  expect(controller.configs.nats.versions.length).toBeGreaterThan(0);
  expect(controller.configs.jetstream.versions.length).toBeGreaterThan(0);
  for (const v of controller.configs.nats.versions) {
    expect(Object.keys(v).sort()).toEqual(["metricsExporterImage", "natsStreamingImage", "version"]);
    expect(imagePinProblem(upstreamImage(v.natsStreamingImage))).toBeUndefined();
    expect(imagePinProblem(upstreamImage(v.metricsExporterImage))).toBeUndefined();
  }
  // argo-events v1.9.11, pkg/reconciler/eventbus/installer/nats.go: the STAN bus it would install is 0.22.1.
  expect(PINS.stan.version).toBe("0.22.1");
});

// argo-events v1.9.11, pkg/reconciler/eventbus/installer/jetstream.go: the EventBus's spec.jetstream.version must be
// exactly one listed in the controller config ("unsupported version"); each entry names these four images/commands.
test("the EventBus's JetStream version is one the controller config lists, with all its fields", () => {
  const entry = controller.configs.jetstream.versions.find((v: any) => v.version === resources.eventBus.spec.jetstream.version);
  expect(entry).toBeDefined();
  expect(Object.keys(entry).sort()).toEqual(["configReloaderImage", "metricsExporterImage", "natsImage", "startCommand", "version"]);
  // The chart's 2.10.10 entry (argo-helm argo-events-2.4.22, values.yaml) uses these images.
  expect(PINS.jetstream["2.10.10"]).toEqual({
    natsImage: "nats:2.10.10",
    metricsExporterImage: "natsio/prometheus-nats-exporter:0.14.0",
    configReloaderImage: "natsio/nats-server-config-reloader:0.14.0",
  });
});

// argo-events v1.9.11, pkg/reconciler/eventbus/validate.go: "a jetstream eventbus requires 1 replica or >= 3 replicas".
test("the JetStream EventBus has 1 or at least 3 replicas", () => {
  const replicas = resources.eventBus.spec.jetstream.replicas;
  expect(replicas === 1 || replicas >= 3).toBe(true);
});

// argo-events v1.9.11, pkg/reconciler/eventsource/resource.go: the Service of an EventSource is "<name>-eventsource-svc",
// of type ClusterIP, in the EventSource's namespace.
test("the webhook URL Metaflow gets names the Service the controller creates, on the EventSource's port", () => {
  const url = new URL(json.output.METAFLOW_ARGO_EVENTS_INTERNAL_WEBHOOK_URL.value);
  expect(url.hostname).toBe(`${resources.eventSource.name}-eventsource-svc.${resources.namespace}.svc.cluster.local`);
  const [hook] = Object.values<any>(resources.eventSource.spec.webhook);
  expect(url.port).toBe(hook.port);
  expect(url.pathname).toBe(hook.endpoint);
});

// argo-events v1.9.11, pkg/reconciler/sensor/controller.go and pkg/reconciler/eventsource/resource.go: a Sensor's
// or an EventSource's EventBus is looked up by name in its own namespace ("EventBusNotFound" otherwise).
test("the EventBus, the EventSource and Metaflow's sensors share one namespace", () => {
  expect(helmRelease(json, "metaflow-argo-events").namespace).toBe(resources.namespace);
  expect(json.output.METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE.value).toBe(resources.namespace);
});

// argo-events v1.9.11, docs/service-accounts.md: a Sensor that submits workflows runs as a service account allowed
// to create (and for retries, get and update) Workflows. pkg/sensors/triggers/standard-k8s/standard-k8s.go: a k8s
// trigger creates its resource in the namespace the resource names, the sensor's own only when it names none; Metaflow
// names KUBERNETES_NAMESPACE (see the metaflow contract test), so the account needs the Role there.
test("the sensors' service account may create, get and update Workflows in the jobs namespace, across namespaces", () => {
  const role = Object.values<any>(json.resource.kubernetes_role_v1).find((r) => r.metadata.name === "operate-workflow");
  const rule = role.rule.find((r: any) => r.resources.includes("workflows"));
  expect(rule.verbs).toEqual(expect.arrayContaining(["create", "get", "list", "update"]));
  expect(role.metadata.namespace).toBe(json.output.METAFLOW_KUBERNETES_NAMESPACE.value);
  const sa = Object.values<any>(json.resource.kubernetes_service_account_v1).find(
    (x) => x.metadata.name === json.output.METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT.value,
  );
  expect(sa.metadata.namespace).toBe(json.output.METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE.value);
});

/** Namespaces (as names) where some Role of the stack lets its subjects create something that runs a pod. */
function podCreatingNamespaces(): string[] {
  const namespaces = json.resource.kubernetes_namespace_v1;
  const name = (ns: string) => {
    const ref = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(ns);
    return ref ? namespaces[ref[1]].metadata.name : ns;
  };
  const runsPods = ["pods", "jobs", "cronjobs", "deployments", "statefulsets", "daemonsets", "replicasets", "jobsets", "*"];
  return Object.values<any>(json.resource.kubernetes_role_v1)
    .filter((role) =>
      role.rule.some(
        (r: any) => r.resources.some((x: string) => runsPods.includes(x)) && r.verbs.some((v: string) => ["create", "*"].includes(v)),
      ),
    )
    .map((role) => name(role.metadata.namespace));
}

// argo-events v1.9.10 and v1.9.11, pkg/reconciler/eventbus/installer/jetstream.go (createSecrets): the controller keeps
// the JetStream bus credentials, eventbus-<bus>-js-server (server auth, TLS keys, encryption key) and
// eventbus-<bus>-js-client-auth (the user and password every EventSource and Sensor connects with), as Secrets in the
// EventBus's namespace. Whoever may create a pod there can mount them: no Role of the stack lets anyone do that.
test("the EventBus, whose namespace gets the bus credentials' Secrets, is in no namespace where a Role creates pods", () => {
  expect(podCreatingNamespaces()).toContain(json.output.METAFLOW_KUBERNETES_NAMESPACE.value);
  expect(podCreatingNamespaces()).not.toContain(resources.namespace);
});

// argo-events v1.9.10 and v1.9.11, pkg/reconciler/sensor/resource.go (buildDeployment, buildDeploymentSpec): a
// Sensor's pod gets the Sensor's own template.volumes and service account, and every Secret the Sensor names in a
// SecretKeySelector is mounted into it; pkg/sensors/dependencies/filter.go and transform.go run a dependency's scripts
// in a Lua state with the standard libraries, io included (lua.NewState). Whoever may write Sensors in the bus's namespace can reach the bus credentials
// through the controller, which RBAC cannot prevent: docs/platform.md must say so while flow runners may write Sensors there.
test("docs/platform.md states what a hand-written Sensor can reach while flow runners may create Sensors beside the bus", () => {
  const sensorWriters = Object.values<any>(json.resource.kubernetes_role_v1).filter(
    (role) =>
      role.metadata.name === "metaflow-flow-runner" &&
      role.rule.some((r: any) => r.resources.includes("sensors") && r.verbs.includes("create")),
  );
  expect(sensorWriters).toHaveLength(1);
  const readme = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "platform.md"), "utf8");
  expect(readme).toContain("**What a Sensor can still do**");
  expect(readme).toMatch(/mounts into the\s+sensor's pod every Secret of the namespace that the Sensor names/);
});

// argo-helm argo-events-2.4.22, templates/argo-events-controller/config.yaml renders the controller's config from
// configs.*, and the chart has no option to use an existing ConfigMap (the Deployment mounts the one it renders), so
// the stack cannot own it as it owns the workflow controller's. The cluster test renders the same keys from our
// values (scripts/cluster/argo_chart.py), with the values.yaml defaults of configs.jetstream.settings and
// streamConfig, which we leave unset so the chart's own defaults apply; and, replicas being 1, the template passes
// --leader-election=false.
test("the Argo Events controller values leave the JetStream settings and stream config to the chart's defaults", () => {
  expect(Object.keys(controller.configs).sort()).toEqual(["jetstream", "nats"]);
  expect(Object.keys(controller.configs.jetstream)).toEqual(["versions"]);
  expect(controller.controller.replicas).toBe(1);
});

// argo-helm argo-events-2.4.22, templates/_helpers.tpl (argo-events.labels, argo-events.selectorLabels) and
// templates/argo-events-controller/deployment.yaml: the controller's Deployment is labelled
// app.kubernetes.io/instance=<release> and app.kubernetes.io/component=<controller.name>, controller-manager by
// default (values.yaml). `npm run verify` finds it by these labels.
test("npm run verify finds the events controller by the chart's labels, whose name our values keep", () => {
  expect(controller.controller?.name).toBeUndefined();
  expect(CHART_COMPONENTS[helmRelease(json, "argo-events").chart]).toEqual(["controller-manager"]);
});

// argo-helm argo-events-2.4.22, templates/argo-events-controller/deployment.yaml: `with .Values.controller.nodeSelector`
// renders the controller pod's nodeSelector. argo-events v1.9.10, pkg/apis/events/v1alpha1/jetstream_eventbus.go
// (JetStreamBus.NodeSelector) and template.go (Template.NodeSelector, an EventSource's spec.template): the
// controller puts each on the pods it creates for the EventBus and the EventSource.
test("the controller, the EventBus and the EventSource run on the platform pool", () => {
  const platform = { "cloud.google.com/gke-nodepool": "metaflow-dev-pool" };
  expect(controller.controller.nodeSelector).toEqual(platform);
  expect(resources.eventBus.spec.jetstream.nodeSelector).toEqual(platform);
  expect(resources.eventSource.spec.template.nodeSelector).toEqual(platform);
});

// argo-events v1.9.11, pkg/reconciler/eventsource/controller.go: the controller labels an EventSource's Deployment and
// pods `controller: eventsource-controller`, `eventsource-name` and `owner-name` (both the EventSource's name,
// pkg/apis/events/v1alpha1/const.go), and its own Service selects on exactly those (eventsource/resource.go);
// pkg/eventsources/common/webhook/webhook.go serves `/health` on the webhook's port. services.access "internal"
// exposes the webhook through a Service of ours that must select the same pods.
test("internal access's webhook load balancer selects the EventSource's pods as the controller labels them", () => {
  const internal = synthDev((e) => (e.services = { access: { mode: "internal", address: "10.10.0.50" } })).servicesJson;
  const source = helmValues(internal, "metaflow-argo-events").eventSource;
  const lb = Object.values<any>(internal.resource.kubernetes_service_v1).find((s) => s.metadata.name === "argo-events-webhook-internal");
  expect(lb.spec.selector).toEqual({ controller: "eventsource-controller", "eventsource-name": source.name, "owner-name": source.name });
  expect(lb.metadata.namespace).toBe(helmRelease(internal, "metaflow-argo-events").namespace);
  expect(lb.spec.port[0].target_port).toBe(String(source.spec.service.ports[0].targetPort));
});
