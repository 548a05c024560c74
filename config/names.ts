// Every name an environment gives a GCP resource, with the rule it must meet and where it must be unique:
// checked against GCP's limits per environment, and for collisions across environments.
import { z } from "zod";
import { networkProject, type EnvironmentConfig } from "./environment";
import { customRoleId, serviceAccountId } from "./identity";
import { workloadIdentityPoolId } from "./ci";
import { clusterName, nodePoolName } from "./cluster";
import { sqlInstanceName } from "./database";
import { artifactRegistryRepositoryId } from "./image-cache";
import { rfc1035Name } from "./name-rules";
import { secretIdPrefix } from "./secrets";
import { bucketName } from "./storage";

/** A name the app gives a GCP resource, the rule it must meet, and the setting that changes it. */
export interface DerivedName {
  /** What it names, e.g. "GKE node pool name". */
  readonly what: string;
  readonly name: string;
  readonly rule: z.ZodType;
  /** The setting to change when the name breaks a rule. */
  readonly field: string;
  /** Where the name must be unique, e.g. "project p"; undefined when nothing else in the app can share it. */
  readonly scope?: string;
  /** Names of one kind compete for uniqueness (both service accounts are "service account id"). */
  readonly kind?: string;
}

/** Every name an environment gives a GCP resource, with its limits (documented in docs/configuration.md). */
export function derivedNames(env: EnvironmentConfig): DerivedName[] {
  const { project, region, names } = env;
  const inProject = `project ${project}`;
  const inRegion = `project ${project}, region ${region}`;
  const list: DerivedName[] = [
    { what: "bucket name", name: names.bucket, rule: bucketName, field: "storage.bucketName", scope: "all of Cloud Storage" },
    {
      what: "service account id",
      name: names.serviceAccount,
      rule: serviceAccountId,
      field: "identity.serviceAccountId",
      scope: inProject,
    },
    {
      what: "node service account id (<namePrefix>-<env>-nodes)",
      kind: "service account id",
      name: names.nodeServiceAccount,
      rule: serviceAccountId,
      field: "namePrefix",
      scope: inProject,
    },
    {
      what: "GKE cluster name",
      name: names.cluster,
      rule: clusterName,
      field: "cluster.name",
      scope: `project ${project}, location ${env.cluster.location}`,
    },
    {
      what: "Cloud SQL instance name prefix",
      name: names.sqlInstancePrefix,
      rule: sqlInstanceName,
      field: "namePrefix",
      scope: inProject,
    },
  ];
  // What lives in the VPC is created in the network's project, the Shared VPC host project with network.existing.
  const inNetworkProject = `project ${networkProject(env)}`;
  // network.existing names the organisation's VPC and subnetwork: checked by the schema, and not ours to keep unique.
  if (!env.network.existing) {
    list.push(
      { what: "VPC name", name: names.vpc, rule: rfc1035Name, field: "namePrefix", scope: inProject },
      { what: "subnetwork name", name: names.subnetwork, rule: rfc1035Name, field: "namePrefix", scope: inRegion },
    );
  }
  if (names.privateServiceAccess)
    list.push({
      what: "private service access range name",
      name: names.privateServiceAccess,
      rule: rfc1035Name,
      field: "namePrefix",
      scope: inNetworkProject,
    });
  if (names.router)
    list.push({
      what: "Cloud Router name",
      name: names.router,
      rule: rfc1035Name,
      field: "namePrefix",
      scope: `${inNetworkProject}, region ${region}`,
    });
  if (names.nat) list.push({ what: "Cloud NAT name", name: names.nat, rule: rfc1035Name, field: "namePrefix" });
  if (names.webhookFirewall)
    list.push({
      what: "firewall rule name of the admission webhooks (<namePrefix>-<env>-webhooks)",
      kind: "firewall rule name",
      name: names.webhookFirewall,
      rule: rfc1035Name,
      field: "namePrefix",
      scope: inNetworkProject,
    });
  for (const [ui, name] of Object.entries(names.iapFrontends ?? {})) {
    // The address and the certificate of a UI share the name; each kind is unique in the project.
    list.push({
      what: `global address and certificate name of the ${ui} UI (<namePrefix>-<env>-${ui})`,
      name,
      rule: rfc1035Name,
      field: "namePrefix",
      scope: inProject,
    });
  }
  if (names.internalAddress) {
    list.push({
      what: "internal address name of the services (<namePrefix>-<env>-services)",
      name: names.internalAddress,
      rule: rfc1035Name,
      field: "namePrefix",
      scope: inRegion,
    });
  }
  if (names.nodePool)
    list.push({ what: "GKE node pool name (<cluster.name>-pool)", name: names.nodePool, rule: nodePoolName, field: "cluster.name" });
  env.cluster.nodePools.forEach((pool, i) => {
    const name = names.nodePools?.[pool.name];
    if (name !== undefined) {
      list.push({
        what: `GKE node pool name (<cluster.name>-${pool.name})`,
        name,
        rule: nodePoolName,
        field: `cluster.nodePools.${i}.name`,
      });
    }
  });
  if (names.imageCaches) {
    for (const [upstream, name] of [
      ["Docker Hub", names.imageCaches.dockerHub],
      ["quay.io", names.imageCaches.quay],
    ]) {
      list.push({
        what: `Artifact Registry repository id (the ${upstream} cache)`,
        kind: "Artifact Registry repository id",
        name,
        rule: artifactRegistryRepositoryId,
        field: "namePrefix",
        scope: inRegion,
      });
    }
  }
  list.push({
    what: "Artifact Registry repository id of the flows' images (<namePrefix>-<env>-images)",
    kind: "Artifact Registry repository id",
    name: names.flowImages,
    rule: artifactRegistryRepositoryId,
    field: "namePrefix",
    scope: inRegion,
  });
  // Overlapping prefixes of one project are refused in collisions.ts: equality is only the simplest case.
  list.push({ what: "Secret Manager secret id prefix", name: names.secretPrefix, rule: secretIdPrefix, field: "secrets.prefix" });
  list.push({ what: "custom role id", name: names.secretCreatorRole, rule: customRoleId, field: "namePrefix", scope: inProject });
  if (names.ci) {
    const ci = names.ci;
    list.push(
      {
        what: "Workload Identity pool id (<namePrefix>-<env>-ci)",
        name: ci.pool,
        rule: workloadIdentityPoolId,
        field: "namePrefix",
        scope: inProject,
      },
      {
        what: "CI deployer service account id (<namePrefix>-<env>-deploy)",
        kind: "service account id",
        name: ci.deployer,
        rule: serviceAccountId,
        field: "namePrefix",
        scope: inProject,
      },
      {
        what: "CI planner service account id (<namePrefix>-<env>-plan)",
        kind: "service account id",
        name: ci.planner,
        rule: serviceAccountId,
        field: "namePrefix",
        scope: inProject,
      },
      { what: "custom role id", name: ci.plannerRole, rule: customRoleId, field: "namePrefix", scope: inProject },
    );
  }
  if (names.adminRole)
    list.push({ what: "custom role id", name: names.adminRole, rule: z.string(), field: "identity.createAdminRole", scope: inProject });
  return list;
}
