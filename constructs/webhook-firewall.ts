import { ComputeFirewall } from "@cdktf/provider-google/lib/compute-firewall";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

export interface WebhookFirewallProps {
  readonly project: string;
  /** Name of the firewall rule. */
  readonly name: string;
  /** The VPC of the cluster. */
  readonly network: string;
  /** The control plane's private range (`network.controlPlaneCidr`), the webhook calls' only source. */
  readonly controlPlaneCidr: string;
  /** Email of the nodes' service account: the rule applies to the cluster's nodes only. */
  readonly nodeServiceAccountEmail: string;
  /** TCP ports the admission webhooks serve on, inside their pods. */
  readonly ports: number[];
  /** Resources that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Lets a private cluster's control plane call admission webhooks served on the nodes' pods. GKE's own rule for
 * private clusters opens only 443 and 10250 from the control plane, so a webhook on another port (failure policy Fail)
 * would make every admission it handles time out. Exactly these ports, from the control plane's /28, to these nodes.
 */
export class WebhookFirewall extends Construct {
  readonly rule: ComputeFirewall;

  constructor(scope: Construct, id: string, props: WebhookFirewallProps) {
    super(scope, id);
    this.rule = new ComputeFirewall(this, "rule", {
      project: props.project,
      name: props.name,
      network: props.network,
      description: `The GKE control plane reaches admission webhooks on tcp:${props.ports.join(",")}`,
      direction: "INGRESS",
      sourceRanges: [props.controlPlaneCidr],
      // The nodes' own service account rather than a network tag: nothing else in the VPC runs as it.
      targetServiceAccounts: [props.nodeServiceAccountEmail],
      allow: [{ protocol: "tcp", ports: props.ports.map(String) }],
      dependsOn: props.dependsOn,
    });
  }
}
