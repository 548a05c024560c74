// Change review: what a new synth adds, removes and changes against an older one, and above all which
// changes make Terraform destroy a stateful resource (a new address, or an attribute it cannot update).
import diff, { Difference } from "microdiff";
import { code, paragraphs, table, truncate } from "./markdown";
import { EnvironmentModel, Flag, ResourceModel, Section, StackModel } from "./model";
import { refsIn } from "./refs";

const TITLE = "Change review";

/** Types whose replacement loses data or takes down what runs on them. */
export const STATEFUL_TYPES = /^(google_sql_database_instance|google_sql_database|google_storage_bucket|google_container_cluster|google_container_node_pool|google_compute_disk|google_filestore_instance|google_redis_instance|google_bigquery_dataset|kubernetes_persistent_volume_claim(_v1)?|kubernetes_persistent_volume(_v1)?|kubernetes_namespace(_v1)?)$/;

/**
 * Arguments the provider cannot update in place (a change plans a replacement), as patterns over diff
 * paths such as "settings[0].tier". Only well-known ones: a missing entry under-reports, never over-reports.
 */
export const FORCE_NEW: Record<string, RegExp> = {
  google_sql_database_instance: /^(name|region|project|master_instance_name|encryption_key_name)$/,
  google_sql_database: /^(name|instance|project)$/,
  google_storage_bucket: /^(name|location|project)$/,
  google_container_cluster: /^(name|location|project|network|subnetwork|enable_autopilot|networking_mode|ip_allocation_policy\b.*|private_cluster_config\[0\]\.master_ipv4_cidr_block)$/,
  google_container_node_pool: /^(name|name_prefix|cluster|location|project)$/,
  google_compute_disk: /^(name|zone|project|type|image|snapshot)$/,
  google_compute_network: /^(name|project|auto_create_subnetworks)$/,
  google_compute_subnetwork: /^(name|region|network|project)$/,
  google_service_account: /^(account_id|project)$/,
  google_service_account_key: /^(service_account_id|keepers\b.*|key_algorithm|private_key_type|public_key_type)$/,
  kubernetes_namespace: /^metadata\[0\]\.name$/,
  kubernetes_namespace_v1: /^metadata\[0\]\.name$/,
  kubernetes_persistent_volume_claim: /^(metadata\[0\]\.(name|namespace)|spec\[0\]\.(storage_class_name|access_modes\b.*))$/,
  kubernetes_persistent_volume_claim_v1: /^(metadata\[0\]\.(name|namespace)|spec\[0\]\.(storage_class_name|access_modes\b.*))$/,
  random_id: /^(byte_length|keepers\b.*|prefix)$/,
  // Every argument of random_password forces a new password.
  random_password: /.*/,
};

/** Diff path as text: ["settings", 0, "tier"] -> "settings[0].tier". */
export function pathText(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** Engine and major version: POSTGRES_16 -> POSTGRES_16, MYSQL_8_0_31 -> MYSQL_8_0. */
export function majorVersion(version: string): string {
  const m = /^(POSTGRES_\d+|MYSQL_\d+_\d+|SQLSERVER_\d+_[A-Z]+)/.exec(version);
  return m ? m[1] : version;
}

/** Why a resource is replaced or otherwise needs care; `destroys` is true for a destroy (and create). */
export interface Hazard {
  readonly stack: string;
  readonly address: string;
  readonly type: string;
  readonly path?: string;
  readonly destroys: boolean;
  readonly reason: string;
}

export interface StackChanges {
  readonly stack: string;
  readonly status: "added" | "removed" | "changed";
  readonly added: ResourceModel[];
  readonly removed: ResourceModel[];
  /** Resources whose address changed but that are the same thing (same type and identity). */
  readonly renamed: { from: ResourceModel; to: ResourceModel; moved: boolean }[];
  readonly changed: { from: ResourceModel; to: ResourceModel; diffs: Difference[] }[];
  readonly settings: string[];
  readonly hazards: Hazard[];
  /** Addresses Terraform will replace, with the reason. */
  readonly replaced: Map<string, string>;
}

// References differ by the Terraform name of what they point at; a rename changes those names too.
const normalizeRefs = (s: string) => s.replace(/\$\{([^}]*)\}/g, (_, e: string) => `\${${e.replace(/\b((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]*)\.[\w-]+/g, "$1.*")}}`);

