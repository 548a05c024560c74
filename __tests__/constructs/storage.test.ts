import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { DatastoreBucket, DatastoreBucketProps } from "../../constructs/storage";
import { DEFAULTS } from "../../lib/defaults";
import { bareStack, onlyResource, refTo, resolve, synth } from "./stack";

const PROPS: DatastoreBucketProps = { project: "p", name: "acme-metaflow", location: "EU" };

function build(props: Partial<DatastoreBucketProps> = {}) {
  const stack = bareStack("google");
  const bucket = new DatastoreBucket(stack, "bucket", { ...PROPS, ...props });
  return { bucket, ...synth(stack) };
}

describe("DatastoreBucket", () => {
  const { bucket, text, json } = build();

  test("is private, IAM-only and kept on destroy while it holds objects", () => {
    expect(text).toHaveResourceWithProperties(StorageBucket, {
      project: "p",
      name: "acme-metaflow",
      location: "EU",
      uniform_bucket_level_access: true,
      public_access_prevention: "enforced",
      force_destroy: false,
    });
  });

  test("keeps deleted objects as noncurrent versions for the default retention", () => {
    const b = onlyResource(json, "google_storage_bucket");
    expect(b.versioning).toEqual({ enabled: true });
    expect(b.lifecycle_rule).toEqual([
      {
        action: { type: "Delete" },
        condition: { days_since_noncurrent_time: DEFAULTS.storage.noncurrentVersionRetentionDays, with_state: "ARCHIVED" },
      },
    ]);
    expect(DEFAULTS.storage.noncurrentVersionRetentionDays).toBe(30);
  });

  test("gives Metaflow its datastore root below the default prefix, and the bucket name as a reference", () => {
    expect(bucket.datastoreRoot).toBe(`gs://acme-metaflow/${DEFAULTS.storage.prefix}`);
    expect(resolve(bucket, bucket.bucketName)).toBe(refTo(json, "google_storage_bucket", "name"));
  });

  test("takes a prefix, a retention, an age limit and dependencies", () => {
    const changed = build({
      prefix: "mf",
      noncurrentVersionRetentionDays: 7,
      deleteAfterDays: 90,
      dependsOn: [{ fqn: "google_project_service.storage" }],
    });
    expect(changed.bucket.datastoreRoot).toBe("gs://acme-metaflow/mf");
    const b = onlyResource(changed.json, "google_storage_bucket");
    expect(b.lifecycle_rule).toEqual([
      { action: { type: "Delete" }, condition: { days_since_noncurrent_time: 7, with_state: "ARCHIVED" } },
      { action: { type: "Delete" }, condition: { age: 90, with_state: "ANY" } },
    ]);
    expect(b.depends_on).toEqual(["google_project_service.storage"]);
  });

  test("without versioning, no noncurrent-version rule; force destroy only when asked", () => {
    const b = onlyResource(build({ versioning: false, forceDestroy: true }).json, "google_storage_bucket");
    expect(b.versioning).toEqual({ enabled: false });
    expect(b.lifecycle_rule).toEqual([]);
    expect(b.force_destroy).toBe(true);
  });
});
