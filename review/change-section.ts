// The Change review section: what is destroyed first, then each replacement with what goes with it, as a
// tree under the resource that causes it, then every stack's changes.
import { Difference } from "microdiff";
import { EnvironmentChanges, StackChanges, compareEnvironment, pathText } from "./changes";
import { dataLoss } from "./data-loss";
import { STATEFUL_TYPES } from "./force-new";
import { Hazard } from "./hazards";
import { code, paragraphs, table, truncate } from "./markdown";
import { EnvironmentModel, Flag, ResourceModel, Section, SectionContext } from "./model";
import { Replacement, consequencesOf } from "./propagation";
import { where } from "./shared";

const TITLE = "Change review";

function describe(r: ResourceModel): string {
  return r.path ? `${r.path} (${r.address})` : r.address;
}

function diffLine(d: Difference): string {
  const p = pathText(d.path);
  if (d.type === "CREATE") return `+ ${p} = ${truncate(JSON.stringify(d.value), 70)}`;
  if (d.type === "REMOVE") return `- ${p} (was ${truncate(JSON.stringify(d.oldValue), 70)})`;
  return `~ ${p}: ${truncate(JSON.stringify(d.oldValue), 50)} -> ${truncate(JSON.stringify(d.value), 50)}`;
}

/** One replacement and, indented under it, everything that goes with it. */
function treeLines(env: EnvironmentModel, changes: EnvironmentChanges, r: Replacement, depth: number, parentStack?: string): string[] {
  const stateful = STATEFUL_TYPES.test(r.resource.type);
  const stack = r.stack !== parentStack ? `**${r.stack}** ` : "";
  const cause = r.cause ? changes.replaced.get(r.cause) : undefined;
  const outcome = !cause
    ? r.why.startsWith("construct path")
      ? ""
      : ": replaced"
    : r.planned
      ? ": Terraform replaces it too"
      : ": destroyed with it";
  const loss = stateful ? dataLoss(env, changes.replaced, r) : undefined;
  const line = `${"  ".repeat(depth)}- ${stateful ? "⛔ " : ""}${stack}${code(where(r.resource))} (${code(r.resource.type)}): ${r.why}${outcome}${loss ? `. ${loss}` : ""}`;
  const children = consequencesOf(changes.replaced, r.key);
  return [line, ...children.flatMap((c) => treeLines(env, changes, c, depth + 1, r.stack))];
}

/** A stack's replacements that follow from another's (not in its own diff). */
function followersOf(c: StackChanges, replaced: EnvironmentChanges["replaced"]): Replacement[] {
  const touched = new Set([...c.changed.map(({ to }) => to.address), ...c.renamed.map(({ to }) => to.address)]);
  return [...replaced.values()].filter((r) => r.stack === c.stack && r.cause && !touched.has(r.resource.address));
}

/** "1 added, 0 removed, 0 renamed, 2 changed (1 replaced)[, 3 destroyed with what they depend on]". */
function countsOf(c: StackChanges, replaced: EnvironmentChanges["replaced"]): string {
  const followers = followersOf(c, replaced);
  const replacedCount = c.changed.filter(({ to }) => replaced.has(`${c.stack} ${to.address}`)).length;
  return (
    `${c.added.length} added, ${c.removed.length} removed, ${c.renamed.length} renamed, ${c.changed.length} changed (${replacedCount} replaced)` +
    (followers.length > 0 ? `, ${followers.length} destroyed with what they depend on` : "")
  );
}

