// Naming rules of Google Cloud and Kubernetes that several topics share: project ids, RFC 1035 names and DNS-1123 labels.
import { z } from "zod";

/** A GCP project id: 6-30 chars, lowercase letters, digits and hyphens, starting with a letter. */
export const projectId = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
    "must be a GCP project id: 6-30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen",
  );

/** 1-`max` lowercase letters, digits or hyphens, starting with a letter and ending with a letter or digit. */
export function rfc1035Label(what: string, max: number, note = "") {
  return z
    .string()
    .regex(
      new RegExp(`^[a-z]([-a-z0-9]{0,${max - 2}}[a-z0-9])?$`),
      `${what} must be 1-${max} lowercase letters, digits or hyphens, starting with a letter and ending with a letter or digit${note}`,
    );
}

/** Compute Engine resource names (VPC, subnetwork, address, router, NAT): RFC 1035, 1-63 characters. */
export const rfc1035Name = rfc1035Label("Compute Engine names", 63, " (RFC 1035)");

/** A Kubernetes namespace or other DNS-1123 label. */
export const dnsLabel = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "must be a DNS-1123 label: at most 63 lowercase letters, digits or hyphens, starting and ending with a letter or digit",
  );
