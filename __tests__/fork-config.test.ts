// A fork configured for a company: its own projects and a new environment keep `npm test` green. Every test builds
// from the example (examples/environments.json) but user-config.test.ts, which reads the user's file with
// synthConfigFile; here that check runs on scratch company configurations.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../config";
import { defaultRawConfig, synthConfigFile } from "./helpers";

let dir: string;
beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-fork-"))));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The example with the company's projects and a `staging` environment, then `mutate`, in a scratch file. */
function companyConfig(mutate: (raw: any) => void = () => undefined): string {
  const raw = defaultRawConfig();
  delete raw.$schema;
  raw.environments.dev.project = "acme-ml-dev";
  raw.environments.prod.project = "acme-ml-prod";
  raw.environments.staging = {
    project: "acme-ml-staging",
    region: "europe-west1",
    identity: { flowRunners: ["group:ml-engineers@acme.com", "serviceAccount:ci@acme-ml-staging.iam.gserviceaccount.com"] },
    services: { jobsNamespace: "ml-jobs" },
  };
  mutate(raw);
  const file = path.join(dir, `acme-${fs.readdirSync(dir).length}.json`);
  fs.writeFileSync(file, JSON.stringify(raw, null, 2));
  return file;
}

test("a company's configuration (a new environment, other projects) passes the user-config check", () => {
  const { written, expected } = synthConfigFile(companyConfig());
  expect(written).toEqual(expected);
  expect(written).toEqual(expect.arrayContaining(["staging-infra", "staging-services"]));
});

test("a company's configuration with a broken rule fails it, naming environment, field, value and rule", () => {
  const file = companyConfig((raw) => (raw.environments.staging.project = "Acme-Staging"));
  expect(() => synthConfigFile(file)).toThrow(ConfigError);
  expect(() => synthConfigFile(file)).toThrow(/environment "staging", field "project" = "Acme-Staging": must be a GCP project id/);
});
