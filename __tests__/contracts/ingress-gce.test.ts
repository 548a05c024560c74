// Facts k8s.io/ingress-gce v1.33.0 (GKE's Ingress controller, the module the cluster test builds its translator
// from) enforces, checked on what services.access "iap" synthesizes.
import * as fs from "fs";
import * as path from "path";
import { BACKENDS_ANNOTATION } from "../../verify/exposure";
import { BACKEND_CONFIGS_CHART_DIR } from "../../constructs/ui-access";
import { helmValues, resourcesOf, synthDev } from "../helpers";

const json = synthDev((e) => {
  e.identity = { flowRunners: ["group:ml@example.com"] };
  e.services = { access: { mode: "iap", uiHost: "metaflow.example.com", argoHost: "argo.example.com" } };
}).servicesJson;
const ingresses = Object.values<any>(resourcesOf(json, "kubernetes_ingress_v1"));
const services = Object.values<any>(resourcesOf(json, "kubernetes_service_v1"));

// pkg/utils/utils.go IsGCEIngress: the class comes from the annotation `kubernetes.io/ingress.class`
// (pkg/annotations/ingress.go IngressClassKey); "gce" is the global external load balancer, and an Ingress with
// spec.ingressClassName but no annotation is not the controller's.
test("each Ingress names its class by the annotation, gce, and sets no ingressClassName", () => {
  expect(ingresses).toHaveLength(2);
  for (const ing of ingresses) {
    expect(ing.metadata.annotations["kubernetes.io/ingress.class"]).toBe("gce");
    expect(ing.spec.ingress_class_name).toBeUndefined();
  }
});

// pkg/annotations/ingress.go: AllowHTTPKey "kubernetes.io/ingress.allow-http" ("false": no HTTP forwarding rule),
// GlobalStaticIPNameKey "kubernetes.io/ingress.global-static-ip-name", PreSharedCertKey
// "ingress.gcp.kubernetes.io/pre-shared-cert" (names of Compute Engine SSL certificates, comma-separated).
test("the Ingresses use the controller's annotation keys for HTTPS only, the reserved address and the certificate", () => {
  for (const ing of ingresses) {
    const a = ing.metadata.annotations;
    expect(a["kubernetes.io/ingress.allow-http"]).toBe("false");
    expect(a["kubernetes.io/ingress.global-static-ip-name"]).toMatch(/^metaflow-dev-(ui|argo)$/);
    expect(a["ingress.gcp.kubernetes.io/pre-shared-cert"]).toBe(a["kubernetes.io/ingress.global-static-ip-name"]);
  }
});

// pkg/annotations/service.go: NEGAnnotationKey "cloud.google.com/neg" ({"ingress": true}: container-native, which a
// ClusterIP Service needs, pkg/controller/translator/translator.go maybeEnableNEG) and BackendConfigKey
// "cloud.google.com/backend-config" ({"default": <name>}, the BackendConfig of every port).
test("each backend Service is container-native and names its BackendConfig for every port", () => {
  for (const ing of ingresses) {
    const name = ing.spec.rule[0].http.path[0].backend.service.name;
    const svc = services.find((s) => s.metadata.name === name && s.metadata.namespace === ing.metadata.namespace);
    expect(JSON.parse(svc.metadata.annotations["cloud.google.com/neg"])).toEqual({ ingress: true });
    expect(Object.keys(JSON.parse(svc.metadata.annotations["cloud.google.com/backend-config"]))).toEqual(["default"]);
  }
});

// pkg/backendconfig/backendconfig.go CRDMeta: group cloud.google.com, kind BackendConfig, versions v1 (stored) and
// v1beta1; pkg/apis/backendconfig/v1/types.go IAPConfig: `enabled` and an optional `oauthclientCredentials`, which
// left out makes pkg/backends/features/iap.go set no client id, so IAP uses Google's own OAuth client.
test("the BackendConfigs are cloud.google.com/v1 and turn IAP on without OAuth client credentials", () => {
  const template = fs.readFileSync(path.join(BACKEND_CONFIGS_CHART_DIR, "templates", "backendconfigs.yaml"), "utf8");
  expect(template).toMatch(/^apiVersion: cloud\.google\.com\/v1$/m);
  expect(template).toMatch(/^kind: BackendConfig$/m);
  for (const bc of helmValues(json, "metaflow-backend-configs").backendConfigs) {
    expect(bc.spec.iap).toEqual({ enabled: true });
    expect(Object.keys(bc.spec.healthCheck).sort()).toEqual(["port", "requestPath", "type"]);
  }
});

// pkg/loadbalancers/l7.go GetLBAnnotations: the controller records each backend service's health on the Ingress as
// JSON under "<StatusPrefix>/backends", StatusPrefix "ingress.kubernetes.io" (pkg/annotations/ingress.go).
test("npm run verify reads the backends' health from the controller's annotation", () => {
  expect(BACKENDS_ANNOTATION).toBe("ingress.kubernetes.io/backends");
});
