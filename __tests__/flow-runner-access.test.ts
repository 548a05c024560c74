// Least privilege in the cluster: what each subject may do, decided by evaluating the synthesized Roles and
// RoleBindings the way Kubernetes RBAC does (a rule allows a request when its API group, resource, name and verb match).
import { parseConfig } from "../config";
import { devConfig, expectRefused, resourcesOf, synthDev } from "./helpers";

const ALICE = "alice@example.com";
const ML = "ml@example.com";
const GSA = "${data.terraform_remote_state.infra.outputs.metaflow_service_account_email}";
const { servicesJson: json } = synthDev((e) => (e.identity = { flowRunners: [`user:${ALICE}`, `group:${ML}`] }));

interface Subject {
  kind: "User" | "Group" | "ServiceAccount";
  name: string;
  namespace?: string;
}
interface Request {
  namespace: string;
  group: string;
  resource: string;
  verb: string;
  name?: string;
}

/** The name of a KSA created in this stack, as a RoleBinding subject names it. */
function ksaRef(stack: any, namespace: string, name: string): string {
  const [id] = Object.entries<any>(resourcesOf(stack, "kubernetes_service_account_v1")).find(
    ([, sa]) => sa.metadata.name === name && sa.metadata.namespace === namespace,
  )!;
  return `\${kubernetes_service_account_v1.${id}.metadata[0].name}`;
}

/** A namespace as written in the JSON (a name, or a reference to a namespace of this stack), as its name. */
function namespaceName(stack: any, value: string): string {
  const ref = /^\$\{kubernetes_namespace_v1\.([^.]+)\.metadata\[0\]\.name\}$/.exec(value);
  return ref ? resourcesOf(stack, "kubernetes_namespace_v1")[ref[1]].metadata.name : value;
}

/** True when some RoleBinding in the request's namespace grants the subject a Role rule that matches the request. */
export function allowed(stack: any, who: Subject, req: Request): boolean {
  const roles = Object.entries<any>(resourcesOf(stack, "kubernetes_role_v1"));
  const roleNamed = (ref: string) => roles.find(([id]) => ref === `\${kubernetes_role_v1.${id}.metadata[0].name}`)?.[1];
  const matches = (list: string[] | undefined, value: string) => (list ?? []).some((x) => x === "*" || x === value);
  for (const binding of Object.values<any>(resourcesOf(stack, "kubernetes_role_binding_v1"))) {
    if (namespaceName(stack, binding.metadata.namespace) !== req.namespace) continue;
    const bound = binding.subject.some(
      (s: any) => s.kind === who.kind && s.name === who.name && (who.kind !== "ServiceAccount" || s.namespace),
    );
    if (!bound) continue;
    const role = roleNamed(binding.role_ref.name);
    if (!role || namespaceName(stack, role.metadata.namespace) !== req.namespace) continue;
    for (const rule of role.rule) {
      if (!matches(rule.api_groups, req.group) || !matches(rule.resources, req.resource) || !matches(rule.verbs, req.verb)) continue;
      if (rule.resource_names && !(req.name && rule.resource_names.includes(req.name))) continue;
      return true;
    }
  }
  // No ClusterRoleBinding is ever created by this stack, so nothing else can allow it.
  expect(resourcesOf(stack, "kubernetes_cluster_role_binding_v1")).toEqual({});
  return false;
}

const runner: Subject = { kind: "User", name: ALICE };
const group: Subject = { kind: "Group", name: ML };
const gsa: Subject = { kind: "User", name: GSA };
const jobsKsa: Subject = { kind: "ServiceAccount", name: ksaRef(json, "metaflow-jobs", "metaflow") };
const sensorSa: Subject = { kind: "ServiceAccount", name: ksaRef(json, "metaflow-events", "operate-workflow-sa") };

const r = (namespace: string, group: string, resource: string, verb: string, name?: string): Request => ({
  namespace,
  group,
  resource,
  verb,
  name,
});
const JOBS = "metaflow-jobs";
const EVENTS = "metaflow-events";
const SERVICES = "metaflow";

