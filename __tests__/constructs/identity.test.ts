import { ProjectIamCustomRole } from "@cdktf/provider-google/lib/project-iam-custom-role";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { METAFLOW_ADMIN_PERMISSIONS } from "../../constructs/admin-permissions";
import { MetaflowIdentity, MetaflowIdentityProps } from "../../constructs/identity";
import { bareStack, onlyResource, refTo, resolve, resourcesOf, synth } from "./stack";

const PROPS: MetaflowIdentityProps = {
  project: "p",
  serviceAccountId: "mf-test",
  bucketName: "acme-metaflow",
  sqlInstanceName: "mf-test-pg-abc123",
  flowRunnerAccess: "namespace",
};

function build(props: Partial<MetaflowIdentityProps> = {}) {
  const stack = bareStack("google");
  const identity = new MetaflowIdentity(stack, "identity", { ...PROPS, ...props });
  const { text, json } = synth(stack);
  const members = Object.values<any>(resourcesOf(json, "google_project_iam_member"));
  /** The roles granted to a member, sorted. */
  const rolesOf = (member: string) =>
    members
      .filter((m) => m.member === member)
      .map((m) => m.role)
      .sort();
  return { identity, text, json, members, rolesOf, saMember: refTo(json, "google_service_account", "member") };
}

describe("MetaflowIdentity", () => {
  const { identity, text, json, members, rolesOf, saMember } = build();
  const grant = (role: string) => members.find((m) => m.member === saMember && m.role === role);

  test("is one service account in the project", () => {
    expect(text).toHaveResourceWithProperties(ServiceAccount, { project: "p", account_id: "mf-test", display_name: "Metaflow" });
  });

  test("grants the service account exactly object admin, SQL client and GKE Cluster Viewer (Kubernetes rights come from RBAC)", () => {
    expect(rolesOf(saMember)).toEqual(["roles/cloudsql.client", "roles/container.clusterViewer", "roles/storage.objectAdmin"]);
    for (const m of members) expect(m.project).toBe("p");
  });

  test("scopes object access to the datastore bucket and nothing that merely shares its prefix", () => {
    expect(grant("roles/storage.objectAdmin").condition).toEqual({
      title: "metaflow-datastore-only",
      description: "Objects of the bucket acme-metaflow only",
      expression: 'resource.name == "projects/_/buckets/acme-metaflow" || resource.name.startsWith("projects/_/buckets/acme-metaflow/")',
    });
  });

  test("scopes SQL access to the given instance", () => {
    expect(grant("roles/cloudsql.client").condition.expression).toBe('resource.name == "projects/p/instances/mf-test-pg-abc123"');
    expect(grant("roles/container.clusterViewer").condition).toBeUndefined();
  });

  test("is keyless by default, and exposes the account as references", () => {
    expect(resourcesOf(json, "google_service_account_key")).toEqual({});
    expect(identity.privateKey).toBeUndefined();
    expect(resourcesOf(json, "google_service_account_iam_member")).toEqual({});
    expect(resolve(identity, identity.email)).toBe(refTo(json, "google_service_account", "email"));
    expect(resolve(identity, identity.member)).toBe(saMember);
    expect(resolve(identity, identity.serviceAccountName)).toBe(refTo(json, "google_service_account", "name"));
  });

  test("creates a key only when asked", () => {
    const on = build({ createKey: true });
    const key = onlyResource(on.json, "google_service_account_key");
    expect(key.service_account_id).toBe(refTo(on.json, "google_service_account", "name"));
    expect(resolve(on.identity, on.identity.privateKey)).toBe(refTo(on.json, "google_service_account_key", "private_key"));
  });

  test("lets each impersonator mint tokens of this service account only, and grants them nothing else", () => {
    const runners = [
      "serviceAccount:ci@acme-ops.iam.gserviceaccount.com",
      "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/attribute.repository/acme/ml",
    ];
    const { json, members } = build({ impersonators: runners });
    const grants = Object.values<any>(resourcesOf(json, "google_service_account_iam_member"));
    expect(grants.map((g) => g.member).sort()).toEqual([...runners].sort());
    for (const g of grants) {
      expect(g.role).toBe("roles/iam.serviceAccountTokenCreator");
      expect(g.service_account_id).toBe(refTo(json, "google_service_account", "name"));
    }
    expect(members.filter((m) => runners.includes(m.member))).toEqual([]);
  });

  test("grants flow runners GKE Cluster Viewer and bucket-scoped object admin only, and nobody Kubernetes Engine Developer", () => {
    const { members, rolesOf } = build({ flowRunners: ["group:ml@example.com", "user:a@example.com"] });
    for (const runner of ["group:ml@example.com", "user:a@example.com"]) {
      expect(rolesOf(runner)).toEqual(["roles/container.clusterViewer", "roles/storage.objectAdmin"]);
    }
    const runnerBucket = members.find((m) => m.member === "group:ml@example.com" && m.role === "roles/storage.objectAdmin");
    expect(runnerBucket.condition.expression).toContain('"projects/_/buckets/acme-metaflow/"');
    for (const m of members) expect(m.role).not.toBe("roles/container.developer");
  });

  test('with flowRunnerAccess "project", flow runners and the service account get Kubernetes Engine Developer instead', () => {
    const { rolesOf, saMember } = build({ flowRunners: ["group:ml@example.com"], flowRunnerAccess: "project" });
    expect(rolesOf("group:ml@example.com")).toEqual(["roles/container.developer", "roles/storage.objectAdmin"]);
    expect(rolesOf(saMember)).toEqual(["roles/cloudsql.client", "roles/container.developer", "roles/storage.objectAdmin"]);
  });

  test("creates the admin custom role only when given its id, with the admin permissions", () => {
    expect(resourcesOf(json, "google_project_iam_custom_role")).toEqual({});
    const withRole = build({ adminRoleId: "metaflow_admin" });
    expect(withRole.text).toHaveResourceWithProperties(ProjectIamCustomRole, {
      project: "p",
      role_id: "metaflow_admin",
      stage: "GA",
      permissions: METAFLOW_ADMIN_PERMISSIONS,
    });
    expect(METAFLOW_ADMIN_PERMISSIONS).toContain("cloudsql.instances.create");
  });

  test("grants no primitive role, whatever the options", () => {
    const all = build({ flowRunners: ["user:a@example.com"], flowRunnerAccess: "project", adminRoleId: "metaflow_admin" });
    expect(all.members.length).toBeGreaterThan(0);
    for (const m of all.members) expect(m.role).not.toMatch(/^roles\/(owner|editor|viewer)$/);
  });

  test("creates the service account after the resources it is given", () => {
    const after = build({ dependsOn: [{ fqn: "google_project_service.iam" }] });
    expect(onlyResource(after.json, "google_service_account").depends_on).toEqual(["google_project_service.iam"]);
  });
});
