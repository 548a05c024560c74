import { onlyResource, synthDev } from "./helpers";

describe("datastore bucket", () => {
  const bucket = onlyResource(synthDev().infraJson, "google_storage_bucket");

  test("is private, IAM-only and kept on destroy", () => {
    expect(bucket).toMatchObject({
      name: "my-metaflow-project-metaflow-dev",
      location: "US-CENTRAL1",
      uniform_bucket_level_access: true,
      public_access_prevention: "enforced",
      force_destroy: false,
    });
  });

  test("keeps noncurrent versions for 30 days", () => {
    expect(bucket.versioning).toEqual({ enabled: true });
    expect(bucket.lifecycle_rule).toEqual([
      { action: { type: "Delete" }, condition: { days_since_noncurrent_time: 30, with_state: "ARCHIVED" } },
    ]);
  });

  test("takes an optional age limit, location and name", () => {
    const changed = onlyResource(
      synthDev((e) => (e.storage = { bucketName: "acme-ml-artifacts", location: "EU", deleteAfterDays: 90, versioning: false })).infraJson,
      "google_storage_bucket",
    );
    expect(changed.name).toBe("acme-ml-artifacts");
    expect(changed.location).toBe("EU");
    expect(changed.lifecycle_rule).toEqual([{ action: { type: "Delete" }, condition: { age: 90, with_state: "ANY" } }]);
  });
});
