// Helm releases: the values Terraform passes (YAML documents and `set` entries), read for several sections.
import { parse } from "yaml";
import { ResourceModel } from "./model";
import { blocks, list } from "./shared";

export interface HelmSet {
  readonly name: string;
  readonly value: unknown;
  readonly sensitive: boolean;
}

/** One helm_release's values: parsed YAML documents (unparseable ones skipped) and `set`/`set_sensitive` entries. */
export interface HelmValues {
  readonly documents: unknown[];
  readonly sets: HelmSet[];
  /** Documents that are not YAML (e.g. a whole-document expression). */
  readonly unparsed: string[];
}

export function isHelmRelease(r: ResourceModel): boolean {
  return r.type === "helm_release";
}

export function helmValues(r: ResourceModel): HelmValues {
  const documents: unknown[] = [];
  const unparsed: string[] = [];
  for (const text of list(r.body.values)) {
    try {
      documents.push(parse(String(text)));
    } catch {
      unparsed.push(String(text));
    }
  }
  const entries = (value: unknown, sensitive: boolean): HelmSet[] =>
    blocks(value).map((s) => ({ name: String(s.name), value: s.value, sensitive }));
  const sets = [...entries(r.body.set, false), ...entries(r.body.set_list, false), ...entries(r.body.set_sensitive, true)];
  return { documents, sets, unparsed };
}

/** "chart@version from repository" for display. */
export function chartLabel(r: ResourceModel): string {
  const repo = r.body.repository ? ` from ${r.body.repository}` : "";
  return `${r.body.chart}${r.body.version ? `@${r.body.version}` : ""}${repo}`;
}
