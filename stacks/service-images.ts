// Every upstream container image the services stack of an environment runs, as full references. One list, read by
// `npm run preflight` (each must resolve in its registry) and checked against the synthesized services stack by
// __tests__/service-images.test.ts, which fails when the stack runs an image that is not listed here. The references
// are upstream ones: the nodes pull Docker Hub's and quay.io's through the registry caches, which only the infra apply
// creates, and which serve what upstream serves.
import { EnvironmentConfig } from "../config/environment";
import { PINS } from "../lib/defaults";

/** One image and what runs it. */
export interface ServiceImage {
  /** Full reference: `[registry/]repository[:tag][@digest]`. */
  readonly image: string;
  /** What runs it, for messages. */
  readonly use: string;
}

/** The images of the environment's services stack, in a fixed order, one entry per distinct use. */
export function serviceImages(env: EnvironmentConfig): ServiceImage[] {
  const { images, argoWorkflows, argoEvents, jobset } = env.services;
  const jetstream = PINS.jetstream[argoEvents.jetstreamVersion];
  // The argo-workflows chart takes {registry, repository, tag}; constructs/argo-workflows.ts sets these three.
  const argo = (repository: string) => `quay.io/argoproj/${repository}:${argoWorkflows.imageTag}`;
  return [
    { image: images.metadataService, use: "Metaflow metadata service, UI backend with the UI, and database migrations" },
    { image: argo("workflow-controller"), use: "Argo Workflows controller" },
    { image: argo("argocli"), use: "Argo Workflows server" },
    { image: argo("argoexec"), use: "Argo Workflows executor (every workflow pod)" },
    { image: `quay.io/argoproj/argo-events:${argoEvents.imageTag}`, use: "Argo Events controller and EventSource" },
    { image: jetstream.natsImage, use: `JetStream ${argoEvents.jetstreamVersion} server (EventBus)` },
    { image: jetstream.configReloaderImage, use: "JetStream config reloader (EventBus)" },
    { image: jetstream.metricsExporterImage, use: "JetStream metrics exporter (EventBus)" },
    // Listed in the controller config only (it refuses to start without a STAN version); no EventBus runs them.
    { image: PINS.stan.natsStreamingImage, use: "NATS Streaming (controller config only)" },
    { image: PINS.stan.metricsExporterImage, use: "NATS Streaming metrics exporter (controller config only)" },
    ...(jobset.enabled ? [{ image: jobset.image, use: "JobSet controller and its admission webhooks (@parallel steps)" }] : []),
  ];
}
