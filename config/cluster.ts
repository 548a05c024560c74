// The GKE cluster: its names, mode, nodes, autoscaling limits and control-plane access.
import { z } from "zod";
import { DEFAULTS } from "../lib/defaults";
import { rfc1035Label } from "./name-rules";
import { reducedCidr } from "./network";
import { DiskSizeGb, NodePoolSchema } from "./node-pools";

/** GKE cluster names. */
export const clusterName = rfc1035Label("GKE cluster names", 40);

/** GKE node pool names (https://cloud.google.com/kubernetes-engine/docs/how-to/node-pools): 1-40 characters. */
export const nodePoolName = rfc1035Label("GKE node pool names", 40);

/** GKE allows up to 50 authorized networks on a cluster with a public endpoint. */
export const MAX_AUTHORIZED_NETWORKS = 50;

export const ClusterSchema = z
  .object({
    name: clusterName.optional().meta({
      description:
        "GKE cluster name: 1-40 chars; in Standard mode short enough for its node pools' names, `<name>-pool` and `<name>-<nodePools[].name>`, to have 40 (34 with the default `flows` pool); unique per project and location",
      "x-default": "`<namePrefix>-<env>`",
    }),
    mode: z
      .enum(["standard", "autopilot"])
      .default(DEFAULTS.cluster.mode)
      .describe(
        "`standard` (node pools managed here) or `autopilot` (must be regional; `machineType`, `diskSizeGb`, `minNodes`, `maxNodes`, `nodePools`, `defaultPool`, `cpuLimits` and `memoryLimitsGb` are refused when set, Autopilot ignores them; steps choose GPUs and Spot with its own node selectors, see docs/platform.md#node-pools)",
      ),
    regional: z.boolean().default(false).describe("a regional cluster, control plane and nodes in three zones, rather than a zonal one"),
    releaseChannel: z
      .enum(["RAPID", "REGULAR", "STABLE"])
      .default(DEFAULTS.cluster.releaseChannel)
      .describe("GKE release channel: `RAPID`, `REGULAR`, `STABLE`"),
    machineType: z
      .string()
      .default(DEFAULTS.cluster.machineType)
      .describe(
        "machine type of the platform pool (`<name>-pool`, which runs the platform's own services; flows run on `nodePools`), a machine type of `config/machine-types.ts` (Google's machine family pages, dated in the file): `<series>-<standard|highmem|highcpu|...>-<vCPUs>` with the vCPU counts the series offers, the shared-core `e2-micro`/`e2-small`/`e2-medium`, `f1-micro`, `g1-small`, a custom `<series>-custom-<vCPUs>-<MB>` (`custom-<vCPUs>-<MB>` for N1) of E2, N1, N2, N2D, N4, or an accelerator-optimized type by name (`a2-highgpu-1g`, `g2-standard-8`); a near miss gets the closest type (`e2-standrad-4`: `did you mean \"e2-standard-4\"?`), a size the series lacks the sizes it has; a newer series goes in `extraMachineTypes`. Whether the zone offers the series is not checked (the apply fails)",
      ),
    diskSizeGb: DiskSizeGb.describe("boot disk size of each node of the platform pool, 10-65536 GB"),
    minNodes: z
      .number()
      .int()
      .min(0)
      .default(DEFAULTS.cluster.minNodes)
      .describe("smallest node count of the platform pool, per zone; at most `cluster.maxNodes`"),
    maxNodes: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(DEFAULTS.cluster.maxNodes)
      .describe("largest node count of the platform pool, per zone, 1-1000"),
    nodePools: z
      .array(NodePoolSchema)
      // A fresh copy each time: zod hands a default out as it is.
      .default(() => JSON.parse(JSON.stringify(DEFAULTS.cluster.nodePools)))
      .describe(
        "the node pools flows run on, besides the platform pool: each with its name, machine type, min/max nodes per zone (min 0 scales to zero when idle), disk, Spot, GPUs, labels and taints; default: `flows`, e2-standard-4, 0-5 nodes, tainted `metaflow-gcp/pool=flows:NoSchedule` so that GKE's own pods stay off it and it can scale to zero",
      ),
    defaultPool: z
      .string()
      .default(DEFAULTS.cluster.defaultPool)
      .describe(
        "the pool of `nodePools` a step without a node selector of its own runs on (METAFLOW_KUBERNETES_NODE_SELECTOR and METAFLOW_KUBERNETES_TOLERATIONS); not a GPU pool; unused when `nodePools` is empty (steps then share the platform pool)",
      ),
    cpuLimits: z
      .object({
        min: z.number().int().min(0).describe("lower limit on the cluster's total vCPUs for autoscaling"),
        max: z.number().int().min(1).describe("upper limit on the cluster's total vCPUs: autoscaling adds no node beyond it"),
      })
      .strict()
      .default(DEFAULTS.cluster.cpuLimits)
      .describe("cluster autoscaling limits on vCPUs; min <= max"),
    memoryLimitsGb: z
      .object({
        min: z.number().int().min(0).describe("lower limit on the cluster's total memory for autoscaling, in GB"),
        max: z.number().int().min(1).describe("upper limit on the cluster's total memory, in GB: autoscaling adds no node beyond it"),
      })
      .strict()
      .default(DEFAULTS.cluster.memoryLimitsGb)
      .describe("cluster autoscaling limits on memory, in GB; min <= max"),
    controlPlaneEndpoint: z
      .enum(["dns", "ip"])
      .default(DEFAULTS.cluster.controlPlaneEndpoint)
      .describe(
        "how users and Terraform reach the control plane from outside the VPC. `dns`: GKE's DNS-based endpoint, gated by IAM, with the IP endpoint closed to all but `masterAuthorizedNetworks`; `ip`: the public IP endpoint, open to `masterAuthorizedNetworks`, or to any IP when that list is empty (authentication still required); see docs/access.md#control-plane-access",
      ),
    securityGroup: z
      .string()
      .regex(
        /^gke-security-groups@[a-z0-9.-]+\.[a-z]{2,}$/,
        "must be gke-security-groups@<your domain>: GKE looks for that exact group name",
      )
      .optional()
      .meta({
        description:
          "Google Groups for RBAC: the group that holds the groups RBAC may name; must be `gke-security-groups@<domain>`; required when flow-runner groups come from several domains",
        "x-default": "`gke-security-groups@<domain>` of the `group:` flow runners",
      }),
    masterAuthorizedNetworks: z
      .array(
        z
          .object({
            cidr: reducedCidr
              .refine(
                (c) => !c.endsWith("/0"),
                'would let any IP reach the control plane: list your networks, or leave the list empty with cluster.controlPlaneEndpoint "dns" (IAM-gated, no IP allow-list)',
              )
              .describe("an IPv4 CIDR block in reduced form (host bits zero), never `0.0.0.0/0`"),
            name: z.string().min(1).describe("a name for the network, shown in the cluster's settings"),
          })
          .strict(),
      )
      .max(MAX_AUTHORIZED_NETWORKS, `GKE takes at most ${MAX_AUTHORIZED_NETWORKS} authorized networks`)
      .default([])
      .describe(
        "networks allowed to reach the control plane's IP endpoint (with `ip` and an empty list: any IP): at most 50 (GKE's limit), each an IPv4 CIDR in reduced form (host bits zero) with a name; no CIDR or name twice; never `0.0.0.0/0`",
      ),
    deletionProtection: z.boolean().default(DEFAULTS.cluster.deletionProtection).describe("protects the cluster from `terraform destroy`"),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.minNodes > c.maxNodes) {
      ctx.addIssue({ code: "custom", path: ["minNodes"], message: `must not exceed cluster.maxNodes (${c.maxNodes})` });
    }
    if (c.cpuLimits.min > c.cpuLimits.max) {
      ctx.addIssue({ code: "custom", path: ["cpuLimits", "min"], message: "must not exceed cluster.cpuLimits.max" });
    }
    if (c.memoryLimitsGb.min > c.memoryLimitsGb.max) {
      ctx.addIssue({ code: "custom", path: ["memoryLimitsGb", "min"], message: "must not exceed cluster.memoryLimitsGb.max" });
    }
    const pool = c.nodePools.find((p) => p.name === c.defaultPool);
    if (c.nodePools.length > 0 && pool === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultPool"],
        message: `must name a pool of cluster.nodePools (${c.nodePools.map((p) => p.name).join(", ")})`,
      });
    }
    if (pool?.accelerator !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultPool"],
        message:
          "names a GPU pool: steps that ask for no GPU would wait there forever (its nodes are tainted for GPU steps); choose a CPU pool",
      });
    }
    if (c.mode === "autopilot" && !c.regional) {
      ctx.addIssue({ code: "custom", path: ["regional"], message: "Autopilot clusters are always regional: set cluster.regional to true" });
    }
  });
