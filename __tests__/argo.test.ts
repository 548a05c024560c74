// Argo Workflows and Argo Events: pinned charts, values that matter, the local chart, and RBAC that binds only
// service accounts this stack creates.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { EVENTS_CHART_DIR } from "../constructs/argo-events";
import { JETSTREAM_VERSIONS, PINS } from "../lib/defaults";
import { pullThrough } from "../lib/image-refs";
import { CACHES, controllerConfig, helmRelease, helmValues, resourcesOf, synthDev, upstreamImage } from "./helpers";

const dev = synthDev();
const json = dev.servicesJson;
const BUCKET = "${data.terraform_remote_state.infra.outputs.bucket_name}";

describe("Argo Workflows", () => {
  const release = helmRelease(json, "argo-workflows");
  const values = helmValues(json, "argo-workflows");

  test("comes from the argoproj repository at a pinned 0.4x chart on Argo 3.7", () => {
    expect(release).toMatchObject({
      repository: "https://argoproj.github.io/argo-helm",
      chart: "argo-workflows",
      version: "0.47.5",
      namespace: "argo",
      atomic: true,
    });
    expect(values.images.tag).toBe("v3.7.18");
  });

  test("the server auth mode is set explicitly, to client by default", () => {
    expect(values.server.authModes).toEqual(["client"]);
    const server = helmValues(
      synthDev((e) => (e.services = { argoWorkflows: { authModes: ["sso"] } })).servicesJson,
      "argo-workflows",
    ).server;
    expect(server.authModes).toEqual(["sso"]);
  });

  test("the artifact repository is the datastore bucket, reached through Workload Identity with no key", () => {
    const config = controllerConfig(json);
    expect(config.artifactRepository.gcs).toEqual({ bucket: BUCKET, keyFormat: "argo-artifacts/{{workflow.name}}/{{pod.name}}" });
    expect(JSON.stringify(config) + JSON.stringify(values)).not.toMatch(/KeySecret|serviceAccountKey|private_key/);
  });

  test("the workflow archive uses its own database and a Secret in the controller's namespace", () => {
    expect(values.controller.persistence).toEqual({
      archive: true,
      nodeStatusOffLoad: false,
      postgresql: {
        host: "${data.terraform_remote_state.infra.outputs.sql_private_ip}",
        port: 5432,
        database: "${data.terraform_remote_state.infra.outputs.argo_db_name}",
        tableName: "argo_workflows",
        userNameSecret: { name: "${kubernetes_secret_v1.argo-db_secret_F5AD9730.metadata[0].name}", key: "username" },
        passwordSecret: { name: "${kubernetes_secret_v1.argo-db_secret_F5AD9730.metadata[0].name}", key: "password" },
        ssl: true,
        sslMode: "require",
      },
    });
    expect(controllerConfig(json).persistence).toEqual(values.controller.persistence);
    const secret = resourcesOf(json, "kubernetes_secret_v1")["argo-db_secret_F5AD9730"];
    expect(secret.metadata.namespace).toBe(release.namespace);
  });

  test("without the archive, no archive Secret and no persistence (the argo_db_* outputs do not exist then)", () => {
    const off = synthDev((e) => (e.services = { argoWorkflowArchive: false }));
    expect(helmValues(off.servicesJson, "argo-workflows").controller.persistence).toEqual({});
    expect(controllerConfig(off.servicesJson).persistence).toBeUndefined();
    expect(off.servicesSynth).not.toContain("argo_db_");
  });

  test("the executor Role in the jobs namespace is bound to the workflow KSA only", () => {
    const binding = resourcesOf(json, "kubernetes_role_binding_v1")["argo-workflows_executor_binding_A12E6188"];
    expect(binding.metadata.namespace).toBe("metaflow-jobs");
    expect(binding.subject).toEqual([
      {
        kind: "ServiceAccount",
        name: "${kubernetes_service_account_v1.metaflow-wi_ksa_94D58C5C.metadata[0].name}",
        namespace: "${kubernetes_service_account_v1.metaflow-wi_ksa_94D58C5C.metadata[0].namespace}",
      },
    ]);
    const role = resourcesOf(json, "kubernetes_role_v1")["argo-workflows_executor_role_8303B179"];
    expect(role.rule).toEqual([{ api_groups: ["argoproj.io"], resources: ["workflowtaskresults"], verbs: ["create", "patch"] }]);
    // The chart's own workflow RBAC would also bind a same-named, non-existent KSA in the Argo namespace.
    expect(values.workflow.rbac.create).toBe(false);
  });
});

