// Facts argoproj/argo-events v1.9.11 and argoproj/argo-helm argo-events-2.4.22 enforce, checked on what we synthesize.
import { PINS } from "../../lib/defaults";
import { imagePinProblem } from "../../lib/services-config";
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

// argo-events v1.9.11, docs/eventbus and the Sensor/EventSource controllers: an EventSource and the Sensors that read
// it must be in the namespace of their EventBus.
test("the EventBus, the EventSource and Metaflow's sensors share one namespace", () => {
  expect(helmRelease(json, "metaflow-argo-events").namespace).toBe(resources.namespace);
  expect(json.output.METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE.value).toBe(resources.namespace);
});

// argo-events v1.9.11, docs/service-accounts.md: a Sensor that submits workflows runs as a service account allowed
// to create (and for retries, get and update) Workflows in its namespace.
test("the sensors' service account may create, get and update Workflows in the sensor namespace", () => {
  const role = Object.values<any>(json.resource.kubernetes_role_v1).find((r) => r.metadata.name === "operate-workflow");
  const rule = role.rule.find((r: any) => r.resources.includes("workflows"));
  expect(rule.verbs).toEqual(expect.arrayContaining(["create", "get", "list", "update"]));
  expect(role.metadata.namespace).toBe(json.output.METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE.value);
});
