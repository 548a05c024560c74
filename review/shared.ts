// Small readers every review section uses on the synthesized JSON, whose values are unknown until checked.
import { JsonObject, ResourceModel } from "./model";

/** True for a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value when it is a JSON object, else an empty one. */
export function record(value: unknown): JsonObject {
  return isRecord(value) ? value : {};
}

/** The value when it is a string. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A list argument, which cdktf may also write as a single value: [] when absent. */
export function list<T>(value: T | readonly T[] | undefined): T[] {
  const out: T[] = [];
  return out.concat(value ?? []);
}

/** A nested block as cdktf writes it: an object, or a one-element list of one; undefined when absent. */
export function first(value: unknown): JsonObject | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return isRecord(v) ? v : undefined;
}

/** A nested block's arguments, {} when the block is absent. */
export function block(value: unknown): JsonObject {
  return first(value) ?? {};
}

/** A repeated nested block (e.g. `rule`, `subject`): each entry's arguments. */
export function blocks(value: unknown): JsonObject[] {
  return list(value).map(record);
}

/** Where a resource is defined: its construct path, else its Terraform address. */
export function where(r: ResourceModel): string {
  return r.path ?? r.address;
}

type Visit = (key: string, value: unknown, at: string, parent: JsonObject) => void;

/** Calls `visit` for every key/value pair of a JSON tree with its dotted path, skipping keys in `skip`. */
export function walkKeys(value: unknown, visit: Visit, skip: readonly string[] = [], at = ""): void {
  if (Array.isArray(value)) value.forEach((v, i) => walkKeys(v, visit, skip, `${at}[${i}]`));
  else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (skip.includes(k)) continue;
      const here = at ? `${at}.${k}` : k;
      visit(k, v, here, value);
      walkKeys(v, visit, skip, here);
    }
  }
}
