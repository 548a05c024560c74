import { ContainerCluster, ContainerClusterConfig } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DEFAULTS } from "../lib/defaults";
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
  /** Cluster autoscaler limits on vCPUs. @default { min: 1, max: 200 } */
  readonly cpuLimits?: { min: number; max: number };
  /** Cluster autoscaler limits on memory in GB. @default { min: 2, max: 400 } */
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
            ],
            autoProvisioningDefaults: {
              ...nodeSecurity,
              shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
              management: { autoRepair: true, autoUpgrade: true },
            },
          },
        });

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
          diskType: "pd-balanced",
          imageType: "COS_CONTAINERD",
          // Pods see the GKE metadata server, so they get their KSA's identity, never the node's.
          workloadMetadataConfig: { mode: "GKE_METADATA" },
          shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
          metadata: { "disable-legacy-endpoints": "true" },
        },
      });
    }

    this.name = cluster.name;
    this.location = cluster.location;
    this.endpoint = dns ? cluster.controlPlaneEndpointsConfig.dnsEndpointConfig.endpoint : cluster.endpoint;
    this.caCertificate = cluster.masterAuth.clusterCaCertificate;
    this.nodeServiceAccountEmail = nodeSa.email;
    this.nodeServiceAccountMember = nodeSa.member;
  }
}