describe("Argo Events", () => {
  const controller = helmRelease(json, "argo-events");
  const controllerValues = helmValues(json, "argo-events");
  const resources = helmRelease(json, "metaflow-argo-events");
  const resourcesValues = helmValues(json, "metaflow-argo-events");

  test("the controller comes from the argoproj repository at a pinned chart", () => {
    expect(controller).toMatchObject({
      repository: "https://argoproj.github.io/argo-helm",
      chart: "argo-events",
      version: "2.4.22",
      namespace: "argo",
    });
    expect(upstreamImage(controllerValues.global.image.repository)).toBe("quay.io/argoproj/argo-events");
    expect(controllerValues.global.image.tag).toBe("v1.9.11");
  });

  test("only pinned JetStream versions, one pinned NATS Streaming entry, and the EventBus uses JetStream", () => {
    const versions = controllerValues.configs.jetstream.versions.map((v: any) => v.version);
    expect(versions).not.toContain("latest");
    // Unused, but the controller refuses to start without one (see the argo-events contract test).
    expect(controllerValues.configs.nats.versions).toEqual([
      {
        ...PINS.stan,
        natsStreamingImage: pullThrough(PINS.stan.natsStreamingImage, CACHES),
        metricsExporterImage: pullThrough(PINS.stan.metricsExporterImage, CACHES),
      },
    ]);
    expect(resourcesValues.eventBus.spec.nats).toBeUndefined();
    expect(versions).toContain(resourcesValues.eventBus.spec.jetstream.version);
    expect(resourcesValues.eventBus.spec.jetstream.version).toBe("2.10.10");
    expect([...JETSTREAM_VERSIONS].sort()).toEqual(["2.10.10", "2.9.16"]);
  });

  test("EventBus and EventSource live in the configured events namespace, beside the sensors (values: constructs/argo-events.test.ts)", () => {
    expect(resources.namespace).toBe("metaflow-events");
    expect(resourcesValues.namespace).toBe("metaflow-events");
    const custom = synthDev((e) => (e.services = { eventsNamespace: "ml-events" })).servicesJson;
    expect(helmRelease(custom, "metaflow-argo-events").namespace).toBe("ml-events");
    expect(custom.output.METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE.value).toBe("ml-events");
  });

  test("operate-workflow-sa, in the events namespace, is the only subject of the sensors' Role in the jobs namespace", () => {
    const sa = Object.values<any>(resourcesOf(json, "kubernetes_service_account_v1")).find(
      (s) => s.metadata.name === "operate-workflow-sa",
    );
    expect(sa.metadata.namespace).toBe("metaflow-events");
    const binding = resourcesOf(json, "kubernetes_role_binding_v1")["argo-events_operate-workflow_binding_92936D8B"];
    expect(binding.subject).toEqual([
      {
        kind: "ServiceAccount",
        name: "${kubernetes_service_account_v1.argo-events_sensor-sa_7C40AE2D.metadata[0].name}",
        namespace: "${kubernetes_service_account_v1.argo-events_sensor-sa_7C40AE2D.metadata[0].namespace}",
      },
    ]);
    const role = resourcesOf(json, "kubernetes_role_v1")["argo-events_operate-workflow_role_C7CC9B01"];
    expect(role.rule).toContainEqual({
      api_groups: ["argoproj.io"],
      resources: ["workflows"],
      verbs: ["create", "get", "list", "watch", "update", "patch"],
    });
    expect(JSON.stringify(role.rule)).not.toContain('"*"');
    expect(role.metadata.namespace).toBe("metaflow-jobs");
  });

  test("every RoleBinding service-account subject is one created in this stack", () => {
    const created = Object.keys(resourcesOf(json, "kubernetes_service_account_v1"));
    for (const b of Object.values<any>(resourcesOf(json, "kubernetes_role_binding_v1"))) {
      for (const s of b.subject.filter((x: any) => x.kind === "ServiceAccount")) {
        const ref = /^\$\{kubernetes_service_account_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(s.name);
        expect(ref).not.toBeNull();
        expect(created).toContain(ref![1]);
      }
    }
  });
});

describe("the local chart", () => {
  test("has a Chart.yaml and renders an EventBus and an EventSource from the values", () => {
    const chartYaml = YAML.parse(fs.readFileSync(path.join(EVENTS_CHART_DIR, "Chart.yaml"), "utf8"));
    expect(chartYaml).toMatchObject({ apiVersion: "v2", name: "metaflow-argo-events", type: "application" });
    const templates = fs.readdirSync(path.join(EVENTS_CHART_DIR, "templates"));
    expect(templates.sort()).toEqual(["eventbus.yaml", "eventsource.yaml"]);
    const bus = fs.readFileSync(path.join(EVENTS_CHART_DIR, "templates", "eventbus.yaml"), "utf8");
    expect(bus).toContain("kind: EventBus");
    expect(bus).toContain("toYaml .Values.eventBus.spec");
    const source = fs.readFileSync(path.join(EVENTS_CHART_DIR, "templates", "eventsource.yaml"), "utf8");
    expect(source).toContain("kind: EventSource");
    expect(source).toContain("toYaml .Values.eventSource.spec");
  });

  test("no kubernetes_manifest, local-exec or local files anywhere in the stack", () => {
    expect(dev.servicesSynth).not.toMatch(/kubernetes_manifest|local-exec|"local_file"|null_resource|kubectl apply/);
  });
});
