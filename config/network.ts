// The network: the VPC's ranges as Google Cloud takes them, and the range arithmetic the cluster's capacity needs.
import * as ipaddr from "ipaddr.js";
import { z } from "zod";
import { projectId, rfc1035Name } from "./name-rules";

/** An IPv4 CIDR block in reduced form (host bits zero), of any range: a network allowed to reach the control plane. */
export const reducedCidr = z.string().superRefine((value, ctx) => {
  if (!isCidr(value)) return void ctx.addIssue({ code: "custom", message: "must be an IPv4 CIDR block such as 203.0.113.0/24" });
  const network = ipaddr.IPv4.networkAddressFromCIDR(value).toString();
  const [address, bits] = ipaddr.IPv4.parseCIDR(value);
  if (network !== address.toString()) ctx.addIssue({ code: "custom", message: `host bits must be zero: did you mean ${network}/${bits}?` });
});

/** Number of addresses in a valid CIDR block. */
export function cidrSize(value: string): number {
  return 2 ** (32 - ipaddr.IPv4.parseCIDR(value)[1]);
}

/** An IPv4 CIDR block whose prefix length lies in [min, max] and whose host bits are zero. */
export function cidr(min: number, max: number, what: string) {
  return z.string().superRefine((value, ctx) => {
    if (!isCidr(value)) {
      ctx.addIssue({ code: "custom", message: "must be an IPv4 CIDR block such as 10.0.0.0/20" });
      return;
    }
    const [address, bits] = ipaddr.IPv4.parseCIDR(value);
    if (bits < min || bits > max) {
      const size = min === max ? `/${min}` : `between /${min} and /${max}`;
      ctx.addIssue({ code: "custom", message: `${what} must be ${size}, got /${bits}` });
    }
    const network = ipaddr.IPv4.networkAddressFromCIDR(value).toString();
    if (network !== address.toString()) {
      ctx.addIssue({ code: "custom", message: `host bits must be zero: did you mean ${network}/${bits}?` });
    }
    if (!["private", "carrierGradeNat"].includes(address.range())) {
      ctx.addIssue({
        code: "custom",
        message: "must be a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10)",
      });
    }
  });
}

/** True when two valid CIDR blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const ra = ipaddr.IPv4.parseCIDR(a);
  const rb = ipaddr.IPv4.parseCIDR(b);
  return ra[0].match(rb) || rb[0].match(ra);
}

/** Why an address cannot be taken from a subnetwork's primary range (outside it, or one GCP keeps), or undefined. */
export function subnetAddressRule(address: string, range: string): string | undefined {
  const [network, bits] = ipaddr.IPv4.parseCIDR(range);
  if (!ipaddr.IPv4.parse(address).match(network, bits)) return "must be an address of the cluster's subnetwork";
  const offset = toNumber(address) - toNumber(network.toString());
  // GCP keeps the network address, the gateway and the last two addresses of every primary range.
  if (offset < 2 || offset >= cidrSize(range) - 2) return "is one of the four addresses GCP reserves in the cluster's subnetwork";
  return undefined;
}

/** An IPv4 address as a number, for offsets within a range. */
function toNumber(address: string): number {
  return ipaddr.IPv4.parse(address).octets.reduce((n, octet) => n * 256 + octet, 0);
}

/** True when the string is a well-formed IPv4 CIDR block. */
export function isCidr(value: unknown): value is string {
  // ipaddr.js also accepts shorthand such as "10.0.0/8"; GCP wants four dotted decimals.
  return typeof value === "string" && /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(value) && ipaddr.IPv4.isValidCIDR(value);
}

/** Reuse what the organisation's network already has, or create it: the two modes of private service access and Cloud NAT. */
const reuseOrCreate = z.enum(["existing", "create"]);

/**
 * A VPC and subnetwork the organisation owns, often a Shared VPC in a host project. Both "reuse" defaults are the
 * ones a network team expects: a Shared VPC usually has private service access and a Cloud NAT already, a second
 * servicenetworking peering on the same VPC fails, and a NAT of ours would be a second egress path to audit.
 */
