import { ContainerCluster, ContainerClusterConfig } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DEFAULTS } from "../lib/defaults";
import { PoolTaint, poolTaints } from "../lib/node-pools";
import { ControlPlaneAccessProps, controlPlaneAccess, usesDnsEndpoint } from "./control-plane-access";
import { nodeServiceAccount } from "./node-service-account";

export { NODE_ROLES } from "./node-service-account";

/** The VPC-native network a cluster runs in (the Network construct has these attributes). */
export interface ClusterNetwork {
  /** Self link of the VPC. */
  readonly networkSelfLink: string;
  /** Self link of the subnetwork. */
  readonly subnetworkSelfLink: string;
  /** Name of the subnetwork's secondary range for pods. */
  readonly podsRangeName: string;
  /** Name of the subnetwork's secondary range for services. */
  readonly servicesRangeName: string;
}

/** A node pool flows run on. */
export interface NodePoolSpec {
  /** GKE name of the pool. */
  readonly name: string;
  readonly machineType: string;
  /** Autoscaling bounds, per zone; 0 lets the pool scale to zero. */
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly diskSizeGb: number;
  /** Spot VMs; the pool gets SPOT_TAINT. */
  readonly spot: boolean;
  /** GPUs of each node, with GKE's driver installation; the pool gets GPU_TAINT. @default none */
  readonly accelerator?: { readonly type: string; readonly count: number };
  /** Zones of the pool's nodes. @default the cluster's */
  readonly zones?: readonly string[];
  /** Kubernetes labels of the nodes. */
  readonly labels: Readonly<Record<string, string>>;
  /** The pool's own taints, besides the Spot and GPU ones. */
  readonly taints: readonly PoolTaint[];
}

export interface ClusterProps extends ControlPlaneAccessProps {
  readonly project: string;
  /** Cluster name. */
  readonly name: string;
  /** Name of the node pool; a Standard cluster needs it. @default none (Autopilot has no node pool of ours) */
  readonly nodePoolName?: string;
  /** A zone (zonal cluster) or a region (regional cluster). */
  readonly location: string;
  /** The VPC, subnetwork and secondary ranges. */
  readonly network: ClusterNetwork;
  /** Account id of the nodes' service account. */
  readonly nodeServiceAccountId: string;
  /** "standard" (node pool managed here) or "autopilot". @default "standard" */
  readonly mode?: "standard" | "autopilot";
  /** GKE release channel. @default "REGULAR" */
  readonly releaseChannel?: string;
  /** Node machine type. @default "e2-standard-4" */
  readonly machineType?: string;
  /** Node boot disk size in GB. @default 100 */
  readonly diskSizeGb?: number;
  /** Node pool autoscaling bounds, per zone. @default 1 */
  readonly minNodes?: number;
  /** @default 5 */
  readonly maxNodes?: number;
  /** Node pools flows run on, besides the platform pool. @default [] */
  readonly nodePools?: NodePoolSpec[];
  /** Cluster autoscaler limits on vCPUs. @default { min: 1, max: 200 } */
  readonly cpuLimits?: { min: number; max: number };
  /** Cluster autoscaler limits on memory in GB. @default { min: 2, max: 800 } */
  readonly memoryLimitsGb?: { min: number; max: number };
  /** Protects the cluster from `terraform destroy`. @default true */
  readonly deletionProtection?: boolean;
  /** Resources (e.g. API enablement) that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** A private GKE cluster with Workload Identity, and (Standard mode) an autoscaled node pool. */
export class Cluster extends Construct {
  readonly name: string;
  readonly location: string;
  /** Host of the control plane as Terraform and users reach it: the DNS endpoint, or the public IP. */
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA, which signs the IP endpoint's certificate (the DNS endpoint's is publicly trusted). */
  readonly caCertificate: string;
  /** `<project>.svc.id.goog`, the Workload Identity pool. */
  readonly workloadPool: string;
  /** Email of the nodes' service account. */
  readonly nodeServiceAccountEmail: string;
  /** IAM member of the nodes' service account, `serviceAccount:<email>`, for grants on what the nodes read. */
  readonly nodeServiceAccountMember: string;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const autopilot = (props.mode ?? DEFAULTS.cluster.mode) === "autopilot";
    if (!autopilot && props.nodePoolName === undefined) throw new Error(`cluster ${props.name}: Standard mode needs nodePoolName`);
    this.workloadPool = `${props.project}.svc.id.goog`;

    const nodeSa = nodeServiceAccount(this, {
      project: props.project,
      accountId: props.nodeServiceAccountId,
      clusterName: props.name,
      dependsOn: props.dependsOn,
    });
    const nodeSecurity = {
      serviceAccount: nodeSa.email,
      // Access is decided by IAM roles; the scope only stops tokens being narrowed twice.
      oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
    };

    const dns = usesDnsEndpoint(props);
    const flowPools = props.nodePools ?? [];
    // A zonal cluster's location is a zone (us-central1-a), a regional one's a region.
    const regional = !/-[a-z]$/.test(props.location);
    const common: ContainerClusterConfig = {
      project: props.project,
      name: props.name,
      location: props.location,
      network: props.network.networkSelfLink,
      subnetwork: props.network.subnetworkSelfLink,
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: {
        clusterSecondaryRangeName: props.network.podsRangeName,
        servicesSecondaryRangeName: props.network.servicesRangeName,
      },
      releaseChannel: { channel: props.releaseChannel ?? DEFAULTS.cluster.releaseChannel },
      ...controlPlaneAccess(props),
      deletionProtection: props.deletionProtection ?? DEFAULTS.cluster.deletionProtection,
      dependsOn: [...(props.dependsOn ?? []), nodeSa],
    };

