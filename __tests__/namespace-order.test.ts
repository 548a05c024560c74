// Terraform creates resources in parallel unless one depends on another: every object this stack creates in a
// namespace must wait for that namespace (by depends_on or by a reference, directly or through what it waits for),
// or a first apply can fail with "namespaces ... not found" depending on timing.
import { synthDev } from "./helpers";

type Json = Record<string, any>;

/** Addresses a resource waits for: its depends_on and every resource its body references. */
function waitsFor(body: Json): string[] {
  const { depends_on: dependsOn = [], ...rest } = body;
  const refs = [...JSON.stringify(rest).matchAll(/\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)/g)].map((m) => m[1]);
  return [...dependsOn, ...refs].filter((a) => !a.startsWith("data.") && !a.startsWith("var."));
}

/** Each namespaced resource of a stack with the namespace it is created in, and whether it waits for it. */
function namespaceOrder(json: Json) {
  const edges = new Map<string, string[]>();
  const namespaced: { address: string; namespace: string }[] = [];
  const namespaceAddress = new Map<string, string>();
  for (const [type, byName] of Object.entries<Json>(json.resource)) {
    for (const [name, body] of Object.entries<Json>(byName)) {
      const address = `${type}.${name}`;
      edges.set(address, waitsFor(body));
      if (type === "kubernetes_namespace_v1") namespaceAddress.set(body.metadata.name, address);
      const namespace = body.metadata?.namespace ?? (type === "helm_release" ? body.namespace : undefined);
      if (typeof namespace === "string") namespaced.push({ address, namespace });
    }
  }
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
    (edges.get(from) ?? []).some((next) => next === to || (!seen.has(next) && (seen.add(next), reaches(next, to, seen))));
  // A namespace given as a reference (`${kubernetes_namespace_v1.x.metadata[0].name}`) is waited for by that reference.
  return namespaced
    .filter((r) => !r.namespace.startsWith("${"))
    .map((r) => {
      const ns = namespaceAddress.get(r.namespace);
      return { ...r, waits: ns !== undefined && reaches(r.address, ns) };
    });
}

describe("objects wait for their namespace", () => {
  test.each([
    ["the shipped dev environment", undefined],
    ["two replicas (PodDisruptionBudgets)", (env: any) => (env.services = { ...env.services, replicas: 2 })],
  ])("%s", (_, mutate) => {
    const order = namespaceOrder(synthDev(mutate).servicesJson);
    expect(order.length).toBeGreaterThanOrEqual(18);
    expect(order.filter((r) => !r.waits).map((r) => `${r.address} (in ${r.namespace})`)).toEqual([]);
  });
});
