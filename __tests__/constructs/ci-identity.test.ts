import { METAFLOW_ADMIN_PERMISSIONS } from "../../constructs/admin-permissions";
import { CiIdentity, CiIdentityProps, PLANNER_PERMISSIONS } from "../../constructs/ci-identity";
import { bareStack, onlyResource, refTo, resourcesOf, synth } from "./stack";

const PROPS: CiIdentityProps = {
  project: "p",
  poolId: "mf-dev-ci",
  repository: "acme/ml-platform",
  deployEnvironment: "dev",
  deployRef: "refs/heads/main",
  deployerAccountId: "mf-dev-deploy",
  deployerRole: "projects/p/roles/metaflow_admin",
  plannerAccountId: "mf-dev-plan",
  plannerRoleId: "mf_dev_ci_plan",
  stateBucket: "acme-terraform-state",
};

function build(props: Partial<CiIdentityProps> = {}) {
  const stack = bareStack("google");
  new CiIdentity(stack, "ci", { ...PROPS, ...props });
  const { json } = synth(stack);
  const memberOf = (accountId: string) => {
    const key = Object.keys(resourcesOf(json, "google_service_account")).find(
      (k) => json.resource.google_service_account[k].account_id === accountId,
    );
    return `\${google_service_account.${key}.member}`;
  };
  return { json, memberOf };
}

describe("CiIdentity", () => {
  const { json, memberOf } = build();
  const deployer = memberOf("mf-dev-deploy");
  const planner = memberOf("mf-dev-plan");

  test("the provider accepts only the repository's tokens, and the deploy environment's only from the deploy ref", () => {
    const provider = onlyResource(json, "google_iam_workload_identity_pool_provider");
    expect(provider.oidc.issuer_uri).toBe("https://token.actions.githubusercontent.com");
    expect(provider.attribute_condition).toBe(
      'assertion.repository == "acme/ml-platform" && ' +
        '(assertion.sub != "repo:acme/ml-platform:environment:dev" || assertion.ref == "refs/heads/main")',
    );
    expect(provider.attribute_mapping).toEqual({
      "google.subject": "assertion.sub",
      "attribute.repository": "assertion.repository",
      "attribute.ref": "assertion.ref",
    });
  });

  test("only the deploy environment's subject may act as the deployer; any run of the repository as the planner", () => {
    const bindings = Object.values<any>(resourcesOf(json, "google_service_account_iam_member"));
    expect(bindings.every((b) => b.role === "roles/iam.workloadIdentityUser")).toBe(true);
    const pool = refTo(json, "google_iam_workload_identity_pool", "name");
    const deployerName = deployer.replace(".member}", ".name}");
    const plannerName = planner.replace(".member}", ".name}");
    expect(bindings.find((b) => b.service_account_id === deployerName)?.member).toBe(
      `principal://iam.googleapis.com/${pool}/subject/repo:acme/ml-platform:environment:dev`,
    );
    expect(bindings.find((b) => b.service_account_id === plannerName)?.member).toBe(
      `principalSet://iam.googleapis.com/${pool}/attribute.repository/acme/ml-platform`,
    );
    expect(bindings).toHaveLength(2);
  });

  test("the deployer holds the deployer role; the planner only the read-only role", () => {
    const grants = Object.values<any>(resourcesOf(json, "google_project_iam_member")).map((g) => [g.member, g.role]);
    const plannerRole = refTo(json, "google_project_iam_custom_role", "name");
    expect(
      grants
        .filter(([m]) => m === deployer)
        .map(([, r]) => r)
        .sort(),
    ).toEqual(["projects/p/roles/metaflow_admin", plannerRole].sort());
    expect(grants.filter(([m]) => m === planner).map(([, r]) => r)).toEqual([plannerRole]);
  });

  test("the planner role reads and never writes", () => {
    const role = onlyResource(json, "google_project_iam_custom_role");
    expect(role.permissions).toEqual(PLANNER_PERMISSIONS);
    const writes = PLANNER_PERMISSIONS.filter((p) => /\.(create|delete|update|setIamPolicy|actAs|createToken|escalate|bind)$/.test(p));
    expect(writes).toEqual([]);
    // Every read of the deployer role is there, so a plan refreshes whatever a deploy created.
    const reads = METAFLOW_ADMIN_PERMISSIONS.filter((p) => /\.(get|list|getIamPolicy)$/.test(p));
    expect(reads.filter((p) => !PLANNER_PERMISSIONS.includes(p))).toEqual([]);
  });

  test("state: the deployer reads and writes it, the planner reads it", () => {
    const grants = Object.values<any>(resourcesOf(json, "google_storage_bucket_iam_member"));
    expect(grants.every((g) => g.bucket === "acme-terraform-state")).toBe(true);
    expect(
      grants
        .filter((g) => g.member === deployer)
        .map((g) => g.role)
        .sort(),
    ).toEqual(["roles/storage.legacyBucketOwner", "roles/storage.objectUser"]);
    expect(grants.filter((g) => g.member === planner).map((g) => g.role)).toEqual(["roles/storage.objectViewer"]);
  });

  test("the deploy environment and ref are the props'", () => {
    const provider = onlyResource(
      build({ deployEnvironment: "production", deployRef: "refs/heads/release" }).json,
      "google_iam_workload_identity_pool_provider",
    );
    expect(provider.attribute_condition).toContain('assertion.sub != "repo:acme/ml-platform:environment:production"');
    expect(provider.attribute_condition).toContain('assertion.ref == "refs/heads/release"');
  });
});
