// Settings of what the infra stack builds in GCP: network, database, bucket, cluster and identity. Each rule is one
// GCP enforces; defaults come from lib/defaults.ts.
import { z } from "zod";
import { MAX_AUTHORIZED_NETWORKS } from "./checks";
import { DEFAULTS } from "../lib/defaults";
import * as rules from "./rules";

export const NetworkSchema = z
  .object({
    subnetCidr: rules
      .cidr(8, 29, "the subnetwork range")
      .default("10.10.0.0/20")
      .describe(
        "primary range of the subnetwork (GKE nodes); /8-/29; holds `maxNodes` (times 3 zones when regional) plus GCP's 4 reserved addresses",
      ),
    podsCidr: rules
      .cidr(9, 24, "the pod range")
      .default("10.16.0.0/14")
      .describe(
        "secondary range for GKE pods; /9-/24; holds a /24 per node (GKE's default at 110 pods per node) for `maxNodes` nodes per zone, in 3 zones when regional (GKE's default node locations); Standard mode only, Autopilot sizes its nodes itself",
      ),
    servicesCidr: rules.cidr(16, 27, "the service range").default("10.20.0.0/20").describe("secondary range for GKE services; /16-/27"),
    privateServiceAccessCidr: rules
      .cidr(8, 24, "the private service access range")
      .default("10.30.0.0/20")
      .describe("range reserved for private service access (Cloud SQL's private IP); /8-/24"),
    controlPlaneCidr: rules
      .cidr(28, 28, "the control-plane range")
      .default("172.16.0.0/28")
      .describe("range of the GKE control plane's private endpoint; exactly /28, as GKE requires"),
  })
  .strict();

export const DatabaseSchema = z
  .object({
    version: z
      .enum(["POSTGRES_15", "POSTGRES_16"])
      .default(DEFAULTS.database.version)
      .describe("PostgreSQL major version: `POSTGRES_15` or `POSTGRES_16`"),
    tier: rules.sqlTier
      .default(DEFAULTS.database.tier)
      .describe(
        "Cloud SQL Enterprise tier for PostgreSQL: `db-custom-<vCPUs>-<MB>` with 1 or an even 2-96 vCPUs and 0.9-6.5 GB per vCPU, a multiple of 256 MB, at least 3840 MB; or shared-core `db-f1-micro`/`db-g1-small`, which cannot be `REGIONAL` (PostgreSQL takes no `db-n1-*` tier)",
      ),
    availability: z
      .enum(["ZONAL", "REGIONAL"])
      .default(DEFAULTS.database.availability)
      .describe("`ZONAL`, or `REGIONAL` to add a standby in a second zone"),
    diskSizeGb: z
      .number()
      .int()
      .min(10)
      .max(65536)
      .default(DEFAULTS.database.diskSizeGb)
      .describe("initial disk size, 10-65536 GB; the disk grows automatically"),
    backupStartTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a UTC time as HH:MM")
      .default(DEFAULTS.database.backupStartTime)
      .describe("daily backup start time, UTC, as HH:MM"),
    retainedBackups: z.number().int().min(1).max(365).default(DEFAULTS.database.retainedBackups).describe("automated backups kept, 1-365"),
    pitrDays: z
      .number()
      .int()
      .min(1)
      .max(7)
      .default(DEFAULTS.database.pitrDays)
      .describe("days of write-ahead log kept for point-in-time recovery, 1-7"),
    deletionProtection: z.boolean().default(true).describe("protects the instance from deletion by Terraform and by the Cloud SQL API"),
    generation: z
      .number()
      .int()
      .min(1)
      .default(DEFAULTS.database.generation)
      .describe(
        "bump to replace the instance under a new name (GCP reserves a deleted instance's name for a week, so the name has a random suffix kept by this number)",
      ),
  })
  .strict();

export const StorageSchema = z
  .object({
    bucketName: rules.bucketName.optional().meta({
      description:
        "datastore bucket name: 3-63 chars; lowercase letters, digits, `-`, `_`; no `goog` prefix, no `google`; unique across all environments (bucket names are global)",
      "x-default": "`<project>-metaflow-<env>`",
    }),
    location: z.string().optional().meta({
      description:
        'a region of `config/regions.ts` or `extraZones`, a predefined dual-region (`ASIA1`, `EUR4`, `EUR5`, `EUR7`, `EUR8`, `NAM4`) or a multi-region (`ASIA`, `EU`, `US`), from `config/storage-locations.ts` (Google\'s "Bucket locations", dated in the file); either case, written in upper case as Cloud Storage reports it and the provider keeps it in state; `europe` gets `did you mean "EU"?`; configurable dual-regions are not offered',
      "x-default": "the region",
    }),
    prefix: rules.objectPrefix
      .default(DEFAULTS.storage.prefix)
      .describe("path below the bucket where Metaflow keeps its datastore: the datastore root is `gs://<bucket>/<prefix>`"),
    versioning: z.boolean().default(true).describe("keep deleted and overwritten objects as noncurrent versions"),
    noncurrentVersionRetentionDays: z
      .number()
      .int()
      .min(1)
      .default(DEFAULTS.storage.noncurrentVersionRetentionDays)
      .describe("delete noncurrent versions after this many days; refused with `storage.versioning: false`, which ignores it"),
    deleteAfterDays: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: "optional age limit on all objects, in days; unset keeps them forever", "x-default": "unset" }),
    forceDestroy: z.boolean().default(false).describe("let `destroy` delete a bucket that still holds objects"),
  })
  .strict();

