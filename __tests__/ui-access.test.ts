// services.access: what each mode creates, what it must not, and where users are sent.
import { parseConfig } from "../config";
import { review, synthFromJson } from "../review";
import { devConfig, expectRefused, helmValues, resourcesOf, synthDev } from "./helpers";

const IAP = { mode: "iap", uiHost: "metaflow.example.com", argoHost: "argo.example.com" };
const INTERNAL = { mode: "internal", address: "10.10.0.50" };
const runners = (e: any) => (e.identity = { flowRunners: ["group:ml@example.com"] });

const iap = synthDev((e) => {
  runners(e);
  e.services = { access: IAP };
});
const internal = synthDev((e) => (e.services = { access: INTERNAL }));
const portForward = synthDev();

const services = (json: any) => Object.values(resourcesOf(json, "kubernetes_service_v1")) as any[];
/** config.json, as the stack's output metaflow_config holds it. */
const configOf = (json: any) => {
  const value = json.output.metaflow_config.value;
  return typeof value === "string" ? JSON.parse(value) : value;
};
/** Global addresses but the private service access range (an internal one). */
const externalAddresses = (json: any) =>
  (Object.values(resourcesOf(json, "google_compute_global_address")) as any[]).filter((a) => a.address_type === "EXTERNAL");
const ingresses = (json: any) => Object.values(resourcesOf(json, "kubernetes_ingress_v1")) as any[];

test("port-forward (the default): nothing exposed, no address, no Ingress, no IAP", () => {
  expect(ingresses(portForward.servicesJson)).toEqual([]);
  expect(services(portForward.servicesJson).map((s) => s.spec.type)).toEqual(expect.not.arrayContaining(["LoadBalancer", "NodePort"]));
  expect(externalAddresses(portForward.infraJson)).toEqual([]);
  for (const type of ["google_compute_address", "google_iap_web_iam_member", "google_compute_managed_ssl_certificate"]) {
    expect(resourcesOf(portForward.infraJson, type)).toEqual({});
  }
});

describe("iap", () => {
  test("one HTTPS-only Ingress per UI, on its reserved address with its Google-managed certificate", () => {
    const byHost = Object.fromEntries(ingresses(iap.servicesJson).map((i) => [i.spec.rule[0].host, i]));
    expect(Object.keys(byHost).sort()).toEqual(["argo.example.com", "metaflow.example.com"]);
    expect(byHost["metaflow.example.com"].metadata).toMatchObject({
      namespace: "metaflow",
      annotations: {
        "kubernetes.io/ingress.class": "gce",
        "kubernetes.io/ingress.global-static-ip-name": "metaflow-dev-ui",
        "ingress.gcp.kubernetes.io/pre-shared-cert": "metaflow-dev-ui",
        "kubernetes.io/ingress.allow-http": "false",
      },
    });
    expect(byHost["argo.example.com"].metadata.namespace).toBe("argo");
    const addresses = externalAddresses(iap.infraJson).map((a: any) => a.name);
    const certs = Object.values(resourcesOf(iap.infraJson, "google_compute_managed_ssl_certificate")) as any[];
    expect(addresses.sort()).toEqual(["metaflow-dev-argo", "metaflow-dev-ui"]);
    expect(certs.map((c) => [c.name, c.managed.domains])).toEqual(
      expect.arrayContaining([
        ["metaflow-dev-ui", ["metaflow.example.com"]],
        ["metaflow-dev-argo", ["argo.example.com"]],
      ]),
    );
  });

  test("IAP on every backend an Ingress sends to, with Google's OAuth client (no credentials)", () => {
    const configs = helmValues(iap.servicesJson, "metaflow-backend-configs").backendConfigs;
    const svcs = services(iap.servicesJson);
    for (const ing of ingresses(iap.servicesJson)) {
      const backend = ing.spec.rule[0].http.path[0].backend.service;
      const svc = svcs.find((s) => s.metadata.name === backend.name && s.metadata.namespace === ing.metadata.namespace);
      expect(svc.spec.type).toBe("ClusterIP");
      expect(JSON.parse(svc.metadata.annotations["cloud.google.com/neg"])).toEqual({ ingress: true });
      const configName = JSON.parse(svc.metadata.annotations["cloud.google.com/backend-config"]).default;
      const config = configs.find((c: any) => c.name === configName && c.namespace === ing.metadata.namespace);
      expect(config.spec.iap).toEqual({ enabled: true });
      expect(config.spec.healthCheck.port).toBe(backend.port.number);
    }
  });

  test("the UIs' accessors are the flow runners, conditioned on the two hosts; the IAP API is on", () => {
    const members = Object.values(resourcesOf(iap.infraJson, "google_iap_web_iam_member")) as any[];
    expect(members.map((m) => [m.member, m.role])).toEqual([["group:ml@example.com", "roles/iap.httpsResourceAccessor"]]);
    expect(members[0].condition.expression).toBe('request.host == "metaflow.example.com" || request.host == "argo.example.com"');
    expect(Object.values(resourcesOf(iap.infraJson, "google_project_service")).map((s: any) => s.service)).toContain("iap.googleapis.com");
  });

  test("the UIs' URLs are the hosts; the metadata service and the webhook stay port-forwards", () => {
    const out = iap.servicesJson.output;
    expect(configOf(iap.servicesJson)).toMatchObject({
      METAFLOW_UI_URL: "https://metaflow.example.com",
      METAFLOW_ARGO_WORKFLOWS_UI_URL: "https://argo.example.com",
    });
    expect(out.METAFLOW_SERVICE_URL.value).toBe("http://localhost:8080");
    const setup: string = out.END_USER_SETUP.value;
    expect(setup).toMatch(/port-forward svc\/metadata-service 8080:8080/);
    expect(setup).not.toMatch(/port-forward svc\/metaflow-ui-backend-service/);
    expect(setup).not.toMatch(/port-forward svc\/argo-workflows-server/);
    expect(setup).toMatch(/Identity-Aware Proxy/);
  });

  test("the UI backend accepts cross-origin calls from its public origin only", () => {
    const ui = Object.values(resourcesOf(iap.servicesJson, "kubernetes_deployment_v1")).find(
      (d: any) => d.metadata.name === "metaflow-ui-backend-service",
    ) as any;
    const env = ui.spec.template.spec.container[0].env;
    expect(env.find((e: any) => e.name === "ORIGIN_TO_ALLOW_CORS_FROM").value).toBe("https://metaflow.example.com");
  });
});

