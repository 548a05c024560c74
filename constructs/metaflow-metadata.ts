import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DbCredentials } from "./db-credentials";
import { restrictedContainer } from "./pod-security";
import { WebService } from "./web-service";

/** How the Metaflow services reach PostgreSQL. */
export interface MetaflowDbConnection {
  /** Host: the Cloud SQL instance's private IP. */
  readonly host: string;
  /** Port. @default "5432" */
  readonly port?: string;
  /** Database name. */
  readonly name: string;
  /** Secret with the login. */
  readonly credentials: DbCredentials;
  /** libpq sslmode. @default "require" */
  readonly sslMode?: "require" | "verify-ca" | "verify-full";
}

/** Env vars the metadata service, its migrations and the UI backend read (services/utils DBConfiguration, run_goose.py). */
export function metaflowDbEnv(db: MetaflowDbConnection) {
  return [
    { name: "MF_METADATA_DB_HOST", value: db.host },
    { name: "MF_METADATA_DB_PORT", value: db.port ?? "5432" },
    { name: "MF_METADATA_DB_NAME", value: db.name },
    db.credentials.envFrom("MF_METADATA_DB_USER", db.credentials.usernameKey),
    db.credentials.envFrom("MF_METADATA_DB_PSWD", db.credentials.passwordKey),
    // Direct connection to the private IP, always TLS: the instance refuses anything else (ssl_mode ENCRYPTED_ONLY).
    { name: "MF_METADATA_DB_SSL_MODE", value: db.sslMode ?? "require" },
  ];
}

/** Env and mounts every Python service container needs to run unprivileged on a read-only root filesystem. */
export const PYTHON_SERVICE_ENV = [
  // The image's user-less UID has no home; libpq and Python look there.
  { name: "HOME", value: "/tmp" },
  { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
  { name: "PYTHONUNBUFFERED", value: "1" },
];

export interface MetaflowMetadataProps {
  /** Namespace of the service. */
  readonly namespace: string;
  /** metaflow_metadata_service image, pinned. */
  readonly image: string;
  /** Database connection. */
  readonly db: MetaflowDbConnection;
  /** Replicas. @default 1 */
  readonly replicas?: number;
  /** Run the database migrations (run_goose.py) in an init container before the server starts. @default true */
  readonly runMigrations?: boolean;
  /** Resources that must exist first (namespace, Secret). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The Metaflow metadata service (port 8080) on Cloud SQL.
 *
 * It connects straight to the instance's private IP with TLS (sslmode=require) rather than through a Cloud SQL
 * Auth Proxy sidecar: the instance only has a private IP in this VPC and enforces encrypted connections, the image
 * passes MF_METADATA_DB_SSL_MODE to both the server and run_goose.py, and an init container could not reach the
 * database through a sidecar that only starts after it. No extra image to pin and patch, no extra process per pod.
 */
export class MetaflowMetadata extends Construct {
  readonly service: WebService;
  /** In-cluster URL: METAFLOW_SERVICE_INTERNAL_URL, and the UI backend's METAFLOW_SERVICE_URL. */
  readonly internalUrl: string;
  readonly serviceName: string;
  readonly port = 8080;

  constructor(scope: Construct, id: string, props: MetaflowMetadataProps) {
    super(scope, id);
    const env = [...metaflowDbEnv(props.db), ...PYTHON_SERVICE_ENV];
    const tmp = { name: "tmp", mountPath: "/tmp" };

    const migrations = {
      name: "db-migrations",
      image: props.image,
      // Applies pending goose migrations and exits; safe with several replicas (goose serializes on its version table).
      command: ["/opt/latest/bin/python3", "/root/run_goose.py"],
      env,
      // The image keeps run_goose.py and the migration SQL under /root (mode 0700 in its Debian base), so this
      // one-shot step alone runs as UID 0 - with every capability dropped, no privilege escalation and a read-only
      // filesystem, which leaves it unable to read anything it does not own. The server itself never runs as root.
      securityContext: { ...restrictedContainer(), runAsNonRoot: false, runAsUser: "0", runAsGroup: "0" },
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
      volumeMount: [tmp],
    };

    this.service = new WebService(this, "service", {
      namespace: props.namespace,
      name: "metadata-service",
      component: "metadata",
      port: this.port,
      probePath: "/ping",
      replicas: props.replicas,
      initContainers: props.runMigrations === false ? [] : [migrations],
      container: {
        name: "metadata-service",
        image: props.image,
        command: ["/opt/latest/bin/python3", "-m", "services.metadata_service.server"],
        // The image's WORKDIR (/root) is closed to the unprivileged user; the package is imported from site-packages.
        workingDir: "/tmp",
        env: [...env, { name: "MF_METADATA_PORT", value: String(this.port) }],
        securityContext: restrictedContainer(),
        resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        volumeMount: [tmp],
      },
      volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
      dependsOn: props.dependsOn,
    });
    this.internalUrl = this.service.internalUrl;
    this.serviceName = this.service.serviceName;
  }
}
