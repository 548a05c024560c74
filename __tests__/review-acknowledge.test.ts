// review.acknowledge: a team accepts a known warning in its config, with a reason; the report still lists it.
import { App } from "cdktf";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { addEnvironments } from "../stacks/app";
import { ConfigError, parseConfig } from "../config";
import { REVIEW_SECTIONS } from "../config/review";
import { loadSynthDir, reviewEnvironment, SECTIONS, summary } from "../review";
import { environments } from "../review/load";
import { devConfig } from "./helpers";

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "review-ack-"));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
const app = new App({ outdir });
addEnvironments(app, parseConfig(devConfig()));
app.synth();
const [dev] = environments(loadSynthDir(outdir));

const CLUSTER_VIEWER =
  "roles/container.clusterViewer on the whole project without a condition, for serviceAccount:metaflow-dev@my-metaflow-project.iam.gserviceaccount.com";

function reviewWith(acknowledge: unknown) {
  // The entries go through the config's schema, as `npm run review` reads them.
  const config = parseConfig(devConfig((e) => (e.review = { acknowledge })));
  return reviewEnvironment(dev, { acknowledge: { dev: config.environments[0].review.acknowledge } });
}

test("an acknowledged warning stays in the report, marked with its reason, and is counted apart", () => {
  const plain = reviewEnvironment(dev, {});
  const r = reviewWith([{ section: "Access", flag: CLUSTER_VIEWER, reason: "flow runners fetch cluster credentials" }]);
  const acked = r.flags.filter((f) => f.acknowledged !== undefined);
  expect(acked.map((f) => f.message)).toEqual([CLUSTER_VIEWER]);
  expect(r.flags).toHaveLength(plain.flags.length);
  expect(r.markdown).toContain(
    `- ✔️ acknowledged: ${CLUSTER_VIEWER} (\`dev-infra/identity/sa-container-cluster-viewer\`). Reason: flow runners fetch cluster credentials`,
  );
  expect(r.markdown).toContain("| Access | 0 | 4 | 1 |");
  expect(summary([r], () => "dev.md")).toBe("dev: 0 loud, 15 warnings, 1 acknowledged -> dev.md");
});

test("* stands for any text: one entry accepts every tag-pinned image of a registry path", () => {
  const r = reviewWith([
    { section: "Supply chain", flag: "image */metaflow-dev-quay/argoproj/* is pinned by tag only*", reason: "Argo is pinned by chart" },
  ]);
  const acked = r.flags.filter((f) => f.acknowledged !== undefined).map((f) => f.message);
  expect(acked.length).toBeGreaterThanOrEqual(4);
  expect(acked.every((m) => m.includes("/metaflow-dev-quay/argoproj/"))).toBe(true);
  // The tables say so too.
  expect(r.markdown).toContain("✔️ acknowledged: tag only (mutable in the registry)");
});

test("a loud flag cannot be acknowledged, and an entry that matches nothing is a warning of its own", () => {
  const bad = clone(dev);
  // A bucket that anyone may read: a loud Access flag.
  const infra = bad.stacks[0];
  const body = { bucket: "b", role: "roles/storage.objectViewer", member: "allUsers" };
  infra.resources.push({
    ...infra.resources[0],
    type: "google_storage_bucket_iam_member",
    name: "open",
    address: "google_storage_bucket_iam_member.open",
    body,
  });
  const config = parseConfig(
    devConfig(
      (e) =>
        (e.review = {
          acknowledge: [
            { section: "Access", flag: "public principal allUsers*", reason: "public on purpose" },
            { section: "Supply chain", flag: "image docker.io/nothing:1 is pinned by tag only*", reason: "gone" },
            // Not compared: the Change review raises nothing, and its entries are not reported unused.
            { section: "Change review", flag: "google_sql_database_instance: database_version*", reason: "upgrade planned" },
          ],
        }),
    ),
  );
  const r = reviewEnvironment(bad, { acknowledge: { dev: config.environments[0].review.acknowledge } });
  const loud = r.flags.filter((f) => f.severity === "loud");
  expect(loud.length).toBeGreaterThan(0);
  expect(loud.every((f) => f.acknowledged === undefined)).toBe(true);
  expect(r.flags.filter((f) => f.section === "Acknowledgements").map((f) => f.message)).toEqual([
    '[Access] "public principal allUsers*" matches only loud flags, which cannot be acknowledged: fix what they report',
    '[Supply chain] "image docker.io/nothing:1 is pinned by tag only*" matches no warning of this review: remove it, or correct its text',
  ]);
  expect(r.markdown).toContain("| Acknowledgements | 0 | 2 | 0 |");
});

test.each([
  [{ section: "Access", flag: "*clusterViewer*", reason: "x" }, 'field "review.acknowledge.0.flag"'],
  [{ section: "Access", flag: CLUSTER_VIEWER, reason: " " }, 'field "review.acknowledge.0.reason"'],
  [{ section: "Acess", flag: CLUSTER_VIEWER, reason: "x" }, 'field "review.acknowledge.0.section"'],
  [{ section: "Access", flag: CLUSTER_VIEWER }, 'field "review.acknowledge.0.reason"'],
])("the schema refuses %j", (entry, field) => {
  const parse = () => parseConfig(devConfig((e) => (e.review = { acknowledge: [entry] })));
  expect(parse).toThrow(ConfigError);
  expect(parse).toThrow(`environment "dev", ${field}`);
});

test("the config's section names are the report's", () => {
  const titles = SECTIONS.map((s) => s.build({ env: dev, acknowledge: (f) => f }).title);
  expect(titles).toEqual([...REVIEW_SECTIONS]);
});

function clone<T extends { stacks: unknown[] }>(env: T): T {
  return { ...env, stacks: env.stacks.map((s) => ({ ...(s as object), resources: [...(s as { resources: unknown[] }).resources] })) } as T;
}
