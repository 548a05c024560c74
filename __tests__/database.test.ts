import { onlyResource, resourcesOf, synthDev } from "./helpers";

describe("Cloud SQL", () => {
  const { infraJson } = synthDev();
  const instance = onlyResource(infraJson, "google_sql_database_instance");

  test("has a private IP only, on our VPC, and requires SSL", () => {
    expect(instance.settings.ip_configuration).toEqual({
      ipv4_enabled: false,
      private_network: expect.stringMatching(/^\$\{google_compute_network\.network_vpc_\w+\.self_link\}$/),
      ssl_mode: "ENCRYPTED_ONLY",
    });
  });

  test("waits for private service access", () => {
    expect(instance.depends_on).toEqual([expect.stringMatching(/^google_service_networking_connection\.network_private-service-access_\w+$/)]);
  });

  test("is protected from deletion in Terraform and in the API", () => {
    expect(instance.deletion_protection).toBe(true);
    expect(instance.settings.deletion_protection_enabled).toBe(true);
  });

  test("its databases are never dropped by Terraform, so a replacement stops at the instance's protection first", () => {
    const databases = Object.values<any>(resourcesOf(infraJson, "google_sql_database"));
    expect(databases).toHaveLength(2);
    for (const d of databases) expect(d.deletion_policy).toBe("ABANDON");
  });

  test("keeps backups with point-in-time recovery", () => {
    expect(instance.settings.backup_configuration).toMatchObject({
      enabled: true,
      point_in_time_recovery_enabled: true,
      transaction_log_retention_days: 7,
      backup_retention_settings: { retained_backups: 7 },
    });
  });

  test("runs PostgreSQL 16, zonal by default", () => {
    expect(instance.database_version).toBe("POSTGRES_16");
    expect(instance.settings.availability_type).toBe("ZONAL");
    expect(instance.settings.tier).toBe("db-custom-1-3840");
  });

  test("takes a name with a random suffix kept by a generation number", () => {
    const suffix = onlyResource(infraJson, "random_id");
    expect(suffix.keepers).toEqual({ generation: "1" });
    expect(instance.name).toMatch(/^metaflow-dev-pg-\$\{random_id\.database_name-suffix_\w+\.hex\}$/);
    const bumped = onlyResource(synthDev((e) => (e.database = { generation: 2 })).infraJson, "random_id");
    expect(bumped.keepers).toEqual({ generation: "2" });
  });

  test("creates the metaflow database and user with a generated password", () => {
    const users = Object.values(resourcesOf(infraJson, "google_sql_user"));
    const metaflow = users.find((u: any) => u.name === "metaflow");
    expect(metaflow.password).toMatch(/^\$\{random_password\.database_metaflow-password_\w+\.result\}$/);
    expect(Object.values(resourcesOf(infraJson, "google_sql_database")).map((d: any) => d.name)).toContain("metaflow");
    const password: any = Object.values(resourcesOf(infraJson, "random_password"))[0];
    expect(password.length).toBeGreaterThanOrEqual(32);
  });

  test("creates the Argo archive database only when the archive is on", () => {
    const names = (json: any) => Object.values(resourcesOf(json, "google_sql_database")).map((d: any) => d.name);
    expect(names(infraJson).sort()).toEqual(["argo", "metaflow"]);
    expect(names(synthDev((e) => (e.services = { argoWorkflowArchive: false })).infraJson)).toEqual(["metaflow"]);
  });

  test("REGIONAL availability and turning deletion protection off are explicit choices", () => {
    const json = synthDev((e) => (e.database = { availability: "REGIONAL", deletionProtection: false })).infraJson;
    const changed = onlyResource(json, "google_sql_database_instance");
    expect(changed.settings.availability_type).toBe("REGIONAL");
    expect(changed.deletion_protection).toBe(false);
    expect(changed.settings.deletion_protection_enabled).toBe(false);
  });
});
