// Exposure of what runs in the cluster: Services, Ingresses and the Services Helm charts render.
import { Finding, TITLE, classifyRange } from "./exposure-finding";
import { helmValues, isHelmRelease } from "./helm";
import { code } from "./markdown";
import { Flag, ResourceModel, StackModel } from "./model";
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

export function ingressFindings(stack: StackModel, r: ResourceModel): Finding[] {
  const meta = block(r.body.metadata);
  const annotations = record(meta.annotations);
  const cls = String(annotations["kubernetes.io/ingress.class"] ?? block(r.body.spec).ingress_class_name ?? "gce");
  const internal = cls === "gce-internal";
  const namespace = display(meta.namespace ?? "default");
  const name = `${namespace}/${display(meta.name)}`;
  const rules = list(block(r.body.spec).rule).map(block);
  const hosts = rules
    .map((rule) => rule.host)
    .filter((h) => h !== undefined)
    .map((h) => code(display(h)));
  const backendOf = (path: unknown) => display(block(block(block(path).backend).service).name);
  const backends = rules.flatMap((rule) => list(block(rule.http).path).map(backendOf));
  // GKE's Ingress answers plain HTTP unless told not to (kubernetes.io/ingress.allow-http).
  const httpsOnly = String(annotations["kubernetes.io/ingress.allow-http"]) === "false";
  const withoutIap = backends.filter((svc) => !iapOn(stack, namespace, svc));
  const where_ = where(r);
  const flags: Flag[] = [];
  if (!internal && withoutIap.length > 0) {
    flags.push({
      severity: "loud",
      section: TITLE,
      message: `Ingress ${name} is reachable from the internet without Identity-Aware Proxy on ${withoutIap.join(", ")}`,
      where: where_,
    });
  } else if (!internal) {
    flags.push({
      severity: "warn",
      section: TITLE,
      message: `Ingress ${name} is reachable from the internet, behind Identity-Aware Proxy`,
      where: where_,
    });
  }
  if (!internal && !httpsOnly) {
    flags.push({ severity: "warn", section: TITLE, message: `Ingress ${name} also answers plain HTTP`, where: where_ });
  }
  const behind = backends.length > 0 && withoutIap.length === 0 ? ", behind Identity-Aware Proxy" : "";
  return [
    {
      what: `Ingress ${code(name)}`,
      reach: `${internal ? "internal" : "external"} ${httpsOnly ? "HTTPS" : "HTTP(S)"} load balancer (class ${code(cls)})${hosts.length > 0 ? ` for ${hosts.join(", ")}` : ""}${behind}`,
      resource: r,
      flags,
    },
  ];
}

/** True when the stack's Service `namespace/service` names a BackendConfig, rendered by a release of it, with IAP on. */
function iapOn(stack: StackModel, namespace: string, service: string): boolean {
  const svc = stack.resources.find(
    (s) =>
      /^kubernetes_service(_v1)?$/.test(s.type) &&
      display(block(s.body.metadata).name) === service &&
      display(block(s.body.metadata).namespace) === namespace,
  );
  const named = svc && record(block(svc.body.metadata).annotations)["cloud.google.com/backend-config"];
  if (typeof named !== "string") return false;
  let config: string | undefined;
  try {
    config = (JSON.parse(named) as { default?: string }).default;
  } catch {
    return false;
  }
  return stack.resources
    .filter(isHelmRelease)
    .flatMap((rel) => helmValues(rel).documents)
    .flatMap((doc) => list(record(doc).backendConfigs).map(block))
    .some((bc) => bc.name === config && bc.namespace === namespace && block(block(bc.spec).iap).enabled === true);
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
