// From an environment's configuration to its constructs' props, one function per construct that takes settings.
// Each destructures every key of its config slice and hands what is left to allRead, so a key added to the schema or
// renamed there fails to compile here until it is wired; each returns an object literal checked against the
// construct's Props, so a renamed or misspelt prop fails too. A spread (`...env.cluster`) would catch neither:
// TypeScript checks no excess property on a spread, and a setting that misses its prop falls back to a default.
import type { EnvironmentConfig } from "../config";
import { networkProject } from "../config/environment";
import type { PlatformAlertsProps } from "../constructs/alerts";
import type { ArgoEventsProps } from "../constructs/argo-events";
import type { ArgoWorkflowsProps } from "../constructs/argo-workflows";
import type { CiIdentityProps } from "../constructs/ci-identity";
import type { ClusterProps } from "../constructs/cluster";
import type { DatabaseProps } from "../constructs/database";
import type { FlowSecretsProps } from "../constructs/flow-secrets";
import type { JobSetProps } from "../constructs/jobset";
import type { MetaflowIdentityProps } from "../constructs/identity";
import type { ExistingNetworkProps } from "../constructs/existing-network";
import type { NetworkProps } from "../constructs/network";
import type { DatastoreBucketProps } from "../constructs/storage";
import { PoolPlacement, poolSelector, stepPlacement } from "../lib/node-pools";

/** Compiles only when `unread` has no key: every setting of the slice was taken by name above it. */
function allRead(_unread: Record<string, never>): void {}

/** The VPC's names and ranges: the Network construct's props, or with network.existing the ExistingNetwork construct's. */
export function networkSettings(env: EnvironmentConfig) {
  // controlPlaneCidr is the cluster's (clusterSettings).
  const { subnetCidr, podsCidr, servicesCidr, privateServiceAccessCidr, controlPlaneCidr: _cluster, existing, ...unread } = env.network;
  allRead(unread);
  const { vpc, subnetwork, privateServiceAccess, router, nat } = env.names;
  if (existing) {
    // hostProject is read by networkProject(); network and subnetwork are resolved into names; the three modes set
    // (or leave unset) the names of what is created (the webhook rule's is the infra stack's).
    const {
      hostProject: _host,
      network: _network,
      subnetwork: _subnetwork,
      podsRange,
      servicesRange,
      privateServiceAccess: _psa,
      nat: _nat,
      webhookFirewall: _firewall,
      ...unreadExisting
    } = existing;
    allRead(unreadExisting);
    return {
      existing: {
        project: networkProject(env),
        region: env.region,
        network: vpc,
        subnetwork,
        podsRangeName: podsRange,
        servicesRangeName: servicesRange,
        privateServiceAccess: privateServiceAccess ? { name: privateServiceAccess, cidr: privateServiceAccessCidr } : undefined,
        nat: router && nat ? { router, nat } : undefined,
      } satisfies ExistingNetworkProps,
    };
  }
  if (!privateServiceAccess || !router || !nat) throw new Error("a network the app creates has every name set (config/resolve.ts)");
  return {
    created: {
      project: env.project,
      region: env.region,
      names: { vpc, subnetwork, privateServiceAccess, router, nat },
      subnetCidr,
      podsCidr,
      servicesCidr,
      privateServiceAccessCidr,
    } satisfies Partial<NetworkProps>,
  };
}

/** The Cloud SQL instance's settings, and the archive database when Argo Workflows keeps one. */
export function databaseSettings(env: EnvironmentConfig) {
  const { version, tier, availability, diskSizeGb, backupStartTime, retainedBackups, pitrDays, deletionProtection, generation, ...unread } =
    env.database;
  allRead(unread);
  return {
    project: env.project,
    region: env.region,
    namePrefix: env.names.sqlInstancePrefix,
    version,
    tier,
    availability,
    diskSizeGb,
    backupStartTime,
    retainedBackups,
    pitrDays,
    deletionProtection,
    generation,
    argoArchive: env.services.argoWorkflowArchive,
  } satisfies Partial<DatabaseProps>;
}

