// Exposure of GCP resources: Cloud SQL, GKE, instances, addresses, load balancers, firewalls and buckets.
import { classifyRange, Finding, TITLE } from "./exposure-finding";
import { code } from "./markdown";
import { EnvironmentModel, Flag, JsonObject, ResourceModel, StackModel } from "./model";
import { display, explain, readable } from "./refs";
import { block, blocks, first, list, where } from "./shared";

export function sqlFindings(stack: StackModel, r: ResourceModel): Finding[] {
  const ip = block(block(r.body.settings).ip_configuration);
  // The provider's default is a public IPv4 address: only an explicit false turns it off.
  const publicIp = ip.ipv4_enabled !== false;
  const networks = blocks(ip.authorized_networks).map((n) => display(n.value));
  const flags: Flag[] = [];
  if (publicIp) {
    const open = networks.some((n) => classifyRange(n).kind === "any");
    flags.push({
      severity: "loud",
      section: TITLE,
      message: `Cloud SQL instance has a public IPv4 address${open ? " open to 0.0.0.0/0" : ""}`,
      where: where(r),
    });
  }
  const reach = publicIp
    ? `public IPv4; authorized networks: ${networks.length > 0 ? networks.map(code).join(", ") : "none (Cloud SQL connectors and Auth Proxy only)"}`
    : `private IP only${ip.private_network ? ` on ${code(readable(stack, ip.private_network))}` : ""}; SSL mode ${code(display(ip.ssl_mode ?? "default"))}`;
  return [{ what: `Cloud SQL ${code(readable(stack, r.body.name))}`, reach, resource: r, flags }];
}

export function clusterFindings(r: ResourceModel): Finding[] {
  const pcc = block(r.body.private_cluster_config);
  const flags: Flag[] = [];
  const out: Finding[] = [];
  if (pcc.enable_private_nodes !== true && r.body.enable_autopilot !== true) {
    flags.push({ severity: "warn", section: TITLE, message: "GKE nodes get public IPs (private nodes are off)", where: where(r) });
  }
  const nodes = pcc.enable_private_nodes === true ? "private nodes (no public IPs)" : "nodes with public IPs";
  out.push({ what: `GKE ${code(display(r.body.name))} nodes`, reach: nodes, resource: r, flags: [...flags] });

  const endpointFlags: Flag[] = [];
  let reach: string;
  const mans = first(r.body.master_authorized_networks_config);
  const dns = first(block(r.body.control_plane_endpoints_config).dns_endpoint_config);
  const dnsReach = dns?.allow_external_traffic === true ? "DNS endpoint: any network, IAM-gated (container.clusters.connect); " : "";
  if (pcc.enable_private_endpoint === true) reach = `${dnsReach}private endpoint only (${code(display(pcc.master_ipv4_cidr_block))})`;
  else {
    const cidrs = blocks(mans?.cidr_blocks);
    if (mans && cidrs.length === 0) {
      // Authorized networks on with an empty list: no outside network reaches the IP endpoint.
      reach = `${dnsReach}IP endpoint closed to every network outside the VPC${mans.gcp_public_cidrs_access_enabled === false ? ", Google Cloud's public ranges included" : ""}`;
    } else if (cidrs.length === 0) {
      endpointFlags.push({
        severity: "warn",
        section: TITLE,
        message: "public control-plane endpoint accepts connections from any IP (Kubernetes authentication still applies)",
        where: where(r),
      });
      reach = "public endpoint, no authorized networks: any IP can connect (authentication still required)";
    } else {
      const shown = cidrs.map((b) => `${code(display(b.cidr_block))}${b.display_name ? ` (${display(b.display_name)})` : ""}`);
      for (const b of cidrs) {
        if (classifyRange(display(b.cidr_block)).kind === "any") {
          endpointFlags.push({
            severity: "warn",
            section: TITLE,
            message: "authorized networks of the public endpoint include 0.0.0.0/0",
            where: where(r),
          });
        }
      }
      reach = `${dnsReach}public endpoint, authorized networks: ${shown.join(", ")}`;
    }
  }
  out.push({ what: `GKE ${code(display(r.body.name))} control plane`, reach, resource: r, flags: endpointFlags });
  return out;
}

