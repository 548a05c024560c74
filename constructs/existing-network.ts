import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { createCloudNat, createPrivateServiceAccess } from "./network";

export interface ExistingNetworkProps {
  /** Project that owns the VPC: the Shared VPC host project, or the environment's own. */
  readonly project: string;
  /** Region of the subnetwork (and of the router and NAT when created). */
  readonly region: string;
  /** Name of the existing VPC. */
  readonly network: string;
  /** Name of the existing subnetwork, in `region`. */
  readonly subnetwork: string;
  /** Name of the subnetwork's secondary range for pods. */
  readonly podsRangeName: string;
  /** Name of the subnetwork's secondary range for services. */
  readonly servicesRangeName: string;
  /** Set to reserve this range and create the servicenetworking peering. @default unset: the VPC has private service access */
  readonly privateServiceAccess?: { readonly name: string; readonly cidr: string };
  /** Set to create a router and a NAT for the subnetwork. @default unset: the organisation's egress serves the subnetwork */
  readonly nat?: { readonly router: string; readonly nat: string };
  /** Resources (e.g. API enablement) that what is created must wait for. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A VPC and subnetwork the organisation owns (often a Shared VPC in a host project): nothing of theirs is created or
 * changed; private service access and Cloud NAT are added to it only when asked. It exposes the attributes of
 * `Network`, as relative resource names, which the cluster, Cloud SQL and firewall rules accept in another project.
 */
export class ExistingNetwork extends Construct {
  /** `projects/<project>/global/networks/<network>`. */
  readonly networkId: string;
  /** The same relative name: Cloud SQL's private_network takes it. */
  readonly networkSelfLink: string;
  /** `projects/<project>/regions/<region>/subnetworks/<subnetwork>`. */
  readonly subnetworkSelfLink: string;
  readonly podsRangeName: string;
  readonly servicesRangeName: string;
  /** The peering Cloud SQL waits for, when created here; unset when the VPC already has it. */
  readonly privateServiceAccess?: ITerraformDependable;

  constructor(scope: Construct, id: string, props: ExistingNetworkProps) {
    super(scope, id);
    const { project, region } = props;
    this.networkId = `projects/${project}/global/networks/${props.network}`;
    this.networkSelfLink = this.networkId;
    this.subnetworkSelfLink = `projects/${project}/regions/${region}/subnetworks/${props.subnetwork}`;
    this.podsRangeName = props.podsRangeName;
    this.servicesRangeName = props.servicesRangeName;
    if (props.privateServiceAccess) {
      this.privateServiceAccess = createPrivateServiceAccess(this, {
        project,
        network: this.networkId,
        ...props.privateServiceAccess,
        dependsOn: props.dependsOn,
      });
    }
    if (props.nat) {
      // Only our subnetwork: the organisation's other subnetworks keep whatever egress they have.
      createCloudNat(this, {
        project,
        region,
        network: this.networkId,
        ...props.nat,
        subnetworks: [this.subnetworkSelfLink],
        dependsOn: props.dependsOn,
      });
    }
  }
}
