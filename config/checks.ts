// Rules of one environment that span topics or need the raw input: derived names and their limits, settings the
// chosen mode would ignore, labels, IP capacity, reserved namespaces and duplicates. A rule within one topic lives
// in that topic's file (config/network.ts, config/cluster.ts, ...).
import type { EnvironmentConfig } from "./environment";
import { Issue } from "./errors";
import { derivedNames } from "./names";
import { appLabels, PROVIDER_LABEL_KEYS } from "../lib/labels";
import { SQL_NAME_SUFFIX_LENGTH } from "../lib/names";
import { MAX_LABELS } from "./environment";
import { exposedEndpoints } from "./access";
import { cidrSize, CREATED_RANGES, isCidr, subnetAddressRule } from "./network";
import { BUILT_IN_GPUS } from "./accelerators";
import { machineShape } from "./machine-types";

/** Settings of Standard clusters that Autopilot ignores (it manages nodes and their autoscaling itself). */
const STANDARD_ONLY = [
  "machineType",
  "diskSizeGb",
  "minNodes",
  "maxNodes",
  "nodePools",
  "defaultPool",
  "cpuLimits",
  "memoryLimitsGb",
] as const;

/** GKE gives each node a /24 of the pod range at the default of 110 pods per node. */
const POD_ADDRESSES_PER_NODE = 256;
/** A regional cluster's node pool spans three zones of the region unless node locations are set (they are not here). */
const REGIONAL_NODE_ZONES = 3;
/** GCP reserves four addresses of every subnetwork primary range (network, gateway, two at the end). */
const SUBNET_RESERVED_ADDRESSES = 4;

/** Kubernetes and GKE create these namespaces in every cluster; the app's Namespace resource would fail on them. */
function reservedNamespace(name: string): boolean {
  return name === "default" || /^(kube|gke|gmp)-/.test(name);
}

