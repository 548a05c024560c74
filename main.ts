import { App } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import { addEnvironments } from "./stacks/app";
import { ConfigError, loadConfig } from "./config";
import { moveInto } from "./lib/staged-output";

// Validate everything first, then synthesize into a staging folder copied to the output only once every stack
// is written: a bad value, or a failure half-way, leaves no partial output behind.
const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
let staging: string | undefined;
try {
  const config = loadConfig();
  staging = fs.mkdtempSync(path.join(path.dirname(path.resolve(outdir)), ".cdktf-staging-"));
  const app = new App({ outdir: staging });
  addEnvironments(app, config);
  app.synth();
  moveInto(staging, outdir);
} catch (error) {
  // No input ends in a stack trace: an unexpected failure is one line, with the trace only on request.
  const known = error instanceof ConfigError;
  console.error(
    known ? error.message : `metaflow-gcp synth failed: ${(error as Error).message} (METAFLOW_GCP_DEBUG=1 shows the stack trace)`,
  );
  if (!known && process.env.METAFLOW_GCP_DEBUG) console.error(error);
  process.exitCode = 1;
} finally {
  if (staging) fs.rmSync(staging, { recursive: true, force: true });
}