/** What makes two resources of one type "the same thing" across a rename. */
export function identity(r: ResourceModel): string | undefined {
  const b = r.body;
  const meta = Array.isArray(b.metadata) ? b.metadata[0] : b.metadata;
  const parts = meta?.name !== undefined
    ? [meta.namespace ?? "default", meta.name]
    : b.name !== undefined ? [b.project, b.location ?? b.region, b.name]
    : b.account_id !== undefined ? [b.project, b.account_id]
    : b.role !== undefined ? [b.role, b.member ?? b.members, b.service_account_id ?? b.bucket ?? b.project]
    : undefined;
  return parts === undefined ? undefined : normalizeRefs(JSON.stringify(parts));
}

function movedPairs(json: any): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const m of [].concat(json?.moved ?? [])) pairs.set((m as any).from, (m as any).to);
  return pairs;
}

function describe(r: ResourceModel): string {
  return r.path ? `${r.path} (${r.address})` : r.address;
}

/** Compares one stack's two versions (either may be missing). */
export function compareStack(before: StackModel | undefined, after: StackModel | undefined): StackChanges {
  const name = (after ?? before)!.name;
  const oldRes = new Map((before?.resources ?? []).map((r) => [r.address, r]));
  const newRes = new Map((after?.resources ?? []).map((r) => [r.address, r]));
  let removed = [...oldRes.values()].filter((r) => !newRes.has(r.address));
  let added = [...newRes.values()].filter((r) => !oldRes.has(r.address));

  // Pair removed and added resources that are the same thing under a new address.
  const moved = movedPairs(after?.json);
  const renamed: StackChanges["renamed"] = [];
  for (const from of [...removed]) {
    const movedTo = moved.get(from.address);
    const id = identity(from);
    const to = added.find((a) => a.address === movedTo) ?? (id === undefined ? undefined : added.find((a) => a.type === from.type && identity(a) === id));
    if (!to) continue;
    renamed.push({ from, to, moved: to.address === movedTo });
    removed = removed.filter((r) => r !== from);
    added = added.filter((a) => a !== to);
  }

  const changed: StackChanges["changed"] = [];
  for (const [address, to] of newRes) {
    const from = oldRes.get(address);
    if (!from) continue;
    const diffs = diff(from.body, to.body);
    if (diffs.length > 0) changed.push({ from, to, diffs });
  }

  const replaced = new Map<string, string>();
  const hazards = findHazards(name, removed, renamed, changed, after, replaced);
  const settings = stackSettings(before, after);
  return { stack: name, status: !before ? "added" : !after ? "removed" : "changed", added, removed, renamed, changed, settings, hazards, replaced };
}

function stackSettings(before: StackModel | undefined, after: StackModel | undefined): string[] {
  if (!before || !after) return [];
  const out: string[] = [];
  if (JSON.stringify(before.backend) !== JSON.stringify(after.backend)) {
    out.push(`backend ${code(JSON.stringify(before.backend))} -> ${code(JSON.stringify(after.backend))}: migrate the state (\`terraform init -migrate-state\`) or Terraform starts from empty state`);
  }
  const oldP = before.json.terraform?.required_providers ?? {};
  const newP = after.json.terraform?.required_providers ?? {};
  for (const p of [...new Set([...Object.keys(oldP), ...Object.keys(newP)])].sort()) {
    const a = oldP[p]?.version;
    const b = newP[p]?.version;
    if (a !== b) out.push(`provider ${code(p)} ${a ? code(a) : "(none)"} -> ${b ? code(b) : "(none)"}`);
  }
  return out;
}

