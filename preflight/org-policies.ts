// Organisation policies that would refuse the plan, each read as the effective policy on the project and judged
// against what the infra stack deploys (plan-facts.ts) and the environment's settings.
import { PreflightContext } from "./context";
import { evaluateLocation } from "./locations";
import { effectiveRules, isEnforced, isRestricted, listPolicy, plainValue, policyCheck, PolicyRule } from "./org-policy";
import { PlanFacts, planFacts } from "./plan-facts";
import { CheckResult } from "./result";

/** Reads a constraint and judges its rules, or returns the failure line when it cannot be read. */
async function judged(
  ctx: PreflightContext,
  constraint: string,
  judge: (rules: PolicyRule[]) => Omit<CheckResult, "check">,
): Promise<CheckResult> {
  const rules = await effectiveRules(ctx, constraint);
  return Array.isArray(rules) ? { check: policyCheck(constraint), ...judge(rules) } : rules;
}

/** iam.disableServiceAccountKeyCreation refuses the Metaflow service account's key (identity.createKey). */
export async function checkKeyCreation(ctx: PreflightContext): Promise<CheckResult> {
  const constraint = "iam.disableServiceAccountKeyCreation";
  if (!ctx.env.identity.createKey) {
    return { check: policyCheck(constraint), status: "pass", message: "not read: identity.createKey is false, the plan creates no key" };
  }
  return judged(ctx, constraint, (rules) =>
    isEnforced(rules)
      ? {
          status: "fail",
          message: "enforced, and identity.createKey is true: the infra apply fails creating the Metaflow service account's key",
          fix: "set identity.createKey to false (users keep their own Application Default Credentials), or ask for an exception on this project",
        }
      : { status: "pass", message: "not enforced: the Metaflow service account's key can be created" },
  );
}

/** gcp.resourceLocations against the region, the cluster's location and the datastore bucket's location. */
export async function checkResourceLocations(ctx: PreflightContext): Promise<CheckResult> {
  const { env } = ctx;
  const locations = [
    { what: "region (VPC subnetwork, Cloud NAT, Cloud SQL)", location: env.region },
    { what: `${env.cluster.regional ? "regional" : "zonal"} GKE cluster`, location: env.cluster.location },
    { what: "datastore bucket (storage.location)", location: env.storage.location },
  ];
  return judged(ctx, "gcp.resourceLocations", (rules) => {
    const policy = listPolicy(rules);
    if (!isRestricted(policy)) return { status: "pass", message: "no location restricted" };
    const verdicts = locations.map((l) => ({ ...l, ...evaluateLocation(policy, l.location) }));
    const refused = verdicts.flatMap((v) => (v.verdict === "refused" ? [`${v.what} ${v.location.toLowerCase()}: ${v.why}`] : []));
    const unknown = verdicts.flatMap((v) => (v.verdict === "unknown" ? [`${v.what} ${v.location.toLowerCase()}: ${v.why}`] : []));
    if (refused.length > 0) {
      return {
        status: "fail",
        message: `refuses ${refused.join("; ")}`,
        fix: "choose locations the policy allows (region, zone, storage.location), or ask for an exception on this project",
      };
    }
    if (unknown.length > 0) {
      return {
        status: "warn",
        message: `value groups other than a region's are Google's lists and are not evaluated offline: ${unknown.join("; ")}`,
        fix: "look the groups up in Google's resource locations documentation",
      };
    }
    return { status: "pass", message: `allows ${[...new Set(locations.map((l) => l.location.toLowerCase()))].join(", ")}` };
  });
}

/** iam.allowedPolicyMemberDomains against the flow runners granted roles (their customer cannot be told offline). */
export async function checkMemberDomains(ctx: PreflightContext): Promise<CheckResult> {
  const members = ctx.env.identity.flowRunners;
  return judged(ctx, "iam.allowedPolicyMemberDomains", (rules) => {
    const policy = listPolicy(rules);
    if (!isRestricted(policy)) return { status: "pass", message: "no member domain restricted" };
    if (policy.denyAll) {
      return {
        status: "fail",
        message: "denies every member: no IAM grant of the plan can be made",
        fix: "ask for an exception on this project",
      };
    }
    const allowed = policy.allowed.length > 0 ? policy.allowed.join(", ") : `anything but ${policy.denied.join(", ")}`;
    if (members.length === 0) {
      return {
        status: "pass",
        message: `restricted to ${allowed}; no identity.flowRunners, the plan grants roles to this project's service accounts only`,
      };
    }
    const domains = members.map((m) => `${m} (${m.includes("@") ? m.split("@")[1] : m.replace(/^domain:/, "")})`);
    return {
      status: "warn",
      message: `restricted to ${allowed}, Google Workspace or Cloud Identity customer ids that cannot be matched to domains offline; the infra apply fails on any of these members outside them: ${domains.join(", ")}`,
      fix: "check each member's domain against the allowed customers (Admin console, Account settings), or remove it from identity.flowRunners",
    };
  });
}

