// Facts hashicorp/terraform-provider-kubernetes (2.38.0, the provider behind @cdktf/provider-kubernetes 12.1.1)
// enforces for the resources we rely on, checked on what we synthesize.
import { onlyResource, synthDev } from "../helpers";

const json = synthDev().servicesJson;
const job = onlyResource(json, "kubernetes_job_v1");

// kubernetes/schema_job_spec.go (jobSpecFields): `template` and every other spec field are ForceNew, so any change of
// the migrations' image or database settings replaces the Job (delete, then create), and the migrations run again
// before the servers, which depend on it, roll. `wait_for_completion` makes the apply wait for the Job to succeed.
test("the migrations Job is replaced on change, waited for, and never deletes itself", () => {
  expect(job.wait_for_completion).toBe(true);
  // With ttl_seconds_after_finished the Job would delete itself, and every later plan would create it again.
  expect(job.spec.ttl_seconds_after_finished).toBeUndefined();
  // A fixed name: the replacement deletes the old Job before creating the new one, so they never overlap.
  expect(job.metadata.name).toBe("metaflow-db-migrations");
  expect(job.lifecycle?.create_before_destroy).toBeUndefined();
});
