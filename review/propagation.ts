// What a replacement takes with it. A resource goes with a replaced one when an argument it cannot update reads
// it (a SQL database's `instance`), when it lives in it (every Kubernetes object of the cluster a provider
// connects to, every object of a namespace), or, across stacks, when it reads a remote-state output that does.
import { forcesNew } from "./force-new";
import { EnvironmentModel, ResourceModel, StackModel } from "./model";
import { Ref, display, findBlock, isLiteral, refName, refsIn, refsInString, remoteOutput, walkStrings } from "./refs";
import { literal, sourcesOf } from "./resolve";
import { block, blocks } from "./shared";

/** One resource Terraform destroys and creates again, or that is destroyed with one. */
export interface Replacement {
  /** `${stack} ${address}`. */
  readonly key: string;
  readonly stack: string;
  readonly resource: ResourceModel;
  /** Why, e.g. `keepers.generation "1" -> "2"` or `instance reads google_sql_database_instance.db.name`. */
  readonly why: string;
  /** The key of the replacement this one follows from; none for a direct cause. */
  readonly cause?: string;
  /**
   * True when Terraform plans the replacement (the argument's new value differs or is only known after apply);
   * false when the resource is destroyed with its cause and a later apply, finding it gone, creates it again.
   */
  readonly planned: boolean;
}

export const keyOf = (stack: string, address: string) => `${stack} ${address}`;

interface Context {
  readonly after: EnvironmentModel;
  readonly before?: EnvironmentModel;
  readonly replaced: Map<string, Replacement>;
}

function stackOf(env: EnvironmentModel | undefined, name: string): StackModel | undefined {
  return env?.synth.stacks.find((s) => s.name === name);
}

/** Whether the value a reference reads differs after the plan (a new literal, or one known only after apply). */
function valueChanges(ctx: Context, stack: StackModel, ref: Ref, depth = 0): boolean {
  if (depth > 8 || !ctx.replaced.has(keyOf(stack.name, ref.address))) return false;
  const now = findBlock(stack, ref);
  const sources = now && sourcesOf(now, ref.attr);
  if (!sources) return true;
  const old = stackOf(ctx.before, stack.name)?.resources.find((r) => r.address === ref.address);
  if (!old || JSON.stringify(sourcesOf(old, ref.attr)) !== JSON.stringify(sources)) return true;
  return refsIn(sources).some((inner) => valueChanges(ctx, stack, inner, depth + 1));
}

/** A remote-state output whose literal value differs from the older synth's, as "A -> B". */
function outputChange(ctx: Context, stack: StackModel, name: string, value: unknown): string | undefined {
  const old = stackOf(ctx.before, stack.name)?.outputs.find((o) => o.name === name);
  if (!old || !isLiteral(old.value) || !isLiteral(value) || old.value === value) return undefined;
  return `${JSON.stringify(old.value)} -> ${JSON.stringify(value)}`;
}

type Found = Omit<Replacement, "key" | "stack" | "resource">;

/** An argument that cannot be updated reads a replaced resource, here or through remote state. */
function readsReplaced(ctx: Context, stack: StackModel, r: ResourceModel): Found | undefined {
  let found: Found | undefined;
  walkStrings(r.body, (s, at) => {
    if (found || at.startsWith("depends_on") || !forcesNew(r.type, at)) return;
    for (const ref of refsInString(s)) {
      if (ctx.replaced.has(keyOf(stack.name, ref.address))) {
        const planned = valueChanges(ctx, stack, ref);
        // An IAM condition naming a resource is text in a policy: it outlives the resource (and fits its successor).
        if (!planned && at.startsWith("condition")) continue;
        found = { why: `${at} reads ${refName(stack, ref)}`, cause: keyOf(stack.name, ref.address), planned };
        return;
      }
      const hit = remoteOutput(ctx.after.synth, stack, ref);
      if (!hit) continue;
      const change = outputChange(ctx, hit.stack, hit.output.name, hit.output.value);
      if (change) {
        found = {
          why: `${at} reads ${refName(stack, ref)}, which changes (${hit.stack.name} output ${hit.output.name} ${change})`,
          planned: true,
        };
        return;
      }
      const inner = refsIn(hit.output.value).find((i) => ctx.replaced.has(keyOf(hit.stack.name, i.address)));
      if (inner) {
        found = {
          why: `${at} reads ${refName(stack, ref)} (= ${hit.stack.name} output ${hit.output.name}: ${refName(hit.stack, inner)})`,
          cause: keyOf(hit.stack.name, inner.address),
          planned: valueChanges(ctx, hit.stack, inner),
        };
        return;
      }
    }
  });
  return found;
}

