import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { NamespaceRef } from "./namespace";
import { MetaflowDbConnection, metaflowDbEnv, PYTHON_SERVICE_ENV } from "./metaflow-db";
import { restrictedContainer } from "./pod-security";
import { WebService } from "./web-service";
import { SERVICE_PORTS } from "../lib/defaults";

/** The service's container, as Cloud Monitoring names it in the alert policies' filters. */
export const METADATA_CONTAINER = "metadata-service";

export interface MetaflowMetadataProps {
  /** Namespace of the service. */
  readonly namespace: NamespaceRef;
  /** metaflow_metadata_service image, pinned. */
  readonly image: string;
  /** Database connection. */
  readonly db: MetaflowDbConnection;
  /** Node labels the pods must match (the platform pool's). @default none: any node */
  readonly nodeSelector?: Record<string, string>;
  /** Replicas. @default 1 */
  readonly replicas?: number;
  /** Resources besides the namespace that must exist first (the migrations Job). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The Metaflow metadata service (port 8080) on Cloud SQL.
 *
 * It connects straight to the instance's private IP with TLS (sslmode=require) rather than through a Cloud SQL
 * Auth Proxy sidecar: the instance only has a private IP in this VPC and enforces encrypted connections, the image
 * passes MF_METADATA_DB_SSL_MODE to both the server and run_goose.py, and the migrations Job would need a sidecar
 * that exits with it. No extra image to pin and patch, no extra process per pod. The schema comes from DbMigrations,
 * which the stack runs first.
 */
export class MetaflowMetadata extends Construct {
  readonly service: WebService;
  /** In-cluster URL: METAFLOW_SERVICE_INTERNAL_URL, and the UI backend's METAFLOW_SERVICE_URL. */
  readonly internalUrl: string;
  readonly serviceName: string;
  readonly port = SERVICE_PORTS.metadataService;

  constructor(scope: Construct, id: string, props: MetaflowMetadataProps) {
    super(scope, id);
    const env = [...metaflowDbEnv(props.db), ...PYTHON_SERVICE_ENV];
    const tmp = { name: "tmp", mountPath: "/tmp" };

    this.service = new WebService(this, "service", {
      namespace: props.namespace,
      name: "metadata-service",
      component: "metadata",
      port: this.port,
      probePath: "/ping",
      replicas: props.replicas,
      nodeSelector: props.nodeSelector,
      container: {
        name: METADATA_CONTAINER,
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
