import { StorageBucket, StorageBucketLifecycleRule } from "@cdktf/provider-google/lib/storage-bucket";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DEFAULTS } from "../lib/defaults";

export interface DatastoreBucketProps {
  /** Project of the bucket. */
  readonly project: string;
  /** Globally unique bucket name. */
  readonly name: string;
  /** Region, dual-region or multi-region. */
  readonly location: string;
  /** Path below the bucket where Metaflow keeps its datastore. @default "metaflow" */
  readonly prefix?: string;
  /** Keep deleted objects as noncurrent versions. @default true */
  readonly versioning?: boolean;
  /** Delete noncurrent versions after this many days. @default 30 */
  readonly noncurrentVersionRetentionDays?: number;
  /** Delete objects older than this many days. @default undefined (kept forever) */
  readonly deleteAfterDays?: number;
  /** Let `terraform destroy` delete a bucket that still holds objects. @default false */
  readonly forceDestroy?: boolean;
  /** Resources (e.g. API enablement) that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** The GCS bucket Metaflow uses as its datastore. */
export class DatastoreBucket extends Construct {
  readonly bucketName: string;
  /** `gs://<bucket>/<prefix>`: METAFLOW_DATASTORE_SYSROOT_GS. */
  readonly datastoreRoot: string;

  constructor(scope: Construct, id: string, props: DatastoreBucketProps) {
    super(scope, id);
    const versioning = props.versioning ?? DEFAULTS.storage.versioning;
    const lifecycleRule: StorageBucketLifecycleRule[] = [];
    if (versioning) {
      lifecycleRule.push({
        action: { type: "Delete" },
        condition: {
          daysSinceNoncurrentTime: props.noncurrentVersionRetentionDays ?? DEFAULTS.storage.noncurrentVersionRetentionDays,
          withState: "ARCHIVED",
        },
      });
    }
    if (props.deleteAfterDays !== undefined) {
      lifecycleRule.push({ action: { type: "Delete" }, condition: { age: props.deleteAfterDays, withState: "ANY" } });
    }

    const bucket = new StorageBucket(this, "bucket", {
      project: props.project,
      name: props.name,
      location: props.location,
      // IAM only, no per-object ACLs, and never public.
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      forceDestroy: props.forceDestroy ?? DEFAULTS.storage.forceDestroy,
      versioning: { enabled: versioning },
      lifecycleRule,
      dependsOn: props.dependsOn,
    });

    this.bucketName = bucket.name;
    this.datastoreRoot = `gs://${props.name}/${props.prefix ?? DEFAULTS.storage.prefix}`;
  }
}
