import { Release } from "@cdktf/provider-helm/lib/release";
import { ArgoEvents, ArgoEventsProps, EVENTS_CHART_DIR } from "../../constructs/argo-events";
import { PINS } from "../../lib/defaults";
import { addressOf, bareStack, refTo, resourcesOf, synth } from "./stack";

function build(props: Partial<ArgoEventsProps> = {}) {
  const stack = bareStack("kubernetes", "helm");
  const events = new ArgoEvents(stack, "argo-events", {
    namespace: { name: "argo" },
    eventsNamespace: { name: "metaflow-events" },
    workflowNamespace: { name: "metaflow-jobs" },
    ...props,
  });
  const { text, json } = synth(stack);
  const releases = Object.entries<any>(resourcesOf(json, "helm_release"));
  const named = (name: string) => releases.find(([, r]) => r.name === name)!;
  const [controllerId, controller] = named("argo-events");
  const [, resources] = named("metaflow-argo-events");
  return {
    events,
    text,
    json,
    controllerId,
    controller,
    resources,
    controllerValues: JSON.parse(controller.values[0]),
    resourcesValues: JSON.parse(resources.values[0]),
  };
}

describe("ArgoEvents", () => {
  const { events, text, json, controllerId, resources, controllerValues, resourcesValues } = build();

  test("installs the controller from the pinned argoproj chart, cluster-wide, its image on the pinned tag", () => {
    expect(text).toHaveResourceWithProperties(Release, {
      name: "argo-events",
      repository: PINS.argoHelmRepository,
      chart: "argo-events",
      version: PINS.argoEvents.chartVersion,
      namespace: "argo",
      atomic: true,
    });
    expect(controllerValues.global.image).toEqual({
      repository: "quay.io/argoproj/argo-events",
      tag: PINS.argoEvents.imageTag,
      imagePullPolicy: "IfNotPresent",
    });
    expect(controllerValues.controller.rbac).toEqual({ enabled: true, namespaced: false });
    expect(controllerValues.webhook).toEqual({ enabled: false });
  });

  test("the controller config lists only the pinned JetStream version and the one pinned STAN entry", () => {
    const js = PINS.jetstream[PINS.argoEvents.jetstreamVersion];
    expect(controllerValues.configs).toEqual({
      nats: { versions: [PINS.stan] },
      jetstream: { versions: [{ version: PINS.argoEvents.jetstreamVersion, ...js, startCommand: "/nats-server" }] },
    });
    expect(JSON.stringify(controllerValues)).not.toContain("latest");
  });

  test("pods run as a fixed unprivileged UID with the default seccomp filter; containers drop everything", () => {
    const pod = { runAsNonRoot: true, runAsUser: 9731, runAsGroup: 9731, fsGroup: 9731, seccompProfile: { type: "RuntimeDefault" } };
    const container = {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    };
    expect(controllerValues.global.securityContext).toEqual(pod);
    expect(controllerValues.controller.containerSecurityContext).toEqual(container);
    expect(resourcesValues.eventBus.spec.jetstream.securityContext).toEqual(pod);
    expect(resourcesValues.eventSource.spec.template.securityContext).toEqual(pod);
    expect(resourcesValues.eventSource.spec.template.container.securityContext).toEqual(container);
  });

  test("the EventBus default (JetStream, three replicas) and the webhook EventSource, in the events namespace", () => {
    expect(resources.namespace).toBe("metaflow-events");
    expect(resourcesValues.namespace).toBe("metaflow-events");
    expect(resourcesValues.eventBus).toMatchObject({
      name: "default",
      spec: { jetstream: { version: PINS.argoEvents.jetstreamVersion, replicas: 3 } },
    });
    expect(resourcesValues.eventBus.spec.nats).toBeUndefined();
    expect(resourcesValues.eventSource).toMatchObject({
      name: "argo-events-webhook",
      spec: {
        eventBusName: "default",
        service: { ports: [{ port: 12000, targetPort: 12000 }] },
        webhook: { "metaflow-event": { port: "12000", endpoint: "/metaflow-event", method: "POST" } },
      },
    });
  });

  test("the custom resources come from the local chart, copied into the stack, after the release that brings their CRDs", () => {
    expect(resources.chart).toMatch(/^\.\/assets\/argo-events_chart_[A-F0-9]+\/[A-F0-9]{32}$/);
    expect(resources.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(resources.depends_on).toEqual([`helm_release.${controllerId}`]);
    expect(events.controllerValues).toEqual(controllerValues);
    expect(events.resourcesValues).toEqual(resourcesValues);
  });

  test("the sensors' KSA (with an API token), in the events namespace, is the only subject of a Role that operates workflows in the workflow namespace", () => {
    const sa = Object.values<any>(resourcesOf(json, "kubernetes_service_account_v1"));
    expect(sa).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ name: "operate-workflow-sa", namespace: "metaflow-events" }),
        automount_service_account_token: true,
      }),
    ]);
    const role = Object.values<any>(resourcesOf(json, "kubernetes_role_v1"))[0];
    expect(role.metadata).toMatchObject({ name: "operate-workflow", namespace: "metaflow-jobs" });
    expect(role.rule).toEqual([
      { api_groups: ["argoproj.io"], resources: ["workflows"], verbs: ["create", "get", "list", "watch", "update", "patch"] },
      { api_groups: ["argoproj.io"], resources: ["workflowtemplates"], verbs: ["get", "list", "watch"] },
    ]);
    const binding = Object.values<any>(resourcesOf(json, "kubernetes_role_binding_v1"))[0];
    expect(binding.subject).toEqual([
      {
        kind: "ServiceAccount",
        name: refTo(json, "kubernetes_service_account_v1", "metadata[0].name"),
        namespace: refTo(json, "kubernetes_service_account_v1", "metadata[0].namespace"),
      },
    ]);
    expect(binding.depends_on).toEqual([addressOf(json, "kubernetes_service_account_v1")]);
  });

  test("the workflow Role waits for its own namespace as well as for the sensors' KSA", () => {
    const other = build({ workflowNamespace: { name: "metaflow-jobs", resource: { fqn: "kubernetes_namespace_v1.jobs" } } });
    const sa = addressOf(other.json, "kubernetes_service_account_v1");
    for (const type of ["kubernetes_role_v1", "kubernetes_role_binding_v1"]) {
      expect(Object.values<any>(resourcesOf(other.json, type))[0].depends_on).toEqual(["kubernetes_namespace_v1.jobs", sa]);
    }
  });

  test("exposes what the Metaflow client config names", () => {
    expect(events.internalWebhookUrl).toBe(
      "http://argo-events-webhook-eventsource-svc.metaflow-events.svc.cluster.local:12000/metaflow-event",
    );
    expect([
      events.eventBusName,
      events.eventSourceName,
      events.eventName,
      events.sensorServiceAccountName,
      events.sensorNamespace,
    ]).toEqual(["default", "argo-events-webhook", "metaflow-event", "operate-workflow-sa", "metaflow-events"]);
  });

  test("takes another chart, tag and a JetStream version of the pins", () => {
    const other = build({
      chartVersion: "2.4.23",
      imageTag: "v1.9.11",
      jetstreamVersion: "2.9.16",
      repository: "https://charts.example.com",
      dependsOn: [{ fqn: "kubernetes_namespace_v1.argo" }],
    });
    expect(other.controller).toMatchObject({
      version: "2.4.23",
      repository: "https://charts.example.com",
      depends_on: ["kubernetes_namespace_v1.argo"],
    });
    expect(other.controllerValues.global.image.tag).toBe("v1.9.11");
    expect(other.controllerValues.configs.jetstream.versions).toEqual([
      { version: "2.9.16", ...PINS.jetstream["2.9.16"], startCommand: "/nats-server" },
    ]);
    expect(other.resourcesValues.eventBus.spec.jetstream.version).toBe("2.9.16");
  });

  test("refuses a JetStream version it has no pinned images for", () => {
    expect(() => build({ jetstreamVersion: "latest" })).toThrow(/unknown JetStream version latest: use one of 2\.10\.10, 2\.9\.16/);
  });

  test("the chart directory is the repository's own chart by default", () => {
    expect(EVENTS_CHART_DIR).toMatch(/charts[\\/]metaflow-argo-events$/);
  });
});
