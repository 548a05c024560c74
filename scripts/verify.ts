// `npm run verify <env>`: after a deploy, checks with the caller's own cluster credentials (the kubeconfig's current
// context; no Terraform state) that what the services stack deploys runs and answers, and that the published
// configuration is what the stack publishes for this configuration. One line per check with its time, then a
// summary. Exit codes: 0 nothing fails, 1 a check fails, 2 bad usage or configuration.
import * as fs from "fs";
import { parseArgs } from "util";
import { ConfigError, configPath, loadConfig } from "../config";
import {
  DEFAULT_TIMEOUT_MS,
  DEFAULT_WAIT_MS,
  formatResult,
  googleKubeApi,
  kubeApi,
  parseInfraOutputs,
  runVerify,
  summary,
  verifyContext,
  verifyPlan,
} from "../verify";
import { runFlowChecks } from "../verify/flow";

const GET_CREDENTIALS = "gcloud container clusters get-credentials <cluster> --location <location> --project <project> --dns-endpoint";

const USAGE = `Usage: npm run verify <env> [-- --flow] [options]

  Reads ${configPath()} (or the file named by METAFLOW_GCP_CONFIG) for what the services stack deploys, and checks
  it in the cluster of the kubeconfig's current context, with your own credentials:
  ${GET_CREDENTIALS}

  --context NAME          another kubeconfig context
  --server URL            no kubeconfig: the cluster's DNS endpoint (https://...), reached with your Application
                          Default Credentials (CI runners without gcloud)
  --infra-outputs FILE    the infra stack's outputs (terraform output -json) for the values config.json carries,
                          instead of those the configuration implies
  --wait SECONDS          how long each check waits for a rollout or endpoints to settle (default ${DEFAULT_WAIT_MS / 1000})
  --timeout SECONDS       bound on each request (default ${DEFAULT_TIMEOUT_MS / 1000})
  --flow                  also run a hello flow: run --with kubernetes, argo-workflows create and trigger, with your
                          Metaflow setup (END_USER_SETUP steps 3 and 4: config and port-forwards)
  --python PATH           the Python with the Metaflow client, for --flow (default python3)`;

function usage(message?: string): number {
  if (message) console.error(`verify: ${message}`);
  console.error(USAGE);
  return 2;
}

/** Bad usage, reported with exit code 2. */
class UsageError extends Error {}

function seconds(value: string | undefined, name: string, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} must be a number of seconds, not "${value}"`);
  return n * 1000;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        context: { type: "string" },
        server: { type: "string" },
        "infra-outputs": { type: "string" },
        wait: { type: "string" },
        timeout: { type: "string" },
        flow: { type: "boolean" },
        python: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length !== 1) return usage(values.help ? undefined : "name one environment");
  let config, waitMs, timeoutMs, infraOutputs;
  try {
    config = loadConfig();
    waitMs = seconds(values.wait, "wait", DEFAULT_WAIT_MS);
    timeoutMs = seconds(values.timeout, "timeout", DEFAULT_TIMEOUT_MS);
    const file = values["infra-outputs"];
    if (file !== undefined) {
      if (!fs.existsSync(file)) throw new UsageError(`--infra-outputs: no file ${file}`);
      try {
        infraOutputs = parseInfraOutputs(fs.readFileSync(file, "utf8"), file);
      } catch (error) {
        throw new UsageError(`--infra-outputs: ${(error as Error).message}`);
      }
    }
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof UsageError)) throw error;
    console.error(error instanceof UsageError ? `verify: ${error.message}` : error.message);
    return 2;
  }
  const env = config.environments.find((e) => e.name === positionals[0]);
  if (!env) {
    console.error(`no environment "${positionals[0]}" in ${configPath()}: ${config.environments.map((e) => e.name).join(", ")}`);
    return 2;
  }
  const plan = verifyPlan(config, env, infraOutputs);
  let kube;
  try {
    kube = values.server !== undefined ? await googleKubeApi(values.server) : await kubeApi(values.context);
  } catch (error) {
    console.error(`verify: no cluster to check (${(error as Error).message}): ${GET_CREDENTIALS}`);
    return 2;
  }
  console.log(`verify ${env.name}: cluster ${kube.server} (context ${kube.context}), project ${env.project}`);
  const options = { waitMs, timeoutMs };
  const results = await runVerify(plan, kube, options);
  for (const r of results) console.log(formatResult(r));
  if (values.flow) {
    for (const r of await runFlowChecks(verifyContext(plan, kube, options), { python: values.python })) {
      console.log(formatResult(r));
      results.push(r);
    }
  }
  console.log(`verify ${env.name}: ${summary(results)}`);
  return results.some((r) => r.status === "fail") ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`verify: ${(error as Error).message}`);
    process.exit(2);
  },
);
