// The node pools flows run on, besides the platform pool (cluster.machineType, minNodes, maxNodes, diskSizeGb):
// their schema, and the rules a pool must meet against machine types, GPUs and zones.
import { z } from "zod";
import { DEFAULTS } from "../lib/defaults";
import { zonesOffering } from "./accelerator-zones";
import { ACCELERATOR_TYPES, acceleratorRule } from "./accelerators";
import { Issue } from "./errors";
import { machineTypeRule } from "./machine-types";
import { rfc1035Label } from "./name-rules";

/** A node's boot disk, in GB, within what GKE accepts. */
export const DiskSizeGb = z.number().int().min(10).max(65536).default(DEFAULTS.cluster.diskSizeGb);

/** A pool's own name; its GKE name is `<cluster.name>-<name>`. "pool" is the platform pool's suffix. */
export const poolName = rfc1035Label("node pool names", 20).refine(
  (n) => n !== "pool",
  "is the platform pool's suffix (<cluster.name>-pool): choose another name",
);

/** A Kubernetes label or taint key: an optional DNS-subdomain prefix and "/", then a name of 1-63 characters. */
const qualifiedName = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    "must be a Kubernetes qualified name: [prefix/]name, the name 1-63 letters, digits, -, _ or . starting and ending with a letter or digit",
  );
const labelValue = z
  .string()
  .regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, "must be a Kubernetes label value: at most 63 letters, digits, -, _ or .");

export const NodePoolSchema = z
  .object({
    name: poolName.describe("the pool's name: 1-20 lowercase letters, digits or hyphens; GKE names it `<cluster.name>-<name>`; not `pool`"),
    machineType: z
      .string()
      .default(DEFAULTS.cluster.machineType)
      .describe("machine type of the pool's nodes, checked like `cluster.machineType`; a GPU model fixes it (see `accelerator`)"),
    minNodes: z.number().int().min(0).default(0).describe("smallest node count, per zone; 0 lets the pool scale to zero when idle"),
    maxNodes: z.number().int().min(1).max(1000).default(DEFAULTS.cluster.maxNodes).describe("largest node count, per zone, 1-1000"),
    diskSizeGb: DiskSizeGb.describe("boot disk size of each node, 10-65536 GB"),
    spot: z
      .boolean()
      .default(false)
      .describe(
        "Spot VMs (cheaper, preemptible with 30 s notice); the pool is tainted `cloud.google.com/gke-spot=true:NoSchedule`, so only steps that tolerate it land there",
      ),
    accelerator: z
      .object({
        type: z.enum(ACCELERATOR_TYPES as [string, ...string[]]).describe("GPU model, e.g. `nvidia-tesla-t4` (N1) or `nvidia-l4` (G2)"),
        count: z.number().int().min(1).describe("GPUs per node: for G2, A2, A3 the machine type's built-in count"),
      })
      .strict()
      .optional()
      .describe(
        "GPUs of each node, with GKE's driver installation (`DEFAULT`): N1 machine types attach nvidia-tesla-t4/p4/v100/p100 in counts 1, 2, 4 (v100: 8 too); G2 (nvidia-l4), A2 (nvidia-tesla-a100, nvidia-a100-80gb), A3 (nvidia-h100-80gb, nvidia-h100-mega-80gb) have them built in, with the machine type's count; the pool is tainted `nvidia.com/gpu=present:NoSchedule`; every zone it runs in must offer the model, per `config/accelerator-zones.ts` (dated in the file) or `acceleratorZones`",
      ),
    zones: z
      .array(z.string().regex(/^[a-z]+-[a-z]+[0-9]+-[a-z]$/, "must be a GCP zone such as us-central1-a"))
      .min(1)
      .optional()
      .meta({
        description:
          "zones of the region the pool's nodes run in (GKE's node locations); required for a GPU pool of a regional cluster in a region where some zone lacks its GPU model",
        "x-default": "the cluster's: its zone, or the zones GKE picks in its region",
      }),
    labels: z.record(qualifiedName, labelValue).default({}).describe("Kubernetes labels of the pool's nodes"),
    taints: z
      .array(
        z
          .object({
            key: qualifiedName.describe("taint key"),
            value: labelValue.describe("taint value"),
            effect: z
              .enum(["NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE"])
              .describe("`NO_SCHEDULE`, `PREFER_NO_SCHEDULE` or `NO_EXECUTE`"),
          })
          .strict(),
      )
      .default([])
      .describe(
        "taints of the pool's nodes, besides the Spot and GPU ones set for you; a step that runs there must tolerate each (END_USER_SETUP shows how)",
      ),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.minNodes > p.maxNodes) ctx.addIssue({ code: "custom", path: ["minNodes"], message: `must not exceed maxNodes (${p.maxNodes})` });
  });

export type NodePoolConfig = z.infer<typeof NodePoolSchema>;

/** Why a pool's machine type, GPU or zones are refused; `zones` are the zones the cluster's nodes use by default. */
export function nodePoolIssues(
  env: string,
  pools: readonly NodePoolConfig[],
  where: { region: string; regionZones: readonly string[]; clusterZones?: readonly string[] },
  extra: { extraMachineTypes: readonly string[]; acceleratorZones: Readonly<Partial<Record<string, readonly string[]>>> },
): Issue[] {
  const issues: Issue[] = [];
  pools.forEach((p, i) => {
    const at = (field: string) => `cluster.nodePools.${i}.${field}`;
    const machine = machineTypeRule(p.machineType, extra.extraMachineTypes);
    if (machine !== undefined) issues.push({ env, field: at("machineType"), value: p.machineType, rule: machine });
    for (const zone of p.zones ?? []) {
      if (!where.regionZones.includes(zone)) {
        issues.push({
          env,
          field: at("zones"),
          value: zone,
          rule: `must be a zone of the region ${where.region}: ${where.regionZones.join(", ")}`,
        });
      }
    }
    const gpu = p.accelerator;
    if (gpu === undefined) return;
    const fit = acceleratorRule(p.machineType, gpu);
    if (fit !== undefined) issues.push({ env, field: at("accelerator"), value: gpu, rule: fit });
    const offered = zonesOffering(gpu.type, extra.acceleratorZones);
    const offeredHere = where.regionZones.filter((z) => offered.includes(z));
    const offering =
      offeredHere.length > 0 ? `${where.region} offers it in ${offeredHere.join(", ")}` : `no zone of ${where.region} offers it`;
    const zones = p.zones ?? where.clusterZones;
    if (zones === undefined) {
      // GKE puts a regional pool without zones in zones of its choosing: only safe where every zone offers the GPU.
      if (offeredHere.length < where.regionZones.length) {
        const rule = `a GPU pool of a regional cluster must list its zones (GKE would pick zones that may lack ${gpu.type}; ${offering}): set cluster.nodePools.${i}.zones`;
        issues.push({ env, field: at("zones"), value: undefined, rule });
      }
      return;
    }
    for (const zone of zones.filter((z) => where.regionZones.includes(z) && !offered.includes(z))) {
      issues.push({
        env,
        field: at("accelerator.type"),
        value: gpu.type,
        rule:
          `is not offered in ${zone} per config/accelerator-zones.ts (${offering}); if Google offers it there now ` +
          `(gcloud compute accelerator-types list --filter="zone:${zone} AND name:${gpu.type}"), add the zone to acceleratorZones["${gpu.type}"]`,
      });
    }
  });
  return issues;
}
