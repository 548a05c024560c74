// The stack's Deployments are available at the replicas it asks for, the argoproj releases run their controllers,
// and the migrations Job completed.
import { Attempt, VerifyContext, field, hasCondition, readJson, settle } from "./context";
import { DeploymentRef, ObjectRef, ReleaseRef } from "./plan";
import { CheckResult } from "./result";

const SCALE_FIX = "deploy the services stack again (npx cdktf deploy <env>-services) to restore the replicas it sets";

/** A Deployment's state against the replicas wanted: pending while it rolls out. */
export function deploymentState(d: unknown, wanted: number | undefined): Attempt {
  const replicas = Number(field(d, "spec", "replicas") ?? 1);
  const available = Number(field(d, "status", "availableReplicas") ?? 0);
  const updated = Number(field(d, "status", "updatedReplicas") ?? 0);
  const observed = Number(field(d, "status", "observedGeneration") ?? 0);
  const generation = Number(field(d, "metadata", "generation") ?? 0);
  if (wanted !== undefined && replicas !== wanted) {
    return { status: "fail", message: `scaled to ${replicas} replica(s); the stack deploys ${wanted}`, fix: SCALE_FIX };
  }
  if (replicas === 0) return { status: "fail", message: "scaled to 0 replicas", fix: SCALE_FIX };
  const rolled = observed >= generation && updated >= replicas;
  if (available >= replicas && rolled && hasCondition(d, "Available")) {
    return { status: "pass", message: `${available}/${replicas} available` };
  }
  return {
    status: "fail",
    pending: true,
    message: `${available}/${replicas} available${rolled ? "" : `, ${updated}/${replicas} updated`}`,
    fix: `see why its pods are not ready: kubectl -n ${field(d, "metadata", "namespace")} describe deployment ${field(d, "metadata", "name")}, then its pods' events and logs`,
  };
}

/** Every Deployment the stack creates, by name, at the replicas the stack sets. */
export function checkDeployment(ctx: VerifyContext, d: DeploymentRef): Promise<CheckResult> {
  const path = `/apis/apps/v1/namespaces/${d.namespace}/deployments/${d.name}`;
  return settle(ctx, `deployment ${d.namespace}/${d.name}`, async () =>
    deploymentState(await readJson(ctx, path, `Deployment ${d.namespace}/${d.name}`), d.replicas),
  );
}

/**
 * A Helm release's Deployments, found by the chart's labels (app.kubernetes.io/instance = the release, and
 * app.kubernetes.io/component), whatever the chart version names them: one line per component.
 */
export async function checkRelease(ctx: VerifyContext, r: ReleaseRef): Promise<CheckResult[]> {
  const selector = encodeURIComponent(`app.kubernetes.io/instance=${r.name}`);
  const path = `/apis/apps/v1/namespaces/${r.namespace}/deployments?labelSelector=${selector}`;
  return Promise.all(
    r.components.map((component) =>
      settle(ctx, `release ${r.namespace}/${r.name} ${component}`, async () => {
        const list = await readJson(ctx, path, `the Deployments of Helm release ${r.name}`);
        const items = Array.isArray(list.items) ? list.items : [];
        const mine = items.filter((d) => field(d, "metadata", "labels", "app.kubernetes.io/component") === component);
        if (mine.length === 0) {
          return {
            status: "fail",
            pending: true,
            message: `no Deployment labelled app.kubernetes.io/instance=${r.name}, app.kubernetes.io/component=${component} in ${r.namespace} (chart ${r.chart})`,
            fix: `deploy the services stack (npx cdktf deploy <env>-services); helm -n ${r.namespace} status ${r.name} says what Helm made of the release`,
          };
        }
        const states = mine.map((d) => ({ name: String(field(d, "metadata", "name")), ...deploymentState(d, undefined) }));
        const worst = states.find((s) => s.status === "fail") ?? states[0];
        return { ...worst, message: states.map((s) => `${s.name} ${s.message}`).join(", ") };
      }),
    ),
  );
}

/** The migrations Job (and any Job of the stack) completed; a failed Job fails at once. */
export function checkJob(ctx: VerifyContext, j: ObjectRef): Promise<CheckResult> {
  const path = `/apis/batch/v1/namespaces/${j.namespace}/jobs/${j.name}`;
  return settle(ctx, `job ${j.namespace}/${j.name}`, async () => {
    const job = await readJson(ctx, path, `Job ${j.namespace}/${j.name}`);
    if (hasCondition(job, "Complete"))
      return { status: "pass", message: `completed (${Number(field(job, "status", "succeeded") ?? 0)} succeeded)` };
    const logs = `kubectl -n ${j.namespace} logs job/${j.name}`;
    if (hasCondition(job, "Failed")) {
      return {
        status: "fail",
        message: `failed (${Number(field(job, "status", "failed") ?? 0)} pod(s) failed)`,
        fix: `read its logs: ${logs}`,
      };
    }
    return {
      status: "fail",
      pending: true,
      message: `not complete (${Number(field(job, "status", "active") ?? 0)} active, ${Number(field(job, "status", "failed") ?? 0)} failed)`,
      fix: `read its logs: ${logs}`,
    };
  });
}