/** [who, label, request, allowed?] */
const TABLE: [string, Subject, Request, boolean][] = [
  // What Metaflow does as the user: --with kubernetes
  ["runner", runner, r(JOBS, "batch", "jobs", "create"), true],
  ["runner", runner, r(JOBS, "batch", "jobs", "get"), true],
  ["runner", runner, r(JOBS, "batch", "jobs", "patch"), true],
  ["runner", runner, r(JOBS, "batch", "jobs", "delete"), true],
  ["runner", runner, r(JOBS, "jobset.x-k8s.io", "jobsets", "create"), true],
  ["runner", runner, r(JOBS, "", "pods", "list"), true],
  ["runner", runner, r(JOBS, "", "pods", "watch"), true],
  ["runner", runner, r(JOBS, "", "pods", "delete"), true],
  ["runner", runner, r(JOBS, "", "pods/log", "get"), true],
  ["runner", runner, r(JOBS, "", "pods/exec", "create"), true],
  // argo-workflows create / trigger / delete, @schedule and @trigger
  ["runner", runner, r(JOBS, "argoproj.io", "workflowtemplates", "create"), true],
  ["runner", runner, r(JOBS, "argoproj.io", "workflowtemplates", "update"), true],
  ["runner", runner, r(JOBS, "argoproj.io", "workflowtemplates", "delete"), true],
  ["runner", runner, r(JOBS, "argoproj.io", "cronworkflows", "create"), true],
  ["runner", runner, r(EVENTS, "argoproj.io", "sensors", "create"), true],
  ["runner", runner, r(EVENTS, "argoproj.io", "sensors", "get"), true],
  ["runner", runner, r(EVENTS, "argoproj.io", "sensors", "update"), true],
  ["runner", runner, r(EVENTS, "argoproj.io", "sensors", "delete"), true],
  ["runner", runner, r(EVENTS, "argoproj.io", "eventsources", "get"), true],
  // a redeploy deletes the flow's sensor in the jobs namespace, where older releases put it
  ["runner", runner, r(JOBS, "argoproj.io", "sensors", "delete"), true],
  ["runner", runner, r(JOBS, "argoproj.io", "sensors", "create"), false],
  ["runner", runner, r(JOBS, "argoproj.io", "workflows", "create"), true],
  ["runner", runner, r(JOBS, "argoproj.io", "workflows", "patch"), true],
  ["runner", runner, r(JOBS, "argoproj.io", "cronworkflows", "delete"), true],
  // the published configuration, and the port-forwards of END_USER_SETUP
  ["runner", runner, r(JOBS, "", "configmaps", "get", "metaflow-config"), true],
  ["runner", runner, r(SERVICES, "", "pods/portforward", "create"), true],
  ["runner", runner, r("argo", "", "pods/portforward", "create"), true],
  ["runner", runner, r(EVENTS, "", "pods/portforward", "create"), true],
  ["runner", runner, r(SERVICES, "", "services", "get"), true],
  // Google Groups for RBAC and the Metaflow service account (its key) get the same rights
  ["group", group, r(JOBS, "batch", "jobs", "create"), true],
  ["gsa", gsa, r(JOBS, "argoproj.io", "workflowtemplates", "create"), true],
  // never: Secrets anywhere, pods in the services namespace, other ConfigMaps, the platform's own objects
  ...[JOBS, EVENTS, SERVICES, "argo"].flatMap((ns) =>
    ["get", "list", "watch"].map((verb): [string, Subject, Request, boolean] => ["runner", runner, r(ns, "", "secrets", verb), false]),
  ),
  ["group", group, r(SERVICES, "", "secrets", "get"), false],
  ["gsa", gsa, r("argo", "", "secrets", "list"), false],
  ["runner", runner, r(SERVICES, "", "pods", "create"), false],
  ["runner", runner, r(SERVICES, "batch", "jobs", "create"), false],
  ["runner", runner, r("argo", "", "pods", "create"), false],
  ["runner", runner, r(SERVICES, "", "pods/exec", "create"), false],
  ["runner", runner, r(JOBS, "", "configmaps", "get", "other"), false],
  ["runner", runner, r(JOBS, "", "serviceaccounts", "create"), false],
  ["runner", runner, r(JOBS, "rbac.authorization.k8s.io", "rolebindings", "create"), false],
  ["runner", runner, r(EVENTS, "argoproj.io", "eventbus", "delete"), false],
  ["runner", runner, r(EVENTS, "argoproj.io", "eventsources", "update"), false],
  // the events namespace holds the bus credentials: nothing there that runs a pod of the runner's choosing
  ["runner", runner, r(EVENTS, "", "pods", "create"), false],
  ["runner", runner, r(EVENTS, "batch", "jobs", "create"), false],
  ["runner", runner, r(EVENTS, "batch", "cronjobs", "create"), false],
  ["runner", runner, r(EVENTS, "apps", "deployments", "create"), false],
  ["runner", runner, r(EVENTS, "", "pods/exec", "create"), false],
  ["runner", runner, r(EVENTS, "argoproj.io", "workflows", "create"), false],
  ["group", group, r(EVENTS, "", "pods", "create"), false],
  ["gsa", gsa, r(EVENTS, "batch", "jobs", "create"), false],
  // the pods' own service accounts
  ["jobs KSA", jobsKsa, r(JOBS, "argoproj.io", "workflowtaskresults", "create"), true],
  ["jobs KSA", jobsKsa, r(JOBS, "", "secrets", "get"), false],
  ["jobs KSA", jobsKsa, r(JOBS, "", "pods", "create"), false],
  ["sensor", sensorSa, r(JOBS, "argoproj.io", "workflows", "create"), true],
  ["sensor", sensorSa, r(JOBS, "argoproj.io", "workflowtemplates", "get"), true],
  ["sensor", sensorSa, r(JOBS, "", "secrets", "get"), false],
  ["sensor", sensorSa, r(EVENTS, "", "secrets", "get"), false],
  ["sensor", sensorSa, r(EVENTS, "argoproj.io", "workflows", "create"), false],
  ["sensor", sensorSa, r(SERVICES, "argoproj.io", "workflows", "create"), false],
];

