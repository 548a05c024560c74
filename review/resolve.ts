// What a Terraform value will be, as far as the synthesized JSON says: a reference to a literal argument, a
// service account's email (account_id and project are literals) or a remote-state output put in place.
import { ResourceModel, StackModel, SynthModel } from "./model";
import { Ref, display, findBlock, interpolations, isLiteral, refsInString, remoteOutput } from "./refs";
import { block } from "./shared";

// Attributes whose value after apply is the argument as written (for the types the review shows).
const ECHOED = new Set(["name", "project", "region", "location", "account_id", "bucket", "role_id", "repository_id"]);
// Deep enough for a remote-state output that reads a resource that reads another one; stops cycles.
const MAX_DEPTH = 8;

/** The project a resource lands in: its own argument, else its provider's (the stack's default google provider). */
function projectOf(synth: SynthModel, stack: StackModel, r: ResourceModel, depth: number): string | undefined {
  const own = r.body.project ?? block(stack.json.provider?.google).project;
  return own === undefined ? undefined : literal(synth, stack, own, depth + 1);
}

/** A service account's computed attributes, from its account_id and project. */
function serviceAccountAttr(synth: SynthModel, stack: StackModel, r: ResourceModel, attr: string, depth: number): string | undefined {
  const accountId = literal(synth, stack, r.body.account_id, depth + 1);
  const project = projectOf(synth, stack, r, depth);
  if (accountId === undefined || project === undefined) return undefined;
  const email = `${accountId}@${project}.iam.gserviceaccount.com`;
  if (attr === "email") return email;
  if (attr === "member") return `serviceAccount:${email}`;
  if (attr === "name" || attr === "id") return `projects/${project}/serviceAccounts/${email}`;
  return attr === "account_id" ? accountId : attr === "project" ? project : undefined;
}

/**
 * A project custom role's name (and id): `projects/<project>/roles/<role_id>` (terraform-provider-google v6.50.0,
 * website/docs/r/google_project_iam_custom_role.html.markdown).
 */
function customRoleName(synth: SynthModel, stack: StackModel, r: ResourceModel, depth: number): string | undefined {
  const roleId = literal(synth, stack, r.body.role_id, depth + 1);
  const project = projectOf(synth, stack, r, depth);
  return roleId === undefined || project === undefined ? undefined : `projects/${project}/roles/${roleId}`;
}

function resolveRef(synth: SynthModel, stack: StackModel, ref: Ref, depth: number): string | undefined {
  const hit = remoteOutput(synth, stack, ref);
  if (hit) return literal(synth, hit.stack, hit.output.value, depth + 1);
  const target = findBlock(stack, ref);
  if (!target || target.mode !== "managed") return undefined;
  if (target.type === "google_service_account") return serviceAccountAttr(synth, stack, target, ref.attr, depth);
  if (target.type === "google_project_iam_custom_role" && (ref.attr === "name" || ref.attr === "id"))
    return customRoleName(synth, stack, target, depth);
  const meta = /^metadata(?:\[0\])?\.(name|namespace)$/.exec(ref.attr);
  if (meta) return literal(synth, stack, block(target.body.metadata)[meta[1]], depth + 1);
  return ECHOED.has(ref.attr) ? literal(synth, stack, target.body[ref.attr], depth + 1) : undefined;
}

/**
 * The arguments an attribute is computed from, when it is one the JSON fixes (`name` echoes the argument, a
 * service account's email derives from account_id and project); undefined for one known only after apply.
 */
export function sourcesOf(r: ResourceModel, attr: string): unknown[] | undefined {
  if (r.type === "google_service_account" && /^(email|member|name|id|account_id)$/.test(attr)) return [r.body.account_id, r.body.project];
  if (r.type === "google_project_iam_custom_role" && /^(name|id)$/.test(attr)) return [r.body.role_id, r.body.project];
  const meta = /^metadata(?:\[0\])?\.(name|namespace)$/.exec(attr);
  if (meta) return [block(r.body.metadata)[meta[1]]];
  return ECHOED.has(attr) && r.body[attr] !== undefined ? [r.body[attr]] : undefined;
}

/** The value as a literal string, or undefined when some part of it is only known after apply. */
export function literal(synth: SynthModel, stack: StackModel, value: unknown, depth = 0): string | undefined {
  if (typeof value !== "string" || depth > MAX_DEPTH) return undefined;
  const out = resolve(synth, stack, value, depth);
  return isLiteral(out) ? out : undefined;
}

/**
 * A string with every lone reference it holds (`${type.name.attr}`, `${data.terraform_remote_state.x.outputs.y}`)
 * replaced by its literal value where the JSON fixes it; other expressions stay as written.
 */
export function resolve(synth: SynthModel, stack: StackModel, value: string, depth = 0): string {
  let out = value;
  for (const expr of interpolations(value)) {
    const refs = refsInString(`\${${expr}}`);
    if (refs.length !== 1 || refs[0].text !== expr.trim()) continue;
    const resolved = resolveRef(synth, stack, refs[0], depth);
    if (resolved !== undefined) out = out.replace(`\${${expr}}`, resolved);
  }
  return out;
}

/** A value for a table: resolved where the JSON fixes it, else shown as the expression (see `display`). */
export function shown(synth: SynthModel, stack: StackModel, value: unknown): string {
  return typeof value === "string" ? display(resolve(synth, stack, value)) : display(value);
}

/** A principal and how it is written in the JSON, when that differs (the Terraform address, for traceability). */
export interface Principal {
  readonly name: string;
  readonly written?: string;
}

export function principal(synth: SynthModel, stack: StackModel, value: unknown): Principal {
  const name = shown(synth, stack, value);
  const written = display(value);
  return written === name ? { name } : { name, written };
}
