import { ContainerClusterConfig } from "@cdktf/provider-google/lib/container-cluster";
import { DEFAULTS } from "../lib/defaults";

export interface ControlPlaneAccessProps {
  /** /28 range of the control plane's private endpoint. */
  readonly controlPlaneCidr: string;
  /**
   * How callers outside the VPC reach the control plane. "dns": the DNS-based endpoint, gated by IAM
   * (container.clusters.connect), with the IP endpoint closed to every network but `masterAuthorizedNetworks`.
   * "ip": the public IP endpoint, open to `masterAuthorizedNetworks` or, when that is empty, to any IP. @default "dns"
   */
  readonly controlPlaneEndpoint?: "dns" | "ip";
  /** Networks allowed to reach the IP endpoint. @default [] */
  readonly masterAuthorizedNetworks?: { cidr: string; name: string }[];
  /** Google Groups for RBAC: the `gke-security-groups@<domain>` group whose nested groups RBAC can name. @default none */
  readonly securityGroup?: string;
}

type AccessSettings = Pick<
  ContainerClusterConfig,
  "privateClusterConfig" | "masterAuthorizedNetworksConfig" | "controlPlaneEndpointsConfig" | "authenticatorGroupsConfig" | "masterAuth"
>;

/** Whether the cluster is reached through its DNS-based endpoint. */
export function usesDnsEndpoint(props: ControlPlaneAccessProps): boolean {
  return (props.controlPlaneEndpoint ?? DEFAULTS.cluster.controlPlaneEndpoint) === "dns";
}

/** How the control plane is reached and who may log in: the cluster settings that decide it, in one place. */
export function controlPlaneAccess(props: ControlPlaneAccessProps): AccessSettings {
  const authorized = props.masterAuthorizedNetworks ?? [];
  const dns = usesDnsEndpoint(props);
  return {
    // Private nodes have no public IPs; the control plane keeps an external endpoint for kubectl and Terraform.
    privateClusterConfig: {
      enablePrivateNodes: true,
      enablePrivateEndpoint: false,
      masterIpv4CidrBlock: props.controlPlaneCidr,
    },
    // With the DNS endpoint, the authorized networks are always on: an empty list closes the IP endpoint to every
    // network outside the VPC, Google's own public ranges included.
    masterAuthorizedNetworksConfig:
      authorized.length > 0 || dns
        ? {
            cidrBlocks: authorized.map((n) => ({ cidrBlock: n.cidr, displayName: n.name })),
            gcpPublicCidrsAccessEnabled: dns ? false : undefined,
          }
        : undefined,
    // Reached by its name through Google's front end, which checks IAM before any request reaches the API server;
    // Kubernetes service-account tokens and client certificates are refused there (their defaults).
    controlPlaneEndpointsConfig: dns ? { dnsEndpointConfig: { allowExternalTraffic: true } } : undefined,
    authenticatorGroupsConfig: props.securityGroup ? { securityGroup: props.securityGroup } : undefined,
    // No client-certificate login: access goes through IAM only.
    masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
  };
}
