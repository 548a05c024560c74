import { ContainerCluster, ContainerClusterConfig } from "@cdktf/provider-google/lib/container-cluster";
import { ContainerNodePool } from "@cdktf/provider-google/lib/container-node-pool";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { nodePoolName } from "../lib/names";
import { DEFAULTS } from "../lib/defaults";

/** What a node needs and nothing more: write logs and metrics, read images. */
export const NODE_ROLES = [
  "roles/logging.logWriter",
  "roles/monitoring.metricWriter",
  "roles/monitoring.viewer",
  "roles/stackdriver.resourceMetadata.writer",
  "roles/artifactregistry.reader",
];

export interface ClusterProps {
  readonly project: string;
  /** Cluster name. */
  readonly name: string;
  /** A zone (zonal cluster) or a region (regional cluster). */
  readonly location: string;
  /** Self link of the VPC. */
  readonly network: string;
  /** Self link of the subnetwork. */
  readonly subnetwork: string;
  /** Name of the subnetwork's secondary range for pods. */
  readonly podsRangeName: string;
  /** Name of the subnetwork's secondary range for services. */
  readonly servicesRangeName: string;
  /** /28 range of the control plane's private endpoint. */
  readonly controlPlaneCidr: string;
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
  /**
   * How callers outside the VPC reach the control plane. "dns": the DNS-based endpoint, gated by IAM
   * (container.clusters.connect), with the IP endpoint closed to every network but `masterAuthorizedNetworks`.
   * "ip": the public IP endpoint, open to `masterAuthorizedNetworks` or, when that is empty, to any IP. @default "dns"
   */
  readonly controlPlaneEndpoint?: "dns" | "ip";
  /** Networks allowed to reach the IP endpoint. @default [] */
  readonly masterAuthorizedNetworks?: { cidr: string; name: string }[];
  /** Google Groups for RBAC: the `gke-security-groups@<domain>` group whose nested groups RBAC can name. @default none */
  readonly securityGroup?: string;
  /** Protects the cluster from `terraform destroy`. @default true */
  readonly deletionProtection?: boolean;
  /** Labels of the cluster and its nodes. @default {} */
  readonly labels?: Record<string, string>;
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

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const autopilot = props.mode === "autopilot";
    this.workloadPool = `${props.project}.svc.id.goog`;

    // Nodes run as their own service account, not the Compute Engine default one (which holds Editor).
    const nodeSa = new ServiceAccount(this, "node-service-account", {
      project: props.project,
      accountId: props.nodeServiceAccountId,
      displayName: `GKE nodes of ${props.name}`,
      dependsOn: props.dependsOn,
    });
    for (const role of NODE_ROLES) {
      new ProjectIamMember(this, `node-${role.split("/")[1].replace(/\./g, "-")}`, {
        project: props.project,
        role,
        member: nodeSa.member,
      });
    }
    const nodeSecurity = {
      serviceAccount: nodeSa.email,
      // Access is decided by IAM roles; the scope only stops tokens being narrowed twice.
      oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
    };

    const authorized = props.masterAuthorizedNetworks ?? [];
    const dns = (props.controlPlaneEndpoint ?? DEFAULTS.cluster.controlPlaneEndpoint) === "dns";
    const common: ContainerClusterConfig = {
      project: props.project,
      name: props.name,
      location: props.location,
      network: props.network,
      subnetwork: props.subnetwork,
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: {
        clusterSecondaryRangeName: props.podsRangeName,
        servicesSecondaryRangeName: props.servicesRangeName,
      },
      releaseChannel: { channel: props.releaseChannel ?? DEFAULTS.cluster.releaseChannel },
      // Private nodes have no public IPs; the control plane keeps an external endpoint for kubectl and Terraform.
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: false,
        masterIpv4CidrBlock: props.controlPlaneCidr,
      },
      // With the DNS endpoint, the authorized networks are always on: an empty list closes the IP endpoint to every
      // network outside the VPC, Google's own public ranges included.
      masterAuthorizedNetworksConfig:
        authorized.length > 0 || dns
          ? {
              cidrBlocks: authorized.map((n) => ({ cidrBlock: n.cidr, displayName: n.name })),
              gcpPublicCidrsAccessEnabled: dns ? false : undefined,
            }
          : undefined,
      // Reached by its name through Google's front end, which checks IAM before any request reaches the API server;
      // Kubernetes service-account tokens and client certificates are refused there (their defaults).
      controlPlaneEndpointsConfig: dns ? { dnsEndpointConfig: { allowExternalTraffic: true } } : undefined,
      authenticatorGroupsConfig: props.securityGroup ? { securityGroup: props.securityGroup } : undefined,
      // No client-certificate login: access goes through IAM only.
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      deletionProtection: props.deletionProtection ?? true,
      resourceLabels: props.labels,
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
          // Dataplane V2 enforces Kubernetes network policies.
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
        name: nodePoolName(props.name),
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
          labels: props.labels,
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
  }
}
