// The settings table of docs/configuration.md, generated from the JSON Schema of the configuration: each setting's
// description and default are written once, in the zod schema (`.describe()`, `.default()`, and `x-default` in
// `.meta()` for a default derived from other settings), and reach both environments.schema.json and the table.
import { z } from "zod";
import { AppConfigSchema } from "./environment";

export const SETTINGS_BEGIN = "<!-- settings: generated from the zod schema by `npm run schema`; do not edit -->";
export const SETTINGS_END = "<!-- /settings -->";

interface JsonSchemaNode {
  readonly description?: string;
  readonly default?: unknown;
  readonly "x-default"?: string;
  readonly properties?: Record<string, JsonSchemaNode>;
  readonly required?: readonly string[];
  readonly propertyNames?: JsonSchemaNode;
  readonly additionalProperties?: JsonSchemaNode | boolean;
}

/** A default as the table shows it: a string in code style, anything else as compact JSON. */
function shownDefault(node: JsonSchemaNode, required: boolean, group: boolean): string {
  if (node["x-default"] !== undefined) return node["x-default"];
  if (group) return "";
  if (node.default === undefined) return required ? "required" : "";
  const value = typeof node.default === "string" ? node.default : JSON.stringify(node.default, null, 1).replace(/\n\s*/g, " ");
  return `\`${value}\``;
}

/** One row per setting below `node`: an object's own row only when it is described, then its fields. */
function rows(node: JsonSchemaNode, path: string, required: boolean): string[][] {
  // An object with a default of its own (cluster.cpuLimits) is one setting; one that only defaults to {} is a group.
  const group = node.properties !== undefined && !(typeof node.default === "object" && Object.keys(node.default ?? {}).length > 0);
  const own = [`\`${path}\``, shownDefault(node, required, group), node.description ?? ""];
  if (!group) return [own];
  const fields = Object.entries(node.properties ?? {}).flatMap(([key, child]) =>
    rows(child, path ? `${path}.${key}` : key, node.required?.includes(key) ?? false),
  );
  return node.description && path ? [own, ...fields] : fields;
}

/** A table cell: pipes escaped, and each `docs/<file>.md#anchor` a link relative to docs/, where the table lives. */
const cell = (text: string) =>
  text
    .replace(/\|/g, "\\|")
    .replace(/\s*\n\s*/g, " ")
    .replace(/docs\/([a-z-]+\.md(#[a-z0-9-]+)?)/g, "[$1]($1)");

/** The Markdown table of every setting, in the schema's order; an environment's settings have no prefix. */
export function settingsTable(): string {
  const root = z.toJSONSchema(AppConfigSchema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
  const { environments, ...topLevel } = root.properties ?? {};
  const environment = environments.additionalProperties as JsonSchemaNode;
  const table = [
    ...rows({ properties: topLevel, required: root.required }, "", false),
    ["environment name (key)", "", environments.propertyNames?.description ?? ""],
    ...rows(environment, "", false),
  ];
  return ["| setting | default | rule / meaning |", "|---|---|---|", ...table.map((row) => `| ${row.map(cell).join(" | ")} |`)].join("\n");
}

/** `markdown` with the text between the settings markers replaced by the generated table. */
export function withSettingsTable(markdown: string): string {
  const begin = markdown.indexOf(SETTINGS_BEGIN);
  const end = markdown.indexOf(SETTINGS_END);
  if (begin < 0 || end < begin) throw new Error(`the settings markers ${SETTINGS_BEGIN} ... ${SETTINGS_END} are missing`);
  return `${markdown.slice(0, begin + SETTINGS_BEGIN.length)}\n\n${settingsTable()}\n\n${markdown.slice(end)}`;
}
