// The rules of config/: each topic's field rules and schema (network.ts, cluster.ts, database.ts, ...), the rules
// across topics (checks.ts), across environments (collisions.ts) and of derived names (names.ts): one row per bad configuration.
import { parseConfig } from "../config";
import { parseJson } from "../config/errors";
import { REGION_ZONES } from "../config/regions";
import { devConfig, issuesOf } from "./helpers";

/** A second environment, `prod`, in dev's project: a copy of dev without its zone, then `mutate`d. */
function withProd(mutate: (prod: any, dev: any) => void) {
  return (dev: any, raw: any) => {
    const prod = JSON.parse(JSON.stringify(dev));
    delete prod.zone;
    prod.network = {
      subnetCidr: "10.110.0.0/20",
      podsCidr: "10.112.0.0/14",
      servicesCidr: "10.120.0.0/20",
      privateServiceAccessCidr: "10.130.0.0/20",
    };
    mutate(prod, dev);
    raw.environments.prod = prod;
  };
}

/** Dev in a Shared VPC (network.existing), with `fields` set and the network's other settings in `network`. */
const sharedVpc =
  (fields: object = {}, network: object = {}) =>
  (e: any) =>
    (e.network = {
      existing: {
        hostProject: "acme-net-host",
        network: "shared",
        subnetwork: "ml-us",
        podsRange: "pods",
        servicesRange: "svc",
        ...fields,
      },
      ...network,
    });

/** Dev as an Autopilot cluster (regional, no zone) with `cluster` set as well. */
const autopilot = (cluster: object) => (e: any) => {
  delete e.zone;
  e.cluster = { mode: "autopilot", regional: true, ...cluster };
};

/** A CPU pool `flows`, with `fields` set. */
const pool = (fields: object = {}) => ({ name: "flows", ...fields });

/** Autoscaling limits above any table machine type's five nodes, so a machine type is checked alone. */
const HUGE_LIMITS = { cpuLimits: { min: 1, max: 100000 }, memoryLimitsGb: { min: 1, max: 1000000 } };
const labels = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`label-${i}`, "x"]));
const networks = (n: number) => Array.from({ length: n }, (_, i) => ({ cidr: `203.0.${i}.0/24`, name: `net-${i}` }));