export const ClusterSchema = z
  .object({
    name: rules.clusterName.optional().meta({
      description:
        "GKE cluster name: 1-40 chars; at most 35 in Standard mode (the node pool `<name>-pool` has 40); unique per project and location",
      "x-default": "`<namePrefix>-<env>`",
    }),
    mode: z
      .enum(["standard", "autopilot"])
      .default("standard")
      .describe(
        "`standard` (node pool managed here) or `autopilot` (must be regional; `machineType`, `diskSizeGb`, `minNodes`, `maxNodes`, `cpuLimits` and `memoryLimitsGb` are refused when set, Autopilot ignores them)",
      ),
    regional: z.boolean().default(false).describe("a regional cluster, control plane and nodes in three zones, rather than a zonal one"),
    releaseChannel: z
      .enum(["RAPID", "REGULAR", "STABLE"])
      .default(DEFAULTS.cluster.releaseChannel)
      .describe("GKE release channel: `RAPID`, `REGULAR`, `STABLE`"),
    machineType: z
      .string()
      .default(DEFAULTS.cluster.machineType)
      .describe(
        'node machine type, a machine type of `config/machine-types.ts` (Google\'s machine family pages, dated in the file): `<series>-<standard|highmem|highcpu|...>-<vCPUs>` with the vCPU counts the series offers, the shared-core `e2-micro`/`e2-small`/`e2-medium`, `f1-micro`, `g1-small`, a custom `<series>-custom-<vCPUs>-<MB>` (`custom-<vCPUs>-<MB>` for N1) of E2, N1, N2, N2D, N4, or an accelerator-optimized type by name (`a2-highgpu-1g`, `g2-standard-8`); a near miss gets the closest type (`e2-standrad-4`: `did you mean "e2-standard-4"?`), a size the series lacks the sizes it has; a newer series goes in `extraMachineTypes`. Whether the zone offers the series is not checked (the apply fails)',
      ),
    diskSizeGb: z
      .number()
      .int()
      .min(10)
      .max(65536)
      .default(DEFAULTS.cluster.diskSizeGb)
      .describe("boot disk size of each node, 10-65536 GB"),
    minNodes: z
      .number()
      .int()
      .min(0)
      .default(DEFAULTS.cluster.minNodes)
      .describe("smallest node count of the node pool, per zone; at most `cluster.maxNodes`"),
    maxNodes: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(DEFAULTS.cluster.maxNodes)
      .describe("largest node count of the node pool, per zone, 1-1000"),
    cpuLimits: z
      .object({ min: z.number().int().min(0), max: z.number().int().min(1) })
      .strict()
      .default(DEFAULTS.cluster.cpuLimits)
      .describe("cluster autoscaling limits on vCPUs; min <= max"),
    memoryLimitsGb: z
      .object({ min: z.number().int().min(0), max: z.number().int().min(1) })
      .strict()
      .default(DEFAULTS.cluster.memoryLimitsGb)
      .describe("cluster autoscaling limits on memory, in GB; min <= max"),
    controlPlaneEndpoint: z
      .enum(["dns", "ip"])
      .default(DEFAULTS.cluster.controlPlaneEndpoint)
      .describe(
        "how users and Terraform reach the control plane from outside the VPC. `dns`: GKE's DNS-based endpoint, gated by IAM, with the IP endpoint closed to all but `masterAuthorizedNetworks`; `ip`: the public IP endpoint, open to `masterAuthorizedNetworks`, or to any IP when that list is empty (authentication still required); see docs/access.md#control-plane-access",
      ),
    securityGroup: z
      .string()
      .regex(
        /^gke-security-groups@[a-z0-9.-]+\.[a-z]{2,}$/,
        "must be gke-security-groups@<your domain>: GKE looks for that exact group name",
      )
      .optional()
      .meta({
        description:
          "Google Groups for RBAC: the group that holds the groups RBAC may name; must be `gke-security-groups@<domain>`; required when flow-runner groups come from several domains",
        "x-default": "`gke-security-groups@<domain>` of the `group:` flow runners",
      }),
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
      .default([])
      .describe(
        "networks allowed to reach the control plane's IP endpoint (with `ip` and an empty list: any IP): at most 50 (GKE's limit), each an IPv4 CIDR in reduced form (host bits zero) with a name; no CIDR or name twice; never `0.0.0.0/0`",
      ),
    deletionProtection: z.boolean().default(true).describe("protects the cluster from `terraform destroy`"),
  })
  .strict();

