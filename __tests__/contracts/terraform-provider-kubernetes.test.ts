// Facts hashicorp/terraform-provider-kubernetes (2.38.0, the provider behind @cdktf/provider-kubernetes 12.1.1)
// enforces for the resources we rely on, checked on what we synthesize.
import { forcesNew } from "../../review/force-new";
import { onlyResource, synthDev } from "../helpers";

const json = synthDev().servicesJson;
const job = onlyResource(json, "kubernetes_job_v1");

// kubernetes/schema_job_spec.go (jobSpecFields) at v2.38.0: `template` is ForceNew (and so are completions,
// completion_mode, backoff_limit_per_index, pod_failure_policy and selector; backoff_limit, parallelism and
// active_deadline_seconds are not), so any change of the migrations' pod (image, database settings, node selector)
// replaces the Job (delete, then create), and the migrations run again before the servers, which depend on it, roll.
// `wait_for_completion` makes the apply wait for the Job to succeed. The change review knows it (review/force-new.ts).
test("the migrations Job is replaced on change, waited for, and never deletes itself", () => {
  expect(job.wait_for_completion).toBe(true);
  // With ttl_seconds_after_finished the Job would delete itself, and every later plan would create it again.
  expect(job.spec.ttl_seconds_after_finished).toBeUndefined();
  // A fixed name: the replacement deletes the old Job before creating the new one, so they never overlap.
  expect(job.metadata.name).toBe("metaflow-db-migrations");
  expect(job.lifecycle?.create_before_destroy).toBeUndefined();
  expect(forcesNew("kubernetes_job_v1", "spec[0].template[0].spec[0].node_selector")).toBe(true);
  expect(forcesNew("kubernetes_job_v1", "spec[0].completions")).toBe(true);
  expect(forcesNew("kubernetes_job_v1", "spec[0].backoff_limit")).toBe(false);
});
