// The ci slice: off by default; when set, the infra stack gets the CI identity and the outputs a workflow needs, and a
// bad value stops the synth naming the environment, the field, the value and the rule.
import { devConfig, issuesOf, resourcesOf, synthDev } from "./helpers";

const STATE = { bucket: "acme-terraform-state" };
const withCi =
  (ci: object, stateBackend: object | null = STATE) =>
  (e: any, raw: any) => {
    if (stateBackend) raw.stateBackend = stateBackend;
    e.ci = ci;
  };

test("off by default: no pool, no CI service account, no CI output", () => {
  const { infraJson } = synthDev();
  expect(resourcesOf(infraJson, "google_iam_workload_identity_pool")).toEqual({});
  expect(Object.keys(infraJson.output).filter((o) => o.startsWith("ci_"))).toEqual([]);
});

describe("with ci.github.repository", () => {
  const { infraJson } = synthDev(withCi({ github: { repository: "acme/ml-platform" } }));

  test("the infra stack outputs the workflow's provider and service accounts", () => {
    expect(
      Object.keys(infraJson.output)
        .filter((o) => o.startsWith("ci_"))
        .sort(),
    ).toEqual(["ci_deployer_service_account", "ci_planner_service_account", "ci_workload_identity_provider"]);
    expect(infraJson.output.ci_workload_identity_provider.value).toMatch(/^\$\{google_iam_workload_identity_pool_provider\.\S+\.name\}$/);
  });

  test("names derive from namePrefix and the environment; the deploy environment defaults to its name", () => {
    const pool = Object.values<any>(resourcesOf(infraJson, "google_iam_workload_identity_pool"))[0];
    expect(pool.workload_identity_pool_id).toBe("metaflow-dev-ci");
    const ids = Object.values<any>(resourcesOf(infraJson, "google_service_account")).map((a) => a.account_id);
    expect(ids).toEqual(expect.arrayContaining(["metaflow-dev-deploy", "metaflow-dev-plan"]));
    const provider = Object.values<any>(resourcesOf(infraJson, "google_iam_workload_identity_pool_provider"))[0];
    expect(provider.attribute_condition).toContain('"repo:acme/ml-platform:environment:dev"');
  });

  test("the deployer role defaults to the project's metaflow_admin; the APIs of token exchange are enabled", () => {
    const roles = Object.values<any>(resourcesOf(infraJson, "google_project_iam_member")).map((m) => m.role);
    expect(roles).toContain("projects/my-metaflow-project/roles/metaflow_admin");
    const apis = Object.values<any>(resourcesOf(infraJson, "google_project_service")).map((s) => s.service);
    expect(apis).toEqual(expect.arrayContaining(["iamcredentials.googleapis.com", "sts.googleapis.com"]));
  });
});

test("with identity.createAdminRole, the deployer is granted the role the stack creates", () => {
  const { infraJson } = synthDev((e, raw) => {
    withCi({ github: { repository: "acme/ml-platform" } })(e, raw);
    e.identity = { createAdminRole: true };
  });
  const roles = Object.values<any>(resourcesOf(infraJson, "google_project_iam_member")).map((m) => m.role);
  const adminRole = Object.entries<any>(resourcesOf(infraJson, "google_project_iam_custom_role")).find(
    ([, r]) => r.role_id === "metaflow_admin",
  )![0];
  expect(roles).toContain(`\${google_project_iam_custom_role.${adminRole}.name}`);
});

test("a full role name and a deploy environment are taken as written", () => {
  const { infraJson } = synthDev(
    withCi({ github: { repository: "acme/ml", deployEnvironment: "production" }, deployerRole: "organizations/123/roles/deployer" }),
  );
  const roles = Object.values<any>(resourcesOf(infraJson, "google_project_iam_member")).map((m) => m.role);
  expect(roles).toContain("organizations/123/roles/deployer");
  const provider = Object.values<any>(resourcesOf(infraJson, "google_iam_workload_identity_pool_provider"))[0];
  expect(provider.attribute_condition).toContain('"repo:acme/ml:environment:production"');
});

test.each<[string, (e: any, raw: any) => void, string]>([
  [
    "no state backend",
    withCi({ github: { repository: "acme/ml" } }, null),
    'environment "dev", field "ci" = {"github":{"repository":"acme/ml"}}: CI needs Terraform state it can share between runs: set stateBackend.bucket at the top level',
  ],
  [
    "a repository URL",
    withCi({ github: { repository: "https://github.com/acme/ml" } }),
    'environment "dev", field "ci.github.repository" = "https://github.com/acme/ml": must be a GitHub repository as "owner/name", such as "acme/ml-platform"',
  ],
  [
    "a branch name as ref",
    withCi({ github: { repository: "acme/ml", deployRef: "main" } }),
    'environment "dev", field "ci.github.deployRef" = "main": must be a full Git ref such as "refs/heads/main"',
  ],
  [
    'a pool id starting with "gcp-"',
    (e, raw) => {
      withCi({ github: { repository: "acme/ml" } })(e, raw);
      e.namePrefix = "gcp";
    },

    'field "namePrefix" = "gcp": the derived Workload Identity pool id (<namePrefix>-<env>-ci) "gcp-dev-ci" breaks a rule: Workload Identity pool ids must not start with "gcp-" (reserved by Google)',
  ],
])("%s", (_, mutate, expected) => {
  expect(issuesOf(devConfig(mutate)).join("\n")).toContain(expected);
});
