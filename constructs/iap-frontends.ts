import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { ComputeManagedSslCertificate } from "@cdktf/provider-google/lib/compute-managed-ssl-certificate";
import { IapWebIamMember } from "@cdktf/provider-google/lib/iap-web-iam-member";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";

/** One UI behind Identity-Aware Proxy: its DNS name, and the names of its address and certificate. */
export interface IapFrontendProps {
  /** The DNS name users open, e.g. metaflow.example.com. */
  readonly host: string;
  /** Name of the global address and of the Google-managed certificate (two resource types: one name each). */
  readonly name: string;
}

export interface IapFrontendsProps {
  readonly project: string;
  /** The UIs, by a key the services stack's Ingresses name them with ("ui", "argo"). */
  readonly frontends: Record<string, IapFrontendProps>;
  /** Who may pass the proxy (IAP-secured Web App User, only for requests to these hosts). */
  readonly members: string[];
  /** Resources (the Compute and IAP APIs) that must exist first. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** What the services stack's Ingress of one UI needs, and what users point DNS at. */
export interface IapFrontend {
  readonly host: string;
  /** Name of the reserved global address (the Ingress's `kubernetes.io/ingress.global-static-ip-name`). */
  readonly addressName: string;
  /** The address itself: the DNS A record of `host`. */
  readonly address: string;
  /** Name of the Google-managed certificate (the Ingress's `ingress.gcp.kubernetes.io/pre-shared-cert`). */
  readonly certificateName: string;
}

/**
 * The Google Cloud side of the UIs behind Identity-Aware Proxy: per UI a reserved global address and a Google-managed
 * certificate for its DNS name, which the services stack's Ingress uses; and who may pass. The load balancers and
 * their backend services are GKE's (from the Ingresses), with generated names, so access is granted on the project's
 * IAP web resources conditioned on the request's host name: exactly these UIs, whatever their backends are called.
 */
export class IapFrontends extends Construct {
  readonly frontends: Record<string, IapFrontend>;

  constructor(scope: Construct, id: string, props: IapFrontendsProps) {
    super(scope, id);
    const { project } = props;
    this.frontends = {};
    for (const [key, f] of Object.entries(props.frontends)) {
      const address = new ComputeGlobalAddress(this, `${key}-address`, {
        project,
        name: f.name,
        addressType: "EXTERNAL",
        description: `HTTPS load balancer of ${f.host}, behind Identity-Aware Proxy`,
        dependsOn: props.dependsOn,
      });
      // Provisioned once the host's DNS record points at the address; until then the UI answers with a TLS error.
      const certificate = new ComputeManagedSslCertificate(this, `${key}-certificate`, {
        project,
        name: f.name,
        managed: { domains: [f.host] },
        dependsOn: props.dependsOn,
      });
      this.frontends[key] = { host: f.host, addressName: address.name, address: address.address, certificateName: certificate.name };
    }
    const hosts = Object.values(props.frontends).map((f) => f.host);
    const expression = hosts.map((h) => `request.host == "${h}"`).join(" || ");
    for (const member of props.members) {
      new IapWebIamMember(this, `accessor-${member}`, {
        project,
        role: "roles/iap.httpsResourceAccessor",
        member,
        condition: { title: "metaflow-uis", description: `Only the Metaflow and Argo UIs: ${hosts.join(", ")}`, expression },
        dependsOn: props.dependsOn,
      });
    }
  }
}
