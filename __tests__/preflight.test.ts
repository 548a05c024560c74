// The preflight's checks, each on its pass and its fail path, against a local server on 127.0.0.1 answering as
// Google's APIs and the registries do (fake-apis.ts). Credentials: an auth client holding a fixed access token.
import { METAFLOW_ADMIN_PERMISSIONS } from "../constructs/admin-permissions";
import { AppConfig, parseConfig } from "../config";
import { serviceImages } from "../stacks/service-images";
import { CheckResult, formatResult, runPreflight, summary } from "../preflight";
import { checkShieldedVm, checkSqlPublicIp, checkVmExternalIp } from "../preflight/org-policies";
import { planFacts } from "../preflight/plan-facts";
import { machineVcpus } from "../preflight/quotas";
import { endpoints } from "../preflight/endpoints";
import { GoogleClient } from "../preflight/http";
import { FakeApis, FakeState, fixedTokenAuth, passingState } from "./preflight/fake-apis";
import { devConfig } from "./helpers";

const BUCKET = "acme-terraform-state";
const TIMEOUT_MS = 5000;

/** The shipped dev environment with a state bucket and a key (the settings the checks look at), then `mutate`. */
function config(mutate: (env: any, raw: any) => void = () => undefined): AppConfig {
  return parseConfig(
    devConfig((env, raw) => {
      raw.stateBackend = { bucket: BUCKET };
      env.identity = { createKey: true };
      mutate(env, raw);
    }),
  );
}

let fake: FakeApis;
beforeAll(async () => {
  fake = await new FakeApis(passingState(config().environments[0], METAFLOW_ADMIN_PERMISSIONS, BUCKET)).start();
});
afterAll(() => fake.close());

/** Runs the preflight of the config's first environment against a fake whose passing state `change` edits. */
async function run(cfg: AppConfig = config(), change: (s: FakeState) => void = () => undefined): Promise<CheckResult[]> {
  const env = cfg.environments[0];
  fake.state = passingState(env, METAFLOW_ADMIN_PERMISSIONS, cfg.stateBackend?.bucket);
  change(fake.state);
  fake.requests.length = 0;
  return runPreflight(cfg, env, { auth: fixedTokenAuth(), baseUrl: fake.baseUrl, timeoutMs: TIMEOUT_MS });
}

/** The one line of `check`. */
function line(results: CheckResult[], check: string): CheckResult {
  const found = results.filter((r) => r.check === check);
  expect(found.map((r) => r.check)).toEqual([check]);
  return found[0];
}

const policy = (rules: object[]) => ({ spec: { rules } });

test("on a ready project every check passes, one line each, in a fixed order", async () => {
  const results = await run();
  expect(results.filter((r) => r.status !== "pass").map(formatResult)).toEqual([]);
  expect(results.map((r) => r.check)).toEqual([
    "credentials",
    "permissions",
    "org policy iam.disableServiceAccountKeyCreation",
    "org policy gcp.resourceLocations",
    "org policy iam.allowedPolicyMemberDomains",
    "org policy sql.restrictPublicIp",
    "org policy compute.vmExternalIpAccess",
    "org policy compute.requireShieldedVm",
    "org policy compute.restrictLoadBalancerCreationForTypes",
    "quota IN_USE_ADDRESSES in us-central1",
    "quota CPUS in us-central1",
    "state bucket",
    ...serviceImages(config().environments[0]).map((i) => `image ${i.image}`),
  ]);
  expect(summary(results)).toBe(`${results.length} passed, 0 failed, 0 warnings, 0 skipped`);
});