/** The rules of one environment that the schema cannot express alone. `raw` is the environment as written. */
export function environmentIssues(env: EnvironmentConfig, input: unknown): Issue[] {
  const raw = input as
    { zone?: unknown; cluster?: Record<string, unknown>; storage?: Record<string, unknown>; network?: Record<string, unknown> } | undefined;
  const issues: Issue[] = [];
  const add = (field: string, value: unknown, rule: string) => issues.push({ env: env.name, field, value, rule });
  const c = env.cluster;

  for (const n of derivedNames(env)) {
    const result = n.rule.safeParse(n.name);
    if (result.success) continue;
    // A name the user wrote is reported as written; a derived one names the setting that changes it.
    const written = valueAt(raw, n.field.split("."));
    for (const issue of result.error.issues) {
      if (written === n.name) add(n.field, written, issue.message);
      else add(n.field, written ?? n.name, `the derived ${n.what} "${n.name}" breaks a rule: ${issue.message}`);
    }
  }
  // Cloud SQL: "<project>:<instance>" may not exceed 98 characters (instance settings, "Instance ID").
  if (env.project.length + 1 + env.names.sqlInstancePrefix.length + SQL_NAME_SUFFIX_LENGTH > 98) {
    add("namePrefix", env.namePrefix, 'the Cloud SQL name "<project>:<prefix>-<env>-pg-xxxxxx" must not exceed 98 characters');
  }

  if (c.mode === "autopilot") {
    for (const key of STANDARD_ONLY) {
      if (raw?.cluster?.[key] !== undefined) {
        add(
          `cluster.${key}`,
          raw.cluster[key],
          'applies only to Standard clusters (Autopilot manages nodes itself): remove it or set cluster.mode to "standard"',
        );
      }
    }
  }
  const existing = env.network.existing;
  if (existing !== undefined) {
    if (existing.hostProject === env.project) {
      add(
        "network.existing.hostProject",
        existing.hostProject,
        "is the environment's own project: leave hostProject unset for a VPC in that project, or name the Shared VPC host project",
      );
    }
    // Only a range written in the file is refused: the schema's defaults fill the others, and those are unused.
    for (const field of CREATED_RANGES) {
      if (field === "privateServiceAccessCidr" && existing.privateServiceAccess === "create") continue;
      if (raw?.network?.[field] !== undefined) {
        add(
          `network.${field}`,
          raw.network[field],
          field === "privateServiceAccessCidr"
            ? 'describes a range the app would reserve, and network.existing.privateServiceAccess is "existing": remove it, or set privateServiceAccess to "create"'
            : "describes a range the app would create, and network.existing uses the organisation's subnetwork and its named ranges: remove it",
        );
      }
    }
  }
  if (c.regional && raw?.zone !== undefined) {
    add("zone", raw.zone, "is used only by a zonal cluster, and cluster.regional is true: remove zone");
  }
  if (!env.storage.versioning && raw?.storage?.noncurrentVersionRetentionDays !== undefined) {
    add("storage.noncurrentVersionRetentionDays", raw.storage.noncurrentVersionRetentionDays, "applies only with storage.versioning true");
  }

  // Labels: the app's own keys may not be replaced, and every labelled resource carries at most 64 labels.
  const own = [...Object.keys(appLabels(env.name)), ...PROVIDER_LABEL_KEYS];
  for (const key of Object.keys(env.labels)) {
    if (own.includes(key)) add(`labels.${key}`, env.labels[key], `is a label the app sets itself (${own.join(", ")}): choose another key`);
  }
  const labelCount = new Set([...own, ...Object.keys(env.labels)]).size;
  if (labelCount > MAX_LABELS) {
    add(
      "labels",
      `${Object.keys(env.labels).length} labels`,
      `a resource takes at most ${MAX_LABELS} labels, ${own.length} of them the app's own: use at most ${MAX_LABELS - own.length}`,
    );
  }

  // IP capacity and autoscaling limits of a Standard cluster at its largest: every pool at its maximum (Autopilot
  // sizes nodes and pods per node itself).
  if (c.mode === "standard") {
    const pools = poolsAtMost(env);
    const nodes = pools.reduce((sum, p) => sum + p.nodes, 0);
    const perPool = pools.map((p) => `${p.name} ${p.nodes}`).join(" + ");
    // An existing subnetwork's ranges are not known offline: its capacity is the organisation's to size.
    const { podsCidr, subnetCidr } = existing === undefined ? env.network : { podsCidr: undefined, subnetCidr: undefined };
    if (isCidr(podsCidr) && nodes * POD_ADDRESSES_PER_NODE > cidrSize(podsCidr)) {
      add(
        "network.podsCidr",
        podsCidr,
        `holds the pods of ${cidrSize(podsCidr) / POD_ADDRESSES_PER_NODE} nodes (a /24 per node at 110 pods), but the node pools allow ${nodes} at their maxima (${perPool}): widen the range or lower cluster.maxNodes or cluster.nodePools[].maxNodes`,
      );
    }
    if (isCidr(subnetCidr) && nodes > cidrSize(subnetCidr) - SUBNET_RESERVED_ADDRESSES) {
      add(
        "network.subnetCidr",
        subnetCidr,
        `has ${cidrSize(subnetCidr) - SUBNET_RESERVED_ADDRESSES} node addresses, but the node pools allow ${nodes} nodes (${perPool})`,
      );
    }
    // GKE's autoscaling limits cap the whole cluster, every node pool counted, not only the auto-provisioned ones.
    const vcpus = pools.reduce((sum, p) => sum + p.nodes * p.vcpus, 0);
    if (vcpus > c.cpuLimits.max) {
      add(
        "cluster.cpuLimits.max",
        c.cpuLimits.max,
        `is below the ${vcpus} vCPUs of the node pools at their maxima (${pools.map((p) => `${p.name} ${p.nodes} x ${p.vcpus}`).join(" + ")}): the autoscaler would stop short of them; raise it to at least ${vcpus}`,
      );
    }
    const known = pools.filter((p) => p.memoryGb !== undefined);
    const memory = Math.ceil(known.reduce((sum, p) => sum + p.nodes * (p.memoryGb ?? 0), 0));
    if (memory > c.memoryLimitsGb.max) {
      add(
        "cluster.memoryLimitsGb.max",
        c.memoryLimitsGb.max,
        `is below the ${memory} GB of memory of the node pools at their maxima (${known.map((p) => `${p.name} ${p.nodes} x ${p.memoryGb} GB`).join(" + ")}): raise it to at least ${memory}`,
      );
    }
  }

  for (const [key, value] of Object.entries(env.services)) {
    if (key.endsWith("Namespace") && typeof value === "string" && reservedNamespace(value)) {
      add(`services.${key}`, value, 'is a namespace every GKE cluster already has ("default", kube-*, gke-*, gmp-*): choose another name');
    }
  }
  issues.push(...accessIssues(env, raw));
  issues.push(...duplicateIssues(env.name, env, []));
  return issues;
}

