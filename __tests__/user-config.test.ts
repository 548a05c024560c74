// The user's own configuration, whatever it holds: environments.json, or the file $METAFLOW_GCP_CONFIG names. This is
// the one test that reads it; every other test builds from the example (examples/environments.json), so a fork that
// sets its projects and adds environments keeps the suite green, and the suite keeps testing the example.
import { configPath, loadConfig } from "../config";
import { synthConfigFile } from "./helpers";

const file = configPath();

describe(`the user's configuration (${file})`, () => {
  test("is valid: the schema and every rule", () => {
    // On failure, the message lists every broken rule with its environment, field and value, as `npm run synth` does.
    expect(loadConfig(file).environments.length).toBeGreaterThan(0);
  });

  test("synthesizes both stacks of every environment", () => {
    const { written, expected } = synthConfigFile(file);
    expect(written).toEqual(expected);
  });
});
