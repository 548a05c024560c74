// Reading a constraint's effective policy on the project with the caller's own access: Organization Policy API v2,
// GET v2/{name=projects/*/policies/*}:getEffectivePolicy, answering a Policy whose `spec.rules[]` carry `enforce`
// (boolean constraints) or `allowAll` / `denyAll` / `values.{allowedValues,deniedValues}` (list constraints).
import { PreflightContext } from "./context";
import { googleError, refusalFix } from "./http";
import { CheckResult } from "./result";

export interface PolicyRule {
  readonly enforce?: boolean;
  readonly allowAll?: boolean;
  readonly denyAll?: boolean;
  readonly values?: { readonly allowedValues?: readonly string[]; readonly deniedValues?: readonly string[] };
}

/** A list constraint's effective rules, merged. */
export interface ListPolicy {
  readonly allowAll: boolean;
  readonly denyAll: boolean;
  readonly allowed: readonly string[];
  readonly denied: readonly string[];
}

/** The check line of a constraint: "org policy <constraint>". */
export const policyCheck = (constraint: string) => `org policy ${constraint}`;

/** What the caller needs to read effective policies, for the failure line when it cannot. */
const READ_FIX =
  "the caller needs orgpolicy.policy.get on the project (roles/orgpolicy.policyViewer); grant it, or have someone who holds it run the preflight";

/** The effective rules of `constraint` on the environment's project, or the failure line when they cannot be read. */
export async function effectiveRules(ctx: PreflightContext, constraint: string): Promise<PolicyRule[] | CheckResult> {
  const response = await ctx.google.call("orgpolicy", "GET", `v2/projects/${ctx.env.project}/policies/${constraint}:getEffectivePolicy`);
  if (response.status !== 200) {
    return {
      check: policyCheck(constraint),
      status: "fail",
      message: `cannot read the effective policy (${googleError(response)})`,
      fix: refusalFix(response, response.status === 403 ? READ_FIX : "check the project id"),
    };
  }
  const rules = (response.json as { spec?: { rules?: unknown } } | undefined)?.spec?.rules;
  return Array.isArray(rules) ? rules.filter((r): r is PolicyRule => typeof r === "object" && r !== null) : [];
}

/** A boolean constraint is enforced when a rule enforces it (conservative if conditional rules disagree). */
export function isEnforced(rules: readonly PolicyRule[]): boolean {
  return rules.some((r) => r.enforce === true);
}

/** A list constraint's rules, merged into one allow/deny view. */
export function listPolicy(rules: readonly PolicyRule[]): ListPolicy {
  return {
    allowAll: rules.some((r) => r.allowAll === true),
    denyAll: rules.some((r) => r.denyAll === true),
    allowed: rules.flatMap((r) => r.values?.allowedValues ?? []),
    denied: rules.flatMap((r) => r.values?.deniedValues ?? []),
  };
}

/** Whether a list policy restricts anything at all. */
export function isRestricted(policy: ListPolicy): boolean {
  if (policy.denyAll) return true;
  if (policy.allowAll) return policy.denied.length > 0;
  return policy.allowed.length > 0 || policy.denied.length > 0;
}

/** A value without its optional `is:` prefix (the API treats both alike). */
export function plainValue(value: string): string {
  return value.replace(/^is:/, "");
}
