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
}

/** The facts for an environment: the same for every configuration today, as no setting changes them. */
export function planFacts(_env: EnvironmentConfig): PlanFacts {
  return { sqlPublicIp: false, nodeExternalIps: false, shieldedNodesWithSecureBoot: true };
}
