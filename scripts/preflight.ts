// `npm run preflight <env>`: checks, with the caller's Application Default Credentials and no Terraform state, what
// would make the environment's first apply fail late (permissions, organisation policies, quotas, the state bucket,
// the images). One line per check, then a summary. Exit codes: 0 nothing fails (warnings included), 1 a check
// fails, 2 bad usage or configuration.
import { GoogleAuth } from "google-auth-library";
import { ConfigError, configPath, loadConfig } from "../config";
import { BASE_URL_ENV, formatResult, runPreflight, summary } from "../preflight";

const USAGE = `Usage: npm run preflight <env>

  Reads ${configPath()} (or the file named by METAFLOW_GCP_CONFIG) and checks the environment against its GCP
  project with your Application Default Credentials (gcloud auth application-default login).`;

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length !== 1 || args[0].startsWith("-")) {
    console.error(USAGE);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 2;
  }
  const env = config.environments.find((e) => e.name === args[0]);
  if (!env) {
    console.error(`no environment "${args[0]}" in ${configPath()}: ${config.environments.map((e) => e.name).join(", ")}`);
    return 2;
  }
  // The project is the environment's: stated, so ADC does not look one up (gcloud, the metadata server, or Resource
  // Manager for federated credentials) before the first request.
  const auth = new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"], projectId: env.project });
  console.log(`preflight ${env.name}: project ${env.project}, region ${env.region}`);
  const results = await runPreflight(config, env, { auth, baseUrl: process.env[BASE_URL_ENV] });
  for (const r of results) console.log(formatResult(r));
  console.log(`preflight ${env.name}: ${summary(results)}`);
  return results.some((r) => r.status === "fail") ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`preflight: ${(error as Error).message}`);
    process.exit(2);
  },
);
