import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { FlowSecrets, SECRET_CREATE_PERMISSION } from "../../constructs/flow-secrets";
import { bareStack, PROJECT, resolve, resourcesOf, synth } from "./stack";

const props = { project: PROJECT, projectNumber: "123456789012", prefix: "mf-dev-", creatorRoleId: "mf_dev_secret_create" };
const CONDITION = {
  title: "metaflow-secrets-only",
  description: "Secrets whose ids start with mf-dev-, and their versions",
  expression: 'resource.name.startsWith("projects/123456789012/secrets/mf-dev-")',
};

describe("FlowSecrets", () => {
  const stack = bareStack("google");
  const secrets = new FlowSecrets(stack, "secrets", props);
  secrets.grantRead("sa", "serviceAccount:mf@p.iam.gserviceaccount.com");
  secrets.grantWrite("runner", "group:ml@example.com");
  const { text, json } = synth(stack);
  const grants = Object.values<any>(resourcesOf(json, "google_project_iam_member"));

  test("publishes the prefix Metaflow puts before a source's id: the project number's secrets, then the id prefix", () => {
    expect(resolve(stack, secrets.resourcePrefix)).toBe("projects/123456789012/secrets/mf-dev-");
  });

  test("a reader may access the payloads of the prefix's secrets only", () => {
    expect(text).toHaveResourceWithProperties(ProjectIamMember, {
      project: PROJECT,
      role: "roles/secretmanager.secretAccessor",
      member: "serviceAccount:mf@p.iam.gserviceaccount.com",
      condition: CONDITION,
    });
    expect(grants.filter((g) => g.member.startsWith("serviceAccount:"))).toHaveLength(1);
  });

  test("a writer may create secrets, and add versions to and read the prefix's secrets only", () => {
    const mine = grants.filter((g) => g.member === "group:ml@example.com");
    expect(mine.filter((g) => g.condition).map((g) => [g.role, g.condition])).toEqual(
      expect.arrayContaining([
        ["roles/secretmanager.secretVersionAdder", CONDITION],
        ["roles/secretmanager.secretAccessor", CONDITION],
      ]),
    );
    // Creating is authorized on the project: its one grant carries the custom role of that one permission.
    const unconditioned = mine.filter((g) => !g.condition);
    expect(unconditioned.map((g) => g.role)).toEqual([
      expect.stringMatching(/^\$\{google_project_iam_custom_role\.secrets_creator-role_\w+\.name\}$/),
    ]);
    expect(text).toHaveResourceWithProperties(ProjectIamCustomRole, {
      project: PROJECT,
      role_id: "mf_dev_secret_create",
      permissions: [SECRET_CREATE_PERMISSION],
      stage: "GA",
    });
    expect(mine).toHaveLength(3);
  });

  test("the creator role exists once, with the first writer, and never without one", () => {
    const two = bareStack("google");
    const s = new FlowSecrets(two, "secrets", props);
    s.grantWrite("a", "user:a@example.com");
    s.grantWrite("b", "user:b@example.com");
    expect(Object.keys(resourcesOf(synth(two).json, "google_project_iam_custom_role"))).toHaveLength(1);
    const none = bareStack("google");
    new FlowSecrets(none, "secrets", props).grantRead("sa", "serviceAccount:mf@p.iam.gserviceaccount.com");
    expect(resourcesOf(synth(none).json, "google_project_iam_custom_role")).toEqual({});
  });
});
