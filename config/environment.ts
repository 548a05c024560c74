// The configuration file's schema: an environment's own fields and the slices of each topic, the state backend,
// and the types of a resolved environment.
import { z } from "zod";
import { ACCELERATOR_TYPES } from "./accelerators";
import { AlertsSchema } from "./alerts";
import { CiSchema } from "./ci";
import { ClusterSchema } from "./cluster";
import { DatabaseSchema } from "./database";
import { IdentitySchema } from "./identity";
import { ImageCacheSchema } from "./image-cache";
import { projectId } from "./name-rules";
import { NetworkSchema } from "./network";
import { bucketName, objectPrefix, StorageSchema } from "./storage";
import { ReviewConfigSchema } from "./review";
import { SecretsSchema } from "./secrets";
import { ServicesConfigSchema } from "./services";

// The rule is shared with network.existing.hostProject (network.ts), which this file imports.
export { projectId } from "./name-rules";

/** A GCP region such as `europe-west1`. */
export const region = z.string().regex(/^[a-z]+-[a-z]+[0-9]+$/, "must be a GCP region such as us-central1");

/** A GCP zone such as `europe-west1-b`; consistency with the region is checked by the environment schema. */
export const zone = z.string().regex(/^[a-z]+-[a-z]+[0-9]+-[a-z]$/, "must be a GCP zone such as us-central1-a");

/** A short, lowercase name that prefixes the names of the resources of an environment. */
export const namePrefix = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/,
    "must be 2-20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen",
  );

// Labels (https://cloud.google.com/resource-manager/docs/labels-overview#requirements): keys 1-63 characters,
// starting with a lowercase letter or an international character; values 0-63 characters; both only lowercase
// letters, international characters, digits, underscores and hyphens. At most 64 labels per resource.
export const MAX_LABELS = 64;
export const labelKey = z
  .string()
  .regex(
    /^[\p{Ll}\p{Lo}\p{Lm}][\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}_-]{0,62}$/u,
    "label keys must be 1-63 lowercase or international letters, digits, _ or -, starting with a lowercase letter",
  );
export const labelValue = z
  .string()
  .regex(
    /^[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}_-]{0,63}$/u,
    "label values must be at most 63 lowercase or international letters, digits, _ or -",
  );

export const EnvironmentSchema = z
  .object({
    project: projectId.describe("GCP project id: 6-30 lowercase letters, digits, hyphens"),
    region: region
      .default("us-central1")
      .describe(
        'region of the network, database, bucket and a regional cluster: a region of `config/regions.ts` (Google\'s "Regions and zones" table, dated in the file) or of `extraZones`',
      ),
    zone: zone.optional().meta({
      description:
        "zone of a zonal cluster; one of the region's zones in the table or `extraZones`; refused with `cluster.regional: true`, which ignores it",
      "x-default": "the region's first zone (`us-east1-b`, `europe-west1-b`, `us-central1-a`, ...)",
    }),
    namePrefix: namePrefix
      .default("metaflow")
      .describe(
        "resource names are `<namePrefix>-<env>-...`; every derived name must fit its limit, so `<namePrefix>-<env>` is at most 24 characters (the node service account `<namePrefix>-<env>-nodes` has 30)",
      ),
    labels: z
      .record(labelKey, labelValue)
      .default({})
      .describe(
        "added to every labelled resource, next to `managed-by`, `metaflow-environment` and the provider's `goog-terraform-provisioned`, whose keys are refused; at most 61 (GCP's 64 per resource less those 3); keys 1-63 lowercase or international letters, digits, `_`, `-`, starting with a letter; values 0-63 of the same",
      ),
    enableApis: z
      .boolean()
      .default(true)
      .describe(
        "enable the GCP APIs the platform needs: compute, container, sqladmin, servicenetworking, iam, ... (never disabled on destroy)",
      ),
    network: NetworkSchema.prefault({}).describe("all ranges: private (RFC 1918 or 100.64/10), host bits zero, no two overlapping"),
    database: DatabaseSchema.prefault({}).describe(
      "the Cloud SQL for PostgreSQL instance of the metadata service and the Argo workflow archive, on a private IP only",
    ),
    storage: StorageSchema.prefault({}).describe("the Cloud Storage bucket of the Metaflow datastore"),
    cluster: ClusterSchema.prefault({}).describe("the GKE cluster that runs the services and the flows' tasks"),
    identity: IdentitySchema.prefault({}).describe("the Metaflow service account and who may run flows or act as it"),
    imageCache: ImageCacheSchema.prefault({}).describe(
      "Artifact Registry remote repositories caching Docker Hub and quay.io (see docs/platform.md#registry-caches)",
    ),
    secrets: SecretsSchema.prefault({}).describe("Secret Manager as Metaflow's `@secrets` backend (see docs/access.md#secrets-and-images)"),
    services: ServicesConfigSchema.prefault({}).describe(
      "what runs in the cluster (see docs/platform.md#what-runs-in-the-cluster); a `*Namespace` must not be one every GKE cluster already has (`default`, `kube-*`, `gke-*`, `gmp-*`)",
    ),
    ci: CiSchema.optional().describe(
      "keyless CI (GitHub Actions through Workload Identity Federation, or Cloud Build as the planner and deployer service accounts): off unless set; see docs/ci.md",
    ),
    alerts: AlertsSchema.prefault({}).describe(
      "Cloud Monitoring alert policies on the database, the services and the nodes (see docs/platform.md#alerts): none until `emails` or `notificationChannels` names someone to tell",
    ),
    review: ReviewConfigSchema.prefault({}).describe("what `npm run review` is told: the warnings the team accepts"),
  })
  .strict();

