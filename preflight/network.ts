// network.existing: the organisation's subnetwork is there, in the VPC named, with both secondary ranges named, and
// the caller may create in the network's project what the infra stack creates there. Compute v1 subnetworks.get
// (GET compute/v1/projects/{project}/regions/{region}/subnetworks/{subnetwork}) answers a Subnetwork whose `network`
// is the VPC's URL, `secondaryIpRanges[]` holds {rangeName, ipCidrRange} and `privateIpGoogleAccess` is a boolean;
// permission compute.subnetworks.get. The permissions: Resource Manager's projects.testIamPermissions (permissions.ts).
import { networkProject } from "../config/environment";
import { isCidr, subnetAddressRule } from "../config/network";
import { JOBSET_WEBHOOK_PORT } from "../lib/defaults";
import { PreflightContext } from "./context";
import { googleError, refusalFix } from "./http";
import { heldPermissions } from "./permissions";
import { CheckResult } from "./result";

export const SUBNETWORK_CHECK = "existing subnetwork";
export const NETWORK_PROJECT_CHECK = "network project permissions";
export const WEBHOOK_RULE_CHECK = "webhook firewall rule";

/**
 * What the deployer needs in the network's project, by what the infra stack creates there (the same permissions as
 * the metaflow_admin role lists for these resource types): the subnetwork read, the webhook firewall rule, and with
 * "create" the reserved range and peering, and the router and NAT. Each waits on its operations.
 */
export function networkProjectPermissions(env: PreflightContext["env"]): string[] {
  const existing = env.network.existing;
  const permissions = ["compute.subnetworks.get"];
  if (env.names.webhookFirewall) {
    permissions.push(
      ...["create", "get", "update", "delete"].map((v) => `compute.firewalls.${v}`),
      // A rule changes the network's policy: insert, patch and delete need this as well.
      "compute.networks.updatePolicy",
      "compute.globalOperations.get",
    );
  }
  if (existing?.privateServiceAccess === "create") {
    permissions.push(
      "compute.globalAddresses.createInternal",
      "compute.globalAddresses.get",
      "compute.globalAddresses.deleteInternal",
      "servicenetworking.services.addPeering",
      "servicenetworking.services.get",
      "servicenetworking.operations.get",
      "compute.networks.removePeering",
      "compute.globalOperations.get",
    );
  }
  if (existing?.nat === "create") {
    permissions.push(...["create", "get", "update", "delete"].map((v) => `compute.routers.${v}`), "compute.regionOperations.get");
  }
  return [...new Set(permissions)];
}

/** No line without network.existing (the stack creates the network); else the subnetwork's line, and the host
 * project's permissions with a Shared VPC. */
export async function checkExistingNetwork(ctx: PreflightContext): Promise<CheckResult[]> {
  const existing = ctx.env.network.existing;
  if (existing === undefined) return [];
  const results = [await checkSubnetwork(ctx)];
  if (ctx.env.services.jobset.enabled && existing.webhookFirewall === "existing") results.push(webhookRuleReminder(ctx.env));
  // In the environment's own project, the permissions check covers these: metaflow_admin holds them all.
  if (existing.hostProject !== undefined) results.push(await checkNetworkProjectPermissions(ctx));
  return results;
}

/** The rule the network's owners keep for us: not readable without their rule's name, so a person checks it. */
function webhookRuleReminder(env: PreflightContext["env"]): CheckResult {
  const nodes = `${env.names.nodeServiceAccount}@${env.project}.iam.gserviceaccount.com`;
  return {
    check: WEBHOOK_RULE_CHECK,
    status: "warn",
    message:
      `network.existing.webhookFirewall is "existing": ${networkProject(env)}'s VPC ${env.names.vpc} must allow INGRESS ` +
      `tcp:${JOBSET_WEBHOOK_PORT} from ${env.network.controlPlaneCidr} to the nodes' service account ${nodes}, ` +
      "or every JobSet admission times out",
    fix: 'ask the network\'s owners to confirm the rule, or set webhookFirewall to "create" with the firewall permissions in that project',
  };
}

