import { App } from "cdktf";
import { addEnvironments } from "./lib/app";
import { ConfigError, loadConfig } from "./lib/config";

try {
  // Validate everything first: a bad value stops the run before any file is written.
  const config = loadConfig();
  const app = new App();
  addEnvironments(app, config);
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
