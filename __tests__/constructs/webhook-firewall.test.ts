import { ComputeFirewall } from "@cdktf/provider-google/lib/compute-firewall";
import { WebhookFirewall } from "../../constructs/webhook-firewall";
import { PROJECT, bareStack, resourcesOf, synth } from "./stack";

describe("WebhookFirewall", () => {
  const stack = bareStack("google");
  new WebhookFirewall(stack, "fw", {
    project: PROJECT,
    name: "metaflow-dev-webhooks",
    network: "projects/test-project/global/networks/vpc",
    controlPlaneCidr: "172.16.0.0/28",
    nodeServiceAccountEmail: "nodes@test-project.iam.gserviceaccount.com",
    ports: [9443],
  });
  const { text, json } = synth(stack);

  test("allows exactly the webhook port, from the control plane's range only, to the nodes' service account only", () => {
    expect(text).toHaveResourceWithProperties(ComputeFirewall, {
      name: "metaflow-dev-webhooks",
      direction: "INGRESS",
      source_ranges: ["172.16.0.0/28"],
      target_service_accounts: ["nodes@test-project.iam.gserviceaccount.com"],
      allow: [{ protocol: "tcp", ports: ["9443"] }],
    });
    const rule = Object.values<any>(resourcesOf(json, "google_compute_firewall"))[0];
    expect(rule.source_tags).toBeUndefined();
    expect(rule.deny).toBeUndefined();
  });
});
