// Settings of what runs inside the cluster (the `<env>-services` stack).
import { z } from "zod";
import { DEFAULTS, JETSTREAM_VERSIONS, PINS } from "./defaults";
import { dnsLabel } from "./rules";

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
    ...(Object.fromEntries(Object.entries(PINS.images).map(([name, pin]) => [name, pinnedImage.default(pin)])) as {
      [name in keyof typeof PINS.images]: z.ZodDefault<typeof pinnedImage>;
    }),
    /** Retired: the separate static UI image; the UI backend serves the UI. */
    ui: retired(
      "there is no separate UI image any more: the UI backend serves the Metaflow UI bundled in services.images.metadataService (build that image with another UI_VERSION to change it); remove this setting",
    ),
  })
  .strict();

const ArgoWorkflowsSchema = z
  .object({
    /** Helm repository of the Argo charts. @default "https://argoproj.github.io/argo-helm" */
    repository: z
      .string()
      .regex(/^(https|oci):\/\/\S+$/, "must be an https:// or oci:// Helm repository")
      .default(PINS.argoHelmRepository),
    /** argo-workflows chart version, of the 0.47.x line (Argo v3.7; Metaflow is not tested on Argo 4). @default "0.47.5" */
    chartVersion: chartVersion.default(PINS.argoWorkflows.chartVersion),
    /** Tag of the controller, server and executor images: a patch release of the chart's Argo line. @default "v3.7.18" */
    imageTag: z
      .string()
      .regex(/^v3\.7\.\d+$/, "must be an Argo Workflows v3.7.x release tag such as v3.7.18")
      .default(PINS.argoWorkflows.imageTag),
    /** Argo Server auth modes: "client" makes every UI/API call carry the caller's own Kubernetes token. @default ["client"] */
    authModes: z
      .array(z.enum(["client", "server", "sso"]))
      .min(1)
      .default(["client"]),
  })
  .strict();

const ArgoEventsSchema = z
  .object({
    /** argo-events chart version, of the 2.4.x line (Argo Events v1.9). @default "2.4.22" */
    chartVersion: chartVersion.default(PINS.argoEvents.chartVersion),
    /** Tag of the Argo Events images: a patch release of the chart's line. @default "v1.9.11" */
    imageTag: z
      .string()
      .regex(/^v1\.9\.\d+$/, "must be an Argo Events v1.9.x release tag such as v1.9.11 (the chart's line)")
      .default(PINS.argoEvents.imageTag),
    /** JetStream version of the EventBus, one the chart's values list. @default "2.10.10" */
    jetstreamVersion: z.enum(JETSTREAM_VERSIONS).default(PINS.argoEvents.jetstreamVersion),
  })
  .strict();

const EndpointsSchema = z
  .object({
    /** Metadata service as Metaflow users reach it (a port-forward by default). @default "http://localhost:8080" */
    metadataService: httpUrl.default("http://localhost:8080"),
    /**
     * The Metaflow UI as the browser reaches it: the UI backend, which serves the UI and its API on one origin (the only
     * origin it accepts cross-origin calls from). @default "http://localhost:8083"
     */
    ui: httpUrl.default("http://localhost:8083"),
    /** Retired: the UI calls the API on the origin it is served from, services.endpoints.ui. */
    uiBackend: retired(
      "the UI backend now serves the Metaflow UI and its API on one origin: set services.endpoints.ui to the URL where users reach the UI backend (its root, without /api) and remove this setting",
    ),
    /** The Argo Workflows UI as users reach it. @default "http://localhost:2746" */
    argoServer: httpUrl.default("http://localhost:2746"),
    /** The Argo Events webhook as users reach it, without the event path. @default "http://localhost:12000" */
    argoEventsWebhook: httpUrl.default("http://localhost:12000"),
  })
  .strict();

export const ServicesConfigSchema = z
  .object({
    /** Namespace of the Metaflow services (metadata service, UI) and their database Secret. @default "metaflow" */
    metaflowNamespace: dnsLabel.default("metaflow"),
    /**
     * Namespace of the jobs: flows' pods (`--with kubernetes`), Argo workflows and the workflows Metaflow's sensors
     * submit. Flow runners create pods here, so it holds no Secret. @default "metaflow-jobs"
     */
    jobsNamespace: dnsLabel.default("metaflow-jobs"),
    /**
     * Namespace of the EventBus (whose credentials Argo Events keeps in Secrets), the webhook EventSource and
     * Metaflow's sensors: flow runners manage sensors here but create no pod. @default "metaflow-events"
     */
    eventsNamespace: dnsLabel.default("metaflow-events"),
    /** Namespace of the Argo Workflows and Argo Events controllers. @default "argo" */
    argoNamespace: dnsLabel.default("argo"),
    /** Replicas of each Metaflow service; a PodDisruptionBudget is added above 1. @default 1 */
    replicas: z.number().int().min(1).max(10).default(DEFAULTS.services.replicas),
    /** Size of the UI backend's scratch volume (GiB); its artifact, DAG and log cache limits derive from it. @default 4 */
    uiCacheSizeGi: z.number().int().min(1).max(100).default(DEFAULTS.services.uiCacheSizeGi),
    /** Keep finished workflows in an archive database on the Cloud SQL instance. @default true */
    argoWorkflowArchive: z.boolean().default(true),
    /** Container images, each pinned to a full version or a digest. */
    images: ImagesSchema.prefault({}),
    /** The Argo Workflows Helm release. */
    argoWorkflows: ArgoWorkflowsSchema.prefault({}),
    /** The Argo Events Helm release and its EventBus. */
    argoEvents: ArgoEventsSchema.prefault({}),
    /** URLs under which users reach the services; the defaults match END_USER_SETUP's port-forwards. */
    endpoints: EndpointsSchema.prefault({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Separate namespaces are the isolation: whoever can create pods in a namespace can mount its Secrets.
    const fields = ["metaflowNamespace", "jobsNamespace", "eventsNamespace", "argoNamespace"] as const;
    fields.forEach((field, i) => {
      for (const other of fields.slice(0, i)) {
        if (s[field] === s[other]) ctx.addIssue({ code: "custom", path: [field], message: `must differ from services.${other}` });
      }
    });
  });

export type ServicesConfig = z.infer<typeof ServicesConfigSchema>;