/** sql.restrictPublicIp: refuses a Cloud SQL instance with a public IP. */
export async function checkSqlPublicIp(ctx: PreflightContext, facts: PlanFacts = planFacts(ctx.env)): Promise<CheckResult> {
  const publicIp = facts.sqlPublicIp;
  return judged(ctx, "sql.restrictPublicIp", (rules) => {
    if (!isEnforced(rules)) return { status: "pass", message: "not enforced" };
    return publicIp
      ? { status: "fail", message: "enforced, and the plan gives Cloud SQL a public IP", fix: "ask for an exception on this project" }
      : { status: "pass", message: "enforced; the plan complies: Cloud SQL has a private IP only" };
  });
}

/** compute.vmExternalIpAccess: a list of the VMs that may have an external IP. */
export async function checkVmExternalIp(ctx: PreflightContext, facts: PlanFacts = planFacts(ctx.env)): Promise<CheckResult> {
  const externalIps = facts.nodeExternalIps;
  return judged(ctx, "compute.vmExternalIpAccess", (rules) => {
    const policy = listPolicy(rules);
    if (!isRestricted(policy)) return { status: "pass", message: "not restricted" };
    return externalIps
      ? { status: "fail", message: "restricted, and the plan gives GKE nodes external IPs", fix: "ask for an exception on this project" }
      : { status: "pass", message: "restricted; the plan complies: GKE nodes are private, with no external IP" };
  });
}

/** compute.requireShieldedVm: refuses a VM that is not a Shielded VM with Secure Boot. */
export async function checkShieldedVm(ctx: PreflightContext, facts: PlanFacts = planFacts(ctx.env)): Promise<CheckResult> {
  const shielded = facts.shieldedNodesWithSecureBoot;
  return judged(ctx, "compute.requireShieldedVm", (rules) => {
    if (!isEnforced(rules)) return { status: "pass", message: "not enforced" };
    return shielded
      ? { status: "pass", message: "enforced; the plan complies: GKE nodes are Shielded VMs with Secure Boot" }
      : {
          status: "fail",
          message: "enforced, and the plan has GKE nodes without Secure Boot",
          fix: "ask for an exception on this project",
        };
  });
}

/**
 * compute.restrictLoadBalancerCreationForTypes against the load balancers services.access makes GKE create: the
 * apply succeeds either way (GKE's controllers create them afterwards), and then the UIs are unreachable.
 * Values: a type, or `in:INTERNAL` / `in:EXTERNAL` for every type of a kind (Cloud Load Balancing's page
 * "Organization policy constraints for Cloud Load Balancing").
 */
export async function checkLoadBalancerTypes(ctx: PreflightContext, facts: PlanFacts = planFacts(ctx.env)): Promise<CheckResult> {
  const constraint = "compute.restrictLoadBalancerCreationForTypes";
  const types = facts.loadBalancerTypes;
  if (types.length === 0) {
    return { check: policyCheck(constraint), status: "pass", message: 'not read: services.access is "port-forward", no load balancer' };
  }
  const names = (type: string) => [type, `in:${type.startsWith("INTERNAL") ? "INTERNAL" : "EXTERNAL"}`];
  return judged(ctx, constraint, (rules) => {
    const policy = listPolicy(rules);
    if (!isRestricted(policy)) return { status: "pass", message: "no load balancer type restricted" };
    const allowed = (type: string) => {
      if (policy.denyAll || policy.denied.map(plainValue).some((v) => names(type).includes(v))) return false;
      return policy.allowAll || policy.allowed.map(plainValue).some((v) => names(type).includes(v));
    };
    const refused = types.filter((t) => !allowed(t));
    return refused.length > 0
      ? {
          status: "fail",
          message: `refuses ${refused.join(", ")}, which services.access "${ctx.env.services.access.mode}" needs: GKE would never create the UIs' load balancers`,
          fix: 'ask for an exception on this project, or set services.access to a mode the policy allows ("port-forward" needs none)',
        }
      : { status: "pass", message: `allows ${types.join(", ")}` };
  });
}

/** Every organisation-policy check, in report order, by the line it reports. */
export const ORG_POLICY_CHECKS: { readonly check: string; readonly run: (ctx: PreflightContext) => Promise<CheckResult> }[] = [
  { check: policyCheck("iam.disableServiceAccountKeyCreation"), run: checkKeyCreation },
  { check: policyCheck("gcp.resourceLocations"), run: checkResourceLocations },
  { check: policyCheck("iam.allowedPolicyMemberDomains"), run: checkMemberDomains },
  { check: policyCheck("sql.restrictPublicIp"), run: (ctx) => checkSqlPublicIp(ctx) },
  { check: policyCheck("compute.vmExternalIpAccess"), run: (ctx) => checkVmExternalIp(ctx) },
  { check: policyCheck("compute.requireShieldedVm"), run: (ctx) => checkShieldedVm(ctx) },
  { check: policyCheck("compute.restrictLoadBalancerCreationForTypes"), run: (ctx) => checkLoadBalancerTypes(ctx) },
];