// Each row: what is wrong -> mutation of the single-environment config -> the field (in environment "dev" unless
// the row names another, "" for app-level fields) and the rule its message must state.
type Row = [string, (env: any, raw: any) => void, string, RegExp, string?];
const rows: Row[] = [
  // Regions and zones (config/regions.ts).
  [
    "a misspelt region",
    (e) => ((e.region = "us-cental1"), delete e.zone),
    "region",
    /not a GCP region in config\/regions.ts \(did you mean "us-central1"\?\)/,
  ],
  ["a region not in the table", (e) => ((e.region = "mars-north1"), delete e.zone), "region", /not a GCP region.*extraZones/],
  [
    "us-central1-d, a zone that does not exist",
    (e) => (e.zone = "us-central1-d"),
    "zone",
    /us-central1-a, us-central1-b, us-central1-c, us-central1-f/,
  ],
  [
    "us-east1-a (us-east1 has b, c, d)",
    (e) => ((e.region = "us-east1"), (e.zone = "us-east1-a")),
    "zone",
    /us-east1-b, us-east1-c, us-east1-d/,
  ],
  [
    "europe-west1-a (europe-west1 has b, c, d)",
    (e) => ((e.region = "europe-west1"), (e.zone = "europe-west1-a")),
    "zone",
    /europe-west1-b, europe-west1-c, europe-west1-d/,
  ],
  [
    "an extra zone outside its region",
    (_e, raw) => (raw.extraZones = { "us-west9": ["us-east1-b"] }),
    "extraZones.us-west9.0",
    /must be a zone of us-west9/,
    "",
  ],
  ["an extra region without zones", (_e, raw) => (raw.extraZones = { "us-west9": [] }), "extraZones.us-west9", />=1/, ""],
  ["a zone given to a regional cluster", (e) => (e.cluster = { regional: true }), "zone", /used only by a zonal cluster/],
  [
    "a bucket location that is no region",
    (e) => (e.storage = { location: "europe-wst1" }),
    "storage.location",
    /did you mean "europe-west1"/,
  ],
  [
    "a bucket location that is a continent's name",
    (e) => (e.storage = { location: "europe" }),
    "storage.location",
    /is not a Cloud Storage location \(did you mean "EU"\?\): a region of config\/regions.ts.*, a predefined dual-region \(ASIA1, EUR4, EUR5, EUR7, EUR8, NAM4\) or a multi-region \(ASIA, EU, US\)$/,
  ],
  ["a misspelt dual-region", (e) => (e.storage = { location: "NAM5" }), "storage.location", /\(did you mean "NAM4"\?\)/],
  ["a zone as bucket location", (e) => (e.storage = { location: "us-central1-a" }), "storage.location", /\(did you mean "us-central1"\?\)/],
  // Machine types (config/machine-types.ts).
  [
    "a misspelt machine type",
    (e) => (e.cluster = { machineType: "e2-standrad-4" }),
    "cluster.machineType",
    /is not a Compute Engine machine type in config\/machine-types.ts \(did you mean "e2-standard-4"\?\); a newer one goes under extraMachineTypes$/,
  ],
  [
    "a vCPU count the series does not offer",
    (e) => (e.cluster = { machineType: "e2-standard-6" }),
    "cluster.machineType",
    /: e2 \(general-purpose\) has e2-standard-<2\|4\|8\|16\|32>, e2-highmem-<2\|4\|8\|16>, e2-highcpu-<2\|4\|8\|16\|32>, e2-micro, e2-small, e2-medium, e2-custom-<vCPUs>-<MB>;/,
  ],
  [
    "a machine type in upper case",
    (e) => (e.cluster = { machineType: "N2-STANDARD-8" }),
    "cluster.machineType",
    /did you mean "n2-standard-8"/,
  ],
  [
    "a custom type of a series without custom types",
    (e) => (e.cluster = { machineType: "c2-custom-4-16384" }),
    "cluster.machineType",
    /c2 takes no custom machine types: e2, n1, n2, n2d and n4 do/,
  ],
  [
    "a series newer than the table",
    (e) => (e.cluster = { machineType: "x9-standard-4" }),
    "cluster.machineType",
    /is not a Compute Engine machine type in config\/machine-types.ts, which has no series "x9"; a newer one goes under extraMachineTypes$/,
  ],
  [
    "an extra machine type that is no machine type name",
    (_e, raw) => (raw.extraMachineTypes = ["C4 standard 8"]),
    "extraMachineTypes.0",
    /machine type names are lowercase letters, digits and hyphens/,
    "",
  ],
  // Duplicates in lists.
  [
    "the same flow runner twice",
    (e) => (e.identity = { flowRunners: ["user:a@example.com", "group:ml@example.com", "user:a@example.com"] }),
    "identity.flowRunners.2",
    /duplicates identity.flowRunners.0/,
  ],
  [
    "the same flow runner in another case",
    (e) => (e.identity = { flowRunners: ["user:a@example.com", "user:A@Example.com"] }),
    "identity.flowRunners.1",
    /duplicates identity.flowRunners.0/,
  ],
  [
    "an authorized network CIDR twice",
    (e) =>
      (e.cluster = {
        masterAuthorizedNetworks: [
          { cidr: "203.0.113.0/24", name: "a" },
          { cidr: "203.0.113.0/24", name: "b" },
        ],
      }),
    "cluster.masterAuthorizedNetworks.1.cidr",
    /duplicates cluster.masterAuthorizedNetworks.0.cidr/,
  ],
  [
    "an authorized network name twice",
    (e) =>
      (e.cluster = {
        masterAuthorizedNetworks: [
          { cidr: "203.0.113.0/24", name: "office" },
          { cidr: "198.51.100.0/24", name: "office" },
        ],
      }),
    "cluster.masterAuthorizedNetworks.1.name",
    /duplicates cluster.masterAuthorizedNetworks.0.name/,
  ],
  [
    "an Argo auth mode twice",
    (e) => (e.services = { argoWorkflows: { authModes: ["client", "client"] } }),
    "services.argoWorkflows.authModes.1",
    /each entry may appear only once/,
  ],
  // Names two environments would share.
  [
    "metaflow_admin created twice in one project",
    withProd((p, d) => (d.identity = p.identity = { createAdminRole: true })),
    "identity.createAdminRole",
    /custom role id "metaflow_admin" is also used by environment "dev"/,
    "prod",
  ],
  [
    "one bucket name in two environments",
    withProd((p) => (p.storage = { bucketName: "my-metaflow-project-metaflow-dev" })),
    "storage.bucketName",
    /also used by environment "dev".*unique in all of Cloud Storage/,
    "prod",
  ],
  [
    "one bucket name in two projects",
    withProd((p) => ((p.project = "other-project-1"), (p.storage = { bucketName: "my-metaflow-project-metaflow-dev" }))),
    "storage.bucketName",
    /unique in all of Cloud Storage/,
    "prod",
  ],
  [
    "one service account id in one project",
    withProd((p, d) => (d.identity = p.identity = { serviceAccountId: "metaflow-runner" })),
    "identity.serviceAccountId",
    /service account id "metaflow-runner" is also used by environment "dev"/,
    "prod",
  ],
  [
    "a service account id equal to another environment's node service account",
    withProd((p) => (p.identity = { serviceAccountId: "metaflow-dev-nodes" })),
    "identity.serviceAccountId",
    /also used by environment "dev" \(namePrefix\)/,
    "prod",
  ],
  [
    "an environment whose base name is another's node service account",
    (e, raw) =>
      (raw.environments.nodes = {
        ...e,
        zone: undefined,
        namePrefix: "metaflow-dev",
        network: {
          subnetCidr: "10.110.0.0/20",
          podsCidr: "10.112.0.0/14",
          servicesCidr: "10.120.0.0/20",
          privateServiceAccessCidr: "10.130.0.0/20",
        },
      }),
    "identity.serviceAccountId",
    /"metaflow-dev-nodes" is also used by environment "dev"/,
    "nodes",
  ],
  [
    "one cluster name in one project and location",
    withProd((p) => ((p.zone = "us-central1-a"), (p.cluster = { name: "metaflow-dev" }))),
    "cluster.name",
    /GKE cluster name "metaflow-dev" is also used by environment "dev".*location us-central1-a/,
    "prod",
  ],
  [
    "a state bucket that is a datastore bucket",
    (_e, raw) => (raw.stateBackend = { bucket: "my-metaflow-project-metaflow-dev" }),
    "stateBackend.bucket",
    /datastore bucket of environment "dev"/,
    "",
  ],
  // Unknown keys, with the closest valid key.
  [
    "a misspelt cluster field",
    (e) => (e.cluster = { machinType: "e2-standard-8" }),
    "cluster.machinType",
    /unknown key "machinType" \(did you mean "machineType"\?\)/,
  ],
  ["a misspelt top-level key", (_e, raw) => (raw.enviroments = {}), "enviroments", /did you mean "environments"\?/, ""],
  [
    "a misspelt Argo field",
    (e) => (e.services = { argoWorkflows: { chartVersoin: "0.47.5" } }),
    "services.argoWorkflows.chartVersoin",
    /did you mean "chartVersion"\?/,
  ],
  [
    "a misspelt state backend field",
    (_e, raw) => (raw.stateBackend = { bucket: "acme-state", prefx: "x" }),
    "stateBackend.prefx",
    /did you mean "prefix"\?/,
    "",
  ],
  ["an unknown key like no valid one", (e) => (e.zzzzzzzz = 1), "zzzzzzzz", /unknown key "zzzzzzzz"$/],
  [
    "the state backend inside an environment",
    (e) => (e.stateBackend = { bucket: "acme-state" }),
    "stateBackend",
    /unknown key "stateBackend": it belongs at the top level of the file, beside "environments"$/,
  ],
  [
    "a cluster setting at the environment's level",
    (e) => (e.machineType = "e2-standard-8"),
    "machineType",
    /unknown key "machineType": it belongs under "cluster" \(cluster.machineType\)$/,
  ],
  [
    "an environment setting at the top level",
    (_e, raw) => (raw.region = "europe-west1"),
    "region",
    /unknown key "region": it belongs in each environment \(environments.<name>.region\)$/,
    "",
  ],
  // Enum values, with the valid value that differs only in case or by a slip.
  [
    "a release channel in lower case",
    (e) => (e.cluster = { releaseChannel: "stable" }),
    "cluster.releaseChannel",
    /expected one of "RAPID"\|"REGULAR"\|"STABLE" \(did you mean "STABLE"\?\)$/,
  ],
  ["a misspelt cluster mode", (e) => (e.cluster = { mode: "autopilto" }), "cluster.mode", /\(did you mean "autopilot"\?\)$/],
  [
    "an enum value like no valid one",
    (e) => (e.identity = { flowRunnerAccess: "everything" }),
    "identity.flowRunnerAccess",
    /expected one of "namespace"\|"project"$/,
  ],
  // Settings Autopilot would ignore.
  ["machineType on Autopilot", autopilot({ machineType: "e2-standard-8" }), "cluster.machineType", /applies only to Standard clusters/],
  ["minNodes on Autopilot", autopilot({ minNodes: 2 }), "cluster.minNodes", /applies only to Standard clusters/],
  ["maxNodes on Autopilot", autopilot({ maxNodes: 9 }), "cluster.maxNodes", /applies only to Standard clusters/],
  ["diskSizeGb on Autopilot", autopilot({ diskSizeGb: 200 }), "cluster.diskSizeGb", /applies only to Standard clusters/],
  ["cpuLimits on Autopilot", autopilot({ cpuLimits: { min: 1, max: 10 } }), "cluster.cpuLimits", /applies only to Standard clusters/],
  [
    "memoryLimitsGb on Autopilot",
    autopilot({ memoryLimitsGb: { min: 1, max: 10 } }),
    "cluster.memoryLimitsGb",
    /applies only to Standard clusters/,
  ],
  [
    "a noncurrent-version retention without versioning",
    (e) => (e.storage = { versioning: false, noncurrentVersionRetentionDays: 7 }),
    "storage.noncurrentVersionRetentionDays",
    /only with storage.versioning true/,
  ],
  // Labels.
  ["a user label managed-by", (e) => (e.labels = { "managed-by": "me" }), "labels.managed-by", /label the app sets itself/],
  [
    "a user label metaflow-environment",
    (e) => (e.labels = { "metaflow-environment": "x" }),
    "labels.metaflow-environment",
    /label the app sets itself/,
  ],
  [
    "a user label goog-terraform-provisioned",
    (e) => (e.labels = { "goog-terraform-provisioned": "false" }),
    "labels.goog-terraform-provisioned",
    /label the app sets itself/,
  ],
  [
    "62 user labels (61 fit next to the app's 3)",
    (e) => (e.labels = labels(62)),
    "labels",
    /at most 64 labels, 3 of them the app's own: use at most 61/,
  ],
  ["an uppercase label key", (e) => (e.labels = { Team: "ml" }), "labels", /label keys must be 1-63/],
  ["a label key starting with a digit", (e) => (e.labels = { "1team": "ml" }), "labels", /starting with a lowercase letter/],
  ["a 64-character label key", (e) => (e.labels = { ["k".repeat(64)]: "ml" }), "labels", /label keys must be 1-63/],
  ["a 64-character label value", (e) => (e.labels = { team: "v".repeat(64) }), "labels.team", /label values must be at most 63/],
  ["an uppercase label value", (e) => (e.labels = { team: "ML" }), "labels.team", /label values/],
  ["a label value with a space", (e) => (e.labels = { team: "data science" }), "labels.team", /label values/],
  // Cloud SQL tiers.
  [
    "a predefined db-n1 tier (PostgreSQL takes custom tiers)",
    (e) => (e.database = { tier: "db-n1-standard-2" }),
    "database.tier",
    /db-custom-<vCPUs>-<MB>/,
  ],
  [
    "an odd vCPU count",
    (e) => (e.database = { tier: "db-custom-3-7680" }),
    "database.tier",
    /1 vCPU or an even number from 2 to 96, got 3/,
  ],
  ["more than 96 vCPUs", (e) => (e.database = { tier: "db-custom-98-400000" }), "database.tier", /even number from 2 to 96, got 98/],
  ["memory not a multiple of 256 MB", (e) => (e.database = { tier: "db-custom-2-7000" }), "database.tier", /multiple of 256 MB, got 7000/],
  ["less than 3840 MB", (e) => (e.database = { tier: "db-custom-1-3584" }), "database.tier", /at least 3840 MB/],
  ["more than 6.5 GB per vCPU", (e) => (e.database = { tier: "db-custom-2-13568" }), "database.tier", /3840-13312 MB for 2 vCPU/],
  ["less than 0.9 GB per vCPU", (e) => (e.database = { tier: "db-custom-16-14592" }), "database.tier", /14848-106496 MB for 16 vCPU/],
  // Node pools (config/node-pools.ts, config/accelerators.ts, config/checks.ts).
  [
    "a GPU that N1 does not take, on an E2 machine",
    (e) => (e.cluster = { nodePools: [pool(), pool({ name: "gpu", accelerator: { type: "nvidia-tesla-t4", count: 1 } })] }),
    "cluster.nodePools.1.accelerator",
    /nvidia-tesla-t4 attaches only to N1 machine types.*e2-standard-4 takes no GPU/,
  ],
  [
    "three T4s on an N1 machine",
    (e) =>
      (e.cluster = {
        nodePools: [pool(), pool({ name: "gpu", machineType: "n1-standard-8", accelerator: { type: "nvidia-tesla-t4", count: 3 } })],
      }),
    "cluster.nodePools.1.accelerator",
    /attaches 1, 2, 4 at a time to an N1 VM, not 3/,
  ],
  [
    "an L4 on an N1 machine",
    (e) =>
      (e.cluster = {
        nodePools: [pool(), pool({ name: "gpu", machineType: "n1-standard-8", accelerator: { type: "nvidia-l4", count: 1 } })],
      }),
    "cluster.nodePools.1.accelerator",
    /nvidia-l4 comes built into accelerator-optimized machine types \(such as g2-standard-4\)/,
  ],
  [
    "a G2 machine with another GPU count than it has",
    (e) =>
      (e.cluster = {
        nodePools: [pool(), pool({ name: "gpu", machineType: "g2-standard-24", accelerator: { type: "nvidia-l4", count: 1 } })],
      }),
    "cluster.nodePools.1.accelerator",
    /g2-standard-24 has 2 nvidia-l4 built in: set accelerator to \{ "type": "nvidia-l4", "count": 2 \}/,
  ],
  [
    "a T4 in a zone of its region the GPU zone table lacks (us-east1 has T4s in c and d)",
    (e) => (
      (e.region = "us-east1"),
      delete e.zone,
      (e.cluster = {
        nodePools: [pool(), pool({ name: "gpu", machineType: "n1-standard-4", accelerator: { type: "nvidia-tesla-t4", count: 1 } })],
      })
    ),
    "cluster.nodePools.1.accelerator.type",
    /is not offered in us-east1-b per config\/accelerator-zones.ts \(us-east1 offers it in us-east1-c, us-east1-d\); .*gcloud compute accelerator-types list --filter="zone:us-east1-b AND name:nvidia-tesla-t4".*add the zone to acceleratorZones\["nvidia-tesla-t4"\]/,
  ],
  [
    "a GPU in a region none of whose zones offers it",
    (e) => (
      (e.region = "europe-west1"),
      delete e.zone,
      (e.cluster = {
        nodePools: [pool(), pool({ name: "gpu", machineType: "a2-highgpu-1g", accelerator: { type: "nvidia-tesla-a100", count: 1 } })],
        ...HUGE_LIMITS,
      })
    ),
    "cluster.nodePools.1.accelerator.type",
    /is not offered in europe-west1-b per config\/accelerator-zones.ts \(no zone of europe-west1 offers it\)/,
  ],
  [
    "a GPU pool of a regional cluster without zones, in a region where a zone lacks its GPU (us-central1-f has no L4)",
    (e) => (
      delete e.zone,
      (e.cluster = {
        regional: true,
        nodePools: [pool(), pool({ name: "gpu", machineType: "g2-standard-4", accelerator: { type: "nvidia-l4", count: 1 } })],
      })
    ),
    "cluster.nodePools.1.zones",
    /a GPU pool of a regional cluster must list its zones \(.*us-central1 offers it in us-central1-a, us-central1-b, us-central1-c\)/,
  ],
  [
    "a GPU pool of a regional cluster in a zone of the region without its GPU",
    (e) => (
      delete e.zone,
      (e.cluster = {
        regional: true,
        nodePools: [
          pool(),
          pool({
            name: "gpu",
            machineType: "g2-standard-4",
            accelerator: { type: "nvidia-l4", count: 1 },
            zones: ["us-central1-a", "us-central1-f"],
          }),
        ],
      })
    ),
    "cluster.nodePools.1.accelerator.type",
    /is not offered in us-central1-f per config\/accelerator-zones.ts \(us-central1 offers it in us-central1-a, us-central1-b, us-central1-c\)/,
  ],
  [
    "a pool zone of another region",
    (e) => (e.cluster = { nodePools: [pool({ zones: ["europe-west1-b"] })] }),
    "cluster.nodePools.0.zones",
    /must be a zone of the region us-central1/,
  ],
  [
    "a pool's min above its max",
    (e) => (e.cluster = { nodePools: [pool({ minNodes: 4, maxNodes: 2 })] }),
    "cluster.nodePools.0.minNodes",
    /must not exceed maxNodes \(2\)/,
  ],
  [
    "a pool named like the platform pool's suffix",
    (e) => (e.cluster = { nodePools: [pool({ name: "pool" })] }),
    "cluster.nodePools.0.name",
    /platform pool's suffix/,
  ],
  [
    "a pool machine type not in the table",
    (e) => (e.cluster = { nodePools: [pool({ machineType: "e2-standrad-4" })] }),
    "cluster.nodePools.0.machineType",
    /did you mean "e2-standard-4"/,
  ],
  [
    "a default pool that is not a pool",
    (e) => (e.cluster = { defaultPool: "cpu" }),
    "cluster.defaultPool",
    /must name a pool of cluster.nodePools \(flows\)/,
  ],
  [
    "a GPU pool as the default pool",
    (e) =>
      (e.cluster = {
        defaultPool: "flows",
        nodePools: [pool({ machineType: "g2-standard-4", accelerator: { type: "nvidia-l4", count: 1 } })],
      }),
    "cluster.defaultPool",
    /names a GPU pool/,
  ],
  ["nodePools on Autopilot", autopilot({ nodePools: [] }), "cluster.nodePools", /applies only to Standard clusters/],
  [
    "a pool name that makes the GKE name longer than 40",
    (e) => (e.cluster = { name: "c".repeat(30), nodePools: [pool({ name: "a-long-pool-name" })], defaultPool: "a-long-pool-name" }),
    "cluster.nodePools.0.name",
    /the derived GKE node pool name \(<cluster.name>-a-long-pool-name\) "c{30}-a-long-pool-name" breaks a rule/,
  ],
  [
    "a vCPU limit below the pools' maxima",
    (e) => (e.cluster = { cpuLimits: { min: 1, max: 30 } }),
    "cluster.cpuLimits.max",
    /below the 40 vCPUs of the node pools at their maxima \(platform 5 x 4 \+ flows 5 x 4\).*at least 40/,
  ],
  [
    "a memory limit below the pools' maxima, a GPU pool's memory counted",
    (e) =>
      (e.cluster = {
        memoryLimitsGb: { min: 1, max: 400 },
        nodePools: [
          pool(),
          pool({ name: "gpu", machineType: "a2-highgpu-1g", maxNodes: 3, accelerator: { type: "nvidia-tesla-a100", count: 1 } }),
        ],
      }),
    "cluster.memoryLimitsGb.max",
    /below the 415 GB of memory of the node pools at their maxima \(platform 5 x 16 GB \+ flows 5 x 16 GB \+ gpu 3 x 85 GB\)/,
  ],
  [
    "a pod range too small for the pools' maxima together",
    (e) => ((e.network = { podsCidr: "10.16.0.0/21" }), (e.cluster = { maxNodes: 3, nodePools: [pool({ maxNodes: 6 })] })),
    "network.podsCidr",
    /holds the pods of 8 nodes.*allow 9 at their maxima \(platform 3 \+ flows 6\)/,
  ],
  [
    "two pools of one name",
    (e) => (e.cluster = { nodePools: [pool(), pool({ machineType: "e2-standard-8" })] }),
    "cluster.nodePools.1.name",
    /duplicates cluster.nodePools.0.name/,
  ],
  // IP capacity and ranges.
  [
    "a pod range too small for maxNodes",
    (e) => ((e.network = { podsCidr: "10.16.0.0/21" }), (e.cluster = { maxNodes: 10 })),
    "network.podsCidr",
    /holds the pods of 8 nodes.*allow 15 at their maxima \(platform 10 \+ flows 5\)/,
  ],
  [
    "a pod range too small for a regional cluster",
    (e) => (delete e.zone, (e.network = { podsCidr: "10.16.0.0/20" }), (e.cluster = { regional: true, maxNodes: 10 })),
    "network.podsCidr",
    /16 nodes.*allow 45 at their maxima \(platform 30 \+ flows 15\)/,
  ],
  [
    "a node range too small for maxNodes",
    (e) => (e.network = { subnetCidr: "10.10.0.0/29" }),
    "network.subnetCidr",
    /has 4 node addresses, but the node pools allow 10 nodes \(platform 5 \+ flows 5\)/,
  ],
  // network.existing (config/network.ts, checks.ts).
  [
    "a host project equal to the project",
    sharedVpc({ hostProject: "my-metaflow-project" }),
    "network.existing.hostProject",
    /is the environment's own project/,
  ],
  [
    "a host project that is no project id",
    sharedVpc({ hostProject: "Acme_Host" }),
    "network.existing.hostProject",
    /must be a GCP project id/,
  ],
  [
    "one secondary range for pods and services",
    sharedVpc({ servicesRange: "pods" }),
    "network.existing.servicesRange",
    /must differ from podsRange/,
  ],
  [
    "an existing subnetwork without its pod range",
    sharedVpc({ podsRange: undefined }),
    "network.existing.podsRange",
    /missing \(required\)/,
  ],
  ["a subnetwork name that breaks RFC 1035", sharedVpc({ subnetwork: "ML_us" }), "network.existing.subnetwork", /RFC 1035/],
  ["a secondary range name that breaks RFC 1035", sharedVpc({ podsRange: "-pods" }), "network.existing.podsRange", /RFC 1035/],
  [
    "a webhook firewall mode that is neither",
    sharedVpc({ webhookFirewall: "none" }),
    "network.existing.webhookFirewall",
    /"existing"\|"create"/,
  ],
  ["a NAT mode that is neither", sharedVpc({ nat: "reuse" }), "network.existing.nat", /"existing"\|"create"/],
  [
    "a subnetwork range with an existing network",
    sharedVpc({}, { subnetCidr: "10.10.0.0/20" }),
    "network.subnetCidr",
    /a range the app would create, and network.existing uses the organisation's subnetwork/,
  ],
  ["a pod range with an existing network", sharedVpc({}, { podsCidr: "10.16.0.0/14" }), "network.podsCidr", /remove it/],
  ["a service range with an existing network", sharedVpc({}, { servicesCidr: "10.20.0.0/20" }), "network.servicesCidr", /remove it/],
  [
    "a private service access range the existing network's own peering replaces",
    sharedVpc({}, { privateServiceAccessCidr: "10.30.0.0/20" }),
    "network.privateServiceAccessCidr",
    /privateServiceAccess is "existing": remove it, or set privateServiceAccess to "create"/,
  ],
  [
    "a private service access range to create over the control plane's",
    sharedVpc({ privateServiceAccess: "create" }, { privateServiceAccessCidr: "172.16.0.0/20" }),
    "network.controlPlaneCidr",
    /must not overlap network.privateServiceAccessCidr \(172.16.0.0\/20\)/,
  ],
  [
    "an authorized network with host bits",
    (e) => (e.cluster = { masterAuthorizedNetworks: [{ cidr: "203.0.113.7/24", name: "office" }] }),
    "cluster.masterAuthorizedNetworks.0.cidr",
    /host bits must be zero: did you mean 203.0.113.0\/24/,
  ],
  [
    "an authorized network that is an address",
    (e) => (e.cluster = { masterAuthorizedNetworks: [{ cidr: "203.0.113.7", name: "office" }] }),
    "cluster.masterAuthorizedNetworks.0.cidr",
    /IPv4 CIDR/,
  ],
  [
    "51 authorized networks",
    (e) => (e.cluster = { masterAuthorizedNetworks: networks(51) }),
    "cluster.masterAuthorizedNetworks",
    /at most 50 authorized networks/,
  ],
  // IAM members.
  [
    "a whole domain as an impersonator",
    (e) => (e.identity = { impersonators: ["domain:example.com"] }),
    "identity.impersonators.0",
    /a whole domain must not act as the Metaflow service account/,
  ],
  [
    "an impersonator twice",
    (e) => (e.identity = { impersonators: ["serviceAccount:ci@p.iam.gserviceaccount.com", "serviceAccount:CI@p.iam.gserviceaccount.com"] }),
    "identity.impersonators.1",
    /duplicates identity.impersonators.0/,
  ],
  [
    "allUsers as an impersonator",
    (e) => (e.identity = { impersonators: ["allUsers"] }),
    "identity.impersonators.0",
    /allUsers and allAuthenticatedUsers must not be granted/,
  ],
  [
    "a user without an email",
    (e) => (e.identity = { flowRunners: ["user:alice"] }),
    "identity.flowRunners.0",
    /"user:" must be followed by an email address/,
  ],
  [
    "a group with a bad email",
    (e) => (e.identity = { flowRunners: ["group:ml@"] }),
    "identity.flowRunners.0",
    /"group:" must be followed by an email address/,
  ],
  [
    "a service account outside gserviceaccount.com",
    (e) => (e.identity = { flowRunners: ["serviceAccount:ci@example.com"] }),
    "identity.flowRunners.0",
    /end with .gserviceaccount.com/,
  ],
  [
    "a domain that is no domain name",
    (e) => (e.identity = { flowRunners: ["domain:localhost"] }),
    "identity.flowRunners.0",
    /"domain:" must be followed by a domain name/,
  ],
  [
    "two members in one string",
    (e) => (e.identity = { flowRunners: ["user:a@example.com,user:b@example.com"] }),
    "identity.flowRunners.0",
    /one IAM member per string/,
  ],
  [
    "a member with a space",
    (e) => (e.identity = { flowRunners: ["user: a@example.com"] }),
    "identity.flowRunners.0",
    /one IAM member per string/,
  ],
  [
    "a member type in the wrong case",
    (e) => (e.identity = { flowRunners: ["Group:ml@example.com"] }),
    "identity.flowRunners.0",
    /member types are case-sensitive: did you mean "group:ml@example.com"\?$/,
  ],
  [
    "a member without a type",
    (e) => (e.identity = { flowRunners: ["alice@example.com"] }),
    "identity.flowRunners.0",
    /needs its type before the email: "user:alice@example.com" for a person, "group:alice@example.com" for a Google group$/,
  ],
  [
    "a service account without its type",
    (e) => (e.identity = { flowRunners: ["ci@p.iam.gserviceaccount.com"] }),
    "identity.flowRunners.0",
    /did you mean "serviceAccount:ci@p.iam.gserviceaccount.com"\?$/,
  ],
  [
    "a domain flow runner with namespace access",
    (e) => (e.identity = { flowRunners: ["domain:example.com"] }),
    "identity.flowRunners.0",
    /with identity.flowRunnerAccess "namespace", flow runners must be user:, group: or serviceAccount: members \(Kubernetes RBAC cannot name a domain\)/,
  ],
  [
    "an unknown member type",
    (e) => (e.identity = { flowRunners: ["admin:a@example.com"] }),
    "identity.flowRunners.0",
    /must be an IAM member such as user:/,
  ],
  [
    "allAuthenticatedUsers",
    (e) => (e.identity = { flowRunners: ["allAuthenticatedUsers"] }),
    "identity.flowRunners.0",
    /must not be granted access/,
  ],
  [
    "a principal that is no pool identifier",
    (e) => (e.identity = { flowRunners: ["principal:alice"] }),
    "identity.flowRunners.0",
    /starting with \/\/iam.googleapis.com\//,
  ],
  // Derived names.
  [
    "a cluster name whose node pool name exceeds 40",
    (e) => (e.cluster = { name: "c".repeat(36) }),
    "cluster.name",
    /derived GKE node pool name .*"c{36}-pool".*1-40/,
  ],
  [
    "a name prefix whose node service account id exceeds 30",
    (e, raw) => (
      (raw.environments = { devtesting: e }),
      (e.namePrefix = "a".repeat(20)),
      (e.identity = { serviceAccountId: "metaflow-runner" })
    ),
    "namePrefix",
    /derived node service account id.*6-30/,
    "devtesting",
  ],
  [
    "a name prefix whose service account id exceeds 30",
    (e, raw) => ((raw.environments = { devtesting: e }), (e.namePrefix = "a".repeat(20))),
    "identity.serviceAccountId",
    /derived service account id "a{20}-devtesting".*6-30/,
    "devtesting",
  ],
  [
    "the namespace default",
    (e) => (e.services = { metaflowNamespace: "default" }),
    "services.metaflowNamespace",
    /every GKE cluster already has/,
  ],
  [
    "the namespace kube-system",
    (e) => (e.services = { argoNamespace: "kube-system" }),
    "services.argoNamespace",
    /every GKE cluster already has/,
  ],
  [
    "a kube- events namespace",
    (e) => (e.services = { eventsNamespace: "kube-public" }),
    "services.eventsNamespace",
    /every GKE cluster already has/,
  ],
  [
    "a gke- namespace",
    (e) => (e.services = { argoNamespace: "gke-managed-argo" }),
    "services.argoNamespace",
    /every GKE cluster already has/,
  ],
  [
    "the JobSet controller in the Argo namespace",
    (e) => (e.services = { jobsetNamespace: "argo" }),
    "services.jobsetNamespace",
    /must differ from services.argoNamespace/,
  ],
  [
    "a JobSet image pinned by digest, which the chart cannot take",
    (e) => (e.services = { jobset: { image: `registry.k8s.io/jobset/jobset:v0.12.0@sha256:${"a".repeat(64)}` } }),
    "services.jobset.image",
    /full version tag: the JobSet chart's image.repository and image.tag cannot carry a digest/,
  ],
  [
    "a JobSet image on a floating tag",
    (e) => (e.services = { jobset: { image: "registry.k8s.io/jobset/jobset:main" } }),
    "services.jobset.image",
    /not a full version/,
  ],
  ["the image cache switch as a string", (e) => (e.imageCache = { enabled: "yes" }), "imageCache.enabled", /boolean/],
  [
    "a misspelt image cache key",
    (e) => (e.imageCache = { enable: false }),
    "imageCache.enable",
    /unknown key "enable" \(did you mean "enabled"\?\)/,
  ],
  // Secret Manager (config/secrets.ts; overlaps across environments in config/collisions.ts).
  ["a secret prefix with a dot", (e) => (e.secrets = { prefix: "ml.team-" }), "secrets.prefix", /letters, digits, "_" or "-"/],
  ["a secret prefix that ends inside a word", (e) => (e.secrets = { prefix: "ml" }), "secrets.prefix", /ending in "-" or "_"/],
  ["an empty secret prefix (every secret)", (e) => (e.secrets = { prefix: "" }), "secrets.prefix", /must be 1-254/],
  [
    "a secret prefix that leaves no room for a name",
    (e) => (e.secrets = { prefix: `${"a".repeat(254)}-` }),
    "secrets.prefix",
    /Secret Manager ids take at most 255/,
  ],
  ["a misspelt secrets key", (e) => (e.secrets = { prefx: "ml-" }), "secrets.prefx", /did you mean "prefix"/],
  [
    "a secret prefix that covers another environment's",
    withProd((p, d) => ((d.secrets = { prefix: "ml-" }), (p.secrets = { prefix: "ml-prod-" }))),
    "secrets.prefix",
    /starts with "ml-", the secret prefix of environment "dev".*could then read this environment's secrets/,
    "prod",
  ],
  [
    "one secret prefix in two environments of a project",
    withProd((p, d) => (d.secrets = p.secrets = { prefix: "ml-" })),
    "secrets.prefix",
    /starts with "ml-", the secret prefix of environment "dev"/,
    "prod",
  ],
  // Alerts (config/alerts.ts).
  [
    "an alert email without @",
    (e) => (e.alerts = { emails: ["oncall-at-example.com"] }),
    "alerts.emails.0",
    /= "oncall-at-example.com": must be an email address/,
  ],
  [
    "an alert policy's name given as a notification channel",
    (e) => (e.alerts = { notificationChannels: ["projects/my-project/alertPolicies/123"] }),
    "alerts.notificationChannels.0",
    /= "projects\/my-project\/alertPolicies\/123": must be a notification channel's name: "projects\/<project>\/notificationChannels\/<numeric id>"/,
  ],
  [
    "a bare notification channel id",
    (e) => (e.alerts = { notificationChannels: ["1234567890"] }),
    "alerts.notificationChannels.0",
    /must be a notification channel's name/,
  ],
  [
    "a disk threshold above 100%",
    (e) => (e.alerts = { emails: ["oncall@example.com"], thresholds: { databaseDiskPercent: 150 } }),
    "alerts.thresholds.databaseDiskPercent",
    /= 150: .*<=100/,
  ],
  ["a misspelt alerts key", (e) => (e.alerts = { email: ["oncall@example.com"] }), "alerts.email", /did you mean "emails"/],
  [
    "one alert email twice (ignoring case)",
    (e) => (e.alerts = { emails: ["oncall@example.com", "OnCall@example.com"] }),
    "alerts.emails.1",
    /duplicates alerts.emails.0/,
  ],
];

