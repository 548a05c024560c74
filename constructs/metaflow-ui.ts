import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { NamespaceRef } from "./namespace";
import { MetaflowDbConnection, metaflowDbEnv, PYTHON_SERVICE_ENV } from "./metaflow-db";
import { restrictedContainer } from "./pod-security";
import { WebService } from "./web-service";
import { DEFAULTS, SERVICE_PORTS } from "../lib/defaults";
import { metaflowEnv } from "../lib/metaflow-outputs";

/**
 * Where the image keeps the UI bundle: its Dockerfile runs download_ui.sh after installing the services, which unpacks
 * the metaflow-ui release beside the sources under /root, a directory (mode 0700) the unprivileged server cannot read.
 */
export const UI_BUNDLE_IN_IMAGE = "/root/services/ui_backend_service/ui";
/**
 * Where the server looks for the bundle: `ui` beside frontend.py of the installed package, in the image's /opt/latest
 * virtualenv (Python 3.11), where it is absent.
 */
export const UI_BUNDLE_SERVED_FROM = "/opt/latest/lib/python3.11/site-packages/services/ui_backend_service/ui";

/**
 * The UI backend's cache limits, in bytes, for a scratch volume of `volumeGi` GiB. Unset, metaflow-service sizes them
 * as 1/2, 1/4 and 1/5 of the disk that holds `/` (services/ui_backend_service/data/cache/store.py), a node's whole
 * boot disk, and the kubelet evicts the pod once the volume's limit is passed. Here they keep upstream's proportions
 * within three quarters of the volume; the rest is left to the card cache and the actions' temporary files, which
 * share it.
 */
export function uiCacheLimits(
  volumeGi: number,
): Record<"CACHE_ARTIFACT_STORAGE_LIMIT" | "CACHE_DAG_STORAGE_LIMIT" | "CACHE_LOG_STORAGE_LIMIT", number> {
  const budget = Math.floor(volumeGi * 1024 ** 3 * 0.75);
  const shares = { CACHE_ARTIFACT_STORAGE_LIMIT: 1 / 2, CACHE_DAG_STORAGE_LIMIT: 1 / 4, CACHE_LOG_STORAGE_LIMIT: 1 / 5 };
  const total = Object.values(shares).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(shares).map(([k, share]) => [k, Math.floor((budget * share) / total)])) as ReturnType<
    typeof uiCacheLimits
  >;
}

/** The backend's container, as Cloud Monitoring names it in the alert policies' filters. */
export const UI_BACKEND_CONTAINER = "ui-backend";

export interface MetaflowUiProps {
  /** Namespace of the Deployment. */
  readonly namespace: NamespaceRef;
  /** metaflow_metadata_service image, pinned: it carries the UI backend and the UI bundle. */
  readonly image: string;
  /** Database connection of the UI backend (it reads the metadata tables directly). */
  readonly db: MetaflowDbConnection;
  /** In-cluster URL of the metadata service. */
  readonly metadataServiceUrl: string;
  /** `gs://<bucket>/<prefix>`, where the UI backend reads artifacts, logs and cards. */
  readonly datastoreRoot: string;
  /** KSA of the UI backend; it needs Workload Identity to read the bucket. */
  readonly serviceAccountName: string;
  /** The UI as the browser reaches it, a literal URL, e.g. http://localhost:8083; its origin is the only one the backend accepts cross-origin calls from. */
  readonly publicUrl: string;
  /** Size of the UI backend's scratch volume, which holds its caches; the cache limits derive from it. @default 4 */
  readonly cacheVolumeGi?: number;
  /** Node labels the pods must match (the platform pool's). @default none: any node */
  readonly nodeSelector?: Record<string, string>;
  /** Replicas. @default 1 */
  readonly replicas?: number;
  /** Resources besides the namespace that must exist first (the migrations Job). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The Metaflow UI: the UI backend (port 8083) serves the UI bundled in its image and the UI's API on one origin, so
 * the browser needs no second address, no second port-forward and no cross-origin call.
 */
export class MetaflowUi extends Construct {
  readonly service: WebService;
  readonly port = SERVICE_PORTS.ui;