/** The provider configuration a resource uses, e.g. "kubernetes" or "kubernetes.alias". */
function providerOf(r: ResourceModel): string {
  return typeof r.body.provider === "string" ? r.body.provider.replace(/^\$\{(.*)\}$/, "$1") : r.type.split("_")[0];
}

/** For each provider configuration of a stack, the replaced resources it connects through (e.g. the cluster). */
function replacedProviderTargets(ctx: Context, stack: StackModel): Map<string, { cause: string; text: string }> {
  const out = new Map<string, { cause: string; text: string }>();
  for (const [name, configs] of Object.entries(stack.json.provider ?? {})) {
    for (const config of blocks(configs)) {
      const id = config.alias ? `${name}.${config.alias}` : name;
      for (const ref of refsIn(config)) {
        const hit = remoteOutput(ctx.after.synth, stack, ref);
        const target = hit
          ? refsIn(hit.output.value).map((i) => ({
              cause: keyOf(hit.stack.name, i.address),
              text: `${hit.stack.name} output ${hit.output.name}`,
            }))
          : [{ cause: keyOf(stack.name, ref.address), text: ref.text }];
        const replaced = target.find((t) => ctx.replaced.has(t.cause));
        if (replaced && !out.has(id)) out.set(id, replaced);
      }
    }
  }
  return out;
}

/** The namespace a Kubernetes object or Helm release lives in, as a literal. */
function namespaceOf(ctx: Context, stack: StackModel, r: ResourceModel): string | undefined {
  if (!/^(kubernetes_|helm_release$)/.test(r.type) || /^kubernetes_namespace(_v1)?$/.test(r.type)) return undefined;
  const ns = r.type === "helm_release" ? r.body.namespace : block(r.body.metadata).namespace;
  return ns === undefined ? undefined : literal(ctx.after.synth, stack, ns);
}

/** Why `r` goes with a replaced resource, or undefined. */
function consequence(
  ctx: Context,
  stack: StackModel,
  r: ResourceModel,
  providers: Map<string, { cause: string; text: string }>,
): Found | undefined {
  const read = readsReplaced(ctx, stack, r);
  if (read) return read;
  const provider = providers.get(providerOf(r));
  if (provider) {
    const cause = ctx.replaced.get(provider.cause)!;
    return {
      why: `lives in the cluster its ${providerOf(r)} provider connects to (${provider.text}: ${display(cause.resource.path ?? cause.resource.address)})`,
      cause: provider.cause,
      planned: false,
    };
  }
  const ns = namespaceOf(ctx, stack, r);
  const home =
    ns === undefined
      ? undefined
      : [...ctx.replaced.values()].find(
          (x) =>
            x.stack === stack.name &&
            /^kubernetes_namespace(_v1)?$/.test(x.resource.type) &&
            literal(ctx.after.synth, stack, block(x.resource.body.metadata).name) === ns,
        );
  return home
    ? { why: `lives in namespace ${ns}, and deleting a namespace deletes every object in it`, cause: home.key, planned: false }
    : undefined;
}

/** Every replacement the direct ones cause, in the new synth's stacks, until nothing more goes. */
export function propagate(after: EnvironmentModel, before: EnvironmentModel | undefined, direct: Replacement[]): Map<string, Replacement> {
  const ctx: Context = { after, before, replaced: new Map(direct.map((d) => [d.key, d])) };
  for (let grew = true; grew;) {
    grew = false;
    for (const stack of after.stacks) {
      const providers = replacedProviderTargets(ctx, stack);
      for (const r of stack.resources) {
        const key = keyOf(stack.name, r.address);
        if (ctx.replaced.has(key)) continue;
        const found = consequence(ctx, stack, r, providers);
        if (!found) continue;
        ctx.replaced.set(key, { key, stack: stack.name, resource: r, ...found });
        grew = true;
      }
    }
  }
  return ctx.replaced;
}

/** The replacements that follow from `key`, directly. */
export function consequencesOf(all: Map<string, Replacement>, key: string): Replacement[] {
  return [...all.values()].filter((r) => r.cause === key);
}
