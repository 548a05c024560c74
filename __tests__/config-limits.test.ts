// Valid configurations at the edges (longest names, most labels, every region's default zone): every name in the
// synthesized JSON is held to the limit GCP, Kubernetes or Helm documents for it, written here independently of
// the rules in config/ so a wrong rule there cannot hide a wrong name.
import { Testing } from "cdktf";
import * as os from "os";
import * as path from "path";
import { parseConfig } from "../config";
import { InfraStack } from "../stacks/infra-stack";
import { REGION_ZONES } from "../config/regions";
import { buildApp, devConfig } from "./helpers";

const RFC1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/; // Compute Engine resource names
const GKE_NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/; // clusters and node pools: 1-40
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_KEY = /^[\p{Ll}\p{Lo}\p{Lm}][\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}_-]{0,63}$/u;

/** The name fields of every resource type the app synthesizes, and their limits. */
const NAME_LIMITS: Record<string, [string, RegExp][]> = {
  google_compute_network: [["name", RFC1035]],
  google_compute_subnetwork: [["name", RFC1035]],
  google_compute_global_address: [["name", RFC1035]],
  google_compute_router: [["name", RFC1035]],
  google_compute_router_nat: [["name", RFC1035]],
  google_container_cluster: [["name", GKE_NAME]],
  google_container_node_pool: [["name", GKE_NAME]],
  google_service_account: [["account_id", /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/]], // 6-30
  google_storage_bucket: [["name", /^(?!goog)(?!.*g[o0]{2}gle)[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/]], // 3-63
  google_project_iam_custom_role: [["role_id", /^[a-zA-Z0-9_.]{3,64}$/]],
  google_sql_database: [["name", /^[a-z_][a-z0-9_]{0,62}$/]],
  google_sql_user: [["name", /^[a-z_][a-z0-9_]{0,62}$/]],
  helm_release: [["name", /^(?=.{1,53}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/]], // Helm release names: 53
};

/** Every name in a synthesized stack that breaks its limit, as "type.field = value". */
function badNames(json: any, projectOf: (r: any) => string): string[] {
  const bad: string[] = [];
  const check = (what: string, value: unknown, rule: RegExp | ((v: string) => boolean)) => {
    const ok = typeof value === "string" && (rule instanceof RegExp ? rule.test(value) : rule(value));
    if (!ok) bad.push(`${what} = ${JSON.stringify(value)}`);
  };
  for (const [type, resources] of Object.entries<Record<string, any>>(json.resource ?? {})) {
    for (const r of Object.values(resources)) {
      for (const [field, rule] of NAME_LIMITS[type] ?? []) check(`${type}.${field}`, r[field], rule);
      if (type === "google_sql_database_instance") {
        // "<prefix>-<6 hex digits>": "<project>:<instance>" at most 98 characters (Cloud SQL instance settings).
        const prefix = /^(.*)-\$\{random_id\.[^}]+\.hex\}$/.exec(r.name)?.[1];
        check(`${type}.name`, prefix, (p) => /^[a-z][-a-z0-9]*$/.test(p) && `${projectOf(r)}:${p}-xxxxxx`.length <= 98);
      }
      if (type.startsWith("kubernetes_") && r.metadata) {
        const rule = type === "kubernetes_namespace_v1" || type === "kubernetes_service_v1" ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
        check(`${type}.metadata.name`, r.metadata.name, rule);
      }
    }
  }
  const labels = json.provider?.google?.[0]?.default_labels;
  if (labels) {
    // The provider adds goog-terraform-provisioned to these; GCP allows 64 labels per resource.
    if (Object.keys(labels).length + 1 > 64) bad.push(`default_labels: ${Object.keys(labels).length} + 1 labels`);
    for (const [key, value] of Object.entries(labels)) {
      check("label key", key, LABEL_KEY);
      check(`label ${key}`, value, LABEL_VALUE);
    }
  }
  return bad;
}

const long = (c: string, n: number) => c.repeat(n);
const labels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`.padEnd(63, "k"), `v${i}`.padEnd(63, "v")]));

// Each row: an edge of what the config accepts -> the raw configuration.
const edges: [string, () => any][] = [
  [
    "the longest names and the most labels",
    () =>
      devConfig((e, raw) => {
        Object.assign(e, {
          project: `p${long("x", 28)}9`,
          namePrefix: long("n", 13),
          labels: labels(61),
          storage: { bucketName: long("b", 63) },
          cluster: {
            // 40 with the platform pool's suffix "-pool" and the flows pool's "-flows" less one.
            name: long("c", 34),
            masterAuthorizedNetworks: Array.from({ length: 50 }, (_, i) => ({ cidr: `198.51.${i}.0/24`, name: `n${i}` })),
          },
          identity: {
            serviceAccountId: long("s", 30),
            createAdminRole: true,
            flowRunners: [`user:${long("u", 60)}@example.com`, "domain:example.com"],
            flowRunnerAccess: "project",
          },
          services: { metaflowNamespace: long("m", 63), argoNamespace: long("a", 63) },
        });
        raw.environments = { [long("e", 10)]: e };
      }),
  ],
  ["the longest name prefix", () => devConfig((e, raw) => ((e.namePrefix = `m${long("x", 18)}9`), (raw.environments = { abc: e })))],
  ["an Autopilot cluster", () => devConfig((e) => (delete e.zone, (e.cluster = { mode: "autopilot", regional: true })))],
];

describe("valid edge configurations synthesize only names within their limits", () => {
  test("every region of the table, at its default zone", () => {
    // Only the infra stacks: names and locations live there, and 43 environments stay fast.
    const config = parseConfig(
      devConfig((e, raw) => {
        delete e.zone;
        raw.environments = Object.fromEntries(Object.keys(REGION_ZONES).map((region, i) => [`r${i}`, { ...e, region }]));
      }),
    );
    const app = Testing.app({ outdir: path.join(os.tmpdir(), "metaflow-gcp-tests") });
    expect(config.environments).toHaveLength(Object.keys(REGION_ZONES).length);
    for (const env of config.environments) {
      const json = JSON.parse(Testing.synth(new InfraStack(app, `${env.name}-infra`, { env, stateBackend: undefined })));
      expect(badNames(json, () => env.project)).toEqual([]);
      const cluster = Object.values<any>(json.resource.google_container_cluster)[0];
      expect(cluster.location).toBe(`${env.region}-${REGION_ZONES[env.region][0]}`);
    }
  });

  test.each(edges)("%s", (_name, raw) => {
    const { envs } = buildApp(raw());
    const [{ infra, services }] = envs;
    const project = (infra.node.children.find((c: any) => c.node.id === "google") as any).project;
    expect(badNames(JSON.parse(Testing.synth(infra)), () => project)).toEqual([]);
    expect(badNames(JSON.parse(Testing.synth(services)), () => project)).toEqual([]);
  });

  test("the limits catch a name that breaks them", () => {
    const json = {
      resource: { google_container_node_pool: { p: { name: `${long("c", 40)}-pool` } } },
      provider: { google: [{ default_labels: { Bad: "x" } }] },
    };
    expect(badNames(json, () => "p")).toEqual([`google_container_node_pool.name = "${long("c", 40)}-pool"`, 'label key = "Bad"']);
  });
});
