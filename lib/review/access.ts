// Access: every IAM grant, Workload Identity binding and Kubernetes RBAC binding, with broad ones flagged.
import { code, flagCell, flagList, paragraphs, table, truncate } from "./markdown";
import { EnvironmentModel, Flag, ResourceModel, Section, StackModel } from "./model";
import { display, explain, findBlock, inlineRemoteLiterals, refsInString } from "./refs";

const TITLE = "Access";
const PRIMITIVE_ROLES = new Set(["roles/owner", "roles/editor", "roles/viewer"]);
const PUBLIC_MEMBERS = new Set(["allUsers", "allAuthenticatedUsers"]);
const WI_ROLE = "roles/iam.workloadIdentityUser";
// Grants on these scopes reach every resource below them.
const WIDE_SCOPES = new Set(["project", "folder", "organization"]);
// Which argument names the target of a non-project IAM resource, in order of preference.
const TARGET_ARGS = ["bucket", "service_account_id", "secret_id", "repository", "dataset_id", "topic", "subscription", "instance_name", "name", "folder", "org_id"];

/** One member holding one role on one scope. */
export interface Grant {
  readonly member: string;
  readonly role: string;
  /** e.g. "project", "storage_bucket", "service_account". */
  readonly scopeKind: string;
  readonly scope: string;
  readonly condition?: { title?: string; expression?: string };
  readonly resource: ResourceModel;
  /** `*_iam_policy`/`*_iam_binding` resources replace every other holder of the role or policy. */
  readonly authoritative: boolean;
}

/** A Kubernetes service account that acts as a Google service account. */
export interface WorkloadIdentityBinding {
  /** "namespace/name" of the KSA. */
  readonly ksa: string;
  readonly gsa: string;
  readonly binding?: Grant;
  readonly annotation?: ResourceModel;
}

function scopeOf(stack: StackModel, env: EnvironmentModel, r: ResourceModel): { kind: string; scope: string } {
  const kind = r.type.replace(/^google_/, "").replace(/_iam_(member|binding|policy)$/, "");
  const arg = kind === "project" ? "project" : TARGET_ARGS.find((a) => r.body[a] !== undefined);
  const target = arg ? explain(env.synth, stack, r.body[arg]) : "(provider default)";
  return { kind, scope: `${kind} ${target}` };
}

/** Every grant of the environment's IAM resources, one per member. */
export function grants(env: EnvironmentModel): Grant[] {
  const out: Grant[] = [];
  for (const stack of env.stacks) {
    for (const r of stack.resources) {
      const m = /^google_\w+_iam_(member|binding|policy)$/.exec(r.type);
      if (!m) continue;
      const { kind, scope } = scopeOf(stack, env, r);
      const add = (member: string, role: string, condition: any, authoritative: boolean) =>
        out.push({ member: inlineRemoteLiterals(env.synth, stack, member), role, scopeKind: kind, scope, condition: first(condition), resource: r, authoritative });
      if (m[1] === "member") add(String(r.body.member), String(r.body.role), r.body.condition, false);
      else if (m[1] === "binding") for (const member of r.body.members ?? []) add(String(member), String(r.body.role), r.body.condition, true);
      else {
        // An authoritative policy is usually a data.google_iam_policy document: read its bindings.
        const doc = refsInString(String(r.body.policy_data ?? "")).map((ref) => findBlock(stack, ref)).find((d) => d?.type === "google_iam_policy");
        for (const b of [].concat(doc?.body.binding ?? [])) {
          for (const member of (b as any).members ?? []) add(String(member), String((b as any).role), (b as any).condition, true);
        }
      }
    }
  }
  return out;
}

function first(value: any): any {
  return Array.isArray(value) ? value[0] : value;
}

/** What a broad role gives its holder, where the role's name undersells it. */
const ROLE_REACH: Record<string, string> = {
  "roles/container.developer": "every Kubernetes object of every cluster in the project, Secrets included",
};

/** The flags one grant raises. */
export function grantFlags(g: Grant): Flag[] {
  const where = g.resource.path ?? g.resource.address;
  const flags: Flag[] = [];
  const member = display(g.member);
  if (PUBLIC_MEMBERS.has(g.member)) flags.push({ severity: "loud", section: TITLE, message: `public principal ${member} holds ${g.role}`, where, label: "public principal" });
  if (PRIMITIVE_ROLES.has(g.role)) flags.push({ severity: "loud", section: TITLE, message: `primitive role ${g.role} granted to ${member}`, where, label: "primitive role" });
  if (WIDE_SCOPES.has(g.scopeKind) && !g.condition) {
    const reach = ROLE_REACH[g.role] ? ` (${ROLE_REACH[g.role]})` : "";
    flags.push({ severity: "warn", section: TITLE, message: `${g.role} on the whole ${g.scopeKind} without a condition, for ${member}${reach}`, where, label: `${g.scopeKind}-wide, no condition${reach}` });
  }
  if (g.authoritative) flags.push({ severity: "warn", section: TITLE, message: `authoritative ${g.resource.type} removes holders of ${g.role} not listed here`, where, label: "authoritative" });
  return flags;
}

