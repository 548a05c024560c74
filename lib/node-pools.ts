// Where pods run: the node label GKE puts on every node of a pool, the taints of Spot and GPU pools, and what a
// Metaflow step needs to land on a pool. Shared by the cluster (taints in Terraform's form), the services stack (the
// platform's node selector) and the published Metaflow configuration. Pure data: no imports.

/** GKE labels every node with the name of its node pool. */
export const NODE_POOL_LABEL = "cloud.google.com/gke-nodepool";

/** A node taint as Terraform's google provider takes it. */
export interface PoolTaint {
  readonly key: string;
  readonly value: string;
  readonly effect: "NO_SCHEDULE" | "PREFER_NO_SCHEDULE" | "NO_EXECUTE";
}

/** Set on Spot pools here rather than left to GKE, whose default for Standard pools is not documented where we read. */
export const SPOT_TAINT: PoolTaint = { key: "cloud.google.com/gke-spot", value: "true", effect: "NO_SCHEDULE" };
/**
 * GKE's taint of GPU nodes in a cluster with other pools, set here too so it holds whatever order pools are created in.
 * Pods that request `nvidia.com/gpu` tolerate it through the ExtendedResourceToleration admission plugin GKE runs.
 */
export const GPU_TAINT: PoolTaint = { key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" };

/** What decides where a pool's nodes take pods. */
export interface PoolPlacement {
  /** GKE name of the pool. */
  readonly name: string;
  readonly spot: boolean;
  readonly accelerator?: { readonly type: string; readonly count: number };
  /** The pool's own taints, without the Spot and GPU ones. */
  readonly taints: readonly PoolTaint[];
}

/** Every taint of a pool's nodes: its own, then the Spot and GPU ones. */
export function poolTaints(pool: Omit<PoolPlacement, "name">): PoolTaint[] {
  return [...pool.taints, ...(pool.spot ? [SPOT_TAINT] : []), ...(pool.accelerator ? [GPU_TAINT] : [])];
}

/** The node selector that sends a pod to a pool. */
export function poolSelector(poolName: string): Record<string, string> {
  return { [NODE_POOL_LABEL]: poolName };
}

const EFFECTS = { NO_SCHEDULE: "NoSchedule", PREFER_NO_SCHEDULE: "PreferNoSchedule", NO_EXECUTE: "NoExecute" } as const;

/** A Kubernetes toleration of a taint, as Metaflow passes it to V1Toleration. */
export interface Toleration {
  readonly key: string;
  readonly operator: "Equal";
  readonly value: string;
  readonly effect: (typeof EFFECTS)[keyof typeof EFFECTS];
}

export function toleration(t: PoolTaint): Toleration {
  return { key: t.key, operator: "Equal", value: t.value, effect: EFFECTS[t.effect] };
}

/**
 * What a Metaflow step needs to run on a pool: its node selector (`k=v`, Metaflow's string form), the tolerations of
 * the pool's taints (the GPU taint is tolerated by admission for pods that request GPUs), and its GPU count.
 */
export function stepPlacement(pool: PoolPlacement): { nodeSelector: string; tolerations: Toleration[]; gpu?: number } {
  return {
    nodeSelector: `${NODE_POOL_LABEL}=${pool.name}`,
    tolerations: poolTaints(pool)
      .filter((t) => t !== GPU_TAINT)
      .map(toleration),
    gpu: pool.accelerator?.count,
  };
}