function findHazards(
  stack: string,
  removed: ResourceModel[],
  renamed: StackChanges["renamed"],
  changed: StackChanges["changed"],
  after: StackModel | undefined,
  replaced: Map<string, string>,
): Hazard[] {
  const hazards: Hazard[] = [];
  const hazard = (r: ResourceModel, destroys: boolean, reason: string) =>
    hazards.push({ stack, address: r.address, type: r.type, path: r.path, destroys, reason });

  for (const r of removed) if (STATEFUL_TYPES.test(r.type)) hazard(r, true, "removed from the code: Terraform destroys it");
  for (const { from, to, moved } of renamed) {
    if (moved) continue;
    replaced.set(to.address, `its address changed from ${from.address}`);
    if (STATEFUL_TYPES.test(to.type)) {
      hazard(to, true, `construct path or ID changed (${from.path ?? from.address} -> ${to.path ?? to.address}): Terraform destroys the old address and creates the new one; keep the ID, or move the state (\`moveTo\`/\`moved\` block, \`terraform state mv\`)`);
    }
  }
  for (const { from, to, diffs } of changed) {
    const forceNew = FORCE_NEW[to.type];
    const forcing = forceNew ? diffs.filter((d) => forceNew.test(pathText(d.path))) : [];
    if (forcing.length > 0) {
      const what = forcing.map((d) => `${pathText(d.path)} ${show(d, "oldValue")} -> ${show(d, "value")}`).join(", ");
      replaced.set(to.address, what);
      if (STATEFUL_TYPES.test(to.type)) hazard(to, true, `${what} cannot be changed in place: Terraform destroys and recreates it`);
    }
    if (to.type === "google_sql_database_instance" && typeof from.body.database_version === "string" && typeof to.body.database_version === "string") {
      const a = majorVersion(from.body.database_version);
      const b = majorVersion(to.body.database_version);
      if (a !== b) hazard(to, false, `database_version ${a} -> ${b}: an in-place major version upgrade with downtime that cannot be rolled back; take a backup first`);
    }
    if (STATEFUL_TYPES.test(to.type) && from.body.deletion_protection !== false && to.body.deletion_protection === false) {
      hazard(to, false, "deletion_protection turned off");
    }
  }

  // A replaced resource changes the values other resources read from it (a new random_id.hex renames
  // the SQL instance that uses it): follow references in immutable arguments until nothing new is replaced.
  for (let grew = true; grew && after; ) {
    grew = false;
    for (const r of after.resources) {
      const forceNew = FORCE_NEW[r.type];
      if (!forceNew || replaced.has(r.address)) continue;
      for (const [key, value] of Object.entries(r.body)) {
        if (!forceNew.test(key)) continue;
        const cause = refsIn(value).find((ref) => replaced.has(ref.address));
        if (!cause) continue;
        replaced.set(r.address, `${key} reads ${cause.text}, which is replaced`);
        if (STATEFUL_TYPES.test(r.type)) hazard(r, true, `${key} reads ${cause.text}, which is replaced (${replaced.get(cause.address)}): Terraform destroys and recreates it`);
        grew = true;
        break;
      }
    }
  }
  return hazards;
}

function show(d: Difference, key: "value" | "oldValue"): string {
  if (!(key in d)) return "(unset)";
  return JSON.stringify((d as any)[key]);
}

function diffLine(d: Difference): string {
  const p = pathText(d.path);
  if (d.type === "CREATE") return `+ ${p} = ${truncate(JSON.stringify(d.value), 70)}`;
  if (d.type === "REMOVE") return `- ${p} (was ${truncate(JSON.stringify(d.oldValue), 70)})`;
  return `~ ${p}: ${truncate(JSON.stringify(d.oldValue), 50)} -> ${truncate(JSON.stringify(d.value), 50)}`;
}