describe("internal", () => {
  test("four internal passthrough load balancers share the reserved address, one port each; nothing external", () => {
    const lbs = services(internal.servicesJson).filter((s) => s.spec.type === "LoadBalancer");
    expect(lbs.map((s) => [s.metadata.name, s.spec.port[0].port]).sort()).toEqual([
      ["argo-events-webhook-internal", 12000],
      ["argo-server-internal", 2746],
      ["metadata-service-internal", 8080],
      ["metaflow-ui-internal", 8083],
    ]);
    for (const s of lbs) {
      expect(s.metadata.annotations).toEqual({ "networking.gke.io/load-balancer-type": "Internal" });
      expect(s.spec.load_balancer_ip).toBe("10.10.0.50");
    }
    expect(ingresses(internal.servicesJson)).toEqual([]);
    expect(externalAddresses(internal.infraJson)).toEqual([]);
    const [address] = Object.values(resourcesOf(internal.infraJson, "google_compute_address")) as any[];
    expect(address).toMatchObject({ address: "10.10.0.50", address_type: "INTERNAL", purpose: "SHARED_LOADBALANCER_VIP" });
  });

  test("config.json and END_USER_SETUP point at the internal address; no port-forward is listed", () => {
    const out = internal.servicesJson.output;
    expect(out.METAFLOW_SERVICE_URL.value).toBe("http://10.10.0.50:8080");
    expect(configOf(internal.servicesJson)).toMatchObject({
      METAFLOW_UI_URL: "http://10.10.0.50:8083",
      METAFLOW_ARGO_WORKFLOWS_UI_URL: "http://10.10.0.50:2746",
    });
    expect(out.METAFLOW_ARGO_EVENTS_WEBHOOK_URL.value).toBe("http://10.10.0.50:12000/metaflow-event");
    expect(out.END_USER_SETUP.value).not.toMatch(/port-forward svc/);
    expect(out.END_USER_SETUP.value).toMatch(/No port-forward/);
  });

  test("the load balancers select the pods of the Services they stand beside", () => {
    const svcs = services(internal.servicesJson);
    const selector = (name: string) => svcs.find((s) => s.metadata.name === name).spec.selector;
    expect(selector("metadata-service-internal")).toEqual(selector("metadata-service"));
    expect(selector("metaflow-ui-internal")).toEqual(selector("metaflow-ui-backend-service"));
  });
});

