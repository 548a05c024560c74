// Regional quotas the cluster's nodes and Cloud NAT need: Compute Engine regions.get (GET
// projects/{project}/regions/{region}) answers `quotas[]` of {metric, limit, usage}. The apply fails when a quota
// cannot hold the nodes it creates; autoscaling stops quietly at a quota below its limits, so that is a warning.
import { networkProject } from "../config/environment";
import { EnvironmentConfig } from "../config";
import { PreflightContext } from "./context";
import { googleError, refusalFix } from "./http";
import { CheckResult } from "./result";

/** What the plan needs of one quota metric. */
export interface QuotaNeed {
  readonly metric: string;
  /** Needed free when the apply creates the nodes. */
  readonly atApply: number;
  /** Needed free for autoscaling to reach its limits. */
  readonly atMax: number;
  /** What needs it, for the message. */
  readonly what: string;
  /** Checked only when the region lists the metric. */
  readonly optional?: boolean;
}

/** vCPUs of the shared-core machine types. */
const SHARED_CORE: Record<string, number> = { "e2-micro": 2, "e2-small": 2, "e2-medium": 2, "f1-micro": 1, "g1-small": 1 };

/** vCPUs of a machine type by its name, or undefined when the name does not say. */
export function machineVcpus(machineType: string): number | undefined {
  if (SHARED_CORE[machineType] !== undefined) return SHARED_CORE[machineType];
  const predefined = /^[a-z0-9]+-[a-z]+-(\d+)(-[a-z0-9]+)?$/.exec(machineType);
  if (predefined && !machineType.includes("custom")) return Number(predefined[1]);
  const custom = /^(?:[a-z0-9]+-)?custom-(\d+)-\d+(-ext)?$/.exec(machineType);
  return custom ? Number(custom[1]) : undefined;
}

/**
 * The regional CPU quota metrics a machine series counts against (Compute Engine's Quota.metric values). E2 and N1
 * count against CPUS; E2_CPUS, also a metric of the API, is checked too where a region lists it.
 */
export function cpuMetrics(machineType: string): { metric: string; optional?: boolean }[] {
  const series = machineType.startsWith("custom-") ? "n1" : machineType.split("-")[0];
  if (series === "e2") return [{ metric: "CPUS" }, { metric: "E2_CPUS", optional: true }];
  if (["n1", "f1", "g1"].includes(series)) return [{ metric: "CPUS" }];
  return [{ metric: `${series.toUpperCase()}_CPUS` }];
}

/** GKE's machine type for the default node pool the cluster is created with (one node per zone, then removed). */
const DEFAULT_POOL_MACHINE = "e2-medium";

/** The quota needs of an environment's infra stack, by metric. A GPU node pool would add its NVIDIA_*_GPUS need here. */
export function quotaNeeds(env: EnvironmentConfig): QuotaNeed[] {
  const needs = new Map<string, QuotaNeed>();
  // Needs met one after the other (the default pool is removed before the node pool is created) take the larger.
  const add = (need: QuotaNeed) => {
    const had = needs.get(need.metric);
    needs.set(
      need.metric,
      had
        ? {
            ...need,
            atApply: Math.max(had.atApply, need.atApply),
            atMax: Math.max(had.atMax, need.atMax),
            what: `${had.what}; ${need.what}`,
          }
        : need,
    );
  };
  // Cloud NAT's automatic allocation reserves at least one regional external address for the private nodes' egress:
  // in this project only when the NAT is ours and here (network.existing reuses one, or creates it in a host project).
  if (env.names.nat !== undefined && networkProject(env) === env.project) {
    add({ metric: "IN_USE_ADDRESSES", atApply: 1, atMax: 1, what: "Cloud NAT's automatically allocated address" });
  }
  const c = env.cluster;
  if (c.mode === "standard") {
    // GKE's default node locations: the cluster's zone, or three zones of the region.
    const zones = c.regional ? 3 : 1;
    const vcpus = machineVcpus(c.machineType) ?? 0;
    for (const m of cpuMetrics(DEFAULT_POOL_MACHINE)) {
      const n = zones * (SHARED_CORE[DEFAULT_POOL_MACHINE] ?? 0);
      add({ ...m, atApply: n, atMax: 0, what: `the default pool the cluster is created with (${zones} x ${DEFAULT_POOL_MACHINE})` });
    }
    for (const m of cpuMetrics(c.machineType)) {
      add({
        ...m,
        atApply: zones * c.minNodes * vcpus,
        atMax: Math.max(zones * c.maxNodes * vcpus, c.cpuLimits.max),
        what: `the node pool (${zones} zone(s) x ${c.minNodes}-${c.maxNodes} x ${c.machineType}, ${vcpus} vCPUs each; cluster cpu limit ${c.cpuLimits.max})`,
      });
    }
  }
  return [...needs.values()];
}

