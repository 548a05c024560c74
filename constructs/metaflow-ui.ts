import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { NamespaceRef } from "./namespace";
import { MetaflowDbConnection, metaflowDbEnv, PYTHON_SERVICE_ENV } from "./metaflow-db";
import { restrictedContainer } from "./pod-security";
import { WebService } from "./web-service";
import { DEFAULTS } from "../lib/defaults";

/** UID of the `nginx` user of the official nginx image the UI is built on. */
const NGINX_UID = 101;

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

export interface MetaflowUiProps {
  /** Namespace of both Deployments. */
  readonly namespace: NamespaceRef;
  /** metaflow_metadata_service image (it carries the UI backend), pinned. */
  readonly backendImage: string;
  /** metaflow_ui image, pinned. */
  readonly staticImage: string;
  /** Database connection of the UI backend (it reads the metadata tables directly). */
  readonly db: MetaflowDbConnection;
  /** In-cluster URL of the metadata service. */
  readonly metadataServiceUrl: string;
  /** `gs://<bucket>/<prefix>`, where the UI backend reads artifacts, logs and cards. */
  readonly datastoreRoot: string;
  /** KSA of the UI backend; it needs Workload Identity to read the bucket. */
  readonly backendServiceAccountName: string;
  /** The UI backend as the browser reaches it, e.g. http://localhost:8083/api. */
  readonly backendPublicUrl: string;
  /** The UI as the browser reaches it; the only origin the backend accepts cross-origin calls from. */
  readonly uiPublicUrl: string;
  /** Size of the UI backend's scratch volume, which holds its caches; the cache limits derive from it. @default 4 */
  readonly cacheVolumeGi?: number;
  /** Replicas of each Deployment. @default 1 */
  readonly replicas?: number;
  /** Resources besides the namespace that must exist first (the migrations Job). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** The Metaflow UI: its backend (port 8083, API under /api) and the static frontend (port 3000). */
export class MetaflowUi extends Construct {
  readonly backend: WebService;
  readonly frontend: WebService;

  constructor(scope: Construct, id: string, props: MetaflowUiProps) {
    super(scope, id);
    const tmp = { name: "tmp", mountPath: "/tmp" };
    const cacheVolumeGi = props.cacheVolumeGi ?? DEFAULTS.services.uiCacheSizeGi;

    this.backend = new WebService(this, "backend", {
      namespace: props.namespace,
      name: "metaflow-ui-backend-service",
      component: "ui-backend",
      port: 8083,
      probePath: "/api/ping",
      replicas: props.replicas,
      serviceAccountName: props.backendServiceAccountName,
      container: {
        name: "ui-backend",
        image: props.backendImage,
        command: ["/opt/latest/bin/python3", "-m", "services.ui_backend_service.ui_server"],
        // The backend keeps its artifact/DAG/log caches under the working directory (./cache_data) and its card
        // cache in /tmp: one scratch volume, which the cache limits fit.
        workingDir: "/tmp",
        env: [
          ...metaflowDbEnv(props.db),
          ...PYTHON_SERVICE_ENV,
          { name: "MF_UI_METADATA_PORT", value: "8083" },
          // Serves the API under /api, where the frontend and the probes expect it.
          { name: "PATH_PREFIX", value: "/api" },
          // The UI bundle is served by the separate static Deployment.
          { name: "UI_ENABLED", value: "0" },
          { name: "ORIGIN_TO_ALLOW_CORS_FROM", value: props.uiPublicUrl },
          { name: "METAFLOW_SERVICE_URL", value: props.metadataServiceUrl },
          { name: "METAFLOW_DEFAULT_METADATA", value: "service" },
          { name: "METAFLOW_DEFAULT_DATASTORE", value: "gs" },
          { name: "METAFLOW_DATASTORE_SYSROOT_GS", value: props.datastoreRoot },
          ...Object.entries(uiCacheLimits(cacheVolumeGi)).map(([name, bytes]) => ({ name, value: String(bytes) })),
        ],
        securityContext: restrictedContainer(),
        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "3Gi" } },
        volumeMount: [tmp],
      },
      volumes: [{ name: "tmp", emptyDir: { sizeLimit: `${cacheVolumeGi}Gi` } }],
      dependsOn: props.dependsOn,
    });

    // nginx renders its config from a template at start and keeps temp files and its pid file: only those paths are
    // writable scratch volumes; the rest of the root filesystem is read-only.
    const scratch = [
      { name: "nginx-conf", mountPath: "/etc/nginx/conf.d" },
      { name: "nginx-cache", mountPath: "/var/cache/nginx" },
      { name: "nginx-run", mountPath: "/run" },
      tmp,
    ];
    this.frontend = new WebService(this, "static", {
      namespace: props.namespace,
      name: "metaflow-ui-static-service",
      component: "ui-static",
      port: 3000,
      probePath: "/",
      replicas: props.replicas,
      runAsUser: NGINX_UID,
      container: {
        name: "ui-static",
        image: props.staticImage,
        env: [
          { name: "PORT", value: "3000" },
          // Read by the browser, not by the pod: the backend's URL as seen from the user's machine.
          { name: "METAFLOW_SERVICE", value: props.backendPublicUrl },
        ],
        securityContext: restrictedContainer(),
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
        volumeMount: scratch,
      },
      volumes: scratch.map((v) => ({ name: v.name, emptyDir: { sizeLimit: "64Mi" } })),
      dependsOn: props.dependsOn,
    });
  }
}
