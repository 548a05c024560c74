// The datastore bucket: its name, location, prefix and object lifecycle.
import { z } from "zod";
import { DEFAULTS } from "../lib/defaults";

/** Cloud Storage bucket names (https://cloud.google.com/storage/docs/buckets#naming). */
export const bucketName = z
  .string()
  .min(3, "bucket names must be 3-63 characters long")
  .max(63, "bucket names must be 3-63 characters long")
  .regex(
    /^[a-z0-9][a-z0-9_-]*[a-z0-9]$/,
    "bucket names may contain only lowercase letters, digits, hyphens and underscores, and must start and end with a letter or digit (dotted names need domain verification and are not supported)",
  )
  .refine((s) => !s.startsWith("goog"), 'bucket names must not start with "goog"')
  .refine((s) => !/g[o0]{2}gle/.test(s), 'bucket names must not contain "google" or a close misspelling');

/** The path below the bucket where Metaflow keeps its datastore. */
export const objectPrefix = z
  .string()
  .regex(
    /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
    'must be a relative object path such as "metaflow" (no leading, trailing or double slash)',
  );

export const StorageSchema = z
  .object({
    bucketName: bucketName.optional().meta({
      description:
        "datastore bucket name: 3-63 chars; lowercase letters, digits, `-`, `_`; no `goog` prefix, no `google`; unique across all environments (bucket names are global)",
      "x-default": "`<project>-metaflow-<env>`",
    }),
    location: z.string().optional().meta({
      description:
        'a region of `config/regions.ts` or `extraZones`, a predefined dual-region (`ASIA1`, `EUR4`, `EUR5`, `EUR7`, `EUR8`, `NAM4`) or a multi-region (`ASIA`, `EU`, `US`), from `config/storage-locations.ts` (Google\'s "Bucket locations", dated in the file); either case, written in upper case as Cloud Storage reports it and the provider keeps it in state; `europe` gets `did you mean "EU"?`; configurable dual-regions are not offered',
      "x-default": "the region",
    }),
    prefix: objectPrefix
      .default(DEFAULTS.storage.prefix)
      .describe("path below the bucket where Metaflow keeps its datastore: the datastore root is `gs://<bucket>/<prefix>`"),
    versioning: z.boolean().default(DEFAULTS.storage.versioning).describe("keep deleted and overwritten objects as noncurrent versions"),
    noncurrentVersionRetentionDays: z
      .number()
      .int()
      .min(1)
      .default(DEFAULTS.storage.noncurrentVersionRetentionDays)
      .describe("delete noncurrent versions after this many days; refused with `storage.versioning: false`, which ignores it"),
    deleteAfterDays: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: "optional age limit on all objects, in days; unset keeps them forever", "x-default": "unset" }),
    forceDestroy: z.boolean().default(DEFAULTS.storage.forceDestroy).describe("let `destroy` delete a bucket that still holds objects"),
  })
  .strict();