/** Where Terraform keeps state: a GCS bucket shared by the team, or local files when unset. */
export const StateBackendSchema = z
  .object({
    bucket: bucketName.meta({
      description:
        "existing GCS bucket for Terraform state (versioned, uniform access); must not be the datastore bucket of any environment (every flow may read that one, and state holds passwords and keys)",
      "x-default": "unset: local state files",
    }),
    prefix: objectPrefix.default("metaflow-gcp").describe("each stack's state lives under `<prefix>/<stack>`"),
  })
  .strict();

export const AppConfigSchema = z
  .object({
    $schema: z
      .string()
      .optional()
      .describe("path or URL of the JSON Schema, for editors (completion and inline errors); ignored by the app"),
    stateBackend: StateBackendSchema.optional().describe(
      "where Terraform keeps state: a GCS bucket shared by the team, or local files when unset",
    ),
    extraZones: z
      .record(region, z.array(zone).min(1))
      .default({})
      .superRefine((extra, ctx) => {
        for (const [region, zones] of Object.entries(extra)) {
          zones.forEach((zone, i) => {
            if (!zone.startsWith(`${region}-`)) ctx.addIssue({ code: "custom", path: [region, i], message: `must be a zone of ${region}` });
          });
        }
      })
      .describe(
        'zones of a region or zone newer than the table in `config/regions.ts`: `{ "us-west9": ["us-west9-a", "us-west9-b"] }`; each zone must be of its region; for a new region the first zone listed is the default',
      ),
    extraMachineTypes: z
      .array(
        z
          .string()
          .regex(/^[a-z][a-z0-9-]*[a-z0-9]$/, "machine type names are lowercase letters, digits and hyphens, such as c4-standard-8"),
      )
      .default([])
      .describe(
        'machine types newer than the table in `config/machine-types.ts`, accepted as written for `cluster.machineType`: `["c4d-standard-8"]`; lowercase letters, digits and hyphens',
      ),
    acceleratorZones: z
      .partialRecord(z.enum(ACCELERATOR_TYPES as [string, ...string[]]), z.array(zone).min(1))
      .default({})
      .describe(
        'zones that offer a GPU model but are newer than the table in `config/accelerator-zones.ts` (dated in the file), as `gcloud compute accelerator-types list` shows them: `{ "nvidia-tesla-t4": ["us-central1-a"] }`; a GPU pool runs only in zones of the table or listed here for its model',
      ),
    environments: z
      .record(
        z
          .string()
          .regex(/^[a-z][a-z0-9]{0,9}$/, "environment names must be 1-10 lowercase letters or digits, starting with a letter")
          .describe("environment name: 1-10 lowercase letters or digits, starting with a letter"),
        EnvironmentSchema,
      )
      .refine((envs) => Object.keys(envs).length > 0, "at least one environment is required")
      .describe("the environments, by name: each gets the stacks `<env>-infra` and `<env>-services`; at least one"),
  })
  .strict();

