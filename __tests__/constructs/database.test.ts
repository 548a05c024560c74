import { Id } from "@cdktf/provider-random/lib/id";
import { SqlDatabaseInstance } from "@cdktf/provider-google/lib/sql-database-instance";
import { SqlUser } from "@cdktf/provider-google/lib/sql-user";
import { Database, DatabaseProps } from "../../constructs/database";
import { DEFAULTS } from "../../lib/defaults";
import { bareStack, onlyResource, refTo, resolve, resourcesOf, synth } from "./stack";

/** What the Network passes: its VPC's self link and its private service access connection. */
const PSA = { fqn: "google_service_networking_connection.psa" };
const PROPS: DatabaseProps = {
  project: "p",
  region: "europe-west1",
  namePrefix: "mf-test-pg",
  network: { networkSelfLink: "projects/p/global/networks/vpc", privateServiceAccess: PSA },
};

function build(props: Partial<DatabaseProps> = {}) {
  const stack = bareStack("google", "random");
  const database = new Database(stack, "database", { ...PROPS, ...props });
  return { database, ...synth(stack) };
}

describe("Database", () => {
  const { database, text, json } = build();
  const instance = onlyResource(json, "google_sql_database_instance");

  test("has a private IP only, on the given VPC, and accepts only encrypted connections", () => {
    expect(instance.settings.ip_configuration).toEqual({
      ipv4_enabled: false,
      private_network: "projects/p/global/networks/vpc",
      ssl_mode: "ENCRYPTED_ONLY",
    });
  });

  test("is created after private service access", () => {
    expect(instance.depends_on).toEqual([PSA.fqn]);
  });

  test("is protected from deletion in Terraform and in the Cloud SQL API by default", () => {
    expect(instance.deletion_protection).toBe(true);
    expect(instance.settings.deletion_protection_enabled).toBe(true);
  });

  test("its databases are never dropped by Terraform, so a replacement stops at the instance's protection first", () => {
    const databases = Object.values<any>(resourcesOf(build({ argoArchive: true }).json, "google_sql_database"));
    expect(databases).toHaveLength(2);
    for (const d of databases) expect(d.deletion_policy).toBe("ABANDON");
  });

  test("defaults: the version, tier, availability, disk, backups and point-in-time recovery of lib/defaults", () => {
    const d = DEFAULTS.database;
    expect(text).toHaveResourceWithProperties(SqlDatabaseInstance, {
      project: "p",
      region: "europe-west1",
      database_version: d.version,
      // The matcher compares the top level partially and nested objects exactly.
      settings: expect.objectContaining({
        edition: "ENTERPRISE",
        tier: d.tier,
        availability_type: d.availability,
        disk_type: "PD_SSD",
        disk_size: d.diskSizeGb,
        disk_autoresize: true,
        backup_configuration: {
          enabled: true,
          start_time: d.backupStartTime,
          point_in_time_recovery_enabled: true,
          transaction_log_retention_days: d.pitrDays,
          backup_retention_settings: { retained_backups: d.retainedBackups, retention_unit: "COUNT" },
        },
      }),
    });
    // The defaults themselves, as the README and the schema state them.
    expect([d.version, d.tier, d.availability]).toEqual(["POSTGRES_16", "db-custom-1-3840", "ZONAL"]);
  });

  test("logs connections and lock waits and turns pgaudit on, without recording client addresses", () => {
    const flags = Object.fromEntries(instance.settings.database_flags.map((f: any) => [f.name, f.value]));
    expect(flags).toMatchObject({ log_connections: "on", log_disconnections: "on", log_lock_waits: "on", "cloudsql.enable_pgaudit": "on" });
    expect(instance.settings.insights_config).toEqual({
      query_insights_enabled: true,
      record_application_tags: false,
      record_client_address: false,
    });
  });

  test("takes a name with a random suffix that only the generation number changes", () => {
    expect(onlyResource(json, "random_id")).toEqual({ byte_length: 3, keepers: { generation: String(DEFAULTS.database.generation) } });
    expect(instance.name).toBe(`mf-test-pg-${refTo(json, "random_id", "hex")}`);
    const bumped = build({ generation: 2 });
    expect(bumped.text).toHaveResourceWithProperties(Id, { keepers: { generation: "2" } });
  });

  test("creates the metaflow database and its owner with a generated 32-character alphanumeric password", () => {
    expect(Object.values(resourcesOf(json, "google_sql_database")).map((d: any) => d.name)).toEqual(["metaflow"]);
    expect(onlyResource(json, "random_password")).toEqual({ length: 32, special: false });
    expect(text).toHaveResourceWithProperties(SqlUser, {
      name: "metaflow",
      instance: refTo(json, "google_sql_database_instance", "name"),
      password: refTo(json, "random_password", "result"),
      deletion_policy: "ABANDON",
    });
  });

  test("exposes the instance and the login as references, for the outputs", () => {
    expect(resolve(database, database.instanceName)).toBe(refTo(json, "google_sql_database_instance", "name"));
    expect(resolve(database, database.connectionName)).toBe(refTo(json, "google_sql_database_instance", "connection_name"));
    expect(resolve(database, database.privateIp)).toBe(refTo(json, "google_sql_database_instance", "private_ip_address"));
    expect(resolve(database, database.metaflow)).toEqual({
      database: refTo(json, "google_sql_database", "name"),
      user: refTo(json, "google_sql_user", "name"),
      password: refTo(json, "random_password", "result"),
    });
    expect(database.argo).toBeUndefined();
  });

  test("with argoArchive, a second database, user and password for the Argo Workflows archive", () => {
    const archived = build({ argoArchive: true });
    expect(
      Object.values(resourcesOf(archived.json, "google_sql_database"))
        .map((d: any) => d.name)
        .sort(),
    ).toEqual(["argo", "metaflow"]);
    expect(
      Object.values(resourcesOf(archived.json, "google_sql_user"))
        .map((u: any) => u.name)
        .sort(),
    ).toEqual(["argo", "metaflow"]);
    expect(Object.keys(resourcesOf(archived.json, "random_password"))).toHaveLength(2);
    expect(archived.database.argo).toBeDefined();
  });

  test("takes REGIONAL availability, another tier and size, and deletion protection off as explicit choices", () => {
    const changed = onlyResource(
      build({
        availability: "REGIONAL",
        tier: "db-custom-2-7680",
        diskSizeGb: 50,
        version: "POSTGRES_15",
        deletionProtection: false,
        retainedBackups: 30,
        pitrDays: 3,
        backupStartTime: "22:30",
      }).json,
      "google_sql_database_instance",
    );
    expect(changed.database_version).toBe("POSTGRES_15");
    expect(changed.deletion_protection).toBe(false);
    expect(changed.settings).toMatchObject({
      availability_type: "REGIONAL",
      tier: "db-custom-2-7680",
      disk_size: 50,
      deletion_protection_enabled: false,
      backup_configuration: { start_time: "22:30", transaction_log_retention_days: 3, backup_retention_settings: { retained_backups: 30 } },
    });
  });
});
