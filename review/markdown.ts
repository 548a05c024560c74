// Markdown building blocks. Tables are hand-written: markdown-table, the usual library, is ESM-only from v3
// (jest here loads CommonJS only) and v2 is frozen and untyped; a GFM table is a few lines with escaping.
import { Flag } from "./model";

/** A cell's text made safe inside a GFM table row. */
export function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

/** Inline code; pipes are escaped by `cell` when the span lands in a table. */
export function code(text: string): string {
  if (text === "") return "";
  const fence = text.includes("`") ? "``" : "`";
  return `${fence}${fence === "``" ? ` ${text} ` : text}${fence}`;
}

/** A GFM table; an empty `rows` gives `empty` instead. */
export function table(headers: string[], rows: string[][], empty = "_None._"): string {
  if (rows.length === 0) return empty;
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(headers), `| ${headers.map(() => "---").join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** Shortens long values (keys, policies) for a table. */
export function truncate(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export const LOUD = "🚨 **LOUD**";
export const WARN = "⚠️";
export const ACKNOWLEDGED = "✔️";

/** A flag as a list item; an acknowledged warning with the team's reason. */
export function flagLine(flag: Flag): string {
  const where = flag.where ? ` (${code(flag.where)})` : "";
  if (flag.acknowledged !== undefined) return `- ${ACKNOWLEDGED} acknowledged: ${flag.message}${where}. Reason: ${flag.acknowledged}`;
  return `- ${flag.severity === "loud" ? LOUD : WARN} ${flag.message}${where}`;
}

/** Loud flags first, then warnings, then acknowledged warnings. */
const rank = (f: Flag) => (f.severity === "loud" ? 0 : f.acknowledged === undefined ? 1 : 2);

/** The flags of a section as a list, loud ones first, acknowledged ones last; nothing when there are none. */
export function flagList(flags: Flag[]): string {
  return [...flags]
    .sort((a, b) => rank(a) - rank(b))
    .map(flagLine)
    .join("\n");
}

/** Short label for a flag inside a table cell. */
export function flagCell(flags: Flag[]): string {
  const mark = (f: Flag) => (f.severity === "loud" ? "🚨" : f.acknowledged === undefined ? "⚠️" : `${ACKNOWLEDGED} acknowledged:`);
  return flags.map((f) => `${mark(f)} ${f.label ?? f.message}`).join("; ");
}

/** Joins non-empty paragraphs with blank lines. */
export function paragraphs(...parts: (string | undefined | false)[]): string {
  return parts.filter((p): p is string => typeof p === "string" && p.trim() !== "").join("\n\n");
}