export type ParsedEnvironment = z.infer<typeof EnvironmentSchema>;

/** The project that owns the environment's VPC: the Shared VPC host project, or the environment's own. */
export function networkProject(env: Pick<ParsedEnvironment, "project" | "network">): string {
  return env.network.existing?.hostProject ?? env.project;
}
export type ParsedApp = z.infer<typeof AppConfigSchema>;

/** Every name an environment gives a GCP resource (printed by `npm run config`). */
export interface ResourceNames {
  readonly bucket: string;
  readonly serviceAccount: string;
  readonly nodeServiceAccount: string;
  readonly cluster: string;
  /** The platform pool; undefined for Autopilot, which has no node pool of ours. */
  readonly nodePool?: string;
  /** GKE names of cluster.nodePools (`<cluster>-<name>`), by their own name; undefined for Autopilot. */
  readonly nodePools?: Readonly<Record<string, string>>;
  /** Before the random suffix ("-" and 6 hex digits). */
  readonly sqlInstancePrefix: string;
  /** The VPC and subnetwork: ours, or the organisation's with network.existing. */
  readonly vpc: string;
  readonly subnetwork: string;
  /** Unset when network.existing reuses the VPC's private service access. */
  readonly privateServiceAccess?: string;
  /** Unset when network.existing reuses the organisation's Cloud NAT. */
  readonly router?: string;
  readonly nat?: string;
  /** Set when identity.createAdminRole is true. */
  readonly adminRole?: string;
  /** CI's Workload Identity pool and service accounts, set when ci is. */
  readonly ci?: { readonly pool: string; readonly deployer: string; readonly planner: string; readonly plannerRole: string };
  /** The registry caches' repository ids, set when imageCache.enabled is true. */
  readonly imageCaches?: { readonly dockerHub: string; readonly quay: string };
  /** The Artifact Registry repository id of the flows' own images. */
  readonly flowImages: string;
  /** The Secret Manager secret id prefix of the environment's secrets (secrets.prefix). */
  readonly secretPrefix: string;
  /** The custom role that lets flow runners create secrets (created once identity.flowRunners lists someone). */
  readonly secretCreatorRole: string;
  /** Global addresses and Google-managed certificates of the UIs (each pair shares a name), set in "iap" access. */
  readonly iapFrontends?: { readonly ui: string; readonly argo: string };
  /** The reserved internal address of the services, set in "internal" access. */
  readonly internalAddress?: string;
  /** The firewall rule that opens the JobSet webhook port to the control plane, set when services.jobset.enabled
   * (unless network.existing.webhookFirewall leaves it to the network's owners). */
  readonly webhookFirewall?: string;
}

type ParsedCi = NonNullable<ParsedEnvironment["ci"]>;
/** The ci slice with the deploy environment filled in. */
export type CiConfig = ParsedCi & { readonly github: ParsedCi["github"] & { readonly deployEnvironment: string } };

/** One environment with every default filled in; the names it gives GCP resources are in `names`, and only there. */
export interface EnvironmentConfig extends ParsedEnvironment {
  /** The environment's name, e.g. "dev". */
  readonly name: string;
  readonly zone: string;
  readonly storage: ParsedEnvironment["storage"] & { location: string };
  readonly cluster: ParsedEnvironment["cluster"] & { location: string; securityGroup?: string };
  readonly ci?: CiConfig;
  readonly names: ResourceNames;
}

export interface AppConfig {
  readonly stateBackend?: z.infer<typeof StateBackendSchema>;
  readonly environments: EnvironmentConfig[];
}