/** "ns/name" of a Workload Identity member: serviceAccount:<pool>[ns/name] or principal://.../subject/ns/<ns>/sa/<name>. */
export function ksaOf(member: string): string | undefined {
  const classic = /^serviceAccount:[^[\]]+\.svc\.id\.goog\[([^/\]]+)\/([^\]]+)\]$/.exec(member);
  if (classic) return `${classic[1]}/${classic[2]}`;
  const principal = /^principal:\/\/.*\/subject\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(member);
  return principal ? `${principal[1]}/${principal[2]}` : undefined;
}

/** Workload Identity: IAM bindings on GSAs joined with the KSAs annotated in the JSON. */
export function workloadIdentity(env: EnvironmentModel, all: Grant[]): WorkloadIdentityBinding[] {
  const byKsa = new Map<string, WorkloadIdentityBinding>();
  for (const g of all) {
    const ksa = ksaOf(g.member);
    if (g.role !== WI_ROLE || !ksa) continue;
    byKsa.set(ksa, { ksa, gsa: g.scope.replace(/^service_account /, ""), binding: g });
  }
  for (const stack of env.stacks) {
    for (const r of stack.resources.filter((x) => /^kubernetes_service_account(_v1)?$/.test(x.type))) {
      const meta = first(r.body.metadata) ?? {};
      const gsa = meta.annotations?.["iam.gke.io/gcp-service-account"];
      if (gsa === undefined) continue;
      const ksa = `${display(meta.namespace ?? "default")}/${display(meta.name)}`;
      const known = byKsa.get(ksa);
      byKsa.set(ksa, { ksa, gsa: known?.gsa ?? explain(env.synth, stack, gsa), binding: known?.binding, annotation: r });
    }
  }
  return [...byKsa.values()].sort((a, b) => a.ksa.localeCompare(b.ksa));
}

interface RbacBinding {
  readonly subjects: string;
  readonly role: string;
  readonly scope: string;
  /** What the bound Role allows, rule by rule, when the Role is in this synth. */
  readonly rights: string[];
  /** A person or group (not a service account) among the subjects. */
  readonly people: boolean;
  readonly resource: ResourceModel;
}

/** The block a lone `${type.name...}` reference names, in the same stack. */
function referenced(stack: StackModel, value: unknown): ResourceModel | undefined {
  const [ref] = typeof value === "string" ? refsInString(value) : [];
  return ref ? findBlock(stack, ref) : undefined;
}

/** A name or namespace that may read `metadata[0].<field>` of a Kubernetes object of this stack, as the literal it is. */
function objectName(stack: StackModel, value: unknown): string {
  const [ref] = typeof value === "string" ? refsInString(value) : [];
  const field = ref && /^metadata\[0\]\.(name|namespace)$/.exec(ref.attr)?.[1];
  const target = field ? findBlock(stack, ref) : undefined;
  const resolved = target && first(target.body.metadata)?.[field!];
  return resolved !== undefined ? objectName(stack, resolved) : display(value);
}

/** "verbs on group/resource" per rule of a Role, e.g. "create, get on batch/jobs". */
function ruleSummary(rule: any): string {
  const groups = [].concat(rule.api_groups ?? [""]).map((g: string) => g || "core");
  const resources = [].concat(rule.resources ?? []).flatMap((r: string) => groups.map((g) => `${g}/${r}`));
  const names = rule.resource_names ? ` (only ${[].concat(rule.resource_names).join(", ")})` : "";
  return `${[].concat(rule.verbs ?? []).join(", ")} on ${resources.join(", ")}${names}`;
}

