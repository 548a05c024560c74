// The app's one configuration schema: every environment, its defaults and the rules GCP enforces.
// A bad value fails here, before any stack is built, so a failed synth writes nothing.
import * as fs from "fs";
import { z } from "zod";
import { crossEnvironmentIssues, environmentIssues, MAX_AUTHORIZED_NETWORKS } from "./config-checks";
import { ConfigError, describe, didYouMean, Issue, parseJson, zodIssueLines } from "./config-errors";
import { networkNames, nodePoolName } from "./names";
import { REGION_ZONES, zonesOf } from "./regions";
import { DEFAULTS } from "./defaults";
import * as rules from "./rules";
import { ServicesConfigSchema } from "./services-config";

export { ConfigError } from "./config-errors";

const NetworkSchema = z
  .object({
    /** Primary range of the subnetwork (GKE nodes). @default "10.10.0.0/20" */
    subnetCidr: rules.cidr(8, 29, "the subnetwork range").default("10.10.0.0/20"),
    /** Secondary range for GKE pods. @default "10.16.0.0/14" */
    podsCidr: rules.cidr(9, 24, "the pod range").default("10.16.0.0/14"),
    /** Secondary range for GKE services. @default "10.20.0.0/20" */
    servicesCidr: rules.cidr(16, 27, "the service range").default("10.20.0.0/20"),
    /** Range reserved for private service access (Cloud SQL's private IP). @default "10.30.0.0/20" */
    privateServiceAccessCidr: rules
      .cidr(8, 24, "the private service access range")
      .default("10.30.0.0/20"),
    /** Range of the GKE control plane's private endpoint; GKE requires a /28. @default "172.16.0.0/28" */
    controlPlaneCidr: rules.cidr(28, 28, "the control-plane range").default("172.16.0.0/28"),
  })
  .strict();

const DatabaseSchema = z
  .object({
    /** PostgreSQL major version. @default "POSTGRES_16" */
    version: z.enum(["POSTGRES_15", "POSTGRES_16"]).default(DEFAULTS.database.version),
    /** Machine tier (Enterprise edition). @default "db-custom-1-3840" */
    tier: rules.sqlTier.default(DEFAULTS.database.tier),
    /** ZONAL, or REGIONAL for a standby in a second zone. @default "ZONAL" */
    availability: z.enum(["ZONAL", "REGIONAL"]).default(DEFAULTS.database.availability),
    /** Initial disk size; the disk grows automatically. @default 10 */
    diskSizeGb: z.number().int().min(10).max(65536).default(DEFAULTS.database.diskSizeGb),
    /** Daily backup start time (UTC, HH:MM). @default "03:00" */
    backupStartTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a UTC time as HH:MM")
      .default(DEFAULTS.database.backupStartTime),
    /** Automated backups kept. @default 7 */
    retainedBackups: z.number().int().min(1).max(365).default(DEFAULTS.database.retainedBackups),
    /** Days of write-ahead log kept for point-in-time recovery. @default 7 */
    pitrDays: z.number().int().min(1).max(7).default(DEFAULTS.database.pitrDays),
    /** Protects the instance from deletion by Terraform and by the Cloud SQL API. @default true */
    deletionProtection: z.boolean().default(true),
    /** Bump to create a new instance under a new name (GCP blocks a deleted instance's name for a week). @default 1 */
    generation: z.number().int().min(1).default(DEFAULTS.database.generation),
  })
  .strict();

const StorageSchema = z
  .object({
    /** Bucket name, globally unique. @default "<project>-metaflow-<env>" */
    bucketName: rules.bucketName.optional(),
    /** Bucket location: a region, dual-region or multi-region. @default the environment's region */
    location: z
      .string()
      .regex(/^[A-Za-z]+(-[A-Za-z]+[0-9]+)?([0-9]+)?$/, "must be a Cloud Storage location such as US, EU or europe-west1")
      .optional(),
    /** Path below the bucket where Metaflow keeps its datastore. @default "metaflow" */
    prefix: rules.objectPrefix.default(DEFAULTS.storage.prefix),
    /** Keep deleted and overwritten objects as noncurrent versions. @default true */
    versioning: z.boolean().default(true),
    /** Delete noncurrent versions after this many days. @default 30 */
    noncurrentVersionRetentionDays: z.number().int().min(1).default(DEFAULTS.storage.noncurrentVersionRetentionDays),
    /** Delete objects older than this many days; unset keeps them forever. @default undefined */
    deleteAfterDays: z.number().int().min(1).optional(),
    /** Let `terraform destroy` delete a bucket that still holds objects. @default false */
    forceDestroy: z.boolean().default(false),
  })
  .strict();

