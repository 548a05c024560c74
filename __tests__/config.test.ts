import { ConfigError, parseConfig } from "../config";
import { defaultRawConfig, devConfig } from "./helpers";

function configError(raw: unknown): ConfigError {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected the configuration to be rejected");
}

describe("the example configuration (examples/environments.json)", () => {
  const config = parseConfig(defaultRawConfig());

  test("has dev and prod", () => {
    expect(config.environments.map((e) => e.name)).toEqual(["dev", "prod"]);
  });

  test("derives names and locations from the environment", () => {
    const dev = config.environments[0];
    expect(dev.zone).toBe("us-central1-a");
    expect(dev.cluster).toMatchObject({ location: "us-central1-a", mode: "standard" });
    expect(dev.storage).toMatchObject({ location: "US-CENTRAL1", prefix: "metaflow" });
    expect(dev.identity).toMatchObject({ createKey: false, impersonators: [] });
    expect(dev.names).toEqual({
      bucket: "my-metaflow-project-metaflow-dev",
      serviceAccount: "metaflow-dev",
      nodeServiceAccount: "metaflow-dev-nodes",
      cluster: "metaflow-dev",
      nodePool: "metaflow-dev-pool",
      nodePools: { flows: "metaflow-dev-flows" },
      sqlInstancePrefix: "metaflow-dev-pg",
      vpc: "metaflow-dev-vpc",
      subnetwork: "metaflow-dev-subnet",
      privateServiceAccess: "metaflow-dev-psa",
      router: "metaflow-dev-router",
      nat: "metaflow-dev-nat",
      adminRole: undefined,
      ci: undefined,
      imageCaches: { dockerHub: "metaflow-dev-docker-hub", quay: "metaflow-dev-quay" },
      flowImages: "metaflow-dev-images",
      secretPrefix: "metaflow-dev-",
      secretCreatorRole: "metaflow_dev_secret_create",
      webhookFirewall: "metaflow-dev-webhooks",
    });
    // Names live in `names` only: the slices keep what the user wrote.
    expect(dev.cluster.name).toBeUndefined();
    expect(dev.storage.bucketName).toBeUndefined();
    expect(dev.database).toMatchObject({ deletionProtection: true, version: "POSTGRES_16", availability: "ZONAL" });
    const prod = config.environments[1];
    expect(prod.cluster.location).toBe("us-central1");
    expect(prod.database.availability).toBe("REGIONAL");
  });

  test("keeps the state local unless a state bucket is set", () => {
    expect(config.stateBackend).toBeUndefined();
    const raw = defaultRawConfig();
    raw.stateBackend = { bucket: "acme-terraform-state" };
    expect(parseConfig(raw).stateBackend).toEqual({ bucket: "acme-terraform-state", prefix: "metaflow-gcp" });
  });
});

