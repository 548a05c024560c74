// preflight/plan-facts.ts states what the infra stack deploys that sql.restrictPublicIp, compute.vmExternalIpAccess
// and compute.requireShieldedVm look at; each fact is read here from the synthesized infra stack, Standard and
// Autopilot, so a construct change that breaks one fails here rather than passing the preflight wrongly.
import { parseConfig } from "../config";
import { planFacts } from "../preflight/plan-facts";
import { devConfig, onlyResource, synthDev } from "./helpers";

const autopilot = (env: any) => {
  delete env.zone;
  env.cluster = { mode: "autopilot", regional: true };
};

describe.each([
  ["Standard", () => undefined],
  ["Autopilot", autopilot],
])("%s", (mode, mutate: (env: any) => void) => {
  const json = synthDev(mutate).infraJson;
  const facts = planFacts(parseConfig(devConfig(mutate)).environments[0]);
  const cluster = onlyResource(json, "google_container_cluster");

  test("sqlPublicIp: the Cloud SQL instance has no public IPv4 address", () => {
    const sql = onlyResource(json, "google_sql_database_instance");
    expect(facts.sqlPublicIp).toBe(sql.settings.ip_configuration.ipv4_enabled !== false);
  });

  test("nodeExternalIps: the nodes are private", () => {
    expect(facts.nodeExternalIps).toBe(cluster.private_cluster_config.enable_private_nodes !== true);
  });

  test("shieldedNodesWithSecureBoot: every node the cluster can create boots with Secure Boot", () => {
    if (mode === "Autopilot") {
      // GKE: Autopilot nodes are always Shielded GKE Nodes with Secure Boot ("Autopilot overview", security).
      expect(cluster.enable_autopilot).toBe(true);
      expect(facts.shieldedNodesWithSecureBoot).toBe(true);
      return;
    }
    const pools = Object.values<any>(json.resource.google_container_node_pool);
    expect(pools.length).toBeGreaterThan(1);
    const secureBoot = [
      cluster.node_config.shielded_instance_config,
      cluster.cluster_autoscaling.auto_provisioning_defaults.shielded_instance_config,
      ...pools.map((pool) => pool.node_config.shielded_instance_config),
    ].every((c) => c?.enable_secure_boot === true);
    expect(facts.shieldedNodesWithSecureBoot).toBe(cluster.enable_shielded_nodes === true && secureBoot);
  });
});

describe("loadBalancerTypes: what GKE makes of the services stack's Ingresses and LoadBalancer Services", () => {
  const runners = (e: any) => (e.identity = { flowRunners: ["group:ml@example.com"] });
  const modes: [string, (e: any) => void][] = [
    ["port-forward", () => undefined],
    ["iap", (e) => (runners(e), (e.services = { access: { mode: "iap", uiHost: "metaflow.example.com", argoHost: "argo.example.com" } }))],
    ["internal", (e) => (e.services = { access: { mode: "internal", address: "10.10.0.50" } })],
  ];
  test.each(modes)("%s", (_, mutate) => {
    const json = synthDev(mutate).servicesJson;
    const types = new Set<string>();
    // k8s.io/ingress-gce v1.33.0: an Ingress of class "gce" is a classic external Application Load Balancer.
    for (const ing of Object.values<any>(json.resource.kubernetes_ingress_v1 ?? {})) {
      expect(ing.metadata.annotations["kubernetes.io/ingress.class"]).toBe("gce");
      types.add("EXTERNAL_HTTP_HTTPS");
    }
    // GKE: a LoadBalancer Service with networking.gke.io/load-balancer-type Internal is an internal passthrough one.
    for (const svc of Object.values<any>(json.resource.kubernetes_service_v1)) {
      if (svc.spec.type !== "LoadBalancer") continue;
      expect(svc.metadata.annotations["networking.gke.io/load-balancer-type"]).toBe("Internal");
      types.add("INTERNAL_TCP_UDP");
    }
    expect([...planFacts(parseConfig(devConfig(mutate)).environments[0]).loadBalancerTypes].sort()).toEqual([...types].sort());
  });
});
