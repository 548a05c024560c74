// The review report end to end: golden files for the shipped config, --against between two configs, and the CLI.
// Regenerate the golden files after an intended change with: UPDATE_GOLDEN=1 npx jest __tests__/review.test.ts
import { spawnSync } from "child_process";
import { App } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { addEnvironments } from "../lib/app";
import { parseConfig } from "../lib/config";
import { environments, loadSynthDir, review, reviewEnvironment } from "../lib/review";
import { SynthModel } from "../lib/review/model";
import { defaultRawConfig, devConfig } from "./helpers";

const ROOT = path.join(__dirname, "..");
const GOLDEN = path.join(__dirname, "golden");
const tempDirs: string[] = [];

const synthCache = new Map<string, string>();

/** Synthesizes a raw config the way `cdktf synth` does (manifest.json + stacks/), into a temp dir; once per config. */
function synthToDir(raw: any): string {
  const key = JSON.stringify(raw);
  const cached = synthCache.get(key);
  if (cached) return cached;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "review-synth-"));
  tempDirs.push(outdir);
  const app = new App({ outdir });
  addEnvironments(app, parseConfig(raw));
  app.synth();
  synthCache.set(key, outdir);
  return outdir;
}

const synthOf = (raw: any): SynthModel => loadSynthDir(synthToDir(raw));

/** The dev review of `after` against `before`, as flags "severity: message". */
function compareDev(before: (env: any) => void, after: (env: any) => void) {
  const [env] = environments(synthOf(devConfig(after)));
  const r = reviewEnvironment(env, { before: synthOf(devConfig(before)), againstLabel: "main.out" });
  return { ...r, lines: r.flags.filter((f) => f.section === "Change review").map((f) => `${f.severity}: ${f.message}`) };
}

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("golden report of the shipped configuration", () => {
  const reviews = review(synthOf(defaultRawConfig()));

  test.each(["dev", "prod"])("the %s report matches its golden file", (env) => {
    const report = reviews.find((r) => r.env === env)!.markdown;
    const file = path.join(GOLDEN, `review-${env}.md`);
    if (process.env.UPDATE_GOLDEN === "1") {
      fs.mkdirSync(GOLDEN, { recursive: true });
      fs.writeFileSync(file, report);
    }
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run UPDATE_GOLDEN=1 npx jest __tests__/review.test.ts and review it`);
    expect(report).toBe(fs.readFileSync(file, "utf8"));
  });

  test("the shipped configuration raises no loud flag", () => {
    expect(reviews.flatMap((r) => r.flags.filter((f) => f.severity === "loud"))).toEqual([]);
  });

  test("every section is present, with the facts a reviewer looks for first", () => {
    const dev = reviews.find((r) => r.env === "dev")!.markdown;
    for (const title of ["Change review", "Inventory", "Access", "Exposure", "Data protection", "Secrets", "Supply chain"]) {
      expect(dev).toContain(`\n## ${title}\n`);
    }
    expect(dev).toContain("| `google` | `google` | `6.50.0` | 1 |");
    expect(dev).toMatch(/Backend: `local`: path `\.\.\/\.\.\/\.\.\/terraform\.dev-infra\.tfstate`/);
    expect(dev).toMatch(/\| `roles\/storage\.objectAdmin` \| `project my-metaflow-project` \| metaflow-datastore-only: /);
    expect(dev).toMatch(/Cloud SQL `metaflow-dev-pg-\$\{random_id\.database_name-suffix_\w+\.hex\}` \| private IP only/);
    expect(dev).toContain("| `metaflow-dev-nat` | `us-central1` |");
    expect(dev).toMatch(/\| `dev-infra` \| `metaflow_db_password` \| yes \| `random_password\.database_metaflow-password_\w+\.result` \|/);
    const prod = reviews.find((r) => r.env === "prod")!.markdown;
    expect(prod).toContain("`us-central1`, REGIONAL (standby in a second zone)");
    expect(prod).toContain("backups daily at 03:00 UTC, 14 kept");
  });
});

