// Settings of what the infra stack builds in GCP: network, database, bucket, cluster and identity. Each rule is one
// GCP enforces; defaults come from lib/defaults.ts.
import { z } from "zod";
import { MAX_AUTHORIZED_NETWORKS } from "./config-checks";
import { DEFAULTS } from "./defaults";
import * as rules from "./rules";

export const NetworkSchema = z
  .object({
    /** Primary range of the subnetwork (GKE nodes). @default "10.10.0.0/20" */
    subnetCidr: rules.cidr(8, 29, "the subnetwork range").default("10.10.0.0/20"),
    /** Secondary range for GKE pods. @default "10.16.0.0/14" */
    podsCidr: rules.cidr(9, 24, "the pod range").default("10.16.0.0/14"),
    /** Secondary range for GKE services. @default "10.20.0.0/20" */
    servicesCidr: rules.cidr(16, 27, "the service range").default("10.20.0.0/20"),
    /** Range reserved for private service access (Cloud SQL's private IP). @default "10.30.0.0/20" */
    privateServiceAccessCidr: rules.cidr(8, 24, "the private service access range").default("10.30.0.0/20"),
    /** Range of the GKE control plane's private endpoint; GKE requires a /28. @default "172.16.0.0/28" */
    controlPlaneCidr: rules.cidr(28, 28, "the control-plane range").default("172.16.0.0/28"),
  })
  .strict();

export const DatabaseSchema = z
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

export const StorageSchema = z
  .object({
    /** Bucket name, globally unique. @default "<project>-metaflow-<env>" */
    bucketName: rules.bucketName.optional(),
    /**
     * Bucket location, in either case: a region, a predefined dual-region (EUR4, NAM4, ...) or a multi-region (US, EU,
     * ASIA); checked against lib/storage-locations.ts. @default the environment's region
     */
    location: z.string().optional(),
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

export const ClusterSchema = z
  .object({
    /** GKE cluster name. @default "<namePrefix>-<env>" */
    name: rules.clusterName.optional(),
    /** "standard" (node pool managed here) or "autopilot". @default "standard" */
    mode: z.enum(["standard", "autopilot"]).default("standard"),
    /** A regional cluster (control plane and nodes in three zones) rather than a zonal one. @default false */
    regional: z.boolean().default(false),
    /** GKE release channel. @default "REGULAR" */
    releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]).default(DEFAULTS.cluster.releaseChannel),
    /** Node machine type, one of lib/machine-types.ts or of extraMachineTypes. @default "e2-standard-4" */
    machineType: z.string().default(DEFAULTS.cluster.machineType),
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
      .regex(
        /^gke-security-groups@[a-z0-9.-]+\.[a-z]{2,}$/,
        "must be gke-security-groups@<your domain>: GKE looks for that exact group name",
      )
      .optional(),
    /** Networks allowed to reach the control plane's IP endpoint. @default [] */
    masterAuthorizedNetworks: z
      .array(
        z
          .object({
            cidr: rules.reducedCidr.refine(
              (c) => !c.endsWith("/0"),
              'would let any IP reach the control plane: list your networks, or leave the list empty with cluster.controlPlaneEndpoint "dns" (IAM-gated, no IP allow-list)',
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

export const ImageCacheSchema = z
  .object({
    /**
     * Pull the platform's Docker Hub and quay.io images, and flows' Docker Hub images, through Artifact Registry remote
     * repositories in the environment's region instead of from the registries over Cloud NAT. @default true
     */
    enabled: z.boolean().default(DEFAULTS.imageCache.enabled),
  })
  .strict();

export const IdentitySchema = z
  .object({
    /** Id of the Metaflow service account. @default "<namePrefix>-<env>" */
    serviceAccountId: rules.serviceAccountId.optional(),
    /**
     * Create a key for the Metaflow service account (a sensitive output). Off by default: organisations created since
     * May 2024 refuse keys (iam.disableServiceAccountKeyCreation), and a key is a credential that never expires. CI
     * and service users impersonate the account instead (identity.impersonators). @default false
     */
    createKey: z.boolean().default(DEFAULTS.identity.createKey),
    /** Users, groups and service accounts who run flows; Storage Object Admin on the bucket. @default [] */
    flowRunners: z.array(rules.iamMember).default([]),
    /**
     * Who may act as the Metaflow service account without a key (CI service accounts, Workload Identity Federation
     * principals, a few people): Service Account Token Creator on that account only. @default []
     */
    impersonators: z.array(rules.impersonator).default([]),
    /**
     * What flow runners (and the Metaflow service account) may do in the cluster. "namespace": fetch cluster
     * credentials (Kubernetes Engine Cluster Viewer) and, through Kubernetes RBAC, run jobs and workflows in the jobs
     * namespace and manage sensors in the events namespace. "project": Kubernetes Engine Developer on the whole
     * project, which includes reading every Secret of every cluster in it. @default "namespace"
     */
    flowRunnerAccess: z.enum(["namespace", "project"]).default(DEFAULTS.identity.flowRunnerAccess),
    /** Create the `metaflow_admin` custom role with the deployer's permissions. @default false */
    createAdminRole: z.boolean().default(false),
  })
  .strict();

/** A GitHub repository as GitHub's OIDC token names it in its `repository` claim: `owner/name`. */
const githubRepository = z
  .string()
  .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, 'must be a GitHub repository as "owner/name", such as "acme/ml-platform"');

export const CiSchema = z
  .object({
    /** GitHub Actions, signing in through Workload Identity Federation (no key). */
    github: z
      .object({
        /** The repository whose workflows may plan and deploy this environment, as "owner/name". */
        repository: githubRepository,
        /**
         * The GitHub environment of the deploy jobs (give it required reviewers: it is the approval gate). Only its
         * jobs, on deployRef, may act as the deployer service account. @default the environment's name
         */
        deployEnvironment: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,255}$/, "must be a GitHub environment name: letters, digits, '.', '_' or '-'")
          .optional(),
        /** The only ref a deploy job may run from. @default "refs/heads/main" */
        deployRef: z
          .string()
          .regex(/^refs\/(heads|tags)\/[^\s"\\]+$/, 'must be a full Git ref such as "refs/heads/main"')
          .default(DEFAULTS.ci.deployRef),
      })
      .strict(),
    /**
     * The deployer role granted to the deployer service account: a role id of the project, or a full role name
     * (`projects/<p>/roles/<id>`, `organizations/<o>/roles/<id>`). @default "metaflow_admin"
     */
    deployerRole: z
      .string()
      .regex(
        /^([A-Za-z0-9_.]{3,64}|(projects|organizations)\/[a-z0-9-]+\/roles\/[A-Za-z0-9_.]{3,64})$/,
        "must be a custom role id such as metaflow_admin, or a full role name projects/<project>/roles/<id>",
      )
      .default(DEFAULTS.ci.deployerRole),
  })
  .strict();
