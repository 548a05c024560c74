import * as fs from "fs";
import * as path from "path";
import { IngressV1 } from "@cdktf/provider-kubernetes/lib/ingress-v1";
import { ServiceV1, ServiceV1Spec } from "@cdktf/provider-kubernetes/lib/service-v1";
import { AssetType, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import * as YAML from "yaml";
import { chartRelease } from "./helm-values";
import { NamespaceRef, PART_OF, createdAfter } from "./namespace";
import { ReachedServiceName } from "../lib/defaults";

/** The chart in this repository that holds the UIs' BackendConfigs (a GKE custom resource). */
export const BACKEND_CONFIGS_CHART_DIR = path.join(__dirname, "..", "charts", "metaflow-backend-configs");

/** A service users reach, and the pods that serve it. */
export interface ExposedService {
  /** Its key in `services.endpoints`. */
  readonly key: ReachedServiceName;
  readonly namespace: NamespaceRef;
  /** Name of the exposing Service this construct creates. */
  readonly name: string;
  /** Labels of the serving pods (the selector of their own Service). */
  readonly selector: Record<string, string>;
  /** The port the pods serve on; the exposing Service uses the same number. */
  readonly port: number;
  /** A path that answers 200 when the server is up: the load balancer's health check. */
  readonly healthPath: string;
}

/** One UI behind Identity-Aware Proxy, as the infra stack reserved it. */
export interface IapUi {
  readonly host: string;
  /** The reserved global address's name. */
  readonly addressName: string;
  /** The Google-managed certificate's name. */
  readonly certificateName: string;
}

export type UiAccessProps =
  | {
      readonly mode: "iap";
      /** The UIs, by the key of their service (`ui`, `argoServer`). */
      readonly uis: Partial<Record<ReachedServiceName, IapUi>>;
      readonly services: ExposedService[];
      /** Directory of the local chart with the BackendConfigs. @default BACKEND_CONFIGS_CHART_DIR */
      readonly chartDir?: string;
    }
  | {
      readonly mode: "internal";
      /** The reserved internal address the services share, one port each. */
      readonly address: string;
      /** Networks allowed to connect. @default GKE's: any source in the VPC and networks connected to it */
      readonly sourceRanges?: string[];
      readonly services: ExposedService[];
    };

/**
 * How users reach the services without a port-forward. `iap`: per UI a Service with container-native load balancing,
 * an Ingress of GKE's external Application Load Balancer on the reserved address with the Google-managed certificate
 * (HTTPS only), and a BackendConfig turning on Identity-Aware Proxy with Google's own OAuth client (no client
 * credentials: k8s.io/ingress-gce v1.33.0, pkg/backends/features/iap.go leaves the client id empty). One Ingress per
 * namespace, since an Ingress reaches only Services of its own. `internal`: per service an internal passthrough load
 * balancer on the shared internal address.
 */
export class UiAccess extends Construct {
  /** The exposing Services, by service key. */
  readonly services: Record<string, ServiceV1> = {};
  readonly ingresses: Record<string, IngressV1> = {};

  constructor(scope: Construct, id: string, props: UiAccessProps) {
    super(scope, id);
    if (props.mode === "internal") {
      for (const s of props.services) {
        this.services[s.key] = this.service(s, {
          annotations: { "networking.gke.io/load-balancer-type": "Internal" },
          spec: {
            type: "LoadBalancer",
            loadBalancerIp: props.address,
            loadBalancerSourceRanges: props.sourceRanges,
          },
        });
      }
      return;
    }

    const exposed = props.services.flatMap((s) => (props.uis[s.key] ? [{ s, ui: props.uis[s.key]! }] : []));
    // The load balancer is built from an Ingress once: its backends must find their BackendConfig already there.
    // The chart directory is copied into the synthesized stack, as the Argo Events resources' chart is.
    const chartDir = props.chartDir ?? BACKEND_CONFIGS_CHART_DIR;
    const chart = new TerraformAsset(this, "chart", { path: chartDir, type: AssetType.DIRECTORY });
    const namespaces = [...new Set(exposed.map(({ s }) => s.namespace))];
    const release = chartRelease(this, "backend-configs", {
      name: "metaflow-backend-configs",
      chart: `./${chart.path.replace(/\/$/, "")}`,
      version: String(YAML.parse(fs.readFileSync(path.join(chartDir, "Chart.yaml"), "utf8")).version),
      namespace: namespaces[0].name,
      values: {
        backendConfigs: exposed.map(({ s }) => ({
          name: s.name,
          namespace: s.namespace.name,
          spec: {
            iap: { enabled: true },
            healthCheck: { type: "HTTP", requestPath: s.healthPath, port: s.port },
            // The load balancer closes a connection after the backend timeout (30 s by default), WebSockets
            // included: the Metaflow UI keeps one open for live updates.
            timeoutSec: 3600,
          },
        })),
      },
      dependsOn: createdAfter(namespaces),
    });

    for (const { s, ui } of exposed) {
      const service = this.service(s, {
        annotations: {
          // Container-native load balancing: the load balancer sends to the pods, so the Service stays ClusterIP.
          "cloud.google.com/neg": JSON.stringify({ ingress: true }),
          "cloud.google.com/backend-config": JSON.stringify({ default: s.name }),
        },
        spec: { type: "ClusterIP" },
      });
      this.services[s.key] = service;
      this.ingresses[s.key] = new IngressV1(this, `${s.key}-ingress`, {
        metadata: {
          name: s.name,
          namespace: s.namespace.name,
          labels: { ...PART_OF },
          annotations: {
            // The class annotation, not spec.ingressClassName: GKE's controller takes no named class
            // (k8s.io/ingress-gce v1.33.0, pkg/utils/utils.go IsGCEIngress).
            "kubernetes.io/ingress.class": "gce",
            "kubernetes.io/ingress.global-static-ip-name": ui.addressName,
            "ingress.gcp.kubernetes.io/pre-shared-cert": ui.certificateName,
            // HTTPS only: no plain-HTTP forwarding rule at all.
            "kubernetes.io/ingress.allow-http": "false",
          },
        },
        spec: {
          rule: [
            {
              host: ui.host,
              http: {
                path: [{ path: "/", pathType: "Prefix", backend: { service: { name: s.name, port: { number: s.port } } } }],
              },
            },
          ],
        },
        dependsOn: [service, release],
      });
    }
  }

  private service(
    s: ExposedService,
    how: { annotations: Record<string, string>; spec: Omit<ServiceV1Spec, "selector" | "port"> },
  ): ServiceV1 {
    return new ServiceV1(this, `${s.key}-service`, {
      metadata: { name: s.name, namespace: s.namespace.name, labels: { ...PART_OF }, annotations: how.annotations },
      spec: {
        ...how.spec,
        selector: s.selector,
        port: [{ name: "http", port: s.port, targetPort: String(s.port), protocol: "TCP" }],
      },
      // GKE fills in the address; the apply need not wait for it (the address is reserved and known).
      waitForLoadBalancer: false,
      dependsOn: createdAfter([s.namespace]),
    });
  }
}