/** The datastore bucket's settings. */
export function bucketSettings(env: EnvironmentConfig) {
  // bucketName is resolved into names.bucket.
  const {
    bucketName: _name,
    location,
    prefix,
    versioning,
    noncurrentVersionRetentionDays,
    deleteAfterDays,
    forceDestroy,
    ...unread
  } = env.storage;
  allRead(unread);
  return {
    project: env.project,
    name: env.names.bucket,
    location,
    prefix,
    versioning,
    noncurrentVersionRetentionDays,
    deleteAfterDays,
    forceDestroy,
  } satisfies Partial<DatastoreBucketProps>;
}

/** The cluster's settings, its names and its control plane's range. */
export function clusterSettings(env: EnvironmentConfig) {
  const {
    // name is resolved into names.cluster, regional into location.
    name: _name,
    regional: _regional,
    location,
    mode,
    releaseChannel,
    machineType,
    diskSizeGb,
    minNodes,
    maxNodes,
    nodePools,
    // defaultPool decides where steps run: the services stack's (flowPlacement).
    defaultPool: _services,
    cpuLimits,
    memoryLimitsGb,
    controlPlaneEndpoint,
    securityGroup,
    masterAuthorizedNetworks,
    deletionProtection,
    ...unread
  } = env.cluster;
  allRead(unread);
  return {
    project: env.project,
    name: env.names.cluster,
    nodePoolName: env.names.nodePool,
    nodeServiceAccountId: env.names.nodeServiceAccount,
    controlPlaneCidr: env.network.controlPlaneCidr,
    location,
    mode,
    releaseChannel,
    machineType,
    diskSizeGb,
    minNodes,
    maxNodes,
    // Autopilot has no pools of ours (names.nodePools is unset there).
    nodePools: env.names.nodePools && nodePools.map((p) => ({ ...p, name: env.names.nodePools![p.name] })),
    cpuLimits,
    memoryLimitsGb,
    controlPlaneEndpoint,
    securityGroup,
    masterAuthorizedNetworks,
    deletionProtection,
  } satisfies Partial<ClusterProps>;
}

/** The Metaflow service account, who may use it, and the admin role. */
export function identitySettings(env: EnvironmentConfig) {
  // serviceAccountId is resolved into names.serviceAccount, createAdminRole into names.adminRole.
  const {
    serviceAccountId: _id,
    createAdminRole: _adminRole,
    createKey,
    flowRunners,
    impersonators,
    flowRunnerAccess,
    ...unread
  } = env.identity;
  allRead(unread);
  return {
    project: env.project,
    serviceAccountId: env.names.serviceAccount,
    adminRoleId: env.names.adminRole,
    bucketName: env.names.bucket,
    createKey,
    flowRunners,
    impersonators,
    flowRunnerAccess,
  } satisfies Partial<MetaflowIdentityProps>;
}

/** The flows' secrets: their name prefix and the role that lets flow runners create secrets. */
export function secretsSettings(env: EnvironmentConfig) {
  // prefix is resolved into names.secretPrefix (its default derives from namePrefix and the environment).
  const { prefix: _prefix, ...unread } = env.secrets;
  allRead(unread);
  return {
    project: env.project,
    prefix: env.names.secretPrefix,
    creatorRoleId: env.names.secretCreatorRole,
  } satisfies Partial<FlowSecretsProps>;
}