async function checkSubnetwork(ctx: PreflightContext): Promise<CheckResult> {
  const { env } = ctx;
  const existing = env.network.existing!;
  const project = networkProject(env);
  const where = `projects/${project}/regions/${env.region}/subnetworks/${existing.subnetwork}`;
  const response = await ctx.google.call("compute", "GET", `compute/v1/${where}`);
  if (response.status === 404) {
    return {
      check: SUBNETWORK_CHECK,
      status: "fail",
      message: `${where} does not exist`,
      fix: `check network.existing.subnetwork, hostProject and the environment's region (the subnetwork must be in ${env.region})`,
    };
  }
  if (response.status !== 200) {
    return {
      check: SUBNETWORK_CHECK,
      status: "fail",
      message: `${where} cannot be read (${googleError(response)})`,
      fix: refusalFix(response, `the caller needs compute.subnetworks.get on it (roles/compute.networkViewer on ${project})`),
    };
  }
  const subnetwork = response.json as {
    network?: unknown;
    ipCidrRange?: unknown;
    secondaryIpRanges?: { rangeName?: unknown }[];
    privateIpGoogleAccess?: unknown;
  };
  const network = typeof subnetwork.network === "string" ? subnetwork.network : "";
  if (!network.endsWith(`/projects/${project}/global/networks/${existing.network}`)) {
    return {
      check: SUBNETWORK_CHECK,
      status: "fail",
      message: `${where} belongs to ${network || "no network"}, not to the VPC ${existing.network}`,
      fix: "set network.existing.network to the subnetwork's VPC, or name a subnetwork of that VPC",
    };
  }
  const ranges = (subnetwork.secondaryIpRanges ?? []).map((r) => r.rangeName);
  const missing = [existing.podsRange, existing.servicesRange].filter((name) => !ranges.includes(name));
  if (missing.length > 0) {
    const has = ranges.length > 0 ? ranges.join(", ") : "none";
    return {
      check: SUBNETWORK_CHECK,
      status: "fail",
      message: `${where} has no secondary range ${missing.join(" or ")} (it has: ${has})`,
      fix: "name the subnetwork's secondary ranges in network.existing.podsRange and servicesRange, or ask the network's owners to add them",
    };
  }
  // services.access "internal" reserves its address in this subnetwork's primary range, which config could not read.
  const access = env.services.access;
  if (access.mode === "internal" && isCidr(subnetwork.ipCidrRange)) {
    const rule = subnetAddressRule(access.address, subnetwork.ipCidrRange);
    if (rule) {
      return {
        check: SUBNETWORK_CHECK,
        status: "fail",
        message: `services.access.address ${access.address} ${rule} (${where}: ${subnetwork.ipCidrRange})`,
        fix: `choose a free address of ${subnetwork.ipCidrRange} for services.access.address`,
      };
    }
  }
  if (subnetwork.privateIpGoogleAccess !== true) {
    return {
      check: SUBNETWORK_CHECK,
      status: "warn",
      message: `${where} has Private Google Access off: the private nodes reach Google's APIs (image pulls, the datastore) only through a NAT`,
      fix: `ask the network's owners to turn it on: gcloud compute networks subnets update ${existing.subnetwork} --project ${project} --region ${env.region} --enable-private-ip-google-access`,
    };
  }
  return {
    check: SUBNETWORK_CHECK,
    status: "pass",
    message: `${where} is in ${existing.network} with the secondary ranges ${existing.podsRange} and ${existing.servicesRange}`,
  };
}

async function checkNetworkProjectPermissions(ctx: PreflightContext): Promise<CheckResult> {
  const project = networkProject(ctx.env);
  const permissions = networkProjectPermissions(ctx.env);
  const answer = await heldPermissions(ctx, project, permissions);
  if ("refused" in answer) {
    return {
      check: NETWORK_PROJECT_CHECK,
      status: "fail",
      message: `projects.testIamPermissions on the host project ${project} was refused (${googleError(answer.refused)})`,
      fix: refusalFix(answer.refused, "check network.existing.hostProject, and that you can see that project"),
    };
  }
  const { held } = answer;
  const missing = permissions.filter((p) => !held.has(p));
  if (missing.length === 0) {
    return {
      check: NETWORK_PROJECT_CHECK,
      status: "pass",
      message: `the caller holds the ${permissions.length} permissions the infra stack needs in the host project ${project}`,
    };
  }
  return {
    check: NETWORK_PROJECT_CHECK,
    status: "fail",
    message: `the caller lacks in the host project ${project}: ${missing.join(", ")}`,
    fix:
      `ask the host project's owners for a role that holds them on ${project} (the webhook firewall rule, and what ` +
      `network.existing asks to create, live there; README, "An existing network or a Shared VPC")`,
  };
}
