// Facts GKE enforces, from its documentation, checked on what we synthesize.
import { parseConfig } from "../../config";
import { devConfig, onlyResource, synthDev } from "../helpers";

// GKE documentation, "Configure Google Groups for RBAC" (cloud.google.com/kubernetes-engine/docs/how-to/google-groups-rbac,
// read 2026-12): the security group is a group of your domain named exactly gke-security-groups, which you create
// (with View Members for group members) and whose members are the groups RBAC bindings name; GKE creates none of it.
test("group flow runners turn on Google Groups for RBAC with their domain's gke-security-groups group, and no other name", () => {
  const config = parseConfig(devConfig((e) => (e.identity = { flowRunners: ["group:ml@example.com"] })));
  expect(config.environments[0].cluster.securityGroup).toBe("gke-security-groups@example.com");
  expect(() => parseConfig(devConfig((e) => (e.cluster = { securityGroup: "rbac-groups@example.com" })))).toThrow(
    /gke-security-groups@<your domain>/,
  );
});

// GKE documentation, "About GKE Dataplane V2" (cloud.google.com/kubernetes-engine/docs/concepts/dataplane-v2, read
// 2026-12): a Dataplane V2 cluster enforces Kubernetes NetworkPolicy itself (Cilium, eBPF), with no Calico add-on and
// so no `network_policy` block, which is the legacy dataplane's; new Autopilot clusters run it by default.
test("a Standard cluster runs Dataplane V2, which enforces NetworkPolicy without the legacy network_policy block", () => {
  const cluster = onlyResource(synthDev().infraJson, "google_container_cluster");
  expect(cluster.datapath_provider).toBe("ADVANCED_DATAPATH");
  expect(cluster.network_policy).toBeUndefined();
});