test.each(TABLE.map(([label, who, req, ok]) => [label, req.verb, req.resource, req.namespace, ok ? "allowed" : "denied", who, req, ok]))(
  "%s: %s %s in %s is %s",
  (_l, _v, _r, _n, _s, who, req, ok) => {
    expect(allowed(json, who as Subject, req as Request)).toBe(ok);
  },
);

test("no Secret lives in the jobs namespace", () => {
  const secrets = Object.values<any>(resourcesOf(json, "kubernetes_secret_v1")).map((s) => s.metadata.namespace);
  expect(secrets).not.toContain(JOBS);
});

test('with flowRunnerAccess "project" no Role names the runners (their IAM role decides)', () => {
  const project = synthDev((e) => (e.identity = { flowRunners: [`user:${ALICE}`], flowRunnerAccess: "project" })).servicesJson;
  expect(allowed(project, runner, r(JOBS, "batch", "jobs", "create"))).toBe(false);
  expect(JSON.stringify(resourcesOf(project, "kubernetes_role_binding_v1"))).not.toContain(ALICE);
});

test.each([
  [JOBS, "", "secrets", "get"],
  [EVENTS, "", "pods", "create"],
])("the evaluator catches a flow-runner Role in %s that grants %s%s %s", (ns, group, resource, verb) => {
  const broken = JSON.parse(JSON.stringify(json));
  const role = Object.values<any>(broken.resource.kubernetes_role_v1).find(
    (x) => x.metadata.name === "metaflow-flow-runner" && namespaceName(broken, x.metadata.namespace) === ns,
  );
  role.rule.push({ api_groups: [group], resources: [resource], verbs: [verb] });
  expect(allowed(broken, runner, r(ns, group, resource, verb))).toBe(true);
});

describe("access settings that Kubernetes RBAC or GKE would not honour are refused", () => {
  const battery: [string, (env: any) => void, string, RegExp][] = [
    [
      "a domain as flow runner in namespace mode",
      (e) => (e.identity = { flowRunners: ["domain:example.com"] }),
      "identity.flowRunners.0",
      /RBAC cannot name a domain/,
    ],
    [
      "a principal set in namespace mode",
      (e) => (e.identity = { flowRunners: ["principalSet://iam.googleapis.com/x"] }),
      "identity.flowRunners.0",
      /user:, group: or serviceAccount:/,
    ],
    [
      "groups of two domains without a security group",
      (e) => (e.identity = { flowRunners: ["group:a@one.com", "group:b@two.com"] }),
      "cluster.securityGroup",
      /several domains/,
    ],
    [
      "a security group GKE does not look for",
      (e) => (e.cluster = { securityGroup: "rbac@example.com" }),
      "cluster.securityGroup",
      /gke-security-groups@/,
    ],
    [
      "an authorized network of 0.0.0.0/0",
      (e) => (e.cluster = { masterAuthorizedNetworks: [{ cidr: "0.0.0.0/0", name: "all" }] }),
      "cluster.masterAuthorizedNetworks.0.cidr",
      /any IP.*"dns"/,
    ],
    ["an unknown access mode", (e) => (e.identity = { flowRunnerAccess: "cluster" }), "identity.flowRunnerAccess", /namespace|project/],
  ];

  test.each(battery)("%s", (_, mutate, field, rule) => {
    expectRefused(mutate, field, rule);
  });

  test('a domain is accepted in "project" mode, where IAM alone decides', () => {
    const [env] = parseConfig(
      devConfig((e) => (e.identity = { flowRunners: ["domain:example.com"], flowRunnerAccess: "project" })),
    ).environments;
    expect(env.identity.flowRunners).toEqual(["domain:example.com"]);
  });

  test("an explicit security group covers groups of several domains", () => {
    const [env] = parseConfig(
      devConfig((e) => {
        e.identity = { flowRunners: ["group:a@one.com", "group:b@two.com"] };
        e.cluster = { securityGroup: "gke-security-groups@one.com" };
      }),
    ).environments;
    expect(env.cluster.securityGroup).toBe("gke-security-groups@one.com");
  });
});