describe("--against between two configurations", () => {
  test("a new bucket location destroys the bucket", () => {
    const { lines, markdown } = compareDev(() => undefined, (e) => (e.storage = { location: "EU" }));
    expect(lines).toEqual(['loud: DESTROYS google_storage_bucket: location "US-CENTRAL1" -> "EU" cannot be changed in place: Terraform destroys and recreates it']);
    expect(markdown).toContain("Compared with `main.out`.");
    expect(markdown).toContain("#### ⛔ 1 stateful resource destroyed or recreated");
    expect(markdown).toMatch(/#### `dev-infra`: 0 added, 0 removed, 0 renamed, 1 changed \(1 replaced\)/);
    expect(markdown).toMatch(/#### `dev-services`: 0 added, 0 removed, 0 renamed, 0 changed \(0 replaced\)/);
  });

  test("a new region destroys the SQL instance, its databases, the bucket and the cluster", () => {
    const { lines } = compareDev(() => undefined, (e) => ((e.region = "europe-west1"), (e.zone = "europe-west1-b")));
    expect(lines).toEqual(
      expect.arrayContaining([
        'loud: DESTROYS google_sql_database_instance: region "us-central1" -> "europe-west1" cannot be changed in place: Terraform destroys and recreates it',
        'loud: DESTROYS google_storage_bucket: location "US-CENTRAL1" -> "EUROPE-WEST1" cannot be changed in place: Terraform destroys and recreates it',
        'loud: DESTROYS google_container_cluster: location "us-central1-a" -> "europe-west1-b" cannot be changed in place: Terraform destroys and recreates it',
        'loud: DESTROYS google_container_node_pool: location "us-central1-a" -> "europe-west1-b" cannot be changed in place: Terraform destroys and recreates it',
      ]),
    );
    expect(lines.filter((l) => l.startsWith("loud: DESTROYS google_sql_database:"))).toHaveLength(2);
  });

  test("bumping the database generation replaces the instance through its random name suffix", () => {
    const { lines, markdown } = compareDev(() => undefined, (e) => (e.database = { generation: 2 }));
    expect(markdown).toMatch(/\| replaced \| `random_id` \| `dev-infra\/database\/name-suffix` \| `~ keepers\.generation: "1" -> "2"` \|/);
    expect(lines[0]).toMatch(/^loud: DESTROYS google_sql_database_instance: name reads random_id\.database_name-suffix_\w+\.hex, which is replaced \(keepers\.generation "1" -> "2"\)/);
  });

  test("a major PostgreSQL upgrade needs care but destroys nothing", () => {
    const { lines, markdown } = compareDev((e) => (e.database = { version: "POSTGRES_15" }), () => undefined);
    expect(lines).toEqual(["warn: google_sql_database_instance: database_version POSTGRES_15 -> POSTGRES_16: an in-place major version upgrade with downtime that cannot be rolled back; take a backup first"]);
    expect(markdown).toContain("No stateful resource is destroyed or recreated.");
  });

  test("identical synths report no changes", () => {
    const { lines, markdown } = compareDev(() => undefined, () => undefined);
    expect(lines).toEqual([]);
    expect(markdown).toContain("_No resource changes._");
  });

  test("an environment missing from the older synth is all added", () => {
    const after = synthOf(defaultRawConfig());
    const prod = environments(after).find((e) => e.name === "prod")!;
    const r = reviewEnvironment(prod, { before: synthOf(devConfig()), againstLabel: "old" });
    expect(r.markdown).toContain("Compared with `old` (the environment is new there).");
    expect(r.markdown).toMatch(/#### `prod-infra`: stack added; 35 added, 0 removed/);
  });
});

describe("npm run review (scripts/review.ts)", () => {
  // Bundled once, as scripts/run-ts.js does for `npm run review`, then run for each case.
  const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), "review-cli-"));
  tempDirs.push(bundleDir);
  const cli = path.join(bundleDir, "review.js");
  beforeAll(() => require("../scripts/build.js").bundle(path.join(ROOT, "scripts", "review.ts"), cli));
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: ROOT, encoding: "utf8" });

  test("writes one report per environment and prints the summary", () => {
    const out = synthToDir(defaultRawConfig());
    const result = run("--out", out);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`dev: 0 loud, `);
    expect(result.stdout).toContain(path.join(out, "review", "prod.md"));
    expect(fs.readFileSync(path.join(out, "review", "dev.md"), "utf8")).toMatch(/^# Review of environment `dev`/);
  });

  test("--against and --env compare one environment; --strict exits 1 on a loud flag", () => {
    const before = synthToDir(devConfig());
    const after = synthToDir(devConfig((e) => (e.storage = { location: "EU" })));
    const plain = run("--out", after, "--against", before, "--env", "dev");
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/LOUD \[Change review\] DESTROYS google_storage_bucket: location "US-CENTRAL1" -> "EU"/);
    expect(fs.readFileSync(path.join(after, "review", "dev.md"), "utf8")).toContain(`Compared with \`${before}\`.`);
    expect(run("--out", after, "--against", before, "--strict").status).toBe(1);
  });

  test("bad input exits 2 with a message", () => {
    const missing = run("--out", path.join(os.tmpdir(), "no-such-cdktf-out"));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/review: cannot read .*manifest\.json: run `npm run synth` first/);
    const out = synthToDir(devConfig());
    const unknownEnv = run("--out", out, "--env", "staging");
    expect(unknownEnv.status).toBe(2);
    expect(unknownEnv.stderr).toContain("no environment staging");
    expect(run("--bogus").status).toBe(2);
  });
});
