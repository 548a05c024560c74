// The cluster test's upgrade phase reviews the plan of this release over the previous release's state
// (scripts/cluster/upgrade.py review). Offline here, on plans shaped as `terraform show -json` writes them
// (resource_changes[].change: actions, before, after, after_unknown, replace_paths).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const UPGRADE = path.join(__dirname, "..", "scripts", "cluster", "upgrade.py");

const meta = (name: string, namespace?: string) => [{ name, ...(namespace ? { namespace } : {}) }];
const jobTemplate = (nodeSelector: Record<string, string>) => [
  {
    metadata: [{ labels: { app: "m" } }],
    spec: [{ node_selector: nodeSelector, active_deadline_seconds: 0, container: [{ image: "i:1" }] }],
  },
];
const job = (name: string, nodeSelector: Record<string, string>) => ({
  metadata: meta(name, "metaflow"),
  spec: [{ template: jobTemplate(nodeSelector) }],
});

type Change = { type: string; name?: string; actions: string[]; before: object; after?: object; replace_paths?: unknown[][] };

/** upgrade.py review on a plan of these changes: exit status and output. */
function review(changes: Change[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "upgrade-"));
  try {
    const plan = path.join(dir, "plan.json");
    const resource_changes = changes.map((c) => ({
      address: `${c.type}.${c.name ?? "x"}`,
      type: c.type,
      change: { actions: c.actions, before: c.before, after: c.after ?? c.before, after_unknown: {}, replace_paths: c.replace_paths },
    }));
    fs.writeFileSync(plan, JSON.stringify({ resource_changes }));
    const r = spawnSync("python3", [UPGRADE, "review", plan, path.join(dir, "rolls.json")], { encoding: "utf8" });
    return { status: r.status, out: r.stdout + r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const REPLACE = ["delete", "create"];

test("a Job replaced because its pod template changed passes, reported with the paths that changed", () => {
  const r = review([
    {
      type: "kubernetes_job_v1",
      actions: REPLACE,
      before: job("metaflow-db-migrations", {}),
      after: job("metaflow-db-migrations", { pool: "p" }),
      replace_paths: [["spec", 0, "template", 0, "spec", 0, "node_selector"]],
    },
  ]);
  expect(r.status).toBe(0);
  expect(r.out).toContain("metaflow/metaflow-db-migrations");
  expect(r.out).toContain("so it runs once more; changed: template[0].spec[0].node_selector.pool\n");
});

test("a Job replaced for anything besides its pod template fails, even when its template changed too", () => {
  const r = review([
    {
      type: "kubernetes_job_v1",
      actions: REPLACE,
      before: job("metaflow-db-migrations", {}),
      after: job("metaflow-db-migrations-renamed", { pool: "p" }),
      replace_paths: [
        ["spec", 0, "template", 0, "spec", 0, "node_selector"],
        ["metadata", 0, "name"],
      ],
    },
  ]);
  expect(r.status).toBe(1);
  expect(r.out).toContain(
    "metaflow/metaflow-db-migrations (kubernetes_job_v1.x): replaced (forced by spec.0.template.0.spec.0.node_selector, metadata.0.name); a Job may be replaced only",
  );
});

test.each([
  ["kubernetes_namespace_v1", REPLACE, { metadata: meta("argo") }, "kubernetes_namespace_v1 argo"],
  ["kubernetes_secret_v1", ["delete"], { metadata: meta("metaflow-db", "metaflow") }, "kubernetes_secret_v1 metaflow/metaflow-db"],
  ["kubernetes_persistent_volume_claim_v1", REPLACE, { metadata: meta("data", "metaflow") }, "persistent_volume_claim_v1 metaflow/data"],
  [
    "helm_release",
    REPLACE,
    { name: "metaflow-argo-events", namespace: "metaflow-events" },
    "helm_release metaflow-events/metaflow-argo-events",
  ],
  // From the change review's STATEFUL_TYPES (review/force-new.ts), which upgrade.py reads.
  ["google_sql_database_instance", ["delete"], { name: "db" }, "google_sql_database_instance"],
])("%s destroyed or replaced fails, named", (type, actions, before, named) => {
  const r = review([{ type, actions, before }]);
  expect(r.status).toBe(1);
  expect(r.out).toContain("error: the upgrade destroys or replaces what it must keep:");
  expect(r.out).toContain(named);
});

test("a stateless object replaced passes and is listed", () => {
  const r = review([
    { type: "kubernetes_role_binding_v1", actions: REPLACE, before: { metadata: meta("b", "argo") }, replace_paths: [["role_ref"]] },
    { type: "helm_release", actions: REPLACE, before: { name: "other", namespace: "n" } },
  ]);
  expect(r.status).toBe(0);
  expect(r.out).toContain("kubernetes_role_binding_v1 argo/b (kubernetes_role_binding_v1.x): replaced (forced by role_ref)");
  expect(r.out).toContain("no stateful object destroyed or replaced");
});
