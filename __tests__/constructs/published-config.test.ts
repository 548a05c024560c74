import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { PublishedConfig } from "../../constructs/published-config";
import { bareStack, onlyResource, synth } from "./stack";

const CONFIG = { METAFLOW_DEFAULT_DATASTORE: "gs", METAFLOW_DATASTORE_SYSROOT_GS: "gs://acme-metaflow/metaflow" };

function build() {
  const stack = bareStack("kubernetes");
  const published = new PublishedConfig(stack, "published", {
    namespace: { name: "metaflow-jobs", resource: { fqn: "kubernetes_namespace_v1.jobs" } },
    config: CONFIG,
    requirements: "metaflow==2.19.39\n",
  });
  return { published, ...synth(stack) };
}

describe("PublishedConfig", () => {
  const { published, text, json } = build();

  test("publishes the client config, JSON-encoded by Terraform, and the client pins as the ConfigMap metaflow-config", () => {
    expect(text).toHaveResourceWithProperties(ConfigMapV1, {
      metadata: { name: "metaflow-config", namespace: "metaflow-jobs", labels: { "app.kubernetes.io/part-of": "metaflow" } },
      depends_on: ["kubernetes_namespace_v1.jobs"],
    });
    const data = onlyResource(json, "kubernetes_config_map_v1").data;
    expect(Object.keys(data).sort()).toEqual(["config.json", "requirements.txt"]);
    expect(data["requirements.txt"]).toBe("metaflow==2.19.39\n");
    // jsonencode in Terraform: values known only at apply (the bucket) are encoded then.
    expect(data["config.json"]).toMatch(/^\$\{jsonencode\(/);
    for (const [key, value] of Object.entries(CONFIG)) expect(data["config.json"]).toContain(`"${key}" = "${value}"`);
  });

  test("gives the commands that fetch the config and install the pins with kubectl", () => {
    expect(published.fetchConfigCommand).toBe(
      "mkdir -p ~/.metaflowconfig && kubectl -n metaflow-jobs get configmap metaflow-config -o jsonpath='{.data.config\\.json}' > ~/.metaflowconfig/config.json",
    );
    expect(published.installCommand).toBe(
      "kubectl -n metaflow-jobs get configmap metaflow-config -o jsonpath='{.data.requirements\\.txt}' > /tmp/metaflow-requirements.txt && pip install -r /tmp/metaflow-requirements.txt",
    );
    expect([published.name, published.namespace]).toEqual(["metaflow-config", "metaflow-jobs"]);
  });
});
