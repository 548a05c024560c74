// Terraform expressions in the JSON ("${google_service_account.x.email}"): find the references they hold,
// show them readably, and follow them across stacks through terraform_remote_state.
import * as path from "path";
import { EnvironmentModel, OutputModel, ResourceModel, StackModel, SynthModel } from "./model";
import { record, str } from "./shared";

/** One reference inside an expression, e.g. google_sql_database_instance.db.name or var.x. */
export interface Ref {
  readonly mode: "managed" | "data" | "var" | "local";
  readonly type: string;
  readonly name: string;
  /** Attribute path after the name, e.g. "email", "master_auth[0].cluster_ca_certificate", "outputs.region". */
  readonly attr: string;
  /** Address of the referenced block, e.g. "data.terraform_remote_state.infra". */
  readonly address: string;
  /** The reference as written, e.g. "google_service_account.x.email". */
  readonly text: string;
}

/** The bodies of the `${...}` interpolations of a string, outermost only (`$${` is Terraform's literal `${`). */
export function interpolations(s: string): string[] {
  const out: string[] = [];
  for (let i = s.indexOf("${"); i !== -1; i = s.indexOf("${", i)) {
    if (s[i - 1] === "$") {
      i += 2;
      continue;
    }
    let depth = 0;
    let quoted = false;
    let j = i + 1;
    for (; j < s.length; j++) {
      const c = s[j];
      if (quoted) {
        if (c === "\\") j++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) break;
    }
    out.push(s.slice(i + 2, j));
    i = j + 1;
  }
  return out;
}

// A resource type always has an underscore ("google_x", "random_x"); this keeps function names out.
const REF = /(?<![\w.\]-])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]*|var|local)\.([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[[^\]]*\])*)/g;

/** The references of one string. */
export function refsInString(s: string): Ref[] {
  const refs: Ref[] = [];
  for (const expr of interpolations(s)) {
    // Quoted strings inside an expression are not references.
    const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    for (const m of code.matchAll(REF)) {
      const [text, data, type, name, rest] = m;
      const mode = data ? "data" : type === "var" ? "var" : type === "local" ? "local" : "managed";
      const attr = rest.replace(/^\./, "");
      const address = mode === "data" ? `data.${type}.${name}` : `${type}.${name}`;
      refs.push({ mode, type, name, attr, address, text });
    }
  }
  return refs;
}

/** Calls `visit` for every string in a JSON value, with its path (e.g. "settings[0].tier"). */
export function walkStrings(value: unknown, visit: (s: string, at: string) => void, at = ""): void {
  if (typeof value === "string") visit(value, at);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, visit, `${at}[${i}]`));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) if (k !== "//") walkStrings(v, visit, at ? `${at}.${k}` : k);
  }
}

/** Every reference in a JSON value. */
export function refsIn(value: unknown): Ref[] {
  const refs: Ref[] = [];
  walkStrings(value, (s) => refs.push(...refsInString(s)));
  return refs;
}

/** A value for a table cell: a lone `${ref}` becomes `ref`; other strings and scalars as written. */
export function display(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") {
    const inner = interpolations(value);
    if (inner.length === 1 && value === `\${${inner[0]}}`) return inner[0];
    return value;
  }
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const pathsByStack = new WeakMap<StackModel, Map<string, string>>();

/**
 * A value for display with each reference to a resource of `stack` named by its construct path instead of its
 * Terraform address: `metaflow-dev-pg-${dev-infra/database/name-suffix.hex}`, not `...${random_id.database_name-suffix_23C9FFA4.hex}`.
 * The path is what the code calls it, and stays the same across releases; the address carries a hash.
 */
export function readable(stack: StackModel | undefined, value: unknown): string {
  const shown = display(value);
  if (!stack || typeof value !== "string" || !value.includes("${")) return shown;
  let paths = pathsByStack.get(stack);
  if (!paths) {
    paths = new Map(stack.resources.filter((r) => r.path).map((r) => [r.address, r.path!]));
    pathsByStack.set(stack, paths);
  }
  const known = paths;
  return shown.replace(REF, (text, data: string | undefined, type: string, name: string, rest: string) => {
    const p = data ? undefined : known.get(`${type}.${name}`);
    return p ? `${p}${rest}` : text;
  });
}