describe("bad configurations", () => {
  test("the battery has at least 60 distinct rows", () => {
    expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThanOrEqual(60);
  });

  test.each(rows)("%s", (_name, mutate, field, rule, env = "dev") => {
    const issues = issuesOf(devConfig(mutate));
    const where = env === "" ? `field "${field}" ` : `environment "${env}", field "${field}" `;
    const line = issues.find((issue) => issue.startsWith(where) || (env === "" && issue.startsWith(`field "${field}" `)));
    if (line === undefined) throw new Error(`no issue for ${where}in:\n${issues.join("\n")}`);
    expect(line).toMatch(rule);
  });
});

describe("one line per problem", () => {
  test.each([["Group:ml@example.com"], ["alice@example.com"], ["domain:example.com"], ["principal:alice"]])(
    "a flow runner %s gets one line",
    (member) => {
      const issues = issuesOf(devConfig((e) => (e.identity = { flowRunners: [member] })));
      expect(issues.filter((i) => i.includes('field "identity.flowRunners.0"'))).toHaveLength(1);
    },
  );
});

describe("the configuration file", () => {
  test("invalid JSON is reported with its line and column", () => {
    expect(() => parseJson('{\n  "environments": {\n    "dev": { "project": "x", }\n  }\n}', "env.json")).toThrow(
      /env.json, line 3, column 30: invalid JSON/,
    );
  });

  test("a key given twice is refused with its line", () => {
    expect(() => parseJson('{\n  "environments": {},\n  "environments": {}\n}', "env.json")).toThrow(
      /env.json, line 3, column 3: duplicate key/,
    );
  });
});

