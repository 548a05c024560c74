// The caller holds every permission of the deployer role: Resource Manager's projects.testIamPermissions on the
// project (v3: POST v3/{resource=projects/*}:testIamPermissions, body {permissions}, answer {permissions}: the subset
// held; an empty subset is an empty object).
import { METAFLOW_ADMIN_PERMISSIONS } from "../constructs/admin-permissions";
import { PreflightContext } from "./context";
import { googleError, HttpResponse, refusalFix } from "./http";
import { CheckResult } from "./result";

/** Permissions per request, kept to 100: the reference states no maximum to rely on, and a smaller batch costs one more request. */
export const TEST_IAM_PERMISSIONS_BATCH = 100;

const CHECK = "permissions";

/** Missing permissions named in the line; `npm run admin-role` prints them all. */
const MISSING_NAMED = 12;

/** Splits a list into chunks of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The subset of `permissions` the caller holds on `project`, or the answer that refused to tell. */
export async function heldPermissions(
  ctx: PreflightContext,
  project: string,
  permissions: readonly string[],
): Promise<{ held: Set<string> } | { refused: HttpResponse }> {
  const held = new Set<string>();
  for (const batch of batches(permissions, TEST_IAM_PERMISSIONS_BATCH)) {
    const response = await ctx.google.call("cloudresourcemanager", "POST", `v3/projects/${project}:testIamPermissions`, {
      permissions: batch,
    });
    if (response.status !== 200) return { refused: response };
    const granted = (response.json as { permissions?: unknown } | undefined)?.permissions;
    if (Array.isArray(granted)) for (const p of granted) if (typeof p === "string") held.add(p);
  }
  return { held };
}

/** Which of `permissions` the caller lacks on the project; fails the check on an API error. */
export async function checkPermissions(
  ctx: PreflightContext,
  permissions: readonly string[] = METAFLOW_ADMIN_PERMISSIONS,
): Promise<CheckResult> {
  const project = ctx.env.project;
  const answer = await heldPermissions(ctx, project, permissions);
  if ("refused" in answer) {
    return {
      check: CHECK,
      status: "fail",
      message: `projects.testIamPermissions on ${project} was refused (${googleError(answer.refused)})`,
      fix: refusalFix(answer.refused, "check the project id, and that you can see the project"),
    };
  }
  const { held } = answer;
  const missing = permissions.filter((p) => !held.has(p));
  if (missing.length === 0) {
    return {
      check: CHECK,
      status: "pass",
      message: `the caller holds all ${permissions.length} permissions of metaflow_admin on ${project}`,
    };
  }
  // A caller without the role lacks all of them: name the first few, the role file lists the rest.
  const named =
    missing.length > MISSING_NAMED
      ? `${missing.slice(0, MISSING_NAMED).join(", ")} and ${missing.length - MISSING_NAMED} more`
      : missing.join(", ");
  return {
    check: CHECK,
    status: "fail",
    message: `the caller lacks ${missing.length} of the ${permissions.length} permissions of metaflow_admin on ${project}: ${named}`,
    fix:
      `grant the caller the role projects/${project}/roles/metaflow_admin, or bring the role up to date: ` +
      `npm run --silent admin-role > metaflow-admin.yaml && gcloud iam roles update metaflow_admin --project ${project} --file metaflow-admin.yaml`,
  };
}
