// Naming and network rules that Google Cloud and Kubernetes enforce, as zod schemas.
// Each message states the rule so a failed synth says what to change.
import * as ipaddr from "ipaddr.js";
import { z } from "zod";

/** A GCP project id: 6-30 chars, lowercase letters, digits and hyphens, starting with a letter. */
export const projectId = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    "must be a GCP project id: 6-30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen",
  );

/** A GCP region such as `europe-west1`. */
export const region = z
  .string()
  .regex(/^[a-z]+-[a-z]+[0-9]+$/, "must be a GCP region such as us-central1");

/** A GCP zone such as `europe-west1-b`; consistency with the region is checked by the environment schema. */
export const zone = z
  .string()
  .regex(/^[a-z]+-[a-z]+[0-9]+-[a-z]$/, "must be a GCP zone such as us-central1-a");

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
  .refine((s) => !s.startsWith("goog"), "bucket names must not start with \"goog\"")
  .refine((s) => !/g[o0]{2}gle/.test(s), "bucket names must not contain \"google\" or a close misspelling");

/** The path below the bucket where Metaflow keeps its datastore. */
export const objectPrefix = z
  .string()
  .regex(
    /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
    "must be a relative object path such as \"metaflow\" (no leading, trailing or double slash)",
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

/** GKE cluster names. */
export const clusterName = z
  .string()
  .regex(
    /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/,
    "GKE cluster names must be 1-40 lowercase letters, digits or hyphens, starting with a letter and ending with a letter or digit",
  );

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

/** An IAM principal that may be granted roles; public principals are refused. */
export const iamMember = z
  .string()
  .regex(
    /^(user|group|serviceAccount|domain|principal|principalSet):\S+$/,
    "must be an IAM member such as user:alice@example.com or group:ml@example.com",
  )
  .refine(
    (s) => !/allUsers|allAuthenticatedUsers/.test(s),
    "allUsers and allAuthenticatedUsers must not be granted access to Metaflow",
  );

/** An IPv4 CIDR block whose prefix length lies in [min, max] and whose host bits are zero. */
export function cidr(min: number, max: number, what: string) {
  return z.string().superRefine((value, ctx) => {
    if (!isCidr(value)) {
      ctx.addIssue({ code: "custom", message: "must be an IPv4 CIDR block such as 10.0.0.0/20" });
      return;
    }
    const [address, bits] = ipaddr.IPv4.parseCIDR(value);
    if (bits < min || bits > max) {
      const size = min === max ? `/${min}` : `between /${min} and /${max}`;
      ctx.addIssue({ code: "custom", message: `${what} must be ${size}, got /${bits}` });
    }
    const network = ipaddr.IPv4.networkAddressFromCIDR(value).toString();
    if (network !== address.toString()) {
      ctx.addIssue({ code: "custom", message: `host bits must be zero: did you mean ${network}/${bits}?` });
    }
    if (!["private", "carrierGradeNat"].includes(address.range())) {
      ctx.addIssue({
        code: "custom",
        message: "must be a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)",
      });
    }
  });
}

/** True when two valid CIDR blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const ra = ipaddr.IPv4.parseCIDR(a);
  const rb = ipaddr.IPv4.parseCIDR(b);
  return ra[0].match(rb) || rb[0].match(ra);
}

/** True when the string is a well-formed IPv4 CIDR block. */
export function isCidr(value: unknown): value is string {
  // ipaddr.js also accepts shorthand such as "10.0.0/8"; GCP wants four dotted decimals.
  return (
    typeof value === "string" &&
    /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(value) &&
    ipaddr.IPv4.isValidCIDR(value)
  );
}
