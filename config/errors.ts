// How a bad configuration is reported: one line per problem, naming the environment, the field, the value and
// the rule, and, for a misspelt key, the closest valid one.
import { closest, distance } from "fastest-levenshtein";
import { parseDocument } from "yaml";
import { z } from "zod";

/** One broken rule; `env` is unset for app-level fields such as stateBackend. */
export interface Issue {
  readonly env?: string;
  readonly field: string;
  readonly value: unknown;
  readonly rule: string;
}

/** A configuration that breaks a rule; `issues` holds one line per problem. */
export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid metaflow-gcp configuration:\n${issues.map((i) => `  - ${i}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** `environment "dev", field "zone" = "us-east1-a": rule`; long values are shortened, a missing one is "(not set)". */
export function describe({ env, field, value, rule }: Issue): string {
  const where = env === undefined ? `field "${field}"` : `environment "${env}", field "${field}"`;
  const shown = value === undefined ? "(not set)" : JSON.stringify(value);
  return `${where} = ${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}: ${rule}`;
}

/** " (did you mean "cluster"?)" when a known word is close to `word`, ignoring case, else "". */
export function didYouMean(word: string, known: readonly string[]): string {
  if (known.length === 0) return "";
  const lower = known.map((k) => k.toLowerCase());
  const best = closest(word.toLowerCase(), lower);
  const near = distance(word.toLowerCase(), best) <= Math.max(2, Math.floor(word.length / 3));
  return near ? ` (did you mean "${known[lower.indexOf(best)]}"?)` : "";
}

type JsonSchema = { properties?: Record<string, JsonSchema>; additionalProperties?: JsonSchema | boolean; items?: JsonSchema };

/** The keys an object at `path` may have, read from the JSON Schema of the configuration. */
function keysAt(schema: JsonSchema, path: PropertyKey[]): string[] {
  let node: JsonSchema | undefined = schema;
  for (const key of path) {
    if (node === undefined) return [];
    const next: JsonSchema | boolean | undefined =
      typeof key === "number" ? node.items : (node.properties?.[String(key)] ?? node.additionalProperties);
    node = typeof next === "object" ? next : undefined;
  }
  return Object.keys(node?.properties ?? {});
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Every path at which `key` is a setting, "<name>" standing for a record's key and "<n>" for a list item. */
function placesOf(schema: JsonSchema, key: string, at: string[] = []): string[][] {
  const here = schema.properties && key in schema.properties ? [at] : [];
  const below = Object.entries(schema.properties ?? {}).flatMap(([name, child]) => placesOf(child, key, [...at, name]));
  const record = typeof schema.additionalProperties === "object" ? placesOf(schema.additionalProperties, key, [...at, "<name>"]) : [];
  const items = schema.items ? placesOf(schema.items, key, [...at, "<n>"]) : [];
  return [...here, ...below, ...record, ...items];
}

/** ': it belongs under "cluster" (cluster.machineType)' when `key` is a setting at exactly one other place, else "". */
function belongsElsewhere(schema: JsonSchema, key: string, path: PropertyKey[]): string {
  const all = placesOf(schema, key);
  // A key that is also a field of list items (cluster.nodePools[].machineType) belongs at its one place outside them.
  const outsideLists = all.filter((p) => !p.includes("<n>"));
  const places = all.length > 1 && outsideLists.length === 1 ? outsideLists : all;
  if (places.length !== 1) return "";
  const [place] = places;
  if (place.length === 0) return ': it belongs at the top level of the file, beside "environments"';
  const inEnvironment = place[0] === "environments" && place[1] === "<name>";
  const section = place.slice(2).join(".");
  if (inEnvironment && section === "") return `: it belongs in each environment (environments.<name>.${key})`;
  if (inEnvironment && path[0] === "environments") return `: it belongs under "${section}" (${section}.${key})`;
  return `: it belongs at ${[...place, key].join(".")}`;
}

/** Splits a zod path into the environment it belongs to and the field inside it. */
function locate(path: PropertyKey[]): { env?: string; field: string } {
  const inEnv = path[0] === "environments" && path.length > 1;
  const field = (inEnv ? path.slice(2) : path).join(".");
  return { env: inEnv ? String(path[1]) : undefined, field: field || (inEnv ? "(environment)" : "(root)") };
}

/** One line per zod issue, each with its field, value and rule. */
export function zodIssueLines(error: z.ZodError, input: unknown, schema: z.ZodType): string[] {
  let jsonSchema: JsonSchema | undefined;
  return error.issues.flatMap((issue) => {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      const schemaTree = (jsonSchema ??= z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema);
      const known = keysAt(schemaTree, path);
      return issue.keys.map((key) =>
        describe({
          ...locate([...path, key]),
          value: valueAt(input, [...path, key]),
          rule: `unknown key "${key}"${belongsElsewhere(schemaTree, key, path) || didYouMean(key, known)}`,
        }),
      );
    }
    if (issue.code === "invalid_key") {
      // A bad record key (an environment name, a label key): name the record, the key and the key's rule.
      const rule = issue.issues.map((i) => i.message).join("; ");
      const record = path.slice(0, -1);
      return [describe({ ...(record.length > 1 ? locate(record) : { field: record.join(".") }), value: path[path.length - 1], rule })];
    }
    const value = valueAt(input, path);
    let rule = value === undefined && issue.code === "invalid_type" ? "missing (required)" : issue.message;
    // An enum value off by case or a slip ("stable" for "STABLE"): name the valid one.
    if (issue.code === "invalid_value" && typeof value === "string") {
      rule += didYouMean(
        value,
        issue.values.filter((v): v is string => typeof v === "string"),
      );
    }
    return [describe({ ...locate(path), value, rule })];
  });
}

/** Parses a configuration file's text: strict JSON, errors with line and column, duplicate keys refused. */
export function parseJson(text: string, file: string): unknown {
  const source = text.replace(/^\uFEFF/, "");
  try {
    const value = JSON.parse(source);
    // JSON.parse keeps the last of two equal keys silently; the YAML parser (JSON is YAML 1.2) reports them.
    const duplicates = parseDocument(source, { uniqueKeys: true, prettyErrors: false }).errors.filter((e) => e.code === "DUPLICATE_KEY");
    if (duplicates.length > 0) {
      throw new ConfigError(
        duplicates.map((e) => `${file}, ${lineColumn(source, e.pos[0])}: duplicate key: each key may appear only once in an object`),
      );
    }
    return value;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const where = position ? `, ${lineColumn(source, Number(position[1]))}` : "";
    throw new ConfigError([`${file}${where}: invalid JSON: ${message.replace(/ in JSON at position \d+.*$/, "")}`]);
  }
}

/** "line 3, column 5" of a character offset. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
