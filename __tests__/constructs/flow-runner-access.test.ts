import {
  FLOW_RUNNER_EVENTS_RULES,
  FLOW_RUNNER_RULES,
  FlowRunnerAccess,
  googleIdentity,
  PORT_FORWARD_RULES,
} from "../../constructs/flow-runner-access";
import { Namespace } from "../../constructs/namespace";
import { bareStack, resourcesOf, synth } from "./stack";

const IDENTITIES = [googleIdentity("user:alice@example.com"), googleIdentity("group:ml@example.com")];

function build() {
  const stack = bareStack("kubernetes");
  const jobs = new Namespace(stack, "jobs", { name: "metaflow-jobs" });
  const events = new Namespace(stack, "events", { name: "metaflow-events" });
  const services = new Namespace(stack, "services", { name: "metaflow" });
  const argo = new Namespace(stack, "argo", { name: "argo" });
  new FlowRunnerAccess(stack, "access", {
    jobsNamespace: jobs,
    eventsNamespace: events,
    configMapName: "metaflow-config",
    portForwardNamespaces: [services, argo, events],
    identities: IDENTITIES,
  });
  const { json } = synth(stack);
  const nsName = (ref: string) => {
    const id = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(ref)![1];
    return resourcesOf(json, "kubernetes_namespace_v1")[id].metadata.name;
  };
  const roles = Object.values<any>(resourcesOf(json, "kubernetes_role_v1"));
  const bindings = Object.values<any>(resourcesOf(json, "kubernetes_role_binding_v1"));
  return { json, roles, bindings, nsName };
}

describe("FlowRunnerAccess", () => {
  const { json, roles, bindings, nsName } = build();
  const runnerRole = (ns: string) => roles.find((r) => r.metadata.name === "metaflow-flow-runner" && nsName(r.metadata.namespace) === ns);
  const jobsRole = runnerRole("metaflow-jobs");
  const snake = (rules: any[]) => rules.map((r) => ({ api_groups: r.apiGroups, resources: r.resources, verbs: r.verbs }));

  test("a Role in the jobs and in the events namespace and one port-forward Role in each other namespace, all in namespaces of the stack", () => {
    expect(roles.map((r) => [nsName(r.metadata.namespace), r.metadata.name]).sort()).toEqual([
      ["argo", "metaflow-port-forward"],
      ["metaflow", "metaflow-port-forward"],
      ["metaflow-events", "metaflow-flow-runner"],
      ["metaflow-events", "metaflow-port-forward"],
      ["metaflow-jobs", "metaflow-flow-runner"],
    ]);
    expect(resourcesOf(json, "kubernetes_cluster_role_binding_v1")).toEqual({});
  });

  test("the jobs Role: Metaflow's rules, the published ConfigMap by name only, port-forwards, and nothing on Secrets", () => {
    expect(jobsRole.rule).toEqual([
      ...snake(FLOW_RUNNER_RULES),
      { api_groups: [""], resources: ["configmaps"], resource_names: ["metaflow-config"], verbs: ["get"] },
      ...snake(PORT_FORWARD_RULES),
    ]);
    for (const role of roles) {
      expect(JSON.stringify(role.rule)).not.toMatch(/secrets|"\*"/);
    }
  });

  test("the events Role: sensors and reading the bus and sources; no pods, Jobs, Deployments or Secrets", () => {
    expect(runnerRole("metaflow-events").rule).toEqual(snake(FLOW_RUNNER_EVENTS_RULES));
    const resources = FLOW_RUNNER_EVENTS_RULES.flatMap((r) => r.resources ?? []);
    expect(resources.sort()).toEqual(["eventbus", "eventsources", "sensors"]);
    // Only sensors are written: the Argo Events controller, not the flow runner, makes their pods.
    for (const rule of FLOW_RUNNER_EVENTS_RULES.filter((r) => !r.resources?.includes("sensors"))) {
      expect(rule.verbs).toEqual(["get", "list", "watch"]);
    }
  });

  test("the jobs Role keeps only what cleans up sensors left there: no create or update", () => {
    const sensors = FLOW_RUNNER_RULES.filter((r) => r.resources?.includes("sensors"));
    expect(sensors.flatMap((r) => r.verbs).sort()).toEqual(["delete", "get", "list", "watch"]);
  });

  test("the port-forward Roles only resolve a Service to a pod and open the tunnel", () => {
    for (const role of roles.filter((r) => r.metadata.name === "metaflow-port-forward")) {
      expect(role.rule).toEqual([
        { api_groups: [""], resources: ["services"], verbs: ["get"] },
        { api_groups: [""], resources: ["pods"], verbs: ["get", "list"] },
        { api_groups: [""], resources: ["pods/portforward"], verbs: ["create"] },
      ]);
    }
  });

  test("every binding names the flow runners as GKE authenticates them, and no service account", () => {
    expect(bindings).toHaveLength(5);
    for (const b of bindings) {
      expect(b.subject).toEqual([
        { kind: "User", name: "alice@example.com", api_group: "rbac.authorization.k8s.io" },
        { kind: "Group", name: "ml@example.com", api_group: "rbac.authorization.k8s.io" },
      ]);
    }
  });
});

describe("googleIdentity", () => {
  test.each([
    ["user:alice@example.com", { kind: "User", name: "alice@example.com" }],
    ["serviceAccount:ci@p.iam.gserviceaccount.com", { kind: "User", name: "ci@p.iam.gserviceaccount.com" }],
    ["group:ml@example.com", { kind: "Group", name: "ml@example.com" }],
  ])("%s", (member, identity) => {
    expect(googleIdentity(member)).toEqual(identity);
  });
});
