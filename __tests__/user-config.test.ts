// The user's own configuration, whatever it holds: environments.json, or the file $METAFLOW_GCP_CONFIG names. This is
// the one test that reads it; every other test builds from the example (examples/environments.json), so a fork that
// sets its projects and adds environments keeps the suite green, and the suite keeps testing the example.
import { Testing } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { addEnvironments } from "../lib/app";
import { configPath, loadConfig } from "../lib/config";
import { STACK_KINDS, stackName } from "../lib/stack-names";

const file = configPath();

describe(`the user's configuration (${file})`, () => {
  test("is valid: the schema and every rule", () => {
    // On failure, the message lists every broken rule with its environment, field and value, as `npm run synth` does.
    expect(loadConfig(file).environments.length).toBeGreaterThan(0);
  });

  test("synthesizes both stacks of every environment", () => {
    const config = loadConfig(file);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-user-config-"));
    try {
      const app = Testing.app({ outdir });
      addEnvironments(app, config);
      app.synth();
      const written = Object.keys(JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")).stacks);
      const expected = config.environments.flatMap((e) => STACK_KINDS.map((kind) => stackName(e.name, kind)));
      expect(written.sort()).toEqual(expected.sort());
      for (const stack of written) {
        const tf = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8"));
        expect(Object.keys(tf.resource ?? {}).length).toBeGreaterThan(0);
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
