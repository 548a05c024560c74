// `npm run preflight <env>` end to end: the CLI (scripts/preflight.ts, bundled as for users) reads the config through
// the app's parser and gets its credentials from Application Default Credentials, here a workload identity
// federation file (type external_account) whose token exchange URL is the local fake, so google-auth-library's own
// credential path runs without reaching Google. Every request goes to the fake through METAFLOW_GCP_PREFLIGHT_BASE_URL.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { METAFLOW_ADMIN_PERMISSIONS } from "../constructs/admin-permissions";
import { parseConfig } from "../config";
import { ACCESS_TOKEN, FakeApis, passingState } from "./preflight/fake-apis";
import { devConfig } from "./helpers";

const ROOT = path.join(__dirname, "..");
const BUCKET = "acme-terraform-state";

let fake: FakeApis;
let dir: string;
const raw = devConfig((env, r) => {
  r.stateBackend = { bucket: BUCKET };
  env.identity = { createKey: true };
});

beforeAll(async () => {
  fake = await new FakeApis(passingState(parseConfig(raw).environments[0], METAFLOW_ADMIN_PERMISSIONS, BUCKET)).start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-cli-"));
  fs.writeFileSync(path.join(dir, "environments.json"), JSON.stringify(raw));
  fs.writeFileSync(path.join(dir, "subject-token"), "a-federated-identity-token");
  fs.writeFileSync(
    path.join(dir, "adc.json"),
    JSON.stringify({
      type: "external_account",
      audience: "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/ci/providers/ci",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: `${fake.baseUrl}/sts/v1/token`,
      credential_source: { file: path.join(dir, "subject-token") },
    }),
  );
});

afterAll(async () => {
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI with ADC from the federation file; resolves with its exit code and output (bounded by a timeout). */
function preflight(
  args: string[],
  config = path.join(dir, "environments.json"),
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    GOOGLE_APPLICATION_CREDENTIALS: path.join(dir, "adc.json"),
    METAFLOW_GCP_CONFIG: config,
    METAFLOW_GCP_PREFLIGHT_BASE_URL: fake.baseUrl,
    // Never probe a metadata server: the credentials are the file above.
    METADATA_SERVER_DETECTION: "none",
    NODE_OPTIONS: `--require ${path.join(__dirname, "preflight", "offline-guard.js")}`,
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["scripts/run-ts.js", "scripts/preflight.ts", ...args],
      { cwd: ROOT, env, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test("a ready project: one line per check, the summary, exit 0; credentials came from ADC through the token exchange", async () => {
  fake.requests.length = 0;
  const { code, stdout, stderr } = await preflight(["dev"]);
  expect(stderr).toBe("");
  expect(code).toBe(0);
  const lines = stdout.trim().split("\n");
  expect(lines[0]).toBe("preflight dev: project my-metaflow-project, region us-central1");
  expect(lines).toContain(
    `PASS  permissions: the caller holds all ${METAFLOW_ADMIN_PERMISSIONS.length} permissions of metaflow_admin on my-metaflow-project`,
  );
  expect(lines).toContain(`PASS  state bucket: gs://${BUCKET} exists, is readable and versioned`);
  expect(lines[lines.length - 1]).toMatch(/^preflight dev: \d+ passed, 0 failed, 0 warnings, 0 skipped$/);
  expect(fake.requestsTo("/sts/").length).toBeGreaterThan(0);
  const google = fake.requests.filter((r) => /^\/(cloudresourcemanager|orgpolicy|compute|storage)\//.test(r.path));
  expect(google.length).toBeGreaterThan(0);
  expect(google.every((r) => r.headers.authorization === `Bearer ${ACCESS_TOKEN}`)).toBe(true);
  // No Google credential is sent to a registry that is not Google's.
  expect(fake.requestsTo("/registry/").every((r) => r.headers.authorization !== `Bearer ${ACCESS_TOKEN}`)).toBe(true);
});

test("a failing check: its line with the fix, and exit 1", async () => {
  fake.state.held.delete("container.clusters.connect");
  fake.state.held.delete("container.clusters.create");
  const { code, stdout } = await preflight(["dev"]);
  fake.state.held = new Set(METAFLOW_ADMIN_PERMISSIONS);
  expect(code).toBe(1);
  expect(stdout).toMatch(
    /^FAIL {2}permissions: the caller lacks \d+ of the \d+ permissions of metaflow_admin on my-metaflow-project: .*container.clusters.create.*\. Fix: /m,
  );
  expect(stdout).toMatch(/^preflight dev: \d+ passed, 1 failed, 0 warnings, 0 skipped$/m);
});

test("an unknown environment or no argument: usage, exit 2", async () => {
  const unknown = await preflight(["staging"]);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/no environment "staging" in .*environments.json: dev/);
  expect((await preflight([])).code).toBe(2);
});

test("a bad configuration fails as it does at synth, naming environment, field, value and rule; exit 2", async () => {
  const bad = path.join(dir, "bad.json");
  fs.writeFileSync(bad, JSON.stringify({ environments: { dev: { project: "my-metaflow-project", clusetr: {} } } }));
  const { code, stderr } = await preflight(["dev"], bad);
  expect(code).toBe(2);
  expect(stderr).toMatch(/environment "dev", field "clusetr" = \{\}: unknown key "clusetr" \(did you mean "cluster"\?\)/);
});
