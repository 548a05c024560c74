import { RoleV1 } from "@cdktf/provider-kubernetes/lib/role-v1";
import { NamespacedRole, NamespacedRoleProps } from "../../constructs/namespaced-role";
import { bareStack, onlyResource, refTo, synth } from "./stack";

const RULES = [{ apiGroups: ["argoproj.io"], resources: ["workflows"], verbs: ["get", "list"] }];
const PROPS: NamespacedRoleProps = {
  namespace: "metaflow-jobs",
  name: "reader",
  rules: RULES,
  subjects: [{ name: "metaflow", namespace: "metaflow-jobs" }],
};

function build(props: Partial<NamespacedRoleProps> = {}) {
  const stack = bareStack("kubernetes");
  new NamespacedRole(stack, "reader", { ...PROPS, ...props });
  return synth(stack);
}

describe("NamespacedRole", () => {
  const { text, json } = build();
  const binding = onlyResource(json, "kubernetes_role_binding_v1");

  test("is a namespaced Role with exactly the given rules", () => {
    expect(text).toHaveResourceWithProperties(RoleV1, {
      metadata: { name: "reader", namespace: "metaflow-jobs", labels: { "app.kubernetes.io/part-of": "metaflow" } },
      rule: [{ api_groups: ["argoproj.io"], resources: ["workflows"], verbs: ["get", "list"] }],
    });
  });

  test("is bound in the same namespace to that Role, by reference, never to a ClusterRole", () => {
    expect(binding.metadata).toEqual({ name: "reader", namespace: "metaflow-jobs", labels: { "app.kubernetes.io/part-of": "metaflow" } });
    expect(binding.role_ref).toEqual({
      api_group: "rbac.authorization.k8s.io",
      kind: "Role",
      name: refTo(json, "kubernetes_role_v1", "metadata[0].name"),
    });
    expect(json.resource.kubernetes_cluster_role_v1).toBeUndefined();
    expect(json.resource.kubernetes_cluster_role_binding_v1).toBeUndefined();
  });

  test("binds the given service accounts, and no Google identity by default", () => {
    expect(binding.subject).toEqual([{ kind: "ServiceAccount", name: "metaflow", namespace: "metaflow-jobs" }]);
  });

  test("binds Google users and groups with the RBAC API group, and waits for what it is given", () => {
    const { json } = build({
      subjects: [],
      identities: [
        { kind: "User", name: "a@example.com" },
        { kind: "Group", name: "ml@example.com" },
      ],
      dependsOn: [{ fqn: "kubernetes_service_account_v1.sa" }],
    });
    const b = onlyResource(json, "kubernetes_role_binding_v1");
    expect(b.subject).toEqual([
      { kind: "User", name: "a@example.com", api_group: "rbac.authorization.k8s.io" },
      { kind: "Group", name: "ml@example.com", api_group: "rbac.authorization.k8s.io" },
    ]);
    expect(b.depends_on).toEqual(["kubernetes_service_account_v1.sa"]);
    expect(onlyResource(json, "kubernetes_role_v1").depends_on).toEqual(["kubernetes_service_account_v1.sa"]);
  });
});
