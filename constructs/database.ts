import { SqlDatabase } from "@cdktf/provider-google/lib/sql-database";
import { SqlDatabaseInstance } from "@cdktf/provider-google/lib/sql-database-instance";
import { SqlUser } from "@cdktf/provider-google/lib/sql-user";
import { Id } from "@cdktf/provider-random/lib/id";
import { Password } from "@cdktf/provider-random/lib/password";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DEFAULTS } from "../lib/defaults";
import { SQL_NAME_SUFFIX_BYTES } from "../lib/names";

export interface DatabaseProps {
  /** Project of the instance. */
  readonly project: string;
  /** Region of the instance. */
  readonly region: string;
  /** Instance name before the random suffix, e.g. "metaflow-dev-pg". */
  readonly namePrefix: string;
  /** The VPC whose private IP range the instance gets (the Network construct has these attributes). */
  readonly network: {
    /** Self link of the VPC. */
    readonly networkSelfLink: string;
    /** The private service access connection, when this app creates it; the instance needs it before it can get a private IP. */
    readonly privateServiceAccess?: ITerraformDependable;
  };
  /** PostgreSQL major version. @default "POSTGRES_16" */
  readonly version?: string;
  /** Machine tier. @default "db-custom-1-3840" */
  readonly tier?: string;
  /** "ZONAL" or "REGIONAL" (standby in a second zone). @default "ZONAL" */
  readonly availability?: "ZONAL" | "REGIONAL";
  /** Initial disk size in GB; the disk grows automatically. @default 10 */
  readonly diskSizeGb?: number;
  /** Daily backup window start, UTC HH:MM. @default "03:00" */
  readonly backupStartTime?: string;
  /** Automated backups kept. @default 7 */
  readonly retainedBackups?: number;
  /** Days of write-ahead log kept for point-in-time recovery. @default 7 */
  readonly pitrDays?: number;
  /** Deletion protection in Terraform and in the Cloud SQL API. @default true */
  readonly deletionProtection?: boolean;
  /** Changing it replaces the instance under a new name. @default 1 */
  readonly generation?: number;
  /** Also create a database and user for the Argo Workflows archive. @default false */
  readonly argoArchive?: boolean;
}

/** Credentials of one database and its owner; the password stays in Terraform state. */
export interface DatabaseLogin {
  readonly database: string;
  readonly user: string;
  /** Generated password (a token; sensitive). */
  readonly password: string;
}

/** Cloud SQL for PostgreSQL on a private IP, with the `metaflow` database and user. */
export class Database extends Construct {
  readonly instanceName: string;
  /** "project:region:instance", what the Cloud SQL Auth Proxy and connectors take. */
  readonly connectionName: string;
  readonly privateIp: string;
  readonly metaflow: DatabaseLogin;
  /** Present when `argoArchive` is true. */
  readonly argo?: DatabaseLogin;
  private readonly instance: SqlDatabaseInstance;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const deletionProtection = props.deletionProtection ?? DEFAULTS.database.deletionProtection;

    // GCP keeps a deleted instance's name reserved for about a week, so the name carries a suffix
    // that changes only when `generation` is bumped.
    const suffix = new Id(this, "name-suffix", {
      byteLength: SQL_NAME_SUFFIX_BYTES,
      keepers: { generation: String(props.generation ?? DEFAULTS.database.generation) },
    });

    this.instance = new SqlDatabaseInstance(this, "instance", {
      project: props.project,
      region: props.region,
      name: `${props.namePrefix}-${suffix.hex}`,
      databaseVersion: props.version ?? DEFAULTS.database.version,
      deletionProtection,
      dependsOn: props.network.privateServiceAccess && [props.network.privateServiceAccess],
      settings: {
        // Enterprise edition: the custom tiers are not offered on Enterprise Plus, the default for PostgreSQL 16.
        edition: "ENTERPRISE",
        tier: props.tier ?? DEFAULTS.database.tier,
        availabilityType: props.availability ?? DEFAULTS.database.availability,
        diskType: "PD_SSD",
        diskSize: props.diskSizeGb ?? DEFAULTS.database.diskSizeGb,
        diskAutoresize: true,
        deletionProtectionEnabled: deletionProtection,
        ipConfiguration: {
          // No public IPv4: the database is reachable only from the VPC.
          ipv4Enabled: false,
          privateNetwork: props.network.networkSelfLink,
          // Reject unencrypted connections; clients need no certificate of their own.
          sslMode: "ENCRYPTED_ONLY",
        },
        backupConfiguration: {
          enabled: true,
          startTime: props.backupStartTime ?? DEFAULTS.database.backupStartTime,
          pointInTimeRecoveryEnabled: true,
          transactionLogRetentionDays: props.pitrDays ?? DEFAULTS.database.pitrDays,
          backupRetentionSettings: { retainedBackups: props.retainedBackups ?? DEFAULTS.database.retainedBackups, retentionUnit: "COUNT" },
        },
        maintenanceWindow: { day: 7, hour: 4, updateTrack: "stable" },
        insightsConfig: { queryInsightsEnabled: true, recordApplicationTags: false, recordClientAddress: false },
        // Connection and lock logging for audits and incident review.
        databaseFlags: [
          { name: "log_checkpoints", value: "on" },
          { name: "log_connections", value: "on" },
          { name: "log_disconnections", value: "on" },
          { name: "log_lock_waits", value: "on" },
          { name: "log_min_messages", value: "error" },
          { name: "log_min_error_statement", value: "error" },
          { name: "log_min_duration_statement", value: "-1" },
          { name: "cloudsql.enable_pgaudit", value: "on" },
        ],
      },
    });

    this.instanceName = this.instance.name;
    this.connectionName = this.instance.connectionName;
    this.privateIp = this.instance.privateIpAddress;
    this.metaflow = this.login("metaflow");
    if (props.argoArchive) this.argo = this.login("argo");
  }

  /** A database and an owner with a generated password. */
  private login(name: string): DatabaseLogin {
    // Alphanumeric (about 190 bits): safe in connection strings and env values without escaping.
    const password = new Password(this, `${name}-password`, { length: 32, special: false });
    const database = new SqlDatabase(this, `${name}-database`, {
      project: this.instance.project,
      instance: this.instance.name,
      name,
      // Dropping the database is the data loss itself: destroy and replace leave it to the instance, whose
      // deletion protection stops the apply first (with DELETE, Terraform would drop the data before reaching it).
      deletionPolicy: "ABANDON",
    });
    const user = new SqlUser(this, `${name}-user`, {
      project: this.instance.project,
      instance: this.instance.name,
      name,
      password: password.result,
      // PostgreSQL refuses to drop a role that owns objects; leave it to the instance's own deletion.
      deletionPolicy: "ABANDON",
    });
    return { database: database.name, user: user.name, password: password.result };
  }
}
