// `npm run verify <env> --flow`: a hello flow through the platform as a flow runner runs it, with the caller's own
// Metaflow setup (END_USER_SETUP: ~/.metaflowconfig from the cluster, the port-forwards running): `run --with
// kubernetes`, then `argo-workflows create` and `trigger`, each bounded, and each run found through the UI backend's
// API (GET /flows/<flow>/runs/<run> through the service proxy). It needs pods that really run: a real cluster.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { VerifyContext, settle } from "./context";
import { proxyPath } from "./health";
import { statusMessage } from "./kube";
import { CheckResult } from "./result";

/** The flow's class name; Metaflow names its Argo WorkflowTemplate after it (lowercased). */
export const FLOW_NAME = "MetaflowGcpVerifyFlow";

const FLOW_SOURCE = `from metaflow import FlowSpec, step


class ${FLOW_NAME}(FlowSpec):
    """npm run verify --flow: one step on Kubernetes, one on Argo Workflows."""

    @step
    def start(self):
        self.greeting = "hello from metaflow-gcp verify"
        self.next(self.end)

    @step
    def end(self):
        print(self.greeting)


if __name__ == "__main__":
    ${FLOW_NAME}()
`;

/** The Metaflow commands, after `python flow.py --no-pylint` (__tests__/contracts/metaflow.test.ts). */
export const FLOW_ARGS = {
  run: (runIdFile: string) => ["run", "--with", "kubernetes", "--run-id-file", runIdFile],
  create: () => ["argo-workflows", "create"],
  trigger: (runIdFile: string) => ["argo-workflows", "trigger", "--run-id-file", runIdFile],
  /** Top-level options: no pylint pass (it may not be installed, and it is not what is verified). */
  top: ["--no-pylint"],
};

/** The UI backend's path of one run (__tests__/contracts/metaflow-service.test.ts). */
export const uiRunPath = (runId: string) => `/flows/${FLOW_NAME}/runs/${runId}`;

export interface FlowOptions {
  /** The Python that has the Metaflow client (END_USER_SETUP step 3). @default "python3" */
  readonly python?: string;
  /** Bound on `run --with kubernetes`, in milliseconds. @default 1200000 */
  readonly runTimeoutMs?: number;
  /** Bound on `argo-workflows create` and on `trigger`, each, in milliseconds. @default 300000 */
  readonly deployTimeoutMs?: number;
  /** How long to wait for a run to show in the UI backend, in milliseconds. @default 600000 */
  readonly findTimeoutMs?: number;
}

interface Ran {
  readonly ok: boolean;
  readonly output: string;
}

/** Runs a command with a bound; its output is kept for the failure line. */
function run(file: string, args: string[], cwd: string, timeoutMs: number): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (!error) return resolve({ ok: true, output });
      // The last lines say why (a Python exception's message, Metaflow's error); the first line of a long traceback does not.
      const last = output.trim().split("\n").slice(-3).join(" | ");
      const why = (error as { killed?: boolean }).killed ? `killed after ${Math.round(timeoutMs / 1000)} s` : `exit ${error.code ?? "?"}`;
      resolve({ ok: false, output: last ? `${why}: ${last}` : why });
    });
  });
}

async function timed(check: string, body: () => Promise<Omit<CheckResult, "check" | "ms">>): Promise<CheckResult> {
  const start = Date.now();
  return { check, ...(await body()), ms: Date.now() - start };
}

/** The hello flow: one line per step; after a failed step the rest are skipped, saying why. */
export async function runFlowChecks(ctx: VerifyContext, options: FlowOptions = {}): Promise<CheckResult[]> {
  const python = options.python ?? "python3";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-verify-flow-"));
  const lines: CheckResult[] = [];
  const skipRest = (why: string, ...checks: string[]) => {
    for (const check of checks) lines.push({ check, status: "skip", message: `not run: ${why}` });
  };
  const ui = ctx.plan.health.find((h) => h.what === "UI backend");
  const steps = [
    "flow run --with kubernetes",
    "flow run in the UI backend",
    "flow argo-workflows create",
    "flow argo-workflows trigger",
    "flow triggered run in the UI backend",
  ];
  try {
    const client = await timed("flow client", async () => {
      const r = await run(python, ["-c", "import metaflow; print(metaflow.__version__)"], dir, 60_000);
      return r.ok
        ? { status: "pass", message: `${python} imports metaflow ${r.output.trim()}` }
        : {
            status: "fail",
            message: `${python} cannot import metaflow (${r.output})`,
            fix: "install the Metaflow client as END_USER_SETUP step 3 says (npx cdktf output <env>-services), or name its Python with --python",
          };
    });
    lines.push(client);
    if (client.status !== "pass") {
      skipRest("no Metaflow client", ...steps);
      return lines;
    }
    if (!ui) {
      skipRest("the stack has no UI backend", ...steps);
      return lines;
    }
    fs.writeFileSync(path.join(dir, "flow.py"), FLOW_SOURCE);
    const found = (check: string, runIdFile: string) =>
      settle({ ...ctx, waitMs: options.findTimeoutMs ?? 600_000 }, check, async () => {
        const runId = fs.readFileSync(runIdFile, "utf8").trim();
        const response = await ctx.kube.get(proxyPath(ui, uiRunPath(runId)), ctx.timeoutMs);
        return response.status === 200
          ? { status: "pass", message: `the UI backend lists ${FLOW_NAME}/${runId}` }
          : { status: "fail", pending: true, message: `the UI backend does not list ${FLOW_NAME}/${runId} (${statusMessage(response)})` };
      });
    const flowStep = async (check: string, args: string[], timeoutMs: number) =>
      timed(check, async () => {
        const r = await run(python, ["flow.py", ...FLOW_ARGS.top, ...args], dir, timeoutMs);
        return r.ok
          ? { status: "pass", message: "finished" }
          : {
              status: "fail",
              message: r.output,
              fix: "see Metaflow's output above; END_USER_SETUP steps 3 and 4 (config, port-forwards) come first",
            };
      });

    const runIdFile = path.join(dir, "run-id");
    const ran = await flowStep(steps[0], FLOW_ARGS.run(runIdFile), options.runTimeoutMs ?? 1_200_000);
    lines.push(ran);
    if (ran.status !== "pass") return (skipRest(`${steps[0]} failed`, ...steps.slice(1)), lines);
    lines.push(await found(steps[1], runIdFile));

    const deployMs = options.deployTimeoutMs ?? 300_000;
    const created = await flowStep(steps[2], FLOW_ARGS.create(), deployMs);
    lines.push(created);
    if (created.status !== "pass") return (skipRest(`${steps[2]} failed`, ...steps.slice(3)), lines);
    const triggerIdFile = path.join(dir, "trigger-id");
    const triggered = await flowStep(steps[3], FLOW_ARGS.trigger(triggerIdFile), deployMs);
    lines.push(triggered);
    if (triggered.status !== "pass") return (skipRest(`${steps[3]} failed`, steps[4]), lines);
    lines.push(await found(steps[4], triggerIdFile));
    return lines;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
