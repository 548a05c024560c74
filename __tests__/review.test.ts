// The review report end to end: golden files for the shipped config, --against between two configs, and the CLI.
// Regenerate the golden files after an intended change with: UPDATE_GOLDEN=1 npx jest __tests__/review.test.ts
import { spawnSync } from "child_process";
import { App } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { addEnvironments } from "../stacks/app";
import { parseConfig } from "../config";
import { environments, loadSynthDir, review, reviewEnvironment, SECTIONS } from "../review";
import { SynthModel } from "../review/model";
import { defaultRawConfig, devConfig } from "./helpers";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { appInputs } = require("../scripts/app-inputs.js");

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
    for (const title of ["Change review", "Inventory", "Access", "Exposure", "Node pools", "Data protection", "Secrets", "Supply chain"]) {
      expect(dev).toContain(`\n## ${title}\n`);
    }
    expect(dev).toContain("| `google` | `google` | `6.50.0` | 1 |");
    expect(dev).toMatch(/Backend: `local`: path `\.\.\/\.\.\/\.\.\/terraform\.dev-infra\.tfstate`/);
    expect(dev).toMatch(/\| `roles\/storage\.objectAdmin` \| `project my-metaflow-project` \| metaflow-datastore-only: /);
    // Named by construct path, not by Terraform address (which carries a hash).
    expect(dev).toContain(
      "| Cloud SQL `metaflow-dev-pg-${dev-infra/database/name-suffix.hex}` | private IP only on `dev-infra/network/vpc.self_link`;",
    );
    expect(dev).not.toMatch(/[a-z]_[0-9A-F]{8}\.(hex|name|self_link)/);
    expect(dev).toContain("| `metaflow-dev-nat` | `us-central1` |");
    expect(dev).toMatch(/\| `dev-infra` \| `metaflow_db_password` \| yes \| `random_password\.database_metaflow-password_\w+\.result` \|/);
    const prod = reviews.find((r) => r.env === "prod")!.markdown;
    expect(prod).toContain("`us-central1`, REGIONAL (standby in a second zone)");
    expect(prod).toContain("backups daily at 03:00 UTC, 14 kept");
  });

  test("the report has the registry's sections, in its order, each under its heading", () => {
    const dev = reviews.find((r) => r.env === "dev")!;
    expect(new Set(SECTIONS.map((s) => s.id)).size).toBe(SECTIONS.length);
    expect(dev.sections).toHaveLength(SECTIONS.length);
    const headings = [...dev.markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(dev.sections.map((s) => s.title));
  });
});