describe("permissions", () => {
  test("passes when the caller holds every permission of metaflow_admin, asking at most 100 at a time", async () => {
    expect(line(await run(), "permissions")).toMatchObject({ status: "pass" });
    const asked = fake.requestsTo("/cloudresourcemanager/").map((r) => (r.body as { permissions: string[] }).permissions);
    expect(asked.every((batch) => batch.length <= 100)).toBe(true);
    expect(asked.flat().sort()).toEqual([...METAFLOW_ADMIN_PERMISSIONS].sort());
    expect(asked).toHaveLength(Math.ceil(METAFLOW_ADMIN_PERMISSIONS.length / 100));
  });

  test("fails naming each permission the caller lacks, and how to fix the role", async () => {
    const result = line(
      await run(config(), (s) => {
        s.held.delete("container.clusters.create");
        s.held.delete("storage.buckets.create");
      }),
      "permissions",
    );
    expect(result).toMatchObject({ status: "fail" });
    expect(result.message).toMatch(
      /lacks 2 of the \d+ permissions of metaflow_admin on my-metaflow-project: container.clusters.create, storage.buckets.create/,
    );
    expect(result.fix).toMatch(/gcloud iam roles update metaflow_admin --project my-metaflow-project/);
  });

  test("names the first few of many missing permissions and counts the rest", async () => {
    const result = line(await run(config(), (s) => (s.held = new Set())), "permissions");
    const n = METAFLOW_ADMIN_PERMISSIONS.length;
    expect(result.message).toBe(
      `the caller lacks ${n} of the ${n} permissions of metaflow_admin on my-metaflow-project: ${METAFLOW_ADMIN_PERMISSIONS.slice(0, 12).join(", ")} and ${n - 12} more`,
    );
  });

  test("fails with the API's message when the project refuses the call", async () => {
    const result = line(await run(config(), (s) => (s.project = "another-project")), "permissions");
    expect(result).toMatchObject({ status: "fail" });
    expect(result.message).toMatch(/HTTP 403 PERMISSION_DENIED: The caller does not have permission/);
  });
});