export const ImageCacheSchema = z
  .object({
    enabled: z
      .boolean()
      .default(DEFAULTS.imageCache.enabled)
      .describe(
        "pull Docker Hub and quay.io images (the platform's and flows') through Artifact Registry remote repositories `<namePrefix>-<env>-docker-hub` and `<namePrefix>-<env>-quay` in the region; `false` pulls them from the registries over Cloud NAT",
      ),
  })
  .strict();

export const IdentitySchema = z
  .object({
    serviceAccountId: rules.serviceAccountId.optional().meta({
      description:
        "id of the Metaflow service account: 6-30 chars; unique per project, node service accounts `<namePrefix>-<env>-nodes` included",
      "x-default": "`<namePrefix>-<env>`",
    }),
    createKey: z
      .boolean()
      .default(DEFAULTS.identity.createKey)
      .describe(
        "create a key of the Metaflow service account, a sensitive output: refused in organisations that enforce `iam.disableServiceAccountKeyCreation` (those created since May 2024), and a key never expires; prefer `identity.impersonators`",
      ),
    flowRunners: z
      .array(rules.iamMember)
      .default([])
      .describe(
        'users, groups and service accounts who run flows (Storage Object Admin on the bucket); one IAM member per string: `user:`, `group:` or `serviceAccount:` with an email (service accounts end in `.gserviceaccount.com`), `domain:` with a domain name, `principal://iam.googleapis.com/...`; the type is case-sensitive and required (`Group:ml@acme.com` gets `did you mean "group:ml@acme.com"?`, a bare email the typed forms to choose from); never `allUsers` or `allAuthenticatedUsers`; no member twice (ignoring case)',
      ),
    impersonators: z
      .array(rules.impersonator)
      .default([])
      .describe(
        "principals that may impersonate the Metaflow service account without a key (Token Creator on it only): CI service accounts, Workload Identity Federation principals, a few people: `user:`, `group:`, `serviceAccount:`, `principal://...`, `principalSet://...`; never `domain:`, `allUsers` or `allAuthenticatedUsers`",
      ),
    flowRunnerAccess: z
      .enum(["namespace", "project"])
      .default(DEFAULTS.identity.flowRunnerAccess)
      .describe(
        "`namespace`: Cluster Viewer plus Kubernetes RBAC in the jobs and events namespaces (members must then be `user:`, `group:` or `serviceAccount:`); `project`: Kubernetes Engine Developer on the project (reads every Secret of every cluster)",
      ),
    createAdminRole: z
      .boolean()
      .default(false)
      .describe(
        "create the custom role `metaflow_admin` with the deployer's permissions; at most one environment per project may create it",
      ),
  })
  .strict();

/** A GitHub repository as GitHub's OIDC token names it in its `repository` claim: `owner/name`. */
const githubRepository = z
  .string()
  .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, 'must be a GitHub repository as "owner/name", such as "acme/ml-platform"');

export const CiSchema = z
  .object({
    github: z
      .object({
        repository: githubRepository.meta({
          description:
            "`owner/name`: creates the keyless CI identity of docs/ci.md#run-it-from-ci (pool `<namePrefix>-<env>-ci`, service accounts `<namePrefix>-<env>-deploy` and `-plan`, role `<namePrefix>_<env>_ci_plan`); needs `stateBackend`",
          "x-default": "unset (CI off)",
        }),
        deployEnvironment: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,255}$/, "must be a GitHub environment name: letters, digits, '.', '_' or '-'")
          .optional()
          .meta({
            description:
              "the GitHub environment of the deploy jobs (give it required reviewers: it is the approval gate); only its jobs, on `deployRef`, may act as the deployer",
            "x-default": "`<env>`",
          }),
        deployRef: z
          .string()
          .regex(/^refs\/(heads|tags)\/[^\s"\\]+$/, 'must be a full Git ref such as "refs/heads/main"')
          .default(DEFAULTS.ci.deployRef)
          .describe("the only ref a deploy job may run from (a full ref)"),
      })
      .strict()
      .describe("GitHub Actions, signing in through Workload Identity Federation (no key)"),
    deployerRole: z
      .string()
      .regex(
        /^([A-Za-z0-9_.]{3,64}|(projects|organizations)\/[a-z0-9-]+\/roles\/[A-Za-z0-9_.]{3,64})$/,
        "must be a custom role id such as metaflow_admin, or a full role name projects/<project>/roles/<id>",
      )
      .default(DEFAULTS.ci.deployerRole)
      .describe(
        "the deployer service account's role: a custom role id of the project (the one `identity.createAdminRole` creates, or one made by hand) or a full name `projects/<p>/roles/<id>`, `organizations/<o>/roles/<id>`",
      ),
  })
  .strict();
