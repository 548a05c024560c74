// Readers of synthesized Terraform JSON, shared by the app-level tests and the construct specs.
import { interpolations } from "../review/refs";

/** All resources of one type in synthesized JSON, keyed by their Terraform name. */
export function resourcesOf(json: any, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The only resource of a type; fails the test when there is not exactly one. */
export function onlyResource(json: any, type: string): any {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

// The output cdktf adds to a stack another stack refers to, and the remote state it adds to the referring stack
// (__tests__/contracts/cdktf.test.ts).
const CROSS_STACK_OUTPUT = "cross-stack-output-";
const CROSS_STACK_INPUT = "cross-stack-reference-input-";

// A resource (`google_sql_user.metaflow`) or data source (`data.google_client_config.current`) named in an expression:
// resource types are `<provider>_<kind>`; an attribute after the name (`.email`) is not a second reference.
const REFERENCE = /(?<![\w.])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*)(?![\w(])/g;

/** Each place in one stack's JSON that refers to something the stack does not hold, or to another stack. */
export function foreignReferences(stack: string, json: any): string[] {
  const held = new Set<string>();
  for (const [type, byName] of Object.entries<any>(json.resource ?? {}))
    for (const name of Object.keys(byName)) held.add(`${type}.${name}`);
  for (const [type, byName] of Object.entries<any>(json.data ?? {}))
    for (const name of Object.keys(byName)) held.add(`data.${type}.${name}`);
  const found: string[] = [];
  const visit = (value: unknown, where: string, key?: string) => {
    if (typeof value === "string") {
      // depends_on lists references bare; everywhere else they are inside ${...}.
      const refs = key === "depends_on" ? [value] : interpolations(value).flatMap((e) => [...e.matchAll(REFERENCE)].map((m) => m[1]));
      for (const ref of refs) if (!held.has(ref)) found.push(`${stack}: ${where} refers to ${ref}, which is not in the stack`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${where}[${i}]`, key));
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(v, where ? `${where}.${k}` : k, k);
    }
  };
  visit(json, "");
  for (const name of Object.keys(json.data?.terraform_remote_state ?? {}).filter((n) => n.startsWith(CROSS_STACK_INPUT)))
    found.push(`${stack}: data.terraform_remote_state.${name} is cdktf's remote state for a reference across stacks`);
  for (const name of Object.keys(json.output ?? {}).filter((n) => n.startsWith(CROSS_STACK_OUTPUT)))
    found.push(`${stack}: output ${name} is cdktf's output for a reference from another stack`);
  return found;
}