describe("org policy iam.disableServiceAccountKeyCreation", () => {
  const CHECK = "org policy iam.disableServiceAccountKeyCreation";
  const enforced = (s: FakeState) => (s.policies["iam.disableServiceAccountKeyCreation"] = policy([{ enforce: true }]));

  test("fails when enforced and identity.createKey is on", async () => {
    const result = line(await run(config(), enforced), CHECK);
    expect(result).toMatchObject({ status: "fail" });
    expect(result.fix).toMatch(/identity.createKey to false/);
  });

  test("passes when not enforced", async () => {
    const results = await run(config(), (s) => (s.policies["iam.disableServiceAccountKeyCreation"] = policy([{ enforce: false }])));
    expect(line(results, CHECK)).toMatchObject({ status: "pass", message: expect.stringMatching(/not enforced/) });
  });

  test("passes without asking when identity.createKey is off", async () => {
    const results = await run(
      config((env) => (env.identity = { createKey: false })),
      enforced,
    );
    expect(line(results, CHECK)).toMatchObject({ status: "pass", message: expect.stringMatching(/createKey is false/) });
    expect(fake.requestsTo("/orgpolicy/v2/projects/my-metaflow-project/policies/iam.disableServiceAccountKeyCreation")).toEqual([]);
  });

  test("fails, naming the permission to read policies, when the caller cannot read the policy", async () => {
    const result = line(await run(config(), (s) => (s.policies["iam.disableServiceAccountKeyCreation"] = 403)), CHECK);
    expect(result).toMatchObject({ status: "fail", message: expect.stringMatching(/cannot read the effective policy \(HTTP 403/) });
    expect(result.fix).toMatch(/orgpolicy.policy.get/);
  });
});

describe("org policy gcp.resourceLocations", () => {
  const CHECK = "org policy gcp.resourceLocations";
  const locations = (rules: object[], cfg = config()) => run(cfg, (s) => (s.policies["gcp.resourceLocations"] = policy(rules)));

  test("passes when the region's value group holds the region, the zone and the bucket's region", async () => {
    const result = line(await locations([{ values: { allowedValues: ["in:us-central1-locations"] } }]), CHECK);
    expect(result).toMatchObject({ status: "pass", message: "allows us-central1, us-central1-a" });
  });

  test("passes when single locations name them all", async () => {
    const result = line(await locations([{ values: { allowedValues: ["us-central1", "is:us-central1-a"] } }]), CHECK);
    expect(result).toMatchObject({ status: "pass" });
  });

  test("fails when the allowed locations hold none of them, naming each", async () => {
    const result = line(await locations([{ values: { allowedValues: ["in:europe-west1-locations"] } }]), CHECK);
    expect(result).toMatchObject({ status: "fail" });
    expect(result.message).toMatch(
      /region \(VPC subnetwork, Cloud NAT, Cloud SQL\) us-central1: not among the allowed values in:europe-west1-locations/,
    );
    expect(result.message).toMatch(/zonal GKE cluster us-central1-a/);
    expect(result.message).toMatch(/datastore bucket \(storage.location\) us-central1/);
  });

  test("fails on a multi-region bucket outside the allowed region", async () => {
    const cfg = config((env) => (env.storage = { location: "EU" }));
    const result = line(await locations([{ values: { allowedValues: ["in:us-central1-locations"] } }], cfg), CHECK);
    expect(result).toMatchObject({ status: "fail", message: expect.stringMatching(/^refuses datastore bucket \(storage.location\) eu: /) });
  });

  test("fails on a denied location and on deny-all", async () => {
    expect(line(await locations([{ values: { deniedValues: ["us-central1-a"] } }]), CHECK)).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/zonal GKE cluster us-central1-a: denied by us-central1-a/),
    });
    expect(line(await locations([{ denyAll: true }]), CHECK)).toMatchObject({ status: "fail" });
  });

  test("warns, naming the group, when a value group other than a region's decides", async () => {
    const result = line(await locations([{ values: { allowedValues: ["in:us-locations"] } }]), CHECK);
    expect(result).toMatchObject({ status: "warn" });
    expect(result.message).toMatch(/check that in:us-locations holds us-central1/);
  });

  test("passes with allow-all or no policy", async () => {
    expect(line(await locations([{ allowAll: true }]), CHECK)).toMatchObject({ status: "pass", message: "no location restricted" });
    expect(line(await run(), CHECK)).toMatchObject({ status: "pass", message: "no location restricted" });
  });
});

describe("org policy iam.allowedPolicyMemberDomains", () => {
  const CHECK = "org policy iam.allowedPolicyMemberDomains";
  const restricted = (s: FakeState) =>
    (s.policies["iam.allowedPolicyMemberDomains"] = policy([{ values: { allowedValues: ["C01abcd2e"] } }]));
  const withRunners = config((env) => (env.identity = { createKey: true, flowRunners: ["user:ada@acme.com", "group:ml@acme.com"] }));

  test("warns, naming the customer ids and each flow runner to check, when restricted", async () => {
    const result = line(await run(withRunners, restricted), CHECK);
    expect(result).toMatchObject({ status: "warn" });
    expect(result.message).toMatch(
      /restricted to C01abcd2e, Google Workspace or Cloud Identity customer ids that cannot be matched to domains offline/,
    );
    expect(result.message).toMatch(/user:ada@acme.com \(acme.com\), group:ml@acme.com \(acme.com\)/);
  });

  test("passes when restricted but no flow runner is granted anything", async () => {
    expect(line(await run(config(), restricted), CHECK)).toMatchObject({ status: "pass" });
  });

  test("passes when not restricted, fails on deny-all", async () => {
    expect(line(await run(withRunners), CHECK)).toMatchObject({ status: "pass", message: "no member domain restricted" });
    const denyAll = (s: FakeState) => (s.policies["iam.allowedPolicyMemberDomains"] = policy([{ denyAll: true }]));
    expect(line(await run(withRunners, denyAll), CHECK)).toMatchObject({ status: "fail" });
  });
});

