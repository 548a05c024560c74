import { METAFLOW_ADMIN_PERMISSIONS } from "../constructs/admin-permissions";
import { onlyResource, resourcesOf, synthDev } from "./helpers";

const members = (json: any) => Object.values(resourcesOf(json, "google_project_iam_member")) as any[];

describe("Metaflow service account and role bindings", () => {
  const { infraJson } = synthDev();
  const metaflowSa = Object.entries(resourcesOf(infraJson, "google_service_account")).find(([, sa]: any) => sa.account_id === "metaflow-dev")!;
  const saMember = `\${google_service_account.${metaflowSa[0]}.member}`;
  const grants = members(infraJson).filter((m) => m.member === saMember);
  const byRole = (role: string) => grants.find((g) => g.role === role);

  test("grants exactly object admin, SQL client and GKE Cluster Viewer (Kubernetes rights come from RBAC)", () => {
    expect(grants.map((g) => g.role).sort()).toEqual(["roles/cloudsql.client", "roles/container.clusterViewer", "roles/storage.objectAdmin"]);
  });

  test("scopes object access to the datastore bucket and nothing that merely shares its prefix", () => {
    const expression = byRole("roles/storage.objectAdmin").condition.expression;
    expect(expression).toBe(
      'resource.name == "projects/_/buckets/my-metaflow-project-metaflow-dev" || resource.name.startsWith("projects/_/buckets/my-metaflow-project-metaflow-dev/")',
    );
  });

  test("scopes SQL access to the Metaflow instance", () => {
    expect(byRole("roles/cloudsql.client").condition.expression).toMatch(
      /^resource\.name == "projects\/my-metaflow-project\/instances\/\$\{google_sql_database_instance\.database_instance_\w+\.name\}"$/,
    );
  });

  test("creates a key by default, and none when keys are turned off", () => {
    const key = onlyResource(infraJson, "google_service_account_key");
    expect(key.service_account_id).toBe(`\${google_service_account.${metaflowSa[0]}.name}`);
    expect(resourcesOf(synthDev((e) => (e.identity = { createKey: false })).infraJson, "google_service_account_key")).toEqual({});
  });

  test("grants flow runners GKE Cluster Viewer and bucket-scoped object admin, and no project-wide Kubernetes rights", () => {
    const json = synthDev((e) => (e.identity = { flowRunners: ["group:ml@example.com"] })).infraJson;
    const runner = members(json).filter((m) => m.member === "group:ml@example.com");
    expect(runner.map((g) => g.role).sort()).toEqual(["roles/container.clusterViewer", "roles/storage.objectAdmin"]);
    expect(runner.find((g) => g.role === "roles/storage.objectAdmin").condition.expression).toContain("projects/_/buckets/my-metaflow-project-metaflow-dev/");
    for (const m of members(json)) expect(m.role).not.toBe("roles/container.developer");
  });

  test('with flowRunnerAccess "project", flow runners and the service account get Kubernetes Engine Developer', () => {
    const json = synthDev((e) => (e.identity = { flowRunners: ["group:ml@example.com"], flowRunnerAccess: "project" })).infraJson;
    const roles = (member: string) => members(json).filter((m) => m.member === member).map((g) => g.role).sort();
    expect(roles("group:ml@example.com")).toEqual(["roles/container.developer", "roles/storage.objectAdmin"]);
    expect(roles(saMember)).toContain("roles/container.developer");
  });

  test("groups turn on Google Groups for RBAC with their domain's gke-security-groups group", () => {
    expect(onlyResource(infraJson, "google_container_cluster").authenticator_groups_config).toBeUndefined();
    const json = synthDev((e) => (e.identity = { flowRunners: ["group:ml@example.com", "user:a@example.com"] })).infraJson;
    expect(onlyResource(json, "google_container_cluster").authenticator_groups_config).toEqual({ security_group: "gke-security-groups@example.com" });
  });

  test("creates the metaflow_admin custom role only on request", () => {
    expect(resourcesOf(infraJson, "google_project_iam_custom_role")).toEqual({});
    const role = onlyResource(synthDev((e) => (e.identity = { createAdminRole: true })).infraJson, "google_project_iam_custom_role");
    expect(role.role_id).toBe("metaflow_admin");
    expect(role.permissions).toEqual(METAFLOW_ADMIN_PERMISSIONS);
    expect(role.permissions).toContain("cloudsql.instances.create");
  });

  test("grants no primitive role anywhere", () => {
    const json = synthDev((e) => (e.identity = { flowRunners: ["user:a@example.com"], createAdminRole: true })).infraJson;
    for (const m of members(json)) expect(m.role).not.toMatch(/^roles\/(owner|editor|viewer)$/);
  });
});