const ClusterSchema = z
  .object({
    /** GKE cluster name. @default "<namePrefix>-<env>" */
    name: rules.clusterName.optional(),
    /** "standard" (node pool managed here) or "autopilot". @default "standard" */
    mode: z.enum(["standard", "autopilot"]).default("standard"),
    /** A regional cluster (control plane and nodes in three zones) rather than a zonal one. @default false */
    regional: z.boolean().default(false),
    /** GKE release channel. @default "REGULAR" */
    releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).default(DEFAULTS.cluster.releaseChannel),
    /** Node machine type. @default "e2-standard-4" */
    machineType: z
      .string()
      .regex(/^[a-z][a-z0-9]*-[a-z0-9-]+$/, "must be a Compute Engine machine type such as e2-standard-4")
      .default(DEFAULTS.cluster.machineType),
    /** Boot disk size of each node. @default 100 */
    diskSizeGb: z.number().int().min(10).max(65536).default(DEFAULTS.cluster.diskSizeGb),
    /** Smallest node count of the node pool (per zone). @default 1 */
    minNodes: z.number().int().min(0).default(DEFAULTS.cluster.minNodes),
    /** Largest node count of the node pool (per zone). @default 5 */
    maxNodes: z.number().int().min(1).max(1000).default(DEFAULTS.cluster.maxNodes),
    /** Cluster-wide autoscaling limits on vCPUs. @default { min: 1, max: 200 } */
    cpuLimits: z
      .object({ min: z.number().int().min(0), max: z.number().int().min(1) })
      .strict()
      .default(DEFAULTS.cluster.cpuLimits),
    /** Cluster-wide autoscaling limits on memory, in GB. @default { min: 2, max: 400 } */
    memoryLimitsGb: z
      .object({ min: z.number().int().min(0), max: z.number().int().min(1) })
      .strict()
      .default(DEFAULTS.cluster.memoryLimitsGb),
    /**
     * How users and Terraform reach the control plane from outside the VPC. "dns": GKE's DNS-based endpoint, gated
     * by IAM, with the IP endpoint closed to all but masterAuthorizedNetworks. "ip": the public IP endpoint, open to
     * masterAuthorizedNetworks, or to any IP when that list is empty (authentication still required). @default "dns"
     */
    controlPlaneEndpoint: z.enum(["dns", "ip"]).default(DEFAULTS.cluster.controlPlaneEndpoint),
    /**
     * Google Groups for RBAC: the group `gke-security-groups@<your domain>` that holds the groups RBAC may name.
     * @default "gke-security-groups@<domain>" when identity.flowRunners lists groups of one domain
     */
    securityGroup: z
      .string()
      .regex(/^gke-security-groups@[a-z0-9.-]+\.[a-z]{2,}$/, "must be gke-security-groups@<your domain>: GKE looks for that exact group name")
      .optional(),
    /** Networks allowed to reach the control plane's IP endpoint. @default [] */
    masterAuthorizedNetworks: z
      .array(
        z
          .object({
            cidr: rules.reducedCidr.refine(
              (c) => !c.endsWith("/0"),
              "would let any IP reach the control plane: list your networks, or leave the list empty with cluster.controlPlaneEndpoint \"dns\" (IAM-gated, no IP allow-list)",
            ),
            name: z.string().min(1),
          })
          .strict(),
      )
      .max(MAX_AUTHORIZED_NETWORKS, `GKE takes at most ${MAX_AUTHORIZED_NETWORKS} authorized networks`)
      .default([]),
    /** Protects the cluster from `terraform destroy`. @default true */
    deletionProtection: z.boolean().default(true),
  })
  .strict();

