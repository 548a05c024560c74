// Google's REST APIs as the preflight calls them, each method's shape read from its discovery document (the stored
// copies in googleapis/google-api-python-client, googleapiclient/discovery_cache/documents/<api>.<version>.json, at
// the revision named; the live document is https://<api>.googleapis.com/$discovery/rest?version=<version>).
// Each test runs one check against the local fake and asserts the request the preflight sent: method, path under the
// API's rootUrl, body. The fake (../preflight/fake-apis.ts) answers with the documented response shapes.
import * as fs from "fs";
import * as path from "path";
import { METAFLOW_ADMIN_PERMISSIONS } from "../../constructs/admin-permissions";
import { AppConfig, parseConfig } from "../../config";
import { PreflightContext } from "../../preflight/context";
import { endpoints } from "../../preflight/endpoints";
import { GoogleClient } from "../../preflight/http";
import { checkExistingNetwork } from "../../preflight/network";
import { checkResourceLocations } from "../../preflight/org-policies";
import { checkPermissions } from "../../preflight/permissions";
import { checkQuotas, cpuMetrics } from "../../preflight/quotas";
import { checkStateBucket } from "../../preflight/state-bucket";
import { ACCESS_TOKEN, FakeApis, fixedTokenAuth, passingState } from "../preflight/fake-apis";
import { devConfig } from "../helpers";

const cfg: AppConfig = parseConfig(devConfig((_, raw) => (raw.stateBackend = { bucket: "acme-terraform-state" })));
const env = cfg.environments[0];
let fake: FakeApis;
let ctx: PreflightContext;

beforeAll(async () => {
  fake = await new FakeApis(passingState(env, METAFLOW_ADMIN_PERMISSIONS, "acme-terraform-state")).start();
  const urls = endpoints(fake.baseUrl);
  ctx = { env, stateBackend: cfg.stateBackend, google: new GoogleClient(fixedTokenAuth(), urls, 5000), endpoints: urls, timeoutMs: 5000 };
});
afterAll(() => fake.close());
beforeEach(() => (fake.requests.length = 0));

test("each API's root URL is its discovery document's rootUrl", () => {
  const google = endpoints();
  expect(google.google("cloudresourcemanager")).toBe("https://cloudresourcemanager.googleapis.com/");
  expect(google.google("orgpolicy")).toBe("https://orgpolicy.googleapis.com/");
  // compute v1: rootUrl https://compute.googleapis.com/, servicePath compute/v1/ (baseUrl .../compute/v1/).
  expect(google.google("compute")).toBe("https://compute.googleapis.com/");
  // storage v1: rootUrl https://storage.googleapis.com/, servicePath storage/v1/.
  expect(google.google("storage")).toBe("https://storage.googleapis.com/");
});

