// Exposure: what can be reached from outside the VPC, and how traffic leaves it.
import * as ipaddr from "ipaddr.js";
import { helmValues, isHelmRelease } from "./helm";
import { code, flagCell, flagList, paragraphs, table } from "./markdown";
import { EnvironmentModel, Flag, ResourceModel, Section, StackModel } from "./model";
import { display, explain } from "./refs";
import { first, walkKeys, where } from "./shared";

const TITLE = "Exposure";

/** One thing reachable from outside the VPC (or deliberately not). */
interface Finding {
  readonly what: string;
  readonly reach: string;
  readonly resource: ResourceModel;
  readonly flags: Flag[];
}

/** "any address" for 0.0.0.0/0, "public" for other non-private ranges, "private" otherwise. */
export function classifyRange(cidr: string): { kind: "any" | "public" | "private" | "unknown"; prefix: number } {
  try {
    const [addr, prefix] = ipaddr.parseCIDR(cidr);
    if (prefix === 0) return { kind: "any", prefix };
    const range = addr.range();
    const internal = ["private", "loopback", "carrierGradeNat", "linkLocal", "uniqueLocal"].includes(range);
    return { kind: internal ? "private" : "public", prefix };
  } catch {
    return { kind: "unknown", prefix: -1 };
  }
}

function sqlFindings(r: ResourceModel): Finding[] {
  const ip = first(first(r.body.settings)?.ip_configuration) ?? {};
  // The provider's default is a public IPv4 address: only an explicit false turns it off.
  const publicIp = ip.ipv4_enabled !== false;
  const networks = [].concat(ip.authorized_networks ?? []).map((n: any) => display(n.value));
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
    : `private IP only${ip.private_network ? ` on ${code(display(ip.private_network))}` : ""}; SSL mode ${code(display(ip.ssl_mode ?? "default"))}`;
  return [{ what: `Cloud SQL ${code(display(r.body.name))}`, reach, resource: r, flags }];
}

function clusterFindings(r: ResourceModel): Finding[] {
  const pcc = first(r.body.private_cluster_config) ?? {};
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
  const dns = first(first(r.body.control_plane_endpoints_config)?.dns_endpoint_config);
  const dnsReach = dns?.allow_external_traffic === true ? "DNS endpoint: any network, IAM-gated (container.clusters.connect); " : "";
  if (pcc.enable_private_endpoint === true) reach = `${dnsReach}private endpoint only (${code(display(pcc.master_ipv4_cidr_block))})`;
  else {
    const blocks = [].concat(mans?.cidr_blocks ?? []) as any[];
    if (mans && blocks.length === 0) {
      // Authorized networks on with an empty list: no outside network reaches the IP endpoint.
      reach = `${dnsReach}IP endpoint closed to every network outside the VPC${mans.gcp_public_cidrs_access_enabled === false ? ", Google Cloud's public ranges included" : ""}`;
    } else if (blocks.length === 0) {
      endpointFlags.push({
        severity: "warn",
        section: TITLE,
        message: "public control-plane endpoint accepts connections from any IP (Kubernetes authentication still applies)",
        where: where(r),
      });
      reach = "public endpoint, no authorized networks: any IP can connect (authentication still required)";
    } else {
      const list = blocks.map((b) => `${code(display(b.cidr_block))}${b.display_name ? ` (${display(b.display_name)})` : ""}`);
      for (const b of blocks) {
        if (classifyRange(display(b.cidr_block)).kind === "any") {
          endpointFlags.push({
            severity: "warn",
            section: TITLE,
            message: "authorized networks of the public endpoint include 0.0.0.0/0",
            where: where(r),
          });
        }
      }
      reach = `${dnsReach}public endpoint, authorized networks: ${list.join(", ")}`;
    }
  }
  out.push({ what: `GKE ${code(display(r.body.name))} control plane`, reach, resource: r, flags: endpointFlags });
  return out;
}

function instanceFindings(r: ResourceModel): Finding[] {
  const nics = [].concat(r.body.network_interface ?? []) as any[];
  const withPublic = nics.filter((n) => n.access_config !== undefined);
  const flags: Flag[] =
    withPublic.length > 0 ? [{ severity: "loud", section: TITLE, message: "VM has a public IP (access_config)", where: where(r) }] : [];
  return [{ what: `VM ${code(display(r.body.name))}`, reach: withPublic.length > 0 ? "public IP" : "private IP only", resource: r, flags }];
}

