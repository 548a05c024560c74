import { RoleV1Rule } from "@cdktf/provider-kubernetes/lib/role-v1";
import { Construct } from "constructs";
import { Namespace } from "./namespace";
import { GoogleIdentity, NamespacedRole } from "./namespaced-role";

/**
 * What Metaflow does in the jobs namespace as the user who runs a flow, read from Netflix/metaflow 2.19.39's
 * Kubernetes and Argo plugins (see __tests__/contracts/metaflow.test.ts), plus list and watch so people can follow
 * their runs with kubectl and the Argo UI. Nothing on Secrets.
 */
export const FLOW_RUNNER_RULES: RoleV1Rule[] = [
  // --with kubernetes: create the Job, read it, stop it (patch; delete in "delete" terminate mode).
  { apiGroups: ["batch"], resources: ["jobs"], verbs: ["create", "get", "list", "watch", "patch", "delete"] },
  // @parallel runs as a JobSet (the same verbs as the jobs' KSA, constructs/jobset.ts).
  { apiGroups: ["jobset.x-k8s.io"], resources: ["jobsets"], verbs: ["create", "get", "list", "watch", "patch", "delete"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "delete"] },
  { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
  // kill runs /sbin/killall5 in the task's pod; the WebSocket upgrade is authorized as get, or create on newer servers.
  { apiGroups: [""], resources: ["pods/exec"], verbs: ["create", "get"] },
  // argo-workflows create replaces existing objects with PUT (update); delete removes them.
  {
    apiGroups: ["argoproj.io"],
    resources: ["workflowtemplates", "cronworkflows"],
    verbs: ["create", "get", "list", "watch", "update", "delete"],
  },
  // Sensors live in the events namespace; argo-workflows create still deletes a flow's sensor here when its template
  // names no sensor namespace (every flow without @trigger) or names this one (deployed before the events namespace).
  { apiGroups: ["argoproj.io"], resources: ["sensors"], verbs: ["get", "list", "watch", "delete"] },
  // trigger, suspend, resume and terminate.
  { apiGroups: ["argoproj.io"], resources: ["workflows"], verbs: ["create", "get", "list", "watch", "patch", "delete"] },
];

/**
 * What Metaflow does in the events namespace (METAFLOW_ARGO_EVENTS_SENSOR_NAMESPACE) as the user who deploys a flow:
 * its sensors, and reading the bus and sources for the Argo UI. No pods, Jobs or Deployments, nothing on Secrets: the
 * namespace holds the event bus credentials.
 */
export const FLOW_RUNNER_EVENTS_RULES: RoleV1Rule[] = [
  // argo-workflows create: get, then create or replace (update); delete when a flow loses its @trigger.
  { apiGroups: ["argoproj.io"], resources: ["sensors"], verbs: ["create", "get", "list", "watch", "update", "delete"] },
  // What the Argo UI shows about the event bus and sources; creating them stays with the platform.
  { apiGroups: ["argoproj.io"], resources: ["eventbus", "eventsources"], verbs: ["get", "list", "watch"] },
];

/** Reaching a Service through `kubectl port-forward svc/...`: resolve it to a ready pod and open the tunnel. */
export const PORT_FORWARD_RULES: RoleV1Rule[] = [
  { apiGroups: [""], resources: ["services"], verbs: ["get"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] },
  { apiGroups: [""], resources: ["pods/portforward"], verbs: ["create"] },
];

export interface FlowRunnerAccessProps {
  /** Namespace of the flows' pods and workflows. */
  readonly jobsNamespace: Namespace;
  /** Namespace of the sensors, the EventBus and the EventSource. */
  readonly eventsNamespace: Namespace;
  /** The ConfigMap of the published client configuration, in the jobs namespace. */
  readonly configMapName: string;
  /** Namespaces of the Services users port-forward to (Metaflow services, Argo Server). */
  readonly portForwardNamespaces: Namespace[];
  /** Who runs flows: Google users, service accounts and groups. */
  readonly identities: GoogleIdentity[];
}

/**
 * The Kubernetes rights of the people (and the Metaflow service account) who run flows, when their IAM role only
 * lets them fetch cluster credentials: the jobs namespace, sensors in the events namespace, and port-forwards to the
 * Services they use.
 */
export class FlowRunnerAccess extends Construct {
  constructor(scope: Construct, id: string, props: FlowRunnerAccessProps) {
    super(scope, id);
    new NamespacedRole(this, "jobs", {
      // A reference to the namespace's name: the Role is created after the namespace.
      namespace: props.jobsNamespace.resource.metadata.name,
      name: "metaflow-flow-runner",
      rules: [
        ...FLOW_RUNNER_RULES,
        { apiGroups: [""], resources: ["configmaps"], resourceNames: [props.configMapName], verbs: ["get"] },
        ...PORT_FORWARD_RULES,
      ],
      subjects: [],
      identities: props.identities,
    });
    new NamespacedRole(this, "events", {
      namespace: props.eventsNamespace.resource.metadata.name,
      name: "metaflow-flow-runner",
      rules: FLOW_RUNNER_EVENTS_RULES,
      subjects: [],
      identities: props.identities,
    });
    for (const namespace of props.portForwardNamespaces) {
      new NamespacedRole(this, `port-forward-${namespace.node.id}`, {
        namespace: namespace.resource.metadata.name,
        name: "metaflow-port-forward",
        rules: PORT_FORWARD_RULES,
        subjects: [],
        identities: props.identities,
      });
    }
  }
}

/** A Kubernetes RBAC subject for an IAM member (`user:`, `serviceAccount:`, `group:`), as GKE authenticates it. */
export function googleIdentity(member: string): GoogleIdentity {
  const [type, email] = [member.slice(0, member.indexOf(":")), member.slice(member.indexOf(":") + 1)];
  return { kind: type === "group" ? "Group" : "User", name: email };
}
