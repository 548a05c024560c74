// IAM grants: every member holding a role on a scope, resolved to the principal a reviewer knows, and its flags.
import { EnvironmentModel, Flag, ResourceModel, StackModel } from "./model";
import { findBlock, refsInString } from "./refs";
import { Principal, principal, shown } from "./resolve";
import { blocks, first, list } from "./shared";

export const ACCESS = "Access";
export const WI_ROLE = "roles/iam.workloadIdentityUser";
const PRIMITIVE_ROLES = new Set(["roles/owner", "roles/editor", "roles/viewer"]);
const PUBLIC_MEMBERS = new Set(["allUsers", "allAuthenticatedUsers"]);
// Grants on these scopes reach every resource below them.
const WIDE_SCOPES = new Set(["project", "folder", "organization"]);
// Which argument names the target of a non-project IAM resource, in order of preference.
const TARGET_ARGS = [
  "bucket",
  "service_account_id",
  "secret_id",
  "repository",
  "dataset_id",
  "topic",
  "subscription",
  "instance_name",
  "name",
  "folder",
  "org_id",
];

/** One member holding one role on one scope. */
export interface Grant {
  /** The member resolved (a service account's email as it will be), with the expression it was written as. */
  readonly member: Principal;
  readonly role: string;
  /** e.g. "project", "storage_bucket", "service_account". */
  readonly scopeKind: string;
  /** e.g. "service_account metaflow-dev@p.iam.gserviceaccount.com". */
  readonly scope: string;
  /** The scope's target as written, when it differs from the resolved one. */
  readonly scopeWritten?: string;
  readonly condition?: { readonly title?: unknown; readonly expression?: unknown };
  readonly resource: ResourceModel;
  readonly stack: StackModel;
  /** `*_iam_policy`/`*_iam_binding` resources replace every other holder of the role or policy. */
  readonly authoritative: boolean;
}

function scopeOf(stack: StackModel, env: EnvironmentModel, r: ResourceModel) {
  const kind = r.type.replace(/^google_/, "").replace(/_iam_(member|binding|policy)$/, "");
  const arg = kind === "project" ? "project" : TARGET_ARGS.find((a) => r.body[a] !== undefined);
  if (!arg) return { kind, scope: `${kind} (provider default)` };
  const target = principal(env.synth, stack, r.body[arg]);
  // A service account is known by its email; its `name` is projects/<p>/serviceAccounts/<email>.
  const name = kind === "service_account" ? target.name.replace(/^projects\/[^/]+\/serviceAccounts\//, "") : target.name;
  return { kind, scope: `${kind} ${name}`, written: target.written };
}

/** Every grant of the environment's IAM resources, one per member. */
export function grants(env: EnvironmentModel): Grant[] {
  const out: Grant[] = [];
  for (const stack of env.stacks) {
    for (const r of stack.resources) {
      const m = /^google_\w+_iam_(member|binding|policy)$/.exec(r.type);
      if (!m) continue;
      const { kind, scope, written } = scopeOf(stack, env, r);
      const add = (member: unknown, role: unknown, condition: unknown, authoritative: boolean) =>
        out.push({
          member: principal(env.synth, stack, String(member)),
          role: shown(env.synth, stack, role),
          scopeKind: kind,
          scope,
          scopeWritten: written,
          condition: first(condition),
          resource: r,
          stack,
          authoritative,
        });
      if (m[1] === "member") add(r.body.member, r.body.role, r.body.condition, false);
      else if (m[1] === "binding") for (const member of list(r.body.members)) add(member, r.body.role, r.body.condition, true);
      else {
        // An authoritative policy is usually a data.google_iam_policy document: read its bindings.
        const doc = refsInString(String(r.body.policy_data ?? ""))
          .map((ref) => findBlock(stack, ref))
          .find((d) => d?.type === "google_iam_policy");
        for (const b of blocks(doc?.body.binding)) {
          for (const member of list(b.members)) add(member, b.role, b.condition, true);
        }
      }
    }
  }
  return out;
}

/** What a broad role gives its holder, where the role's name undersells it. */
const ROLE_REACH: Record<string, string> = {
  "roles/container.developer": "every Kubernetes object of every cluster in the project, Secrets included",
};

/** The flags one grant raises. */
export function grantFlags(g: Grant): Flag[] {
  const where = g.resource.path ?? g.resource.address;
  const flags: Flag[] = [];
  const member = g.member.name;
  if (PUBLIC_MEMBERS.has(member))
    flags.push({
      severity: "loud",
      section: ACCESS,
      message: `public principal ${member} holds ${g.role}`,
      where,
      label: "public principal",
    });
  if (PRIMITIVE_ROLES.has(g.role))
    flags.push({
      severity: "loud",
      section: ACCESS,
      message: `primitive role ${g.role} granted to ${member}`,
      where,
      label: "primitive role",
    });
  if (WIDE_SCOPES.has(g.scopeKind) && !g.condition) {
    const reach = ROLE_REACH[g.role] ? ` (${ROLE_REACH[g.role]})` : "";
    flags.push({
      severity: "warn",
      section: ACCESS,
      message: `${g.role} on the whole ${g.scopeKind} without a condition, for ${member}${reach}`,
      where,
      label: `${g.scopeKind}-wide, no condition${reach}`,
    });
  }
  if (g.authoritative)
    flags.push({
      severity: "warn",
      section: ACCESS,
      message: `authoritative ${g.resource.type} removes holders of ${g.role} not listed here`,
      where,
      label: "authoritative",
    });
  return flags;
}
