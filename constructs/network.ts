import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
import { ComputeRouter } from "@cdktf/provider-google/lib/compute-router";
import { ComputeRouterNat } from "@cdktf/provider-google/lib/compute-router-nat";
import { ComputeSubnetwork } from "@cdktf/provider-google/lib/compute-subnetwork";
import { ServiceNetworkingConnection } from "@cdktf/provider-google/lib/service-networking-connection";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** Names of the network's resources. */
export interface NetworkNames {
  readonly vpc: string;
  readonly subnetwork: string;
  /** The range reserved for private service access. */
  readonly privateServiceAccess: string;
  readonly router: string;
  readonly nat: string;
}

export interface NetworkProps {
  /** Project that owns the network. */
  readonly project: string;
  /** Region of the subnetwork, router and NAT. */
  readonly region: string;
  /** Names of the VPC, the subnetwork, the private service access range, the router and the NAT. */
  readonly names: NetworkNames;
  /** Primary range of the subnetwork (GKE nodes). */
  readonly subnetCidr: string;
  /** Secondary range for GKE pods. */
  readonly podsCidr: string;
  /** Secondary range for GKE services. */
  readonly servicesCidr: string;
  /** Range reserved for Google-managed services (Cloud SQL private IP). */
  readonly privateServiceAccessCidr: string;
  /** Resources (e.g. API enablement) that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** A private VPC: one subnetwork with GKE secondary ranges, private service access for Cloud SQL, and Cloud NAT for egress. */
export class Network extends Construct {
  /** Self link of the VPC. */
  readonly networkId: string;
  /** Self link of the VPC, the form Cloud SQL's private_network wants. */
  readonly networkSelfLink: string;
  /** Self link of the subnetwork. */
  readonly subnetworkSelfLink: string;
  /** Name of the secondary range for pods. */
  readonly podsRangeName = "pods";
  /** Name of the secondary range for services. */
  readonly servicesRangeName = "services";
  /** The peering with Google's service producer network; Cloud SQL needs it before it can get a private IP. */
  readonly privateServiceAccess: ServiceNetworkingConnection;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { project, region, names } = props;

    const vpc = new ComputeNetwork(this, "vpc", {
      project,
      name: names.vpc,
      // Custom mode: no auto-created subnetworks in every region.
      autoCreateSubnetworks: false,
      routingMode: "REGIONAL",
      dependsOn: props.dependsOn,
    });

    const subnet = new ComputeSubnetwork(this, "subnet", {
      project,
      region,
      name: names.subnetwork,
      network: vpc.id,
      ipCidrRange: props.subnetCidr,
      secondaryIpRange: [
        { rangeName: this.podsRangeName, ipCidrRange: props.podsCidr },
        { rangeName: this.servicesRangeName, ipCidrRange: props.servicesCidr },
      ],
      // Private nodes reach Google APIs (GCS, Artifact Registry) without public IPs.
      privateIpGoogleAccess: true,
      // Flow logs make traffic auditable; sampling keeps their cost low.
      logConfig: { aggregationInterval: "INTERVAL_10_MIN", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
    });

    this.privateServiceAccess = createPrivateServiceAccess(this, {
      project,
      network: vpc.id,
      name: names.privateServiceAccess,
      cidr: props.privateServiceAccessCidr,
    });
    createCloudNat(this, { project, region, network: vpc.id, router: names.router, nat: names.nat });

    this.networkId = vpc.id;
    this.networkSelfLink = vpc.selfLink;
    this.subnetworkSelfLink = subnet.selfLink;
  }
}

/** What private service access needs: the VPC, and the range reserved in it for Google's service producers. */
export interface PrivateServiceAccessProps {
  /** Project that owns the VPC. */
  readonly project: string;
  /** Id or self link of the VPC. */
  readonly network: string;
  /** Name of the reserved range. */
  readonly name: string;
  /** The reserved range. */
  readonly cidr: string;
  /** Resources (e.g. API enablement) that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Reserves a range in the VPC and peers it with servicenetworking; returns the peering Cloud SQL must wait for. */
export function createPrivateServiceAccess(scope: Construct, props: PrivateServiceAccessProps): ServiceNetworkingConnection {
  const [address, prefix] = props.cidr.split("/");
  const range = new ComputeGlobalAddress(scope, "private-service-access-range", {
    project: props.project,
    name: props.name,
    purpose: "VPC_PEERING",
    addressType: "INTERNAL",
    address,
    prefixLength: Number(prefix),
    network: props.network,
    dependsOn: props.dependsOn,
  });
  return new ServiceNetworkingConnection(scope, "private-service-access", {
    network: props.network,
    service: "servicenetworking.googleapis.com",
    reservedPeeringRanges: [range.name],
    // Abandon instead of deleting: the peering can only be removed after Cloud SQL has released it.
    deletionPolicy: "ABANDON",
  });
}

export interface CloudNatProps {
  /** Project that owns the VPC. */
  readonly project: string;
  readonly region: string;
  /** Id or self link of the VPC. */
  readonly network: string;
  readonly router: string;
  readonly nat: string;
  /** Self links of the only subnetworks to translate. @default every subnetwork of the region */
  readonly subnetworks?: string[];
  /** Resources (e.g. API enablement) that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** A Cloud Router and its NAT, the egress of nodes without public IPs. */
export function createCloudNat(scope: Construct, props: CloudNatProps): ComputeRouterNat {
  const { project, region } = props;
  const router = new ComputeRouter(scope, "router", {
    project,
    region,
    name: props.router,
    network: props.network,
    dependsOn: props.dependsOn,
  });
  // Nodes have no public IPs; NAT lets them pull images and reach Python package indexes.
  return new ComputeRouterNat(scope, "nat", {
    project,
    region,
    name: props.nat,
    router: router.name,
    natIpAllocateOption: "AUTO_ONLY",
    ...(props.subnetworks
      ? {
          sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
          subnetwork: props.subnetworks.map((name) => ({ name, sourceIpRangesToNat: ["ALL_IP_RANGES"] })),
        }
      : { sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES" }),
    logConfig: { enable: true, filter: "ERRORS_ONLY" },
  });
}