const IdentitySchema = z
  .object({
    /** Id of the Metaflow service account. @default "<namePrefix>-<env>" */
    serviceAccountId: rules.serviceAccountId.optional(),
    /** Create a key for the Metaflow service account (exposed as a sensitive output). @default true */
    createKey: z.boolean().default(true),
    /** Users, groups and service accounts who run flows; Storage Object Admin on the bucket. @default [] */
    flowRunners: z.array(rules.iamMember).default([]),
    /**
     * What flow runners (and the Metaflow service account) may do in the cluster. "namespace": fetch cluster
     * credentials (Kubernetes Engine Cluster Viewer) and, through Kubernetes RBAC, run jobs, workflows and sensors
     * in the jobs namespace only. "project": Kubernetes Engine Developer on the whole project, which includes
     * reading every Secret of every cluster in it. @default "namespace"
     */
    flowRunnerAccess: z.enum(["namespace", "project"]).default(DEFAULTS.identity.flowRunnerAccess),
    /** Create the `metaflow_admin` custom role with the deployer's permissions. @default false */
    createAdminRole: z.boolean().default(false),
  })
  .strict();

export const EnvironmentSchema = z
  .object({
    /** GCP project id. */
    project: rules.projectId,
    /** Region of the network, database, bucket and a regional cluster. @default "us-central1" */
    region: rules.region.default("us-central1"),
    /** Zone of a zonal cluster, one of the region's zones. @default the region's first zone in lib/regions.ts */
    zone: rules.zone.optional(),
    /** Prefix of resource names. @default "metaflow" */
    namePrefix: rules.namePrefix.default("metaflow"),
    /** Labels added to every labelled resource. @default {} */
    labels: z.record(rules.labelKey, rules.labelValue).default({}),
    /** Enable the GCP APIs the platform needs (compute, container, sqladmin, ...). @default true */
    enableApis: z.boolean().default(true),
    network: NetworkSchema.prefault({}),
    database: DatabaseSchema.prefault({}),
    storage: StorageSchema.prefault({}),
    cluster: ClusterSchema.prefault({}),
    identity: IdentitySchema.prefault({}),
    services: ServicesConfigSchema.prefault({}),
  })
  .strict()
  .superRefine((env, ctx) => {
    const ranges = Object.entries(env.network).filter(([, value]) => rules.isCidr(value));
    ranges.forEach(([field, value], i) => {
      for (const [otherField, other] of ranges.slice(0, i)) {
        if (rules.cidrsOverlap(value, other)) {
          ctx.addIssue({
            code: "custom",
            path: ["network", field],
            message: `must not overlap network.${otherField} (${other})`,
          });
        }
      }
    });
    const c = env.cluster;
    if (c.minNodes > c.maxNodes) {
      ctx.addIssue({ code: "custom", path: ["cluster", "minNodes"], message: `must not exceed cluster.maxNodes (${c.maxNodes})` });
    }
    if (c.cpuLimits.min > c.cpuLimits.max) {
      ctx.addIssue({ code: "custom", path: ["cluster", "cpuLimits", "min"], message: "must not exceed cluster.cpuLimits.max" });
    }
    if (c.memoryLimitsGb.min > c.memoryLimitsGb.max) {
      ctx.addIssue({ code: "custom", path: ["cluster", "memoryLimitsGb", "min"], message: "must not exceed cluster.memoryLimitsGb.max" });
    }
    if (c.mode === "autopilot" && !c.regional) {
      ctx.addIssue({ code: "custom", path: ["cluster", "regional"], message: "Autopilot clusters are always regional: set cluster.regional to true" });
    }
    if (env.identity.flowRunnerAccess === "namespace") {
      env.identity.flowRunners.forEach((member, i) => {
        // Kubernetes RBAC names users, groups and service accounts by email; it has no notion of a domain.
        if (!/^(user|group|serviceAccount):/.test(member)) {
          ctx.addIssue({
            code: "custom",
            path: ["identity", "flowRunners", i],
            message: 'with identity.flowRunnerAccess "namespace", flow runners must be user:, group: or serviceAccount: members (Kubernetes RBAC cannot name a domain)',
          });
        }
      });
    }
    if (env.database.availability === "REGIONAL" && env.database.tier.match(/^db-(f1-micro|g1-small)$/)) {
      ctx.addIssue({ code: "custom", path: ["database", "tier"], message: "shared-core tiers cannot be REGIONAL" });
    }
  });

