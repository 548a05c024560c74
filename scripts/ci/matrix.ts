// Prints the CI matrix of the configuration (scripts/ci/environments.ts) as one line of JSON.
//   npm run --silent ci-matrix     ->  {"include":[{"env":"dev","github_environment":"dev"}]}
import { ConfigError, loadConfig } from "../../config";
import { ciMatrix } from "./environments";

try {
  process.stdout.write(`${JSON.stringify(ciMatrix(loadConfig()))}\n`);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