describe("valid edge cases", () => {
  test("one secret prefix in environments of different projects: their conditions name different project numbers", () => {
    const raw = devConfig(withProd((p, d) => ((p.project = "other-project-1"), (d.secrets = p.secrets = { prefix: "ml-" }))));
    expect(parseConfig(raw).environments.map((e) => e.names.secretPrefix)).toEqual(["ml-", "ml-"]);
  });

  test("every region of the table defaults to its first zone", () => {
    for (const [region, letters] of Object.entries(REGION_ZONES)) {
      const [env] = parseConfig(devConfig((e) => ((e.region = region), delete e.zone))).environments;
      expect(env.zone).toBe(`${region}-${letters[0]}`);
    }
    const [east] = parseConfig(devConfig((e) => ((e.region = "us-east1"), delete e.zone))).environments;
    expect(east.zone).toBe("us-east1-b");
  });

  test("extraZones adds a region newer than the table, and its first zone is the default", () => {
    const raw = devConfig((e) => ((e.region = "us-west9"), delete e.zone));
    raw.extraZones = { "us-west9": ["us-west9-b", "us-west9-a"] };
    const [env] = parseConfig(raw).environments;
    expect(env).toMatchObject({ zone: "us-west9-b", cluster: { location: "us-west9-b" } });
  });

  test("bucket locations: a region in either case, a predefined dual-region, a multi-region, written in upper case", () => {
    const location = (l: string) => parseConfig(devConfig((e) => (e.storage = { location: l }))).environments[0].storage.location;
    expect([location("europe-west1"), location("EUROPE-WEST1"), location("eur4"), location("EU"), location("us")]).toEqual([
      "EUROPE-WEST1",
      "EUROPE-WEST1",
      "EUR4",
      "EU",
      "US",
    ]);
    const raw = devConfig((e) => (e.storage = { location: "us-west9" }));
    raw.extraZones = { "us-west9": ["us-west9-a"] };
    expect(parseConfig(raw).environments[0].storage.location).toBe("US-WEST9");
  });

  test("a region outside the table is reported once, on the region, when the bucket location is not set", () => {
    const issues = issuesOf(devConfig((e) => ((e.region = "mars-north1"), delete e.zone)));
    expect(issues.filter((i) => i.includes("storage.location"))).toEqual([]);
  });

  test("machine types of the table: predefined, shared-core, custom; and a newer one through extraMachineTypes", () => {
    const machine = (m: string, raw: any = {}) =>
      parseConfig({ ...devConfig((e) => (e.cluster = { machineType: m, ...HUGE_LIMITS })), ...raw }).environments[0].cluster.machineType;
    for (const m of [
      "e2-standard-4",
      "n2d-highcpu-224",
      "e2-micro",
      "g1-small",
      "custom-4-15360",
      "n2-custom-6-24576-ext",
      "c3-highmem-176",
    ]) {
      expect(machine(m)).toBe(m);
    }
    expect(machine("c4d-standard-8", { extraMachineTypes: ["c4d-standard-8"] })).toBe("c4d-standard-8");
  });

  test("Autopilot's unused default machine type is not checked", () => {
    expect(() => parseConfig(devConfig(autopilot({})))).not.toThrow();
  });

  test("extraZones adds a zone to a known region", () => {
    const raw = devConfig((e) => (e.zone = "us-central1-z"));
    raw.extraZones = { "us-central1": ["us-central1-z"] };
    expect(parseConfig(raw).environments[0].zone).toBe("us-central1-z");
  });

  test("GPU pools in zones of config/accelerator-zones.ts need no acceleratorZones: zonal, and regional with or without zones", () => {
    const gpu = (fields: object) => pool({ name: "gpu", maxNodes: 2, ...fields });
    const t4 = { machineType: "n1-standard-4", accelerator: { type: "nvidia-tesla-t4", count: 1 } };
    const l4 = { machineType: "g2-standard-4", accelerator: { type: "nvidia-l4", count: 1 } };
    const zonal = parseConfig(devConfig((e) => (e.cluster = { nodePools: [pool(), gpu(t4)] }))).environments[0];
    expect(zonal.cluster.location).toBe("us-central1-a");
    // us-central1-f has T4s but no L4: the L4 pool names zones that have them; every zone has T4s, so GKE may pick.
    const regional = devConfig(
      (e) => (
        delete e.zone,
        (e.cluster = { regional: true, nodePools: [pool(), gpu({ ...l4, zones: ["us-central1-a", "us-central1-b"] })] })
      ),
    );
    expect(parseConfig(regional).environments[0].cluster.nodePools[1].zones).toEqual(["us-central1-a", "us-central1-b"]);
    const anyZone = devConfig((e) => (delete e.zone, (e.cluster = { regional: true, nodePools: [pool(), gpu(t4)] })));
    expect(parseConfig(anyZone).environments[0].cluster.nodePools[1].zones).toBeUndefined();
  });

  test("acceleratorZones adds a zone the GPU zone table lacks (a T4 in us-east1-b)", () => {
    const raw = devConfig(
      (e) => (
        (e.region = "us-east1"),
        delete e.zone,
        (e.cluster = {
          nodePools: [pool(), pool({ name: "gpu", machineType: "n1-standard-4", accelerator: { type: "nvidia-tesla-t4", count: 1 } })],
        })
      ),
    );
    raw.acceleratorZones = { "nvidia-tesla-t4": ["us-east1-b"] };
    expect(parseConfig(raw).environments[0].cluster.location).toBe("us-east1-b");
  });

  test("two environments may share a project when their names differ, and a cluster name in another location", () => {
    const raw = devConfig(
      withProd((p) => ((p.cluster = { name: "metaflow-dev", regional: true }), (p.identity = { createAdminRole: true }))),
    );
    expect(parseConfig(raw).environments.map((e) => e.cluster.location)).toEqual(["us-central1-a", "us-central1"]);
  });

  test("Autopilot accepts the settings it uses", () => {
    const raw = devConfig(autopilot({ releaseChannel: "STABLE", masterAuthorizedNetworks: [{ cidr: "203.0.113.0/24", name: "office" }] }));
    expect(parseConfig(raw).environments[0].names.nodePool).toBeUndefined();
  });

  test("international label keys and values, and empty values, are valid labels", () => {
    expect(parseConfig(devConfig((e) => (e.labels = { équipe: "données", チーム: "", team: "" }))).environments[0].labels).toHaveProperty(
      "équipe",
    );
  });
});