test("a mode's endpoints are derived: written ones are refused", () => {
  expectRefused(
    (e) => (e.services = { access: INTERNAL, endpoints: { ui: "http://10.10.0.50:8083" } }),
    "services.endpoints.ui",
    /derived from services.access in "internal" access: remove it/,
  );
  // In iap access the metadata service is still a port-forward, and may be set.
  const [env] = parseConfig(
    devConfig((e) => {
      runners(e);
      e.services = { access: IAP, endpoints: { metadataService: "http://localhost:18080" } };
    }),
  ).environments;
  expect(env.services.endpoints).toMatchObject({ metadataService: "http://localhost:18080", ui: "https://metaflow.example.com" });
});

test.each([
  ["an address outside the subnetwork", "10.99.0.5", /must be an address of the cluster's subnetwork, network.subnetCidr 10.10.0.0\/20/],
  ["the subnetwork's gateway", "10.10.0.1", /one of the four addresses GCP reserves/],
  ["not an address", "10.10.0", /IPv4 address/],
])("internal: %s is refused", (_, address, rule) => {
  expectRefused((e) => (e.services = { access: { mode: "internal", address } }), "services.access.address", rule);
});

test.each([
  ["a host with a scheme", { ...IAP, uiHost: "https://metaflow.example.com" }, "services.access.uiHost", /fully qualified DNS name/],
  ["one host for both UIs", { ...IAP, argoHost: IAP.uiHost }, "services.access.argoHost", /must differ/],
  ["allUsers", { ...IAP, members: ["allUsers"] }, "services.access.members.0", /allUsers/],
  ["an unknown mode", { mode: "public" }, "services.access.mode", /port-forward|iap|internal/],
])("iap: %s is refused", (_, access, field, rule) => {
  expectRefused((e) => (runners(e), (e.services = { access })), field, rule);
});

test("iap with nobody to let in is refused", () => {
  expectRefused((e) => (e.services = { access: IAP }), "services.access.members", /nobody could pass Identity-Aware Proxy/);
});

describe("the review's Exposure section", () => {
  const exposure = (infraJson: any, servicesJson: any) => {
    const synth = synthFromJson({ "dev-infra": infraJson, "dev-services": servicesJson });
    const [report] = review(synth);
    return report.sections.find((s) => s.title === "Exposure")!;
  };

  test("iap: each UI's host, HTTPS only, behind Identity-Aware Proxy; a warning, not a loud flag", () => {
    const section = exposure(iap.infraJson, iap.servicesJson);
    expect(section.markdown).toMatch(
      /external HTTPS load balancer \(class `gce`\) for `metaflow.example.com`, behind Identity-Aware Proxy/,
    );
    expect(section.markdown).toMatch(/for `argo.example.com`, behind Identity-Aware Proxy/);
    expect(section.flags.filter((f) => f.severity === "loud")).toEqual([]);
  });

  test("a backend without IAP, or an Ingress that answers HTTP, is flagged", () => {
    const json = structuredClone(iap.servicesJson);
    const release = Object.values(resourcesOf(json, "helm_release")).find((r: any) => r.name === "metaflow-backend-configs") as any;
    const values = JSON.parse(release.values[0]);
    values.backendConfigs[0].spec.iap.enabled = false;
    release.values = [JSON.stringify(values)];
    for (const ing of ingresses(json)) delete ing.metadata.annotations["kubernetes.io/ingress.allow-http"];
    const messages = exposure(iap.infraJson, json).flags.map((f) => `${f.severity} ${f.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^loud Ingress metaflow\/metaflow-ui-iap is reachable from the internet without Identity-Aware Proxy on metaflow-ui-iap/,
        ),
        expect.stringMatching(/^warn Ingress argo\/argo-server-iap also answers plain HTTP/),
      ]),
    );
  });

  test("internal: four internal load balancers, nothing external", () => {
    const section = exposure(internal.infraJson, internal.servicesJson);
    expect(section.markdown.match(/internal load balancer/g)).toHaveLength(4);
    expect(section.markdown).not.toMatch(/external|reserved public IP/);
  });
});