/** Where Terraform keeps state: a GCS bucket shared by the team, or local files when unset. */
const StateBackendSchema = z
  .object({
    /** Existing GCS bucket holding the state (versioned, uniform access). */
    bucket: rules.bucketName,
    /** Path prefix; each stack's state lives under `<prefix>/<stack>`. @default "metaflow-gcp" */
    prefix: rules.objectPrefix.default("metaflow-gcp"),
  })
  .strict();

export const AppConfigSchema = z
  .object({
    /** Path or URL of the JSON Schema that gives editors completion and inline errors. */
    $schema: z.string().optional(),
    stateBackend: StateBackendSchema.optional(),
    /** Zones of regions or zones newer than lib/regions.ts, e.g. { "us-west9": ["us-west9-a"] }. @default {} */
    extraZones: z
      .record(rules.region, z.array(rules.zone).min(1))
      .default({})
      .superRefine((extra, ctx) => {
        for (const [region, zones] of Object.entries(extra)) {
          zones.forEach((zone, i) => {
            if (!zone.startsWith(`${region}-`)) ctx.addIssue({ code: "custom", path: [region, i], message: `must be a zone of ${region}` });
          });
        }
      }),
    environments: z
      .record(
        z.string().regex(/^[a-z][a-z0-9]{0,9}$/, "environment names must be 1-10 lowercase letters or digits, starting with a letter"),
        EnvironmentSchema,
      )
      .refine((envs) => Object.keys(envs).length > 0, "at least one environment is required"),
  })
  .strict();

type ParsedEnvironment = z.infer<typeof EnvironmentSchema>;
type ParsedApp = z.infer<typeof AppConfigSchema>;

/** Every name an environment gives a GCP resource (printed by `npm run config`). */
export interface ResourceNames {
  readonly bucket: string;
  readonly serviceAccount: string;
  readonly nodeServiceAccount: string;
  readonly cluster: string;
  /** Undefined for Autopilot, which has no node pool of ours. */
  readonly nodePool?: string;
  /** Before the random suffix ("-" and 6 hex digits). */
  readonly sqlInstancePrefix: string;
  readonly vpc: string;
  readonly subnetwork: string;
  readonly privateServiceAccess: string;
  readonly router: string;
  readonly nat: string;
  /** Set when identity.createAdminRole is true. */
  readonly adminRole?: string;
}

/** One environment with every default and derived name filled in. */
export interface EnvironmentConfig extends ParsedEnvironment {
  /** The environment's name, e.g. "dev". */
  readonly name: string;
  readonly zone: string;
  readonly storage: ParsedEnvironment["storage"] & { bucketName: string; location: string };
  readonly cluster: ParsedEnvironment["cluster"] & { name: string; location: string; securityGroup?: string };
  readonly identity: ParsedEnvironment["identity"] & { serviceAccountId: string; nodeServiceAccountId: string };
  readonly database: ParsedEnvironment["database"] & { instanceNamePrefix: string };
  readonly names: ResourceNames;
}

export interface AppConfig {
  readonly stateBackend?: z.infer<typeof StateBackendSchema>;
  readonly environments: EnvironmentConfig[];
}