function addressFindings(r: ResourceModel): Finding[] {
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

function forwardingRuleFindings(r: ResourceModel): Finding[] {
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

function serviceFindings(r: ResourceModel): Finding[] {
  const spec = first(r.body.spec) ?? {};
  const meta = first(r.body.metadata) ?? {};
  const type = String(spec.type ?? "ClusterIP");
  const name = `${display(meta.namespace ?? "default")}/${display(meta.name)}`;
  if (type !== "LoadBalancer" && type !== "NodePort") return [];
  const annotations = meta.annotations ?? {};
  const internal = [annotations["networking.gke.io/load-balancer-type"], annotations["cloud.google.com/load-balancer-type"]].some(
    (v) => String(v).toLowerCase() === "internal",
  );
  const ranges = [].concat(spec.load_balancer_source_ranges ?? []).map(String);
  const flags: Flag[] = [];
  if (type === "LoadBalancer" && !internal) {
    const open = ranges.length === 0 || ranges.some((c) => classifyRange(c).kind === "any");
    flags.push({
      severity: open ? "loud" : "warn",
      section: TITLE,
      message: `Service ${name} is an external load balancer${open ? " open to any address" : ""}`,
      where: where(r),
    });
  }
  const reach =
    type === "NodePort"
      ? "NodePort: reachable on the nodes' IPs (inside the VPC when nodes are private)"
      : `${internal ? "internal" : "external"} load balancer${ranges.length > 0 ? `, source ranges ${ranges.map(code).join(", ")}` : ""}`;
  return [{ what: `Service ${code(name)}`, reach, resource: r, flags }];
}

function ingressFindings(r: ResourceModel): Finding[] {
  const meta = first(r.body.metadata) ?? {};
  const cls = String(meta.annotations?.["kubernetes.io/ingress.class"] ?? first(r.body.spec)?.ingress_class_name ?? "gce");
  const internal = cls === "gce-internal";
  const name = `${display(meta.namespace ?? "default")}/${display(meta.name)}`;
  return [
    {
      what: `Ingress ${code(name)}`,
      reach: `${internal ? "internal" : "external"} HTTP(S) load balancer (class ${code(cls)})`,
      resource: r,
      flags: internal
        ? []
        : [{ severity: "warn", section: TITLE, message: `Ingress ${name} creates an external HTTP(S) load balancer`, where: where(r) }],
    },
  ];
}

function helmFindings(r: ResourceModel): Finding[] {
  const out: Finding[] = [];
  const { documents, sets } = helmValues(r);
  const hits: string[] = [];
  for (const doc of documents) {
    walkKeys(doc, (key, value, at, parent) => {
      if (/^(type|serviceType)$/.test(key) && value === "LoadBalancer") hits.push(`${at}: LoadBalancer`);
      if (key === "enabled" && value === true && /(^|\.)ingress\.enabled$/i.test(at)) hits.push(`${at}: true`);
      void parent;
    });
  }
  for (const s of sets) {
    if (/(^|\.)(type|serviceType)$/.test(s.name) && s.value === "LoadBalancer") hits.push(`set ${s.name}=LoadBalancer`);
    if (/(^|\.)ingress\.enabled$/i.test(s.name) && String(s.value) === "true") hits.push(`set ${s.name}=true`);
  }
  for (const hit of hits) {
    out.push({
      what: `Helm ${code(display(r.body.name))}`,
      reach: `values ${code(hit)}`,
      resource: r,
      flags: [
        { severity: "warn", section: TITLE, message: `Helm release ${display(r.body.name)} exposes a service (${hit})`, where: where(r) },
      ],
    });
  }
  return out;
}

function firewallFindings(r: ResourceModel): Finding[] {
  const direction = String(r.body.direction ?? "INGRESS");
  const ranges = [].concat(r.body.source_ranges ?? r.body.destination_ranges ?? []).map(String);
  const allow = [].concat(r.body.allow ?? []).map((a: any) => `${a.protocol}${a.ports ? `:${[].concat(a.ports).join(",")}` : ""}`);
  const deny = [].concat(r.body.deny ?? []).map((a: any) => `${a.protocol}${a.ports ? `:${[].concat(a.ports).join(",")}` : ""}`);
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

function bucketFindings(stack: StackModel, env: EnvironmentModel, r: ResourceModel): Finding[] {
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

export function exposureSection(env: EnvironmentModel): Section {
  const findings: Finding[] = [];
  const egress: string[][] = [];
  const subnets: string[][] = [];
  for (const stack of env.stacks) {
    for (const r of stack.resources) {
      if (r.type === "google_sql_database_instance") findings.push(...sqlFindings(r));
      else if (r.type === "google_container_cluster") findings.push(...clusterFindings(r));
      else if (r.type === "google_compute_instance" || r.type === "google_compute_instance_template") findings.push(...instanceFindings(r));
      else if (r.type === "google_compute_address" || r.type === "google_compute_global_address") findings.push(...addressFindings(r));
      else if (/^google_compute_(global_)?forwarding_rule$/.test(r.type)) findings.push(...forwardingRuleFindings(r));
      else if (/^kubernetes_service(_v1)?$/.test(r.type)) findings.push(...serviceFindings(r));
      else if (/^kubernetes_ingress(_v1)?$/.test(r.type)) findings.push(...ingressFindings(r));
      else if (isHelmRelease(r)) findings.push(...helmFindings(r));
      else if (r.type === "google_compute_firewall") findings.push(...firewallFindings(r));
      else if (r.type === "google_storage_bucket") findings.push(...bucketFindings(stack, env, r));
      else if (r.type === "google_compute_router_nat") {
        const log = first(r.body.log_config);
        egress.push([
          code(display(r.body.name)),
          code(display(r.body.region)),
          code(display(r.body.router)),
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
  const flags = findings.flatMap((f) => f.flags);
  const firewalls = findings.some((f) => f.resource.type === "google_compute_firewall");
  const rows = findings.map((f) => [f.what, f.reach, code(where(f.resource)), flagCell(f.flags)]);
  const markdown = paragraphs(
    flagList(flags),
    table(["What", "Reachability", "Defined at", "Flags"], rows, "_Nothing found that could be reachable from outside._"),
    !firewalls && "No firewall rules are defined here; GKE adds its own rules for its nodes, control plane and load balancers.",
    "#### Egress",
    egress.length > 0
      ? table(["Cloud NAT", "Region", "Router", "NAT IPs", "Source ranges", "Logging"], egress)
      : "No Cloud NAT: resources without a public IP cannot reach the internet.",
    subnets.length > 0 && table(["Subnetwork", "Range", "Private Google Access", "Flow logs"], subnets),
  );
  return { title: TITLE, markdown, flags };
}
