// Labels the app itself puts on GCP resources; a user label may not reuse their keys.

/** Set on every labelled resource through the google provider's default_labels, next to the user's labels. */
export function appLabels(environment: string): Record<string, string> {
  return { "managed-by": "metaflow-gcp", "metaflow-environment": environment };
}

/** Added by the google provider 6.x to every resource it creates (add_terraform_attribution_label defaults to true). */
export const PROVIDER_LABEL_KEYS = ["goog-terraform-provisioned"];
