// Change review: what a new synth adds, removes and changes against an older one, and above all what Terraform
// would destroy: a stateful resource replaced (a new address, an attribute it cannot update), everything that
// goes with a replacement (see propagation.ts), and whole stacks or environments that left the synth (hazards.ts).
import diff, { Difference } from "microdiff";
import { STATEFUL_TYPES, forcesNew, pathText } from "./force-new";
import { Hazard, careHazards, removedStackHazard, replacedHazard } from "./hazards";
import { code } from "./markdown";
import { EnvironmentModel, ResourceModel, StackModel, TerraformJson } from "./model";
import { Replacement, keyOf, propagate } from "./propagation";
import { first, list } from "./shared";

export { FORCE_NEW, STATEFUL_TYPES, pathText } from "./force-new";

export interface StackChanges {
  readonly stack: string;
  readonly status: "added" | "removed" | "changed";
  readonly added: ResourceModel[];
  readonly removed: ResourceModel[];
  /** Resources whose address changed but that are the same thing (same type and identity). */
  readonly renamed: { from: ResourceModel; to: ResourceModel; moved: boolean }[];
  readonly changed: { from: ResourceModel; to: ResourceModel; diffs: Difference[] }[];
  readonly settings: string[];
  /** Replacements this stack's own diff causes (before propagation). */
  readonly direct: Replacement[];
  /** Removed stateful resources and changes that need care. */
  readonly hazards: Hazard[];
}

export interface EnvironmentChanges {
  readonly stacks: StackChanges[];
  /** Every replacement, direct or as a consequence, by `${stack} ${address}`. */
  readonly replaced: Map<string, Replacement>;
  readonly hazards: Hazard[];
}

// References differ by the Terraform name of what they point at; a rename changes those names too.
const normalizeRefs = (s: string) =>
  s.replace(/\$\{([^}]*)\}/g, (_, e: string) => `\${${e.replace(/\b((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]*)\.[\w-]+/g, "$1.*")}}`);

/** What makes two resources of one type "the same thing" across a rename. */
export function identity(r: ResourceModel): string | undefined {
  const b = r.body;
  const meta = first(b.metadata);
  const parts =
    meta?.name !== undefined
      ? [meta.namespace ?? "default", meta.name]
      : b.name !== undefined
        ? [b.project, b.location ?? b.region, b.name]
        : b.account_id !== undefined
          ? [b.project, b.account_id]
          : b.role !== undefined
            ? [b.role, b.member ?? b.members, b.service_account_id ?? b.bucket ?? b.project]
            : undefined;
  return parts === undefined ? undefined : normalizeRefs(JSON.stringify(parts));
}

function movedPairs(json: TerraformJson | undefined): Map<string, string> {
  return new Map(list(json?.moved).map((m) => [m.from, m.to]));
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
    const to =
      added.find((a) => a.address === movedTo) ??
      (id === undefined ? undefined : added.find((a) => a.type === from.type && identity(a) === id));
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

  const direct: Replacement[] = [];
  const replace = (r: ResourceModel, why: string) =>
    direct.push({ key: keyOf(name, r.address), stack: name, resource: r, why, planned: true });
  for (const { from, to, moved: isMove } of renamed) {
    if (!isMove) replace(to, `construct path or ID changed (${from.path ?? from.address} -> ${to.path ?? to.address})`);
  }
  for (const { to, diffs } of changed) {
    const forcing = diffs.filter((d) => forcesNew(to.type, pathText(d.path)));
    if (forcing.length > 0) replace(to, forcing.map((d) => `${pathText(d.path)} ${show(d, "oldValue")} -> ${show(d, "value")}`).join(", "));
  }
  const status = !before ? "added" : !after ? "removed" : "changed";
  const hazards = status === "removed" ? [] : careHazards(name, removed, changed);
  return { stack: name, status, added, removed, renamed, changed, settings: stackSettings(before, after), direct, hazards };
}

function stackSettings(before: StackModel | undefined, after: StackModel | undefined): string[] {
  if (!before || !after) return [];
  const out: string[] = [];
  if (JSON.stringify(before.backend) !== JSON.stringify(after.backend)) {
    out.push(
      `backend ${code(JSON.stringify(before.backend))} -> ${code(JSON.stringify(after.backend))}: migrate the state (\`terraform init -migrate-state\`) or Terraform starts from empty state`,
    );
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

function show(d: Difference, key: "value" | "oldValue"): string {
  const values: { value?: unknown; oldValue?: unknown } = d;
  return key in d ? JSON.stringify(values[key]) : "(unset)";
}

/** Compares an environment's stacks in two synths; `before` is undefined when the environment is new. */
export function compareEnvironment(
  before: EnvironmentModel | undefined,
  after: EnvironmentModel,
  against = "the older synth",
): EnvironmentChanges {
  const names = [...new Set([...(before?.stacks ?? []), ...after.stacks].map((s) => s.name))];
  const order = (n: string) => after.stacks.findIndex((s) => s.name === n);
  names.sort((a, b) => (order(a) === -1 ? 99 : order(a)) - (order(b) === -1 ? 99 : order(b)) || a.localeCompare(b));
  const stacks = names.map((n) =>
    compareStack(
      before?.stacks.find((s) => s.name === n),
      after.stacks.find((s) => s.name === n),
    ),
  );
  const replaced = propagate(
    after,
    before,
    stacks.flatMap((c) => c.direct),
  );
  const hazards: Hazard[] = [];
  for (const c of stacks) {
    const gone = c.status === "removed" ? before?.stacks.find((s) => s.name === c.stack) : undefined;
    if (gone) hazards.push(removedStackHazard(gone, against));
    for (const r of replaced.values()) {
      if (r.stack !== c.stack || !STATEFUL_TYPES.test(r.resource.type)) continue;
      hazards.push(replacedHazard(replaced, r));
    }
    hazards.push(...c.hazards);
  }
  return { stacks, replaced, hazards };
}
