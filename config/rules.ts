// Field rules that Google Cloud and Kubernetes enforce, as zod schemas: names, labels, IAM members, SQL tiers;
// the network rules live in network-rules.ts. Each message states the rule so a failed synth says what to change.
import { z } from "zod";

export * from "./network-rules";

/** A GCP project id: 6-30 chars, lowercase letters, digits and hyphens, starting with a letter. */
export const projectId = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    "must be a GCP project id: 6-30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen",
  );

/** A GCP region such as `europe-west1`. */
export const region = z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, "must be a GCP region such as us-central1");

/** A GCP zone such as `europe-west1-b`; consistency with the region is checked by the environment schema. */
export const zone = z.string().regex(/^[a-z]+-[a-z]+[0-9]+-[a-z]$/, "must be a GCP zone such as us-central1-a");

/** A short, lowercase name that prefixes the names of the resources of an environment. */
export const namePrefix = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/,
    "must be 2-20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen",
  );

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

/** IAM service account ids (the part before `@`). */
export const serviceAccountId = z
  .string()
  .min(6, "service account ids must be 6-30 characters long")
  .max(30, "service account ids must be 6-30 characters long")
  .regex(
    /^[a-z]([-a-z0-9]*[a-z0-9])$/,
    "service account ids may contain only lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen",
  );

/** 1-`max` lowercase letters, digits or hyphens, starting with a letter and ending with a letter or digit. */
function rfc1035Label(what: string, max: number, note = "") {
  return z
    .string()
    .regex(
      new RegExp(`^[a-z]([-a-z0-9]{0,${max - 2}}[a-z0-9])?$`),
      `${what} must be 1-${max} lowercase letters, digits or hyphens, starting with a letter and ending with a letter or digit${note}`,
    );
}

/** GKE cluster names. */
export const clusterName = rfc1035Label("GKE cluster names", 40);

/** GKE node pool names (https://cloud.google.com/kubernetes-engine/docs/how-to/node-pools): 1-40 characters. */
export const nodePoolName = rfc1035Label("GKE node pool names", 40);

/** Compute Engine resource names (VPC, subnetwork, address, router, NAT): RFC 1035, 1-63 characters. */
export const rfc1035Name = rfc1035Label("Compute Engine names", 63, " (RFC 1035)");

/** Artifact Registry repository ids: lowercase letters, digits and hyphens, a letter first, 1-63 characters. */
export const artifactRegistryRepositoryId = rfc1035Label("Artifact Registry repository ids", 63);

/** Cloud SQL instance names, before the random suffix is appended. */
export const sqlInstanceName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]*[a-z0-9]$/,
    "Cloud SQL instance names may contain only lowercase letters, digits and hyphens, starting with a letter and ending with a letter or digit",
  );

/** A Kubernetes namespace or other DNS-1123 label. */
export const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "must be a DNS-1123 label: at most 63 lowercase letters, digits or hyphens, starting and ending with a letter or digit",
  );

const email = z.email();
const hostname = z.hostname();

/**
 * One IAM principal (https://cloud.google.com/iam/docs/principal-identifiers): `user:`, `group:` and
 * `serviceAccount:` take an email address, `domain:` a domain name, `principal:`/`principalSet:` a workforce or
 * workload identity pool identifier. Public principals are refused.
 */
export const iamMember = z.string().superRefine((member, ctx) => {
  const fail = (message: string) => ctx.addIssue({ code: "custom", message });
  if (/allUsers|allAuthenticatedUsers/.test(member)) {
    return fail(
      "must be an IAM member of one user, group, service account or domain: allUsers and allAuthenticatedUsers must not be granted access to Metaflow",
    );
  }
  if (/[\s,;]/.test(member)) return fail("must be one IAM member per string: no spaces, commas or semicolons");
  const [, kind, value] = /^(user|group|serviceAccount|domain|principal|principalSet):(.*)$/.exec(member) ?? [];
  if (kind === undefined) return fail(untypedMemberRule(member));
  if (["user", "group", "serviceAccount"].includes(kind) && !email.safeParse(value).success) {
    return fail(`"${kind}:" must be followed by an email address, such as ${kind}:name@example.com`);
  }
  if (kind === "serviceAccount" && !value.endsWith(".gserviceaccount.com")) {
    return fail("service account emails end with .gserviceaccount.com");
  }
  if (kind === "domain" && !(hostname.safeParse(value).success && value.includes("."))) {
    return fail('"domain:" must be followed by a domain name such as domain:example.com');
  }
  if (kind.startsWith("principal") && !value.startsWith("//iam.googleapis.com/")) {
    return fail(`"${kind}:" must be followed by an identifier starting with //iam.googleapis.com/`);
  }
});

const MEMBER_TYPES = ["user", "group", "serviceAccount", "domain", "principal", "principalSet"];

/** The one rule a member without a valid type breaks: the type in the wrong case, or missing before an email. */
function untypedMemberRule(member: string): string {
  const [, written, rest] = /^([A-Za-z]+):(.*)$/.exec(member) ?? [];
  const type = MEMBER_TYPES.find((t) => t.toLowerCase() === written?.toLowerCase());
  if (type !== undefined) return `member types are case-sensitive: did you mean "${type}:${rest}"?`;
  if (email.safeParse(member).success) {
    return member.endsWith(".gserviceaccount.com")
      ? `needs its type before the email: did you mean "serviceAccount:${member}"?`
      : `needs its type before the email: "user:${member}" for a person, "group:${member}" for a Google group`;
  }
  return "must be an IAM member such as user:alice@example.com, group:ml@example.com, serviceAccount:...@....gserviceaccount.com or domain:example.com";
}

/** A principal that may impersonate a service account: one identity or pool, never a whole domain. */
export const impersonator = iamMember.refine(
  (member) => !member.startsWith("domain:"),
  "must name users, groups, service accounts or workload identity principals: a whole domain must not act as the Metaflow service account",
);

// Labels (https://cloud.google.com/resource-manager/docs/labels-overview#requirements): keys 1-63 characters,
// starting with a lowercase letter or an international character; values 0-63 characters; both only lowercase
// letters, international characters, digits, underscores and hyphens. At most 64 labels per resource.
export const MAX_LABELS = 64;
export const labelKey = z
  .string()
  .regex(
    /^[\p{Ll}\p{Lo}\p{Lm}][\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}_-]{0,62}$/u,
    "label keys must be 1-63 lowercase or international letters, digits, _ or -, starting with a lowercase letter",
  );
export const labelValue = z
  .string()
  .regex(
    /^[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}_-]{0,63}$/u,
    "label values must be at most 63 lowercase or international letters, digits, _ or -",
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

/** Workload Identity pool ids (google_iam_workload_identity_pool, workload_identity_pool_id). */
export const workloadIdentityPoolId = z
  .string()
  .regex(/^[a-z0-9-]{4,32}$/, "Workload Identity pool ids must be 4-32 lowercase letters, digits or hyphens")
  .refine((s) => !s.startsWith("gcp-"), 'Workload Identity pool ids must not start with "gcp-" (reserved by Google)');

/** Custom role ids (google_project_iam_custom_role, role_id). */
export const customRoleId = z.string().regex(/^[A-Za-z0-9_.]{3,64}$/, 'custom role ids must be 3-64 letters, digits, "_" or "."');
