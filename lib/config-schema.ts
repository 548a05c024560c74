// The configuration file's schema: environments built from the infra and services slices, the state backend, and
// the cross-field rules within one environment.
import { z } from "zod";
import { CiSchema, ClusterSchema, DatabaseSchema, IdentitySchema, ImageCacheSchema, NetworkSchema, StorageSchema } from "./infra-config";
import { ReviewConfigSchema } from "./review-config";
import * as rules from "./rules";
import { ServicesConfigSchema } from "./services-config";

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
    /** Artifact Registry remote repositories caching Docker Hub and quay.io. */
    imageCache: ImageCacheSchema.prefault({}),
    services: ServicesConfigSchema.prefault({}),
    /** Keyless CI (GitHub Actions through Workload Identity Federation): off unless set. */
    ci: CiSchema.optional(),
    /** What `npm run review` is told: the warnings the team accepts (`review.acknowledge`). */
    review: ReviewConfigSchema.prefault({}),
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
      ctx.addIssue({
        code: "custom",
        path: ["cluster", "regional"],
        message: "Autopilot clusters are always regional: set cluster.regional to true",
      });
    }
    if (env.identity.flowRunnerAccess === "namespace") {
      env.identity.flowRunners.forEach((member, i) => {
        // Kubernetes RBAC names users, groups and service accounts by email; it has no notion of a domain or a pool.
        // A member that is no valid IAM member already has its line from rules.iamMember.
        if (!/^(user|group|serviceAccount):/.test(member) && rules.iamMember.safeParse(member).success) {
          const what = member.startsWith("domain:") ? "a domain" : "a Workload or Workforce Identity Federation principal";
          ctx.addIssue({
            code: "custom",
            path: ["identity", "flowRunners", i],
            message: `with identity.flowRunnerAccess "namespace", flow runners must be user:, group: or serviceAccount: members (Kubernetes RBAC cannot name ${what})`,
          });
        }
      });
    }
    if (env.database.availability === "REGIONAL" && env.database.tier.match(/^db-(f1-micro|g1-small)$/)) {
      ctx.addIssue({ code: "custom", path: ["database", "tier"], message: "shared-core tiers cannot be REGIONAL" });
    }
  });

/** Where Terraform keeps state: a GCS bucket shared by the team, or local files when unset. */
export const StateBackendSchema = z
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
    /** Compute Engine machine types newer than lib/machine-types.ts, e.g. ["c4-standard-8"]. @default [] */
    extraMachineTypes: z
      .array(
        z
          .string()
          .regex(/^[a-z][a-z0-9-]*[a-z0-9]$/, "machine type names are lowercase letters, digits and hyphens, such as c4-standard-8"),
      )
      .default([]),
    environments: z
      .record(
        z.string().regex(/^[a-z][a-z0-9]{0,9}$/, "environment names must be 1-10 lowercase letters or digits, starting with a letter"),
        EnvironmentSchema,
      )
      .refine((envs) => Object.keys(envs).length > 0, "at least one environment is required"),
  })
  .strict();

export type ParsedEnvironment = z.infer<typeof EnvironmentSchema>;
export type ParsedApp = z.infer<typeof AppConfigSchema>;

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
  /** CI's Workload Identity pool and service accounts, set when ci is. */
  readonly ci?: { readonly pool: string; readonly deployer: string; readonly planner: string; readonly plannerRole: string };
  /** The registry caches' repository ids, set when imageCache.enabled is true. */
  readonly imageCaches?: { readonly dockerHub: string; readonly quay: string };
}

type ParsedCi = NonNullable<ParsedEnvironment["ci"]>;
/** The ci slice with the deploy environment filled in. */
export type CiConfig = ParsedCi & { readonly github: ParsedCi["github"] & { readonly deployEnvironment: string } };

/** One environment with every default and derived name filled in. */
export interface EnvironmentConfig extends ParsedEnvironment {
  /** The environment's name, e.g. "dev". */
  readonly name: string;
  readonly zone: string;
  readonly storage: ParsedEnvironment["storage"] & { bucketName: string; location: string };
  readonly cluster: ParsedEnvironment["cluster"] & { name: string; location: string; securityGroup?: string };
  readonly identity: ParsedEnvironment["identity"] & { serviceAccountId: string; nodeServiceAccountId: string };
  readonly database: ParsedEnvironment["database"] & { instanceNamePrefix: string };
  readonly ci?: CiConfig;
  readonly names: ResourceNames;
}

export interface AppConfig {
  readonly stateBackend?: z.infer<typeof StateBackendSchema>;
  readonly environments: EnvironmentConfig[];
}
