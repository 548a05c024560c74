// `npm run verify <env>`: after a deploy, with the caller's own cluster credentials and no Terraform state, whether
// what the services stack deploys runs: one line per check (result.ts), in a fixed order.
import { promises as dns } from "dns";
import { VerifyContext, field } from "./context";
import { checkServiceEndpoints, releaseServices } from "./endpoints";
import { checkExposure } from "./exposure";
import { checkHealth } from "./health";
import { KubeApi, statusMessage } from "./kube";
import { VerifyPlan } from "./plan";
import { checkPublishedConfig } from "./published-config";
import { CheckResult } from "./result";
import { checkDeployment, checkJob, checkRelease } from "./workloads";

export { googleKubeApi, kubeApi } from "./kube";
export type { KubeApi, KubeResponse } from "./kube";
export { parseInfraOutputs, verifyPlan } from "./plan";
export type { InfraValues, VerifyPlan } from "./plan";
export { formatResult, summary } from "./result";
export type { CheckResult, Status } from "./result";

export interface VerifyOptions {
  /** Bound on each request, in milliseconds. @default 20000 */
  readonly timeoutMs?: number;
  /** How long each check waits for what it looks at to settle, in milliseconds. @default 120000 */
  readonly waitMs?: number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default the system's resolver (dns.promises.resolve4), none on an error */
  readonly resolve4?: (host: string) => Promise<string[]>;
}

export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_WAIT_MS = 120_000;

const CLUSTER_CHECK = "cluster";

/** The API server answers the caller: the line every other check needs. */
async function checkCluster(kube: KubeApi, timeoutMs: number): Promise<CheckResult> {
  const start = Date.now();
  const check = CLUSTER_CHECK;
  const where = `${kube.server} (context ${kube.context})`;
  try {
    const response = await kube.get("/version", timeoutMs);
    const ms = Date.now() - start;
    if (response.status === 200) {
      return { check, status: "pass", message: `${where} answers, Kubernetes ${String(field(response.json, "gitVersion"))}`, ms };
    }
    return {
      check,
      status: "fail",
      message: `${where} refused the caller (${statusMessage(response)})`,
      fix: "gcloud container clusters get-credentials <cluster> --location <location> --project <project> --dns-endpoint",
      ms,
    };
  } catch (error) {
    return {
      check,
      status: "fail",
      message: `${where}: ${(error as Error).message}`,
      fix: "check the kubeconfig's current context (kubectl config current-context) and the caller's credentials",
      ms: Date.now() - start,
    };
  }
}

/** What every check gets, with the options' defaults filled in. */
export function verifyContext(plan: VerifyPlan, kube: KubeApi, options: VerifyOptions = {}): VerifyContext {
  return {
    plan,
    kube,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    waitMs: options.waitMs ?? DEFAULT_WAIT_MS,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    resolve4: options.resolve4 ?? ((host) => dns.resolve4(host).catch(() => [])),
  };
}

/** Runs every check of one environment; the lines come in a fixed order whatever order they finish in. */
export async function runVerify(plan: VerifyPlan, kube: KubeApi, options: VerifyOptions = {}): Promise<CheckResult[]> {
  const ctx = verifyContext(plan, kube, options);
  const cluster = await checkCluster(kube, ctx.timeoutMs);
  if (cluster.status !== "pass") {
    return [cluster, { check: "services", status: "skip", message: `not run: the ${CLUSTER_CHECK} check failed` }];
  }
  const released = (await Promise.all(plan.releases.map((r) => releaseServices(ctx, r)))).flat();
  const lines = await Promise.all([
    ...plan.jobs.map((j) => checkJob(ctx, j)),
    ...plan.deployments.map((d) => checkDeployment(ctx, d)),
    ...plan.releases.map((r) => checkRelease(ctx, r)),
    ...[...plan.services, ...released].map((s) => checkServiceEndpoints(ctx, s)),
    ...plan.exposures.map((e) => checkExposure(ctx, e)),
    ...plan.health.map((h) => checkHealth(ctx, h)),
    checkPublishedConfig(ctx),
  ]);
  return [cluster, ...lines.flat()];
}