describe("constraints the plan complies with: enforced passes, and a plan that broke them would fail", () => {
  const enforcedAll = (s: FakeState) => {
    s.policies["sql.restrictPublicIp"] = policy([{ enforce: true }]);
    s.policies["compute.vmExternalIpAccess"] = policy([{ denyAll: true }]);
    s.policies["compute.requireShieldedVm"] = policy([{ enforce: true }]);
  };

  test("enforced, each passes for what the infra stack deploys", async () => {
    const results = await run(config(), enforcedAll);
    expect(line(results, "org policy sql.restrictPublicIp")).toMatchObject({
      status: "pass",
      message: expect.stringMatching(/private IP only/),
    });
    expect(line(results, "org policy compute.vmExternalIpAccess")).toMatchObject({
      status: "pass",
      message: expect.stringMatching(/no external IP/),
    });
    expect(line(results, "org policy compute.requireShieldedVm")).toMatchObject({
      status: "pass",
      message: expect.stringMatching(/Secure Boot/),
    });
  });

  test("enforced, each fails for a plan with a public SQL IP, node external IPs or nodes without Secure Boot", async () => {
    const cfg = config();
    fake.state = passingState(cfg.environments[0], METAFLOW_ADMIN_PERMISSIONS, BUCKET);
    enforcedAll(fake.state);
    const ctx = {
      env: cfg.environments[0],
      stateBackend: cfg.stateBackend,
      google: new GoogleClient(fixedTokenAuth(), endpoints(fake.baseUrl), TIMEOUT_MS),
      endpoints: endpoints(fake.baseUrl),
      timeoutMs: TIMEOUT_MS,
    };
    const broken = { sqlPublicIp: true, nodeExternalIps: true, shieldedNodesWithSecureBoot: false, loadBalancerTypes: [] };
    expect((await checkSqlPublicIp(ctx, broken)).status).toBe("fail");
    expect((await checkVmExternalIp(ctx, broken)).status).toBe("fail");
    expect((await checkShieldedVm(ctx, broken)).status).toBe("fail");
    expect(planFacts(ctx.env)).not.toEqual(broken);
  });
});