/** Fills in the zone and the derived names; `issues` collects a region or zone outside the table. */
function resolve(name: string, env: ParsedEnvironment, extraZones: ParsedApp["extraZones"], issues: Issue[]): EnvironmentConfig {
  const zones = zonesOf(env.region, extraZones);
  if (zones.length === 0) {
    const known = [...Object.keys(REGION_ZONES), ...Object.keys(extraZones)];
    issues.push({ env: name, field: "region", value: env.region, rule: `is not a GCP region in lib/regions.ts${didYouMean(env.region, known)}; for a newer region, list its zones under extraZones` });
  } else if (env.zone !== undefined && !zones.includes(env.zone)) {
    issues.push({ env: name, field: "zone", value: env.zone, rule: `must be a zone of the region ${env.region}: ${zones.join(", ")} (a newer zone goes under extraZones)` });
  }
  const location = env.storage.location ?? env.region;
  if (/^[a-z]+-[a-z]+[0-9]+$/i.test(location) && zonesOf(location.toLowerCase(), extraZones).length === 0) {
    issues.push({ env: name, field: "storage.location", value: location, rule: `is not a GCP region in lib/regions.ts${didYouMean(location.toLowerCase(), Object.keys(REGION_ZONES))}` });
  }
  const base = `${env.namePrefix}-${name}`;
  const zone = env.zone ?? zones[0] ?? `${env.region}-a`;
  const securityGroup = env.cluster.securityGroup ?? defaultSecurityGroup(name, env, issues);
  const clusterName = env.cluster.name ?? base;
  const names: ResourceNames = {
    bucket: env.storage.bucketName ?? `${env.project}-metaflow-${name}`,
    serviceAccount: env.identity.serviceAccountId ?? base,
    nodeServiceAccount: `${base}-nodes`,
    cluster: clusterName,
    nodePool: env.cluster.mode === "standard" ? nodePoolName(clusterName) : undefined,
    sqlInstancePrefix: `${base}-pg`,
    ...networkNames(base),
    adminRole: env.identity.createAdminRole ? "metaflow_admin" : undefined,
  };
  return {
    ...env,
    name,
    zone,
    storage: { ...env.storage, bucketName: names.bucket, location: location.toUpperCase() },
    cluster: { ...env.cluster, name: clusterName, location: env.cluster.regional ? env.region : zone, securityGroup },
    identity: { ...env.identity, serviceAccountId: names.serviceAccount, nodeServiceAccountId: names.nodeServiceAccount },
    database: { ...env.database, instanceNamePrefix: names.sqlInstancePrefix },
    names,
  };
}

/** Groups named in Kubernetes RBAC need Google Groups for RBAC, keyed on one domain's gke-security-groups group. */
function defaultSecurityGroup(name: string, env: ParsedEnvironment, issues: Issue[]): string | undefined {
  if (env.identity.flowRunnerAccess !== "namespace") return undefined;
  const domains = [...new Set(env.identity.flowRunners.filter((m) => m.startsWith("group:")).map((m) => m.split("@")[1]))];
  if (domains.length === 0) return undefined;
  if (domains.length > 1) {
    const rule = `flow-runner groups come from several domains (${domains.join(", ")}): set cluster.securityGroup to the gke-security-groups group that holds them all`;
    issues.push({ env: name, field: "cluster.securityGroup", value: undefined, rule });
    return undefined;
  }
  return `gke-security-groups@${domains[0]}`;
}

/** Validates raw configuration (parsed JSON) and returns every environment fully resolved. */
export function parseConfig(input: unknown): AppConfig {
  const parsed = AppConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(zodIssueLines(parsed.error, input, AppConfigSchema));
  const issues: Issue[] = [];
  const rawEnvs = (input as { environments: Record<string, unknown> }).environments;
  const environments = Object.entries(parsed.data.environments).map(([name, env]) => {
    const resolved = resolve(name, env, parsed.data.extraZones, issues);
    issues.push(...environmentIssues(resolved, rawEnvs[name]));
    return resolved;
  });
  issues.push(...crossEnvironmentIssues(environments, parsed.data.stateBackend?.bucket));
  if (issues.length > 0) throw new ConfigError(issues.map(describe));
  return { stateBackend: parsed.data.stateBackend, environments };
}

/** The JSON Schema of a configuration file (environments.schema.json), as the text `npm run schema` writes. */
export function configJsonSchema(): string {
  const schema = z.toJSONSchema(AppConfigSchema, { io: "input", unrepresentable: "any" });
  return `${JSON.stringify({ ...schema, title: "metaflow-gcp environments" }, null, 2)}\n`;
}

/** The file read by `main.ts`: `$METAFLOW_GCP_CONFIG`, or `environments.json` next to `cdktf.json`. */
export function configPath(): string {
  return process.env.METAFLOW_GCP_CONFIG ?? "environments.json";
}

/** Reads and validates a configuration file. */
export function loadConfig(file: string = configPath()): AppConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError([`cannot read ${file}: ${(error as Error).message}`]);
  }
  return parseConfig(parseJson(text, file));
}
