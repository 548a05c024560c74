// Exposure: what can be reached from outside the VPC, and how traffic leaves it.
import { Finding, TITLE } from "./exposure-finding";
import {
  addressFindings,
  bucketFindings,
  clusterFindings,
  firewallFindings,
  forwardingRuleFindings,
  instanceFindings,
  sqlFindings,
} from "./exposure-gcp";
import { helmFindings, ingressFindings, serviceFindings } from "./exposure-k8s";
import { isHelmRelease } from "./helm";
import { code, flagCell, flagList, paragraphs, table } from "./markdown";
import { Section, SectionContext } from "./model";
import { display, readable } from "./refs";
import { first, where } from "./shared";

export function exposureSection({ env, acknowledge }: SectionContext): Section {
  const findings: Finding[] = [];
  const egress: string[][] = [];
  const subnets: string[][] = [];
  for (const stack of env.stacks) {
    for (const r of stack.resources) {
      if (r.type === "google_sql_database_instance") findings.push(...sqlFindings(stack, r));
      else if (r.type === "google_container_cluster") findings.push(...clusterFindings(r));
      else if (r.type === "google_compute_instance" || r.type === "google_compute_instance_template") findings.push(...instanceFindings(r));
      else if (r.type === "google_compute_address" || r.type === "google_compute_global_address") findings.push(...addressFindings(r));
      else if (/^google_compute_(global_)?forwarding_rule$/.test(r.type)) findings.push(...forwardingRuleFindings(r));
      else if (/^kubernetes_service(_v1)?$/.test(r.type)) findings.push(...serviceFindings(r));
      else if (/^kubernetes_ingress(_v1)?$/.test(r.type)) findings.push(...ingressFindings(stack, r));
      else if (isHelmRelease(r)) findings.push(...helmFindings(r));
      else if (r.type === "google_compute_firewall") findings.push(...firewallFindings(r));
      else if (r.type === "google_storage_bucket") findings.push(...bucketFindings(stack, env, r));
      else if (r.type === "google_compute_router_nat") {
        const log = first(r.body.log_config);
        egress.push([
          code(display(r.body.name)),
          code(display(r.body.region)),
          code(readable(stack, r.body.router)),
          display(r.body.nat_ip_allocate_option),
          display(r.body.source_subnetwork_ip_ranges_to_nat),
          log?.enable ? `on (${display(log.filter)})` : "off",
        ]);
      } else if (r.type === "google_compute_subnetwork") {
        subnets.push([
          code(display(r.body.name)),
          code(display(r.body.ip_cidr_range)),
          r.body.private_ip_google_access ? "yes" : "no",
          r.body.log_config ? "on" : "off",
        ]);
      }
    }
  }
  // With network.existing the VPC is the organisation's, and so is its egress.
  const ownNetwork = env.stacks.some((s) => s.resources.some((r) => r.type === "google_compute_network"));
  const marked = findings.map((f) => ({ ...f, flags: acknowledge(f.flags) }));
  const flags = marked.flatMap((f) => f.flags);
  const firewalls = findings.some((f) => f.resource.type === "google_compute_firewall");
  const rows = marked.map((f) => [f.what, f.reach, code(where(f.resource)), flagCell(f.flags)]);
  const markdown = paragraphs(
    flagList(flags),
    table(["What", "Reachability", "Defined at", "Flags"], rows, "_Nothing found that could be reachable from outside._"),
    !firewalls && "No firewall rules are defined here; GKE adds its own rules for its nodes, control plane and load balancers.",
    "#### Egress",
    egress.length > 0
      ? table(["Cloud NAT", "Region", "Router", "NAT IPs", "Source ranges", "Logging"], egress)
      : ownNetwork
        ? "No Cloud NAT: resources without a public IP cannot reach the internet."
        : "No Cloud NAT is created here, nor the VPC (an existing network): egress is whatever the network's owner provides.",
    subnets.length > 0 && table(["Subnetwork", "Range", "Private Google Access", "Flow logs"], subnets),
  );
  return { title: TITLE, markdown, flags };
}