describe("quotas", () => {
  const quotas = (cfg: AppConfig, q: { metric: string; limit: number; usage: number }[]) =>
    run(cfg, (s) => (s.regions[cfg.environments[0].region] = q));
  const CPUS = "quota CPUS in us-central1";

  test("passes with room for the nodes and the autoscaling limits", async () => {
    expect(line(await run(), CPUS)).toMatchObject({
      status: "pass",
      message: "0 of 1000 used, 1000 free; needs 4 at apply, up to 200 with autoscaling",
    });
  });

  test("fails when the apply's nodes do not fit: a regional cluster needs 3 zones x e2-standard-4", async () => {
    const regional = config((env) => {
      delete env.zone;
      env.cluster = { regional: true };
    });
    const result = line(
      await quotas(regional, [
        { metric: "CPUS", limit: 24, usage: 16 },
        { metric: "IN_USE_ADDRESSES", limit: 8, usage: 0 },
      ]),
      CPUS,
    );
    expect(result).toMatchObject({ status: "fail", message: expect.stringMatching(/^16 of 24 used, 8 free; the apply needs 12 for /) });
  });

  test("warns when autoscaling would stop at the quota (a new project's 24 CPUs against the 200 vCPU limit)", async () => {
    const result = line(
      await quotas(config(), [
        { metric: "CPUS", limit: 24, usage: 0 },
        { metric: "IN_USE_ADDRESSES", limit: 8, usage: 0 },
      ]),
      CPUS,
    );
    expect(result).toMatchObject({
      status: "warn",
      message: expect.stringMatching(/the apply needs 4, but autoscaling stops at the quota, below 200/),
    });
  });

  test("fails when no in-use address is left for Cloud NAT", async () => {
    const result = line(
      await quotas(config(), [
        { metric: "CPUS", limit: 1000, usage: 0 },
        { metric: "IN_USE_ADDRESSES", limit: 8, usage: 8 },
      ]),
      "quota IN_USE_ADDRESSES in us-central1",
    );
    expect(result).toMatchObject({ status: "fail", message: expect.stringMatching(/Cloud NAT/) });
  });

  test("checks a machine series' own quota, and E2_CPUS where the region lists it", async () => {
    const n2 = config((env) => (env.cluster = { machineType: "n2-standard-8" }));
    const results = await quotas(n2, [
      { metric: "CPUS", limit: 1000, usage: 0 },
      { metric: "N2_CPUS", limit: 8, usage: 8 },
      { metric: "IN_USE_ADDRESSES", limit: 8, usage: 0 },
    ]);
    expect(line(results, "quota N2_CPUS in us-central1")).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/needs 8 for the node pool/),
    });
    const e2 = await quotas(config(), [
      { metric: "CPUS", limit: 1000, usage: 0 },
      { metric: "E2_CPUS", limit: 2, usage: 0 },
      { metric: "IN_USE_ADDRESSES", limit: 8, usage: 0 },
    ]);
    expect(line(e2, "quota E2_CPUS in us-central1")).toMatchObject({ status: "fail" });
  });

  test("reads the vCPUs of a machine type from its name, and says so when the name does not tell", async () => {
    expect(
      ["e2-medium", "e2-standard-4", "n1-highmem-16", "n2-standard-8", "e2-custom-4-8192", "custom-6-23040", "a2-highgpu-1g"].map(
        machineVcpus,
      ),
    ).toEqual([2, 4, 16, 8, 4, 6, undefined]);
    const a2 = config((env) => (env.cluster = { machineType: "a2-highgpu-1g" }));
    expect(line(await run(a2), "quota CPUs")).toMatchObject({
      status: "warn",
      message: "cannot tell the vCPUs of a2-highgpu-1g from its name: not checked",
    });
  });

  test("fails when the region cannot be read, naming the permission, or the API to enable", async () => {
    const result = line(await run(config(), (s) => (s.regions["us-central1"] = 403)), "quotas in us-central1");
    expect(result).toMatchObject({ status: "fail", fix: expect.stringMatching(/compute.regions.get/) });
    const disabled = line(await run(config(), (s) => (s.disabled = ["compute"])), "quotas in us-central1");
    expect(disabled).toMatchObject({
      status: "fail",
      fix: "enable the API: gcloud services enable compute.googleapis.com --project 123456789012",
    });
  });
});

describe("state bucket", () => {
  const CHECK = "state bucket";

  test("passes when it exists, is readable and versioned", async () => {
    expect(line(await run(), CHECK)).toMatchObject({ status: "pass", message: `gs://${BUCKET} exists, is readable and versioned` });
  });

  test("fails when it does not exist, is not versioned, or cannot be read", async () => {
    expect(line(await run(config(), (s) => (s.buckets = {})), CHECK)).toMatchObject({
      status: "fail",
      message: `gs://${BUCKET} does not exist`,
    });
    expect(line(await run(config(), (s) => (s.buckets[BUCKET] = { versioning: false })), CHECK)).toMatchObject({
      status: "fail",
      fix: `gcloud storage buckets update gs://${BUCKET} --versioning`,
    });
    expect(line(await run(config(), (s) => (s.buckets[BUCKET] = 403)), CHECK)).toMatchObject({
      status: "fail",
      fix: expect.stringMatching(/storage.buckets.get/),
    });
  });

  test("says so when there is no state backend", async () => {
    const local = config((_, raw) => delete raw.stateBackend);
    expect(line(await run(local), CHECK)).toMatchObject({
      status: "skip",
      message: expect.stringMatching(/local files, fine for a trial/),
    });
  });
});