// Each row: what is wrong -> the field and the rule the message must name.
const badConfigs: [string, (env: any, raw: any) => void, string, RegExp][] = [
  ["project id with uppercase", (e) => (e.project = "My-Project"), "project", /GCP project id/],
  ["project id too short", (e) => (e.project = "abc"), "project", /6-30/],
  ["missing project", (e) => delete e.project, "project", /= \(not set\): missing \(required\)/],
  ["zone outside the region", (e) => (e.zone = "europe-west1-b"), "zone", /zone of the region us-central1/],
  ["malformed region", (e) => (e.region = "uscentral"), "region", /GCP region/],
  ["CIDR that is not a CIDR", (e) => (e.network = { subnetCidr: "10.0.0/20" }), "network.subnetCidr", /IPv4 CIDR/],
  ["CIDR with host bits", (e) => (e.network = { subnetCidr: "10.10.0.1/20" }), "network.subnetCidr", /host bits must be zero/],
  ["public CIDR", (e) => (e.network = { subnetCidr: "8.8.0.0/20" }), "network.subnetCidr", /private range/],
  [
    "pod range overlapping the subnetwork",
    (e) => (e.network = { podsCidr: "10.8.0.0/13" }),
    "network.podsCidr",
    /overlap network.subnetCidr/,
  ],
  [
    "service range overlapping the pod range",
    (e) => (e.network = { servicesCidr: "10.17.0.0/20" }),
    "network.servicesCidr",
    /overlap network.podsCidr/,
  ],
  [
    "private service access range overlapping",
    (e) => (e.network = { privateServiceAccessCidr: "10.10.0.0/16" }),
    "network.privateServiceAccessCidr",
    /overlap network.subnetCidr/,
  ],
  ["control plane not a /28", (e) => (e.network = { controlPlaneCidr: "172.16.0.0/24" }), "network.controlPlaneCidr", /must be \/28/],
  ["service range too large", (e) => (e.network = { servicesCidr: "10.20.0.0/12" }), "network.servicesCidr", /between \/16 and \/27/],
  ["bucket name with uppercase", (e) => (e.storage = { bucketName: "Metaflow-Data" }), "storage.bucketName", /lowercase/],
  ["bucket name starting with goog", (e) => (e.storage = { bucketName: "googdata-metaflow" }), "storage.bucketName", /goog/],
  ["bucket name containing google", (e) => (e.storage = { bucketName: "my-google-data" }), "storage.bucketName", /google/],
  ["bucket name too long", (e) => (e.storage = { bucketName: "a".repeat(64) }), "storage.bucketName", /3-63/],
  ["derived bucket name breaking a rule", (e) => (e.project = "goog-analytics-1"), "storage.bucketName", /must not start with "goog"/],
  ["service account id too short", (e) => (e.identity = { serviceAccountId: "mf" }), "identity.serviceAccountId", /6-30/],
  [
    "service account id with underscore",
    (e) => (e.identity = { serviceAccountId: "metaflow_runner" }),
    "identity.serviceAccountId",
    /lowercase letters, digits and hyphens/,
  ],
  ["node pool min above max", (e) => (e.cluster = { minNodes: 6, maxNodes: 3 }), "cluster.minNodes", /must not exceed cluster.maxNodes/],
  ["cpu limits inverted", (e) => (e.cluster = { cpuLimits: { min: 10, max: 2 } }), "cluster.cpuLimits.min", /must not exceed/],
  ["zonal Autopilot", (e) => (e.cluster = { mode: "autopilot" }), "cluster.regional", /Autopilot clusters are always regional/],
  ["cluster name too long", (e) => (e.cluster = { name: "c".repeat(41) }), "cluster.name", /1-40/],
  ["unknown database tier", (e) => (e.database = { tier: "db-huge" }), "database.tier", /Cloud SQL Enterprise tier/],
  ["unsupported PostgreSQL version", (e) => (e.database = { version: "POSTGRES_9_6" }), "database.version", /POSTGRES_15|POSTGRES_16/],
  ["backup time not HH:MM", (e) => (e.database = { backupStartTime: "3am" }), "database.backupStartTime", /HH:MM/],
  ["name prefix with uppercase", (e) => (e.namePrefix = "Metaflow"), "namePrefix", /lowercase/],
  ["public flow runner", (e) => (e.identity = { flowRunners: ["allUsers"] }), "identity.flowRunners.0", /IAM member/],
  ["replicas as a string", (e) => (e.services = { replicas: "2" }), "services.replicas", /number/],
  ["misspelled field", (e) => (e.netwrk = {}), "netwrk", /unknown key "netwrk" \(did you mean "network"\?\)/],
  ["wrong shape for network", (e) => (e.network = "10.0.0.0/8"), "network", /object/],
  ["bad environment name", (_e, raw) => (raw.environments = { Dev: raw.environments.dev }), "environments", /"Dev": environment names/],
  ["state bucket name invalid", (_e, raw) => (raw.stateBackend = { bucket: "Bad_Bucket" }), "stateBackend.bucket", /lowercase/],
];

describe("bad input", () => {
  test.each(badConfigs)("%s", (_name, mutate, field, rule) => {
    const error = configError(devConfig(mutate));
    const line = error.issues.find((issue) => issue.includes(`field "${field}" `));
    expect(line).toBeDefined();
    expect(line).toMatch(rule);
    if (!field.startsWith("environments") && !field.startsWith("stateBackend")) expect(line).toMatch(/^environment "dev"/);
  });

  test("names the value that broke the rule", () => {
    const error = configError(devConfig((e) => (e.network = { podsCidr: "10.8.0.0/13" })));
    expect(error.message).toContain(
      'environment "dev", field "network.podsCidr" = "10.8.0.0/13": must not overlap network.subnetCidr (10.10.0.0/20)',
    );
  });

  test("reports every problem at once", () => {
    const error = configError(devConfig((e) => ((e.project = "X"), (e.cluster = { minNodes: 9, maxNodes: 2 }))));
    expect(error.issues.length).toBeGreaterThanOrEqual(2);
  });

  test("needs at least one environment", () => {
    expect(configError({ environments: {} }).message).toMatch(/at least one environment/);
  });
});
