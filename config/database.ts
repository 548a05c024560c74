// The Cloud SQL for PostgreSQL instance: its tier, name, backups and protection.
import { z } from "zod";
import { DEFAULTS } from "../lib/defaults";

/** Cloud SQL instance names, before the random suffix is appended. */
export const sqlInstanceName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]*[a-z0-9]$/,
    "Cloud SQL instance names may contain only lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit",
  );

/**
 * A Cloud SQL for PostgreSQL tier of the Enterprise edition: shared-core, or custom (`db-custom-<vCPUs>-<MB>`).
 * PostgreSQL takes no predefined db-n1-* tier. Custom tiers: 1 vCPU or an even number up to 96; memory 0.9-6.5 GB
 * per vCPU, a multiple of 256 MB and at least 3.75 GB (https://cloud.google.com/sql/docs/postgres/instance-settings).
 */
export const sqlTier = z.string().superRefine((tier, ctx) => {
  if (tier === "db-f1-micro" || tier === "db-g1-small") return;
  const fail = (message: string) => ctx.addIssue({ code: "custom", message });
  const match = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (!match) {
    return fail(
      "must be a Cloud SQL Enterprise tier for PostgreSQL: db-custom-<vCPUs>-<MB> such as db-custom-2-7680, or the shared-core db-f1-micro or db-g1-small",
    );
  }
  const [cpus, mb] = [Number(match[1]), Number(match[2])];
  if (!(cpus === 1 || (cpus % 2 === 0 && cpus >= 2 && cpus <= 96)))
    fail(`custom tiers have 1 vCPU or an even number from 2 to 96, got ${cpus}`);
  if (mb % 256 !== 0) fail(`custom tier memory must be a multiple of 256 MB, got ${mb}`);
  const [min, max] = [Math.max(3840, 0.9 * 1024 * cpus), 6.5 * 1024 * cpus];
  if (mb < min || mb > max)
    fail(
      `custom tier memory must be 0.9-6.5 GB per vCPU and at least 3840 MB: ${Math.ceil(min / 256) * 256}-${max} MB for ${cpus} vCPU(s), got ${mb}`,
    );
});

export const DatabaseSchema = z
  .object({
    version: z
      .enum(["POSTGRES_15", "POSTGRES_16"])
      .default(DEFAULTS.database.version)
      .describe("PostgreSQL major version: `POSTGRES_15` or `POSTGRES_16`"),
    tier: sqlTier
      .default(DEFAULTS.database.tier)
      .describe(
        "Cloud SQL Enterprise tier for PostgreSQL: `db-custom-<vCPUs>-<MB>` with 1 or an even 2-96 vCPUs and 0.9-6.5 GB per vCPU, a multiple of 256 MB, at least 3840 MB; or shared-core `db-f1-micro`/`db-g1-small`, which cannot be `REGIONAL` (PostgreSQL takes no `db-n1-*` tier)",
      ),
    availability: z
      .enum(["ZONAL", "REGIONAL"])
      .default(DEFAULTS.database.availability)
      .describe("`ZONAL`, or `REGIONAL` to add a standby in a second zone"),
    diskSizeGb: z
      .number()
      .int()
      .min(10)
      .max(65536)
      .default(DEFAULTS.database.diskSizeGb)
      .describe("initial disk size, 10-65536 GB; the disk grows automatically"),
    backupStartTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a UTC time as HH:MM")
      .default(DEFAULTS.database.backupStartTime)
      .describe("daily backup start time, UTC, as HH:MM"),
    retainedBackups: z.number().int().min(1).max(365).default(DEFAULTS.database.retainedBackups).describe("automated backups kept, 1-365"),
    pitrDays: z
      .number()
      .int()
      .min(1)
      .max(7)
      .default(DEFAULTS.database.pitrDays)
      .describe("days of write-ahead log kept for point-in-time recovery, 1-7"),
    deletionProtection: z
      .boolean()
      .default(DEFAULTS.database.deletionProtection)
      .describe("protects the instance from deletion by Terraform and by the Cloud SQL API"),
    generation: z
      .number()
      .int()
      .min(1)
      .default(DEFAULTS.database.generation)
      .describe(
        "bump to replace the instance under a new name (GCP reserves a deleted instance's name for a week, so the name has a random suffix kept by this number)",
      ),
  })
  .strict()
  .superRefine((database, ctx) => {
    if (database.availability === "REGIONAL" && /^db-(f1-micro|g1-small)$/.test(database.tier)) {
      ctx.addIssue({ code: "custom", path: ["tier"], message: "shared-core tiers cannot be REGIONAL" });
    }
  });