// cloudresourcemanager.v3.json, revision 20240604: projects.testIamPermissions is POST
// "v3/{+resource}:testIamPermissions", resource matching ^projects/[^/]+$ (the project id), request
// TestIamPermissionsRequest {permissions: string[]} (no wildcards), response TestIamPermissionsResponse
// {permissions: string[]}, "a subset of TestPermissionsRequest.permissions that the caller is allowed". v1 has the same
// method at POST v1/projects/{resource}:testIamPermissions; v3 is the current version. The reference states no
// maximum list size; the preflight sends at most 100.
test("Resource Manager v3 projects.testIamPermissions: POST, the permissions in the body, with the caller's token", async () => {
  await checkPermissions(ctx);
  const calls = fake.requestsTo("/cloudresourcemanager/");
  expect(calls.length).toBeGreaterThan(0);
  for (const call of calls) {
    expect(call.method).toBe("POST");
    expect(call.path).toBe("/cloudresourcemanager/v3/projects/my-metaflow-project:testIamPermissions");
    expect(Object.keys(call.body as object)).toEqual(["permissions"]);
    expect(call.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(call.headers["content-type"]).toBe("application/json");
  }
});

// orgpolicy.v2.json, revision 20230918: projects.policies.getEffectivePolicy is GET "v2/{+name}:getEffectivePolicy",
// name matching ^projects/[^/]+/policies/[^/]+$; "projects/{project_id}/policies/{constraint_name}" is accepted in
// requests, responses name the project by number. The answer is a GoogleCloudOrgpolicyV2Policy whose
// spec.rules[] (PolicySpecPolicyRule) carry `enforce` (boolean constraints only), `allowAll`, `denyAll` and
// `values.{allowedValues,deniedValues}` (list constraints only); an effective policy has no etag and no condition.
// Permission: orgpolicy.policy.get (the REST reference of getEffectiveOrgPolicy, v1).
test("Org Policy v2 projects.policies.getEffectivePolicy: GET by project id and constraint, no body", async () => {
  await checkResourceLocations(ctx);
  const [call] = fake.requestsTo("/orgpolicy/");
  expect(call.method).toBe("GET");
  expect(call.path).toBe("/orgpolicy/v2/projects/my-metaflow-project/policies/gcp.resourceLocations:getEffectivePolicy");
  expect(call.body).toBeUndefined();
});

// compute.v1.json, revision 20250126: regions.get is GET "projects/{project}/regions/{region}" under
// baseUrl https://compute.googleapis.com/compute/v1/, answering a Region with quotas[] of Quota {metric (enum:
// CPUS "Guest CPUs", E2_CPUS, N2_CPUS, ..., IN_USE_ADDRESSES, NVIDIA_*_GPUS), limit (double), usage (double),
// owner} and, when the quotas could not be fetched, quotaStatusWarning. Permission: compute.regions.get.
test("Compute v1 regions.get: GET the environment's region; the metrics the preflight reads are the API's", async () => {
  await checkQuotas(ctx);
  const [call] = fake.requestsTo("/compute/");
  expect(call.method).toBe("GET");
  expect(call.path).toBe("/compute/compute/v1/projects/my-metaflow-project/regions/us-central1");
  const enumValues = ["CPUS", "E2_CPUS", "N2_CPUS", "N2D_CPUS", "C2_CPUS", "C3_CPUS", "A2_CPUS", "T2D_CPUS", "IN_USE_ADDRESSES"];
  for (const machine of [
    "e2-standard-4",
    "n1-standard-8",
    "n2-standard-8",
    "n2d-standard-8",
    "c2-standard-8",
    "c3-standard-8",
    "a2-highgpu-1g",
    "t2d-standard-4",
  ]) {
    for (const { metric } of cpuMetrics(machine)) expect(enumValues).toContain(metric);
  }
});

// storage.v1.json, revision 20230119: buckets.get is GET "b/{bucket}" under rootUrl https://storage.googleapis.com/
// and servicePath storage/v1/, answering a Bucket whose versioning.enabled is "while set to true, versioning is
// fully enabled". Permission: storage.buckets.get on the bucket.
test("Cloud Storage v1 buckets.get: GET the state bucket by name", async () => {
  await checkStateBucket(ctx);
  const [call] = fake.requestsTo("/storage/");
  expect(call.method).toBe("GET");
  expect(call.path).toBe("/storage/storage/v1/b/acme-terraform-state");
});

// compute/v1/compute-api.json of google.golang.org/api v0.245.0 (revision 20250728): subnetworks.get is GET
// "projects/{project}/regions/{region}/subnetworks/{subnetwork}" under baseUrl https://compute.googleapis.com/compute/v1/,
// answering a Subnetwork whose network is the VPC's URL, secondaryIpRanges[] holds SubnetworkSecondaryRange
// {rangeName, ipCidrRange} and privateIpGoogleAccess is a boolean. Permission: compute.subnetworks.get.
test("Compute v1 subnetworks.get: GET network.existing's subnetwork in the host project", async () => {
  const example = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "examples", "shared-vpc.json"), "utf8"));
  await checkExistingNetwork({ ...ctx, env: parseConfig(example).environments[0] });
  const [call] = fake.requestsTo("/compute/");
  expect(call.method).toBe("GET");
  expect(call.path).toBe("/compute/compute/v1/projects/acme-net-host/regions/us-central1/subnetworks/ml-us-central1");
});
