// The Terraform state bucket (stateBackend.bucket) exists, the caller can read it, and it keeps old versions:
// Cloud Storage JSON API buckets.get (GET storage/v1/b/{bucket}) answers a Bucket with `versioning.enabled`.
import { PreflightContext } from "./context";
import { googleError, refusalFix } from "./http";
import { CheckResult } from "./result";

const CHECK = "state bucket";

export async function checkStateBucket(ctx: PreflightContext): Promise<CheckResult> {
  const bucket = ctx.stateBackend?.bucket;
  if (bucket === undefined) {
    return { check: CHECK, status: "skip", message: "no stateBackend: state stays in local files, fine for a trial, not for a team" };
  }
  const response = await ctx.google.call("storage", "GET", `storage/v1/b/${encodeURIComponent(bucket)}`);
  if (response.status === 404) {
    return {
      check: CHECK,
      status: "fail",
      message: `gs://${bucket} does not exist`,
      fix: `create it (README, Bootstrap, step 1): gcloud storage buckets create gs://${bucket} --uniform-bucket-level-access --public-access-prevention && gcloud storage buckets update gs://${bucket} --versioning`,
    };
  }
  if (response.status !== 200) {
    return {
      check: CHECK,
      status: "fail",
      message: `gs://${bucket} cannot be read (${googleError(response)})`,
      fix: refusalFix(
        response,
        `the caller needs storage.buckets.get on gs://${bucket} (roles/storage.legacyBucketReader) besides roles/storage.objectAdmin for the state itself`,
      ),
    };
  }
  const versioning = (response.json as { versioning?: { enabled?: unknown } } | undefined)?.versioning?.enabled === true;
  if (!versioning) {
    return {
      check: CHECK,
      status: "fail",
      message: `gs://${bucket} keeps no old versions: an overwritten or deleted state cannot be recovered`,
      fix: `gcloud storage buckets update gs://${bucket} --versioning`,
    };
  }
  return { check: CHECK, status: "pass", message: `gs://${bucket} exists, is readable and versioned` };
}