function rbacBindings(env: EnvironmentModel): RbacBinding[] {
  const out: RbacBinding[] = [];
  for (const stack of env.stacks) {
    for (const r of stack.resources.filter((x) => /^kubernetes_(cluster_)?role_binding(_v1)?$/.test(x.type))) {
      const meta = first(r.body.metadata) ?? {};
      const roleRef = first(r.body.role_ref) ?? {};
      const list: any[] = [].concat(r.body.subject ?? []);
      const subjects = list.map((s: any) => `${s.kind} ${s.namespace ? `${objectName(stack, s.namespace)}/` : ""}${objectName(stack, s.name)}`);
      const clusterWide = r.type.startsWith("kubernetes_cluster_role_binding");
      const role = referenced(stack, roleRef.name);
      out.push({
        subjects: subjects.join(", "),
        role: `${roleRef.kind ?? "Role"} ${objectName(stack, roleRef.name)}`,
        scope: clusterWide ? "cluster" : `namespace ${objectName(stack, meta.namespace ?? "default")}`,
        rights: role ? [].concat(role.body.rule ?? []).map(ruleSummary) : [],
        people: list.some((s) => s.kind === "User" || s.kind === "Group"),
        resource: r,
      });
    }
  }
  return out;
}

export function accessSection(env: EnvironmentModel): Section {
  const all = grants(env);
  const flags: Flag[] = [];
  const rows = all
    .map((g) => {
      const own = grantFlags(g);
      flags.push(...own);
      const condition = g.condition ? `${g.condition.title ?? ""}: ${code(truncate(String(g.condition.expression ?? ""), 160))}` : "none";
      const ksa = ksaOf(g.member);
      const member = ksa && g.role === WI_ROLE ? `KSA ${code(ksa)}` : code(display(g.member));
      return [member, code(g.role), code(g.scope), condition, code(g.resource.path ?? g.resource.address), flagCell(own)];
    })
    .sort((a, b) => a[4].localeCompare(b[4]) || a[0].localeCompare(b[0]));

  const wi = workloadIdentity(env, all);
  const wiRows = wi.map((b) => {
    const notes: string[] = [];
    if (!b.binding) {
      const flag: Flag = { severity: "warn", section: TITLE, message: `KSA ${b.ksa} is annotated with a GSA but no ${WI_ROLE} binding for it is in this synth`, where: b.annotation?.path };
      flags.push(flag);
      notes.push(flagCell([flag]));
    }
    if (!b.annotation) notes.push("KSA not created here (e.g. by a Helm chart): check its annotation");
    return [code(b.ksa), code(b.gsa), b.binding ? code(b.binding.resource.path ?? b.binding.resource.address) : "missing", b.annotation ? code(b.annotation.path ?? b.annotation.address) : "—", notes.join("; ")];
  });

  const roles = env.stacks.flatMap((s) => s.resources.filter((r) => r.type === "google_project_iam_custom_role"));
  const roleRows = roles.map((r) => [code(display(r.body.role_id)), code(explain(env.synth, env.stacks.find((s) => s.name === r.stack)!, r.body.project)), String((r.body.permissions ?? []).length), display(r.body.stage)]);

  const rbac = rbacBindings(env);
  const rbacRows = rbac.map((b) => {
    const where = b.resource.path ?? b.resource.address;
    const own: Flag[] = /\bcluster-admin$/.test(b.role) ? [{ severity: "warn", section: TITLE, message: `cluster-admin bound to ${b.subjects}`, where }] : [];
    // Reading a Secret, or creating pods that mount one, is reading the database passwords.
    if (b.rights.some((r) => /\bcore\/secrets\b/.test(r) || /\*/.test(r))) {
      own.push({ severity: b.people ? "loud" : "warn", section: TITLE, message: `${b.subjects} may read Secrets in ${b.scope} (${b.role})`, where });
    }
    flags.push(...own);
    return [b.subjects, code(b.role), b.scope, b.rights.join("; ") || "—", code(where), flagCell(own)];
  });

  const markdown = paragraphs(
    `${all.length} IAM grants, ${wi.length} Workload Identity bindings, ${rbac.length} Kubernetes role bindings.`,
    flagList(flags),
    "#### IAM grants and Workload Identity bindings",
    table(["Member", "Role", "Scope", "Condition", "Defined at", "Flags"], rows),
    "#### Workload Identity (KSA -> GSA)",
    table(["KSA", "GSA", "IAM binding", "KSA annotation", "Notes"], wiRows),
    roles.length > 0 && "#### Custom roles",
    roles.length > 0 && table(["Role id", "Project", "Permissions", "Stage"], roleRows),
    rbac.length > 0 && "#### Kubernetes RBAC",
    rbac.length > 0 && table(["Subjects", "Role", "Scope", "Allows", "Defined at", "Flags"], rbacRows),
  );
  return { title: TITLE, markdown, flags };
}