/** Keyless CI's pool, service accounts and roles, when ci is set; `adminRoleName` is the admin role this app creates, if any. */
export function ciSettings(env: EnvironmentConfig, adminRoleName: string | undefined) {
  if (env.ci === undefined || env.names.ci === undefined) return undefined;
  const {
    github: { repository, deployEnvironment, deployRef, ...unreadGithub },
    deployerRole,
    ...unread
  } = env.ci;
  allRead(unread);
  allRead(unreadGithub);
  const names = env.names.ci;
  return {
    project: env.project,
    poolId: names.pool,
    repository,
    deployEnvironment,
    deployRef,
    deployerAccountId: names.deployer,
    // The role this app creates is referenced, so the grant waits for it.
    deployerRole: deployerRole.includes("/")
      ? deployerRole
      : deployerRole === env.names.adminRole && adminRoleName
        ? adminRoleName
        : `projects/${env.project}/roles/${deployerRole}`,
    plannerAccountId: names.planner,
    plannerRoleId: names.plannerRole,
  } satisfies Partial<CiIdentityProps>;
}

/** The Argo Workflows release's settings. */
export function argoWorkflowsSettings(env: EnvironmentConfig) {
  const { repository, chartVersion, imageTag, authModes, ...unread } = env.services.argoWorkflows;
  allRead(unread);
  return { repository, chartVersion, imageTag, authModes } satisfies Partial<ArgoWorkflowsProps>;
}

/** The Argo Events release's settings; its charts come from the Argo Workflows release's repository. */
export function argoEventsSettings(env: EnvironmentConfig) {
  const { chartVersion, imageTag, jetstreamVersion, ...unread } = env.services.argoEvents;
  allRead(unread);
  return { repository: env.services.argoWorkflows.repository, chartVersion, imageTag, jetstreamVersion } satisfies Partial<ArgoEventsProps>;
}

/**
 * The node selector of the platform's own pods (its services, the Argo and JobSet controllers): the
 * platform pool. Undefined on Autopilot, which places pods itself.
 */
export function platformNodeSelector(env: EnvironmentConfig): Record<string, string> | undefined {
  return env.names.nodePool === undefined ? undefined : poolSelector(env.names.nodePool);
}

/** Where steps run: every pool of cluster.nodePools by its own name, and the one a step without a selector goes to. */
export function flowPlacement(env: EnvironmentConfig): {
  pools: (PoolPlacement & { own: string; minNodes: number })[];
  defaultPool?: string;
} {
  const names = env.names.nodePools;
  if (names === undefined) return { pools: [] };
  const pools = env.cluster.nodePools.map((p) => ({
    own: p.name,
    name: names[p.name],
    spot: p.spot,
    accelerator: p.accelerator,
    taints: p.taints,
    minNodes: p.minNodes,
  }));
  return { pools, defaultPool: pools.some((p) => p.own === env.cluster.defaultPool) ? env.cluster.defaultPool : undefined };
}

/**
 * Where the pods of a workflow's templates that name no place go: the default pool of the flows (never a GPU pool:
 * the config refuses one as the default), with the tolerations of its taints. None for Autopilot.
 */
export function workflowPlacement(env: EnvironmentConfig) {
  const placement = flowPlacement(env);
  const pool = placement.pools.find((p) => p.own === placement.defaultPool);
  if (pool === undefined) return undefined;
  return {
    nodeSelector: poolSelector(pool.name),
    tolerations: stepPlacement(pool).tolerations,
  } satisfies ArgoWorkflowsProps["workflowPlacement"];
}

/** The JobSet release's settings, or undefined when it is off. */
export function jobsetSettings(env: EnvironmentConfig) {
  const { enabled, repository, chartVersion, image, ...unread } = env.services.jobset;
  allRead(unread);
  if (!enabled) return undefined;
  return { repository, chartVersion, image } satisfies Partial<JobSetProps>;
}

/** The alert policies' settings, or undefined when nobody is named to tell (then none is made). */
export function alertsSettings(env: EnvironmentConfig) {
  const { emails, notificationChannels, thresholds, ...unread } = env.alerts;
  allRead(unread);
  if (emails.length + notificationChannels.length === 0) return undefined;
  return {
    project: env.project,
    displayPrefix: `${env.namePrefix}-${env.name}`,
    emails,
    notificationChannels,
    thresholds,
  } satisfies Partial<PlatformAlertsProps>;
}