    const cluster = autopilot
      ? new ContainerCluster(this, "cluster", {
          ...common,
          enableAutopilot: true,
          clusterAutoscaling: { autoProvisioningDefaults: nodeSecurity },
        })
      : new ContainerCluster(this, "cluster", {
          ...common,
          // The default pool cannot be configured well; a separate pool can be replaced without the cluster.
          removeDefaultNodePool: true,
          initialNodeCount: 1,
          workloadIdentityConfig: { workloadPool: this.workloadPool },
          enableShieldedNodes: true,
          // Dataplane V2 (eBPF) enforces any Kubernetes NetworkPolicy with no Calico add-on; until one is created, and
          // this app creates none, pods reach one another freely.
          datapathProvider: "ADVANCED_DATAPATH",
          // The short-lived default pool must not run as the Compute Engine default service account either.
          nodeConfig: {
            ...nodeSecurity,
            workloadMetadataConfig: { mode: "GKE_METADATA" },
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
          },
          clusterAutoscaling: {
            enabled: true,
            resourceLimits: [
              {
                resourceType: "cpu",
                minimum: (props.cpuLimits ?? DEFAULTS.cluster.cpuLimits).min,
                maximum: (props.cpuLimits ?? DEFAULTS.cluster.cpuLimits).max,
              },
              {
                resourceType: "memory",
                minimum: (props.memoryLimitsGb ?? DEFAULTS.cluster.memoryLimitsGb).min,
                maximum: (props.memoryLimitsGb ?? DEFAULTS.cluster.memoryLimitsGb).max,
              },
              // A GPU model without a limit here is one the autoscaler never adds: each gets the count of the pools at
              // their maxima (node auto-provisioning may use what the pools leave).
              ...Object.entries(gpuLimits(flowPools, regional)).map(([resourceType, maximum]) => ({ resourceType, minimum: 0, maximum })),
            ],
            autoProvisioningDefaults: {
              ...nodeSecurity,
              shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
              management: { autoRepair: true, autoUpgrade: true },
            },
          },
        });

    const nodeConfig = {
      ...nodeSecurity,
      diskType: "pd-balanced",
      imageType: "COS_CONTAINERD",
      // Pods see the GKE metadata server, so they get their KSA's identity, never the node's.
      workloadMetadataConfig: { mode: "GKE_METADATA" },
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      metadata: { "disable-legacy-endpoints": "true" },
    };
    if (!autopilot) {
      new ContainerNodePool(this, "node-pool", {
        project: props.project,
        name: props.nodePoolName,
        cluster: cluster.id,
        location: props.location,
        autoscaling: {
          minNodeCount: props.minNodes ?? DEFAULTS.cluster.minNodes,
          maxNodeCount: props.maxNodes ?? DEFAULTS.cluster.maxNodes,
        },
        management: { autoRepair: true, autoUpgrade: true },
        nodeConfig: {
          ...nodeSecurity,
          machineType: props.machineType ?? DEFAULTS.cluster.machineType,
          diskSizeGb: props.diskSizeGb ?? DEFAULTS.cluster.diskSizeGb,
          diskType: nodeConfig.diskType,
          imageType: nodeConfig.imageType,
          workloadMetadataConfig: nodeConfig.workloadMetadataConfig,
          shieldedInstanceConfig: nodeConfig.shieldedInstanceConfig,
          metadata: nodeConfig.metadata,
        },
      });
      for (const pool of flowPools) {
        new ContainerNodePool(this, `pool-${pool.name}`, {
          project: props.project,
          name: pool.name,
          cluster: cluster.id,
          location: props.location,
          nodeLocations: pool.zones ? [...pool.zones] : undefined,
          autoscaling: {
            minNodeCount: pool.minNodes,
            maxNodeCount: pool.maxNodes,
            // ANY takes capacity in whichever zone has it, which lowers the preemption risk of Spot VMs.
            locationPolicy: pool.spot ? "ANY" : undefined,
          },
          management: { autoRepair: true, autoUpgrade: true },
          nodeConfig: {
            ...nodeConfig,
            machineType: pool.machineType,
            diskSizeGb: pool.diskSizeGb,
            spot: pool.spot || undefined,
            guestAccelerator: pool.accelerator && [
              {
                type: pool.accelerator.type,
                count: pool.accelerator.count,
                // GKE installs the NVIDIA driver its version defaults to; no driver DaemonSet of ours.
                gpuDriverInstallationConfig: { gpuDriverVersion: "DEFAULT" },
              },
            ],
            labels: Object.keys(pool.labels).length > 0 ? { ...pool.labels } : undefined,
            taint: poolTaints(pool).map((t) => ({ ...t })),
          },
        });
      }
    }

    this.name = cluster.name;
    this.location = cluster.location;
    this.endpoint = dns ? cluster.controlPlaneEndpointsConfig.dnsEndpointConfig.endpoint : cluster.endpoint;
    this.caCertificate = cluster.masterAuth.clusterCaCertificate;
    this.nodeServiceAccountEmail = nodeSa.email;
    this.nodeServiceAccountMember = nodeSa.member;
  }
}

/** Per GPU model, the GPUs of the pools at their maxima: count x nodes per zone x zones. */
function gpuLimits(pools: readonly NodePoolSpec[], regional: boolean): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const p of pools) {
    if (!p.accelerator) continue;
    const zones = p.zones?.length ?? (regional ? REGIONAL_NODE_ZONES : 1);
    limits[p.accelerator.type] = (limits[p.accelerator.type] ?? 0) + p.accelerator.count * p.maxNodes * zones;
  }
  return limits;
}

/** GKE spreads a regional cluster's pool over three zones of the region unless its node locations are set. */
const REGIONAL_NODE_ZONES = 3;
