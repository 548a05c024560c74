// The services settings: defaults, and the bad-input battery (mutation -> field and rule in the message).
import { parseConfig } from "../config";
import { devConfig, expectRefused } from "./helpers";

test("defaults: pinned images and charts, client auth, the archive on", () => {
  const [env] = parseConfig(devConfig()).environments;
  expect(env.services).toMatchObject({
    metaflowNamespace: "metaflow",
    jobsNamespace: "metaflow-jobs",
    eventsNamespace: "metaflow-events",
    argoNamespace: "argo",
    replicas: 1,
    argoWorkflowArchive: true,
    images: { metadataService: "netflixoss/metaflow_metadata_service:v2.5.1" },
    argoWorkflows: { chartVersion: "0.47.5", imageTag: "v3.7.18", authModes: ["client"] },
    argoEvents: { chartVersion: "2.4.22", imageTag: "v1.9.11", jetstreamVersion: "2.10.10" },
    endpoints: { metadataService: "http://localhost:8080", ui: "http://localhost:8083" },
  });
});

test("a digest-pinned image is accepted", () => {
  const digest = `netflixoss/metaflow_metadata_service@sha256:${"0".repeat(64)}`;
  const [env] = parseConfig(devConfig((e) => (e.services = { images: { metadataService: digest } }))).environments;
  expect(env.services.images.metadataService).toBe(digest);
});

const battery: [string, (env: any) => void, string, RegExp][] = [
  [
    "an image on latest",
    (e) => (e.services = { images: { metadataService: "netflixoss/metaflow_metadata_service:latest" } }),
    "services.images.metadataService",
    /"latest"/,
  ],
  [
    "an untagged image",
    (e) => (e.services = { images: { metadataService: "netflixoss/metaflow_metadata_service" } }),
    "services.images.metadataService",
    /no tag/,
  ],
  [
    "a floating minor tag",
    (e) => (e.services = { images: { metadataService: "netflixoss/metaflow_metadata_service:v2.5" } }),
    "services.images.metadataService",
    /not a full version/,
  ],
  [
    "a malformed digest",
    (e) => (e.services = { images: { metadataService: "metaflow_metadata_service@sha256:abc" } }),
    "services.images.metadataService",
    /malformed digest/,
  ],
  [
    "the retired static UI image",
    (e) => (e.services = { images: { ui: "public.ecr.aws/outerbounds/metaflow_ui:v1.3.13" } }),
    "services.images.ui",
    /no separate UI image any more: the UI backend serves the Metaflow UI bundled in services.images.metadataService .*remove this setting/,
  ],
  [
    "the retired UI backend URL",
    (e) => (e.services = { endpoints: { uiBackend: "https://metaflow.example.com/api" } }),
    "services.endpoints.uiBackend",
    /one origin: set services.endpoints.ui to the URL where users reach the UI backend \(its root, without \/api\) and remove this setting/,
  ],
  [
    "a chart version range",
    (e) => (e.services = { argoWorkflows: { chartVersion: "^0.47.0" } }),
    "services.argoWorkflows.chartVersion",
    /exact chart version/,
  ],
  ["Argo Workflows 4", (e) => (e.services = { argoWorkflows: { imageTag: "v4.0.6" } }), "services.argoWorkflows.imageTag", /v3\.7\.x/],
  [
    "an Argo Events release of another line than the chart's",
    (e) => (e.services = { argoEvents: { imageTag: "v1.10.0" } }),
    "services.argoEvents.imageTag",
    /v1\.9\.x release tag .*the chart's line/,
  ],
  [
    "an unknown auth mode",
    (e) => (e.services = { argoWorkflows: { authModes: ["none"] } }),
    "services.argoWorkflows.authModes.0",
    /client|server|sso/,
  ],
  ["no auth mode", (e) => (e.services = { argoWorkflows: { authModes: [] } }), "services.argoWorkflows.authModes", /1/],
  [
    "a JetStream version the chart does not list",
    (e) => (e.services = { argoEvents: { jetstreamVersion: "latest" } }),
    "services.argoEvents.jetstreamVersion",
    /2\.10\.10/,
  ],
  ["a URL with a trailing slash", (e) => (e.services = { endpoints: { ui: "http://localhost:8083/" } }), "services.endpoints.ui", /slash/],
  [
    "one namespace for services and Argo",
    (e) => (e.services = { argoNamespace: "metaflow" }),
    "services.argoNamespace",
    /must differ from services.metaflowNamespace/,
  ],
  [
    "jobs in the services namespace",
    (e) => (e.services = { jobsNamespace: "metaflow" }),
    "services.jobsNamespace",
    /must differ from services.metaflowNamespace/,
  ],
  [
    "jobs in the Argo namespace",
    (e) => (e.services = { jobsNamespace: "argo" }),
    "services.argoNamespace",
    /must differ from services.jobsNamespace/,
  ],
  [
    "the event bus in the jobs namespace",
    (e) => (e.services = { eventsNamespace: "metaflow-jobs" }),
    "services.eventsNamespace",
    /must differ from services.jobsNamespace/,
  ],
  [
    "the event bus in the Argo namespace",
    (e) => (e.services = { eventsNamespace: "ml-events", argoNamespace: "ml-events" }),
    "services.argoNamespace",
    /must differ from services.eventsNamespace/,
  ],
  [
    "an unknown services field",
    (e) => (e.services = { replica: 2 }),
    "services.replica",
    /unknown key "replica" \(did you mean "replicas"\?\)/,
  ],
];

test.each(battery)("%s is refused", (_, mutate, field, rule) => {
  expectRefused(mutate, field, rule);
});
