import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { Namespace, NamespaceProps, createdAfter, metadataIn } from "../../constructs/namespace";
import { addressOf, bareStack, resolve, synth } from "./stack";

function build(props: NamespaceProps) {
  const stack = bareStack("kubernetes");
  const namespace = new Namespace(stack, "ns", props);
  return { namespace, ...synth(stack) };
}

describe("Namespace", () => {
  const { namespace, text, json } = build({ name: "metaflow-jobs" });

  test('enforces the "baseline" Pod Security level and reports anything short of "restricted"', () => {
    expect(text).toHaveResourceWithProperties(NamespaceV1, {
      metadata: {
        name: "metaflow-jobs",
        labels: {
          "app.kubernetes.io/part-of": "metaflow",
          "pod-security.kubernetes.io/enforce": "baseline",
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
        },
      },
    });
  });

  test("exposes its plain name, and its resource for what is created in it to wait for", () => {
    expect(namespace.name).toBe("metaflow-jobs");
    expect(resolve(namespace, namespace.resource.fqn)).toBe("${" + addressOf(json, "kubernetes_namespace_v1") + "}");
    expect(metadataIn(namespace, "cm")).toEqual({
      name: "cm",
      namespace: "metaflow-jobs",
      labels: { "app.kubernetes.io/part-of": "metaflow" },
    });
  });

  test("createdAfter lists each namespace's resource, then the rest; nothing to wait for gives no depends_on", () => {
    const other = { fqn: "kubernetes_service_account_v1.ksa" };
    expect(createdAfter([namespace, { name: "existing" }], [other])).toEqual([namespace.resource, other]);
    expect(createdAfter([{ name: "existing" }])).toBeUndefined();
  });
});
