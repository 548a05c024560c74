// Exposure of what runs in the cluster: Services, Ingresses and the Services Helm charts render.
import { Finding, TITLE, classifyRange } from "./exposure-finding";
import { helmValues } from "./helm";
import { code } from "./markdown";
import { Flag, ResourceModel } from "./model";
import { display } from "./refs";
import { block, list, record, walkKeys, where } from "./shared";

export function serviceFindings(r: ResourceModel): Finding[] {
  const spec = block(r.body.spec);
  const meta = block(r.body.metadata);
  const type = String(spec.type ?? "ClusterIP");
  const name = `${display(meta.namespace ?? "default")}/${display(meta.name)}`;
  if (type !== "LoadBalancer" && type !== "NodePort") return [];
  const annotations = record(meta.annotations);
  const internal = [annotations["networking.gke.io/load-balancer-type"], annotations["cloud.google.com/load-balancer-type"]].some(
    (v) => String(v).toLowerCase() === "internal",
  );
  const ranges = list(spec.load_balancer_source_ranges).map(String);
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

export function ingressFindings(r: ResourceModel): Finding[] {
  const meta = block(r.body.metadata);
  const cls = String(record(meta.annotations)["kubernetes.io/ingress.class"] ?? block(r.body.spec).ingress_class_name ?? "gce");
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

export function helmFindings(r: ResourceModel): Finding[] {
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
