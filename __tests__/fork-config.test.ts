// A fork configured for a company: its own projects and a new environment keep `npm test` green. Every test builds
// from the example (examples/environments.json) but user-config.test.ts, which reads the user's file; here it runs, as
// a fork's `npm test` would, on a scratch company configuration named by METAFLOW_GCP_CONFIG.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { defaultRawConfig } from "./helpers";

const root = path.join(__dirname, "..");
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "metaflow-gcp-fork-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The example with the company's projects and a `staging` environment, then `mutate`; written to a scratch file. */
function companyConfig(name: string, mutate: (raw: any) => void = () => undefined): string {
  const raw = defaultRawConfig();
  delete raw.$schema;
  raw.environments.dev.project = "acme-ml-dev";
  raw.environments.prod.project = "acme-ml-prod";
  raw.environments.staging = { project: "acme-ml-staging", region: "europe-west1", services: { jobsNamespace: "ml-jobs" } };
  mutate(raw);
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(raw, null, 2));
  return file;
}

/** Runs jest on user-config.test.ts with METAFLOW_GCP_CONFIG set to `config`; its exit status and output. */
function userConfigTest(config: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const jest = path.join(root, "node_modules", "jest", "bin", "jest.js");
    const run = spawn(process.execPath, [jest, "--ci", "--colors=false", "--runTestsByPath", "__tests__/user-config.test.ts"], {
      cwd: root,
      env: { ...process.env, METAFLOW_GCP_CONFIG: config },
    });
    let output = "";
    run.stdout.on("data", (d) => (output += d));
    run.stderr.on("data", (d) => (output += d));
    run.on("error", reject);
    run.on("close", (status) => resolve({ status, output }));
  });
}

test("a company's configuration passes the user-config test, and a broken one fails it naming the rule", async () => {
  const good = companyConfig("acme");
  const bad = companyConfig("acme-broken", (raw) => (raw.environments.staging.project = "Acme-Staging"));
  const [passed, failed] = await Promise.all([userConfigTest(good), userConfigTest(bad)]);

  expect(passed.output).toContain(`the user's configuration (${good})`);
  expect(passed.output).toMatch(/Tests: +2 passed, 2 total/);
  expect(passed.status).toBe(0);

  expect(failed.output).toContain(`the user's configuration (${bad})`);
  expect(failed.output).toContain('environment "staging", field "project" = "Acme-Staging": must be a GCP project id');
  expect(failed.status).toBe(1);
}, 60_000);
