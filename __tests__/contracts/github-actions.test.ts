// Facts the CI workflows (.github/workflows/*.yml) and the CI identity (constructs/ci-identity.ts) rely on.
//
// Actions, each pinned by the full commit SHA of a release tag (GitHub's "Security hardening for GitHub Actions":
// a SHA is the only immutable reference), with the inputs this project passes, read in each action.yml at that tag:
// - actions/checkout v7.0.1 (3d3c42e5aac5ba805825da76410c181273ba90b1), action.yml: persist-credentials, fetch-depth.
// - actions/setup-node v7.0.0 (820762786026740c76f36085b0efc47a31fe5020), action.yml: node-version, cache.
// - actions/upload-artifact v7.0.0 (bbbca2ddaa5d8feaa63e36b76fdaad77386f024f), action.yml: name, path.
// - hashicorp/setup-terraform v4.0.1 (dfe3c3f87815947d99a8997f908cb6525fc44e9e), action.yml: terraform_version,
//   terraform_wrapper (off: its wrapper script rewrites terraform's output, which cdktf reads).
// - google-github-actions/auth v3.0.0 (7c6bc770dae815cd3e89ee6cdf493a5fab2cc093), action.yml: workload_identity_provider
//   (the provider's full name, "projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>"),
//   service_account; its README, "Usage": the job needs the `id-token: write` permission to request GitHub's OIDC token.
//
// GitHub's OIDC token (docs.github.com, "OpenID Connect reference" / "About security hardening with OpenID Connect"):
// the issuer is https://token.actions.githubusercontent.com for every repository; a job that references an environment
// gets the subject `repo:<owner>/<repo>:environment:<name>`; the claims `repository` ("owner/repo") and `ref`
// ("refs/heads/main") name the repository and the ref the workflow ran from.
//
// hashicorp/terraform-provider-google v6.50.0 (module github.com/hashicorp/terraform-provider-google at
// v1.20.1-0.20250919180509-956f510990a7, the tagged commit), google/services/iambeta/:
// - resource_iam_workload_identity_pool.go, ValidateWorkloadIdentityPoolId: 4-32 characters of [a-z0-9-], and no
//   "gcp-" prefix; the pool's `name` attribute is "projects/<number>/locations/global/workloadIdentityPools/<id>".
// - resource_iam_workload_identity_pool_provider.go: `attribute_condition` (a CEL expression over `assertion`),
//   `attribute_mapping`, `oidc.issuer_uri` (required), whose `name` is the provider's full name above.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { GITHUB_OIDC_ISSUER } from "../../constructs/ci-identity";
import { workloadIdentityPoolId } from "../../config/ci";

const PINNED: Record<string, { sha: string; tag: string; inputs: string[] }> = {
  "actions/checkout": { sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", tag: "v7.0.1", inputs: ["persist-credentials", "fetch-depth"] },
  "actions/setup-node": { sha: "820762786026740c76f36085b0efc47a31fe5020", tag: "v7.0.0", inputs: ["node-version", "cache"] },
  "actions/upload-artifact": { sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", tag: "v7.0.0", inputs: ["name", "path"] },
  "hashicorp/setup-terraform": {
    sha: "dfe3c3f87815947d99a8997f908cb6525fc44e9e",
    tag: "v4.0.1",
    inputs: ["terraform_version", "terraform_wrapper"],
  },
  "google-github-actions/auth": {
    sha: "7c6bc770dae815cd3e89ee6cdf493a5fab2cc093",
    tag: "v3.0.0",
    inputs: ["workload_identity_provider", "service_account"],
  },
};

const DIR = path.resolve(__dirname, "../../.github/workflows");
const workflows = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith(".yml"))
  .map((f) => ({ file: f, text: fs.readFileSync(path.join(DIR, f), "utf8"), doc: parse(fs.readFileSync(path.join(DIR, f), "utf8")) }));
const steps = workflows.flatMap(({ file, doc }) =>
  Object.entries<any>(doc.jobs).flatMap(([job, j]) => (j.steps ?? []).map((step: any) => ({ file, job, j, step }))),
);

test("there are workflows to check", () => {
  expect(workflows.map((w) => w.file).sort()).toEqual(["deploy.yml", "pull-request.yml"]);
});

test("every action is pinned by the full SHA of the tag named in its comment, and only known inputs are passed", () => {
  for (const { file, text } of workflows) {
    for (const [, action, ref, tag] of text.matchAll(/uses: ([\w.-]+\/[\w.-]+)@(\S+)(?: # (\S+))?/g)) {
      const pin = PINNED[action];
      expect({ file, action, ref, tag }).toEqual({ file, action, ref: pin?.sha, tag: pin?.tag });
    }
  }
  for (const { file, step } of steps.filter((s) => s.step.uses)) {
    const action = step.uses.split("@")[0];
    const unknown = Object.keys(step.with ?? {}).filter((input) => !PINNED[action].inputs.includes(input));
    expect({ file, action, unknown }).toEqual({ file, action, unknown: [] });
  }
});

test("a job that signs in to Google asks for the OIDC token, and only such a job", () => {
  for (const { file, job, j } of steps.filter((s) => s.step.uses?.startsWith("google-github-actions/auth@"))) {
    expect({ file, job, idToken: j.permissions?.["id-token"] }).toEqual({ file, job, idToken: "write" });
  }
  const signingJobs = new Set(steps.filter((s) => s.step.uses?.startsWith("google-github-actions/auth@")).map((s) => `${s.file}/${s.job}`));
  for (const { file, doc } of workflows) {
    expect(doc.permissions).toEqual({ contents: "read" });
    for (const [job, j] of Object.entries<any>(doc.jobs)) {
      if (!signingJobs.has(`${file}/${job}`)) expect(j.permissions?.["id-token"]).toBeUndefined();
    }
  }
});

test("deploys wait for a GitHub environment; pull requests never name one (their subject could not deploy)", () => {
  const deploy = workflows.find((w) => w.file === "deploy.yml")!.doc;
  expect(deploy.on).toEqual({ push: { branches: ["main"] } });
  expect(deploy.jobs.deploy.environment).toBe("${{ matrix.github_environment }}");
  const pr = workflows.find((w) => w.file === "pull-request.yml")!.doc;
  expect(Object.values<any>(pr.jobs).filter((j) => j.environment !== undefined)).toEqual([]);
});

test("GitHub's OIDC issuer", () => {
  expect(GITHUB_OIDC_ISSUER).toBe("https://token.actions.githubusercontent.com");
});

test.each([
  ["metaflow-dev-ci", true],
  ["abcd", true],
  ["abc", false],
  ["a".repeat(33), false],
  ["gcp-dev-ci", false],
  ["Metaflow-dev", false],
  ["metaflow_dev", false],
])("Workload Identity pool id %s: valid %s, as the provider's ValidateWorkloadIdentityPoolId", (id, valid) => {
  expect(workloadIdentityPoolId.safeParse(id).success).toBe(valid);
});