describe("--against between two configurations", () => {
  test("a new bucket location destroys the bucket", () => {
    const { lines, markdown } = compareDev(
      () => undefined,
      (e) => (e.storage = { location: "EU" }),
    );
    expect(lines).toEqual([
      'loud: DESTROYS google_storage_bucket: location "US-CENTRAL1" -> "EU" cannot be changed in place: Terraform destroys and recreates it',
    ]);
    expect(markdown).toContain("Compared with `main.out`.");
    expect(markdown).toContain("#### ⛔ 1 stateful resource destroyed or recreated");
    expect(markdown).toMatch(/#### `dev-infra`: 0 added, 0 removed, 0 renamed, 1 changed \(1 replaced\)/);
    expect(markdown).toMatch(/#### `dev-services`: 0 added, 0 removed, 0 renamed, 0 changed \(0 replaced\)/);
  });

  test("a new region destroys the SQL instance, its databases, the bucket and the cluster", () => {
    const { lines } = compareDev(
      () => undefined,
      (e) => ((e.region = "europe-west1"), (e.zone = "europe-west1-b")),
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        'loud: DESTROYS google_sql_database_instance: region "us-central1" -> "europe-west1" cannot be changed in place: Terraform destroys and recreates it',
        'loud: DESTROYS google_storage_bucket: location "US-CENTRAL1" -> "EUROPE-WEST1" cannot be changed in place: Terraform destroys and recreates it',
        'loud: DESTROYS google_container_cluster: location "us-central1-a" -> "europe-west1-b" cannot be changed in place: Terraform destroys and recreates it',
        'loud: DESTROYS google_container_node_pool: location "us-central1-a" -> "europe-west1-b" cannot be changed in place: Terraform destroys and recreates it',
      ]),
    );
    // The databases are abandoned, not dropped: a warning that says so, not a loud destroy.
    expect(lines.filter((l) => l.startsWith("loud: DESTROYS google_sql_database:"))).toHaveLength(0);
    expect(lines.filter((l) => /^warn: google_sql_database: .*deletion_policy is ABANDON/.test(l))).toHaveLength(2);
  });

  test("bumping the database generation replaces the instance through its random name suffix", () => {
    const { lines, markdown } = compareDev(
      () => undefined,
      (e) => (e.database = { generation: 2 }),
    );
    expect(markdown).toMatch(/\| replaced \| `random_id` \| `dev-infra\/database\/name-suffix` \| `~ keepers\.generation: "1" -> "2"` \|/);
    expect(lines[0]).toMatch(
      /^loud: DESTROYS google_sql_database_instance: name reads dev-infra\/database\/name-suffix\.hex, which is replaced \(keepers\.generation "1" -> "2"\)/,
    );
  });

  test("a major PostgreSQL upgrade needs care but destroys nothing", () => {
    const { lines, markdown } = compareDev(
      (e) => (e.database = { version: "POSTGRES_15" }),
      () => undefined,
    );
    expect(lines).toEqual([
      "warn: google_sql_database_instance: database_version POSTGRES_15 -> POSTGRES_16: an in-place major version upgrade with downtime that cannot be rolled back; take a backup first",
    ]);
    expect(markdown).toContain("No stateful resource is destroyed or recreated.");
  });

  test("identical synths report no changes", () => {
    const { lines, markdown } = compareDev(
      () => undefined,
      () => undefined,
    );
    expect(lines).toEqual([]);
    expect(markdown).toContain("_No resource changes._");
  });

  test("an environment missing from the older synth is all added", () => {
    const after = synthOf(defaultRawConfig());
    const prod = environments(after).find((e) => e.name === "prod")!;
    const r = reviewEnvironment(prod, { before: synthOf(devConfig()), againstLabel: "old" });
    expect(r.markdown).toContain("Compared with `old` (the environment is new there).");
    expect(r.markdown).toMatch(/#### `prod-infra`: stack added; 44 added, 0 removed/);
    // Summed up by type, not one row per new resource.
    expect(r.markdown).toMatch(/\nEvery resource is added, by type: [^\n]*`google_sql_user` ×2, /);
    expect(r.markdown).not.toContain("| added |");
  });
});

describe("who: principals as a reviewer knows them", () => {
  // Base: the shipped dev config; changed: another project and a flow-runner group from the config.
  const base = compareDev(
    () => undefined,
    () => undefined,
  );
  const changed = compareDev(
    () => undefined,
    (e) => ((e.project = "other-project"), (e.identity = { flowRunners: ["group:ml@example.com"] })),
  );

  test("a service account's member is its email as it will be, the Terraform address beside it", () => {
    expect(base.markdown).toMatch(
      /\| `serviceAccount:metaflow-dev@my-metaflow-project\.iam\.gserviceaccount\.com` \| `roles\/container\.clusterViewer` \| `project my-metaflow-project` \| none \| `dev-infra\/identity\/sa-container-cluster-viewer` \| `google_service_account\.identity_service-account_\w+\.member` \|/,
    );
    expect(changed.markdown).toContain(
      "| `serviceAccount:metaflow-dev@other-project.iam.gserviceaccount.com` | `roles/container.clusterViewer` | `project other-project` |",
    );
    // No Member cell is a Terraform address any more (the address is in the "As written" column).
    expect(changed.markdown).not.toMatch(/\n\| `google_service_account\./);
  });

  test("a config member is shown as written; Kubernetes subjects through remote state resolve to the email", () => {
    expect(changed.markdown).toMatch(/\| `group:ml@example\.com` \| `roles\/[\w.]+` \| .* \| — \|/);
    expect(changed.markdown).toContain(
      "| User metaflow-dev@other-project.iam.gserviceaccount.com, Group ml@example.com | `Role metaflow-flow-runner` |",
    );
    expect(changed.markdown).toMatch(
      /\| `User data\.terraform_remote_state\.infra\.outputs\.metaflow_service_account_email, Group ml@example\.com` \|/,
    );
  });

  test("Workload Identity rows name the GSA by email and read a chart KSA's annotation from its Helm values", () => {
    expect(changed.markdown).toContain(
      "| `argo/argo-server` | `metaflow-dev@other-project.iam.gserviceaccount.com` | `dev-services/argo-server-wi/workload-identity-user` | `metaflow-dev@other-project.iam.gserviceaccount.com` (Helm argo-workflows values server.serviceAccount.annotations) |  |",
    );
    expect(changed.markdown).toContain(
      "| KSA `argo/argo-server` | `roles/iam.workloadIdentityUser` | `service_account metaflow-dev@other-project.iam.gserviceaccount.com` |",
    );
  });
});

describe("what is lost, and what goes with it", () => {
  test("an environment in the base and not in the new synth is loud, with its stateful resources", () => {
    const reviews = review(synthOf(devConfig()), { before: synthOf(defaultRawConfig()), againstLabel: "main.out" });
    expect(reviews.map((r) => r.env)).toEqual(["dev", "prod"]);
    expect(reviews[0].flags.filter((f) => f.severity === "loud")).toEqual([]);
    const prod = reviews[1];
    const loud = prod.flags.filter((f) => f.severity === "loud").map((f) => f.message);
    expect(loud).toHaveLength(2);
    expect(loud[0]).toMatch(
      /^STACK GONE: stack prod-infra is in main\.out but not in this synth: .*Stateful resources: .*prod-infra\/database\/instance \(google_sql_database_instance\).*prod-infra\/datastore\/bucket \(google_storage_bucket\)/,
    );
    expect(loud[1]).toMatch(/^STACK GONE: stack prod-services is in main\.out/);
    expect(prod.markdown).toContain("Stacks: none: the environment is only in the older synth.");
  });

  test("a generation bump lists the SQL users and databases under the instance, and what deletion protection does", () => {
    const { lines, markdown } = compareDev(
      () => undefined,
      (e) => (e.database = { generation: 2 }),
    );
    // The databases are abandoned, not dropped: a warning that says so, not a loud destroy.
    expect(lines.filter((l) => l.startsWith("loud: DESTROYS google_sql_database:"))).toHaveLength(0);
    expect(lines.filter((l) => /^warn: google_sql_database: .*deletion_policy is ABANDON/.test(l))).toHaveLength(2);
    const tree = markdown.slice(markdown.indexOf("#### What each replacement takes with it"));
    expect(tree).toMatch(
      /\n- \*\*dev-infra\*\* `dev-infra\/database\/name-suffix` \(`random_id`\): keepers\.generation "1" -> "2": replaced\n {2}- ⛔ `dev-infra\/database\/instance` \(`google_sql_database_instance`\): name reads dev-infra\/database\/name-suffix\.hex: Terraform replaces it too\. \*\*Data lost:\*\* the metadata database: the Cloud SQL instance and every database on it \(`argo`, `metaflow`\)/,
    );
    for (const child of ["database/argo-database", "database/metaflow-database", "database/argo-user", "database/metaflow-user"]) {
      expect(tree).toContain(`\n    - ${child.endsWith("database") ? "⛔ " : ""}\`dev-infra/${child}\``);
    }
    expect(tree).toContain("`deletion_protection` is on: the apply fails when it reaches this destroy, before the resource is deleted");
    // The databases are abandoned, not dropped (deletion_policy ABANDON): only the IAM grant goes before the apply stops.
    expect(tree).toContain("so `dev-infra/identity/sa-cloudsql-client` is deleted before the apply stops.");
    expect(tree).toMatch(
      /`dev-infra\/database\/metaflow-database` \(`google_sql_database`\): [^\n]*Terraform only forgets it \(`deletion_policy` ABANDON\)/,
    );
    expect(markdown).toMatch(
      /#### `dev-infra`: 0 added, 0 removed, 0 renamed, 1 changed \(1 replaced\), 6 destroyed with what they depend on/,
    );
  });

  test("a new region replaces the router and the NAT, not only changes them", () => {
    const { markdown } = compareDev(
      () => undefined,
      (e) => ((e.region = "europe-west1"), (e.zone = "europe-west1-b")),
    );
    expect(markdown).toContain(
      '| replaced | `google_compute_router` | `dev-infra/network/router` | `~ region: "us-central1" -> "europe-west1"` |',
    );
    expect(markdown).toContain(
      '| replaced | `google_compute_router_nat` | `dev-infra/network/nat` | `~ region: "us-central1" -> "europe-west1"` |',
    );
    // The databases go with the instance even where Terraform does not plan it: the next apply recreates them.
    expect(markdown).toMatch(
      /\n {2}- ⛔ `dev-infra\/database\/metaflow-database` \(`google_sql_database`\): instance reads dev-infra\/database\/instance\.name: destroyed with it\./,
    );
    // An IAM condition naming the instance outlives it: not listed as destroyed.
    expect(markdown).not.toMatch(/sa-cloudsql-client.*destroyed with it/);
  });

  test("a replaced cluster takes every Kubernetes and Helm resource of the services stack with it", () => {
    const { lines, markdown } = compareDev(
      () => undefined,
      (e) => (e.zone = "us-central1-b"),
    );
    expect(markdown).toMatch(
      /#### `dev-services`: 0 added, 0 removed, 0 renamed, 0 changed \(0 replaced\), 37 destroyed with what they depend on/,
    );
    expect(markdown).not.toContain("_No resource changes._");
    expect(markdown).toContain(
      "  - **dev-services** `dev-services/argo-workflows/release` (`helm_release`): lives in the cluster its helm provider connects to (dev-infra output cluster_endpoint: dev-infra/gke/cluster): destroyed with it",
    );
    expect(lines).toContain(
      'loud: DESTROYS kubernetes_namespace_v1: lives in the cluster its kubernetes provider connects to (dev-infra output cluster_endpoint: dev-infra/gke/cluster), which is replaced (location "us-central1-a" -> "us-central1-b"): destroyed with it; the next apply of dev-services recreates it',
    );
    // The IAM bindings of the services stack are not in the cluster.
    expect(markdown).not.toMatch(/`dev-services\/metaflow-wi\/workload-identity-user` \(`google_service_account_iam_member`\): lives in/);
  });

  test("a destroyed bucket says the datastore goes, and that force_destroy off fails the apply first", () => {
    const { markdown } = compareDev(
      () => undefined,
      (e) => (e.storage = { location: "EU" }),
    );
    expect(markdown).toContain(
      "**Data lost:** every object in the bucket: the Metaflow datastore (`gs://my-metaflow-project-metaflow-dev`, the artifacts of every run). `force_destroy` is off: the apply fails at this destroy while the bucket holds objects",
    );
  });
});