/** "`google_sql_user` ×2, `helm_release` ×3, ..." */
function byType(resources: ResourceModel[]): string {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${code(type)} ×${n}`)
    .join(", ");
}

function stackPart(c: StackChanges, replaced: EnvironmentChanges["replaced"]): string {
  const isReplaced = (r: ResourceModel) => replaced.has(`${c.stack} ${r.address}`);
  const followers = followersOf(c, replaced);
  const counts = countsOf(c, replaced);
  // A stack that is new, or gone, as a whole is summed up by type: one row per resource says nothing more.
  const whole = c.status === "added" ? c.added : c.status === "removed" ? c.removed : undefined;
  const rows: string[][] = [
    ...(whole ? [] : c.added.map((r) => ["added", code(r.type), code(where(r)), ""])),
    ...(whole ? [] : c.removed.map((r) => ["removed", code(r.type), code(where(r)), STATEFUL_TYPES.test(r.type) ? "stateful" : ""])),
    ...c.renamed.map(({ from, to, moved }) => [
      moved ? "moved" : "renamed (destroy + create)",
      code(to.type),
      `${code(describe(from))} -> ${code(describe(to))}`,
      "",
    ]),
    ...c.changed.map(({ to, diffs }) => [
      isReplaced(to) ? "replaced" : "changed",
      code(to.type),
      code(where(to)),
      diffs
        .slice(0, 8)
        .map((d) => code(diffLine(d)))
        .join("<br>") + (diffs.length > 8 ? `<br>… ${diffs.length - 8} more` : ""),
    ]),
    ...followers.map((r) => [
      r.planned ? "replaced (follows)" : "destroyed with its cause",
      code(r.resource.type),
      code(where(r.resource)),
      r.why,
    ]),
  ];
  const status = c.status === "changed" ? counts : `stack ${c.status}; ${counts}`;
  return paragraphs(
    `#### ${code(c.stack)}: ${status}`,
    c.settings.map((s) => `- ${s}`).join("\n"),
    whole && `Every resource is ${c.status}, by type: ${byType(whole)}.`,
    (!whole || rows.length > 0) && table(["Change", "Type", "Resource", "Details"], rows, "_No resource changes._"),
  );
}

const hazardLine = (h: Hazard) =>
  `- **${h.stack}** ${code(h.path ?? h.address)}${h.type === "stack" ? "" : ` (${code(h.type)})`}: ${h.reason}`;

export function changesSection({ env: after, before, againstLabel: against, acknowledge }: SectionContext): Section {
  if (against === undefined) {
    return {
      title: TITLE,
      markdown: "Not compared: run with `--against <previous cdktf.out>` to see what this synth adds, removes and replaces.",
      flags: [],
    };
  }
  const changes = compareEnvironment(before, after, against);
  const { hazards } = changes;
  const flags: Flag[] = acknowledge(
    hazards.map((h) => ({
      severity: h.destroys ? "loud" : "warn",
      section: TITLE,
      message: h.type === "stack" ? `STACK GONE: ${h.reason}` : `${h.destroys ? "DESTROYS " : ""}${h.type}: ${h.reason}`,
      where: h.path ?? h.address,
    })),
  );
  const gone = hazards.filter((h) => h.type === "stack");
  const destroying = hazards.filter((h) => h.destroys && h.type !== "stack");
  const roots = [...changes.replaced.values()].filter((r) => !r.cause);
  const careful = hazards.filter((h) => !h.destroys);
  const markdown = paragraphs(
    `Compared with ${code(against)}${before ? "" : " (the environment is new there)"}${after.stacks.length === 0 ? " (the environment is not in this synth)" : ""}.`,
    gone.length > 0 &&
      `#### ⛔ ${gone.length} stack${gone.length === 1 ? "" : "s"} no longer in this synth\n\n${gone.map(hazardLine).join("\n")}`,
    destroying.length > 0
      ? `#### ⛔ ${destroying.length} stateful resource${destroying.length === 1 ? "" : "s"} destroyed or recreated\n\n${destroying.map(hazardLine).join("\n")}`
      : "No stateful resource is destroyed or recreated.",
    roots.length > 0 && "#### What each replacement takes with it",
    roots.length > 0 && roots.flatMap((r) => treeLines(after, changes, r, 0)).join("\n"),
    careful.length > 0 && "#### Changes that need care",
    careful.length > 0 && careful.map((h) => `- **${h.stack}** ${code(h.path ?? h.address)}: ${h.reason}`).join("\n"),
    ...changes.stacks.map((c) => stackPart(c, changes.replaced)),
  );
  const status = (c: StackChanges) => (c.status === "changed" ? "" : `stack ${c.status}; `);
  const counts = changes.stacks.map((c) => `${c.stack}: ${status(c)}${countsOf(c, changes.replaced)}`);
  return { title: TITLE, markdown, flags, summary: [`changes against ${against}:`, ...counts.map((c) => `  ${c}`)] };
}
