// What the infra stack deploys that the organisation policies below look at. Each fact is checked against the
// synthesized infra stack by __tests__/preflight-plan-facts.test.ts, so a construct change that breaks one fails there.
import { EnvironmentConfig } from "../config";

export interface PlanFacts {
  /** Cloud SQL gets a public IPv4 address (constructs/database.ts: ip_configuration.ipv4_enabled). */
  readonly sqlPublicIp: boolean;
  /** GKE nodes get external IPs (constructs/control-plane-access.ts: private nodes). */
  readonly nodeExternalIps: boolean;
  /** Every GKE node is a Shielded VM with Secure Boot (constructs/cluster.ts; Autopilot nodes always are). */
  readonly shieldedNodesWithSecureBoot: boolean;
  /**
   * The load balancer types GKE creates for the services stack (services.access), as
   * compute.restrictLoadBalancerCreationForTypes names them: the classic Application Load Balancer of a GKE Ingress
   * (`EXTERNAL_HTTP_HTTPS`) in "iap", the internal passthrough Network Load Balancer of an internal LoadBalancer
   * Service (`INTERNAL_TCP_UDP`) in "internal".
   */
  readonly loadBalancerTypes: readonly string[];
}

/** The facts for an environment: only services.access changes one (the load balancer types). */
export function planFacts(env: EnvironmentConfig): PlanFacts {
  const loadBalancerTypes = { "port-forward": [], iap: ["EXTERNAL_HTTP_HTTPS"], internal: ["INTERNAL_TCP_UDP"] }[env.services.access.mode];
  return { sqlPublicIp: false, nodeExternalIps: false, shieldedNodesWithSecureBoot: true, loadBalancerTypes };
}