describe("supply chain: tags and digests", () => {
  const digest = `sha256:${"ab".repeat(32)}`;
  test("a tag is a warning; an image the config pins by digest is shown as immutable and not flagged", () => {
    const base = compareDev(
      () => undefined,
      () => undefined,
    );
    const pinned = compareDev(
      () => undefined,
      (e) => (e.services = { images: { metadataService: `netflixoss/metaflow_metadata_service:v2.5.1@${digest}` } }),
    );
    const tagWarning = (r: typeof base) =>
      r.flags.filter((f) => f.section === "Supply chain" && /metaflow_metadata_service/.test(f.message)).map((f) => f.message);
    expect(tagWarning(base)).toEqual([
      "image us-central1-docker.pkg.dev/my-metaflow-project/metaflow-dev-docker-hub/netflixoss/metaflow_metadata_service:v2.5.1 is pinned by tag only: pinned for Terraform, mutable in the registry (a re-pushed tag runs other code on the next pull); pin a digest (image@sha256:...) to make it immutable",
    ]);
    expect(tagWarning(pinned)).toEqual([]);
    // Pulled through the Docker Hub cache, shown by its resolved path.
    const cached = "us-central1-docker.pkg.dev/my-metaflow-project/metaflow-dev-docker-hub/netflixoss/metaflow_metadata_service";
    expect(pinned.markdown).toContain(`| \`${cached}:v2.5.1@${digest}\` | digest \`${digest}\` (immutable) |`);
    // The other images stay tag-pinned, and shown so.
    expect(pinned.markdown).toMatch(/\| tag `v[\d.]+`: pinned for Terraform, mutable in the registry \|/);
  });
});