export const ExistingNetworkSchema = z
  .object({
    hostProject: projectId.optional().meta({
      description:
        "the Shared VPC host project that owns `network`; must differ from the environment's `project` (leave it unset when the VPC is in that project)",
      "x-default": "the environment's `project`",
    }),
    network: rfc1035Name.describe("name of the existing VPC (RFC 1035, 1-63 characters)"),
    subnetwork: rfc1035Name.describe(
      "name of the existing subnetwork, in the environment's `region`, that the GKE nodes use (RFC 1035, 1-63 characters)",
    ),
    podsRange: rfc1035Name.describe(
      "name of the subnetwork's secondary range for GKE pods; its size is not known offline, so the pod-range capacity check of `network.podsCidr` is skipped: size it for a /24 per node at `maxNodes`",
    ),
    servicesRange: rfc1035Name.describe("name of the subnetwork's secondary range for GKE services; must differ from `podsRange`"),
    privateServiceAccess: reuseOrCreate
      .default("existing")
      .describe(
        'Cloud SQL\'s private IP needs private service access (a servicenetworking peering) in the VPC: "existing" reuses the one the VPC has; "create" reserves `network.privateServiceAccessCidr` and creates the peering in the network\'s project',
      ),
    nat: reuseOrCreate
      .default("existing")
      .describe(
        'the nodes have no public IPs: "existing" relies on the organisation\'s Cloud NAT (or other egress) for the subnetwork; "create" adds a Cloud Router and a NAT for this subnetwork only, in the network\'s project',
      ),
    // "create" by default: without the rule JobSet's admission webhooks time out, and the preflight says before the
    // apply when the deployer may not create it in a host project; "existing" is the way out where it may not.
    webhookFirewall: reuseOrCreate
      .default("create")
      .describe(
        'the firewall rule that lets the GKE control plane call the JobSet webhooks on the nodes (`services.jobset.enabled`): "create" makes it in the network\'s project, where the deployer then needs `compute.firewalls.*` and `compute.networks.updatePolicy` (the preflight checks); "existing" leaves it to the network\'s owners (the preflight names the rule they must have)',
      ),
  })
  .strict()
  .superRefine((existing, ctx) => {
    if (existing.podsRange === existing.servicesRange) {
      ctx.addIssue({ code: "custom", path: ["servicesRange"], message: "must differ from podsRange: GKE needs two secondary ranges" });
    }
  });

/** The CIDR settings that describe ranges the app creates, which `existing` replaces by the organisation's own. */
export const CREATED_RANGES = ["subnetCidr", "podsCidr", "servicesCidr", "privateServiceAccessCidr"] as const;

export const NetworkSchema = z
  .object({
    subnetCidr: cidr(8, 29, "the subnetwork range")
      .default("10.10.0.0/20")
      .describe(
        "primary range of the subnetwork (GKE nodes); /8-/29; holds `maxNodes` (times 3 zones when regional) plus GCP's 4 reserved addresses",
      ),
    podsCidr: cidr(9, 24, "the pod range")
      .default("10.16.0.0/14")
      .describe(
        "secondary range for GKE pods; /9-/24; holds a /24 per node (GKE's default at 110 pods per node) for `maxNodes` nodes per zone, in 3 zones when regional (GKE's default node locations); Standard mode only, Autopilot sizes its nodes itself",
      ),
    servicesCidr: cidr(16, 27, "the service range").default("10.20.0.0/20").describe("secondary range for GKE services; /16-/27"),
    privateServiceAccessCidr: cidr(8, 24, "the private service access range")
      .default("10.30.0.0/20")
      .describe("range reserved for private service access (Cloud SQL's private IP); /8-/24"),
    controlPlaneCidr: cidr(28, 28, "the control-plane range")
      .default("172.16.0.0/28")
      .describe(
        "range of the GKE control plane's private endpoint; exactly /28, as GKE requires; with `existing`, it must not overlap the organisation's ranges",
      ),
    existing: ExistingNetworkSchema.optional().describe(
      'deploy into a VPC and subnetwork the organisation owns (a Shared VPC when `hostProject` is set) instead of creating them; `subnetCidr`, `podsCidr` and `servicesCidr` (and `privateServiceAccessCidr`, unless `privateServiceAccess` is "create") are then refused; see README, "An existing network or a Shared VPC"',
    ),
  })
  .strict()
  .superRefine((network, ctx) => {
    // With `existing`, the ranges it replaces are unused defaults: they overlap nothing that will exist.
    const unused: readonly string[] = !network.existing
      ? []
      : network.existing.privateServiceAccess === "create"
        ? CREATED_RANGES.filter((f) => f !== "privateServiceAccessCidr")
        : CREATED_RANGES;
    const ranges = Object.entries(network).filter((e): e is [string, string] => isCidr(e[1]) && !unused.includes(e[0]));
    ranges.forEach(([field, value], i) => {
      for (const [otherField, other] of ranges.slice(0, i)) {
        if (cidrsOverlap(value, other)) {
          ctx.addIssue({ code: "custom", path: [field], message: `must not overlap network.${otherField} (${other})` });
        }
      }
    });
  });
