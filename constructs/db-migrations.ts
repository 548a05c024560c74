import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { Construct } from "constructs";
import { MetaflowDbConnection, metaflowDbEnv, PYTHON_SERVICE_ENV } from "./metaflow-db";
import { NamespaceRef, PART_OF, createdAfter } from "./namespace";
import { restrictedContainer, restrictedPod } from "./pod-security";

export interface DbMigrationsProps {
  /** Namespace of the Job (the namespace of the database Secret). */
  readonly namespace: NamespaceRef;
  /** metaflow_metadata_service image, pinned: the migrations ship in it. */
  readonly image: string;
  /** Database connection. */
  readonly db: MetaflowDbConnection;
  /** Node labels the pods must match (the platform pool's). @default none: any node */
  readonly nodeSelector?: Record<string, string>;
}

/**
 * The metadata database migrations (`run_goose.py`), run once per apply as a Job that Terraform waits for.
 *
 * Not an init container: goose takes no lock on its version table, so replicas migrating at once race, and the UI
 * backend, which reads the same tables, would start before they exist. Every Deployment that reads the schema
 * depends on this Job. A Job's pod template is immutable, so any change (image, database) replaces the Job and the
 * migrations run again before the Deployments roll.
 */
export class DbMigrations extends Construct {
  readonly job: JobV1;

  constructor(scope: Construct, id: string, props: DbMigrationsProps) {
    super(scope, id);
    const labels = { "app.kubernetes.io/name": "metaflow-db-migrations", ...PART_OF };
    this.job = new JobV1(this, "job", {
      metadata: { name: "metaflow-db-migrations", namespace: props.namespace.name, labels },
      spec: {
        backoffLimit: 3,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            nodeSelector: props.nodeSelector,
            // The pod is root (below); the pod-level context still sets the seccomp filter and fsGroup.
            securityContext: { ...restrictedPod(), runAsNonRoot: false, runAsUser: "0", runAsGroup: "0" },
            container: [
              {
                name: "db-migrations",
                image: props.image,
                imagePullPolicy: "Always",
                command: ["/opt/latest/bin/python3", "/root/run_goose.py"],
                env: [...metaflowDbEnv(props.db), ...PYTHON_SERVICE_ENV],
                // The image keeps run_goose.py and the migration SQL under /root (mode 0700 in its Debian base), so
                // this one-shot step alone runs as UID 0 - with every capability dropped, no privilege escalation
                // and a read-only filesystem. The servers never run as root.
                securityContext: { ...restrictedContainer(), runAsNonRoot: false, runAsUser: "0", runAsGroup: "0" },
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                volumeMount: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volume: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
          },
        },
      },
      waitForCompletion: true,
      // How long Terraform waits for the migrations before it fails the apply.
      timeouts: { create: "10m", update: "10m" },
      dependsOn: createdAfter([props.namespace]),
    });
  }
}
