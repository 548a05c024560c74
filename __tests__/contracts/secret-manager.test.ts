// Facts of Secret Manager and its IAM, from Google's documentation, checked on what we synthesize for @secrets.
import { REQUIRED_APIS } from "../../constructs/project-apis";
import { SECRET_CREATE_PERMISSION } from "../../constructs/flow-secrets";
import { SECRET_ID_MAX, secretIdPrefix } from "../../config/secrets";
import { resourcesOf, synthDev } from "../helpers";

const runner = "group:ml@example.com";
const infra = synthDev((e) => (e.identity = { flowRunners: [runner] })).infraJson;
const grants = Object.values<any>(resourcesOf(infra, "google_project_iam_member"));
const secretGrants = grants.filter((g) => /secretmanager|secrets_creator-role/.test(g.role));
const roles = Object.values<any>(resourcesOf(infra, "google_project_iam_custom_role"));

test("the Secret Manager API is enabled with the others", () => {
  expect(REQUIRED_APIS).toContain("secretmanager.googleapis.com");
});

// "Resource attributes for IAM Conditions" (cloud.google.com/iam/docs/conditions-resource-attributes#resource-name):
// Secret Manager supports resource.name, and names a secret projects/<project number>/secrets/<secret id> and its
// versions .../versions/<version>; the project id in its place matches nothing. The number is read from the project.
test("every name-scoped grant matches projects/<project number>/secrets/<prefix>, the number read from the project", () => {
  const scoped = secretGrants.filter((g) => g.condition);
  expect(scoped.map((g) => g.role).sort()).toEqual([
    "roles/secretmanager.secretAccessor",
    "roles/secretmanager.secretAccessor",
    "roles/secretmanager.secretVersionAdder",
  ]);
  for (const g of scoped) {
    expect(g.condition.expression).toBe('resource.name.startsWith("projects/${data.google_project.project.number}/secrets/metaflow-dev-")');
  }
  expect(infra.data.google_project.project.project_id).toBe("my-metaflow-project");
});

// "Access control with IAM" (cloud.google.com/secret-manager/docs/access-control): secretAccessor holds
// secretmanager.versions.access, secretVersionAdder secretmanager.versions.add (to existing secrets), admin
// secretmanager.* (setIamPolicy and delete included); no predefined role holds secretmanager.secrets.create without admin.
// CreateSecretRequest.parent is "the resource name of the project ... in the format projects/*" (Secret Manager API
// reference), and reported denials of secretmanager.secrets.create name projects/<project>: the create is authorized on
// the project, which no secret-name condition matches, and Google does not document otherwise. So flow runners get a
// custom role of that one permission, unconditioned, and nothing they create outside the prefix can hold a version.
test("flow runners may create secrets (a custom role of that one permission) and add versions and read under the prefix only", () => {
  const creator = roles.find((r) => r.role_id === "metaflow_dev_secret_create");
  expect(creator.permissions).toEqual([SECRET_CREATE_PERMISSION]);
  const of = (member: string) => secretGrants.filter((g) => g.member === member);
  const held = of(runner)
    .map((g) => [g.role, g.condition === undefined])
    .sort();
  expect(held).toEqual([
    [expect.stringMatching(/^\$\{google_project_iam_custom_role\.secrets_creator-role_\w+\.name\}$/), true],
    ["roles/secretmanager.secretAccessor", false],
    ["roles/secretmanager.secretVersionAdder", false],
  ]);
  // The Metaflow service account, which every pod of the jobs namespace acts as, only reads.
  const sa = secretGrants.filter((g) => /identity_service-account/.test(g.member));
  expect(sa.map((g) => g.role)).toEqual(["roles/secretmanager.secretAccessor"]);
  // Nobody may change a secret's IAM policy, delete secrets or destroy versions.
  expect(grants.map((g) => g.role)).not.toContain("roles/secretmanager.admin");
  expect(roles.flatMap((r) => r.permissions).filter((p: string) => /^secretmanager\./.test(p))).toEqual([SECRET_CREATE_PERMISSION]);
});

// Secret Manager API reference, CreateSecretRequest.secret_id: "a string with a maximum length of 255 characters and can
// contain uppercase and lowercase letters, numerals, and the hyphen (-) and underscore (_) characters".
test("a secret prefix leaves room for a name under Secret Manager's id rule", () => {
  const id = /^[A-Za-z0-9_-]{1,255}$/;
  expect(SECRET_ID_MAX).toBe(255);
  const longest = `${"a".repeat(SECRET_ID_MAX - 2)}-`;
  expect(secretIdPrefix.safeParse(longest).success).toBe(true);
  expect(`${longest}x`).toMatch(id);
  expect(secretIdPrefix.safeParse(`${longest.slice(0, -1)}a-`).success).toBe(false);
  for (const bad of ["", "-", "ml.team-", "ml/", "ml team-", "ml"]) {
    expect([bad, secretIdPrefix.safeParse(bad).success]).toEqual([bad, bad === "-"]);
  }
});
