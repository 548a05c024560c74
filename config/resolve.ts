// From a parsed environment to the resolved one the stacks build: the zone, the derived names, the security group.
// Every name the app gives a GCP resource is derived here, once; the stacks hand them to the constructs.
import { Issue } from "./errors";
import { EnvironmentConfig, ParsedApp, ParsedEnvironment, ResourceNames } from "./environment";
import { machineTypeRule } from "./machine-types";
import { nodePoolIssues } from "./node-pools";
import { ADMIN_ROLE_ID } from "../lib/defaults";
import { exposedEndpoints } from "./access";
import { didYouMean } from "./errors";
import { REGION_ZONES, zonesOf } from "./regions";
import { DUAL_REGIONS, MULTI_REGIONS, storageLocation, storageLocationNames } from "./storage-locations";

/** Fills in the zone and the derived names; `issues` collects a region, zone, bucket location or machine type outside the tables. */
export function resolve(
  name: string,
  env: ParsedEnvironment,
  { extraZones, extraMachineTypes, acceleratorZones }: Pick<ParsedApp, "extraZones" | "extraMachineTypes" | "acceleratorZones">,
  issues: Issue[],
): EnvironmentConfig {
  const zones = zonesOf(env.region, extraZones);
  if (zones.length === 0) {
    const known = [...Object.keys(REGION_ZONES), ...Object.keys(extraZones)];
    issues.push({
      env: name,
      field: "region",
      value: env.region,
      rule: `is not a GCP region in config/regions.ts${didYouMean(env.region, known)}; for a newer region, list its zones under extraZones`,
    });
  } else if (env.zone !== undefined && !zones.includes(env.zone)) {
    issues.push({
      env: name,
      field: "zone",
      value: env.zone,
      rule: `must be a zone of the region ${env.region}: ${zones.join(", ")} (a newer zone goes under extraZones)`,
    });
  }
  // Unset, the bucket is in the environment's region, checked above.
  let location = env.region.toUpperCase();
  if (env.storage.location !== undefined) {
    const known = storageLocation(env.storage.location, Object.keys(extraZones));
    if (known === undefined) {
      const rule = storageLocationRule(env.storage.location, Object.keys(extraZones));
      issues.push({ env: name, field: "storage.location", value: env.storage.location, rule });
    }
    location = known ?? env.storage.location;
  }
  // Autopilot picks its nodes' machine types itself; the schema's default is then unused.
  const machineRule = env.cluster.mode === "standard" ? machineTypeRule(env.cluster.machineType, extraMachineTypes) : undefined;
  if (machineRule !== undefined)
    issues.push({ env: name, field: "cluster.machineType", value: env.cluster.machineType, rule: machineRule });
  const standard = env.cluster.mode === "standard";
  if (standard && zones.length > 0) {
    const clusterZones = env.cluster.regional ? undefined : [env.zone ?? zones[0]];
    const where = { region: env.region, regionZones: zones, clusterZones };
    issues.push(...nodePoolIssues(name, env.cluster.nodePools, where, { extraMachineTypes, acceleratorZones }));
  }
  const base = `${env.namePrefix}-${name}`;
  const zone = env.zone ?? zones[0] ?? `${env.region}-a`;
  const securityGroup = env.cluster.securityGroup ?? defaultSecurityGroup(name, env, issues);
  const clusterName = env.cluster.name ?? base;
  const existing = env.network.existing;
  const names: ResourceNames = {
    bucket: env.storage.bucketName ?? `${env.project}-metaflow-${name}`,
    serviceAccount: env.identity.serviceAccountId ?? base,
    nodeServiceAccount: `${base}-nodes`,
    cluster: clusterName,
    nodePool: standard ? `${clusterName}-pool` : undefined,
    nodePools: standard ? Object.fromEntries(env.cluster.nodePools.map((p) => [p.name, `${clusterName}-${p.name}`])) : undefined,
    sqlInstancePrefix: `${base}-pg`,
    // network.existing: the organisation's VPC and subnetwork, and ours only what it asks to create.
    vpc: existing?.network ?? `${base}-vpc`,
    subnetwork: existing?.subnetwork ?? `${base}-subnet`,
    privateServiceAccess: existing?.privateServiceAccess === "existing" ? undefined : `${base}-psa`,
    router: existing?.nat === "existing" ? undefined : `${base}-router`,
    nat: existing?.nat === "existing" ? undefined : `${base}-nat`,
    adminRole: env.identity.createAdminRole ? ADMIN_ROLE_ID : undefined,
    ci: env.ci && {
      pool: `${base}-ci`,
      deployer: `${base}-deploy`,
      planner: `${base}-plan`,
      // Custom role ids take letters, digits, "_" and "." only.
      plannerRole: `${base.replace(/-/g, "_")}_ci_plan`,
    },
    imageCaches: env.imageCache.enabled ? { dockerHub: `${base}-docker-hub`, quay: `${base}-quay` } : undefined,
    flowImages: `${base}-images`,
    // secrets.prefix: the FlowSecrets construct's conditions and, through the infra outputs, Metaflow's prefix.
    secretPrefix: env.secrets.prefix ?? `${base}-`,
    secretCreatorRole: `${base.replace(/-/g, "_")}_secret_create`,
    // services.access: the UIs' addresses and certificates, or the services' internal address.
    iapFrontends: env.services.access.mode === "iap" ? { ui: `${base}-ui`, argo: `${base}-argo` } : undefined,
    internalAddress: env.services.access.mode === "internal" ? `${base}-services` : undefined,
    // services.jobset.enabled: the infra stack's firewall rule for the JobSet webhooks.
    // network.existing.webhookFirewall "existing": the network's owners have it.
    webhookFirewall: env.services.jobset.enabled && existing?.webhookFirewall !== "existing" ? `${base}-webhooks` : undefined,
  };
  return {
    ...env,
    name,
    zone,
    storage: { ...env.storage, location },
    // What the access mode exposes replaces the port-forward defaults (environmentIssues refuses them written).
    services: { ...env.services, endpoints: { ...env.services.endpoints, ...exposedEndpoints(env.services.access) } },
    cluster: { ...env.cluster, location: env.cluster.regional ? env.region : zone, securityGroup },
    ci: env.ci && { ...env.ci, github: { ...env.ci.github, deployEnvironment: env.ci.github.deployEnvironment ?? name } },
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

/** Why a bucket location is refused, with the closest location or, for a continent's name, its multi-region. */
function storageLocationRule(location: string, extraRegions: string[]): string {
  const continent = /^[a-z]+$/i.test(location) ? MULTI_REGIONS.find((m) => location.toUpperCase().startsWith(m)) : undefined;
  const hint = continent ? ` (did you mean "${continent}"?)` : didYouMean(location, storageLocationNames(extraRegions));
  return (
    `is not a Cloud Storage location${hint}: a region of config/regions.ts or extraZones (such as europe-west1), ` +
    `a predefined dual-region (${DUAL_REGIONS.join(", ")}) or a multi-region (${MULTI_REGIONS.join(", ")})`
  );
}