interface Quota {
  readonly metric?: unknown;
  readonly limit?: unknown;
  readonly usage?: unknown;
}

/** One line per quota metric the plan needs, or one failure line when the region cannot be read. */
export async function checkQuotas(ctx: PreflightContext): Promise<CheckResult[]> {
  const { env } = ctx;
  const check = (metric: string) => `quota ${metric} in ${env.region}`;
  const results: CheckResult[] = [];
  if (env.cluster.mode === "standard" && machineVcpus(env.cluster.machineType) === undefined) {
    results.push({
      check: "quota CPUs",
      status: "warn",
      message: `cannot tell the vCPUs of ${env.cluster.machineType} from its name: not checked`,
    });
  }
  if (env.cluster.mode === "autopilot") {
    results.push({ check: "quota CPUs", status: "skip", message: "Autopilot: GKE sizes and places the nodes itself" });
  }
  const response = await ctx.google.call("compute", "GET", `compute/v1/projects/${env.project}/regions/${env.region}`);
  if (response.status !== 200) {
    return [
      ...results,
      {
        check: `quotas in ${env.region}`,
        status: "fail",
        message: `cannot read the region (${googleError(response)})`,
        fix: refusalFix(response, "the caller needs compute.regions.get on the project (roles/compute.viewer)"),
      },
    ];
  }
  const region = response.json as { quotas?: Quota[]; quotaStatusWarning?: { message?: string } } | undefined;
  if (region?.quotaStatusWarning) {
    results.push({
      check: `quotas in ${env.region}`,
      status: "warn",
      message: `the region's quotas may be incomplete: ${region.quotaStatusWarning.message ?? "no message"}`,
    });
  }
  const quotas = Array.isArray(region?.quotas) ? region.quotas : [];
  for (const need of quotaNeeds(env)) {
    const quota = quotas.find((q) => q.metric === need.metric);
    if (!quota || typeof quota.limit !== "number") {
      if (!need.optional)
        results.push({ check: check(need.metric), status: "warn", message: `the region lists no ${need.metric} quota: not checked` });
      continue;
    }
    const usage = typeof quota.usage === "number" ? quota.usage : 0;
    const free = quota.limit - usage;
    const state = `${usage} of ${quota.limit} used, ${free} free`;
    const fix = `request a higher ${need.metric} quota for ${env.region} (console, IAM & Admin, Quotas)`;
    if (free < need.atApply) {
      results.push({
        check: check(need.metric),
        status: "fail",
        message: `${state}; the apply needs ${need.atApply} for ${need.what}`,
        fix: `${fix}, or lower cluster.minNodes`,
      });
    } else if (free < need.atMax) {
      results.push({
        check: check(need.metric),
        status: "warn",
        message: `${state}; the apply needs ${need.atApply}, but autoscaling stops at the quota, below ${need.atMax} for ${need.what}`,
        fix: `${fix}, or lower cluster.maxNodes and cluster.cpuLimits.max`,
      });
    } else {
      results.push({
        check: check(need.metric),
        status: "pass",
        message: `${state}; needs ${need.atApply} at apply, up to ${need.atMax} with autoscaling`,
      });
    }
  }
  return results;
}