/** services.access against the rest: who may pass IAP, the internal address, and endpoints the mode derives itself. */
function accessIssues(env: EnvironmentConfig, raw: unknown): Issue[] {
  const issues: Issue[] = [];
  const add = (field: string, value: unknown, rule: string) => issues.push({ env: env.name, field, value, rule });
  const access = env.services.access;
  const derived = Object.keys(exposedEndpoints(access));
  for (const key of derived) {
    const written = valueAt(raw, ["services", "endpoints", key]);
    if (written !== undefined) {
      add(`services.endpoints.${key}`, written, `is derived from services.access in "${access.mode}" access: remove it`);
    }
  }
  if (access.mode === "iap" && (access.members ?? env.identity.flowRunners).length === 0) {
    add(
      "services.access.members",
      access.members,
      "nobody could pass Identity-Aware Proxy: list the members who may open the UIs, or set identity.flowRunners",
    );
  }
  // With network.existing the subnetwork's range is the organisation's, unknown offline: the preflight checks it.
  const subnet = env.network.subnetCidr;
  if (access.mode === "internal" && env.network.existing === undefined && isCidr(subnet)) {
    const rule = subnetAddressRule(access.address, subnet);
    if (rule) add("services.access.address", access.address, `${rule}, network.subnetCidr ${subnet}`);
  }
  return issues;
}

/** The platform pool and each of cluster.nodePools at its largest: nodes across its zones, and each node's vCPUs and memory. */
function poolsAtMost(env: EnvironmentConfig): { name: string; nodes: number; vcpus: number; memoryGb?: number }[] {
  const c = env.cluster;
  const zones = (own?: readonly string[]) => own?.length ?? (c.regional ? REGIONAL_NODE_ZONES : 1);
  const shape = (machineType: string) => BUILT_IN_GPUS[machineType] ?? machineShape(machineType) ?? { vcpus: 0 };
  return [
    { name: "platform", nodes: c.maxNodes * zones(), ...shape(c.machineType) },
    ...c.nodePools.map((p) => ({ name: p.name, nodes: p.maxNodes * zones(p.zones), ...shape(p.machineType) })),
  ].map(({ name, nodes, vcpus, memoryGb }) => ({ name, nodes, vcpus, memoryGb }));
}

/** Lists of objects whose other fields may repeat, with the fields that must not: two pools may share a machine type. */
const OWN_KEYS: [RegExp, string[]][] = [[/^cluster\.nodePools$/, ["name"]]];

/** Refuses two equal entries (ignoring case) in any list, or two equal values of one field in a list of objects. */
function duplicateIssues(env: string, value: unknown, path: string[]): Issue[] {
  if (value === null || typeof value !== "object") return [];
  if (!Array.isArray(value)) return Object.entries(value).flatMap(([key, v]) => duplicateIssues(env, v, [...path, key]));
  const issues: Issue[] = [];
  const byKey = (key: string): [string[], unknown[]] => [[key], value.map((v) => (v as Record<string, unknown>)[key])];
  const own = OWN_KEYS.find(([pattern]) => pattern.test(path.join(".")))?.[1];
  const columns: [string[], unknown[]][] = own
    ? own.map(byKey)
    : value.every((v) => v !== null && typeof v === "object")
      ? [...new Set(value.flatMap((v) => Object.keys(v)))].map(byKey)
      : [[[], value]];
  for (const [suffix, column] of columns) {
    const seen = new Map<string, number>();
    column.forEach((v, i) => {
      if (v === undefined) return;
      const key = JSON.stringify(v).toLowerCase();
      const first = seen.get(key);
      if (first === undefined) return void seen.set(key, i);
      const at = (n: number) => [...path, String(n), ...suffix].join(".");
      issues.push({ env, field: at(i), value: v, rule: `duplicates ${at(first)}: each entry may appear only once` });
    });
  }
  return issues;
}

function valueAt(input: unknown, path: string[]): unknown {
  return path.reduce<unknown>(
    (current, key) => (current !== null && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined),
    input,
  );
}
