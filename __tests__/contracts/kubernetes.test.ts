// Facts kubernetes/kubernetes v1.34.4 (the API server the cluster test runs; a minor GKE's REGULAR channel serves)
// enforces that `npm run verify` relies on, checked on what we synthesize.
import { parseConfig } from "../../config";
import { proxyPath } from "../../verify/health";
import { verifyPlan } from "../../verify/plan";
import { devConfig, resourcesOf, synthDev } from "../helpers";

const json = synthDev().servicesJson;
const config = parseConfig(devConfig());
const plan = verifyPlan(config, config.environments[0]);

// pkg/registry/core/service/storage/storage.go (ResourceLocation): the service proxy takes "<name>:<port>", and a
// numeric port is looked up among the Service's ports by number (then by that port's name in the Endpoints); a number
// no port has is refused. verify asks each health path by the Service's own port number.
test("verify's health paths name a port the synthesized Service has", () => {
  const services = Object.values<any>(resourcesOf(json, "kubernetes_service_v1"));
  for (const h of plan.health) {
    const svc = services.find((s) => s.metadata.name === h.name && s.metadata.namespace === h.namespace);
    expect(svc.spec.port.map((p: any) => p.port)).toContain(h.port);
    expect(proxyPath(h, h.path)).toBe(`/api/v1/namespaces/${h.namespace}/services/${h.name}:${h.port}/proxy/ping`);
  }
});

// staging/src/k8s.io/api/discovery/v1/well_known_labels.go: LabelServiceName = "kubernetes.io/service-name", the label
// the EndpointSlice controller puts on a Service's slices, by which verify lists them. Our Services have selectors, so
// the controller makes their slices.
test("every Service verify checks for endpoints has a selector, so the EndpointSlice controller labels its slices", () => {
  const services = Object.values<any>(resourcesOf(json, "kubernetes_service_v1"));
  for (const s of plan.services) {
    const svc = services.find((x) => x.metadata.name === s.name && x.metadata.namespace === s.namespace);
    expect(Object.keys(svc.spec.selector ?? {}).length).toBeGreaterThan(0);
  }
});
