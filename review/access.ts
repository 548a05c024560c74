// Access: every IAM grant, Workload Identity binding and Kubernetes RBAC binding, with broad ones flagged.
// Principals are shown as a reviewer knows them (an email, a KSA, a group), the expression beside them.
import { ACCESS as TITLE, grantFlags, grants, WI_ROLE } from "./grants";
import { code, flagCell, flagList, paragraphs, table, truncate } from "./markdown";
import { EnvironmentModel, Flag, JsonObject, ResourceModel, Section, SectionContext, StackModel } from "./model";
import { display, explain, findBlock, readable, refsInString } from "./refs";
import { principal } from "./resolve";
import { ksaOf, workloadIdentity } from "./workload-identity";
import { block, blocks, list } from "./shared";

export { grants, grantFlags } from "./grants";
export type { Grant } from "./grants";
export { ksaOf, workloadIdentity } from "./workload-identity";

interface RbacBinding {
  /** Each subject as "Kind namespace/name", resolved where the JSON fixes it. */
  readonly subjects: string;
  /** The subjects as written, when that differs. */
  readonly written?: string;
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

/** "verbs on group/resource" per rule of a Role, e.g. "create, get on batch/jobs". */
function ruleSummary(rule: JsonObject): string {
  const groups = list(rule.api_groups ?? [""]).map((g) => g || "core");
  const resources = list(rule.resources).flatMap((r) => groups.map((g) => `${g}/${r}`));
  const names = rule.resource_names ? ` (only ${list(rule.resource_names).join(", ")})` : "";
  return `${list(rule.verbs).join(", ")} on ${resources.join(", ")}${names}`;
}

function rbacBindings(env: EnvironmentModel): RbacBinding[] {
  const out: RbacBinding[] = [];
  const name = (stack: StackModel, value: unknown) => principal(env.synth, stack, value);
  for (const stack of env.stacks) {
    for (const r of stack.resources.filter((x) => /^kubernetes_(cluster_)?role_binding(_v1)?$/.test(x.type))) {
      const meta = block(r.body.metadata);
      const roleRef = block(r.body.role_ref);
      const subjectBlocks = blocks(r.body.subject);
      const subject = (s: JsonObject, part: "name" | "written") => {
        const ns = s.namespace === undefined ? undefined : name(stack, s.namespace);
        const n = name(stack, s.name);
        const pick = (p: { name: string; written?: string }) => (part === "written" ? (p.written ?? p.name) : p.name);
        return `${s.kind} ${ns ? `${pick(ns)}/` : ""}${pick(n)}`;
      };
      const subjects = subjectBlocks.map((s) => subject(s, "name")).join(", ");
      const written = subjectBlocks.map((s) => subject(s, "written")).join(", ");
      const clusterWide = r.type.startsWith("kubernetes_cluster_role_binding");
      const role = referenced(stack, roleRef.name);
      out.push({
        subjects,
        written: written === subjects ? undefined : written,
        role: `${roleRef.kind ?? "Role"} ${name(stack, roleRef.name).name}`,
        scope: clusterWide ? "cluster" : `namespace ${name(stack, meta.namespace ?? "default").name}`,
        rights: role ? blocks(role.body.rule).map(ruleSummary) : [],
        people: subjectBlocks.some((s) => s.kind === "User" || s.kind === "Group"),
        resource: r,
      });
    }
  }
  return out;
}

/**
 * What Google Groups for RBAC needs outside Terraform, per cluster that turns it on: GKE reads the groups of
 * `gke-security-groups@<domain>` and does not create it ("Configure Google Groups for RBAC", GKE documentation).
 */
function groupsForRbac(env: EnvironmentModel, rbac: RbacBinding[]): string | undefined {
  const groups = [...new Set(rbac.flatMap((b) => [...b.subjects.matchAll(/\bGroup ([^,\s]+)/g)].map((m) => m[1])))];
  const lines = env.stacks
    .flatMap((s) => s.resources.filter((r) => r.type === "google_container_cluster"))
    .map((r) => ({ r, group: block(r.body.authenticator_groups_config).security_group }))
    .filter(({ group }) => typeof group === "string" && group !== "")
    .map(
      ({ r, group }) =>
        `**Google Groups for RBAC** is on for GKE ${code(display(r.body.name))}: the group ${code(display(group))} must exist ` +
        "in your Google Workspace or Cloud Identity domain before users rely on it, with View Members allowed to group members, " +
        `and hold as members the groups Kubernetes RBAC names${groups.length > 0 ? ` (${groups.map(code).join(", ")})` : ""}. ` +
        "GKE does not create it; until it exists, a Group subject matches nobody.",
    );
  return lines.length > 0 ? lines.join("\n\n") : undefined;
}

/** The stack a resource belongs to. */
const stackOf = (env: EnvironmentModel, r: ResourceModel) => env.stacks.find((s) => s.name === r.stack);

/** The expressions a row was resolved from, for traceability. */
function writtenCell(...parts: (string | undefined)[]): string {
  return (
    parts
      .filter((p): p is string => p !== undefined)
      .map((p) => code(p))
      .join("<br>") || "—"
  );
}

export function accessSection({ env, acknowledge }: SectionContext): Section {
  const all = grants(env);
  const flags: Flag[] = [];
  const rows = all
    .map((g) => {
      const own = acknowledge(grantFlags(g));
      flags.push(...own);
      const condition = g.condition
        ? `${g.condition.title ?? ""}: ${code(truncate(readable(stackOf(env, g.resource), g.condition.expression ?? ""), 160))}`
        : "none";
      const ksa = ksaOf(g.member.name);
      const member = ksa && g.role === WI_ROLE ? `KSA ${code(ksa)}` : code(g.member.name);
      return [
        member,
        code(g.role),
        code(g.scope),
        condition,
        code(g.resource.path ?? g.resource.address),
        writtenCell(g.member.written, g.scopeWritten),
        flagCell(own),
      ];
    })
    .sort((a, b) => a[4].localeCompare(b[4]) || a[0].localeCompare(b[0]));

  const wi = workloadIdentity(env, all);
  const wiRows = wi.map((b) => {
    const notes: string[] = [];
    const where = b.annotation?.resource.path ?? b.binding?.resource.path;
    const note = (message: string) => {
      const [flag] = acknowledge([{ severity: "warn", section: TITLE, message, where }]);
      flags.push(flag);
      notes.push(flagCell([flag]));
    };
    if (!b.binding) note(`KSA ${b.ksa} is annotated with a GSA but no ${WI_ROLE} binding for it is in this synth`);
    if (!b.annotation)
      notes.push("KSA not created here and no Helm values annotate it: check its iam.gke.io/gcp-service-account annotation");
    else if (b.binding && b.annotation.gsa !== b.gsa)
      note(`KSA ${b.ksa} is annotated with ${b.annotation.gsa} but bound to ${b.gsa}: its pods get no Google credentials`);
    const annotation = b.annotation ? `${code(b.annotation.gsa)} (${b.annotation.source})` : "—";
    return [
      code(b.ksa),
      code(b.gsa),
      b.binding ? code(b.binding.resource.path ?? b.binding.resource.address) : "missing",
      annotation,
      notes.join("; "),
    ];
  });

  const roles = env.stacks.flatMap((s) => s.resources.filter((r) => r.type === "google_project_iam_custom_role"));
  const roleRows = roles.map((r) => [
    code(display(r.body.role_id)),
    code(
      explain(
        env.synth,
        env.stacks.find((s) => s.name === r.stack)!,
        r.body.project,
      ),
    ),
    String(list(r.body.permissions).length),
    display(r.body.stage),
  ]);

  const rbac = rbacBindings(env);
  const rbacRows = rbac.map((b) => {
    const where = b.resource.path ?? b.resource.address;
    const found: Flag[] = /\bcluster-admin$/.test(b.role)
      ? [{ severity: "warn", section: TITLE, message: `cluster-admin bound to ${b.subjects}`, where }]
      : [];
    // Reading a Secret, or creating pods that mount one, is reading the database passwords.
    if (b.rights.some((r) => /\bcore\/secrets\b/.test(r) || /\*/.test(r))) {
      found.push({
        severity: b.people ? "loud" : "warn",
        section: TITLE,
        message: `${b.subjects} may read Secrets in ${b.scope} (${b.role})`,
        where,
      });
    }
    const own = acknowledge(found);
    flags.push(...own);
    return [b.subjects, code(b.role), b.scope, b.rights.join("; ") || "—", code(where), writtenCell(b.written), flagCell(own)];
  });

  const markdown = paragraphs(
    `${all.length} IAM grants, ${wi.length} Workload Identity bindings, ${rbac.length} Kubernetes role bindings. ` +
      "Principals are shown as they will be (a service account's email from its account_id and project); the last column but one has the expression they were resolved from.",
    flagList(flags),
    "#### IAM grants and Workload Identity bindings",
    table(["Member", "Role", "Scope", "Condition", "Defined at", "As written", "Flags"], rows),
    "#### Workload Identity (KSA -> GSA)",
    table(["KSA", "GSA", "IAM binding", "KSA annotation", "Notes"], wiRows),
    roles.length > 0 && "#### Custom roles",
    roles.length > 0 && table(["Role id", "Project", "Permissions", "Stage"], roleRows),
    rbac.length > 0 && "#### Kubernetes RBAC",
    groupsForRbac(env, rbac),
    rbac.length > 0 && table(["Subjects", "Role", "Scope", "Allows", "Defined at", "As written", "Flags"], rbacRows),
  );
  return { title: TITLE, markdown, flags };
}
