// Data protection: for each resource that holds data, what stops it being lost.
import { code, flagCell, flagList, paragraphs, table } from "./markdown";
import { EnvironmentModel, Flag, ResourceModel, Section, SectionContext, StackModel } from "./model";
import { display, explain, readable } from "./refs";
import { block, blocks, first, where } from "./shared";

const TITLE = "Data protection";
const yesNo = (v: unknown) => (v === true ? "yes" : v === false ? "**no**" : "default");

/** Other resource types whose deletion loses data or running workloads. */
export const OTHER_STATEFUL =
  /^(google_compute_disk|google_filestore_instance|google_redis_instance|google_bigquery_dataset|google_sql_database|kubernetes_persistent_volume_claim(_v1)?|kubernetes_persistent_volume(_v1)?|kubernetes_stateful_set(_v1)?)$/;

function sqlRow(stack: StackModel, r: ResourceModel, flags: Flag[]): string[] {
  const s = block(r.body.settings);
  const b = block(s.backup_configuration);
  const retained = block(b.backup_retention_settings).retained_backups;
  // The provider protects an instance from `terraform destroy` unless deletion_protection is false.
  const tfProtect = r.body.deletion_protection !== false;
  const push = (message: string) => flags.push({ severity: "warn", section: TITLE, message, where: where(r) });
  if (!tfProtect) push("Cloud SQL deletion_protection is off: `terraform destroy` deletes the instance");
  if (b.enabled !== true) push("Cloud SQL automated backups are off");
  else if (b.point_in_time_recovery_enabled !== true) push("Cloud SQL point-in-time recovery is off");
  const backups = b.enabled === true ? `daily at ${display(b.start_time ?? "any time")} UTC, ${retained ?? 7} kept` : "**off**";
  const pitr = b.point_in_time_recovery_enabled === true ? `yes, ${display(b.transaction_log_retention_days ?? 7)} days of logs` : "**no**";
  const ha = s.availability_type === "REGIONAL" ? "REGIONAL (standby in a second zone)" : "ZONAL (no standby)";
  return [
    `Cloud SQL ${code(readable(stack, r.body.name))} (${code(display(r.body.database_version))})`,
    `${code(display(r.body.region))}, ${ha}`,
    `Terraform: ${yesNo(tfProtect)}; API: ${yesNo(s.deletion_protection_enabled)}`,
    `backups ${backups}; PITR ${pitr}`,
    "—",
    code(where(r)),
  ];
}

function bucketRow(env: EnvironmentModel, stack: StackModel, r: ResourceModel, flags: Flag[]): string[] {
  const versioning = block(r.body.versioning).enabled === true;
  const lifecycle = blocks(r.body.lifecycle_rule).map((rule) => {
    const c = block(rule.condition);
    const a = block(rule.action);
    const when = Object.entries(c)
      .map(([k, v]) => `${k}=${display(v)}`)
      .join(" ");
    return `${display(a.type)} when ${when}`;
  });
  const retention = first(r.body.retention_policy);
  const softDelete = first(r.body.soft_delete_policy);
  const push = (severity: Flag["severity"], message: string) => flags.push({ severity, section: TITLE, message, where: where(r) });
  if (r.body.force_destroy === true) push("warn", "bucket force_destroy is on: `terraform destroy` deletes it with all its objects");
  if (!versioning) push("warn", "bucket versioning is off: overwritten or deleted objects cannot be recovered");
  const protections = [
    `versioning ${yesNo(versioning)}`,
    retention ? `retention ${display(retention.retention_period)}s${retention.is_locked ? " (locked)" : ""}` : undefined,
    softDelete ? `soft delete ${display(softDelete.retention_duration_seconds)}s` : "soft delete: GCS default",
    ...lifecycle,
  ].filter(Boolean);
  return [
    `Bucket ${code(explain(env.synth, stack, r.body.name))}`,
    code(display(r.body.location)),
    `force_destroy: ${r.body.force_destroy === true ? "**yes**" : "no"}`,
    protections.join("; "),
    `uniform access ${yesNo(r.body.uniform_bucket_level_access)}`,
    code(where(r)),
  ];
}

function clusterRow(r: ResourceModel, flags: Flag[]): string[] {
  const location = display(r.body.location);
  // A zone ends in "-a", "-b"...; a region does not.
  const zonal = /-[a-z]$/.test(location);
  const protect = r.body.deletion_protection !== false;
  if (!protect) flags.push({ severity: "warn", section: TITLE, message: "GKE deletion_protection is off", where: where(r) });
  return [
    `GKE ${code(display(r.body.name))}`,
    `${code(location)}, ${zonal ? "zonal (one control-plane replica)" : "regional (control plane in three zones)"}`,
    `Terraform: ${yesNo(protect)}`,
    "no Backup for GKE plan here: workloads are redeployed from this code; data lives in Cloud SQL and GCS",
    "—",
    code(where(r)),
  ];
}

export function dataProtectionSection({ env, acknowledge }: SectionContext): Section {
  const flags: Flag[] = [];
  const rows: string[][] = [];
  const others: string[][] = [];
  for (const stack of env.stacks) {
    for (const r of stack.resources) {
      const found: Flag[] = [];
      let row: string[] | undefined;
      if (r.type === "google_sql_database_instance") row = sqlRow(stack, r, found);
      else if (r.type === "google_storage_bucket") row = bucketRow(env, stack, r, found);
      else if (r.type === "google_container_cluster") row = clusterRow(r, found);
      else if (OTHER_STATEFUL.test(r.type)) {
        const meta = first(r.body.metadata);
        const name = meta ? `${display(meta.namespace ?? "default")}/${display(meta.name)}` : display(r.body.name);
        others.push([
          code(r.type),
          code(name),
          r.body.deletion_policy ? `deletion_policy ${code(display(r.body.deletion_policy))}` : "",
          code(where(r)),
        ]);
      }
      const own = acknowledge(found);
      if (row) rows.push([...row, flagCell(own)]);
      flags.push(...own);
    }
  }
  const markdown = paragraphs(
    flagList(flags),
    table(
      ["Resource", "Location / HA", "Deletion protection", "Backups / versioning / lifecycle", "Other", "Defined at", "Flags"],
      rows,
      "_No stateful resources._",
    ),
    others.length > 0 && "#### Other resources holding data",
    others.length > 0 && table(["Type", "Name", "Notes", "Defined at"], others),
  );
  return { title: TITLE, markdown, flags };
}
