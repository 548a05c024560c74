// Small readers every review section uses on the synthesized JSON.
import { ResourceModel } from "./model";

/** A nested block as cdktf writes it: an object, or a one-element list of one. */
export function first(value: any): any {
  return Array.isArray(value) ? value[0] : value;
}

/** Where a resource is defined: its construct path, else its Terraform address. */
export function where(r: ResourceModel): string {
  return r.path ?? r.address;
}

type Visit = (key: string, value: unknown, at: string, parent: Record<string, unknown>) => void;

/** Calls `visit` for every key/value pair of a JSON tree with its dotted path, skipping keys in `skip`. */
export function walkKeys(value: unknown, visit: Visit, skip: readonly string[] = [], at = ""): void {
  if (Array.isArray(value)) value.forEach((v, i) => walkKeys(v, visit, skip, `${at}[${i}]`));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (skip.includes(k)) continue;
      const here = at ? `${at}.${k}` : k;
      visit(k, v, here, value as Record<string, unknown>);
      walkKeys(v, visit, skip, here);
    }
  }
}
