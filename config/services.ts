// Settings of what runs inside the cluster (the `<env>-services` stack).
import { z } from "zod";
import { DEFAULTS, JETSTREAM_VERSIONS, PINS, SERVICE_PORTS } from "../lib/defaults";
import { AccessSchema } from "./access";
import { dnsLabel } from "./name-rules";

/** A full version tag such as `v2.5.1` or `1.9.10`: never `latest`, never a floating `v1.3`. */
const FULL_VERSION_TAG = /^v?\d+\.\d+\.\d+([-.+_][A-Za-z0-9._-]+)?$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Why an image reference is not pinned, or undefined when it is (a full version tag or a digest). */
export function imagePinProblem(ref: string): string | undefined {
  const at = ref.indexOf("@");
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const name = at >= 0 ? ref.slice(0, at) : ref;
  if (digest !== undefined && !DIGEST.test(digest)) return "has a malformed digest (want @sha256:<64 hex digits>)";
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  // A colon before the last slash belongs to a registry port, not to a tag.
  const tag = colon > slash ? name.slice(colon + 1) : undefined;
  const repository = colon > slash ? name.slice(0, colon) : name;
  if (!/^[a-z0-9]+([._\-/:][a-z0-9]+)*$/.test(repository)) return "is not an image reference such as registry/repository:tag";
  if (digest !== undefined) return undefined;
  if (tag === undefined) return "has no tag: pin a full version tag or a digest";
  if (tag === "latest") return 'uses the floating tag "latest": pin a full version tag or a digest';
  if (!FULL_VERSION_TAG.test(tag)) return `uses the tag "${tag}", which is not a full version (x.y.z): pin a release or a digest`;
  return undefined;
}

/** A container image pinned to a full version tag or a digest. */
export const pinnedImage = z.string().superRefine((ref, ctx) => {
  const problem = imagePinProblem(ref);
  if (problem) ctx.addIssue({ code: "custom", message: `the image ${problem}` });
});

/** An exact Helm chart version (no ranges: a range is a silent upgrade on the next apply). */
const chartVersion = z.string().regex(/^\d+\.\d+\.\d+$/, "must be an exact chart version such as 0.47.5 (no ranges)");

/** An http(s) URL without a trailing slash. */
const httpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, "must be an http(s) URL")
  .refine((s) => !s.endsWith("/"), "must not end with a slash");

/** A setting that no longer exists: any value is refused with `message`, which says what to do instead. */
function retired(message: string) {
  return z.never({ error: message }).optional();
}

/** One setting per image of PINS.images, defaulting to its pin: a new image is one line there. */
const ImagesSchema = z
  .object({
    ...(Object.fromEntries(
      Object.entries(PINS.images).map(([name, pin]) => [
        name,
        pinnedImage.default(pin).describe(`the ${name} image, pinned to a full version tag or an \`@sha256:\` digest`),
      ]),
    ) as {
      [name in keyof typeof PINS.images]: z.ZodDefault<typeof pinnedImage>;
    }),
    ui: retired(
      "there is no separate UI image any more: the UI backend serves the Metaflow UI bundled in services.images.metadataService (build that image with another UI_VERSION to change it); remove this setting",
    ).describe(
      "retired with the separate UI Deployment: refused, with what to do instead (the UI backend serves the UI; see docs/upgrading.md#upgrading-to-the-ui-served-by-its-backend)",
    ),
  })
  .strict();

const ArgoWorkflowsSchema = z
  .object({
    repository: z
      .string()
      .regex(/^(https|oci):\/\/\S+$/, "must be an https:// or oci:// Helm repository")
      .default(PINS.argoHelmRepository)
      .describe("Helm repository of the Argo charts: `https://` or `oci://`"),
    chartVersion: chartVersion
      .default(PINS.argoWorkflows.chartVersion)
      .describe("argo-workflows chart version, exact, of the 0.47.x line (Argo v3.7; Metaflow is not tested on Argo 4)"),
    imageTag: z
      .string()
      .regex(/^v3\.7\.\d+$/, "must be an Argo Workflows v3.7.x release tag such as v3.7.18")
      .default(PINS.argoWorkflows.imageTag)
      .describe("tag of the controller, server and executor images: a v3.7.x patch release of the chart's Argo line"),
    authModes: z
      .array(z.enum(["client", "server", "sso"]))
      .min(1)
      .default([...DEFAULTS.services.argoWorkflows.authModes])
      .describe(
        "Argo Server auth modes, no mode twice: `client` makes every UI/API call carry the caller's own Kubernetes token; `server`, `sso`",
      ),
  })
  .strict();

const ArgoEventsSchema = z
  .object({
    chartVersion: chartVersion
      .default(PINS.argoEvents.chartVersion)
      .describe("argo-events chart version, exact, of the 2.4.x line (Argo Events v1.9)"),
    imageTag: z
      .string()
      .regex(/^v1\.9\.\d+$/, "must be an Argo Events v1.9.x release tag such as v1.9.11 (the chart's line)")
      .default(PINS.argoEvents.imageTag)
      .describe("tag of the Argo Events images: a v1.9.x patch release of the chart's line"),
    jetstreamVersion: z
      .enum(JETSTREAM_VERSIONS)
      .default(PINS.argoEvents.jetstreamVersion)
      .describe("JetStream version of the EventBus, one the chart's values list"),
  })
  .strict();

