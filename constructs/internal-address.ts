import { ComputeAddress } from "@cdktf/provider-google/lib/compute-address";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

export interface InternalAddressProps {
  readonly project: string;
  readonly region: string;
  /** Name of the address resource. */
  readonly name: string;
  /** The address, from the subnetwork's primary range. */
  readonly address: string;
  /** Self link of the cluster's subnetwork. */
  readonly subnetwork: string;
  /** Resources that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The internal address of the services in `internal` access, reserved so nothing else in the subnetwork takes it.
 * SHARED_LOADBALANCER_VIP lets several internal load balancers (one per service, each on its own port) share it.
 */
export class InternalAddress extends Construct {
  readonly address: ComputeAddress;

  constructor(scope: Construct, id: string, props: InternalAddressProps) {
    super(scope, id);
    this.address = new ComputeAddress(this, "address", {
      project: props.project,
      region: props.region,
      name: props.name,
      address: props.address,
      addressType: "INTERNAL",
      purpose: "SHARED_LOADBALANCER_VIP",
      subnetwork: props.subnetwork,
      description: "Internal address of the Metaflow services (metadata, UI, Argo UI, webhook), one port each",
      dependsOn: props.dependsOn,
    });
  }
}
