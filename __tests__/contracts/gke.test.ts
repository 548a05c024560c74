// Facts GKE enforces, from its documentation, checked on what we synthesize.
import { parseConfig } from "../../config";
import { devConfig } from "../helpers";

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