/** The JobSet chart joins `image.repository` and `image.tag` with a colon: only a tag pins its image, never a digest. */
const jobsetImage = pinnedImage.refine((ref) => !ref.includes("@"), {
  message: "must be pinned by a full version tag: the JobSet chart's image.repository and image.tag cannot carry a digest",
});

const JobSetSchema = z
  .object({
    enabled: z
      .boolean()
      .default(DEFAULTS.services.jobset.enabled)
      .describe(
        "install the JobSet controller and its CRD, which @parallel, @torchrun and @metaflow_ray steps need (off: those steps fail to create their JobSet); also opens its webhook port from the control plane to the nodes",
      ),
    repository: z
      .string()
      .regex(/^(https|oci):\/\/\S+$/, "must be an https:// or oci:// Helm repository")
      .default(PINS.jobset.repository)
      .describe("Helm repository of the jobset chart: `oci://` (where the project publishes it) or `https://`"),
    chartVersion: chartVersion.default(PINS.jobset.chartVersion).describe("jobset chart version, exact"),
    image: jobsetImage
      .default(PINS.jobset.image)
      .describe(
        "the JobSet controller image, pinned to a full version tag (the chart takes no digest); it must serve jobset.x-k8s.io/v1alpha2",
      ),
  })
  .strict();

const EndpointsSchema = z
  .object({
    metadataService: httpUrl
      .default(`http://localhost:${SERVICE_PORTS.metadataService}`)
      .describe(
        "the metadata service as Metaflow users reach it (a port-forward by default); an http(s) URL without a trailing slash, as are all endpoints",
      ),
    ui: httpUrl
      .default(`http://localhost:${SERVICE_PORTS.ui}`)
      .describe(
        "the Metaflow UI as the browser reaches it: the UI backend, which serves the UI and its API on one origin (the only origin it accepts cross-origin calls from)",
      ),
    uiBackend: retired(
      "the UI backend now serves the Metaflow UI and its API on one origin: set services.endpoints.ui to the URL where users reach the UI backend (its root, without /api) and remove this setting",
    ).describe(
      "retired with the separate UI Deployment: refused, with what to do instead (the UI calls the API on the origin it is served from, `services.endpoints.ui`)",
    ),
    argoServer: httpUrl.default(`http://localhost:${SERVICE_PORTS.argoServer}`).describe("the Argo Workflows UI as users reach it"),
    argoEventsWebhook: httpUrl
      .default(`http://localhost:${SERVICE_PORTS.argoEventsWebhook}`)
      .describe("the Argo Events webhook as users reach it, without the event path"),
  })
  .strict();

export const ServicesConfigSchema = z
  .object({
    metaflowNamespace: dnsLabel
      .default("metaflow")
      .describe("namespace of the Metaflow services (metadata service, UI) and their database Secret; the five namespaces must differ"),
    jobsNamespace: dnsLabel
      .default("metaflow-jobs")
      .describe(
        "namespace of the jobs: flows' pods (`--with kubernetes`), Argo workflows (those sensors submit too), the ConfigMap `metaflow-config`; flow runners create pods here, so it holds no Secret",
      ),
    eventsNamespace: dnsLabel
      .default("metaflow-events")
      .describe(
        "namespace of the EventBus and its Secrets, the webhook EventSource and Metaflow's sensors (`METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE`): flow runners manage sensors here but create no pod",
      ),
    argoNamespace: dnsLabel.default("argo").describe("namespace of the Argo Workflows and Argo Events controllers"),
    jobsetNamespace: dnsLabel
      .default(DEFAULTS.services.jobset.namespace)
      .describe("namespace of the JobSet controller and its webhook certificate Secret (used when services.jobset.enabled)"),
    replicas: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(DEFAULTS.services.replicas)
      .describe("replicas of each Metaflow service, 1-10; a PodDisruptionBudget is added above 1"),
    uiCacheSizeGi: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(DEFAULTS.services.uiCacheSizeGi)
      .describe("UI backend scratch volume, 1-100 GiB; its artifact, DAG and log cache limits take three quarters of it"),
    argoWorkflowArchive: z.boolean().default(true).describe("archive finished workflows in an `argo` database on Cloud SQL"),
    images: ImagesSchema.prefault({}).describe(
      "container images, each pinned to a full version tag or an `@sha256:` digest (floating tags are refused)",
    ),
    argoWorkflows: ArgoWorkflowsSchema.prefault({}).describe("the Argo Workflows Helm release"),
    argoEvents: ArgoEventsSchema.prefault({}).describe("the Argo Events Helm release and its EventBus"),
    jobset: JobSetSchema.prefault({}).describe("the JobSet controller Helm release, for multi-node (@parallel) steps"),
    access: AccessSchema,
    endpoints: EndpointsSchema.prefault({}).describe(
      "URLs of the services as users reach them through port-forwards or a proxy of your own; the defaults match END_USER_SETUP's port-forwards. In `iap` and `internal` access the app derives those it exposes, and refuses them here",
    ),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Separate namespaces are the isolation: whoever can create pods in a namespace can mount its Secrets.
    const fields = ["metaflowNamespace", "jobsNamespace", "eventsNamespace", "argoNamespace", "jobsetNamespace"] as const;
    fields.forEach((field, i) => {
      for (const other of fields.slice(0, i)) {
        if (s[field] === s[other]) ctx.addIssue({ code: "custom", path: [field], message: `must differ from services.${other}` });
      }
    });
  });

export type ServicesConfig = z.infer<typeof ServicesConfigSchema>;