describe("images", () => {
  const NATS = "image nats:2.10.10";

  test("passes when each image resolves behind its registry's token challenge", async () => {
    expect(line(await run(), NATS)).toMatchObject({ status: "pass", message: "resolves (JetStream 2.10.10 server (EventBus))" });
  });

  test("fails on a tag the registry does not have", async () => {
    const result = line(await run(config(), (s) => (s.registries["registry-1.docker.io"].repositories["library/nats"] = ["2.10.9"])), NATS);
    expect(result).toMatchObject({ status: "fail", message: expect.stringMatching(/^no manifest 2.10.10 in docker.io\/library\/nats/) });
  });

  test("fails on a repository the registry does not show", async () => {
    const result = line(await run(config(), (s) => delete s.registries["registry-1.docker.io"].repositories["library/nats"]), NATS);
    expect(result).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/refused the pull \(HTTP 401\): the repository does not exist, or it is not public/),
    });
  });

  test("resolves a digest in a registry without a challenge, and an Artifact Registry image with the caller's token", async () => {
    const DIGEST = `sha256:${"d".repeat(64)}`;
    const digested = config(
      (env) => (env.services = { images: { metadataService: `registry.example.com/metaflow/metadata:v2.5.1@${DIGEST}` } }),
    );
    expect(line(await run(digested), `image registry.example.com/metaflow/metadata:v2.5.1@${DIGEST}`)).toMatchObject({ status: "pass" });
    const AR = "europe-docker.pkg.dev/acme/images/metaflow_metadata_service:v2.5.1";
    const cfg = config((env) => (env.services = { images: { metadataService: AR } }));
    expect(line(await run(cfg), `image ${AR}`)).toMatchObject({ status: "pass" });
    const results2 = await run(
      cfg,
      (s) => (s.registries["europe-docker.pkg.dev"].repositories["acme/images/metaflow_metadata_service"] = []),
    );
    expect(line(results2, `image ${AR}`)).toMatchObject({ status: "fail" });
  });
});

test("an unreachable endpoint fails every check within the bound, naming the URL", async () => {
  const cfg = config();
  const closed = await new FakeApis(fake.state).start();
  const baseUrl = closed.baseUrl;
  await closed.close();
  const started = Date.now();
  const results = await runPreflight(cfg, cfg.environments[0], { auth: fixedTokenAuth(), baseUrl, timeoutMs: 2000 });
  expect(Date.now() - started).toBeLessThan(4000);
  // The fixed token needs no endpoint; everything that does fails.
  expect(results.filter((r) => r.status !== "fail").map(formatResult)).toEqual([
    "PASS  credentials: Application Default Credentials give an access token",
    // Reads nothing for this plan.
    'PASS  org policy compute.restrictLoadBalancerCreationForTypes: not read: services.access is "port-forward", no load balancer',
  ]);
  expect(line(results, "permissions").message).toMatch(
    new RegExp(`could not run: POST ${baseUrl}/cloudresourcemanager/v3/projects/my-metaflow-project:testIamPermissions`),
  );
});

test("without Google credentials one line says so, the Google checks are skipped, and the public registries still answer", async () => {
  const cfg = config();
  const noCredentials = {
    getRequestHeaders: () => Promise.reject(new Error("Could not load the default credentials.")),
  };
  fake.state = passingState(cfg.environments[0], METAFLOW_ADMIN_PERMISSIONS, BUCKET);
  fake.requests.length = 0;
  const results = await runPreflight(cfg, cfg.environments[0], { auth: noCredentials, baseUrl: fake.baseUrl, timeoutMs: TIMEOUT_MS });
  expect(line(results, "credentials")).toMatchObject({
    status: "fail",
    fix: expect.stringMatching(/gcloud auth application-default login/),
  });
  for (const check of ["permissions", "org policy gcp.resourceLocations", "quotas", "state bucket"]) {
    expect(line(results, check)).toMatchObject({ status: "skip", message: expect.stringMatching(/credentials check failed/) });
  }
  expect(results.filter((r) => r.check.startsWith("image ") && r.status !== "pass").map(formatResult)).toEqual([]);
  expect(fake.requestsTo("/cloudresourcemanager/")).toEqual([]);
});

