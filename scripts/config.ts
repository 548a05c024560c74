// `npm run config`: prints every environment of the configuration fully resolved (defaults filled in, derived
// names shown), so a reviewer sees what will be built. `--check` only validates: `npm run synth` runs it first,
// so a bad value is reported once, by us, instead of being echoed twice by the cdktf CLI.
// Usage: node scripts/run-ts.js scripts/config.ts [--check] [--env <name>]
import { ConfigError, configPath, loadConfig } from "../config";

const args = process.argv.slice(2);
const only = args.includes("--env") ? args[args.indexOf("--env") + 1] : undefined;
try {
  const config = loadConfig();
  if (!args.includes("--check")) {
    const environments = config.environments.filter((env) => only === undefined || env.name === only);
    if (environments.length === 0) throw new ConfigError([`no environment "${only}" in ${configPath()}`]);
    console.log(JSON.stringify({ stateBackend: config.stateBackend, environments }, null, 2));
  }
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