/** A reference named as `readable` does: `dev-infra/database/instance.name` for `google_sql_database_instance.database_instance_D7FC2283.name`. */
export function refName(stack: StackModel | undefined, ref: Ref): string {
  return readable(stack, `\${${ref.text}}`);
}

/** True when a string is a literal: no interpolation at all. */
export function isLiteral(value: unknown): value is string {
  return typeof value === "string" && !value.includes("${");
}

/** The resource or data source a reference points to, in the given stack. */
export function findBlock(stack: StackModel, ref: Ref): ResourceModel | undefined {
  const list = ref.mode === "data" ? stack.dataSources : ref.mode === "managed" ? stack.resources : [];
  return list.find((r) => r.address === ref.address);
}

/** The stack whose state a terraform_remote_state data source reads: same backend, same location. */
export function remoteStateTarget(synth: SynthModel, from: StackModel, remote: ResourceModel): StackModel | undefined {
  const backend = remote.body.backend;
  const config = record(remote.body.config);
  return synth.stacks.find((s) => {
    if (s.name === from.name || s.backend.type !== backend) return false;
    if (backend === "local") {
      // Both paths are relative to their own stack's working directory.
      const a = path.posix.resolve("/", from.workingDirectory, str(config.path) ?? "terraform.tfstate");
      const b = path.posix.resolve("/", s.workingDirectory, str(s.backend.config.path) ?? "terraform.tfstate");
      return a === b;
    }
    if (backend === "gcs") return s.backend.config.bucket === config.bucket && (s.backend.config.prefix ?? "") === (config.prefix ?? "");
    return JSON.stringify(s.backend.config) === JSON.stringify(config);
  });
}

/** The output a `data.terraform_remote_state.x.outputs.y` reference reads, with its stack. */
export function remoteOutput(synth: SynthModel, from: StackModel, ref: Ref): { stack: StackModel; output: OutputModel } | undefined {
  if (ref.mode !== "data" || ref.type !== "terraform_remote_state") return undefined;
  const m = /^outputs\.([\w-]+)/.exec(ref.attr);
  const remote = findBlock(from, ref);
  if (!m || !remote) return undefined;
  const stack = remoteStateTarget(synth, from, remote);
  const output = stack?.outputs.find((o) => o.name === m[1]);
  return stack && output ? { stack, output } : undefined;
}

/**
 * A string with every remote-state output that is a literal in its stack put in place, e.g.
 * "serviceAccount:${data.terraform_remote_state.infra.outputs.workload_identity_pool}[ns/ksa]" ->
 * "serviceAccount:my-project.svc.id.goog[ns/ksa]". Other expressions stay as written.
 */
export function inlineRemoteLiterals(synth: SynthModel, from: StackModel, s: string): string {
  let out = s;
  for (const expr of interpolations(s)) {
    const refs = refsInString(`\${${expr}}`);
    if (refs.length !== 1 || refs[0].text !== expr.trim()) continue;
    const hit = remoteOutput(synth, from, refs[0]);
    if (hit && isLiteral(hit.output.value)) out = out.replace(`\${${expr}}`, hit.output.value);
  }
  return out;
}

/** The stack of an environment by name. */
export function stackNamed(env: EnvironmentModel, name: string): StackModel | undefined {
  return env.synth.stacks.find((s) => s.name === name);
}

/** A resource's construct path without the stack prefix, or its address when there is no metadata. */
export function shortPath(r: ResourceModel): string {
  return r.path ? r.path.replace(/^[^/]+\//, "") : r.address;
}

/**
 * A value for display with its remote-state hops spelled out, e.g.
 * "data.terraform_remote_state.infra.outputs.bucket_name (= dev-infra output bucket_name: google_storage_bucket.b.name)".
 */
export function explain(synth: SynthModel, from: StackModel, value: unknown): string {
  const shown = display(value);
  if (typeof value !== "string") return shown;
  const inlined = inlineRemoteLiterals(synth, from, value);
  if (inlined !== value) return display(inlined);
  const hops = refsInString(value)
    .map((ref) => {
      const hit = remoteOutput(synth, from, ref);
      return hit ? `${hit.stack.name} output ${hit.output.name}: ${display(hit.output.value)}` : undefined;
    })
    .filter((h): h is string => h !== undefined);
  return hops.length > 0 ? `${shown} (= ${hops.join("; ")})` : shown;
}