describe("npm run review (scripts/review.ts)", () => {
  // Bundled once, as scripts/run-ts.js does for `npm run review`, then run for each case.
  const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), "review-cli-"));
  tempDirs.push(bundleDir);
  const cli = path.join(bundleDir, "review.js");
  // scripts/build.js is plain CommonJS, as the synth entry loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
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

  test("each run leaves exactly its own reports: an earlier report of another environment is removed", () => {
    const out = synthToDir(defaultRawConfig());
    expect(run("--out", out).status).toBe(0);
    const dir = path.join(out, "review");
    fs.writeFileSync(path.join(dir, "notes.md"), "# Notes of a reviewer\n");
    const result = run("--out", out, "--env", "dev");
    expect(result.status).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(["dev.md", "notes.md"]);
    expect(result.stdout).toContain(`removed ${path.join(dir, "prod.md")}`);
  });

  test("--against and --env compare one environment; --strict exits 1 on a loud flag", () => {
    const before = synthToDir(devConfig());
    const after = synthToDir(devConfig((e) => (e.storage = { location: "EU" })));
    const plain = run("--out", after, "--against", before, "--env", "dev");
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/LOUD \[Change review\] DESTROYS google_storage_bucket: location "US-CENTRAL1" -> "EU"/);
    // The counts per stack, as the report's headings give them.
    expect(plain.stdout).toContain(
      [
        `  changes against ${before}:`,
        "    dev-infra: 0 added, 0 removed, 0 renamed, 1 changed (1 replaced)",
        "    dev-services: 0 added, 0 removed, 0 renamed, 0 changed (0 replaced)",
      ].join("\n"),
    );
    expect(fs.readFileSync(path.join(after, "review", "dev.md"), "utf8")).toContain(`Compared with \`${before}\`.`);
    expect(run("--out", after, "--against", before, "--strict").status).toBe(1);
  });

  test("--config's review.acknowledge entries mark warnings acknowledged; the summary counts them apart", () => {
    const out = synthToDir(devConfig());
    const config = path.join(out, "config.json");
    const acknowledge = [{ section: "Supply chain", flag: "image * is pinned by tag only*", reason: "digests come with the next release" }];
    fs.writeFileSync(config, JSON.stringify(devConfig((e) => (e.review = { acknowledge }))));
    // The config is written after the synth: what it changes is only what the review reads.
    const result = run("--out", out, "--config", config, "--allow-stale");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^dev: 0 loud, 5 warnings, 11 acknowledged -> /m);
    expect(fs.readFileSync(path.join(out, "review", "dev.md"), "utf8")).toContain("Reason: digests come with the next release");
  });

  test("a synth older than its config (a failed synth) is refused, or reviewed with a warning under --allow-stale", () => {
    // A copy: the synth cached for the other cases stays current.
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "review-stale-"));
    tempDirs.push(out);
    fs.cpSync(synthToDir(devConfig()), out, { recursive: true });
    const config = path.join(out, "stale-config.json");
    fs.writeFileSync(config, JSON.stringify(devConfig()));
    const past = new Date(Date.now() - 3_600_000);
    fs.utimesSync(path.join(out, "manifest.json"), past, past);
    const refused = run("--out", out, "--config", config);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(
      new RegExp(
        `^review: ${out} is older than ${config} \\(changed .* UTC, synthesized .* UTC\\): the last \`npm run synth\` failed or did not run since\\. Run \`npm run synth\` again, or pass --allow-stale`,
      ),
    );
    const allowed = run("--out", out, "--config", config, "--allow-stale");
    expect(allowed.status).toBe(0);
    expect(allowed.stderr).toMatch(/^review: WARNING .* is older than .*; reviewing it as it is \(--allow-stale\)\./);
    // The app's sources count too (the same rule as the synth entry's, scripts/app-inputs.js): with the synth older
    // than the newest file the app is built from, and the config older still, that file is named.
    const inputs: string[] = appInputs(ROOT);
    const newest = Math.max(...inputs.map((file) => fs.statSync(file).mtimeMs));
    const synthesized = new Date(newest - 60_000);
    const older = new Date(newest - 120_000);
    fs.utimesSync(path.join(out, "manifest.json"), synthesized, synthesized);
    fs.utimesSync(config, older, older);
    const source = run("--out", out, "--config", config).stderr.match(/^review: \S+ is older than (\S+) /)?.[1];
    expect(inputs.map((file) => path.relative(ROOT, file))).toContain(source);
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
