// How users reach the Metaflow UI, the Argo Workflows UI and the metadata service: `services.access`.
import { z } from "zod";
import { iamMember } from "./identity";
import { reducedCidr } from "./network";
import { ReachedServiceName, SERVICE_PORTS } from "../lib/defaults";

/** A fully qualified DNS name users type in a browser: lowercase labels of 1-63 characters, at least two, 253 in all. */
export const hostname = z
  .string()
  .max(253, "must be at most 253 characters")
  .regex(
    /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "must be a fully qualified DNS name in lowercase such as metaflow.example.com (no scheme, port or path)",
  );

const PortForward = z
  .object({ mode: z.literal("port-forward") })
  .strict()
  .describe("nothing is reachable from outside the cluster; users run `kubectl port-forward` (END_USER_SETUP lists the commands)");

const Iap = z
  .object({
    mode: z.literal("iap"),
    uiHost: hostname.describe("DNS name of the Metaflow UI, e.g. metaflow.example.com: point it at the output ui_address"),
    argoHost: hostname.describe("DNS name of the Argo Workflows UI, e.g. argo.example.com: point it at the output argo_address"),
    members: z
      .array(iamMember)
      .optional()
      .describe(
        "who may pass Identity-Aware Proxy to the two UIs (IAP-secured Web App User, conditioned on the two host names); default: identity.flowRunners. The Google-managed OAuth client admits accounts of the project's organisation only",
      ),
  })
  .strict()
  .refine((a) => a.uiHost !== a.argoHost, { path: ["argoHost"], message: "must differ from services.access.uiHost" })
  .describe(
    "the two UIs on external HTTPS load balancers behind Identity-Aware Proxy, with Google-managed certificates; the metadata service and the Argo Events webhook stay cluster-internal (port-forward)",
  );

const Internal = z
  .object({
    mode: z.literal("internal"),
    address: z
      .ipv4({ message: "must be an IPv4 address such as 10.10.0.50" })
      .describe(
        "the internal IPv4 address the four services share, one port each (metadata 8080, UI 8083, Argo 2746, webhook 12000): a free address of the cluster's subnetwork, reserved by the infra stack",
      ),
    sourceRanges: z
      .array(reducedCidr)
      .min(1)
      .optional()
      .describe(
        "networks allowed to connect, e.g. the VPN's range; default: the VPC's own ranges and those peered or connected to it (GKE's firewall rule for internal load balancers)",
      ),
  })
  .strict()
  .describe(
    "the four services on internal passthrough load balancers in the VPC: reachable from networks peered or connected to it, with no public address",
  );

export const AccessSchema = z
  .discriminatedUnion("mode", [PortForward, Iap, Internal])
  .default({ mode: "port-forward" })
  .describe(
    "how users reach the services: `port-forward` (default: nothing exposed), `iap` (the UIs behind Google sign-in) or `internal` (an internal address in the VPC); see README#reaching-the-uis",
  );

export type AccessConfig = z.infer<typeof AccessSchema>;

/** The endpoints an access mode exposes, as users reach them; the others stay as `services.endpoints` sets them. */
export function exposedEndpoints(access: AccessConfig): Partial<Record<ReachedServiceName, string>> {
  switch (access.mode) {
    case "port-forward":
      return {};
    case "iap":
      return { ui: `https://${access.uiHost}`, argoServer: `https://${access.argoHost}` };
    case "internal":
      return Object.fromEntries(Object.entries(SERVICE_PORTS).map(([name, port]) => [name, `http://${access.address}:${port}`]));
  }
}