test("a line reads status, check, message and fix", () => {
  expect(formatResult({ check: "state bucket", status: "fail", message: "gs://x does not exist", fix: "create it" })).toBe(
    "FAIL  state bucket: gs://x does not exist. Fix: create it",
  );
  expect(
    summary([
      { check: "a", status: "pass", message: "" },
      { check: "b", status: "warn", message: "" },
    ]),
  ).toBe("1 passed, 0 failed, 1 warning, 0 skipped");
});

describe("org policy compute.restrictLoadBalancerCreationForTypes against services.access", () => {
  const CHECK = "org policy compute.restrictLoadBalancerCreationForTypes";
  const withAccess = (access: object) =>
    config((e) => {
      e.identity = { flowRunners: ["group:ml@example.com"] };
      e.services = { access };
    });
  const iap = withAccess({ mode: "iap", uiHost: "metaflow.example.com", argoHost: "argo.example.com" });
  const internal = withAccess({ mode: "internal", address: "10.10.0.50" });
  const restrict = (rule: object) => (s: FakeState) => (s.policies["compute.restrictLoadBalancerCreationForTypes"] = policy([rule]));

  test("port-forward reads nothing: it makes no load balancer", async () => {
    expect(line(await run(config(), restrict({ denyAll: true })), CHECK)).toMatchObject({ status: "pass", message: /not read/ });
  });

  test.each([
    ["iap, internal types only", () => iap, { values: { allowedValues: ["in:INTERNAL"] } }, "fail"],
    ["iap, the classic Application Load Balancer allowed", () => iap, { values: { allowedValues: ["EXTERNAL_HTTP_HTTPS"] } }, "pass"],
    ["iap, every external type denied", () => iap, { values: { deniedValues: ["is:in:EXTERNAL"] } }, "fail"],
    ["internal, internal types allowed", () => internal, { values: { allowedValues: ["in:INTERNAL"] } }, "pass"],
    ["internal, passthrough denied", () => internal, { values: { deniedValues: ["INTERNAL_TCP_UDP"] } }, "fail"],
    ["internal, every type denied", () => internal, { denyAll: true }, "fail"],
  ])("%s", async (_, cfg, rule, status) => {
    const result = line(await run(cfg(), restrict(rule)), CHECK);
    expect(result.status).toBe(status);
    if (status === "fail") expect(result.message).toMatch(/GKE would never create the UIs' load balancers/);
  });
});

describe("iap sign-in: the project's organisation, whose accounts Google's OAuth client for IAP admits", () => {
  const CHECK = "iap sign-in";
  const iap = () =>
    config((e) => {
      e.identity = { flowRunners: ["group:ml@example.com"] };
      e.services = { access: { mode: "iap", uiHost: "metaflow.example.com", argoHost: "argo.example.com" } };
    });

  test("not asked without iap access", async () => {
    expect((await run()).filter((r) => r.check === CHECK)).toEqual([]);
  });

  test("passes for a project under an organisation or a folder, warns for one outside any", async () => {
    expect(line(await run(iap()), CHECK)).toMatchObject({ status: "pass", message: expect.stringMatching(/organizations\/123456789/) });
    const folder = (s: FakeState) => (s.parent = "folders/42");
    expect(line(await run(iap(), folder), CHECK)).toMatchObject({ status: "pass" });
    const none = (s: FakeState) => delete s.parent;
    expect(line(await run(iap(), none), CHECK)).toMatchObject({
      status: "warn",
      message: expect.stringMatching(/belongs to no organisation/),
    });
  });
});
