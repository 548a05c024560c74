// What every check gets: what the stack deploys, the caller's access to the cluster, and the bounds of each wait.
import { KubeApi, KubeResponse, statusMessage } from "./kube";
import { VerifyPlan } from "./plan";
import { CheckResult } from "./result";

export interface VerifyContext {
  readonly plan: VerifyPlan;
  readonly kube: KubeApi;
  /** Bound on each request, in milliseconds. */
  readonly timeoutMs: number;
  /** How long a check waits for what it looks at to settle (a rollout, endpoints), in milliseconds. */
  readonly waitMs: number;
  /** Pause between two looks at a settling state. */
  readonly sleep: (ms: number) => Promise<void>;
  /** The IPv4 addresses a DNS name resolves to (none when it does not resolve). */
  readonly resolve4: (host: string) => Promise<string[]>;
}

/** A check's answer; `pending`: it may still settle, so look again while the wait lasts. */
export type Attempt = Omit<CheckResult, "check" | "ms"> & { readonly pending?: boolean };

/** A read that did not answer 200: the line it becomes. */
export class ReadError extends Error {
  constructor(
    readonly attempt: Attempt,
    readonly notFound: boolean,
  ) {
    super(attempt.message);
  }
}

/** The fix when the caller may not read something. */
export const FORBIDDEN_FIX =
  "run verify as the deployer (Kubernetes Engine Admin, or cluster-admin), or grant the caller read access to what the message names";

/** GET `path` as JSON; any other answer than 200 throws the failure line it means. */
export async function readJson(ctx: VerifyContext, path: string, what: string): Promise<Record<string, unknown>> {
  const response: KubeResponse = await ctx.kube.get(path, ctx.timeoutMs);
  if (response.status === 200 && typeof response.json === "object" && response.json !== null) {
    return response.json as Record<string, unknown>;
  }
  const notFound = response.status === 404;
  throw new ReadError(
    {
      status: "fail",
      message: notFound ? `${what} not found (${statusMessage(response)})` : `cannot read ${what} (${statusMessage(response)})`,
      fix: response.status === 403 ? FORBIDDEN_FIX : notFound ? "deploy the services stack: npx cdktf deploy <env>-services" : undefined,
    },
    notFound,
  );
}

/**
 * Runs `attempt` until it is no longer pending or the wait is over, and times it. An error becomes the check's
 * failure line rather than a stack trace.
 */
export async function settle(ctx: VerifyContext, check: string, attempt: () => Promise<Attempt>): Promise<CheckResult> {
  const start = Date.now();
  for (;;) {
    let result: Attempt;
    try {
      result = await attempt();
    } catch (error) {
      result = error instanceof ReadError ? error.attempt : { status: "fail", message: `could not run: ${(error as Error).message}` };
    }
    const ms = Date.now() - start;
    if (!result.pending || ms >= ctx.waitMs) {
      const { pending, ...line } = result;
      const waited = pending ? ` after ${Math.round(ctx.waitMs / 1000)} s` : "";
      return { check, ...line, message: `${line.message}${waited}`, ms };
    }
    await ctx.sleep(Math.min(2000, ctx.waitMs - ms));
  }
}

/** Reads a nested field of an API object. */
export function field(obj: unknown, ...keys: string[]): unknown {
  let v = obj;
  for (const k of keys) v = typeof v === "object" && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** Whether an object's status lists the condition `type` with status "True". */
export function hasCondition(obj: unknown, type: string): boolean {
  const conditions = field(obj, "status", "conditions");
  return Array.isArray(conditions) && conditions.some((c) => field(c, "type") === type && field(c, "status") === "True");
}