  constructor(scope: Construct, id: string, props: MetaflowUiProps) {
    super(scope, id);
    const tmp = { name: "tmp", mountPath: "/tmp" };
    const bundle = "ui-bundle";
    const cacheVolumeGi = props.cacheVolumeGi ?? DEFAULTS.services.uiCacheSizeGi;

    // The construct ID "backend" is kept from the releases that also ran a static UI Deployment: renaming it would
    // replace the Deployment and the Service.
    this.service = new WebService(this, "backend", {
      namespace: props.namespace,
      name: "metaflow-ui-backend-service",
      component: "ui-backend",
      port: this.port,
      probePath: "/ping",
      replicas: props.replicas,
      nodeSelector: props.nodeSelector,
      serviceAccountName: props.serviceAccountName,
      // Copies the UI bundle where the server reads it. Only this step runs as UID 0, the owner of /root, with every
      // capability dropped and a read-only root filesystem (the migrations Job reads /root the same way).
      initContainers: [
        {
          name: bundle,
          image: props.image,
          imagePullPolicy: "Always",
          command: ["cp", "-R", `${UI_BUNDLE_IN_IMAGE}/.`, `/${bundle}/`],
          securityContext: { ...restrictedContainer(), runAsNonRoot: false, runAsUser: "0", runAsGroup: "0" },
          resources: { requests: { cpu: "50m", memory: "32Mi" }, limits: { cpu: "250m", memory: "64Mi" } },
          volumeMount: [{ name: bundle, mountPath: `/${bundle}` }],
        },
      ],
      container: {
        name: UI_BACKEND_CONTAINER,
        image: props.image,
        command: ["/opt/latest/bin/python3", "-m", "services.ui_backend_service.ui_server"],
        // The backend keeps its artifact/DAG/log caches under the working directory (./cache_data) and its card
        // cache in /tmp: one scratch volume, which the cache limits fit.
        workingDir: "/tmp",
        env: [
          ...metaflowDbEnv(props.db),
          ...PYTHON_SERVICE_ENV,
          { name: "MF_UI_METADATA_PORT", value: String(this.port) },
          // Serves the UI bundle (the image's default, stated). No PATH_PREFIX: the bundle loads its assets from the
          // root, and the UI finds its API on the origin it was served from.
          { name: "UI_ENABLED", value: "1" },
          // The UI needs no cross-origin call; unset, the server would answer every other page in the browser with
          // `Access-Control-Allow-Origin: *`.
          { name: "ORIGIN_TO_ALLOW_CORS_FROM", value: new URL(props.publicUrl).origin },
          // The Metaflow client the backend embeds (it reads artifacts, logs and cards) takes its settings from the env.
          metaflowEnv("METAFLOW_SERVICE_URL", props.metadataServiceUrl),
          metaflowEnv("METAFLOW_DEFAULT_METADATA", "service"),
          metaflowEnv("METAFLOW_DEFAULT_DATASTORE", "gs"),
          metaflowEnv("METAFLOW_DATASTORE_SYSROOT_GS", props.datastoreRoot),
          ...Object.entries(uiCacheLimits(cacheVolumeGi)).map(([name, bytes]) => ({ name, value: String(bytes) })),
        ],
        securityContext: restrictedContainer(),
        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "3Gi" } },
        volumeMount: [tmp, { name: bundle, mountPath: UI_BUNDLE_SERVED_FROM, readOnly: true }],
      },
      volumes: [
        { name: "tmp", emptyDir: { sizeLimit: `${cacheVolumeGi}Gi` } },
        { name: bundle, emptyDir: { sizeLimit: "256Mi" } },
      ],
      dependsOn: props.dependsOn,
    });
  }
}
