import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { Namespace, NamespaceProps } from "../../constructs/namespace";
import { bareStack, onlyResource, refTo, resolve, synth } from "./stack";

function build(props: NamespaceProps) {
  const stack = bareStack("kubernetes");
  const namespace = new Namespace(stack, "ns", props);
  return { namespace, ...synth(stack) };
}

describe("Namespace", () => {
  const { namespace, text, json } = build({ name: "metaflow-jobs" });

  test('enforces the "baseline" Pod Security level by default and reports anything short of "restricted"', () => {
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

  test("exposes its name as a reference, so what is created in it waits for it", () => {
    expect(resolve(namespace, namespace.name)).toBe(refTo(json, "kubernetes_namespace_v1", "metadata[0].name"));
  });

  test("takes another enforced level and extra labels", () => {
    const labels = onlyResource(build({ name: "argo", enforce: "restricted", labels: { team: "ml" } }).json, "kubernetes_namespace_v1")
      .metadata.labels;
    expect(labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      team: "ml",
      "pod-security.kubernetes.io/warn": "restricted",
    });
  });
});