/** Compares an environment's stacks in two synths; `before` is undefined when the environment is new. */
export function compareEnvironment(before: EnvironmentModel | undefined, after: EnvironmentModel): StackChanges[] {
  const names = [...new Set([...(before?.stacks ?? []), ...after.stacks].map((s) => s.name))];
  const order = (n: string) => after.stacks.findIndex((s) => s.name === n);
  names.sort((a, b) => (order(a) === -1 ? 99 : order(a)) - (order(b) === -1 ? 99 : order(b)) || a.localeCompare(b));
  return names.map((n) => compareStack(before?.stacks.find((s) => s.name === n), after.stacks.find((s) => s.name === n)));
}

export function changesSection(after: EnvironmentModel, before: EnvironmentModel | undefined, against: string | undefined): Section {
  if (against === undefined) {
    return { title: TITLE, markdown: "Not compared: run with `--against <previous cdktf.out>` to see what this synth adds, removes and replaces.", flags: [] };
  }
  const all = compareEnvironment(before, after);
  const hazards = all.flatMap((c) => c.hazards);
  const flags: Flag[] = hazards.map((h) => ({
    severity: h.destroys ? "loud" : "warn",
    section: TITLE,
    message: `${h.destroys ? "DESTROYS " : ""}${h.type}: ${h.reason}`,
    where: h.path ?? h.address,
  }));
  const destroying = hazards.filter((h) => h.destroys);
  const prominent = destroying.length > 0
    ? paragraphs(
        `#### ⛔ ${destroying.length} stateful resource${destroying.length === 1 ? "" : "s"} destroyed or recreated`,
        destroying.map((h) => `- **${h.stack}** ${code(h.path ?? h.address)} (${code(h.type)}): ${h.reason}`).join("\n"),
      )
    : "No stateful resource is destroyed or recreated.";
  const careful = hazards.filter((h) => !h.destroys);

  const perStack = all.map((c) => {
    const replacedCount = c.changed.filter(({ to }) => c.replaced.has(to.address)).length;
    const counts = `${c.added.length} added, ${c.removed.length} removed, ${c.renamed.length} renamed, ${c.changed.length} changed (${replacedCount} replaced)`;
    const rows: string[][] = [
      ...c.added.map((r) => ["added", code(r.type), code(r.path ?? r.address), ""]),
      ...c.removed.map((r) => ["removed", code(r.type), code(r.path ?? r.address), STATEFUL_TYPES.test(r.type) ? "stateful" : ""]),
      ...c.renamed.map(({ from, to, moved }) => [moved ? "moved" : "renamed (destroy + create)", code(to.type), `${code(describe(from))} -> ${code(describe(to))}`, ""]),
      ...c.changed.map(({ to, diffs }) => [c.replaced.has(to.address) ? "replaced" : "changed", code(to.type), code(to.path ?? to.address), diffs.slice(0, 8).map((d) => code(diffLine(d))).join("<br>") + (diffs.length > 8 ? `<br>… ${diffs.length - 8} more` : "")]),
    ];
    const status = c.status === "changed" ? counts : `stack ${c.status}; ${counts}`;
    return paragraphs(
      `#### ${code(c.stack)}: ${status}`,
      c.settings.map((s) => `- ${s}`).join("\n"),
      table(["Change", "Type", "Resource", "Details"], rows, "_No resource changes._"),
    );
  });

  const markdown = paragraphs(
    `Compared with ${code(against)}${before ? "" : " (the environment is new there)"}.`,
    prominent,
    careful.length > 0 && "#### Changes that need care",
    careful.length > 0 && careful.map((h) => `- **${h.stack}** ${code(h.path ?? h.address)}: ${h.reason}`).join("\n"),
    ...perStack,
  );
  return { title: TITLE, markdown, flags };
}