export function instanceFindings(r: ResourceModel): Finding[] {
  const withPublic = blocks(r.body.network_interface).filter((n) => n.access_config !== undefined);
  const flags: Flag[] =
    withPublic.length > 0 ? [{ severity: "loud", section: TITLE, message: "VM has a public IP (access_config)", where: where(r) }] : [];
  return [{ what: `VM ${code(display(r.body.name))}`, reach: withPublic.length > 0 ? "public IP" : "private IP only", resource: r, flags }];
}

export function addressFindings(r: ResourceModel): Finding[] {
  // Without address_type, a reserved address is EXTERNAL.
  const external = (r.body.address_type ?? "EXTERNAL") === "EXTERNAL";
  const purpose = r.body.purpose ? `, purpose ${code(display(r.body.purpose))}` : "";
  return [
    {
      what: `Address ${code(display(r.body.name))}`,
      reach: external ? "reserved public IP" : `internal range${purpose}`,
      resource: r,
      flags: external ? [{ severity: "warn", section: TITLE, message: "reserved public IP address", where: where(r) }] : [],
    },
  ];
}

export function forwardingRuleFindings(r: ResourceModel): Finding[] {
  const scheme = String(r.body.load_balancing_scheme ?? "EXTERNAL");
  const external = scheme.startsWith("EXTERNAL");
  return [
    {
      what: `Load balancer ${code(display(r.body.name))}`,
      reach: `${code(scheme)} forwarding rule`,
      resource: r,
      flags: external ? [{ severity: "warn", section: TITLE, message: `external load balancer (${scheme})`, where: where(r) }] : [],
    },
  ];
}

export function firewallFindings(r: ResourceModel): Finding[] {
  const direction = String(r.body.direction ?? "INGRESS");
  const ranges = list(r.body.source_ranges ?? r.body.destination_ranges).map(String);
  const ports = (a: JsonObject) => `${a.protocol}${a.ports ? `:${list(a.ports).join(",")}` : ""}`;
  const allow = blocks(r.body.allow).map(ports);
  const deny = blocks(r.body.deny).map(ports);
  const flags: Flag[] = [];
  if (direction === "INGRESS" && allow.length > 0 && r.body.disabled !== true) {
    for (const c of ranges) {
      const { kind, prefix } = classifyRange(c);
      if (kind === "any")
        flags.push({
          severity: "loud",
          section: TITLE,
          message: `firewall rule ${display(r.body.name)} allows ${allow.join(" ")} from ${c}`,
          where: where(r),
        });
      else if (kind === "public" && prefix < 16)
        flags.push({
          severity: "warn",
          section: TITLE,
          message: `firewall rule ${display(r.body.name)} allows a wide public range ${c}`,
          where: where(r),
        });
    }
  }
  const rule = `${direction} ${allow.length ? `allow ${allow.join(" ")}` : ""}${deny.length ? `deny ${deny.join(" ")}` : ""} from ${ranges.map(code).join(", ") || "(tags/service accounts)"}`;
  return [{ what: `Firewall ${code(display(r.body.name))}`, reach: rule, resource: r, flags }];
}

export function bucketFindings(stack: StackModel, env: EnvironmentModel, r: ResourceModel): Finding[] {
  const enforced = r.body.public_access_prevention === "enforced";
  return [
    {
      what: `Bucket ${code(explain(env.synth, stack, r.body.name))}`,
      reach: enforced ? "public access prevention enforced" : "public access possible through IAM (public access prevention not enforced)",
      resource: r,
      flags: [],
    },
  ];
}
